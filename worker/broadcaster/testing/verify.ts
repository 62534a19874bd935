/**
 * What each chat should have received, and what the fakes say it did receive, as comparable lists:
 * `card KEY` for a signal card, `KEY → status` for a lifecycle reply (KEY read from the card it answers).
 * KEY is "PAIR TIME": what a reader sees on the card.
 */
import { OUTCOME_TITLE } from '../../../core/broadcast/present.ts';
import type { BroadcastSignal } from '../../../core/broadcast/signal-entry.ts';
import { matchesPair } from '../../../core/broadcast/subscriptions.ts';
import type { FakeDiscord } from '../../../test/fakes/discord/server.ts';
import type { FakeBotApi } from '../../../test/fakes/telegram/server.ts';

export const keyOf = (s: Pick<BroadcastSignal, 'pair' | 'time'>) =>
  `${s.pair} ${s.time.replace('T', ' ').slice(0, 16)}`;

export interface Appended {
  readonly type: 'signal' | 'lifecycle';
  readonly signal: BroadcastSignal;
}

export interface SubFilter {
  readonly pairs: readonly string[];
  readonly minConfidence: number;
}

/** The messages a chat with `filter` must receive, in order. */
export function expectedFor(appended: readonly Appended[], filter: SubFilter): string[] {
  const carded = new Set<string>();
  const out: string[] = [];
  for (const { type, signal } of appended) {
    if (signal.late) continue;
    if (type === 'signal') {
      if (
        !matchesPair(
          filter.pairs.map((p) => p.toUpperCase()),
          signal.pair,
        )
      )
        continue;
      if (signal.confidence < filter.minConfidence) continue;
      carded.add(signal.id);
      out.push(`card ${keyOf(signal)}`);
    } else if (carded.has(signal.id)) out.push(`${keyOf(signal)} → ${signal.status}`);
  }
  return out;
}

const statusOfTitle = (title: string) =>
  (Object.entries(OUTCOME_TITLE).find(([, t]) => title.includes(t))?.[0] ?? '?') as string;

function cardKey(text: string): string {
  const pair = /(?:LONG|SHORT) (\S+)/.exec(text)?.[1] ?? '?';
  const time = /(\d{4}-\d\d-\d\d \d\d:\d\d) UTC/.exec(text)?.[1] ?? '?';
  return `${pair} ${time}`;
}

export interface Observed {
  readonly sequence: string[];
  /** Cards without their picture. */
  readonly withoutImage: number;
  /** Lifecycle replies whose reference is missing or not a card of this chat. */
  readonly badReplies: number;
}

export function observedTelegram(fake: FakeBotApi, chatId: string): Observed {
  const messages = fake.messagesIn(chatId);
  const byId = new Map(messages.map((m) => [m.messageId, m]));
  let withoutImage = 0;
  let badReplies = 0;
  const sequence = messages.map((m) => {
    // A lifecycle message without a reply: its card was dead-lettered (no message to answer).
    if (m.replyTo === undefined && statusOfTitle(m.text) !== '?') return `? → ${statusOfTitle(m.text)}`;
    if (m.replyTo === undefined) {
      if (m.method !== 'sendPhoto' || !m.photo?.bytes) withoutImage++;
      return `card ${cardKey(m.text)}`;
    }
    const card = byId.get(m.replyTo);
    if (!card || card.replyTo !== undefined) badReplies++;
    return `${card ? cardKey(card.text) : '?'} → ${statusOfTitle(m.text)}`;
  });
  return { sequence, withoutImage, badReplies };
}

export function observedDiscord(fake: FakeDiscord, channelId: string): Observed {
  const messages = fake.state.channelMessages(channelId);
  const byId = new Map(messages.map((m) => [m.id, m]));
  let withoutImage = 0;
  let badReplies = 0;
  const text = (m: (typeof messages)[number]) => {
    const e = (m.body.embeds as { title?: string; footer?: { text?: string } }[] | undefined)?.[0];
    return `${e?.title ?? ''}\n${e?.footer?.text ?? ''}`;
  };
  const sequence = messages.map((m) => {
    const ref = (m.body.message_reference as { message_id?: string } | undefined)?.message_id;
    if (!ref && statusOfTitle(text(m)) !== '?') return `? → ${statusOfTitle(text(m))}`;
    if (!ref) {
      const image = (m.body.embeds as { image?: { url?: string } }[] | undefined)?.[0]?.image?.url;
      if (!m.files.length || !image?.startsWith('attachment://')) withoutImage++;
      return `card ${cardKey(text(m))}`;
    }
    const card = byId.get(ref);
    if (!card || card.body.message_reference) badReplies++;
    return `${card ? cardKey(text(card)) : '?'} → ${statusOfTitle(text(m))}`;
  });
  return { sequence, withoutImage, badReplies };
}

export interface SubUnderTest {
  readonly id: string;
  readonly platform: 'telegram' | 'discord';
  readonly chatId: string;
  readonly filter: SubFilter;
}

/**
 * Subscribes Telegram chats (with their kinds) and Discord channels to every signal, as the fault tests
 * stage them, returning what exactlyOnceProblems checks against.
 */
export async function subscribeToEverything(
  stage: {
    subscribe(target: {
      platform: 'telegram' | 'discord';
      chatId: string;
      chatKind: 'dm' | 'group' | 'channel';
    }): Promise<string>;
  },
  chats: {
    readonly telegram: readonly (readonly [string, 'dm' | 'group' | 'channel'])[];
    readonly discord: readonly string[];
  },
): Promise<SubUnderTest[]> {
  const all = { pairs: [], minConfidence: 0 };
  const subs: SubUnderTest[] = [];
  for (const [chatId, chatKind] of chats.telegram)
    subs.push({
      id: await stage.subscribe({ platform: 'telegram', chatId, chatKind }),
      platform: 'telegram',
      chatId,
      filter: all,
    });
  for (const chatId of chats.discord)
    subs.push({
      id: await stage.subscribe({ platform: 'discord', chatId, chatKind: 'group' }),
      platform: 'discord',
      chatId,
      filter: all,
    });
  return subs;
}

/** `card KEY` / `KEY → status` of a ledger row, as expectedFor writes them. */
const itemOf = (
  signalsById: ReadonlyMap<string, Appended['signal']>,
  row: { signalId: string; event: string },
) => {
  const s = signalsById.get(row.signalId);
  const key = s ? keyOf(s) : row.signalId;
  return row.event === 'signal' ? `card ${key}` : `${key} → ${row.event}`;
};

/**
 * After faults: every (signal, subscription) that should exist does, and is delivered exactly once
 * or dead-lettered with a reason; nothing arrived twice; each chat's messages are in stream order.
 * Rows dead-lettered as "outcome unknown" (a kill while the request was out, on a platform without
 * idempotency) may or may not have arrived — at most once. Returns what is wrong (empty: all good).
 */
export async function exactlyOnceProblems(
  stage: {
    readonly ctx: { readonly db: import('../../../core/db/client.ts').Db };
    readonly telegram: FakeBotApi;
    readonly discord: FakeDiscord;
  },
  subs: readonly SubUnderTest[],
  appended: readonly Appended[],
  deadLetters: readonly { deliveryId: string; reason: string }[],
): Promise<string[]> {
  const problems: string[] = [];
  const byId = new Map(appended.map((a) => [a.signal.id, a.signal]));
  const lettered = new Map(deadLetters.map((d) => [d.deliveryId, d.reason]));
  for (const sub of subs) {
    const where = `${sub.platform}:${sub.chatId}`;
    const expected = expectedFor(appended, sub.filter);
    const rows = await stage.ctx.db.signalDelivery.findMany({
      where: { subscriptionId: sub.id },
      orderBy: { streamKey: 'asc' },
    });
    const planned = rows.map((r) => itemOf(byId, r));
    // Nothing lost, nothing invented: one row per expected message (the order of planning is the stream's).
    if (JSON.stringify([...planned].sort()) !== JSON.stringify([...expected].sort()))
      problems.push(`${where}: planned ${planned.length} rows, expected ${expected.length}`);
    let uncertain = 0;
    for (const r of rows) {
      if (r.status === 'DELIVERED') continue;
      if (r.status !== 'DEAD') problems.push(`${where}: ${itemOf(byId, r)} is ${r.status}, not settled`);
      else if (!r.lastError || !lettered.has(r.id))
        problems.push(`${where}: ${itemOf(byId, r)} dead without a dead letter and reason`);
      else if (/outcome unknown/.test(r.lastError)) uncertain++;
    }
    const delivered = rows.filter((r) => r.status === 'DELIVERED').length;
    const observed =
      sub.platform === 'telegram'
        ? observedTelegram(stage.telegram, sub.chatId)
        : observedDiscord(stage.discord, sub.chatId);
    const seq = observed.sequence;
    if (seq.length < delivered || seq.length > delivered + uncertain)
      problems.push(
        `${where}: ${seq.length} messages arrived for ${delivered} delivered (+${uncertain} uncertain)`,
      );
    const known = seq.filter((x) => !x.startsWith('? '));
    if (new Set(known).size !== known.length)
      problems.push(`${where}: a message arrived twice: ${known.join(' | ')}`);
    // In stream order: what arrived is a subsequence of what was expected.
    let at = 0;
    for (const x of known) {
      const found = expected.indexOf(x, at);
      if (found < 0) {
        problems.push(`${where}: "${x}" arrived out of order or unexpected`);
        break;
      }
      at = found + 1;
    }
    if (observed.withoutImage) {
      const odd =
        sub.platform === 'telegram'
          ? stage.telegram
              .messagesIn(sub.chatId)
              .filter((m) => m.replyTo === undefined && (m.method !== 'sendPhoto' || !m.photo?.bytes))
              .map((m) => `${m.method}: ${JSON.stringify(m.text.slice(0, 120))}`)
          : [];
      problems.push(`${where}: ${observed.withoutImage} cards without their image ${odd.join('; ')}`);
    }
  }
  return problems;
}
