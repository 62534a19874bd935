/**
 * The one place that reads the environment. Every variable is declared once below with its schema,
 * default, example and description; `.env.example` and the README table are checked against this list.
 */
import { createRequire } from 'node:module';
import { z } from 'zod';
import { parseSignalParams } from './signals/params.ts';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const port = z.coerce
  .number({ error: 'must be a port number' })
  .int('must be a whole number')
  .min(0, 'must be between 0 and 65535')
  .max(65535, 'must be between 0 and 65535');

const positiveInt = z.coerce
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .positive('must be > 0');
const positiveNumber = z.coerce.number({ error: 'must be a number' }).positive('must be > 0');
const nonNegative = z.coerce.number({ error: 'must be a number' }).min(0, 'must be >= 0');

const url = (protocols: readonly string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
  );

const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

/**
 * Browser origins as a browser sends them in `Origin` (@fastify/cors compares them exactly): a path, a
 * trailing slash, a bare host or `*` would never match, and the dashboard's calls would be refused
 * with nothing said at start.
 */
const originList = list.superRefine((entries, ctx) => {
  for (const entry of entries) {
    let origin = '';
    try {
      const u = new URL(entry);
      if (u.protocol === 'http:' || u.protocol === 'https:') origin = u.origin;
    } catch {}
    if (origin !== entry) {
      ctx.addIssue({
        code: 'custom',
        message: `"${entry}" is not an origin; write origins such as https://dashboard.example.com (scheme, host and optional port: no path, no trailing slash, no *)`,
      });
      return;
    }
  }
});

const pairList = list.pipe(
  z.array(z.string().regex(/^[A-Z0-9]{2,10}\/[A-Z0-9]{2,10}$/, 'pairs look like BTC/USDT, comma-separated')),
);

/** `v1:<base64 32 bytes>[,v2:<base64 32 bytes>...]`; the highest version encrypts, all versions decrypt. */
const vaultKeyRing = z.string().transform((value, ctx) => {
  const keys = new Map<number, Buffer>();
  for (const part of value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^v(\d{1,6}):([A-Za-z0-9+/=_-]+)$/.exec(part);
    const key = m ? Buffer.from(m[2]!, 'base64') : undefined;
    if (!m || !key || key.length !== 32) {
      ctx.addIssue({ code: 'custom', message: 'must be v<N>:<base64 of 32 random bytes>, comma-separated' });
      return z.NEVER;
    }
    keys.set(Number(m[1]), key);
  }
  if (keys.size === 0) {
    ctx.addIssue({ code: 'custom', message: 'must hold at least one key' });
    return z.NEVER;
  }
  return keys;
});

/**
 * The exchange ids ccxt supports. ccxt is loaded only when EXCHANGE names a venue (the market data
 * loads it then anyway), so a sim install does not pay for it at start.
 */
function ccxtExchangeIds(): readonly string[] {
  const ccxt = createRequire(import.meta.url)('ccxt') as { exchanges: readonly string[] };
  return ccxt.exchanges;
}

interface VarSpec<S extends z.ZodType> {
  readonly schema: S;
  readonly description: string;
  readonly example: string;
  /** Shown in docs; `undefined` means optional with no default. */
  readonly default?: string;
  /** Redacted from logs wherever its value appears. */
  readonly secret?: boolean;
}

function v<const T extends VarSpec<z.ZodType>>(spec: T): T {
  return spec;
}

export const ENV = {
  DATABASE_URL: v({
    schema: url(['postgresql:', 'postgres:']),
    default: 'postgresql://postgres@127.0.0.1:5432/cryptopulse',
    example: 'postgresql://cryptopulse:secret@db:5432/cryptopulse',
    description: 'PostgreSQL connection URL.',
    secret: true,
  }),
  DATABASE_PREPARED_STATEMENTS: v({
    schema: bool,
    default: 'true',
    example: 'true',
    description:
      'Prepare each statement once per connection (much less work for Postgres). Turn off behind a connection pooler that cannot keep prepared statements (PgBouncer in transaction mode before 1.21).',
  }),
  REDIS_URL: v({
    schema: url(['redis:', 'rediss:']),
    default: 'redis://127.0.0.1:6379',
    example: 'redis://redis:6379/0',
    description: 'Redis connection URL (BullMQ queues, streams, caches, memory).',
    secret: true,
  }),
  REDIS_PREFIX: v({
    schema: z.string().regex(/^[a-z0-9_-]{0,32}$/i, 'letters, digits, _ or -, at most 32'),
    default: '',
    example: 'staging',
    description: 'Namespace for every Redis key, queue and stream, so several installs can share one Redis.',
  }),
  OPENAI_API_KEY: v({
    schema: z.string().min(1),
    example: 'sk-...',
    description: 'Enables the LLM agent. Without it the offline intent parser answers.',
    secret: true,
  }),
  OPENAI_BASE_URL: v({
    schema: url(['http:', 'https:']),
    example: 'http://localhost:11434/v1',
    description: 'Any OpenAI-compatible server (Ollama, vLLM, LM Studio, Gemini).',
  }),
  LLM_MODEL: v({
    schema: z.string().min(1),
    default: 'gpt-4o-mini',
    example: 'llama3.1',
    description: 'Model name.',
  }),
  LLM_MAX_STEPS: v({
    schema: positiveInt.max(20, 'must be at most 20'),
    default: '6',
    example: '8',
    description: 'Model calls per message at most (each may run several tools in parallel).',
  }),
  LLM_TIMEOUT_MS: v({
    schema: positiveInt,
    default: '30000',
    example: '60000',
    description: 'Timeout of one model request; timeouts, 429 and 5xx are retried (LLM_MAX_RETRIES).',
  }),
  LLM_TURN_TIMEOUT_MS: v({
    schema: positiveInt,
    default: '90000',
    example: '120000',
    description: 'Time budget for answering one message, all model calls and tools included.',
  }),
  LLM_MAX_RETRIES: v({
    schema: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(0).max(10),
    default: '2',
    example: '3',
    description:
      'Retries of a model request after 429, 5xx or a timeout, with backoff (honours Retry-After).',
  }),
  LLM_STREAM: v({
    schema: bool,
    default: 'true',
    example: 'false',
    description: 'Stream model answers (tool calls included); turn off for servers that cannot stream tools.',
  }),
  LLM_DAILY_REQUESTS: v({
    schema: positiveInt,
    default: '200',
    example: '500',
    description:
      'Model requests per user per UTC day; commands and the offline parser keep working beyond it.',
  }),
  LLM_DAILY_TOKENS: v({
    schema: positiveInt,
    default: '200000',
    example: '1000000',
    description: 'Model tokens (prompt + completion) per user per UTC day.',
  }),
  MEMORY_TTL_SECONDS: v({
    schema: positiveInt,
    default: '604800',
    example: '86400',
    description: 'How long a quiet conversation is remembered (per user and chat).',
  }),
  MEMORY_TOKEN_BUDGET: v({
    schema: positiveInt.min(200, 'must be at least 200'),
    default: '1500',
    example: '3000',
    description: 'Conversation memory beyond this many tokens is folded into a summary.',
  }),
  TRANSCRIBE_MODEL: v({
    schema: z.string().min(1),
    example: 'whisper-1',
    description:
      'Speech-to-text model on the OpenAI-compatible server (OPENAI_API_KEY, OPENAI_BASE_URL); enables voice notes.',
  }),
  TELEGRAM_BOT_TOKEN: v({
    schema: z.string().regex(/^\d+:[\w-]+$/, 'must look like 123456:ABC-DEF...'),
    example: '123456:ABC-DEF1234ghIkl',
    description: 'Enables the Telegram bot (from @BotFather).',
    secret: true,
  }),
  TELEGRAM_API_ROOT: v({
    schema: url(['http:', 'https:']),
    default: 'https://api.telegram.org',
    example: 'http://localhost:8081',
    description: 'Bot API server (a self-hosted one, or a test fake).',
  }),
  TELEGRAM_WEBHOOK_URL: v({
    schema: url(['https:', 'http:']),
    example: 'https://bot.example.com/telegram/webhook',
    description: 'Switches Telegram from long polling to webhook mode at this public URL.',
  }),
  TELEGRAM_WEBHOOK_SECRET: v({
    schema: z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, '16-256 characters of A-Z a-z 0-9 _ -'),
    example: 'a-long-random-string',
    description: 'Checked against X-Telegram-Bot-Api-Secret-Token on every webhook call.',
    secret: true,
  }),
  DISCORD_TOKEN: v({
    schema: z.string().min(20),
    example: 'MTA...',
    description: 'Enables the Discord bot.',
    secret: true,
  }),
  DISCORD_APP_ID: v({
    schema: z.string().regex(/^\d{5,25}$/, 'must be a numeric id'),
    example: '123456789012345678',
    description: 'Discord application id.',
  }),
  DISCORD_API_BASE: v({
    schema: url(['http:', 'https:']),
    example: 'http://localhost:3001/api',
    description: 'Discord REST base (tests, proxies). Default is Discord itself.',
  }),
  DISCORD_DEV_GUILD_ID: v({
    schema: z.string().regex(/^\d{5,25}$/, 'must be a numeric id'),
    example: '123456789012345678',
    description: 'Register slash commands in this guild only (instant updates while developing).',
  }),
  EXCHANGE: v({
    schema: z
      .string()
      .regex(/^[a-z0-9]+$/, 'must be a ccxt exchange id such as kraken or binance, or sim')
      .superRefine((id, ctx) => {
        if (id === 'sim') return;
        const known = ccxtExchangeIds();
        if (!known.includes(id)) {
          ctx.addIssue({
            code: 'custom',
            message: `is not a supported exchange; supported values: sim, ${known.join(', ')}`,
          });
        }
      }),
    default: 'sim',
    example: 'kraken',
    description: 'Market data and live execution venue: any ccxt exchange id, or sim (simulated, offline).',
  }),
  EXCHANGE_API_BASE: v({
    schema: url(['http:', 'https:']),
    example: 'http://localhost:9000',
    description: 'Points the ccxt exchange at another base URL (self-hosted proxies, tests).',
  }),
  TRADING_MODE: v({
    schema: z.enum(['paper', 'live'], { error: 'must be paper or live' }),
    default: 'paper',
    example: 'paper',
    description:
      'Mode of new users (existing users keep theirs). live needs LIVE_TRADING_ENABLED; each user still opts in with /mode live and linked keys before an order reaches the exchange.',
  }),
  LIVE_TRADING_ENABLED: v({
    schema: bool,
    default: 'false',
    example: 'false',
    description: 'Operator switch: without it no order ever reaches a real exchange.',
  }),
  VAULT_KEY: v({
    schema: vaultKeyRing,
    example: 'v1:<output of: openssl rand -base64 32>',
    description: 'Master key ring for exchange credentials (AES-256-GCM). Highest version encrypts.',
    secret: true,
  }),
  CONFIRM_SECRET: v({
    schema: z.string().min(32, 'must be at least 32 characters'),
    example: '<output of: openssl rand -hex 32>',
    description: 'Signs confirmation buttons. Generated and kept in Redis when unset.',
    secret: true,
  }),
  SIGNAL_PAIRS: v({
    schema: pairList,
    default: 'BTC/USDT,ETH/USDT',
    example: 'BTC/USDT,ETH/USDT,SOL/USDT',
    description: 'Pairs the signal engine trades, comma-separated.',
  }),
  API_PORT: v({ schema: port, default: '8080', example: '8080', description: 'Port of the HTTP API.' }),
  API_HOST: v({
    schema: z.string().min(1),
    default: '0.0.0.0',
    example: '127.0.0.1',
    description: 'Interface the HTTP API binds to.',
  }),
  CORS_ORIGINS: v({
    schema: originList,
    default: '',
    example: 'https://dashboard.example.com',
    description: 'Origins allowed to call the API from a browser, comma-separated; empty allows none.',
  }),
  RATE_LIMIT_PER_MINUTE: v({
    schema: positiveInt,
    default: '60',
    example: '120',
    description: 'API requests per minute per client.',
  }),
  TRUST_PROXY: v({
    schema: z
      .string()
      .regex(
        /^(true|false|\d{1,2}|[0-9a-f.:/]+(,[0-9a-f.:/]+)*)$/i,
        'must be false, true, a number of proxy hops, or comma-separated proxy addresses/CIDRs',
      )
      .transform((v): boolean | number | string[] => {
        if (v === 'true' || v === 'false') return v === 'true';
        if (/^\d+$/.test(v)) return Number(v);
        return v.split(',').map((s) => s.trim());
      }),
    default: 'false',
    example: '1',
    description:
      'Which X-Forwarded-For hops to believe for the client address (rate limits, logs): false (the socket address; forged headers are ignored), true, a hop count (1 behind Fly or one reverse proxy), or proxy addresses/CIDRs.',
  }),
  API_REQUIRE_KEY: v({
    schema: bool,
    default: 'false',
    example: 'true',
    description:
      'Closes the public /v1 read endpoints to callers without an API key (cryptopulse apikeys create); the dashboard then asks for a key once and keeps a 12 h session cookie.',
  }),
  API_KEY_RATE_LIMIT_PER_MINUTE: v({
    schema: positiveInt,
    default: '600',
    example: '1200',
    description: 'Requests per minute of an API key created without its own --limit.',
  }),
  METRICS_TOKEN: v({
    schema: z.string().min(16, 'must be at least 16 characters'),
    example: '<output of: openssl rand -hex 16>',
    description: 'When set, /metrics answers only with Authorization: Bearer <token>.',
    secret: true,
  }),
  SSE_MAX_CONNECTIONS_PER_IP: v({
    schema: positiveInt,
    default: '20',
    example: '50',
    description: 'Open Server-Sent Events streams per client address at most (per API process).',
  }),
  SSE_CLIENT_BUFFER_BYTES: v({
    schema: positiveInt.min(4096, 'must be at least 4096'),
    default: '131072',
    example: '262144',
    description:
      'Unsent bytes an SSE client may fall behind by before it is disconnected (it resumes with Last-Event-ID).',
  }),
  LOG_LEVEL: v({
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be one of fatal, error, warn, info, debug, trace, silent',
    }),
    default: 'info',
    example: 'debug',
    description: 'Log level.',
  }),
  PAPER_START_BALANCE: v({
    schema: positiveNumber,
    default: '10000',
    example: '25000',
    description:
      "Cash a new paper account starts with, in the venue's main quote (USDT on sim and Binance, USD on Kraken).",
  }),
  PAPER_FEE_RATE: v({
    // A percent typed as a fraction ("0.1" meant as 0.1 %) is still accepted; "5" or "1" cannot be meant.
    schema: nonNegative.lt(1, 'must be a fraction of the notional below 1: 0.001 is 0.1 %'),
    default: '0.001',
    example: '0.00075',
    description: 'Paper fee as a fraction of notional.',
  }),
  PAPER_SLIPPAGE_BPS: v({
    schema: nonNegative.lt(10_000, 'must be below 10000 basis points (100 %): 5 is 0.05 %'),
    default: '5',
    example: '10',
    description: 'Paper market-order slippage in basis points.',
  }),
  CONFIRM_TTL_SECONDS: v({
    schema: positiveInt,
    default: '120',
    example: '60',
    description: 'How long a proposal can be confirmed.',
  }),
  SHUTDOWN_TIMEOUT_MS: v({
    schema: positiveInt,
    default: '10000',
    example: '10000',
    description: 'How long a stop waits for in-flight work before it gives up.',
  }),
  // ---- trading core (core/market, core/trading, worker/)
  EXCHANGE_TIMEOUT_MS: v({
    schema: positiveInt,
    default: '10000',
    example: '15000',
    description:
      'How long a call to the exchange may take before it counts as timed out (and is reconciled).',
  }),
  EXCHANGE_THROTTLE: v({
    schema: bool,
    default: 'true',
    example: 'false',
    description: 'ccxt’s client-side rate limiter. Turn it off only for a local test exchange.',
  }),
  TICKER_TTL_MS: v({
    schema: positiveInt,
    default: '2000',
    example: '1000',
    description:
      'How long a ticker is served from the cache (Redis, and each process until the Redis entry expires).',
  }),
  SIM_SEED: v({
    schema: z.coerce
      .number({ error: 'must be a number' })
      .int('must be a whole number')
      .min(0, 'must be >= 0'),
    default: '42',
    example: '7',
    description: 'Seed of the simulated market (EXCHANGE=sim): the same seed gives the same prices.',
  }),
  SIM_SPEED: v({
    schema: positiveNumber,
    default: '1',
    example: '60',
    description:
      'Simulated minutes per real minute (demos). Above 1 the simulated clock starts SIM_LEAD_HOURS behind the wall clock and runs this much faster until it has caught up, then in real time: nothing is dated in the future.',
  }),
  SIM_LEAD_HOURS: v({
    schema: nonNegative,
    default: '24',
    example: '72',
    description:
      'With SIM_SPEED above 1: how far behind the wall clock accelerated simulated time starts (it catches up after SIM_LEAD_HOURS / (SIM_SPEED − 1) hours).',
  }),
  SIM_START: v({
    schema: z
      .string()
      .refine((s) => Number.isFinite(Date.parse(s)), {
        message: 'must be a date and time such as 2026-12-01T20:00:00Z',
      })
      .transform((s) => Date.parse(s)),
    example: '2026-12-01T20:00:00Z',
    description:
      'With SIM_SPEED above 1: the instant accelerated time started. Default: when the process started; give every process of one install the same value so they share one simulated clock.',
  }),
  MAX_ORDER_NOTIONAL: v({
    schema: positiveNumber,
    default: '10000',
    example: '1000',
    description: 'Default risk limit: largest order value in quote currency (per-user limits override).',
  }),
  MAX_POSITION_NOTIONAL: v({
    schema: positiveNumber,
    default: '50000',
    example: '5000',
    description: 'Default risk limit: largest value held in one asset after an order.',
  }),
  DAILY_LOSS_LIMIT: v({
    schema: positiveNumber,
    default: '2000',
    example: '200',
    description: 'Default risk limit: new orders stop once today’s realised loss (UTC) reaches this.',
  }),
  ORDERS_PER_MINUTE: v({
    schema: positiveInt,
    default: '10',
    example: '5',
    description: 'Default risk limit: proposals per user per minute.',
  }),
  KILL_SWITCH: v({
    schema: bool,
    default: 'false',
    example: 'true',
    description: 'Operator kill switch at start: no order is proposed or executed while it is on.',
  }),
  PAPER_LATENCY_MS: v({
    schema: z.coerce
      .number({ error: 'must be a number' })
      .int('must be a whole number')
      .min(0, 'must be >= 0'),
    default: '0',
    example: '250',
    description: 'Simulated exchange latency of the paper broker per order.',
  }),
  ORDER_CONCURRENCY: v({
    schema: positiveInt,
    default: '8',
    example: '16',
    description: 'Orders one worker process executes at the same time.',
  }),
  ORDER_ATTEMPTS: v({
    schema: positiveInt,
    default: '8',
    example: '5',
    description: 'Attempts per order on retryable exchange errors before it fails and is dead-lettered.',
  }),
  ORDER_BACKOFF_MS: v({
    schema: positiveInt,
    default: '1000',
    example: '500',
    description: 'First retry delay; it doubles per attempt, with jitter.',
  }),
  ORDER_LOCK_MS: v({
    schema: positiveInt,
    default: '5000',
    example: '10000',
    description:
      'How long a crashed worker holds an order before another worker resumes it (and reconciles); under half of MAX_EXECUTION_DELAY_SECONDS, so a resumed market order is still inside its deadline.',
  }),
  MAX_EXECUTION_DELAY_SECONDS: v({
    schema: positiveInt,
    default: '30',
    example: '60',
    description:
      'A market order not executed this long after its confirmation (or its trigger) expires instead of filling at a price nobody saw.',
  }),
  QUEUE_COMMAND_TIMEOUT_MS: v({
    schema: positiveInt,
    default: '2000',
    example: '2000',
    description:
      'Producers (queueing a confirmed order, publishing its events) give up on Redis after this; the outbox relay sends it later.',
  }),
  PAPER_LIMIT_TTL_HOURS: v({
    schema: z.coerce
      .number({ error: 'must be a number' })
      .int('must be a whole number')
      .min(0, 'must be >= 0'),
    default: '168',
    example: '24',
    description:
      'A resting paper limit order expires after this many hours (0: good till cancelled); shown on the card.',
  }),
  ADMIN_ACCOUNTS: v({
    schema: list.pipe(
      z.array(
        z.string().regex(/^(discord|telegram|console):[\w-]{1,64}$/, 'entries look like telegram:12345'),
      ),
    ),
    default: '',
    example: 'telegram:12345678,discord:123456789012345678',
    description: 'Platform accounts that are operators (admin role: kill switch, other users’ orders).',
  }),
  TRIGGER_POLL_MS: v({
    schema: positiveInt,
    default: '1000',
    example: '2000',
    description: 'How often the trigger watcher checks prices for alerts, conditional and resting orders.',
  }),
  // ---- broadcasts (core/broadcast, worker/broadcaster)
  BROADCAST_ATTEMPTS: v({
    schema: positiveInt,
    default: '6',
    example: '10',
    description:
      'Attempts per signal delivery on 5xx/network errors (429s wait as told and do not count) before it goes to signals:dlq.',
  }),
  BROADCAST_BACKOFF_MS: v({
    schema: positiveInt,
    default: '1000',
    example: '500',
    description: 'First retry delay of a failed delivery; it doubles per attempt, with jitter.',
  }),
  BROADCAST_LOCK_MS: v({
    schema: positiveInt.min(200, 'must be at least 200'),
    default: '15000',
    example: '5000',
    description:
      'How long a crashed broadcaster keeps a chat before another one takes over its deliveries (renewed while alive).',
  }),
  BROADCAST_CLAIM_IDLE_MS: v({
    schema: positiveInt.min(200, 'must be at least 200'),
    default: '30000',
    example: '10000',
    description:
      'Stream entries left pending this long by a consumer that stopped renewing them are claimed (XAUTOCLAIM) by a live broadcaster.',
  }),
  // ---- signals engine (core/signals, worker/signals, cli/backtest)
  SIGNAL_PARAMS: v({
    schema: z.string().transform((value, ctx) => {
      try {
        return parseSignalParams(value);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message.replace(/^SIGNAL_PARAMS /, '') });
        return z.NEVER;
      }
    }),
    default: '',
    example: '{"*":{"triggerBps":15},"ETH/USDT":{"mode":"revert"}}',
    description:
      'Strategy parameter overrides (docs/strategy.md): a JSON object keyed by pair, "*" for every pair.',
  }),
  SIGNAL_BACKFILL_HOURS: v({
    schema: positiveNumber,
    default: '24',
    example: '72',
    description:
      'On its very first start the signal engine replays this much candle history (then resumes from its cursor).',
  }),
  SIGNAL_MAX_LAG_SECONDS: v({
    schema: positiveInt,
    default: '900',
    example: '600',
    description:
      '/ready fails while the signal engine is this far behind the last closed candle (market clock).',
  }),
  SIGNAL_STREAM_MAXLEN: v({
    schema: positiveInt,
    default: '100000',
    example: '1000000',
    description: 'Approximate length cap (XADD MAXLEN ~) of the signals:* and pnl:equity streams.',
  }),
  BACKTEST_CACHE_DIR: v({
    schema: z.string().min(1),
    default: '.cryptopulse/candles',
    example: '/var/lib/cryptopulse/candles',
    description: 'Where `cryptopulse backtest --exchange` caches downloaded candles, one CSV per day.',
  }),
  // ---- news and sentiment (core/news, worker/news)
  NEWS_FEEDS: v({
    // An empty value means "the default", so news is turned off with the word off.
    schema: z
      .string()
      .transform((v) => (v.trim().toLowerCase() === 'off' ? '' : v))
      .pipe(list)
      .pipe(z.array(url(['http:', 'https:']))),
    default:
      'https://www.coindesk.com/arc/outboundfeeds/rss/,https://cointelegraph.com/rss,https://decrypt.co/feed,https://bitcoinmagazine.com/.rss/full/',
    example: 'https://cointelegraph.com/rss,https://decrypt.co/feed',
    description:
      'RSS or Atom feeds the worker role polls for /news and the news tools, comma-separated; off turns news off.',
  }),
  NEWS_POLL_SECONDS: v({
    schema: positiveInt.min(30, 'must be at least 30 (be polite to feed servers)'),
    default: '300',
    example: '600',
    description: 'How often each feed is fetched (a conditional request: unchanged feeds cost a 304).',
  }),
  NEWS_FETCH_TIMEOUT_MS: v({
    schema: positiveInt,
    default: '10000',
    example: '5000',
    description: 'Time limit for one feed fetch, headers and body together.',
  }),
  NEWS_MAX_BYTES: v({
    schema: positiveInt,
    default: '5242880',
    example: '2097152',
    description: 'Largest feed document read, in bytes; a bigger one is refused and counted.',
  }),
  NEWS_MAX_REDIRECTS: v({
    schema: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(0).max(10),
    default: '3',
    example: '5',
    description: 'Redirects followed per feed fetch; loops are refused at once.',
  }),
  NEWS_MAX_BACKOFF_SECONDS: v({
    schema: positiveInt,
    default: '21600',
    example: '3600',
    description: 'Longest wait before retrying a failing feed (the wait doubles per consecutive failure).',
  }),
  NEWS_RETENTION_DAYS: v({
    schema: positiveInt,
    default: '30',
    example: '90',
    description: 'News items older than this are deleted.',
  }),
  NEWS_LLM_SENTIMENT: v({
    schema: bool,
    default: 'false',
    example: 'true',
    description:
      'Also score new headlines with the configured model (OPENAI_API_KEY), in batches, within NEWS_LLM_DAILY_REQUESTS.',
  }),
  NEWS_LLM_DAILY_REQUESTS: v({
    schema: positiveInt,
    default: '48',
    example: '100',
    description: 'Model requests per UTC day the news scorer may use (each scores up to 20 headlines).',
  }),
} as const;

export type EnvName = keyof typeof ENV;
type Parsed<K extends EnvName> = z.output<(typeof ENV)[K]['schema']>;
type HasDefault<K extends EnvName> = (typeof ENV)[K] extends { default: string } ? K : never;
export type Config = { readonly [K in EnvName as HasDefault<K>]: Parsed<K> } & {
  readonly [K in Exclude<EnvName, HasDefault<EnvName>>]?: Parsed<K>;
};

export interface ConfigProblem {
  readonly variable: EnvName;
  readonly message: string;
}

export class ConfigError extends Error {
  readonly code = 'ERR_CONFIG';
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(`invalid configuration: ${problems.map((p) => `${p.variable} ${p.message}`).join('; ')}`);
  }
}

/** Parses the environment; collects every problem before failing so one run shows them all. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const out: Record<string, unknown> = {};
  const problems: ConfigProblem[] = [];
  for (const [name, spec] of Object.entries(ENV) as [EnvName, VarSpec<z.ZodType>][]) {
    const raw = env[name]?.trim();
    const value = raw === undefined || raw === '' ? spec.default : raw;
    if (value === undefined) continue;
    const result = spec.schema.safeParse(value);
    if (result.success) out[name] = result.data;
    else {
      const shown = spec.secret ? '' : ` (got "${value.length > 40 ? `${value.slice(0, 40)}…` : value}")`;
      problems.push({
        variable: name,
        message: `${result.error.issues[0]?.message ?? 'is invalid'}${shown}`,
      });
    }
  }
  problems.push(...crossChecks(out as Partial<Config>));
  if (problems.length) throw new ConfigError(problems);
  return out as Config;
}

/**
 * Settings that are each valid but wrong together. A crashed worker's orders come back after up to
 * twice ORDER_LOCK_MS (the lock runs out, then the next stalled-job check); a market order is EXPIRED
 * once MAX_EXECUTION_DELAY_SECONDS have passed. With a lock as long as the deadline, every market order
 * a crash interrupted before it reached the exchange would expire instead of being resumed.
 */
function crossChecks(c: Partial<Config>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const lock = c.ORDER_LOCK_MS;
  const deadline = c.MAX_EXECUTION_DELAY_SECONDS;
  if (lock !== undefined && deadline !== undefined && 2 * lock >= deadline * 1000) {
    problems.push({
      variable: 'ORDER_LOCK_MS',
      message: `must be under half of MAX_EXECUTION_DELAY_SECONDS (${deadline} s), or orders a crashed worker was running expire before another worker resumes them (got "${lock}")`,
    });
  }
  // New users start in TRADING_MODE: live by default on an install that never trades live would refuse
  // every order of every new user.
  if (c.TRADING_MODE === 'live' && c.LIVE_TRADING_ENABLED === false) {
    problems.push({
      variable: 'TRADING_MODE',
      message: 'can be live only with LIVE_TRADING_ENABLED=true (got "live")',
    });
  }
  return problems;
}

/** Plain values of secret variables, for the log redactor. */
export function secretValues(env: NodeJS.ProcessEnv = process.env): string[] {
  return (Object.entries(ENV) as [EnvName, VarSpec<z.ZodType>][])
    .filter(([, spec]) => spec.secret)
    .flatMap(([name]) => {
      const value = env[name]?.trim();
      if (!value || value.length < 8) return [];
      // URLs are only secret in their password part.
      if (/^[a-z]+:\/\//.test(value)) {
        try {
          const pw = decodeURIComponent(new URL(value).password);
          return pw.length >= 4 ? [pw] : [];
        } catch {
          return [];
        }
      }
      return value.split(',').map((part) => part.replace(/^v\d+:/, ''));
    });
}

export function envDocs(): { name: EnvName; default: string; example: string; description: string }[] {
  return (Object.entries(ENV) as [EnvName, VarSpec<z.ZodType>][]).map(([name, spec]) => ({
    name,
    default: spec.default ?? '',
    example: spec.example,
    description: spec.description,
  }));
}
