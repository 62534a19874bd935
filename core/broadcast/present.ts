/**
 * The words and numbers of signal cards and lifecycle replies, decided once for every platform; the
 * adapters only lay them out (Discord embed fields, Telegram caption lines).
 */
import { readable, signed } from '../format/numbers.ts';
import type { BroadcastSignal } from './signal-entry.ts';

/** Reward to risk at the final target: |target − entry| / |entry − stop|. */
export function riskReward(s: Pick<BroadcastSignal, 'entry' | 'stopLoss' | 'takeProfit'>): number {
  const risk = Math.abs(s.entry - s.stopLoss);
  return risk === 0 ? 0 : Math.abs(s.takeProfit - s.entry) / risk;
}

/** A price as cards show it (core/format/numbers.ts). */
export const price = (n: number): string => readable(n);

export const OUTCOME_TITLE = {
  target: '🎯 Target hit',
  stop: '🛑 Stopped out',
  expired: '⌛ Expired',
  cancelled: '✖ Cancelled',
} as const;

export type ClosedStatus = keyof typeof OUTCOME_TITLE;

export function isClosedStatus(status: string): status is ClosedStatus {
  return status in OUTCOME_TITLE;
}

export interface CardFacts {
  readonly title: string;
  readonly rows: readonly (readonly [label: string, value: string])[];
  readonly reason: string;
  /** "PAPER" on paper signals: nobody mistakes a track record for live trading. */
  readonly badge: 'PAPER' | 'LIVE';
  readonly footer: string;
}

export function cardFacts(s: BroadcastSignal): CardFacts {
  return {
    title: `${s.side === 'long' ? '🟢 LONG' : '🔴 SHORT'} ${s.pair}`,
    rows: [
      ['Entry', price(s.entry)],
      ['Stop', price(s.stopLoss)],
      ['Target', price(s.takeProfit)],
      ['Risk/reward', `1 : ${riskReward(s).toFixed(2)}`],
      ['Confidence', `${Math.round(s.confidence * 100)}%`],
    ],
    reason: s.reason,
    badge: s.mode === 'paper' ? 'PAPER' : 'LIVE',
    footer: `${s.exchange} · ${s.timeframe} · ${s.time.replace('T', ' ').slice(0, 16)} UTC · not financial advice`,
  };
}

export interface OutcomeFacts {
  readonly title: string;
  /** "+1.52R (+0.83%)" */
  readonly result: string;
  readonly detail: string;
}

export function outcomeFacts(s: BroadcastSignal): OutcomeFacts {
  const status = isClosedStatus(s.status) ? s.status : 'cancelled';
  const exit = s.exit;
  return {
    title: `${OUTCOME_TITLE[status]} · ${s.side.toUpperCase()} ${s.pair}${s.mode === 'paper' ? ' · PAPER' : ''}`,
    result: exit ? `${signed(exit.r, 2)}R (${signed(exit.pnlPct, 2)}%)` : 'no result',
    detail: exit ? `Exit ${price(exit.price)} (entry ${price(s.entry)})` : `Entry ${price(s.entry)}`,
  };
}
