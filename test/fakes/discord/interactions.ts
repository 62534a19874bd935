/**
 * What a person does in the Discord client, as the gateway events Discord would send: run a slash
 * command (options typed from the REGISTERED definition, so a test fails if registration is wrong),
 * type into an autocomplete field, press a button, submit a modal, write a message or a DM.
 */
import type { FakeGateway } from './gateway.ts';
import { messagePayload, userPayload } from './rest.ts';
import type { FakeDiscordState, FakeInteraction, FakeMessage, FakeUser, Json } from './state.ts';

/** Permission bits used by tests. */
export const PERMISSIONS = {
  /** View channel + send messages: an ordinary member. */
  member: (1n << 10n) | (1n << 11n),
  manageChannels: 1n << 4n,
  administrator: 1n << 3n,
} as const;

export interface Where {
  readonly user: FakeUser;
  readonly channelId: string;
  /** The member's computed permissions in the channel (guild channels only). */
  readonly permissions?: bigint;
}

type OptionValue = string | number | boolean;

export class FakeInteractions {
  constructor(
    private readonly fakeState: FakeDiscordState,
    private readonly fakeGateway: FakeGateway,
    private readonly applicationId: string,
  ) {}

  /** `name` may be "keys link" for a subcommand. Option types come from the registered command. */
  slash(where: Where & { name: string; options?: Readonly<Record<string, OptionValue>> }): FakeInteraction {
    const { command, options } = this.commandData(where.name, where.options ?? {}, where.channelId);
    return this.create(where, 2, { id: command.id, name: command.name, type: 1, options });
  }

  /** The user is typing `value` into option `focused`. */
  autocomplete(
    where: Where & {
      name: string;
      options?: Readonly<Record<string, OptionValue>>;
      focused: string;
      value: string;
    },
  ): FakeInteraction {
    const { command, options } = this.commandData(
      where.name,
      { ...where.options, [where.focused]: where.value },
      where.channelId,
      where.focused,
    );
    return this.create(where, 4, { id: command.id, name: command.name, type: 1, options });
  }

  press(where: Omit<Where, 'channelId'> & { message: FakeMessage; customId: string }): FakeInteraction {
    return this.create(
      { ...where, channelId: where.message.channelId },
      3,
      { component_type: 2, custom_id: where.customId },
      where.message,
    );
  }

  submitModal(
    where: Where & { customId: string; fields: Readonly<Record<string, string>> },
  ): FakeInteraction {
    return this.create(where, 5, {
      custom_id: where.customId,
      components: Object.entries(where.fields).map(([id, value]) => ({
        type: 1,
        components: [{ type: 4, custom_id: id, value }],
      })),
    });
  }

  /** A message from a person; `mentionBot` prefixes `<@bot>` and lists the bot in mentions, as Discord does. */
  userMessage(where: Where & { content: string; mentionBot?: boolean; botId?: string }): string {
    const channel = this.fakeState.channels.get(where.channelId);
    if (!channel) throw new Error(`fake discord: unknown channel ${where.channelId}`);
    const id = this.fakeState.nextId();
    const botId = where.botId ?? this.botId();
    const content = where.mentionBot ? `<@${botId}> ${where.content}` : where.content;
    this.fakeGateway.dispatch('MESSAGE_CREATE', {
      id,
      channel_id: channel.id,
      channel_type: channel.type,
      ...(channel.guildId ? { guild_id: channel.guildId, member: this.member(where) } : {}),
      author: userPayload(where.user),
      content,
      mentions: where.mentionBot ? [userPayload({ id: botId, username: 'CryptoPulse', bot: true })] : [],
      mention_roles: [],
      mention_everyone: false,
      attachments: [],
      embeds: [],
      components: [],
      pinned: false,
      tts: false,
      type: 0,
      flags: 0,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
    });
    return id;
  }

  /** Opens (or finds) the DM channel between a user and the bot, as the user's client would. */
  dmChannel(user: FakeUser): string {
    let channel = this.fakeState.dmChannelOf(user.id);
    if (!channel) {
      channel = { id: this.fakeState.nextId(), type: 1, recipientId: user.id };
      this.fakeState.channels.set(channel.id, channel);
    }
    return channel.id;
  }

  private botId(): string {
    return [...this.fakeState.users.values()].find((u) => u.bot)?.id ?? '0';
  }

  private member(where: Where): Json {
    return {
      user: userPayload(where.user),
      roles: [],
      permissions: String(where.permissions ?? PERMISSIONS.member),
      joined_at: new Date().toISOString(),
      deaf: false,
      mute: false,
      flags: 0,
    };
  }

  private create(where: Where, type: number, data: Json, source?: FakeMessage): FakeInteraction {
    const channel = this.fakeState.channels.get(where.channelId);
    if (!channel) throw new Error(`fake discord: unknown channel ${where.channelId}`);
    const interaction: FakeInteraction = {
      id: this.fakeState.nextId(),
      token: `itoken-${this.fakeState.nextId()}`,
      type,
      userId: where.user.id,
      channelId: channel.id,
      createdAt: Date.now(),
      callbacks: [],
      followups: [],
      ...(source ? { source } : {}),
    };
    this.fakeState.interactions.set(interaction.id, interaction);
    const channelPayload: Json = channel.guildId
      ? { id: channel.id, type: channel.type, guild_id: channel.guildId, name: channel.name }
      : { id: channel.id, type: 1, recipients: [userPayload(where.user)] };
    this.fakeGateway.dispatch('INTERACTION_CREATE', {
      id: interaction.id,
      application_id: this.applicationId,
      type,
      token: interaction.token,
      version: 1,
      data,
      channel_id: channel.id,
      channel: channelPayload,
      ...(channel.guildId
        ? { guild_id: channel.guildId, guild_locale: 'en-US', member: this.member(where), context: 0 }
        : { user: userPayload(where.user), context: 1 }),
      ...(source ? { message: messagePayload(this.restLike(), source) } : {}),
      app_permissions: String(PERMISSIONS.member | PERMISSIONS.manageChannels),
      locale: 'en-US',
      entitlements: [],
      authorizing_integration_owners: channel.guildId ? { '0': channel.guildId } : { '1': where.user.id },
      attachment_size_limit: 10 * 1024 * 1024,
    });
    return interaction;
  }

  private restLike() {
    const bot = [...this.fakeState.users.values()].find((u) => u.bot) ?? { id: '0', username: 'bot' };
    return { state: this.fakeState, botUser: bot };
  }

  private commandData(
    name: string,
    values: Readonly<Record<string, OptionValue>>,
    channelId: string,
    focused?: string,
  ): { command: Json & { id: string; name: string }; options: Json[] } {
    const [top, sub] = name.split(' ');
    const guildId = this.fakeState.channels.get(channelId)?.guildId;
    const scopes = [...(guildId ? [guildId] : []), 'global'];
    const command = scopes.flatMap((s) => this.fakeState.commands.get(s) ?? []).find((c) => c.name === top) as
      | (Json & { id: string; name: string })
      | undefined;
    if (!command) throw new Error(`fake discord: /${top} is not registered (scopes ${scopes.join(', ')})`);
    let defs = (command.options ?? []) as Json[];
    let wrap = (opts: Json[]): Json[] => opts;
    if (sub) {
      const subDef = defs.find((o) => o.name === sub && o.type === 1);
      if (!subDef) throw new Error(`fake discord: /${top} has no subcommand ${sub}`);
      defs = (subDef.options ?? []) as Json[];
      wrap = (opts) => [{ type: 1, name: sub, options: opts }];
    }
    const options = Object.entries(values).map(([key, value]) => {
      const def = defs.find((o) => o.name === key);
      if (!def) throw new Error(`fake discord: /${name} has no option ${key}`);
      return { name: key, type: def.type, value, ...(key === focused ? { focused: true } : {}) };
    });
    return { command, options: wrap(options) };
  }
}
