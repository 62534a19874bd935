/**
 * Resume after Last-Event-ID: everything the stream holds past that id, in pages, at the pace the
 * socket drains. An `event: gap` naming the oldest id still held comes first, and the replay starts
 * from the oldest entry, when entries after the id may be gone: the id is older than the oldest entry
 * held while the stream has lost entries (trimming removes from the head, so every lost entry is older
 * than the oldest held; XTRIM does not record which), an entry after it was deleted (XDEL records the
 * newest deleted id), or the id is newer than anything the stream ever held (the stream was reset).
 */
import type { Redis } from '../../core/redis.ts';
import type { SseConnection } from './connection.ts';
import { toHubEntry } from './entry.ts';
import { compareStreamIds } from './stream-ids.ts';

const PAGE = 500;

interface StreamInfo {
  readonly lastGeneratedId: string;
  readonly maxDeletedId: string;
  readonly firstId: string | null;
  /** Entries ever added minus those held: how many were trimmed or deleted. */
  readonly lost: number;
}

async function streamInfo(redis: Redis, key: string): Promise<StreamInfo | null> {
  let raw: unknown[];
  try {
    raw = (await redis.xinfo('STREAM', key)) as unknown[];
  } catch (err) {
    if (/no such key/i.test((err as Error).message)) return null;
    throw err;
  }
  const info = new Map<string, unknown>();
  for (let i = 0; i + 1 < raw.length; i += 2) info.set(String(raw[i]), raw[i + 1]);
  const first = info.get('first-entry') as [string, string[]] | null | undefined;
  return {
    lastGeneratedId: String(info.get('last-generated-id') ?? '0-0'),
    maxDeletedId: String(info.get('max-deleted-entry-id') ?? '0-0'),
    firstId: first?.[0] ?? null,
    lost: Number(info.get('entries-added') ?? 0) - Number(info.get('length') ?? 0),
  };
}

export interface GapEvent {
  readonly lastEventId: string;
  /** Oldest id the stream still holds; null when it holds nothing. */
  readonly oldest: string | null;
}

/** Decides where the replay starts and whether a gap must be announced. */
export async function planResume(
  redis: Redis,
  key: string,
  lastEventId: string,
): Promise<{ gap: GapEvent | null; after: string | null }> {
  const info = await streamInfo(redis, key);
  if (!info) return { gap: lastEventId === '0-0' ? null : { lastEventId, oldest: null }, after: null };
  const trimmed =
    (info.lost > 0 && compareStreamIds(lastEventId, info.firstId ?? info.lastGeneratedId) < 0) ||
    compareStreamIds(info.maxDeletedId, lastEventId) > 0;
  const fromAnotherStream = compareStreamIds(lastEventId, info.lastGeneratedId) > 0;
  if (trimmed || fromAnotherStream) return { gap: { lastEventId, oldest: info.firstId }, after: null };
  return { gap: null, after: lastEventId };
}

export function gapFrame(gap: GapEvent): string {
  return `event: gap\ndata: ${JSON.stringify(gap)}\n\n`;
}

/** Sends every entry after `after` (all of them when null) to the connection, in order. */
export async function replay(
  redis: Redis,
  key: string,
  after: string | null,
  conn: SseConnection,
): Promise<void> {
  if (after) conn.markDelivered(after);
  let start = after ? `(${after}` : '-';
  for (;;) {
    const page = (await redis.xrange(key, start, '+', 'COUNT', PAGE)) as [string, string[]][];
    for (const [id, fields] of page) {
      conn.sendReplayed(toHubEntry(id, fields));
      await conn.drained();
    }
    if (page.length < PAGE || conn.isClosed) return;
    start = `(${page[page.length - 1]![0]}`;
  }
}
