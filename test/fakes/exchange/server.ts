/**
 * A local HTTP server that answers in Kraken's or Binance's wire format, so the real ccxt classes (their
 * signing, parsers and error mapping) run against it with `EXCHANGE_API_BASE` pointing here.
 *
 *   const fake = await startFakeExchange('binance');
 *   fake.state.accounts.set('key', 'secret');
 *   fake.state.inject('createOrder', { kind: 'timeout-after-record', holdMs: 2000 });
 *   ... fake.state.placedCount, fake.state.duplicateAttempts ...
 *   await fake.close();
 */
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { handleBinance } from './binance.ts';
import { type FakeReply, readRequest } from './http.ts';
import { handleKraken } from './kraken.ts';
import { defaultMarkets, FakeExchangeState, type FakeMarket } from './state.ts';

export type FakeDialect = 'kraken' | 'binance';

export interface FakeExchange {
  readonly dialect: FakeDialect;
  /** Base URL for EXCHANGE_API_BASE, e.g. http://127.0.0.1:43121 */
  readonly url: string;
  readonly state: FakeExchangeState;
  close(): Promise<void>;
}

export interface FakeExchangeOptions {
  readonly markets?: FakeMarket[];
  readonly port?: number;
}

function send(res: import('node:http').ServerResponse, reply: FakeReply): void {
  if (reply.drop) {
    res.socket?.destroy();
    return;
  }
  const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'content-type': typeof reply.body === 'string' ? 'text/html' : 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export async function startFakeExchange(
  dialect: FakeDialect,
  options: FakeExchangeOptions = {},
): Promise<FakeExchange> {
  const state = new FakeExchangeState(
    options.markets ?? defaultMarkets(dialect === 'kraken' ? 'USD' : 'USDT'),
  );
  const handle = dialect === 'kraken' ? handleKraken : handleBinance;
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req, res) => {
    readRequest(req)
      .then((parsed) => {
        const first = handle(state, parsed);
        if (first.arrives) {
          const { afterMs, handle: late } = first.arrives;
          const timer = setTimeout(() => {
            timers.delete(timer);
            const reply = late(); // the venue acts on it even if the client gave up
            if (!res.destroyed) send(res, reply);
          }, afterMs);
          timers.add(timer);
          return;
        }
        const reply = first;
        if (!reply.delayMs) return send(res, reply);
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!res.destroyed) send(res, reply);
        }, reply.delayMs);
        timers.add(timer);
      })
      .catch((err: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(err));
      });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    dialect,
    url: `http://127.0.0.1:${port}`,
    state,
    async close() {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
