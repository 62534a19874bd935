/**
 * Personal answers never land where other members read them: /portfolio, /orders and /pnl in a guild
 * channel are ephemeral, and a mention asking for the portfolio is answered in the asker's DM with a
 * pointer in the channel (or, with their DMs closed, a pointer to the slash command). In a DM the same
 * commands answer normally. The real discord.js Client, agent, trading core and worker, the fake Discord.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeInteraction, FakeMessage, Json } from '../../test/fakes/discord/state.ts';
import { DM_CLOSED, SENT_TO_DM } from './conversation.ts';
import { CORE_ENV, startCore } from './testing/core.ts';
import { type BotHarness, startHarness } from './testing/harness.ts';

const EPHEMERAL = 64;
const textOf = (m: FakeMessage | undefined) =>
  ((m?.body.embeds ?? []) as Json[])
    .flatMap((e) => [
      e.title,
      e.description,
      ...((e.fields ?? []) as Json[]).map((f) => `${f.name} ${f.value}`),
    ])
    .filter(Boolean)
    .join('\n');
const buttonId = (m: FakeMessage | undefined, label: string) =>
  String(
    ((m?.body.components ?? []) as Json[])
      .flatMap((row) => (row.components ?? []) as Json[])
      .find((b) => b.label === label)?.custom_id,
  );
const isEphemeral = (m: FakeMessage) => (Number(m.body.flags ?? 0) & EPHEMERAL) === EPHEMERAL;

describe('Discord: personal answers stay private', () => {
  let h: BotHarness;
  const general = () => h.guild.channels.general!;
  /** What every member of the channel can read. */
  const publicIn = (channelId: string) =>
    h.fake.state.channelMessages(channelId).filter((m) => !isEphemeral(m));
  const answered = (i: FakeInteraction) =>
    h.fake.state.waitFor(
      () => (i.original && i.original.edits.length > 1 ? i.original : undefined),
      15_000,
      'the edited reply',
    );

  beforeAll(async () => {
    // Global registration, so the commands are offered in DMs too.
    h = await startHarness('dc_privacy', { ...CORE_ENV, DISCORD_DEV_GUILD_ID: '' });
    const core = await startCore(h.ctx);
    h.use(core);
    await h.start(core.deps);
  }, 60_000);
  afterAll(async () => h?.close(), 60_000);

  it('answers /portfolio, /orders and /pnl in a channel only to the asker', async () => {
    const alice = h.fake.addUser('alice');
    // A filled order of her own: holdings, orders and PnL to keep private.
    const buy = h.fake.slash({
      user: alice,
      channelId: h.guild.channels.signals!,
      name: 'buy',
      options: { symbol: 'BTC', amount: 0.01 },
    });
    const card = await answered(buy);
    h.fake.press({ user: alice, message: card, customId: buttonId(card, 'Confirm') });
    await h.fake.state.waitFor(() => /Filled/.test(textOf(card)) || undefined, 20_000, 'the fill');

    const asked = [
      { name: 'portfolio', expect: /BTC/ },
      { name: 'orders', options: { scope: 'all' }, expect: /0\.01 BTC/ },
      { name: 'pnl', expect: /PnL since/ },
    ];
    for (const a of asked) {
      const i = h.fake.slash({ user: alice, channelId: general(), name: a.name, options: a.options ?? {} });
      const reply = await answered(i);
      expect(i.callbacks[0]).toMatchObject({ type: 5, data: { flags: EPHEMERAL } });
      expect(isEphemeral(reply)).toBe(true);
      expect(textOf(reply)).toMatch(a.expect);
      expect(textOf(reply)).toMatch(/\d/);
      for (const f of i.followups) expect(isEphemeral(f)).toBe(true);
    }
    expect(publicIn(general())).toEqual([]);
  });

  it('answers a mention asking for the portfolio in the DM, with a pointer in the channel', async () => {
    const carol = h.fake.addUser('carol');
    const asked = h.fake.userMessage({
      user: carol,
      channelId: general(),
      content: 'show my portfolio',
      mentionBot: true,
    });
    const pointer = await h.fake.state.waitFor(
      () => publicIn(general()).find((m) => m.body.message_reference),
      10_000,
      'the pointer',
    );
    expect(pointer.body.message_reference).toMatchObject({ message_id: asked });
    expect(textOf(pointer)).toBe(SENT_TO_DM);
    const dm = await h.fake.state.waitFor(
      () => {
        const channel = h.fake.state.dmChannelOf(carol.id);
        return channel && h.fake.state.channelMessages(channel.id)[0];
      },
      10_000,
      'the DM',
    );
    expect(textOf(dm)).toMatch(/paper account is empty|Portfolio/);
    for (const m of publicIn(general())) expect(textOf(m)).not.toMatch(/\d/);
  });

  it('with the asker’s DMs closed, the channel still reads nothing personal', async () => {
    const dave = h.fake.addUser('dave');
    h.fake.state.dmsClosed.add(dave.id);
    h.fake.userMessage({ user: dave, channelId: general(), content: 'my balance', mentionBot: true });
    const pointer = await h.fake.state.waitFor(
      () => publicIn(general()).find((m) => textOf(m) === DM_CLOSED),
      10_000,
      'the closed-DM pointer',
    );
    expect(textOf(pointer)).not.toMatch(/\d/);
  });

  it('answers the same commands normally in a DM', async () => {
    const erin = h.fake.addUser('erin');
    const dm = h.fake.dmChannel(erin);
    const i = h.fake.slash({ user: erin, channelId: dm, name: 'pnl' });
    const reply = await answered(i);
    expect(i.callbacks[0]).toMatchObject({ type: 5 });
    expect(isEphemeral(reply)).toBe(false);
    expect(textOf(reply)).toMatch(/PnL since/);
    h.fake.userMessage({ user: erin, channelId: dm, content: 'show my portfolio' });
    const answer = await h.fake.state.waitFor(
      () => h.fake.state.channelMessages(dm).find((m) => m !== reply && /portfolio|account/i.test(textOf(m))),
      10_000,
      'the DM answer',
    );
    expect(textOf(answer)).not.toBe(SENT_TO_DM);
  });
});
