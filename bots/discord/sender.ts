/**
 * Messages the bot sends on its own (not as an interaction reply): signal broadcasts into subscribed
 * channels, notifications by DM, edits of proposal cards. REST only, so it works in any role (the
 * broadcaster does not need a gateway connection). Limits: every request passes the global gate
 * (rest.ts); discord.js queues each route bucket from the X-RateLimit headers and waits out any 429's
 * retry_after before retrying. Failures come back as `DeliveryError` saying whether a retry can help.
 */
import { DiscordAPIError, HTTPError, type RawFile, type REST, Routes } from 'discord.js';
import type { SignalView } from '../../core/agent/ports.ts';
import type { Reply } from '../../core/agent/reply.ts';
import { DeliveryFailure } from '../../core/broadcast/ports.ts';
import { type ChartImage, signalCard } from './cards.ts';
import { type DiscordMessage, renderReplies } from './render.ts';

export interface SentMessage {
  readonly channelId: string;
  readonly messageId: string;
}

/** Discord error codes after which retrying the same delivery cannot succeed. */
const PERMANENT_CODES = new Set([
  10003, // Unknown Channel
  10008, // Unknown Message
  10013, // Unknown User
  50001, // Missing Access
  50007, // Cannot send messages to this user (DMs closed)
  50013, // Missing Permissions
  50035, // Invalid Form Body
]);

export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  constructor(
    message: string,
    /** True when retrying cannot help (channel gone, access removed, DMs closed): dead-letter it. */
    readonly permanent: boolean,
    /** Discord's JSON error code or HTTP status, for logs and metrics. */
    readonly code: number | string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function toDeliveryError(err: unknown, what: string): DeliveryError {
  if (err instanceof DeliveryError) return err;
  if (err instanceof DiscordAPIError) {
    const code = typeof err.code === 'number' ? err.code : err.status;
    const permanent =
      PERMANENT_CODES.has(Number(code)) || (err.status >= 400 && err.status < 500 && err.status !== 429);
    return new DeliveryError(`${what}: ${err.message}`, permanent, code, { cause: err });
  }
  if (err instanceof HTTPError)
    return new DeliveryError(`${what}: HTTP ${err.status}`, false, err.status, { cause: err });
  const message = err instanceof Error ? err.message : String(err);
  return new DeliveryError(`${what}: ${message}`, false, 'network', { cause: err });
}

/** Discord's answer → what whoever retries (the broadcaster, the notifier's feed) should do about it. */
export function toFailure(err: unknown, what: string): DeliveryFailure {
  const e = toDeliveryError(err, what);
  const code = Number(e.code);
  // Channel gone, access or permission removed: the chat refuses everything until an admin acts.
  if ([10003, 50001, 50013].includes(code) || code === 403 || code === 404)
    return new DeliveryFailure('permanent', e.message, { cause: err });
  return new DeliveryFailure(e.permanent ? 'rejected' : 'retry', e.message, { cause: err });
}

/** The REST body of a message: mentions never ping, files carry their alt text. */
export function restMessage(msg: DiscordMessage): { body: Record<string, unknown>; files: RawFile[] } {
  return {
    body: {
      ...(msg.content !== undefined ? { content: msg.content } : {}),
      embeds: msg.embeds,
      components: msg.components,
      allowed_mentions: { parse: [] },
      attachments: msg.files.map((f, id) => ({ id, filename: f.name, description: f.description })),
    },
    files: msg.files.map((f) => ({ name: f.name, data: f.data, contentType: 'image/png' })),
  };
}

export interface DiscordSender {
  /** `replyTo`: a message id in that channel this one answers (shown as a reply, no ping). */
  send(channelId: string, message: DiscordMessage, options?: { replyTo?: string }): Promise<SentMessage>;
  sendSignal(channelId: string, signal: SignalView, chart?: ChartImage): Promise<SentMessage>;
  sendReplies(channelId: string, replies: readonly Reply[]): Promise<SentMessage[]>;
  /** Opens (once per user) the DM channel and sends there. */
  sendDirect(discordUserId: string, message: DiscordMessage): Promise<SentMessage>;
  edit(ref: SentMessage, message: DiscordMessage): Promise<void>;
}

export function createSender(rest: REST): DiscordSender {
  const dmChannels = new Map<string, string>();
  const sender: DiscordSender = {
    async send(channelId, message, options) {
      const { body, files } = restMessage(message);
      // A reply shows what it answers; `fail_if_not_exists: false` still sends if that was deleted.
      const reference = options?.replyTo
        ? { message_reference: { message_id: options.replyTo, fail_if_not_exists: false } }
        : {};
      try {
        const res = (await rest.post(Routes.channelMessages(channelId), {
          body: { ...body, ...reference },
          files,
        })) as { id: string };
        return { channelId, messageId: res.id };
      } catch (err) {
        throw toDeliveryError(err, `send to channel ${channelId}`);
      }
    },
    sendSignal(channelId, signal, chart) {
      return sender.send(channelId, signalCard(signal, chart));
    },
    async sendReplies(channelId, replies) {
      const sent: SentMessage[] = [];
      for (const message of renderReplies(replies)) sent.push(await sender.send(channelId, message));
      return sent;
    },
    async sendDirect(discordUserId, message) {
      let channelId = dmChannels.get(discordUserId);
      if (!channelId) {
        try {
          const dm = (await rest.post(Routes.userChannels(), { body: { recipient_id: discordUserId } })) as {
            id: string;
          };
          channelId = dm.id;
        } catch (err) {
          throw toDeliveryError(err, `open DM with ${discordUserId}`);
        }
        dmChannels.set(discordUserId, channelId);
      }
      return sender.send(channelId, message);
    },
    async edit(ref, message) {
      try {
        await rest.patch(Routes.channelMessage(ref.channelId, ref.messageId), restMessage(message));
      } catch (err) {
        throw toDeliveryError(err, `edit message ${ref.messageId}`);
      }
    },
  };
  return sender;
}
