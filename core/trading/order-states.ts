/**
 * The order state machine (BRIEF section 5). Every change of `Order.status` goes through `transition`
 * (transitions.ts), which refuses any edge not listed here.
 *
 *   PROPOSED ─confirm─> CONFIRMED ─queue/trigger─> QUEUED ─claim─> SUBMITTED ─> FILLED
 *      │                    │                        │               ├─> PARTIALLY_FILLED ─> FILLED
 *      └─> CANCELLED        └─> CANCELLED            ├─> REJECTED    ├─> REJECTED | FAILED
 *      └─> EXPIRED          └─> EXPIRED              ├─> FAILED      ├─> CANCELLED (resting order)
 *      └─> REJECTED         └─> REJECTED             ├─> CANCELLED   └─> EXPIRED (resting paper order past
 *                                                    └─> EXPIRED         its TTL; a live order never found at
 *                                                        (not executed    the exchange by its deadline)
 *                                                         by its deadline)
 */
import type { OrderStatus } from '../../generated/prisma/enums.ts';

export type { OrderStatus };

const EDGES: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  PROPOSED: ['CONFIRMED', 'CANCELLED', 'EXPIRED', 'REJECTED'],
  CONFIRMED: ['QUEUED', 'CANCELLED', 'EXPIRED', 'REJECTED'],
  QUEUED: ['SUBMITTED', 'REJECTED', 'FAILED', 'CANCELLED', 'EXPIRED'],
  SUBMITTED: ['FILLED', 'PARTIALLY_FILLED', 'REJECTED', 'FAILED', 'CANCELLED', 'EXPIRED'],
  PARTIALLY_FILLED: ['PARTIALLY_FILLED', 'FILLED', 'CANCELLED', 'FAILED'],
  FILLED: [],
  REJECTED: [],
  FAILED: [],
  CANCELLED: [],
  EXPIRED: [],
};

export const TERMINAL_STATUSES = [
  'FILLED',
  'REJECTED',
  'FAILED',
  'CANCELLED',
  'EXPIRED',
] as const satisfies readonly OrderStatus[];
export const OPEN_STATUSES = [
  'PROPOSED',
  'CONFIRMED',
  'QUEUED',
  'SUBMITTED',
  'PARTIALLY_FILLED',
] as const satisfies readonly OrderStatus[];

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return EDGES[from].includes(to);
}

export function isTerminal(status: OrderStatus): boolean {
  return EDGES[status].length === 0;
}
