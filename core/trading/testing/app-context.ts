/**
 * An AppContext over a test's isolated database and Redis prefix, with a real configuration parsed from
 * the environment the test chooses (the same code path production uses).
 */
import { randomBytes } from 'node:crypto';
import { createTestContext, type TestContext } from '../../../test/support/context.ts';
import { loadConfig } from '../../config.ts';
import type { AppContext } from '../../context.ts';
import { createLogger } from '../../logger.ts';
import { createRedis, type Redis } from '../../redis.ts';

export interface TradingTestContext {
  readonly test: TestContext;
  readonly app: AppContext;
  /** Environment for a child process (the worker in the crash test) sharing these stores and secrets. */
  readonly env: Record<string, string>;
  close(): Promise<void>;
}

export const testVaultKey = (version = 1) => `v${version}:${randomBytes(32).toString('base64')}`;

export async function createTradingTestContext(
  label: string,
  env: Record<string, string> = {},
): Promise<TradingTestContext> {
  const test = await createTestContext(label);
  const fullEnv: Record<string, string> = {
    ...test.env,
    VAULT_KEY: testVaultKey(),
    CONFIRM_SECRET: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'silent',
    ...env,
  };
  const config = loadConfig(fullEnv);
  const owned: Redis[] = [];
  const app: AppContext = {
    config,
    logger: createLogger({ level: config.LOG_LEVEL }),
    db: test.db,
    redis: test.redis,
    keys: test.keys,
    newRedis(name) {
      const r = createRedis({ url: test.redisUrl, name });
      owned.push(r);
      return r;
    },
    async close() {},
  };
  return {
    test,
    app,
    env: fullEnv,
    async close() {
      await Promise.allSettled(owned.map((r) => (r.status === 'end' ? undefined : r.quit())));
      await test.close();
    },
  };
}
