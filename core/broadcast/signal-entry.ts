/**
 * What the broadcaster reads from `signals:paper` and `signals:live`: the entries of SIGNALS.md, parsed
 * with the signal engine's own schema (core/signals/types.ts), so there is one definition of a signal.
 */
import { type Signal, type SignalStatus, signalEntrySchema } from '../signals/types.ts';

export type BroadcastSignal = Signal;
export type { SignalStatus };

export type SignalStreamEntry =
  | { readonly type: 'signal'; readonly signal: BroadcastSignal }
  | { readonly type: 'lifecycle'; readonly signal: BroadcastSignal };

/** A stream entry's fields → the entry, or a reason it cannot be broadcast. */
export function parseSignalEntry(
  fields: Readonly<Record<string, string>>,
): { ok: true; entry: SignalStreamEntry } | { ok: false; reason: string } {
  let data: unknown;
  try {
    data = JSON.parse(fields.data ?? '');
  } catch {
    return { ok: false, reason: 'data is not JSON' };
  }
  const parsed = signalEntrySchema.safeParse({ type: fields.type, data });
  if (!parsed.success)
    return { ok: false, reason: `not a signal entry: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
  return { ok: true, entry: { type: parsed.data.type, signal: parsed.data.data } };
}
