/**
 * Telegram's message limits as the fake Bot API enforces them, written independently of the bot's own
 * scheduler: a message is refused with 429 and `retry_after` when accepting it would put more than `max`
 * messages into any `ms` window for its chat, its group, or the bot as a whole.
 */

export interface LimitSpec {
  readonly max: number;
  readonly ms: number;
}

export interface FakeLimits {
  readonly perChat: LimitSpec;
  readonly perGroup: LimitSpec;
  readonly global: LimitSpec;
}

/** core.telegram.org/bots/faq: ~1 message/s in a chat, 20/min in a group, ~30/s in bulk. */
export const TELEGRAM_LIMITS: FakeLimits = {
  perChat: { max: 1, ms: 1_000 },
  perGroup: { max: 20, ms: 60_000 },
  global: { max: 30, ms: 1_000 },
};

export interface Attempt {
  readonly chatId: string;
  readonly at: number;
}

const isGroup = (chatId: string) => chatId.startsWith('-') || chatId.startsWith('@');

/** Ms until a message to `chatId` may be accepted given what was accepted before `at` (0: now). */
export function waitFor(
  accepted: readonly Attempt[],
  chatId: string,
  at: number,
  limits: FakeLimits,
): number {
  const rules: [LimitSpec, (a: Attempt) => boolean][] = [
    [limits.global, () => true],
    [limits.perChat, (a) => a.chatId === chatId],
  ];
  if (isGroup(chatId)) rules.push([limits.perGroup, (a) => a.chatId === chatId]);
  let wait = 0;
  for (const [spec, applies] of rules) {
    const recent = accepted.filter((a) => applies(a) && a.at > at - spec.ms);
    if (recent.length >= spec.max) {
      // The oldest messages must leave the window until one more fits.
      const oldest = recent[recent.length - spec.max]!;
      wait = Math.max(wait, oldest.at + spec.ms - at);
    }
  }
  return wait;
}

export interface Violation {
  readonly rule: keyof FakeLimits;
  readonly chatId: string;
  readonly count: number;
  readonly withinMs: number;
}

/** Every window in which `log` has more messages than allowed (empty when the limits held). */
export function violations(log: readonly Attempt[], limits: FakeLimits): Violation[] {
  const out: Violation[] = [];
  const sorted = [...log].sort((a, b) => a.at - b.at);
  const check = (rule: keyof FakeLimits, entries: readonly Attempt[], chatId: string) => {
    const { max, ms } = limits[rule];
    for (let i = max; i < entries.length; i++) {
      const span = entries[i]!.at - entries[i - max]!.at;
      if (span < ms) out.push({ rule, chatId, count: max + 1, withinMs: span });
    }
  };
  check('global', sorted, '*');
  const byChat = Map.groupBy(sorted, (a) => a.chatId);
  for (const [chatId, entries] of byChat) {
    check('perChat', entries, chatId);
    if (isGroup(chatId)) check('perGroup', entries, chatId);
  }
  return out;
}
