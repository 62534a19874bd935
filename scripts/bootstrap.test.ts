/**
 * The fresh-machine path: REDIS_URL and DATABASE_URL point at ports where nothing listens and no Docker
 * engine answers here, so the bootstrap must start local redis-server and postgres binaries, migrate, and
 * then the demo and the tests must work against them.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, spawnProcess } from '../test/support/cli.ts';

const home = mkdtempSync(join(tmpdir(), 'cp-bootstrap-'));
chmodSync(home, 0o755); // postgres runs as its own account when we are root
const deadStores = {
  CRYPTOPULSE_HOME: home,
  REDIS_URL: 'redis://127.0.0.1:1',
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:2/cryptopulse',
  CI: 'true',
};

afterAll(() => rmSync(home, { recursive: true, force: true }));

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port });
    s.on('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

function bootstrap(args: string[], env: Record<string, string> = {}) {
  return spawnProcess('node', [join(ROOT, 'scripts', 'bootstrap.mjs'), ...args], { ...deadStores, ...env });
}

describe('bootstrap on a machine without reachable stores', () => {
  it('starts local servers and the test suite passes against them', async () => {
    const run = bootstrap(['vitest', 'run', 'core/db/migrate.test.ts']);
    const { code } = await run.exited;
    expect(run.output()).toMatch(/started redis-server on 127\.0\.0\.1:\d+/);
    expect(run.output()).toMatch(/started postgres on 127\.0\.0\.1:\d+/);
    expect(run.output()).toMatch(/Tests\s+.*2 passed/);
    expect(code).toBe(0);
  }, 120_000);

  it('runs the demo to ready, answers /health, and stops everything on SIGTERM', async () => {
    const run = bootstrap(['tsx', 'cli/main.ts', 'demo'], { API_PORT: '0' });
    const [, port] = await run.waitFor(/API on http:\/\/127\.0\.0\.1:(\d+)/, 90_000);
    const [, redisPort] = run.output().match(/started redis-server on 127\.0\.0\.1:(\d+)/)!;
    const [, pgPort] = run.output().match(/started postgres on 127\.0\.0\.1:(\d+)/)!;
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
    expect(
      ((await (await fetch(`http://127.0.0.1:${port}/ready`)).json()) as { status: string }).status,
    ).toBe('ready');

    run.child.kill('SIGTERM');
    expect((await run.exited).code).toBe(0);
    // The servers it started are gone once it has exited.
    for (
      let i = 0;
      i < 50 && ((await listening(Number(redisPort))) || (await listening(Number(pgPort))));
      i++
    ) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await listening(Number(redisPort))).toBe(false);
    expect(await listening(Number(pgPort))).toBe(false);
  }, 120_000);
});
