/**
 * The fake's REST routes under /api/v10: gateway discovery, command registration, interaction callbacks
 * and webhook edits, channel messages, DM channels. Each answers what discord.js reads from Discord's
 * response, no more. Bot routes require `Authorization: Bot <token>`; interaction routes use the token
 * in the path, as on Discord.
 */
import type { ParsedBody } from './http.ts';
import type { FakeAttachment, FakeDiscordState, FakeInteraction, FakeMessage, Json } from './state.ts';

export interface RestContext {
  readonly state: FakeDiscordState;
  readonly appId: string;
  readonly botUser: { readonly id: string; readonly username: string };
  readonly token: string;
  readonly gatewayUrl: string;
  /** How long an interaction may wait for its first callback (Discord: 3 s). */
  readonly ackWindowMs: number;
}

export interface RestRequest {
  readonly method: string;
  /** Path after /api/v10, e.g. "/channels/123/messages". */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly authorization: string | undefined;
  readonly body: ParsedBody;
}

export interface RestResult {
  readonly status: number;
  readonly body?: unknown;
}

const ok = (body: unknown): RestResult => ({ status: 200, body });
const noContent: RestResult = { status: 204 };
const error = (status: number, code: number, message: string): RestResult => ({
  status,
  body: { code, message },
});

type Handler = (ctx: RestContext, req: RestRequest, params: string[]) => RestResult;

const ROUTES: [string, RegExp, Handler, { bot: boolean }][] = [
  ['GET', /^\/gateway\/bot$/, gatewayBot, { bot: true }],
  ['GET', /^\/users\/@me$/, (ctx) => ok(userPayload(ctx.botUser, true)), { bot: true }],
  [
    'PUT',
    /^\/applications\/(\d+)\/commands$/,
    (c, r, p) => putCommands(c, r, p[0]!, 'global'),
    { bot: true },
  ],
  ['GET', /^\/applications\/(\d+)\/commands$/, (c, _r, p) => getCommands(c, p[0]!, 'global'), { bot: true }],
  [
    'PUT',
    /^\/applications\/(\d+)\/guilds\/(\d+)\/commands$/,
    (c, r, p) => putCommands(c, r, p[0]!, p[1]!),
    { bot: true },
  ],
  [
    'GET',
    /^\/applications\/(\d+)\/guilds\/(\d+)\/commands$/,
    (c, _r, p) => getCommands(c, p[0]!, p[1]!),
    { bot: true },
  ],
  ['POST', /^\/interactions\/(\d+)\/([^/]+)\/callback$/, interactionCallback, { bot: false }],
  ['GET', /^\/webhooks\/(\d+)\/([^/]+)\/messages\/@original$/, getOriginal, { bot: false }],
  ['PATCH', /^\/webhooks\/(\d+)\/([^/]+)\/messages\/@original$/, editOriginal, { bot: false }],
  ['DELETE', /^\/webhooks\/(\d+)\/([^/]+)\/messages\/@original$/, deleteOriginal, { bot: false }],
  ['POST', /^\/webhooks\/(\d+)\/([^/]+)$/, followup, { bot: false }],
  ['PATCH', /^\/webhooks\/(\d+)\/([^/]+)\/messages\/(\d+)$/, editFollowup, { bot: false }],
  ['POST', /^\/channels\/(\d+)\/messages$/, createMessage, { bot: true }],
  ['PATCH', /^\/channels\/(\d+)\/messages\/(\d+)$/, editMessage, { bot: true }],
  ['GET', /^\/channels\/(\d+)$/, getChannel, { bot: true }],
  ['POST', /^\/users\/@me\/channels$/, openDm, { bot: true }],
];

export function handleRest(ctx: RestContext, req: RestRequest): RestResult {
  for (const [method, pattern, handler, { bot }] of ROUTES) {
    if (method !== req.method) continue;
    const m = pattern.exec(req.path);
    if (!m) continue;
    if (bot && req.authorization !== `Bot ${ctx.token}`) return error(401, 0, '401: Unauthorized');
    return handler(ctx, req, m.slice(1));
  }
  return error(404, 0, `404: Not Found (${req.method} ${req.path})`);
}

function gatewayBot(ctx: RestContext): RestResult {
  return ok({
    url: ctx.gatewayUrl,
    shards: 1,
    session_start_limit: { total: 1000, remaining: 999, reset_after: 86_400_000, max_concurrency: 1 },
  });
}

export function userPayload(user: { id: string; username: string; bot?: boolean }, bot = user.bot): Json {
  return {
    id: user.id,
    username: user.username,
    discriminator: '0',
    global_name: null,
    avatar: null,
    bot: bot ?? false,
  };
}

function putCommands(ctx: RestContext, req: RestRequest, appId: string, scope: string): RestResult {
  if (appId !== ctx.appId) return error(403, 50001, 'Missing Access');
  const body = (req.body.json ?? []) as Json[];
  const stored = body.map((c) => ({
    ...c,
    id: ctx.state.nextId(),
    application_id: ctx.appId,
    version: ctx.state.nextId(),
    type: c.type ?? 1,
    ...(scope === 'global' ? {} : { guild_id: scope }),
  }));
  ctx.state.commands.set(scope, stored);
  ctx.state.commandPuts.push({ scope, body });
  ctx.state.changed();
  return ok(stored);
}

function getCommands(ctx: RestContext, appId: string, scope: string): RestResult {
  if (appId !== ctx.appId) return error(403, 50001, 'Missing Access');
  return ok(ctx.state.commands.get(scope) ?? []);
}

// ------------------------------------------------------------------------------------------ messages

export function messagePayload(ctx: Pick<RestContext, 'state' | 'botUser'>, msg: FakeMessage): Json {
  const channel = ctx.state.channels.get(msg.channelId);
  return {
    id: msg.id,
    channel_id: msg.channelId,
    ...(channel?.guildId ? { guild_id: channel.guildId } : {}),
    author: userPayload(ctx.botUser, true),
    content: '',
    embeds: [],
    components: [],
    mentions: [],
    mention_roles: [],
    pinned: false,
    tts: false,
    type: 0,
    flags: 0,
    timestamp: new Date().toISOString(),
    edited_timestamp: msg.edits.length > 1 ? new Date().toISOString() : null,
    ...msg.body,
    attachments: msg.files.map((f, i) => ({
      id: `${msg.id}${i}`,
      filename: f.filename,
      size: f.data.length,
      content_type: f.contentType,
      url: `https://cdn.fake/${msg.id}/${f.filename}`,
      proxy_url: `https://cdn.fake/${msg.id}/${f.filename}`,
    })),
  };
}

function newMessage(ctx: RestContext, channelId: string, body: Json, files: FakeAttachment[]): FakeMessage {
  const msg: FakeMessage = {
    id: ctx.state.nextId(),
    channelId,
    body: stripRequestOnly(body),
    files,
    edits: [body],
  };
  ctx.state.addMessage(msg);
  return msg;
}

/** Fields of a request body that describe the upload, not the message. */
function stripRequestOnly(body: Json): Json {
  const { attachments: _a, allowed_mentions: _m, enforce_nonce: _n, ...rest } = body;
  return rest;
}

function applyEdit(msg: FakeMessage, body: Json, files: FakeAttachment[]): void {
  msg.edits.push(body);
  msg.body = { ...msg.body, ...stripRequestOnly(body) };
  const kept = Array.isArray(body.attachments)
    ? msg.files.filter((_f, i) => (body.attachments as Json[]).some((a) => a.id === `${msg.id}${i}`))
    : msg.files;
  if (Array.isArray(body.attachments) || files.length) msg.files = [...kept, ...files];
}

function createMessage(ctx: RestContext, req: RestRequest, [channelId]: string[]): RestResult {
  const channel = ctx.state.channels.get(channelId!);
  if (!channel) return error(404, 10003, 'Unknown Channel');
  // A user who does not accept DMs from server members: the DM channel opens, messages are refused.
  if (channel.recipientId && ctx.state.dmsClosed.has(channel.recipientId))
    return error(403, 50007, 'Cannot send messages to this user');
  const body = (req.body.json ?? {}) as Json;
  // enforce_nonce: a second message with a nonce seen in this channel returns the first one (Discord
  // keeps nonces for a few minutes; the fake for its whole life).
  if (body.enforce_nonce === true && typeof body.nonce === 'string') {
    const seen = ctx.state.channelMessages(channelId!).find((m) => m.body.nonce === body.nonce);
    if (seen) {
      ctx.state.nonceHits++;
      return ok(messagePayload(ctx, seen));
    }
  }
  if (typeof body.nonce === 'string' && body.nonce.length > 25)
    return error(400, 50035, 'Invalid Form Body: nonce must be 25 characters or fewer');
  const msg = newMessage(ctx, channelId!, body, req.body.files);
  ctx.state.changed();
  return ok(messagePayload(ctx, msg));
}

function editMessage(ctx: RestContext, req: RestRequest, [, messageId]: string[]): RestResult {
  const msg = ctx.state.messages.get(messageId!);
  if (!msg) return error(404, 10008, 'Unknown Message');
  applyEdit(msg, (req.body.json ?? {}) as Json, req.body.files);
  ctx.state.changed();
  return ok(messagePayload(ctx, msg));
}

function getChannel(ctx: RestContext, _req: RestRequest, [channelId]: string[]): RestResult {
  const c = ctx.state.channels.get(channelId!);
  if (!c) return error(404, 10003, 'Unknown Channel');
  return ok({
    id: c.id,
    type: c.type,
    name: c.name,
    guild_id: c.guildId,
    recipients: c.recipientId
      ? [userPayload(ctx.state.users.get(c.recipientId) ?? { id: c.recipientId, username: 'user' })]
      : undefined,
  });
}

function openDm(ctx: RestContext, req: RestRequest): RestResult {
  const recipientId = String((req.body.json as Json | undefined)?.recipient_id ?? '');
  const user = ctx.state.users.get(recipientId);
  if (!user) return error(400, 50007, 'Cannot send messages to this user');
  let channel = ctx.state.dmChannelOf(recipientId);
  if (!channel) {
    channel = { id: ctx.state.nextId(), type: 1, recipientId };
    ctx.state.channels.set(channel.id, channel);
  }
  return ok({ id: channel.id, type: 1, recipients: [userPayload(user)], last_message_id: null });
}

// -------------------------------------------------------------------------------------- interactions

function findInteraction(ctx: RestContext, id: string, token: string): FakeInteraction | undefined {
  const i = ctx.state.interactions.get(id);
  return i && i.token === token ? i : undefined;
}

function byToken(ctx: RestContext, appId: string, token: string): FakeInteraction | undefined {
  if (appId !== ctx.appId) return undefined;
  return [...ctx.state.interactions.values()].find((i) => i.token === token);
}

function interactionCallback(ctx: RestContext, req: RestRequest, [id, token]: string[]): RestResult {
  const interaction = findInteraction(ctx, id!, token!);
  if (!interaction) return error(404, 10062, 'Unknown interaction');
  if (interaction.callbacks.length) return error(400, 40060, 'Interaction has already been acknowledged.');
  if (Date.now() - interaction.createdAt > ctx.ackWindowMs) {
    interaction.lateAck = true;
    ctx.state.changed();
    return error(404, 10062, 'Unknown interaction');
  }
  const body = (req.body.json ?? {}) as Json;
  const data = (body.data ?? {}) as Json;
  interaction.callbacks.push(body);
  switch (body.type) {
    case 4:
    case 5:
      // A deferred reply is an empty "thinking" message until edited; flags (ephemeral) stick.
      interaction.original = newMessage(
        ctx,
        interaction.channelId,
        body.type === 5 ? { flags: data.flags ?? 0, content: '' } : data,
        req.body.files,
      );
      break;
    case 6:
      interaction.original = interaction.source;
      break;
    case 7:
      interaction.original = interaction.source;
      if (interaction.original) applyEdit(interaction.original, data, req.body.files);
      break;
    default:
      break;
  }
  ctx.state.changed();
  if (req.query.get('with_response') === 'true') {
    return ok({
      interaction: { id: interaction.id, type: interaction.type, response_message_loading: body.type === 5 },
      resource: interaction.original
        ? { type: body.type, message: messagePayload(ctx, interaction.original) }
        : { type: body.type },
    });
  }
  return noContent;
}

function getOriginal(ctx: RestContext, _req: RestRequest, [appId, token]: string[]): RestResult {
  const i = byToken(ctx, appId!, token!);
  if (!i?.original) return error(404, 10008, 'Unknown Message');
  return ok(messagePayload(ctx, i.original));
}

function editOriginal(ctx: RestContext, req: RestRequest, [appId, token]: string[]): RestResult {
  const i = byToken(ctx, appId!, token!);
  if (!i) return error(404, 10015, 'Unknown Webhook');
  if (!i.callbacks.length) return error(404, 10008, 'Unknown Message');
  if (!i.original) return error(404, 10008, 'Unknown Message');
  applyEdit(i.original, (req.body.json ?? {}) as Json, req.body.files);
  ctx.state.changed();
  return ok(messagePayload(ctx, i.original));
}

function deleteOriginal(ctx: RestContext, _req: RestRequest, [appId, token]: string[]): RestResult {
  const i = byToken(ctx, appId!, token!);
  if (!i?.original) return error(404, 10008, 'Unknown Message');
  ctx.state.removeMessage(i.original.id);
  i.original = undefined;
  ctx.state.changed();
  return noContent;
}

function followup(ctx: RestContext, req: RestRequest, [appId, token]: string[]): RestResult {
  const i = byToken(ctx, appId!, token!);
  if (!i) return error(404, 10015, 'Unknown Webhook');
  const msg = newMessage(ctx, i.channelId, (req.body.json ?? {}) as Json, req.body.files);
  i.followups.push(msg);
  ctx.state.changed();
  return req.query.get('wait') === 'false' ? noContent : ok(messagePayload(ctx, msg));
}

function editFollowup(ctx: RestContext, req: RestRequest, [appId, token, messageId]: string[]): RestResult {
  const i = byToken(ctx, appId!, token!);
  if (!i) return error(404, 10015, 'Unknown Webhook');
  const msg =
    i.followups.find((m) => m.id === messageId) ?? (i.original?.id === messageId ? i.original : undefined);
  if (!msg) return error(404, 10008, 'Unknown Message');
  applyEdit(msg, (req.body.json ?? {}) as Json, req.body.files);
  ctx.state.changed();
  return ok(messagePayload(ctx, msg));
}
