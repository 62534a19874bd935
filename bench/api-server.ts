/**
 * The server side of `npm run bench -- api`, in its own process so the load generator does not share
 * its CPU or its memory figures: a bare Fastify hello-world and the CryptoPulse API, side by side.
 * Prints `READY <hello port> <api port>`.
 */
import Fastify from 'fastify';
import { loadConfig } from '../core/config.ts';
import { createAppContext } from '../core/context.ts';
import { createLogger } from '../core/logger.ts';
import { buildApp } from '../server/app.ts';

const hello = Fastify();
hello.get('/', async () => ({ hello: 'world' }));
await hello.listen({ port: 0, host: '127.0.0.1' });

const ctx = createAppContext(loadConfig(process.env), createLogger({ level: 'silent' }));
const api = await buildApp(ctx);
await api.listen({ port: 0, host: '127.0.0.1' });

const port = (s: { server: { address(): unknown } }) => (s.server.address() as { port: number }).port;
console.log(`READY ${port(hello)} ${port(api)}`);

process.on('SIGTERM', async () => {
  await api.close();
  await hello.close();
  await ctx.close();
  process.exit(0);
});
