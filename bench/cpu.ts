/**
 * CPU time of processes, from Linux's /proc: what a benchmark costs, as opposed to how long it waits.
 * Latency on a shared 2-core machine is noisy; CPU per operation is the figure to compare across runs.
 * Elsewhere (no /proc) every reading is undefined and the benchmark prints "n/a".
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Linux reports utime/stime in clock ticks of 1/100 s on every architecture we run on. */
const MS_PER_TICK = 10;

function stat(pid: string): { comm: string; ms: number } | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = raw.lastIndexOf(')');
    const fields = raw.slice(close + 2).split(' ');
    // Fields after the command name: utime and stime are the 12th and 13th.
    return {
      comm: raw.slice(raw.indexOf('(') + 1, close),
      ms: (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK,
    };
  } catch {
    return undefined;
  }
}

export type CpuSnapshot = ReadonlyMap<string, number>;

/** CPU milliseconds used so far, per group: the given pids by name, plus every `postgres` and `redis-server` process. */
export function cpuSnapshot(pids: Readonly<Record<string, number | undefined>>): CpuSnapshot | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return undefined;
  }
  const totals = new Map<string, number>();
  const add = (group: string, ms: number) => totals.set(group, (totals.get(group) ?? 0) + ms);
  for (const [group, pid] of Object.entries(pids)) {
    const s = pid === undefined ? undefined : stat(String(pid));
    if (s) add(group, s.ms);
  }
  for (const pid of entries) {
    const s = stat(pid);
    if (s?.comm === 'postgres') add('postgres', s.ms);
    if (s?.comm.startsWith('redis-server')) add('redis', s.ms);
  }
  return totals;
}

/** CPU ms per operation in each group between two snapshots. */
export function cpuPerOperation(
  before: CpuSnapshot | undefined,
  after: CpuSnapshot | undefined,
  operations: number,
): Map<string, number> | undefined {
  if (!before || !after) return undefined;
  return new Map([...after].map(([group, ms]) => [group, (ms - (before.get(group) ?? 0)) / operations]));
}
