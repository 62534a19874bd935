/**
 * An operator revoking an API key from the host, the ways people actually do it: with the key itself
 * (pasted from where it leaked), with the prefix `apikeys list` shows, twice by mistake. The command
 * says what happened, including that nothing changed when the key was already revoked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyStore } from '../core/apikeys/store.ts';
import { spawnCli } from '../test/support/cli.ts';
import { createTestContext, type TestContext } from '../test/support/context.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext('revoke-a-key');
});
afterAll(() => t.close());

/** The real `cryptopulse apikeys …` process on this test's stores. */
async function cli(args: string[]): Promise<{ code: number | null; out: string }> {
  const run = spawnCli(['apikeys', ...args], t.env);
  const { code } = await run.exited;
  return { code, out: run.output() };
}

describe('apikeys revoke', () => {
  it('takes the key itself, and the key is refused afterwards', { timeout: 60_000 }, async () => {
    const store = new ApiKeyStore(t.db);
    const { key, info } = await store.create({ name: 'leaked', ratePerMinute: 60 });
    const r = await cli(['revoke', key]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`revoked API key "leaked" (id ${info.id})`);
    expect(r.out).not.toContain(key.slice(12)); // the secret part is not echoed back
    expect(await store.verify(key)).toBeNull();
  });

  it('a second revoke says it was already revoked, and when', { timeout: 60_000 }, async () => {
    const store = new ApiKeyStore(t.db);
    const { info } = await store.create({ name: 'twice', ratePerMinute: 60 });
    expect((await cli(['revoke', info.prefix])).code).toBe(0);
    const again = await cli(['revoke', info.prefix]);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/API key "twice" .* was already revoked at \d{4}-\d\d-\d\dT/);
    expect(again.out).not.toMatch(/refused from now on/);
  });
});
