/**
 * The server side of `npm run bench -- api`, in processes of their own so the load generator does not
 * share their CPU or their memory figures:
 *   `api-server.ts hello`: a bare Fastify hello-world route, nothing registered but the route;
 *   `api-server.ts replay`: bare Fastify routes answering, from memory, the bytes and headers of real
 *   /v1/signals?limit=50 responses, one path each (BENCH_REPLAY, set by the parent: the identity and
 *   the compressed answer): what that response costs to send and to read, with none of the API's work;
 *   `api-server.ts`: the CryptoPulse API as `cryptopulse start` builds it (server/app.ts, every plugin,
 *   the Redis rate limit on), logging as production does (LOG_LEVEL, JSON lines on stdout).
 * Tells its parent `{ ready: port }` over IPC.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { loadConfig } from '../core/config.ts';
import { createAppContext } from '../core/context.ts';
import { createLogger } from '../core/logger.ts';
import { buildApp } from '../server/app.ts';

let app: FastifyInstance;
let closeContext = async () => {};
if (process.argv[2] === 'hello') {
  app = Fastify();
  app.get('/', async () => ({ hello: 'world' }));
} else if (process.argv[2] === 'replay') {
  const recorded = JSON.parse(process.env.BENCH_REPLAY ?? '') as Record<
    string,
    { body: string; headers: Record<string, string | string[]> }
  >;
  app = Fastify();
  for (const [path, response] of Object.entries(recorded)) {
    const body = Buffer.from(response.body, 'base64');
    app.get(path, (_request, reply) => {
      reply.headers(response.headers).send(body);
    });
  }
} else {
  const config = loadConfig(process.env);
  const ctx = createAppContext(config, createLogger({ level: config.LOG_LEVEL }));
  app = await buildApp(ctx);
  closeContext = () => ctx.close();
}
await app.listen({ port: 0, host: '127.0.0.1' });
process.send?.({ ready: (app.server.address() as { port: number }).port });

process.on('SIGTERM', async () => {
  await app.close();
  await closeContext();
  process.exit(0);
});
