/**
 * What the broadcaster reads from `signals:paper` and `signals:live` (SIGNALS.md): `type` signal or
 * lifecycle, `data` the whole signal. Only the fields a card shows are required here, and unknown
 * fields pass through, so the engine may add fields freely.
 *
 * TODO(signals): parse with core/signals `signalEntrySchema` once it lands on main (one schema).
 */
import { z } from 'zod';

const exit = z.looseObject({
  price: z.number(),
  time: z.string(),
  reason: z.string(),
  r: z.number(),
  pnl: z.number(),
  pnlPct: z.number(),
});

export const broadcastSignalSchema = z.looseObject({
  id: z.string().min(1),
  exchange: z.string(),
  pair: z.string(),
  timeframe: z.string(),
  mode: z.enum(['paper', 'live']),
  side: z.enum(['long', 'short']),
  entry: z.number(),
  stopLoss: z.number(),
  takeProfit1: z.number().optional(),
  takeProfit: z.number(),
  confidence: z.number().min(0).max(1),
  reason: z.string(),
  candleTime: z.number(),
  time: z.string(),
  status: z.enum(['open', 'target', 'stop', 'expired', 'cancelled']),
  exit: exit.nullable(),
  late: z.boolean().optional(),
});

export type BroadcastSignal = z.infer<typeof broadcastSignalSchema>;
export type SignalStatus = BroadcastSignal['status'];

export type SignalStreamEntry =
  | { readonly type: 'signal'; readonly signal: BroadcastSignal }
  | { readonly type: 'lifecycle'; readonly signal: BroadcastSignal };

/** A stream entry's fields → the entry, or a reason it cannot be broadcast. */
export function parseSignalEntry(
  fields: Readonly<Record<string, string>>,
): { ok: true; entry: SignalStreamEntry } | { ok: false; reason: string } {
  const type = fields.type;
  if (type !== 'signal' && type !== 'lifecycle') return { ok: false, reason: `unknown entry type ${type}` };
  let json: unknown;
  try {
    json = JSON.parse(fields.data ?? '');
  } catch {
    return { ok: false, reason: 'data is not JSON' };
  }
  const parsed = broadcastSignalSchema.safeParse(json);
  if (!parsed.success)
    return { ok: false, reason: `data is not a signal: ${parsed.error.issues[0]?.message}` };
  return { ok: true, entry: { type, signal: parsed.data } };
}
