/**
 * A small worker_threads pool for chart rendering. Each worker draws one chart at a time; jobs wait in
 * a FIFO queue. Idle workers are unref'd so an idle pool never keeps the process alive.
 */
import { Worker } from 'node:worker_threads';
import type { DrawResult } from './draw.ts';
import type { ChartRequest } from './types.ts';
import { ChartInputError } from './validate.ts';

export interface WorkerTask {
  readonly id: number;
  readonly request: ChartRequest;
}

export type WorkerReply =
  | { readonly id: number; readonly ok: true; readonly result: DrawResult }
  | {
      readonly id: number;
      readonly ok: false;
      readonly error: { readonly name: string; readonly message: string };
    };

interface Job {
  readonly task: WorkerTask;
  resolve(result: DrawResult): void;
  reject(error: Error): void;
}

interface Slot {
  readonly worker: Worker;
  job: Job | null;
}

const WORKER_URL = new URL('./render-worker.ts', import.meta.url);

function toError(error: { name: string; message: string }): Error {
  if (error.name === 'ChartInputError') return new ChartInputError(error.message);
  const e = new Error(`charts: render failed in worker: ${error.message}`);
  e.name = error.name;
  return e;
}

export class RenderPool {
  readonly #size: number;
  readonly #slots: Slot[] = [];
  readonly #queue: Job[] = [];
  #nextId = 1;
  #closed = false;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1)
      throw new RangeError('charts: pool size must be a positive integer');
    this.#size = size;
  }

  run(request: ChartRequest): Promise<DrawResult> {
    if (this.#closed) return Promise.reject(new Error('charts: render pool is closed'));
    return new Promise((resolve, reject) => {
      this.#queue.push({ task: { id: this.#nextId++, request }, resolve, reject });
      this.#dispatch();
    });
  }

  /** Starts every worker now, so the first user request does not pay for loading Chart.js and fonts. */
  async warmup(request: ChartRequest): Promise<void> {
    while (this.#slots.length < this.#size) this.#spawn();
    await Promise.all(this.#slots.map(() => this.run(request)));
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#queue.splice(0)) job.reject(new Error('charts: render pool closed'));
    await Promise.all(this.#slots.splice(0).map((s) => s.worker.terminate()));
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      let slot = this.#slots.find((s) => s.job === null);
      if (!slot && this.#slots.length < this.#size) slot = this.#spawn();
      if (!slot) return;
      const job = this.#queue.shift()!;
      slot.job = job;
      slot.worker.ref();
      slot.worker.postMessage(job.task);
    }
  }

  #spawn(): Slot {
    const worker = new Worker(WORKER_URL);
    const slot: Slot = { worker, job: null };
    worker.unref();
    worker.on('message', (reply: WorkerReply) => {
      const job = slot.job;
      if (!job || job.task.id !== reply.id) return;
      slot.job = null;
      worker.unref();
      if (reply.ok) job.resolve(reply.result);
      else job.reject(toError(reply.error));
      this.#dispatch();
    });
    // A crashed worker fails only its own job; the slot is replaced on the next dispatch.
    const fail = (err: Error) => {
      const i = this.#slots.indexOf(slot);
      if (i >= 0) this.#slots.splice(i, 1);
      slot.job?.reject(err);
      slot.job = null;
      if (!this.#closed) this.#dispatch();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (!this.#closed) fail(new Error(`charts: render worker exited with code ${code}`));
    });
    this.#slots.push(slot);
    return slot;
  }
}
