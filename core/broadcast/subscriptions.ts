/**
 * Chat subscriptions: which chats receive which signals. A chat has at most one subscription (platform +
 * chat id); subscribing again replaces its filters and lifts a pause. Who may subscribe is decided
 * before (admins only, core/agent/commands); a Telegram channel, where nobody types commands, is
 * subscribed from a DM after the platform confirmed the user administers it and the bot may post.
 */
import type { Subscription } from '../../generated/prisma/client.ts';
import type { Db } from '../db/client.ts';
import { AppError } from '../errors.ts';
import type { BroadcastPlatform } from './ports.ts';

export type SignalMode = 'paper' | 'live';

export interface SubscriptionFilters {
  /** Upper-case pairs ("BTC/USD") or bases ("BTC", any quote); empty: every pair. */
  readonly pairs: readonly string[];
  readonly minConfidence: number;
  readonly mode: SignalMode;
}

export interface SubscriptionTarget {
  readonly platform: BroadcastPlatform;
  readonly chatId: string;
  readonly chatKind: 'dm' | 'group' | 'channel';
  readonly chatTitle?: string;
  /** Told in a DM when the chat starts refusing messages. */
  readonly adminPlatformUserId?: string;
  readonly createdById?: string;
}

export interface SubscriptionRecord extends SubscriptionFilters {
  readonly id: string;
  readonly platform: BroadcastPlatform;
  readonly chatId: string;
  readonly chatKind: string;
  readonly chatTitle: string | null;
  readonly adminPlatformUserId: string | null;
  readonly pausedReason: string | null;
}

const PAIR = /^[A-Z0-9]{2,10}(\/[A-Z0-9]{2,10})?$/;

/** "btc-usd" → "BTC/USD", "eth" → "ETH" (any quote); anything else is refused, naming it. */
export function normalizePairs(input: readonly string[]): string[] {
  const out = new Set<string>();
  for (const raw of input) {
    const p = raw.trim().toUpperCase().replace(/[-_:]/, '/');
    if (!p) continue;
    if (!PAIR.test(p))
      throw new AppError('ERR_VALIDATION', `bad pair ${raw}`, {
        userMessage: `“${raw.slice(0, 20)}” is not a pair. Write pairs like BTC/USD or just BTC, comma-separated.`,
      });
    out.add(p);
  }
  return [...out].sort();
}

export function matchesPair(filters: readonly string[], pair: string): boolean {
  if (!filters.length) return true;
  const upper = pair.toUpperCase();
  return filters.some((f) => f === upper || (!f.includes('/') && upper.startsWith(`${f}/`)));
}

export function toRecord(s: Subscription): SubscriptionRecord {
  return {
    id: s.id,
    platform: s.platform.toLowerCase() as BroadcastPlatform,
    chatId: s.chatId,
    chatKind: s.chatKind,
    chatTitle: s.chatTitle,
    adminPlatformUserId: s.adminPlatformUserId,
    pairs: s.pairs,
    minConfidence: s.minConfidence,
    mode: s.mode === 'LIVE' ? 'live' : 'paper',
    pausedReason: s.pausedAt ? (s.pausedReason ?? 'paused') : null,
  };
}

const dbPlatform = (p: BroadcastPlatform): 'TELEGRAM' | 'DISCORD' =>
  p === 'telegram' ? 'TELEGRAM' : 'DISCORD';
const dbMode = (m: SignalMode): 'LIVE' | 'PAPER' => (m === 'live' ? 'LIVE' : 'PAPER');

export class Subscriptions {
  constructor(private readonly db: Db) {}

  async subscribe(
    target: SubscriptionTarget,
    filters: SubscriptionFilters,
  ): Promise<{ created: boolean; subscription: SubscriptionRecord }> {
    const where = { platform_chatId: { platform: dbPlatform(target.platform), chatId: target.chatId } };
    const fields = {
      pairs: [...filters.pairs],
      minConfidence: filters.minConfidence,
      mode: dbMode(filters.mode),
      chatKind: target.chatKind,
      chatTitle: target.chatTitle ?? null,
      adminPlatformUserId: target.adminPlatformUserId ?? null,
      pausedAt: null,
      pausedReason: null,
    };
    const existed = await this.db.subscription.findUnique({ where, select: { id: true } });
    const row = await this.db.subscription.upsert({
      where,
      create: {
        platform: dbPlatform(target.platform),
        chatId: target.chatId,
        ...(target.createdById ? { createdById: target.createdById } : {}),
        ...fields,
      },
      update: fields,
    });
    return { created: !existed, subscription: toRecord(row) };
  }

  async unsubscribe(platform: BroadcastPlatform, chatId: string): Promise<boolean> {
    const { count } = await this.db.subscription.deleteMany({
      where: { platform: dbPlatform(platform), chatId },
    });
    return count > 0;
  }

  async get(platform: BroadcastPlatform, chatId: string): Promise<SubscriptionRecord | undefined> {
    const row = await this.db.subscription.findUnique({
      where: { platform_chatId: { platform: dbPlatform(platform), chatId } },
    });
    return row ? toRecord(row) : undefined;
  }

  /** Subscriptions an admin made from anywhere on `platform` (a DM lists the channels they subscribed). */
  async byAdmin(platform: BroadcastPlatform, platformUserId: string): Promise<SubscriptionRecord[]> {
    const rows = await this.db.subscription.findMany({
      where: { platform: dbPlatform(platform), adminPlatformUserId: platformUserId },
      orderBy: { createdAt: 'asc' },
    });
    return rows.map(toRecord);
  }

  /** Active (not paused) subscriptions of `mode` whose filters let this signal through. */
  async matching(
    platforms: readonly BroadcastPlatform[],
    signal: { readonly mode: SignalMode; readonly pair: string; readonly confidence: number },
  ): Promise<SubscriptionRecord[]> {
    const rows = await this.db.subscription.findMany({
      where: {
        platform: { in: platforms.map(dbPlatform) },
        mode: dbMode(signal.mode),
        pausedAt: null,
        minConfidence: { lte: signal.confidence },
      },
    });
    return rows.map(toRecord).filter((s) => matchesPair(s.pairs, signal.pair));
  }

  async pause(id: string, reason: string): Promise<void> {
    await this.db.subscription.updateMany({
      where: { id, pausedAt: null },
      data: { pausedAt: new Date(), pausedReason: reason.slice(0, 500) },
    });
  }

  async pausedCount(): Promise<number> {
    return this.db.subscription.count({ where: { pausedAt: { not: null } } });
  }
}
