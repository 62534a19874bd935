/**
 * The bot starts against the fake Discord with the real discord.js Client: ready, slash commands
 * registered per guild or globally only when their definitions changed, autocomplete answered.
 */
import { ApplicationCommandOptionType as T } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { SlashCommandSource } from './deps.ts';
import { registrySources } from './registry.ts';
import { agentNotReached, type BotHarness, startHarness } from './testing/harness.ts';

/** Shaped like the registry's commands; plain data, so these tests need no agent. */
const COMMANDS: SlashCommandSource[] = [
  {
    name: 'price',
    description: 'Price of a market',
    options: [{ type: T.String, name: 'symbol', description: 'BTC, ETH/USDT…', required: true }],
  },
  {
    name: 'chart',
    description: 'Candlestick chart',
    options: [
      { type: T.String, name: 'symbol', description: 'Market', required: true },
      {
        type: T.String,
        name: 'timeframe',
        description: 'Candle size',
        choices: ['1m', '5m', '1h', '4h', '1d'].map((v) => ({ name: v, value: v })),
      },
    ],
  },
  {
    name: 'subscribe',
    description: 'Post signals in this channel',
    adminInGroups: true,
    scopes: ['group', 'channel'],
  },
  {
    name: 'keys',
    description: 'Exchange API keys',
    secretArgs: ['api_key', 'secret'],
    personal: true,
    scopes: ['dm'],
    options: [
      {
        type: T.Subcommand,
        name: 'link',
        description: 'Link keys',
        options: [
          { type: T.String, name: 'exchange', description: 'Exchange id', required: true },
          { type: T.String, name: 'api_key', description: 'API key', required: true },
          { type: T.String, name: 'secret', description: 'API secret', required: true },
        ],
      },
      { type: T.Subcommand, name: 'list', description: 'Your linked keys' },
    ],
  },
];

type Json = Record<string, unknown>;
const byName = (list: Json[] | undefined, name: string) => list?.find((c) => c.name === name) as Json;

describe('Discord bot start and command registration', () => {
  let h: BotHarness;
  afterEach(async () => h?.close());

  it('is ready on the gateway and registers the commands in the dev guild, translated for Discord', async () => {
    h = await startHarness('dc_register');
    const bot = await h.start({ agent: agentNotReached, commands: COMMANDS });
    expect(h.fake.gateway.readySessions).toBe(1);
    expect(bot.summary).toMatch(/in 1 guild\(s\), commands guild /);
    expect(h.fake.state.commandPuts.map((p) => p.scope)).toEqual([h.guild.id]);

    const registered = h.fake.state.commands.get(h.guild.id);
    expect(registered?.map((c) => c.name)).toEqual(['price', 'chart', 'subscribe', 'keys']);
    const symbol = byName(byName(registered, 'price').options as Json[], 'symbol');
    expect(symbol).toMatchObject({ type: T.String, autocomplete: true, required: true });
    const timeframe = byName(byName(registered, 'chart').options as Json[], 'timeframe');
    expect(timeframe).toMatchObject({ autocomplete: true });
    expect(timeframe).not.toHaveProperty('choices');
    // Manage Channels (1 << 4) by default; Discord hides the command from other members.
    expect(byName(registered, 'subscribe')).toMatchObject({
      default_member_permissions: '16',
      contexts: [0],
    });
    // Secrets are never options: they are typed into a modal.
    const link = byName(byName(registered, 'keys').options as Json[], 'link');
    expect((link.options as Json[]).map((o) => o.name)).toEqual(['exchange']);
    expect(byName(registered, 'keys')).toMatchObject({ contexts: [1] });
  });

  it("registers the core registry's commands: no secret options, autocomplete, /subscribe gated", async () => {
    h = await startHarness('dc_registry');
    await h.start({ agent: agentNotReached, commands: registrySources() });
    const registered = h.fake.state.commands.get(h.guild.id) ?? [];
    const names = registered.map((c) => c.name);
    for (const name of ['help', 'price', 'chart', 'buy', 'sell', 'orders', 'cancel', 'portfolio', 'pnl'])
      expect(names).toContain(name);
    for (const name of ['signals', 'alert', 'subscribe', 'unsubscribe', 'mode', 'keys', 'settings'])
      expect(names).toContain(name);
    const options = registered.flatMap((c) => (c.options ?? []) as Json[]);
    expect(options.filter((o) => ['api_key', 'secret'].includes(String(o.name)))).toEqual([]);
    expect(byName(registered, 'keys').options).toEqual([
      expect.objectContaining({ name: 'action' }),
      expect.objectContaining({ name: 'exchange' }),
    ]);
    // A setting's key is no secret: only commands that declare secret arguments lose options.
    expect(byName(byName(registered, 'settings').options as Json[], 'key')).toBeDefined();
    expect(byName(byName(registered, 'price').options as Json[], 'symbol')).toMatchObject({
      autocomplete: true,
    });
    expect(byName(byName(registered, 'chart').options as Json[], 'timeframe')).toMatchObject({
      autocomplete: true,
    });
    expect(byName(registered, 'subscribe')).toMatchObject({ default_member_permissions: '16' });
  });

  it('re-registers on start only when the definitions changed', async () => {
    h = await startHarness('dc_reregister');
    await (await h.start({ agent: agentNotReached, commands: COMMANDS })).stop();
    await (await h.start({ agent: agentNotReached, commands: COMMANDS })).stop();
    expect(h.fake.state.commandPuts).toHaveLength(1);

    const changed = COMMANDS.map((c) =>
      c.name === 'price' ? { ...c, description: 'Live price of a market' } : c,
    );
    await (await h.start({ agent: agentNotReached, commands: changed })).stop();
    expect(h.fake.state.commandPuts).toHaveLength(2);
    expect(byName(h.fake.state.commands.get(h.guild.id), 'price')).toMatchObject({
      description: 'Live price of a market',
    });
  });

  it('registers globally when no dev guild is configured', async () => {
    h = await startHarness('dc_global');
    await h.start({ agent: agentNotReached, commands: COMMANDS }, { DISCORD_DEV_GUILD_ID: '' });
    expect(h.fake.state.commandPuts.map((p) => p.scope)).toEqual(['global']);
  });

  it('suggests symbols and timeframes while the user types', async () => {
    h = await startHarness('dc_autocomplete');
    await h.start({
      agent: agentNotReached,
      commands: COMMANDS,
      symbols: async () => ['BTC/USDT', 'ETH/USDT', 'ETH/BTC', 'SOL/USDT'],
    });
    const alice = h.fake.addUser('alice');
    const where = { user: alice, channelId: h.guild.channels.general! };
    const symbols = h.fake.autocomplete({ ...where, name: 'chart', focused: 'symbol', value: 'eth' });
    const timeframes = h.fake.autocomplete({
      ...where,
      name: 'chart',
      focused: 'timeframe',
      value: '1',
      options: { symbol: 'BTC' },
    });
    const choices = (i: typeof symbols) =>
      h.fake.state.waitFor(() => (i.callbacks[0]?.data as Json | undefined)?.choices as Json[] | undefined);
    expect(await choices(symbols)).toEqual([
      { name: 'ETH/USDT', value: 'ETH/USDT' },
      { name: 'ETH/BTC', value: 'ETH/BTC' },
    ]);
    expect((await choices(timeframes)).map((c) => c.value)).toEqual(['1m', '1h', '1d']);
    expect(symbols.callbacks[0]).toMatchObject({ type: 8 });
  });
});
