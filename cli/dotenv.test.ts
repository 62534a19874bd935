/**
 * Every entry point reads `.env` (issue 13, item 9), not only the bootstrap: the CLI that `npm start`,
 * `npm run cli`, bin/cryptopulse and the Docker image all run. What the environment says wins over the
 * file, and Node's experimental-feature notice never reaches the terminal.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnCli } from '../test/support/cli.ts';

describe('.env is read by the CLI itself', { timeout: 180_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'cp-dotenv-'));
  const file = join(dir, '.env');
  writeFileSync(file, '# a setting gone wrong\nRATE_LIMIT_PER_MINUTE=abc\nLOG_LEVEL="warn"\n');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('dotenv-setting-is-validated-by-start-and-named', async () => {
    const run = spawnCli(['start'], {
      CRYPTOPULSE_ENV_FILE: file,
      RATE_LIMIT_PER_MINUTE: undefined,
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/none',
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    expect((await run.exited).code).toBe(2);
    expect(run.output()).toMatch(/RATE_LIMIT_PER_MINUTE: must be a number \(got "abc"\)/);
  });

  it('environment-wins-over-the-dotenv-file', async () => {
    const run = spawnCli(['start', '--roles', 'nothing'], {
      CRYPTOPULSE_ENV_FILE: file,
      RATE_LIMIT_PER_MINUTE: '30',
    });
    expect((await run.exited).code).toBe(2);
    // Only the unknown role is wrong: RATE_LIMIT_PER_MINUTE=30 from the environment was kept.
    expect(run.output()).not.toContain('RATE_LIMIT_PER_MINUTE');
  });

  it('no-experimental-warning-without-node-options', async () => {
    const run = spawnCli(['help'], { NODE_OPTIONS: '', CRYPTOPULSE_ENV_FILE: file });
    expect((await run.exited).code).toBe(0);
    expect(run.output()).toMatch(/Usage: cryptopulse/);
    expect(run.output()).not.toMatch(/ExperimentalWarning|experimental feature/);
  });
});
