/**
 * The agent's SubscriptionsPort over core/broadcast/subscriptions.ts. A Telegram channel named from a
 * DM is checked first through the platform (ChannelAccess, supplied by the Telegram adapter): the user
 * must administer it and the bot must be an admin allowed to post; the answer says which is missing.
 */
import type { Actor, SubscriptionsPort, SubscriptionView } from '../agent/ports.ts';
import type { Db } from '../db/client.ts';
import { AppError } from '../errors.ts';
import type { BroadcastPlatform } from './ports.ts';
import { normalizePairs, type SubscriptionRecord, Subscriptions } from './subscriptions.ts';

export type ChannelCheck =
  | { readonly ok: true; readonly chatId: string; readonly title: string }
  | { readonly ok: false; readonly missing: readonly string[] };

/** Looks a channel up on its platform and says whether `platformUserId` may subscribe it. */
export interface ChannelAccess {
  check(channel: string, platformUserId: string): Promise<ChannelCheck>;
}

function view(s: SubscriptionRecord): SubscriptionView {
  return {
    chat: s.chatTitle ?? s.chatId,
    pairs: s.pairs,
    minConfidence: s.minConfidence,
    mode: s.mode,
    ...(s.pausedReason ? { pausedReason: s.pausedReason } : {}),
  };
}

function platformOf(actor: Actor): BroadcastPlatform {
  if (actor.platform === 'telegram' || actor.platform === 'discord') return actor.platform;
  throw new AppError('ERR_VALIDATION', `cannot subscribe a ${actor.platform} chat`, {
    userMessage: 'Signals are broadcast to Discord channels and Telegram chats; run /subscribe there.',
  });
}

export function subscriptionsPort(
  db: Db,
  access: { readonly telegram?: ChannelAccess } = {},
): SubscriptionsPort {
  const subs = new Subscriptions(db);

  async function target(actor: Actor, channel: string | undefined, platformUserId: string) {
    const platform = platformOf(actor);
    if (!channel) return { platform, chatId: actor.chatId, chatKind: actor.chatKind, title: undefined };
    if (platform !== 'telegram' || actor.chatKind !== 'dm')
      throw new AppError('ERR_VALIDATION', 'channel argument outside a Telegram DM', {
        userMessage:
          platform === 'discord'
            ? 'On Discord, run the command in the channel itself.'
            : 'Name a channel only in a direct message with me; here the command applies to this chat.',
      });
    if (!access.telegram) throw new AppError('ERR_NOT_AVAILABLE_YET', 'no Telegram channel access');
    const checked = await access.telegram.check(channel.trim(), platformUserId);
    if (!checked.ok)
      throw new AppError('ERR_FORBIDDEN', `channel ${channel} refused`, {
        userMessage: `I cannot subscribe ${channel}: ${checked.missing.join('; ')}.`,
      });
    return { platform, chatId: checked.chatId, chatKind: 'channel' as const, title: checked.title };
  }

  return {
    async subscribe(actor, request) {
      if (!(request.minConfidence >= 0 && request.minConfidence <= 1))
        throw new AppError('ERR_VALIDATION', 'min confidence out of range', {
          userMessage: 'The minimum confidence is between 0 and 1 (or 0% and 100%).',
        });
      const pairs = normalizePairs(request.pairs);
      const t = await target(actor, request.channel, request.platformUserId);
      const r = await subs.subscribe(
        {
          platform: t.platform,
          chatId: t.chatId,
          chatKind: t.chatKind,
          ...(t.title ? { chatTitle: t.title } : {}),
          adminPlatformUserId: request.platformUserId,
          createdById: actor.userId,
        },
        { pairs, minConfidence: request.minConfidence, mode: request.mode },
      );
      return { created: r.created, subscription: view(r.subscription) };
    },
    async unsubscribe(actor, request) {
      const t = await target(actor, request.channel, request.platformUserId);
      return { removed: await subs.unsubscribe(t.platform, t.chatId), chat: t.title ?? t.chatId };
    },
    async list(actor, platformUserId) {
      const platform = platformOf(actor);
      const here = await subs.get(platform, actor.chatId);
      const mine = actor.chatKind === 'dm' ? await subs.byAdmin(platform, platformUserId) : [];
      const all = [...(here ? [here] : []), ...mine.filter((m) => m.id !== here?.id)];
      return all.map(view);
    },
  };
}
