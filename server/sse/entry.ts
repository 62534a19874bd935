/**
 * A stream entry ready for fan-out: the SSE frame is built once per entry and the same bytes are written
 * to every client, so 2,000 listeners cost 2,000 socket writes and no per-client formatting.
 */

/** The public streams of SIGNALS.md that the API serves. */
export const HUB_STREAMS = ['signals:paper', 'signals:live', 'pnl:equity'] as const;
export type HubStream = (typeof HUB_STREAMS)[number];

export interface HubEntry {
  readonly id: string;
  readonly type: string;
  /** From the entry's JSON `data`, for the `pair=` and `mode=` filters; undefined when absent. */
  readonly pair: string | undefined;
  readonly mode: string | undefined;
  readonly frame: Buffer;
}

function field(fields: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

/** From XREAD/XRANGE's `[id, [field, value, ...]]`. */
export function toHubEntry(id: string, fields: readonly string[]): HubEntry {
  // An event name cannot span lines; anything odd is still delivered, under a safe name.
  const type = (field(fields, 'type') ?? 'message').replace(/[\r\n]/g, ' ');
  const data = field(fields, 'data') ?? '';
  let pair: string | undefined;
  let mode: string | undefined;
  try {
    const parsed = JSON.parse(data) as { pair?: unknown; mode?: unknown };
    if (typeof parsed.pair === 'string') pair = parsed.pair;
    if (typeof parsed.mode === 'string') mode = parsed.mode;
  } catch {
    // Not JSON: still relayed as written; filters simply do not match it.
  }
  let text = `id: ${id}\nevent: ${type}\n`;
  for (const line of data.split(/\r\n|\r|\n/)) text += `data: ${line}\n`;
  return { id, type, pair, mode, frame: Buffer.from(`${text}\n`) };
}
