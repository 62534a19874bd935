/**
 * The console user's notifications: alerts that fire, conditional orders that trigger, fills and
 * failures, read from the trading facade's event stream and printed between prompts. Only events that
 * deserve a message (core/agent/present/events.ts) and only the console user's own are shown.
 */
import { type EventNotice, eventNotice } from '../../core/agent/present/events.ts';
import type { TradingService } from '../../core/trading/service.ts';

export interface EventWatch {
  stop(): Promise<void>;
}

const POLL_MS = 250;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function watchOrderEvents(
  trading: Pick<TradingService, 'readEvents'>,
  userId: string,
  onNotice: (notice: EventNotice, event: { readonly type: string; readonly orderId?: string }) => void,
): Promise<EventWatch> {
  // Stream ids start with their epoch milliseconds: "now-0" is "everything published from here on".
  // Polled without BLOCK, so the facade's shared connection is never held by a waiting read.
  let after = `${Date.now()}-0`;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        const batch = await trading.readEvents(after);
        for (const { id, event } of batch) {
          after = id;
          const notice = eventNotice(event);
          if (notice.userId === userId && notice.notify)
            onNotice(notice, { type: event.type, ...('orderId' in event ? { orderId: event.orderId } : {}) });
        }
        if (batch.length === 0) await sleep(POLL_MS);
      } catch {
        // Redis away for a moment: try again shortly, the stream keeps what was published.
        await sleep(500);
      }
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
    },
  };
}
