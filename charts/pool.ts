/**
 * The chart render pool: piscina over worker threads (render-worker.ts), at most `size` drawing at once,
 * the rest queued. Threads start on first use and leave after a minute idle; piscina keeps idle
 * threads unref'd, so an idle pool never keeps the process alive. A crashed thread fails only its own
 * task and is replaced.
 */
import { Piscina } from 'piscina';
import type { DrawResult } from './draw.ts';
import type { ChartRequest } from './types.ts';
import { ChartInputError } from './validate.ts';

/** What a render thread answers: errors as plain data, so a ChartInputError keeps its class here. */
export type WorkerReply =
  | { readonly ok: true; readonly result: DrawResult }
  | { readonly ok: false; readonly error: { readonly name: string; readonly message: string } };

const WORKER_URL = new URL('./render-worker.ts', import.meta.url);
const IDLE_MS = 60_000;

function toError(error: { name: string; message: string }): Error {
  if (error.name === 'ChartInputError') return new ChartInputError(error.message);
  const e = new Error(`charts: render failed in worker: ${error.message}`);
  e.name = error.name;
  return e;
}

export class RenderPool {
  readonly #size: number;
  readonly #pool: Piscina<ChartRequest, WorkerReply>;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1)
      throw new RangeError('charts: pool size must be a positive integer');
    this.#size = size;
    this.#pool = new Piscina({
      filename: WORKER_URL.href,
      minThreads: 0,
      maxThreads: size,
      idleTimeout: IDLE_MS,
    });
  }

  async run(request: ChartRequest): Promise<DrawResult> {
    const reply = await this.#pool.run(request);
    if (!reply.ok) throw toError(reply.error);
    return reply.result;
  }

  /** Starts every thread now, so the first user request does not pay for loading Chart.js and fonts. */
  async warmup(request: ChartRequest): Promise<void> {
    await Promise.all(Array.from({ length: this.#size }, () => this.run(request)));
  }

  async close(): Promise<void> {
    await this.#pool.destroy();
  }
}
