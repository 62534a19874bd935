import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createRedis } from './redis.ts';

/** A port nothing listens on: bound, then released. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

describe('createRedis', () => {
  it('tells onError once per outage, not on every reconnect attempt', async () => {
    const errors: Error[] = [];
    const redis = createRedis({
      url: `redis://127.0.0.1:${await deadPort()}`,
      name: 'outage-test',
      onError: (err) => errors.push(err),
    });
    let attempts = 0;
    await new Promise<void>((resolve) =>
      redis.on('reconnecting', () => {
        if (++attempts === 3) resolve();
      }),
    );
    redis.disconnect();
    expect(attempts).toBe(3);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/ECONNREFUSED/);
    // A listener is always attached, so ioredis never prints "Unhandled error event".
    expect(redis.listenerCount('error')).toBeGreaterThan(0);
  });
});
