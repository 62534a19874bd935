/**
 * Builds a ccxt exchange by id, optionally pointed at another base URL (`EXCHANGE_API_BASE`: a
 * self-hosted proxy, or the local fake in tests) and optionally holding a user's credentials.
 * Credentials are passed in by the execution path only; this module never stores or logs them.
 */
import ccxt, { type Exchange } from 'ccxt';
import { AppError } from '../errors.ts';

export interface ExchangeCredentials {
  readonly apiKey: string;
  readonly secret: string;
  /** Some venues (OKX, KuCoin) also want a passphrase. */
  readonly password?: string;
}

export interface CcxtExchangeOptions {
  readonly apiBase?: string;
  readonly timeoutMs?: number;
  /** ccxt's client-side throttle; tests against the local fake turn it off. */
  readonly throttle?: boolean;
  readonly credentials?: ExchangeCredentials;
  /**
   * ccxt parses the venue's decimal strings exactly (its `Precise`) and turns them into floats only as
   * its last step, through `exchange.number`. `true` sets that to `String`, so prices, amounts and
   * limits come back as the strings the venue sent (ccxt's documented alternative to `Number`). The
   * TypeScript types still say `number`: read such an exchange's results through `Number()` or `dec()`.
   */
  readonly stringNumbers?: boolean;
}

type ExchangeClass = new (config: Record<string, unknown>) => Exchange;

/** Options that keep Binance to spot endpoints (no futures or margin calls on loadMarkets). */
const VENUE_OPTIONS: Readonly<Record<string, Record<string, unknown>>> = {
  binance: {
    defaultType: 'spot',
    fetchMarkets: { types: ['spot'] },
    fetchCurrencies: false,
    fetchMargins: false,
  },
};

export function isCcxtExchangeId(id: string): boolean {
  return (ccxt.exchanges as readonly string[]).includes(id);
}

export function createCcxtExchange(id: string, options: CcxtExchangeOptions = {}): Exchange {
  if (!isCcxtExchangeId(id)) {
    throw new AppError('ERR_VALIDATION', `"${id}" is not a ccxt exchange id`, {
      userMessage: `The exchange "${id}" is not supported.`,
    });
  }
  const Class = (ccxt as unknown as Record<string, ExchangeClass>)[id]!;
  const exchange = new Class({
    enableRateLimit: options.throttle ?? true,
    timeout: options.timeoutMs ?? 10_000,
    options: VENUE_OPTIONS[id] ?? {},
    ...(options.stringNumbers ? { number: String } : {}),
    ...(options.credentials
      ? {
          apiKey: options.credentials.apiKey,
          secret: options.credentials.secret,
          ...(options.credentials.password ? { password: options.credentials.password } : {}),
        }
      : {}),
  });
  if (options.apiBase) exchange.urls.api = rebaseUrls(exchange.urls.api, options.apiBase);
  return exchange;
}

/**
 * Every URL in ccxt's `urls.api` tree moved onto `base`, keeping its path: Kraken's
 * `https://api.kraken.com` becomes `base`, Binance's `https://api.binance.com/api/v3` becomes
 * `base/api/v3` (its ~22 hosts differ but their paths do not collide).
 */
export function rebaseUrls<T>(api: T, base: string): T {
  const root = new URL(base);
  const prefix = `${root.origin}${root.pathname.replace(/\/+$/, '')}`;
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') {
      if (!/^https?:\/\//.test(value)) return value;
      const u = new URL(value);
      return `${prefix}${u.pathname === '/' ? '' : u.pathname.replace(/\/+$/, '')}${u.search}`;
    }
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
    }
    return value;
  };
  return walk(api) as T;
}
