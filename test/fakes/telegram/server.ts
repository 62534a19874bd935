/**
 * A local Bot API for tests. Standalone it answers everything the bot uses; in front of a
 * `telegram-test-api` server (`upstream`) it forwards what that package implements (updates, messages,
 * edits, callback answers, webhooks) and adds what it lacks: sendPhoto, sendChatAction, getChatMember,
 * setMyCommands, getFile, deleteMessage of user messages, the webhook secret header, and validation.
 *
 * Like the real Bot API it holds a getUpdates call until an update arrives or the call's long-poll
 * `timeout` passes, keeps updates until a later `offset` confirms them, and refuses malformed formatting
 * (html.ts), over-long texts, bad callback_data, non-PNG photos, unchanged edits ("message is not
 * modified"), and more messages than Telegram's limits allow (limits.ts), answering 429 with `retry_after`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TelegramServer } from 'telegram-test-api/lib/telegramServer.js';
import { readBody, type UploadedFile } from './body.ts';
import { checkFormatted } from './html.ts';
import { type FakeLimits, TELEGRAM_LIMITS, waitFor } from './limits.ts';
import { emptyState, type FakeState, type InlineButton, messageKey, type SentMessage } from './state.ts';

export interface FakeBotApiOptions {
  readonly token: string;
  readonly username?: string;
  /** Enforced message limits; `null` turns them off. */
  readonly limits?: FakeLimits | null;
  /** A started telegram-test-api server to sit in front of. */
  readonly upstream?: TelegramServer;
  /** Network delay per call, e.g. jitter so arrivals do not line up with sends. */
  readonly latencyMs?: () => number;
}

/** A test's fault: answer this call with an error (500, 429 with retry_after, 403...) instead. */
export type FakeFault = (
  method: string,
  params: Readonly<Record<string, unknown>>,
) => BotApiError | undefined;

/** Chats the fake knows for getChat (channels the bot can be asked about). */
export interface FakeChat {
  readonly id: number;
  readonly type: 'private' | 'group' | 'supergroup' | 'channel';
  readonly title?: string;
  readonly username?: string;
}

type Params = Record<string, unknown>;
type Answer = { readonly ok: true; readonly result: unknown } | BotApiError;
export interface BotApiError {
  readonly ok: false;
  readonly error_code: number;
  readonly description: string;
  readonly parameters?: { readonly retry_after?: number };
}

const bad = (description: string): BotApiError => ({
  ok: false,
  error_code: 400,
  description: `Bad Request: ${description}`,
});
const refusal = (description: string): BotApiError => ({ ok: false, error_code: 400, description });

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CHAT_ACTIONS = new Set([
  'typing',
  'upload_photo',
  'record_video',
  'upload_video',
  'record_voice',
  'upload_voice',
  'upload_document',
  'choose_sticker',
  'find_location',
  'record_video_note',
  'upload_video_note',
]);
/** What telegram-test-api emits once a user's update is stored for the bot. */
const UPSTREAM_UPDATE_EVENTS = ['AddedUserMessage', 'AddedUserCommand', 'AddedUserCallbackQuery'] as const;
const MEMBER_STATUSES = new Set(['creator', 'administrator', 'member', 'restricted', 'left', 'kicked']);

const chatType = (chatId: string) =>
  chatId.startsWith('-100') ? 'supergroup' : chatId.startsWith('-') ? 'group' : 'private';

function keyboardOf(markup: unknown): InlineButton[][] | BotApiError | undefined {
  if (markup === undefined || markup === null || markup === '') return undefined;
  const rows = (markup as { inline_keyboard?: unknown }).inline_keyboard;
  if (!Array.isArray(rows)) return bad('unsupported reply_markup');
  for (const row of rows) {
    if (!Array.isArray(row)) return bad('field "inline_keyboard" must be an Array of Arrays');
    for (const b of row as InlineButton[]) {
      if (typeof b.text !== 'string' || !b.text.trim()) return bad('BUTTON_TEXT_EMPTY');
      const bytes = Buffer.byteLength(b.callback_data ?? '', 'utf8');
      if (b.url === undefined && (bytes < 1 || bytes > 64)) return bad('BUTTON_DATA_INVALID');
    }
  }
  return rows as InlineButton[][];
}

export class FakeBotApi {
  readonly state: FakeState = emptyState();
  private server: Server | undefined;
  private root = '';
  private readonly queued: Params[] = [];
  private nextUpdateId = 1;
  private nextMessageId = 1;
  private readonly limits: FakeLimits | null;
  private readonly updateWaiters: (() => void)[] = [];
  /** Counts arrivals, so that a held getUpdates cannot miss one that came while it asked upstream. */
  private arrivals = 0;
  private stopped = false;
  /** Set by a test to inject errors; checked before every method. */
  fault: FakeFault | undefined;
  readonly chats = new Map<string, FakeChat>();
  /** Rights of chat members that are administrators (e.g. the bot's can_post_messages in a channel). */
  readonly rights = new Map<string, Record<string, boolean>>();

  constructor(private readonly options: FakeBotApiOptions) {
    this.limits = options.limits === undefined ? TELEGRAM_LIMITS : options.limits;
    for (const event of UPSTREAM_UPDATE_EVENTS) options.upstream?.on(event, this.wakePollers);
  }

  /** Answers held getUpdates calls: an update arrived (or the fake stops). */
  private readonly wakePollers = () => {
    this.arrivals++;
    for (const w of this.updateWaiters.splice(0)) w();
  };

  /** Starts listening; returns the apiRoot to give grammY. */
  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.serve(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.root = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.root;
  }

  get apiRoot(): string {
    return this.root;
  }

  async stop(): Promise<void> {
    for (const event of UPSTREAM_UPDATE_EVENTS) this.options.upstream?.off(event, this.wakePollers);
    this.stopped = true;
    this.wakePollers();
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  addChat(chat: FakeChat): void {
    this.chats.set(String(chat.id), chat);
    if (chat.username) this.chats.set(`@${chat.username}`, chat);
  }

  setMember(
    chatId: string | number,
    userId: string | number,
    status: string,
    rights?: Record<string, boolean>,
  ): void {
    if (!MEMBER_STATUSES.has(status)) throw new Error(`unknown member status ${status}`);
    if (rights) this.rights.set(`${chatId}:${userId}`, rights);
    const chat = this.state.members.get(String(chatId)) ?? new Map<string, string>();
    chat.set(String(userId), status);
    this.state.members.set(String(chatId), chat);
  }

  addFile(fileId: string, bytes: Buffer, path = `voice/${fileId}.oga`): void {
    this.state.files.set(fileId, { path, bytes });
  }

  /** Standalone mode: an update the bot receives through getUpdates or its webhook. */
  async pushUpdate(update: Params): Promise<void> {
    const full = { update_id: this.nextUpdateId++, ...update };
    this.noteUserMessage(full);
    const webhook = this.state.webhook;
    if (webhook) {
      const res = await this.deliver(webhook, full);
      if (!res.ok) throw new Error(`webhook answered ${res.status}`);
      return;
    }
    this.queued.push(full);
    this.wakePollers();
  }

  messagesIn(chatId: string | number): SentMessage[] {
    return this.state.messages.filter((m) => m.chatId === String(chatId));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    try {
      const url = new URL(req.url ?? '/', 'http://fake');
      const relay = /^\/relay\/(.+)$/.exec(url.pathname);
      if (relay) return await this.relay(req, res);
      const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
      if (file) return this.serveFile(file[1]!, file[2]!, res);
      const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
      if (!m) return send(404, { ok: false, error_code: 404, description: 'Not Found' });
      if (m[1] !== this.options.token)
        return send(401, { ok: false, error_code: 401, description: 'Unauthorized' });
      const { params, files } = await readBody(req);
      const latency = this.options.latencyMs?.() ?? 0;
      if (latency > 0) await sleep(latency / 2);
      this.state.calls.push({ method: m[2]!, payload: params });
      const answer = this.fault?.(m[2]!, params) ?? (await this.call(m[2]!, params, files));
      if (latency > 0) await sleep(latency / 2);
      send(answer.ok ? 200 : answer.error_code, answer);
    } catch (err) {
      send(500, { ok: false, error_code: 500, description: `Internal Server Error: ${String(err)}` });
    }
  }

  private call(
    method: string,
    p: Params,
    files: ReadonlyMap<string, UploadedFile>,
  ): Promise<Answer> | Answer {
    switch (method) {
      case 'getMe':
        return {
          ok: true,
          result: {
            id: 666,
            is_bot: true,
            first_name: 'CryptoPulse',
            username: this.options.username ?? 'TestNameBot',
            can_join_groups: true,
            can_read_all_group_messages: false,
            supports_inline_queries: false,
          },
        };
      case 'getUpdates':
        return this.getUpdates(p);
      case 'sendMessage':
        return this.sendMessage(p);
      case 'sendPhoto':
        return this.sendPhoto(p, files);
      case 'editMessageText':
        return this.editMessageText(p);
      case 'editMessageReplyMarkup':
        return this.editMessageReplyMarkup(p);
      case 'answerCallbackQuery':
        return this.answerCallbackQuery(p);
      case 'deleteMessage':
        return this.deleteMessage(p);
      case 'sendChatAction':
        if (!CHAT_ACTIONS.has(String(p.action))) return bad('wrong parameter action in request');
        this.state.chatActions.push({ chatId: String(p.chat_id), action: String(p.action) });
        return { ok: true, result: true };
      case 'getChatMember':
        return this.getChatMember(p);
      case 'getChat': {
        const chat = this.chats.get(String(p.chat_id ?? ''));
        return chat ? { ok: true, result: chat } : bad('chat not found');
      }
      case 'setMyCommands':
        return this.setMyCommands(p);
      case 'getMyCommands':
        return {
          ok: true,
          result: this.state.commands.get(JSON.stringify(p.scope ?? { type: 'default' })) ?? [],
        };
      case 'deleteMyCommands':
        this.state.commands.delete(JSON.stringify(p.scope ?? { type: 'default' }));
        return { ok: true, result: true };
      case 'setWebhook':
        return this.setWebhook(p);
      case 'deleteWebhook':
        this.state.webhook = undefined;
        return this.forward('deleteWebhook', p, { ok: true, result: true });
      case 'getFile': {
        const f = this.state.files.get(String(p.file_id));
        if (!f) return bad('invalid file_id');
        return {
          ok: true,
          result: {
            file_id: p.file_id,
            file_unique_id: `u${p.file_id}`,
            file_size: f.bytes.length,
            file_path: f.path,
          },
        };
      }
      default:
        return {
          ok: false,
          error_code: 404,
          description: `Not Found: the fake Bot API has no method ${method}`,
        };
    }
  }

  // ---------------------------------------------------------------- updates and webhooks

  /**
   * Like Telegram: updates wait here until a getUpdates `offset` above them confirms them (telegram-test-api
   * forgets an update once it has handed it out, so what it hands out is kept here); with nothing to give,
   * the call is held until an update arrives or its `timeout` (seconds) passes, then answers [].
   */
  private async getUpdates(p: Params): Promise<Answer> {
    if (this.state.webhook) return refusal("Conflict: can't use getUpdates method while webhook is active");
    const offset = Number(p.offset ?? 0);
    const limit = Math.min(100, Math.max(1, Number(p.limit ?? 100)));
    if (offset > 0) this.queued.splice(0, this.queued.length, ...this.pending(offset));
    const deadline = performance.now() + Number(p.timeout ?? 0) * 1_000;
    for (;;) {
      const seen = this.arrivals;
      await this.pullUpstream();
      if (this.pending(offset).length > 0 || performance.now() >= deadline || this.stopped) break;
      // An update that arrived while telegram-test-api was asked is fetched again, not waited for.
      if (this.arrivals === seen) await this.nextArrival(deadline - performance.now());
    }
    return { ok: true, result: this.pending(offset).slice(0, limit) };
  }

  private nextArrival(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.updateWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private pending(offset: number): Params[] {
    return this.queued.filter((u) => Number(u.update_id) >= offset);
  }

  /** Moves what telegram-test-api holds for the bot into the queue above. */
  private async pullUpstream(): Promise<void> {
    if (!this.options.upstream) return;
    const answer = await this.upstreamCall('getUpdates', {});
    if (!answer.ok || !Array.isArray(answer.result))
      throw new Error(`upstream getUpdates: ${JSON.stringify(answer)}`);
    for (const u of answer.result as Params[]) {
      this.noteUserMessage(u);
      this.queued.push(u);
    }
  }

  private setWebhook(p: Params): Promise<Answer> | Answer {
    const url = String(p.url ?? '');
    if (!/^https?:\/\//.test(url)) return bad('bad webhook: An HTTPS URL must be provided for webhook');
    const secret = p.secret_token === undefined ? undefined : String(p.secret_token);
    if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret))
      return bad('secret token contains unallowed characters');
    this.state.webhook = secret === undefined ? { url } : { url, secret };
    // telegram-test-api posts updates without the secret header; it posts to us and we add it.
    return this.forward(
      'setWebhook',
      { url: `${this.root}/relay/${this.options.token}` },
      { ok: true, result: true },
    );
  }

  private async relay(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { params } = await readBody(req);
    this.noteUserMessage(params);
    const webhook = this.state.webhook;
    if (!webhook) {
      res.writeHead(404).end();
      return;
    }
    const answer = await this.deliver(webhook, params);
    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
  }

  private async deliver(
    webhook: { url: string; secret?: string },
    update: Params,
  ): Promise<{ ok: boolean; status: number; body: string }> {
    const res = await fetch(webhook.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(webhook.secret ? { 'x-telegram-bot-api-secret-token': webhook.secret } : {}),
      },
      body: JSON.stringify(update),
    });
    return { ok: res.ok, status: res.status, body: await res.text() };
  }

  private noteUserMessage(update: Params): void {
    const message = (update.message ?? update.channel_post) as
      | { chat?: { id?: number }; message_id?: number }
      | undefined;
    if (message?.chat?.id !== undefined && message.message_id !== undefined)
      this.state.userMessages.add(messageKey(message.chat.id, message.message_id));
  }

  private serveFile(token: string, path: string, res: ServerResponse): void {
    const file = [...this.state.files.values()].find((f) => f.path === path);
    if (token !== this.options.token || !file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(file.bytes);
  }

  // ---------------------------------------------------------------- messages

  /** 429 when Telegram's limits would be exceeded; records every paced attempt. */
  private pace(chatId: string): BotApiError | undefined {
    const now = performance.now();
    if (this.limits) {
      const accepted = this.state.attempts.filter((a) => a.accepted);
      const wait = waitFor(accepted, chatId, now, this.limits);
      if (wait > 0) {
        this.state.attempts.push({ chatId, at: now, accepted: false });
        const retry_after = Math.max(1, Math.ceil(wait / 1_000));
        return {
          ok: false,
          error_code: 429,
          description: `Too Many Requests: retry after ${retry_after}`,
          parameters: { retry_after },
        };
      }
    }
    this.state.attempts.push({ chatId, at: now, accepted: true });
    return undefined;
  }

  private async sendMessage(p: Params): Promise<Answer> {
    const chatId = String(p.chat_id ?? '');
    if (!chatId) return bad('chat_id is empty');
    const parsed = checkFormatted(String(p.text ?? ''), p.parse_mode as string | undefined, 'text');
    if (!parsed.ok) return refusal(parsed.description);
    const keyboard = keyboardOf(p.reply_markup);
    if (keyboard && !Array.isArray(keyboard)) return keyboard;
    const limited = this.pace(chatId);
    if (limited) return limited;
    const replyTo = (p.reply_parameters as { message_id?: number } | undefined)?.message_id;
    const upstream = await this.forward(
      'sendMessage',
      {
        chat_id: p.chat_id,
        text: parsed.text,
        entities: parsed.entities,
        reply_markup: keyboard ? { inline_keyboard: keyboard } : undefined,
      },
      undefined,
    );
    if (upstream && !upstream.ok) return upstream;
    const messageId = upstream?.ok
      ? (upstream.result as { message_id: number }).message_id
      : this.nextMessageId++;
    const stored = this.record({
      chatId,
      messageId,
      method: 'sendMessage',
      text: parsed.text,
      entities: parsed.entities,
      ...(keyboard ? { keyboard } : {}),
      ...(replyTo === undefined ? {} : { replyTo }),
    });
    return { ok: true, result: this.messageObject(stored) };
  }

  private sendPhoto(p: Params, files: ReadonlyMap<string, UploadedFile>): Answer {
    const chatId = String(p.chat_id ?? '');
    const ref = String(p.photo ?? '');
    const file = ref.startsWith('attach://') ? files.get(ref.slice('attach://'.length)) : undefined;
    if (!file) return bad('there is no photo in the request');
    if (
      !file.bytes.subarray(0, 8).equals(PNG_MAGIC) &&
      !file.bytes.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))
    )
      return bad('IMAGE_PROCESS_FAILED');
    const parsed = checkFormatted(String(p.caption ?? ''), p.parse_mode as string | undefined, 'caption');
    if (!parsed.ok) return refusal(parsed.description);
    const keyboard = keyboardOf(p.reply_markup);
    if (keyboard && !Array.isArray(keyboard)) return keyboard;
    const limited = this.pace(chatId);
    if (limited) return limited;
    const replyTo = (p.reply_parameters as { message_id?: number } | undefined)?.message_id;
    const photo = { file_id: `photo${this.state.messages.length}`, file_unique_id: 'u', width: 1, height: 1 };
    // telegram-test-api has no sendPhoto; the photo is put into its chat history directly.
    const upstreamMessage = this.options.upstream?.addBotMessage(
      { chat_id: Number(chatId), text: '', caption: parsed.text, photo: [photo] } as never,
      this.options.token,
    );
    const stored = this.record({
      chatId,
      messageId: upstreamMessage?.message_id ?? this.nextMessageId++,
      method: 'sendPhoto',
      text: parsed.text,
      entities: parsed.entities,
      photo: { bytes: file.bytes.length, filename: file.filename },
      ...(keyboard ? { keyboard } : {}),
      ...(replyTo === undefined ? {} : { replyTo }),
    });
    return { ok: true, result: { ...this.messageObject(stored), photo: [photo] } };
  }

  private async editMessageText(p: Params): Promise<Answer> {
    const stored = this.find(p);
    if (!stored) return bad('message to edit not found');
    const parsed = checkFormatted(String(p.text ?? ''), p.parse_mode as string | undefined, 'text');
    if (!parsed.ok) return refusal(parsed.description);
    const keyboard = keyboardOf(p.reply_markup);
    if (keyboard && !Array.isArray(keyboard)) return keyboard;
    if (parsed.text === stored.text && JSON.stringify(keyboard) === JSON.stringify(stored.keyboard))
      return bad(
        'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
      );
    const upstream = await this.forward(
      'editMessageText',
      {
        chat_id: p.chat_id,
        message_id: p.message_id,
        text: parsed.text,
        // An edit without reply_markup removes the keyboard; telegram-test-api would keep the old one.
        reply_markup: { inline_keyboard: keyboard ?? [] },
      },
      undefined,
    );
    if (upstream && !upstream.ok) return upstream;
    stored.text = parsed.text;
    stored.entities = parsed.entities;
    stored.keyboard = keyboard;
    stored.edits.push({ text: parsed.text, ...(keyboard ? { keyboard } : {}) });
    return { ok: true, result: this.messageObject(stored) };
  }

  private async editMessageReplyMarkup(p: Params): Promise<Answer> {
    const stored = this.find(p);
    if (!stored) return bad('message to edit not found');
    const keyboard = keyboardOf(p.reply_markup);
    if (keyboard && !Array.isArray(keyboard)) return keyboard;
    if (JSON.stringify(keyboard) === JSON.stringify(stored.keyboard)) return bad('message is not modified');
    const upstream = await this.forward(
      'editMessageReplyMarkup',
      { chat_id: p.chat_id, message_id: p.message_id, reply_markup: { inline_keyboard: keyboard ?? [] } },
      undefined,
    );
    if (upstream && !upstream.ok) return upstream;
    stored.keyboard = keyboard;
    stored.edits.push({ text: stored.text, ...(keyboard ? { keyboard } : {}) });
    return { ok: true, result: this.messageObject(stored) };
  }

  private answerCallbackQuery(p: Params): Promise<Answer> | Answer {
    const id = String(p.callback_query_id ?? '');
    if (!id) return bad('query is too old and response timeout expired or query ID is invalid');
    if (this.state.callbackAnswers.some((a) => a.callbackQueryId === id))
      return bad('query is too old and response timeout expired or query ID is invalid');
    if (p.text !== undefined && String(p.text).length > 200) return bad('MESSAGE_TOO_LONG');
    this.state.callbackAnswers.push({
      callbackQueryId: id,
      ...(p.text === undefined ? {} : { text: String(p.text) }),
      showAlert: p.show_alert === true || p.show_alert === 'true',
    });
    return this.forward('answerCallbackQuery', p, { ok: true, result: true });
  }

  private deleteMessage(p: Params): Answer {
    const key = messageKey(String(p.chat_id), Number(p.message_id));
    const bot = this.find(p);
    if (!bot && !this.state.userMessages.has(key)) return bad('message to delete not found');
    this.state.userMessages.delete(key);
    if (bot) this.state.messages.splice(this.state.messages.indexOf(bot), 1);
    this.state.deleted.push({ chatId: String(p.chat_id), messageId: Number(p.message_id) });
    this.options.upstream?.deleteMessage(Number(p.chat_id), Number(p.message_id));
    return { ok: true, result: true };
  }

  private getChatMember(p: Params): Answer {
    const chatId = String(p.chat_id ?? '');
    const userId = String(p.user_id ?? '');
    if (!chatId || !userId) return bad('chat_id and user_id are required');
    const chat = this.chats.get(chatId);
    const id = chat ? String(chat.id) : chatId;
    const status = this.state.members.get(id)?.get(userId) ?? (chat ? 'left' : 'member');
    return {
      ok: true,
      result: {
        status,
        user: { id: Number(userId), is_bot: userId === '666', first_name: 'User' },
        ...this.rights.get(`${id}:${userId}`),
      },
    };
  }

  private setMyCommands(p: Params): Answer {
    const commands = p.commands;
    if (!Array.isArray(commands) || commands.length > 100) return bad('BOT_COMMANDS_TOO_MUCH');
    for (const c of commands as { command?: unknown; description?: unknown }[]) {
      if (typeof c.command !== 'string' || !/^[a-z0-9_]{1,32}$/.test(c.command))
        return bad('BOT_COMMAND_INVALID');
      if (typeof c.description !== 'string' || c.description.length < 1 || c.description.length > 256)
        return bad('BOT_COMMAND_DESCRIPTION_INVALID');
    }
    this.state.commands.set(JSON.stringify(p.scope ?? { type: 'default' }), commands as never);
    return { ok: true, result: true };
  }

  // ---------------------------------------------------------------- helpers

  private record(m: Omit<SentMessage, 'edits' | 'at'>): SentMessage {
    const stored: SentMessage = { ...m, edits: [], at: performance.now() };
    this.state.messages.push(stored);
    return stored;
  }

  private find(p: Params): SentMessage | undefined {
    return this.state.messages.find(
      (m) => m.chatId === String(p.chat_id) && m.messageId === Number(p.message_id),
    );
  }

  private messageObject(m: SentMessage): Params {
    return {
      message_id: m.messageId,
      date: Math.floor(Date.now() / 1_000),
      chat: { id: Number(m.chatId), type: chatType(m.chatId) },
      from: { id: 666, is_bot: true, first_name: 'CryptoPulse' },
      ...(m.method === 'sendPhoto' ? { caption: m.text } : { text: m.text }),
      ...(m.entities.length
        ? { [m.method === 'sendPhoto' ? 'caption_entities' : 'entities']: m.entities }
        : {}),
      ...(m.keyboard ? { reply_markup: { inline_keyboard: m.keyboard } } : {}),
    };
  }

  /** Calls telegram-test-api when there is one; otherwise answers `standalone`. */
  private async forward<T extends Answer | undefined>(
    method: string,
    p: Params,
    standalone: T,
  ): Promise<Answer | T> {
    if (!this.options.upstream) return standalone;
    return this.upstreamCall(method, p);
  }

  private async upstreamCall(method: string, p: Params): Promise<Answer> {
    const upstream = this.options.upstream!;
    const res = await fetch(`${upstream.config.apiURL}/bot${this.options.token}/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(p),
    });
    const body = (await res.json()) as Answer | { message?: string };
    if ('ok' in body) return body;
    return {
      ok: false,
      error_code: res.status,
      description: `telegram-test-api: ${body.message ?? res.status}`,
    };
  }
}
