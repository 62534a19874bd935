import { describe, expect, it } from 'vitest';
import { spawnCli } from '../test/support/cli.ts';

describe('cryptopulse start with an invalid setting', () => {
  it('exits 2 naming RATE_LIMIT_PER_MINUTE, without a stack trace, before touching any store', async () => {
    const run = spawnCli(['start'], {
      RATE_LIMIT_PER_MINUTE: 'abc',
      // Unreachable stores prove validation happens before any connection is attempted.
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/none',
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    const { code } = await run.exited;
    expect(code).toBe(2);
    expect(run.output()).toContain('RATE_LIMIT_PER_MINUTE');
    expect(run.output()).toMatch(/must be a number/);
    expect(run.output()).not.toMatch(/^\s+at /m);
  });

  it('lists every offending variable in one run', async () => {
    const run = spawnCli(['start'], { API_PORT: 'eighty', LOG_LEVEL: 'loud', LIVE_TRADING_ENABLED: 'maybe' });
    expect((await run.exited).code).toBe(2);
    for (const v of ['API_PORT', 'LOG_LEVEL', 'LIVE_TRADING_ENABLED']) expect(run.output()).toContain(v);
  });

  it('an unknown EXCHANGE is a configuration error naming the supported values, exit 2', async () => {
    const run = spawnCli(['start'], {
      EXCHANGE: 'nope',
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/none',
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    expect((await run.exited).code).toBe(2);
    expect(run.output()).toMatch(/Configuration error:\s+EXCHANGE: .*"nope"/);
    expect(run.output()).toMatch(/\bsim\b.*\bbinance\b.*\bkraken\b/);
    expect(run.output()).not.toContain('cryptopulse failed');
  });

  it('rejects unknown roles with exit 2', async () => {
    const run = spawnCli(['start', '--roles', 'api,miner'], {});
    expect((await run.exited).code).toBe(2);
    expect(run.output()).toContain('--roles');
  });
});
