/**
 * A local Discord for end-to-end tests: REST under /api/v10 and a plain-JSON gateway on the same port.
 * The real discord.js Client logs in with `rest: { api: fake.apiBase }`.
 *
 *   const fake = await startFakeDiscord();
 *   const guild = fake.addGuild('Traders', ['signals']);
 *   const alice = fake.addUser('alice');
 *   ... client.login(fake.token) ...
 *   const i = fake.slash({ user: alice, channelId: guild.channels.signals!, name: 'price', options: { symbol: 'BTC' } });
 *   await fake.state.waitFor(() => i.original?.body.embeds);
 *   await fake.close();
 */
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import { FakeGateway } from './gateway.ts';
import { readBody, reply } from './http.ts';
import { FakeInteractions } from './interactions.ts';
import { RateLimiter, type RateLimitOptions, routeKey } from './rate-limits.ts';
import { handleRest, type RestContext } from './rest.ts';
import { FakeDiscordState, type FakeUser } from './state.ts';

export interface FakeDiscordOptions {
  readonly limits?: Partial<RateLimitOptions>;
  readonly ackWindowMs?: number;
}

/** Discord's documented global limit, and a per-route default in the spirit of its message buckets. */
export const DEFAULT_LIMITS: RateLimitOptions = {
  globalPerSecond: 50,
  defaultRoute: { limit: 5, windowMs: 1_000 },
};

export interface FakeGuildHandle {
  readonly id: string;
  /** Channel ids by name. */
  readonly channels: Readonly<Record<string, string>>;
}

export interface FakeDiscord extends FakeInteractions {
  readonly apiBase: string;
  readonly token: string;
  readonly appId: string;
  readonly botUser: FakeUser;
  readonly state: FakeDiscordState;
  readonly gateway: FakeGateway;
  readonly limiter: RateLimiter;
  addGuild(name: string, channelNames: readonly string[]): FakeGuildHandle;
  addUser(username: string): FakeUser;
  close(): Promise<void>;
}

export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const state = new FakeDiscordState();
  const appId = state.nextId();
  const botUser: FakeUser = { id: state.nextId(), username: 'CryptoPulse', bot: true };
  state.users.set(botUser.id, botUser);
  const token = `fake-${Buffer.from(appId).toString('base64url')}.bot-token`;
  const limiter = new RateLimiter({ ...DEFAULT_LIMITS, ...options.limits });
  const sockets = new Set<Socket>();
  let port = 0;
  const gatewayUrl = () => `ws://127.0.0.1:${port}/gateway`;
  const gateway = new FakeGateway(state, { appId, botUser, token }, gatewayUrl);
  const restCtx = (): RestContext => ({
    state,
    appId,
    botUser,
    token,
    gatewayUrl: gatewayUrl(),
    ackWindowMs: options.ackWindowMs ?? 3_000,
  });

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    if (!url.pathname.startsWith('/api/v10/')) return reply(res, 404, { code: 0, message: '404: Not Found' });
    // discord.js sends @original percent-encoded.
    const path = decodeURIComponent(url.pathname.slice('/api/v10'.length));
    const key = routeKey(method, path);
    const arrivedAt = Date.now();
    const decision = limiter.check(key);
    const record = (status: number) => {
      state.requests.push({
        at: Date.now(),
        arrivedAt,
        method,
        path,
        template: key.template,
        status,
        exempt: key.exempt,
        ...(decision.reason ? { limited: decision.reason } : {}),
      });
      state.changed();
    };
    if (!decision.allowed) {
      record(429);
      req.resume();
      return reply(
        res,
        429,
        {
          message: 'You are being rate limited.',
          retry_after: decision.retryAfter,
          global: decision.reason === 'global',
        },
        decision.headers,
      );
    }
    readBody(req)
      .then((body) => {
        const result =
          state.fault?.(method, path) ??
          handleRest(restCtx(), {
            method,
            path,
            query: url.searchParams,
            authorization: req.headers.authorization,
            body,
          });
        record(result.status);
        reply(res, result.status, result.body, decision.headers);
      })
      .catch((err: unknown) => {
        record(500);
        reply(res, 500, { code: 0, message: String(err) });
      });
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    if (!req.url?.startsWith('/gateway')) return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => gateway.accept(ws));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;

  const interactions = new FakeInteractions(state, gateway, appId);
  return Object.assign(interactions, {
    apiBase: `http://127.0.0.1:${port}/api`,
    token,
    appId,
    botUser,
    state,
    gateway,
    limiter,
    addGuild(name: string, channelNames: readonly string[]): FakeGuildHandle {
      const id = state.nextId();
      const channels: Record<string, string> = {};
      for (const channelName of channelNames) {
        const cid = state.nextId();
        channels[channelName] = cid;
        state.channels.set(cid, { id: cid, type: 0, guildId: id, name: channelName });
      }
      state.guilds.set(id, { id, name, channelIds: Object.values(channels) });
      // A guild added after READY is announced the way Discord announces a join.
      if (gateway.readySessions > 0) gateway.dispatch('GUILD_CREATE', gateway.guildPayload(id));
      return { id, channels };
    },
    addUser(username: string): FakeUser {
      const user = { id: state.nextId(), username };
      state.users.set(user.id, user);
      return user;
    },
    async close() {
      gateway.close();
      wss.close();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
