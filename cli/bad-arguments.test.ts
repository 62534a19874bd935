/**
 * A self-hoster's slips at the `cryptopulse` prompt: an argument too many, a malformed id or option, a
 * store that is not running. Each gets one sentence saying what is wrong (exit 2 for what was typed, 1
 * for a store), never the driver's text, and changes nothing: the argument checks come before any
 * store is touched (both stores below are unreachable), so a refused command cannot have acted.
 */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { spawnCli } from '../test/support/cli.ts';

const NO_STORES = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/none',
  REDIS_URL: 'redis://127.0.0.1:1',
};

async function run(args: string[], env: Record<string, string> = NO_STORES) {
  const cli = spawnCli(args, env);
  const { code } = await cli.exited;
  return { code, output: cli.output() };
}

const noTrace = (output: string) => {
  expect(output).not.toMatch(/^\s+at /m);
  expect(output).not.toMatch(/prisma|invocation|ECONNREFUSED/i);
};

describe('an argument too many is refused, not ignored', () => {
  const cases: [string, string[], RegExp][] = [
    ['apikeys revoke with two ids (only the first would go)', ['apikeys', 'revoke', 'abc', 'def'], /"def"/],
    ['apikeys create with a stray word', ['apikeys', 'create', '--name', 'bot', 'extra'], /"extra"/],
    ['apikeys list with a stray word', ['apikeys', 'list', 'all'], /"all"/],
    ['killswitch on with a stray word', ['killswitch', 'on', 'now'], /"now"/],
    ['dlq retry with two ids', ['dlq', 'retry', '1-0', '2-0'], /"2-0"/],
    ['keys rotate with a stray word', ['keys', 'rotate', 'now'], /"now"/],
    ['migrate with a stray word', ['migrate', 'now'], /"now"/],
  ];
  for (const [name, args, message] of cases) {
    it(name, async () => {
      const r = await run(args);
      expect(r.code).toBe(2);
      expect(r.output).toMatch(/unexpected argument/);
      expect(r.output).toMatch(message);
      noTrace(r.output);
    }, 60_000);
  }
});

describe('a malformed value says what was wrong with it', () => {
  it('start --roles "" (an empty variable in a script) is refused, not read as every role', async () => {
    const r = await run(['start', '--roles', '']);
    expect(r.code).toBe(2);
    expect(r.output).toMatch(/--roles takes a comma-separated subset of api, worker/);
  }, 60_000);

  it('killswitch with an unknown action names it', async () => {
    const r = await run(['killswitch', 'maybe']);
    expect(r.code).toBe(2);
    expect(r.output).toMatch(/"maybe".*on, off or status/);
  }, 60_000);

  it('dlq retry with an id that is not a stream id says what an id looks like', async () => {
    const r = await run(['dlq', 'retry', 'nope']);
    expect(r.code).toBe(2);
    expect(r.output).toMatch(/"nope" is not a dead-letter id .*1767225600000-0/);
    noTrace(r.output);
  }, 60_000);

  it('dlq list --limit abc names --limit', async () => {
    const r = await run(['dlq', 'list', '--limit', 'abc']);
    expect(r.code).toBe(2);
    expect(r.output).toMatch(/--limit must be a whole number .*"abc"/);
  }, 60_000);
});

describe('a store that is not there is one sentence naming its variable', () => {
  it('PostgreSQL unreachable: apikeys list', async () => {
    const r = await run(['apikeys', 'list']);
    expect(r.code).toBe(1);
    expect(r.output.trim()).toMatch(/^cannot reach PostgreSQL at 127\.0\.0\.1:1 \(DATABASE_URL\)/);
    noTrace(r.output);
  }, 60_000);

  it('PostgreSQL unreachable: migrate', async () => {
    const r = await run(['migrate']);
    expect(r.code).toBe(1);
    expect(r.output.trim()).toBe('cannot reach PostgreSQL at 127.0.0.1:1 (DATABASE_URL): is it running?');
  }, 60_000);

  it('a database that does not exist: apikeys list says to run migrate', async () => {
    const r = await run(['apikeys', 'list'], {
      ...NO_STORES,
      DATABASE_URL: `${process.env.DATABASE_URL?.replace(/\/[^/?]+(\?.*)?$/, '')}/cp_qa_never_created`,
    });
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/database cp_qa_never_created does not exist .*cryptopulse migrate/);
    noTrace(r.output);
  }, 60_000);

  it("PostgreSQL unreachable: chat says so before starting, without the workers' error logs", async () => {
    const r = await run(['chat'], { DATABASE_URL: NO_STORES.DATABASE_URL });
    expect(r.code).toBe(1);
    expect(r.output.trim()).toBe('cannot reach PostgreSQL at 127.0.0.1:1 (DATABASE_URL): is it running?');
  }, 60_000);

  it('Redis unreachable: chat ends with a sentence instead of waiting forever', async () => {
    const r = await run(['chat'], { REDIS_URL: NO_STORES.REDIS_URL });
    expect(r.code).toBe(1);
    expect(r.output.trim()).toBe('cannot reach Redis at redis://127.0.0.1:1 (REDIS_URL): is it running?');
  }, 60_000);

  it('Redis unreachable: dlq list ends with a sentence instead of waiting forever', async () => {
    const r = await run(['dlq', 'list']);
    expect(r.code).toBe(1);
    expect(r.output.trim()).toMatch(/^cannot reach Redis at redis:\/\/127\.0\.0\.1:1 \(REDIS_URL\)/);
    noTrace(r.output);
  }, 60_000);
});

describe('a port that is taken', () => {
  it('start --roles api names API_PORT instead of printing listen EADDRINUSE', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      // The test's own database and Redis: the role gets as far as listening.
      const r = await run(['start', '--roles', 'api'], { API_PORT: String(port), API_HOST: '127.0.0.1' });
      expect(r.code).toBe(1);
      expect(r.output).toContain(
        `the API cannot listen on 127.0.0.1:${port}: the port is in use (API_PORT, API_HOST)`,
      );
      expect(r.output).not.toMatch(/cryptopulse failed: listen EADDRINUSE/);
    } finally {
      taken.close();
    }
  }, 90_000);
});
