/**
 * /settings through the agent with the real store: a user's chart_theme is listed, changed, refused
 * when the name or value is wrong (nothing changes then), and honoured by every chart they do not
 * name a theme for; one user's setting is not another's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePng, hexToRgb } from '../../charts/png-pixels.ts';
import { themeFor } from '../../charts/theme.ts';
import type { Reply } from '../agent/reply.ts';
import { type AgentHarness, createAgentHarness, textOf } from '../agent/testing/harness.ts';
import { createUserSettings } from './settings.ts';

let t: AgentHarness;
beforeAll(async () => {
  t = await createAgentHarness('user-settings', { env: { PAPER_START_BALANCE: '10000' } });
});
afterAll(() => t.close());

/** The reply as a reader sees it (Markdown escapes dropped). */
const settings = (user: string, args = '') =>
  t.command(user, 'settings', args).then((r) => textOf(r).replaceAll('\\', ''));

/** The background colour of a chart reply: which theme it was drawn in. */
async function themeOf(replies: Reply[]): Promise<'dark' | 'light'> {
  const img = replies.find((r) => r.kind === 'image');
  expect(img, 'a chart').toBeDefined();
  const px = await decodePng((img as { png: Buffer }).png);
  const bg = px.at(3, px.height - 3);
  if (JSON.stringify(bg) === JSON.stringify(hexToRgb(themeFor('light').background))) return 'light';
  expect(bg).toEqual(hexToRgb(themeFor('dark').background));
  return 'dark';
}

async function userId(user: string): Promise<string> {
  return (await t.services.identity.resolve({ platform: 'telegram', platformUserId: user })).userId;
}

describe('/settings', () => {
  it('lists chart_theme at its default, then saves a change', async () => {
    expect(await settings('ann')).toMatch(/chart_theme: dark, the default \(dark or light\)/);
    expect(await settings('ann', 'chart_theme LIGHT')).toMatch(/Saved: chart_theme is now \*\*light\*\*/);
    expect(await settings('ann')).toMatch(/chart_theme: light \(dark or light\)/);
    expect(await settings('ann', 'chart_theme')).toMatch(
      /chart_theme: light.*Change it with \/settings chart_theme/s,
    );
  });

  it('refuses an unknown name or value in a sentence naming what is accepted, and changes nothing', async () => {
    await settings('bob', 'chart_theme light');
    expect(await settings('bob', 'colour blue')).toMatch(
      /There is no setting “colour”\. Settings: chart_theme\./,
    );
    expect(await settings('bob', 'chart_theme blue')).toMatch(/chart_theme is dark or light, not “blue”/);
    expect(await settings('bob', 'chart-theme light')).toMatch(
      /There is no setting “chart-theme”\. Settings: chart_theme\./,
    );
    expect(await settings('bob', 'colour')).toMatch(/There is no setting/);
    // A slash command's options can carry a value without a name: said, not ignored.
    expect(textOf(await t.command('bob', 'settings', { value: 'dark' }))).toMatch(
      /is missing: say which setting the value is for/,
    );
    expect(await createUserSettings(t.h.app.db).get(await userId('bob'))).toEqual({ chart_theme: 'light' });
  });

  it('reads a stored value that no longer parses as the default', async () => {
    const id = await userId('cat');
    await t.h.app.db.user.update({ where: { id }, data: { settings: { chart_theme: 'purple', old: 1 } } });
    expect(await settings('cat')).toMatch(/chart_theme: dark, the default/);
    // Saving keeps what else the row holds: the store merges one key.
    await settings('cat', 'chart_theme light');
    const row = await t.h.app.db.user.findUniqueOrThrow({ where: { id }, select: { settings: true } });
    expect(row.settings).toEqual({ chart_theme: 'light', old: 1 });
  });

  it('draws every chart of a user in their theme unless the request names one', async () => {
    await settings('dee', 'chart_theme light');
    expect(await themeOf(await t.say('dee', 'chart btc 1h'))).toBe('light');
    expect(await themeOf(await t.command('dee', 'chart', 'eth 4h'))).toBe('light');
    expect(await themeOf(await t.say('dee', 'chart my portfolio'))).toBe('light');
    expect(await themeOf(await t.say('dee', 'chart btc 1h dark theme'))).toBe('dark');
    // Someone else's charts stay dark.
    expect(await themeOf(await t.say('eve', 'chart btc 1h'))).toBe('dark');
  });
});
