import { Client, GatewayIntentBits } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeDiscord, startFakeDiscord } from './server.ts';

describe('fake discord gateway handshake with the real discord.js Client', () => {
  let fake: FakeDiscord | undefined;
  let client: Client | undefined;
  afterEach(async () => {
    await client?.destroy();
    await fake?.close();
  });

  it('HELLO, IDENTIFY, READY and GUILD_CREATE bring the client to ready with its guilds cached', async () => {
    fake = await startFakeDiscord();
    const guild = fake.addGuild('Traders', ['signals', 'general']);
    client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiBase } });
    const ready = new Promise<void>((resolve) => client!.once('clientReady', () => resolve()));
    await client.login(fake.token);
    await ready;
    expect(client.user?.id).toBe(fake.botUser.id);
    expect(client.application?.id).toBe(fake.appId);
    expect(client.guilds.cache.get(guild.id)?.channels.cache.size).toBe(2);
    expect(fake.gateway.identifies[0]).toMatchObject({
      token: fake.token,
      intents: GatewayIntentBits.Guilds,
    });
  });

  it('rejects a wrong token the way Discord does (close 4004)', async () => {
    fake = await startFakeDiscord();
    client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiBase } });
    await expect(client.login('wrong-token-wrong-token')).rejects.toThrow();
  });
});
