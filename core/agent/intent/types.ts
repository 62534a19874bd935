/**
 * What the offline parser understood. An `order` intent is only ever turned into a proposal that the
 * owner must confirm; there is deliberately no intent that confirms anything.
 */
import type { Timeframe } from '../../market/types.ts';
import type { LowerPane, OrderAmount, Overlay, Side, TradingMode } from '../ports.ts';

/** `cross` ("when it hits 30k"): above or below is decided against the current price when executed. */
export type ParsedDirection = 'above' | 'below' | 'cross';

export interface ParsedTrigger {
  readonly direction: ParsedDirection;
  readonly price: number;
}

export type ClarifyTopic =
  | 'amount'
  | 'symbol'
  | 'price'
  | 'side'
  | 'timeframe'
  | 'number'
  | 'order'
  | 'period'
  | 'option';

/** Symbols are what the user typed, upper-cased ("ETH", "ETH/USDT"); the market resolves them. */
export type Intent =
  | { readonly kind: 'price'; readonly symbols: readonly string[] }
  | {
      readonly kind: 'chart';
      readonly symbol: string;
      readonly timeframe?: Timeframe;
      readonly overlays: readonly Overlay[];
      readonly panes: readonly LowerPane[];
      readonly theme?: 'dark' | 'light';
    }
  /** "chart my equity" / "chart my portfolio": the user's own account drawn. */
  | {
      readonly kind: 'account_chart';
      readonly what: 'equity' | 'portfolio';
      readonly theme?: 'dark' | 'light';
    }
  | {
      readonly kind: 'order';
      readonly side: Side;
      readonly symbol: string;
      readonly amount: OrderAmount;
      readonly type: 'market' | 'limit';
      readonly limitPrice?: number;
      readonly trigger?: ParsedTrigger;
    }
  | { readonly kind: 'portfolio'; readonly asset?: string }
  /** `period` as typed and understood ("ytd", "since monday"); resolved against the clock when run. */
  | { readonly kind: 'pnl'; readonly period?: string }
  | { readonly kind: 'orders'; readonly open: boolean }
  | { readonly kind: 'cancel'; readonly ref: string }
  | { readonly kind: 'alert'; readonly symbol: string; readonly trigger: ParsedTrigger }
  | { readonly kind: 'alerts' }
  | { readonly kind: 'alert_cancel'; readonly ref?: string }
  | { readonly kind: 'signals'; readonly symbol?: string }
  | { readonly kind: 'mode'; readonly mode?: TradingMode }
  | { readonly kind: 'help' }
  | { readonly kind: 'greeting' }
  | { readonly kind: 'memory_clear' }
  | {
      readonly kind: 'out_of_scope';
      readonly topic: 'secrets' | 'withdraw' | 'transfer' | 'limits' | 'derivatives';
    }
  | { readonly kind: 'clarify'; readonly topic: ClarifyTopic; readonly question: string }
  | { readonly kind: 'unknown' };

export type IntentKind = Intent['kind'];
