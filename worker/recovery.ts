/**
 * Orders that are QUEUED but have no live job: the process crashed between committing the confirmation
 * (or a trigger) and adding the job, or the job was removed. Re-adding is safe: the job id is the order
 * id, and execution is idempotent.
 */
import type { Queue } from 'bullmq';
import type { Db } from '../core/db/client.ts';
import type { OrderId } from '../core/trading/ids.ts';
import type { OrderJobData } from '../core/trading/order-queue.ts';

export async function requeueOrphans(
  db: Db,
  queue: Queue<OrderJobData>,
  enqueue: (id: OrderId) => Promise<void>,
  olderThanMs: number,
): Promise<number> {
  const stale = await db.order.findMany({
    where: { status: 'QUEUED', updatedAt: { lt: new Date(Date.now() - olderThanMs) } },
    select: { id: true },
    take: 500,
  });
  let requeued = 0;
  for (const { id } of stale) {
    const job = await queue.getJob(id);
    const state = job ? await job.getState() : 'missing';
    if (
      state === 'waiting' ||
      state === 'active' ||
      state === 'delayed' ||
      state === 'prioritized' ||
      state === 'waiting-children'
    )
      continue;
    if (job) await job.remove().catch(() => undefined);
    await enqueue(id as OrderId);
    requeued++;
  }
  return requeued;
}
