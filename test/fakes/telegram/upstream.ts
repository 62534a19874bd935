/** Starts a `telegram-test-api` server on a free port (the package is CommonJS with a default export). */
import { createServer } from 'node:net';
import TelegramTestApi from 'telegram-test-api';
import type { TelegramServer } from 'telegram-test-api/lib/telegramServer.js';

export type { TelegramServer };

export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

export async function startTelegramTestApi(): Promise<TelegramServer> {
  // NodeNext sees the package's `export default` as a namespace; at run time it is the class itself.
  const Ctor = TelegramTestApi as unknown as typeof TelegramServer;
  const server = new Ctor({ port: await freePort(), host: '127.0.0.1', storeTimeout: 600 });
  await server.start();
  return server;
}
