/**
 * Orders that are QUEUED but have no live job: the process crashed between committing the confirmation
 * (or a trigger) and adding the job, or the job was removed. Re-adding is safe: the job id is the order
 * id, and execution is idempotent. The trading core finds them; this is the BullMQ side.
 */
import type { Queue } from 'bullmq';
import type { OrderOperations } from '../core/trading/executor.ts';
import type { OrderId } from '../core/trading/ids.ts';
import type { OrderJobData } from '../core/trading/order-queue.ts';

const PENDING = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

export async function requeueOrphans(
  orders: Pick<OrderOperations, 'orphanedQueuedOrders'>,
  queue: Queue<OrderJobData>,
  enqueue: (id: OrderId) => Promise<void>,
  olderThanMs: number,
): Promise<number> {
  let requeued = 0;
  for (const id of await orders.orphanedQueuedOrders(olderThanMs)) {
    const job = await queue.getJob(id);
    const state = job ? await job.getState() : 'missing';
    if (PENDING.has(state)) continue;
    if (job) await job.remove().catch(() => undefined);
    await enqueue(id);
    requeued++;
  }
  return requeued;
}
