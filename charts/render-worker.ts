/**
 * Render-thread entry for piscina (pool.ts): draws one request so Chart.js's synchronous drawing never
 * runs on the thread that handles chat messages. Loaded as TypeScript through Node's type stripping.
 */
import { renderRequest } from './draw.ts';
import type { WorkerReply } from './pool.ts';
import type { ChartRequest } from './types.ts';

export default async function render(request: ChartRequest): Promise<WorkerReply> {
  try {
    return { ok: true, result: await renderRequest(request, 'sync') };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    return { ok: false, error: { name: e.name, message: e.message } };
  }
}
