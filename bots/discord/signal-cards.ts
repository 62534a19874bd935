/**
 * Signal cards and lifecycle replies for Discord, for the broadcaster (core/broadcast): an embed with
 * the chart PNG attached, and the outcome as a reply (message reference) to that card. REST only, so
 * any process can broadcast; requests pass the bot's global gate and discord.js' per-route buckets
 * (429s waited out). Each message carries a nonce derived from its delivery with `enforce_nonce`, so
 * sending it again after a crash cannot post it twice.
 */
import { createHash } from 'node:crypto';
import { type APIEmbed, type REST, Routes } from 'discord.js';
import type { CardChart, SignalChannel } from '../../core/broadcast/ports.ts';
import { cardFacts, outcomeFacts } from '../../core/broadcast/present.ts';
import type { BroadcastSignal } from '../../core/broadcast/signal-entry.ts';
import { ConfigError } from '../../core/config.ts';
import type { AppContext } from '../../core/context.ts';
import { sharedGate } from './bot.ts';
import { escapeDiscord } from './markdown.ts';
import { COLORS, type DiscordMessage, safeFilename } from './render.ts';
import { createRest } from './rest.ts';
import { createSender, restMessage, toFailure } from './sender.ts';

/** Discord nonces are at most 25 characters. */
export function nonceOf(key: string): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 25);
}

export function signalCardMessage(signal: BroadcastSignal, chart: CardChart | undefined): DiscordMessage {
  const f = cardFacts(signal);
  const file = chart
    ? {
        name: safeFilename(`signal-${signal.pair}-${signal.candleTime}`),
        data: chart.png,
        description: chart.alt.slice(0, 1024),
      }
    : undefined;
  const embed: APIEmbed = {
    author: { name: f.badge === 'PAPER' ? '📝 PAPER signal' : '⚡ LIVE signal' },
    title: f.title,
    description: escapeDiscord(f.reason),
    color: signal.side === 'long' ? COLORS.up : COLORS.down,
    fields: f.rows.map(([name, value]) => ({ name, value, inline: true })),
    footer: { text: f.footer },
    timestamp: signal.time,
    ...(file ? { image: { url: `attachment://${file.name}` } } : {}),
  };
  return { embeds: [embed], files: file ? [file] : [], components: [] };
}

export function outcomeMessage(signal: BroadcastSignal): DiscordMessage {
  const f = outcomeFacts(signal);
  const win = (signal.exit?.r ?? 0) > 0;
  return {
    embeds: [
      {
        title: f.title,
        description: `**${f.result}**\n${f.detail}`,
        color:
          signal.status === 'expired' || signal.status === 'cancelled'
            ? COLORS.muted
            : win
              ? COLORS.up
              : COLORS.down,
      },
    ],
    files: [],
    components: [],
  };
}

export function discordSignalChannel(rest: REST): SignalChannel {
  const sender = createSender(rest);
  async function post(
    channelId: string,
    message: DiscordMessage,
    hooks: { key: string; onDispatch(): Promise<void> },
    replyTo?: string,
  ): Promise<{ messageId: string }> {
    const { body, files } = restMessage(message);
    await hooks.onDispatch();
    try {
      const res = (await rest.post(Routes.channelMessages(channelId), {
        body: {
          ...body,
          nonce: nonceOf(hooks.key),
          enforce_nonce: true,
          ...(replyTo ? { message_reference: { message_id: replyTo, fail_if_not_exists: false } } : {}),
        },
        files,
      })) as { id: string };
      return { messageId: res.id };
    } catch (err) {
      throw toFailure(err, `send to channel ${channelId}`);
    }
  }
  return {
    platform: 'discord',
    idempotent: true,
    sendCard: (channelId, signal, chart, hooks) => post(channelId, signalCardMessage(signal, chart), hooks),
    sendLifecycle: (channelId, signal, replyTo, hooks) =>
      post(channelId, outcomeMessage(signal), hooks, replyTo),
    async tellAdmin(userId, text) {
      await sender.sendDirect(userId, { content: text, embeds: [], files: [], components: [] });
    },
  };
}

/** The channel for a process without the gateway: REST on the bot's token, sharing its global gate. */
export function discordSignalChannelFor(
  ctx: Pick<AppContext, 'config' | 'redis' | 'keys' | 'logger'>,
): SignalChannel {
  const { DISCORD_TOKEN: token, DISCORD_APP_ID: appId, DISCORD_API_BASE: apiBase } = ctx.config;
  if (!token || !appId)
    throw new ConfigError([
      {
        variable: token ? 'DISCORD_APP_ID' : 'DISCORD_TOKEN',
        message: 'is required to broadcast to Discord',
      },
    ]);
  return discordSignalChannel(
    createRest({ token, gate: sharedGate(ctx, appId), ...(apiBase ? { apiBase } : {}) }),
  );
}
