/**
 * An understood intent as a command call, so free text and "/commands" run the same handler. Intents
 * that are questions, refusals or unknown have no command.
 */
import type { LowerPane, Overlay } from '../ports.ts';
import type { Intent } from './types.ts';

export interface CommandCall {
  readonly name: string;
  readonly args: Readonly<Record<string, unknown>>;
}

/** "ema20 sma50 bollinger rsi14 macd": the text form the chart command reads back. */
export function indicatorsText(overlays: readonly Overlay[], panes: readonly LowerPane[]): string {
  const parts = [
    ...overlays.map((o) => (o.kind === 'ema' || o.kind === 'sma' ? `${o.kind}${o.period}` : o.kind)),
    ...panes.map((p) => (p.kind === 'rsi' && p.period ? `rsi${p.period}` : p.kind)),
  ];
  return parts.join(' ');
}

const UNIT = { base: 'coins', quote: 'money', percent: 'percent' } as const;

export function intentToCommand(intent: Intent): CommandCall | undefined {
  switch (intent.kind) {
    case 'price':
      return { name: 'price', args: { symbol: intent.symbols.join(' ') } };
    case 'chart': {
      const indicators = indicatorsText(intent.overlays, intent.panes);
      return {
        name: 'chart',
        args: {
          symbol: intent.symbol,
          ...(intent.timeframe ? { timeframe: intent.timeframe } : {}),
          ...(indicators ? { indicators } : {}),
          ...(intent.theme ? { theme: intent.theme } : {}),
        },
      };
    }
    case 'account_chart':
      return {
        name: 'chart',
        args: { symbol: intent.what, ...(intent.theme ? { theme: intent.theme } : {}) },
      };
    case 'order':
      return {
        name: intent.side,
        args: {
          symbol: intent.symbol,
          amount: intent.amount.value,
          unit: UNIT[intent.amount.unit],
          ...(intent.limitPrice === undefined ? {} : { price: intent.limitPrice }),
          ...(intent.trigger ? { trigger: intent.trigger.price } : {}),
          ...(intent.trigger && intent.trigger.direction !== 'cross'
            ? { direction: intent.trigger.direction }
            : {}),
        },
      };
    case 'portfolio':
      return { name: 'portfolio', args: intent.asset ? { asset: intent.asset } : {} };
    case 'pnl':
      return { name: 'pnl', args: intent.period ? { period: intent.period } : {} };
    case 'orders':
      return { name: 'orders', args: { scope: intent.open ? 'open' : 'all' } };
    case 'cancel':
      return { name: 'cancel', args: { order: intent.ref } };
    case 'alert':
      return {
        name: 'alert',
        args: {
          symbol: intent.symbol,
          price: intent.trigger.price,
          ...(intent.trigger.direction === 'cross' ? {} : { direction: intent.trigger.direction }),
        },
      };
    case 'alerts':
      return { name: 'alerts', args: {} };
    case 'alert_cancel':
      return { name: 'alerts', args: { action: 'cancel', ...(intent.ref ? { id: intent.ref } : {}) } };
    case 'signals':
      return { name: 'signals', args: intent.symbol ? { pair: intent.symbol } : {} };
    case 'mode':
      return { name: 'mode', args: intent.mode ? { mode: intent.mode } : {} };
    case 'help':
    case 'greeting':
      return { name: 'help', args: {} };
    case 'memory_clear':
      return { name: 'memory', args: { action: 'clear' } };
    case 'out_of_scope':
    case 'clarify':
    case 'unknown':
      return undefined;
  }
}
