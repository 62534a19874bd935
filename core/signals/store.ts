/**
 * Signals, equity points and the track record in Postgres: what the API (/v1/signals, /v1/pnl,
 * /v1/performance), the chat card and the dashboard read, and what the engine (and test fixtures)
 * write. Stable names, relied on by other roles:
 *
 *   listSignals(db, filter)        newest first by (time, id), keyset cursor; { items, nextCursor }
 *   getSignal(db, id, mode?)       one signal or null (paper preferred when mode is omitted)
 *   listEquity(db, query)          { mode, points } oldest first, evenly downsampled to `points`
 *   performance(db, query)         { mode, overall, byPair, bySide } (stats.ts)
 *   insertSignal / closeSignal / insertEquityPoint (tx, …)
 *                                  write a row AND its outbox entry in the caller's transaction;
 *                                  streams.ts relayOutbox() then appends it to Redis exactly once.
 *   writeBatch(tx, writes)         the same for many changes in a handful of statements (the engine)
 *
 * Times: `since` inclusive, `until` inclusive, both on the signal's time (its candle's close) or the
 * equity point's time; epoch ms or Date.
 */
import type { EquityPoint as EquityRow, Signal as SignalRow } from '../../generated/prisma/client.ts';
import type { Db, Prisma } from '../db/client.ts';
import { AppError } from '../errors.ts';
import { type ClosedTrade, computeStats } from './stats.ts';
import type { EquityData, Signal, SignalId, SignalMode, SignalSide, SignalStatus, Stats } from './types.ts';

/** A client or an interactive transaction: every writer runs inside the caller's transaction. */
export type DbTx = Db | Prisma.TransactionClient;

export const MAX_PAGE = 500;
export const DEFAULT_PAGE = 50;
export const DEFAULT_EQUITY_POINTS = 500;
export const START_EQUITY = 10_000;

type TimeArg = number | Date;
const toDate = (t: TimeArg): Date => (t instanceof Date ? t : new Date(t));

export function toSignal(row: SignalRow): Signal {
  const closed = row.status !== 'open' && row.exitPrice !== null && row.exitTime !== null;
  return {
    id: row.id as SignalId,
    strategy: row.strategy,
    exchange: row.exchange,
    pair: row.pair,
    timeframe: row.timeframe,
    mode: row.mode,
    side: row.side,
    entry: row.entry,
    stopLoss: row.stopLoss,
    takeProfit1: row.takeProfit1,
    takeProfit: row.takeProfit,
    confidence: row.confidence,
    reason: row.reason,
    candleTime: row.candleTime.getTime(),
    time: row.time.toISOString(),
    status: row.status,
    exit: closed
      ? {
          price: row.exitPrice!,
          time: row.exitTime!.toISOString(),
          reason: row.status as Exclude<SignalStatus, 'open'>,
          r: row.exitR ?? 0,
          pnl: row.exitPnl ?? 0,
          pnlPct: row.exitPnlPct ?? 0,
        }
      : null,
    ...(row.late ? { late: true } : {}),
  };
}

// ---------------------------------------------------------------- reading

export interface SignalFilter {
  readonly mode: SignalMode;
  readonly pair?: string;
  readonly side?: SignalSide;
  readonly status?: SignalStatus;
  readonly since?: TimeArg;
  readonly until?: TimeArg;
  /** 1–500, default 50. */
  readonly limit?: number;
  /** `nextCursor` of the previous page. */
  readonly cursor?: string | null;
}

export interface SignalPage {
  readonly items: Signal[];
  readonly nextCursor: string | null;
}

export function encodeCursor(row: { time: Date; id: string }): string {
  return Buffer.from(`${row.time.getTime()}|${row.id}`).toString('base64url');
}

/** Throws ERR_VALIDATION naming `cursor` for anything not produced by encodeCursor. */
export function decodeCursor(cursor: string): { time: Date; id: string } {
  const raw = Buffer.from(cursor, 'base64url').toString();
  const m = /^(\d{1,15})\|(.{1,200})$/.exec(raw);
  if (!m) throw new AppError('ERR_VALIDATION', 'cursor: not a cursor this API returned');
  return { time: new Date(Number(m[1])), id: m[2]! };
}

function timeRange(since?: TimeArg, until?: TimeArg): Prisma.DateTimeFilter | undefined {
  if (since === undefined && until === undefined) return undefined;
  return {
    ...(since === undefined ? {} : { gte: toDate(since) }),
    ...(until === undefined ? {} : { lte: toDate(until) }),
  };
}

export async function listSignals(db: DbTx, filter: SignalFilter): Promise<SignalPage> {
  const limit = Math.max(1, Math.min(MAX_PAGE, Math.trunc(filter.limit ?? DEFAULT_PAGE)));
  const after = filter.cursor ? decodeCursor(filter.cursor) : undefined;
  const rows = await db.signal.findMany({
    where: {
      mode: filter.mode,
      ...(filter.pair ? { pair: filter.pair } : {}),
      ...(filter.side ? { side: filter.side } : {}),
      ...(filter.status ? { status: filter.status } : {}),
      ...(timeRange(filter.since, filter.until) ? { time: timeRange(filter.since, filter.until) } : {}),
      ...(after ? { OR: [{ time: { lt: after.time } }, { time: after.time, id: { lt: after.id } }] } : {}),
    },
    orderBy: [{ time: 'desc' }, { id: 'desc' }],
    take: limit + 1,
  });
  const page = rows.slice(0, limit);
  return {
    items: page.map(toSignal),
    nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!) : null,
  };
}

export async function getSignal(db: DbTx, id: string, mode?: SignalMode): Promise<Signal | null> {
  const rows = await db.signal.findMany({ where: { id, ...(mode ? { mode } : {}) } });
  const row = rows.find((r) => r.mode === 'paper') ?? rows[0];
  return row ? toSignal(row) : null;
}

export interface EquityQuery {
  readonly mode: SignalMode;
  readonly since?: TimeArg;
  readonly until?: TimeArg;
  /** At most this many points, evenly downsampled (first and last kept); default 500. */
  readonly points?: number;
}

const toEquity = (row: EquityRow): EquityData => ({
  time: row.time.toISOString(),
  equity: row.equity,
  pnl: row.pnl,
  drawdownPct: row.drawdownPct,
  open: row.open,
  mode: row.mode,
});

/** Evenly spaced picks of `items` (by index), first and last included. */
export function downsample<T>(items: readonly T[], points: number): T[] {
  const n = Math.max(1, Math.trunc(points));
  if (items.length <= n) return [...items];
  if (n === 1) return [items[items.length - 1]!];
  return Array.from({ length: n }, (_, i) => items[Math.round((i * (items.length - 1)) / (n - 1))]!);
}

export async function listEquity(
  db: DbTx,
  query: EquityQuery,
): Promise<{ mode: SignalMode; points: EquityData[] }> {
  const rows = await db.equityPoint.findMany({
    where: {
      mode: query.mode,
      ...(timeRange(query.since, query.until) ? { time: timeRange(query.since, query.until) } : {}),
    },
    orderBy: [{ time: 'asc' }, { key: 'asc' }],
  });
  return { mode: query.mode, points: downsample(rows, query.points ?? DEFAULT_EQUITY_POINTS).map(toEquity) };
}

export interface PerformanceQuery {
  readonly mode: SignalMode;
  readonly pair?: string;
  readonly since?: TimeArg;
  readonly until?: TimeArg;
}

export interface Performance {
  readonly mode: SignalMode;
  readonly overall: Stats;
  readonly byPair: Record<string, Stats>;
  readonly bySide: Partial<Record<SignalSide, Stats>>;
}

/**
 * Statistics of the signals whose time lies in the range. Returns are measured against the equity
 * when the range's first signal opened (the track record's start when no `since` is given).
 */
export async function performance(db: DbTx, query: PerformanceQuery): Promise<Performance> {
  const rows = await db.signal.findMany({
    where: {
      mode: query.mode,
      ...(query.pair ? { pair: query.pair } : {}),
      ...(timeRange(query.since, query.until) ? { time: timeRange(query.since, query.until) } : {}),
    },
    select: {
      pair: true,
      side: true,
      status: true,
      time: true,
      exitTime: true,
      exitR: true,
      exitPnl: true,
      exitPnlPct: true,
      equityAtEntry: true,
    },
    orderBy: [{ time: 'asc' }, { id: 'asc' }],
  });
  type Row = (typeof rows)[number];
  // Cancelled signals have no track-record outcome; open ones count only in `signals`.
  const closed = (r: Row) =>
    r.status !== 'open' && r.status !== 'cancelled' && r.exitTime !== null && r.exitPnl !== null;
  const trade = (r: Row): ClosedTrade => ({
    time: r.time.getTime(),
    exitTime: r.exitTime!.getTime(),
    r: r.exitR ?? 0,
    pnl: r.exitPnl ?? 0,
    pnlPct: r.exitPnlPct ?? 0,
    equityAtEntry: r.equityAtEntry,
  });
  const statsOf = (subset: readonly Row[]): Stats =>
    computeStats(
      subset.filter(closed).map(trade),
      subset.filter((r) => r.status === 'open').length,
      query.since === undefined && query.pair === undefined ? START_EQUITY : undefined,
    );
  const group = <K extends string>(key: (r: Row) => K) => {
    const out = new Map<K, Row[]>();
    for (const r of rows) out.set(key(r), [...(out.get(key(r)) ?? []), r]);
    return out;
  };
  return {
    mode: query.mode,
    overall: statsOf(rows),
    byPair: Object.fromEntries([...group((r) => r.pair)].map(([k, v]) => [k, statsOf(v)])),
    bySide: Object.fromEntries([...group((r) => r.side)].map(([k, v]) => [k, statsOf(v)])),
  };
}

// ---------------------------------------------------------------- writing (with the outbox)

export type LogicalStream = 'signals:paper' | 'signals:live' | 'pnl:equity';

export const signalStreamOf = (mode: SignalMode): LogicalStream =>
  mode === 'live' ? 'signals:live' : 'signals:paper';

/** Outbox writers take this lock for their transaction, so outbox ids commit in id order (the relay relies on it). */
const OUTBOX_LOCK = 0x5e_4a_15;

async function enqueue(tx: DbTx, stream: LogicalStream, type: string, data: unknown): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${OUTBOX_LOCK}::bigint)`;
  await tx.signalOutbox.create({ data: { stream, type, data: JSON.stringify(data) } });
}

export interface TrackSize {
  /** Track-record quantity in base units. */
  readonly qty: number;
  readonly equityAtEntry: number;
}

/** A new signal: its row and its `signal` stream entry. A second insert of the same id fails (P2002). */
export async function insertSignal(tx: DbTx, signal: Signal, size: TrackSize): Promise<void> {
  await tx.signal.create({ data: signalRow(signal, size) });
  await enqueue(tx, signalStreamOf(signal.mode), 'signal', signal);
}

function signalRow(signal: Signal, size: TrackSize) {
  return {
    id: signal.id,
    mode: signal.mode,
    strategy: signal.strategy,
    exchange: signal.exchange,
    pair: signal.pair,
    timeframe: signal.timeframe,
    side: signal.side,
    entry: signal.entry,
    stopLoss: signal.stopLoss,
    takeProfit1: signal.takeProfit1,
    takeProfit: signal.takeProfit,
    confidence: signal.confidence,
    reason: signal.reason,
    candleTime: new Date(signal.candleTime),
    time: new Date(signal.time),
    status: signal.status,
    late: signal.late === true,
    qty: size.qty,
    equityAtEntry: size.equityAtEntry,
    ...exitColumns(signal),
  };
}

function exitColumns(signal: Signal) {
  return signal.exit
    ? {
        exitPrice: signal.exit.price,
        exitTime: new Date(signal.exit.time),
        exitR: signal.exit.r,
        exitPnl: signal.exit.pnl,
        exitPnlPct: signal.exit.pnlPct,
      }
    : {};
}

/** A status change of an open signal (`signal` is the whole signal as it now stands). */
export async function closeSignal(tx: DbTx, signal: Signal): Promise<void> {
  const { count } = await tx.signal.updateMany({
    where: { id: signal.id, mode: signal.mode, status: 'open' },
    data: { status: signal.status, ...exitColumns(signal) },
  });
  if (count !== 1) throw new AppError('ERR_INTERNAL', `signal ${signal.id} (${signal.mode}) is not open`);
  await enqueue(tx, signalStreamOf(signal.mode), 'lifecycle', signal);
}

/** An equity point; `key` makes it idempotent (e.g. `paper:close:<signal id>`, `paper:hour:<ms>`). */
export async function insertEquityPoint(
  tx: DbTx,
  key: string,
  point: EquityData,
  strategy: string,
  signalId?: string,
): Promise<void> {
  await tx.equityPoint.create({
    data: {
      key,
      mode: point.mode,
      strategy,
      time: new Date(point.time),
      equity: point.equity,
      pnl: point.pnl,
      drawdownPct: point.drawdownPct,
      open: point.open,
      signalId: signalId ?? null,
    },
  });
  await enqueue(tx, 'pnl:equity', 'equity', point);
}

export type SignalWrite =
  | { readonly kind: 'open'; readonly signal: Signal; readonly size: TrackSize }
  | { readonly kind: 'close'; readonly signal: Signal }
  | {
      readonly kind: 'equity';
      readonly key: string;
      readonly point: EquityData;
      readonly strategy: string;
      readonly signalId?: string;
    };

/**
 * Many writes, in order, as few statements: one lock, one multi-row insert per table, one update per
 * signal closed that was opened in an earlier batch. Outbox entries keep the order of `writes`.
 */
export async function writeBatch(tx: DbTx, writes: readonly SignalWrite[]): Promise<void> {
  if (!writes.length) return;
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${OUTBOX_LOCK}::bigint)`;
  const opened = new Map<string, { signal: Signal; size: TrackSize }>();
  const closedEarlier: Signal[] = [];
  const equity: SignalWrite[] = [];
  for (const w of writes) {
    if (w.kind === 'open') opened.set(`${w.signal.mode}:${w.signal.id}`, { signal: w.signal, size: w.size });
    else if (w.kind === 'close') {
      const mine = opened.get(`${w.signal.mode}:${w.signal.id}`);
      if (mine)
        mine.signal = w.signal; // opened and closed in this batch: insert it as it ends
      else closedEarlier.push(w.signal);
    } else equity.push(w);
  }
  if (opened.size)
    await tx.signal.createMany({
      data: [...opened.values()].map(({ signal, size }) => signalRow(signal, size)),
    });
  for (const signal of closedEarlier) {
    const { count } = await tx.signal.updateMany({
      where: { id: signal.id, mode: signal.mode, status: 'open' },
      data: { status: signal.status, ...exitColumns(signal) },
    });
    if (count !== 1) throw new AppError('ERR_INTERNAL', `signal ${signal.id} (${signal.mode}) is not open`);
  }
  if (equity.length)
    await tx.equityPoint.createMany({
      data: equity.map((w) => {
        const e = w as Extract<SignalWrite, { kind: 'equity' }>;
        return {
          key: e.key,
          mode: e.point.mode,
          strategy: e.strategy,
          time: new Date(e.point.time),
          equity: e.point.equity,
          pnl: e.point.pnl,
          drawdownPct: e.point.drawdownPct,
          open: e.point.open,
          signalId: e.signalId ?? null,
        };
      }),
    });
  await tx.signalOutbox.createMany({
    data: writes.map((w) =>
      w.kind === 'equity'
        ? { stream: 'pnl:equity', type: 'equity', data: JSON.stringify(w.point) }
        : {
            stream: signalStreamOf(w.signal.mode),
            type: w.kind === 'open' ? 'signal' : 'lifecycle',
            data: JSON.stringify(w.kind === 'open' ? { ...w.signal, status: 'open', exit: null } : w.signal),
          },
    ),
  });
}
