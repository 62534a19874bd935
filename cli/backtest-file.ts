/**
 * Candle files for `cryptopulse backtest`: ccxt OHLCV JSON (`[[ms,o,h,l,c,v],…]`) or header-less CSV
 * `t,o,h,l,c,v[,trades]` with t in seconds or milliseconds (decided by the first row: below 1e11 is
 * seconds). The CSV path is a byte scanner straight into Float64Arrays: no string per line, no
 * object per candle. Every problem is one sentence that says what and where (BadCandleFile).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { CandleColumns } from '../core/signals/backtest.ts';

export class BadCandleFile extends Error {}

export interface ParsedCandles extends CandleColumns {
  readonly v: Float64Array;
  /** Most decimals seen in a price: the price precision published signals are rounded to. */
  readonly priceDecimals: number;
}

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
const SECONDS_BELOW = 1e11;

class Columns {
  t: Float64Array;
  o: Float64Array;
  h: Float64Array;
  l: Float64Array;
  c: Float64Array;
  v: Float64Array;
  n = 0;
  /** Room for twice as many rows, the rows so far kept. */
  grow(): void {
    const size = this.t.length * 2 + 16;
    const more = (a: Float64Array) => {
      const b = new Float64Array(size);
      b.set(a);
      return b;
    };
    this.t = more(this.t);
    this.o = more(this.o);
    this.h = more(this.h);
    this.l = more(this.l);
    this.c = more(this.c);
    this.v = more(this.v);
  }
  constructor(capacity: number) {
    this.t = new Float64Array(capacity);
    this.o = new Float64Array(capacity);
    this.h = new Float64Array(capacity);
    this.l = new Float64Array(capacity);
    this.c = new Float64Array(capacity);
    this.v = new Float64Array(capacity);
  }
}

function check(cols: Columns, where: string, i: number): void {
  const t = cols.t[i]!;
  if (cols.h[i]! < cols.l[i]!)
    throw new BadCandleFile(`${where}: high ${cols.h[i]} is below low ${cols.l[i]}`);
  if (i > 0) {
    const prev = cols.t[i - 1]!;
    if (t === prev)
      throw new BadCandleFile(`${where}: duplicate timestamp ${t} (the same as the row before)`);
    if (t < prev) throw new BadCandleFile(`${where}: timestamps are not sorted (${t} comes after ${prev})`);
  }
}

function finish(cols: Columns, decimals: number): ParsedCandles {
  const n = cols.n;
  return {
    length: n,
    t: cols.t.subarray(0, n),
    o: cols.o.subarray(0, n),
    h: cols.h.subarray(0, n),
    l: cols.l.subarray(0, n),
    c: cols.c.subarray(0, n),
    v: cols.v.subarray(0, n),
    priceDecimals: Math.min(decimals, 12),
  };
}

export function parseCandleFile(buf: Uint8Array, name: string): ParsedCandles {
  let i = 0;
  while (i < buf.length && (buf[i] === 32 || buf[i] === 10 || buf[i] === 13 || buf[i] === 9)) i++;
  if (i === buf.length) throw new BadCandleFile(`${name} is empty`);
  // A JSON object (`{`) is JSON too, and its message should say so rather than call `{` not a number.
  return buf[i] === 91 /* [ */ || buf[i] === 123 /* { */ ? parseJson(buf, name) : parseCsv(buf, name);
}

function parseJson(buf: Uint8Array, name: string): ParsedCandles {
  let rows: unknown;
  try {
    rows = JSON.parse(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('utf8'));
  } catch (err) {
    throw new BadCandleFile(`${name} is not valid JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(rows)) throw new BadCandleFile(`${name}: expected a JSON array of [ms,o,h,l,c,v] rows`);
  if (rows.length === 0) throw new BadCandleFile(`${name} is empty (no candles)`);
  const cols = new Columns(rows.length);
  let decimals = 0;
  let scale = 0;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as unknown;
    const where = `${name} row ${r + 1}`;
    if (!Array.isArray(row) || row.length < 6 || row.length > 7)
      throw new BadCandleFile(`${where} is malformed: expected [ms,o,h,l,c,v]`);
    for (let k = 0; k < 6; k++) {
      if (typeof row[k] !== 'number' || !Number.isFinite(row[k]))
        throw new BadCandleFile(`${where}, field ${k + 1}: ${JSON.stringify(row[k])} is not a number`);
    }
    if (scale === 0) scale = row[0] < SECONDS_BELOW ? 1000 : 1;
    cols.t[r] = row[0] * scale;
    cols.o[r] = row[1];
    cols.h[r] = row[2];
    cols.l[r] = row[3];
    cols.c[r] = row[4];
    cols.v[r] = row[5];
    if (r < 2000) for (let k = 1; k < 5; k++) decimals = Math.max(decimals, decimalsOf(row[k] as number));
    cols.n = r + 1;
    check(cols, where, r);
  }
  return finish(cols, decimals);
}

function decimalsOf(x: number): number {
  const s = String(x);
  const e = s.indexOf('e-');
  if (e >= 0) return Number(s.slice(e + 2)) + Math.max(0, s.indexOf('.') >= 0 ? e - s.indexOf('.') - 1 : 0);
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}

/**
 * A file's bytes with one `\n` appended, read synchronously into one buffer (no chunks to join):
 * the CSV scanner then meets a line end before the end of the buffer on every line and never reads
 * past it (a read out of bounds gives `undefined` and de-optimises the scanner). The extra newline
 * is whitespace to the JSON reader and a trailing line end to the CSV one.
 */
export function readCandleBytes(path: string): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const buf = Buffer.allocUnsafe(size + 1);
    let got = 0;
    while (got < size) {
      const n = readSync(fd, buf, got, size - got, got);
      if (n === 0) break;
      got += n;
    }
    buf[got] = 10;
    return buf.subarray(0, got + 1);
  } finally {
    closeSync(fd);
  }
}

function parseCsv(buf: Uint8Array, name: string): ParsedCandles {
  const len = buf.length;
  // Capacity guessed from the first line's length, grown when short: a counting pass over the
  // bytes first would cost as much as a third of the parse.
  const firstLine = Math.max(12, buf.indexOf(10) + 1);
  const cols = new Columns(Math.ceil((len / firstLine) * 1.05) + 16);
  const fields = new Float64Array(7);
  let pos = 0;
  let line = 0;
  let decimals = 0;
  let scale = 0;
  let n = 0;
  while (pos < len) {
    line++;
    let nf = 0;
    // One line: fields separated by commas, ended by \n (optionally \r\n) or the end of the file.
    for (;;) {
      const start = pos;
      let neg = false;
      let b = buf[pos]!;
      if (b === 45 /* - */) {
        neg = true;
        b = buf[++pos]!;
      } else if (b === 43 /* + */) b = buf[++pos]!;
      let mant = 0;
      let digits = 0;
      let frac = 0;
      while (pos < len && b >= 48 && b <= 57) {
        mant = mant * 10 + (b - 48);
        digits++;
        b = buf[++pos]!;
      }
      if (pos < len && b === 46 /* . */) {
        b = buf[++pos]!;
        while (pos < len && b >= 48 && b <= 57) {
          mant = mant * 10 + (b - 48);
          digits++;
          frac++;
          b = buf[++pos]!;
        }
      }
      let value: number;
      if (pos < len && (b === 101 || b === 69) /* e E */) {
        pos++;
        if (buf[pos] === 45 || buf[pos] === 43) pos++;
        while (pos < len && buf[pos]! >= 48 && buf[pos]! <= 57) pos++;
        value = Number(Buffer.from(buf.buffer, buf.byteOffset + start, pos - start).toString('latin1'));
        b = buf[pos]!;
      } else if (digits > 15 || frac > 22) {
        // Beyond exact integer range: let the runtime round it.
        value = Number(Buffer.from(buf.buffer, buf.byteOffset + start, pos - start).toString('latin1'));
      } else {
        // mant and 10^frac are both exact, so one division is correctly rounded (= parseFloat).
        value = frac === 0 ? mant : mant / POW10[frac]!;
        if (neg) value = -value;
      }
      const endOfField = pos >= len || b === 44 || b === 10 || b === 13;
      if (digits === 0 || !endOfField || Number.isNaN(value)) {
        let end = pos;
        while (end < len && buf[end] !== 44 && buf[end] !== 10 && buf[end] !== 13) end++;
        const text = Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('utf8');
        if (nf === 0 && end === start && (end >= len || buf[end] === 10 || buf[end] === 13)) {
          // An empty line: the file may end with blank lines, nothing else may.
          while (end < len && (buf[end] === 10 || buf[end] === 13 || buf[end] === 32)) end++;
          if (end >= len) return finish(Object.assign(cols, { n }), decimals);
          throw new BadCandleFile(`${name} line ${line} is empty`);
        }
        throw new BadCandleFile(
          `${name} line ${line}, field ${nf + 1}: ${JSON.stringify(text)} is not a number`,
        );
      }
      if (nf < 7) fields[nf] = value;
      nf++;
      if (nf >= 2 && nf <= 5 && frac > decimals) decimals = frac;
      if (b === 44) {
        pos++;
        continue;
      }
      if (b === 13) pos++;
      if (buf[pos] === 10) pos++;
      break;
    }
    if (nf < 6 || nf > 7)
      throw new BadCandleFile(
        `${name} line ${line} is malformed: expected 6 or 7 comma-separated numbers (t,o,h,l,c,v[,trades]), found ${nf}`,
      );
    if (scale === 0) scale = fields[0]! < SECONDS_BELOW ? 1000 : 1;
    if (n === cols.t.length) cols.grow();
    cols.t[n] = fields[0]! * scale;
    cols.o[n] = fields[1]!;
    cols.h[n] = fields[2]!;
    cols.l[n] = fields[3]!;
    cols.c[n] = fields[4]!;
    cols.v[n] = fields[5]!;
    if (cols.h[n]! < cols.l[n]! || (n > 0 && cols.t[n]! <= cols.t[n - 1]!))
      check(cols, `${name} line ${line}`, n);
    n++;
  }
  cols.n = n;
  return finish(cols, decimals);
}
