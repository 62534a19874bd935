/**
 * Reading a Redis stream through a consumer group, the way every broadcaster and bot process shares the
 * work: each entry goes to one consumer; it stays pending until that consumer acknowledges it; a live
 * consumer renews the entries it holds (XCLAIM to itself resets their idle time), so only entries of a
 * consumer that stopped renewing (crashed, frozen, cut off) grow idle and are taken over (XAUTOCLAIM).
 *
 *   const group = new StreamGroup(redis, { stream, group: 'broadcaster', consumer, claimIdleMs });
 *   await group.ensure();                       // creates the group at '$' (only entries from now on)
 *   const entries = await group.next(50, 1000); // claimed-from-the-dead first, then new ones
 *   ... await group.ack(ids) ...
 */
import type { Redis } from '../redis.ts';

export interface StreamEntry {
  readonly id: string;
  readonly fields: Readonly<Record<string, string>>;
}

export interface StreamGroupOptions {
  readonly stream: string;
  readonly group: string;
  readonly consumer: string;
  /** Entries idle this long (not renewed by their consumer) are claimed by the next reader. */
  readonly claimIdleMs: number;
}

type RawEntry = [id: string, fields: string[] | null];

function toEntry([id, fields]: RawEntry): StreamEntry | undefined {
  // XAUTOCLAIM answers a null body for an entry trimmed from the stream while pending.
  if (!fields) return undefined;
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) out[fields[i]!] = fields[i + 1]!;
  return { id, fields: out };
}

/** "1700000000000-3" → "001700000000000-0000000003": stream ids that sort as strings. */
export function sortableStreamId(id: string): string {
  const [ms = '0', seq = '0'] = id.split('-');
  return `${ms.padStart(15, '0')}-${seq.padStart(10, '0')}`;
}

export class StreamGroup {
  private claimCursor = '0-0';
  constructor(
    private readonly redis: Redis,
    readonly options: StreamGroupOptions,
  ) {}

  /** Creates the group (and the stream) unless it exists. A new group starts at the stream's end. */
  async ensure(startId = '$'): Promise<void> {
    try {
      await this.redis.xgroup('CREATE', this.options.stream, this.options.group, startId, 'MKSTREAM');
    } catch (err) {
      if (!(err instanceof Error) || !err.message.includes('BUSYGROUP')) throw err;
    }
  }

  /**
   * Up to `count` entries: first those a dead consumer left idle, then new ones (waiting up to `blockMs`
   * for them when nothing was claimed). A group deleted under us (Redis restarted without persistence)
   * is created again.
   */
  async next(count: number, blockMs: number): Promise<StreamEntry[]> {
    const { stream, group, consumer, claimIdleMs } = this.options;
    try {
      const [cursor, claimed] = (await this.redis.xautoclaim(
        stream,
        group,
        consumer,
        claimIdleMs,
        this.claimCursor,
        'COUNT',
        count,
      )) as [string, RawEntry[], ...unknown[]];
      this.claimCursor = cursor;
      const taken = claimed.map(toEntry).filter((e) => e !== undefined);
      if (taken.length) return taken;
      const reply = (await this.redis.xreadgroup(
        'GROUP',
        group,
        consumer,
        'COUNT',
        count,
        'BLOCK',
        blockMs,
        'STREAMS',
        stream,
        '>',
      )) as [string, RawEntry[]][] | null;
      return (reply?.[0]?.[1] ?? []).map(toEntry).filter((e) => e !== undefined);
    } catch (err) {
      if (err instanceof Error && err.message.includes('NOGROUP')) {
        await this.ensure('0');
        return [];
      }
      throw err;
    }
  }

  /** Resets the idle time of entries this consumer still works on, so nobody takes them over. */
  async renew(ids: readonly string[]): Promise<void> {
    if (!ids.length) return;
    const { stream, group, consumer } = this.options;
    await this.redis.xclaim(stream, group, consumer, 0, ...ids, 'JUSTID');
  }

  async ack(ids: readonly string[]): Promise<void> {
    if (!ids.length) return;
    await this.redis.xack(this.options.stream, this.options.group, ...ids);
  }

  /** Ids still pending in the group before `id` (exclusive), whoever holds them. */
  async pendingBefore(id: string, count = 10_000): Promise<string[]> {
    const { stream, group } = this.options;
    const rows = (await this.redis.xpending(stream, group, '-', `(${id}`, count)) as [string, ...unknown[]][];
    return rows.map((r) => r[0]);
  }
}
