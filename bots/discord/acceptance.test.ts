/**
 * Issue 7 acceptance, end to end: the real discord.js Client against the fake Discord, the real agent
 * (offline parser), trading core, paper broker and orders worker on this test's Postgres and Redis.
 * Assertions read what the fake received, as a Discord user would see it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS } from '../../test/fakes/discord/interactions.ts';
import type { FakeInteraction, FakeMessage, Json } from '../../test/fakes/discord/state.ts';
import { CORE_ENV, startCore } from './testing/core.ts';
import { type BotHarness, startHarness } from './testing/harness.ts';

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
const EPHEMERAL = 64;

const embedsOf = (m: FakeMessage | undefined) => (m?.body.embeds ?? []) as Json[];
const textOf = (m: FakeMessage | undefined) =>
  embedsOf(m)
    .map((e) => [e.title, e.description].filter(Boolean).join('\n'))
    .join('\n');
const buttonsOf = (m: FakeMessage | undefined) =>
  ((m?.body.components ?? []) as Json[]).flatMap((row) => (row.components ?? []) as Json[]);
const customId = (m: FakeMessage | undefined, label: string) =>
  String(buttonsOf(m).find((b) => b.label === label)?.custom_id);

describe('Discord bot end to end (issue 7 acceptance)', () => {
  let h: BotHarness;
  beforeAll(async () => {
    // Global registration: guild commands are not offered in DMs, and /keys lives only in DMs.
    // The 3 s acknowledgement is a bench figure (npm run bench -- discord), not a wall-clock assertion.
    h = await startHarness('dc_accept', { ...CORE_ENV, DISCORD_DEV_GUILD_ID: '' }, { ackWindowMs: 60_000 });
    const core = await startCore(h.ctx);
    h.use(core);
    await h.start(core.deps);
  });
  afterAll(async () => h?.close());

  const signals = () => h.guild.channels.signals!;
  /** The @original once the deferred reply has been edited with content. */
  const answered = (i: FakeInteraction) =>
    h.fake.state.waitFor(
      () => (i.original && i.original.edits.length > 1 ? i.original : undefined),
      15_000,
      'the edited reply',
    );

  async function propose(user = h.fake.addUser('trader')) {
    const i = h.fake.slash({
      user,
      channelId: signals(),
      name: 'buy',
      options: { symbol: 'BTC', amount: 0.01 },
    });
    const card = await answered(i);
    return { user, card };
  }

  it('defers a slash command, then edits the reply in with an embed and a PNG attachment', async () => {
    const alice = h.fake.addUser('alice');
    const i = h.fake.slash({
      user: alice,
      channelId: signals(),
      name: 'chart',
      options: { symbol: 'BTC', timeframe: '1h' },
    });
    const reply = await answered(i);
    expect(i.callbacks[0]).toMatchObject({ type: 5 });
    const [file] = reply.files;
    expect(file?.filename).toMatch(/\.png$/);
    expect(file?.data.subarray(0, 4)).toEqual(PNG_MAGIC);
    expect(embedsOf(reply)[0]).toMatchObject({ image: { url: `attachment://${file?.filename}` } });
  });

  it('a Confirm by the owner is edited into the card and ends in a filled notification by DM', async () => {
    const { user, card } = await propose();
    expect(buttonsOf(card).map((b) => b.label)).toEqual(['Confirm', 'Cancel']);
    const press = h.fake.press({ user, message: card, customId: customId(card, 'Confirm') });
    await h.fake.state.waitFor(() => press.callbacks.length > 0);
    expect(press.callbacks[0]).toMatchObject({ type: 6 });
    const dm = await h.fake.state.waitFor(
      () => {
        const channel = h.fake.state.dmChannelOf(user.id);
        return channel && h.fake.state.channelMessages(channel.id).find((m) => /Filled/.test(textOf(m)));
      },
      20_000,
      'the filled DM',
    );
    expect(textOf(dm)).toMatch(/BUY 0\.01 BTC\/USDT/);
    // The card followed the order: no buttons left, the fill edited in.
    await h.fake.state.waitFor(
      () => /Filled/.test(textOf(card)) || undefined,
      10_000,
      'the card showing the fill',
    );
    expect(buttonsOf(card)).toEqual([]);
  });

  it('a press by someone else is refused privately and leaves the card as it was', async () => {
    const { card } = await propose();
    const before = JSON.stringify(card.body);
    const mallory = h.fake.addUser('mallory');
    const press = h.fake.press({ user: mallory, message: card, customId: customId(card, 'Confirm') });
    const refusal = await h.fake.state.waitFor(() => press.followups[0], 10_000, 'the refusal');
    expect(Number(refusal.body.flags) & EPHEMERAL).toBe(EPHEMERAL);
    expect(textOf(refusal)).toMatch(/Only the person who asked/);
    expect(JSON.stringify(card.body)).toBe(before);
  });

  it('/subscribe by a member without Manage Channels is refused, visible only to them', async () => {
    const bob = h.fake.addUser('bob');
    const i = h.fake.slash({
      user: bob,
      channelId: signals(),
      name: 'subscribe',
      permissions: PERMISSIONS.member,
    });
    const reply = await answered(i);
    expect(i.callbacks[0]).toMatchObject({ type: 5, data: { flags: EPHEMERAL } });
    expect(textOf(reply)).toMatch(/Only admins of this chat can use \/subscribe/);
  });

  it('holds a conversation in DMs', async () => {
    const carol = h.fake.addUser('carol');
    const dm = h.fake.dmChannel(carol);
    h.fake.userMessage({ user: carol, channelId: dm, content: 'price of btc' });
    const first = await h.fake.state.waitFor(
      () => h.fake.state.channelMessages(dm)[0],
      10_000,
      'the DM answer',
    );
    expect(textOf(first)).toMatch(/BTC/);
    h.fake.userMessage({ user: carol, channelId: dm, content: 'buy 0.01 btc' });
    const card = await h.fake.state.waitFor(
      () => h.fake.state.channelMessages(dm).find((m) => buttonsOf(m).length > 0),
      10_000,
      'a proposal card in the DM',
    );
    expect(buttonsOf(card).map((b) => b.label)).toEqual(['Confirm', 'Cancel']);
  });

  it('answers a mention in a channel as a reply, and ignores chatter that does not mention it', async () => {
    const hank = h.fake.addUser('hank');
    const general = h.guild.channels.general!;
    h.fake.userMessage({ user: hank, channelId: general, content: 'price of eth anyone?' });
    const asked = h.fake.userMessage({
      user: hank,
      channelId: general,
      content: 'price of eth',
      mentionBot: true,
    });
    const answer = await h.fake.state.waitFor(
      () => h.fake.state.channelMessages(general)[0],
      10_000,
      'the answer',
    );
    expect(textOf(answer)).toMatch(/ETH/);
    expect(answer.body.message_reference, JSON.stringify(answer.edits[0])).toMatchObject({
      message_id: asked,
    });
    // Mentions in the answer never ping anyone.
    expect(answer.edits[0]?.allowed_mentions).toEqual({ parse: [] });
    expect(h.fake.state.channelMessages(general)).toHaveLength(1);
  });

  it('links exchange keys through a modal, answers privately and never echoes them', async () => {
    const frank = h.fake.addUser('frank');
    const dm = h.fake.dmChannel(frank);
    const secret = 'S3CRET-never-shown-0123456789';
    const apiKey = 'API-KEY-never-shown-0123456789';
    const run = h.fake.slash({
      user: frank,
      channelId: dm,
      name: 'keys',
      options: { action: 'link', exchange: 'kraken' },
    });
    const modal = await h.fake.state.waitFor(() => run.callbacks[0], 10_000, 'the modal');
    expect(modal).toMatchObject({ type: 9 });
    const inputs = ((modal.data as Json).components as Json[]).flatMap((row) => row.components as Json[]);
    expect(inputs.map((c) => [c.custom_id, c.value])).toEqual([
      ['exchange', 'kraken'],
      ['api_key', undefined],
      ['secret', undefined],
    ]);
    const submit = h.fake.submitModal({
      user: frank,
      channelId: dm,
      customId: String((modal.data as Json).custom_id),
      fields: { exchange: 'kraken', api_key: apiKey, secret },
    });
    const reply = await answered(submit);
    expect(submit.callbacks[0]).toMatchObject({ type: 5, data: { flags: EPHEMERAL } });
    expect(textOf(reply)).toMatch(/Linked your \*\*kraken\*\* keys/);
    const everythingSent = JSON.stringify([...h.fake.state.messages.values()].map((m) => m.edits));
    expect(everythingSent).not.toContain(secret);
    expect(everythingSent).not.toContain(apiKey);
  });

  it('waits out a 429 on the interaction edit route and retries it', async () => {
    const dave = h.fake.addUser('dave');
    const before = h.fake.state.limited.length;
    h.fake.limiter.force429('PATCH /webhooks/:id/:token/messages/@original', 0.3);
    const i = h.fake.slash({ user: dave, channelId: signals(), name: 'price', options: { symbol: 'ETH' } });
    const reply = await answered(i);
    expect(textOf(reply)).toMatch(/ETH/);
    const limited = h.fake.state.limited.slice(before);
    // Exactly the forced 429; an early retry would have drawn a second one.
    expect(
      limited.map((r) => [r.template, r.limited]),
      JSON.stringify(limited),
    ).toEqual([['PATCH /webhooks/:id/:token/messages/@original', 'forced']]);
  });

  it('acknowledged every interaction above', () => {
    const all = [...h.fake.state.interactions.values()];
    expect(all.length).toBeGreaterThan(8);
    expect(all.filter((i) => i.callbacks.length === 0).map((i) => i.type)).toEqual([]);
  });
});

describe('an expired proposal', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startHarness('dc_expiry', { ...CORE_ENV, CONFIRM_TTL_SECONDS: '1' });
    const core = await startCore(h.ctx, { worker: false });
    h.use(core);
    await h.start(core.deps);
  });
  afterAll(async () => h?.close());

  it('has its buttons disabled at expiry, and a late press is told it expired', async () => {
    const erin = h.fake.addUser('erin');
    const i = h.fake.slash({
      user: erin,
      channelId: h.guild.channels.signals!,
      name: 'buy',
      options: { symbol: 'BTC', amount: 0.01 },
    });
    const card = await h.fake.state.waitFor(
      () => (buttonsOf(i.original).length ? i.original : undefined),
      15_000,
    );
    const confirm = customId(card, 'Confirm');
    await h.fake.state.waitFor(
      () => buttonsOf(card).length > 0 && buttonsOf(card).every((b) => b.disabled === true),
      10_000,
      'disabled buttons',
    );
    expect(embedsOf(card)[0]?.footer).toMatchObject({ text: expect.stringMatching(/Expired/) });
    // A client that had not refreshed still sends the press: the core answers, the card says so.
    const press = h.fake.press({ user: erin, message: card, customId: confirm });
    await h.fake.state.waitFor(
      () => (/expired/i.test(textOf(card)) && press.callbacks.length > 0) || undefined,
      10_000,
    );
    expect(buttonsOf(card)).toEqual([]);
  });
});
