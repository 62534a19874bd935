/**
 * Worker-thread entry: draws requests posted by pool.ts so Chart.js's synchronous drawing never runs
 * on the thread that handles chat messages. Loaded as TypeScript through Node's type stripping.
 */
import { parentPort } from 'node:worker_threads';
import { renderRequest } from './draw.ts';
import type { WorkerReply, WorkerTask } from './pool.ts';

const port = parentPort;
if (!port) throw new Error('charts: render-worker.ts must run in a worker thread');

port.on('message', async (task: WorkerTask) => {
  try {
    const result = await renderRequest(task.request, 'sync');
    // Copy into a plain ArrayBuffer we own so it can be transferred rather than cloned.
    const png = new Uint8Array(result.png);
    const reply: WorkerReply = { id: task.id, ok: true, result: { ...result, png } };
    port.postMessage(reply, [png.buffer]);
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    const reply: WorkerReply = { id: task.id, ok: false, error: { name: e.name, message: e.message } };
    port.postMessage(reply);
  }
});
