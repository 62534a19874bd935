/**
 * Discord's rate limits as the fake enforces them, strictly:
 * - global: at most `globalPerSecond` bot requests in ANY 1000 ms (a sliding window over arrival times;
 *   Discord does not document the window's shape, so the fake assumes the least forgiving one).
 *   Interaction callbacks and interaction webhooks are exempt, as on Discord.
 * - per route: a bucket per (route template, major parameter) with a fixed window that starts at its
 *   first request, announced in X-RateLimit-* headers like Discord does.
 * Every 429 the fake sends is recorded with its reason, so a test can assert that a client never
 * overstepped (no 429 except the ones the test forced).
 */

export interface BucketRule {
  readonly limit: number;
  readonly windowMs: number;
}

export interface RateLimitOptions {
  readonly globalPerSecond: number;
  /** The rule for a route template, e.g. "POST /channels/:id/messages"; undefined means `defaultRoute`. */
  readonly routes?: Readonly<Record<string, BucketRule>>;
  readonly defaultRoute: BucketRule;
}

export type LimitReason = 'global' | 'route' | 'forced';

export interface LimitDecision {
  readonly allowed: boolean;
  readonly reason?: LimitReason;
  /** Seconds, as Discord sends them (float). */
  readonly retryAfter?: number;
  readonly headers: Record<string, string>;
}

interface BucketState {
  remaining: number;
  resetAt: number;
  /** Set by a forced 429: nothing passes before this time, whatever the window says. */
  blockedUntil: number;
}

export interface RouteKey {
  /** "POST /channels/:id/messages" — what the rules and the bucket hash are keyed on. */
  readonly template: string;
  /** The major parameter's value (channel, guild or webhook id), "" when the route has none. */
  readonly major: string;
  /** Exempt from the global limit (interactions). */
  readonly exempt: boolean;
}

const MAJOR = /^\/(channels|guilds|webhooks)\/(\d+)(\/[^/]+)?/;
const INTERACTION = /^\/interactions\/(\d+)\/([^/]+)/;

/** Route template with ids replaced, the major parameter kept apart, as Discord buckets requests. */
export function routeKey(method: string, path: string): RouteKey {
  const major = MAJOR.exec(path);
  const interaction = INTERACTION.exec(path);
  const isWebhookToken = major?.[1] === 'webhooks' && major[3] !== undefined;
  const template = path
    .replace(/\/interactions\/\d+\/[^/]+/, '/interactions/:id/:token')
    .replace(/\/webhooks\/(\d+)\/[^/]+/, '/webhooks/:id/:token')
    .replace(/\/\d{5,}/g, '/:id')
    .replace(/\/reactions\/[^/]+/, '/reactions/:emoji');
  // An interaction's callback is bucketed per interaction, a webhook's per webhook and token.
  const majorValue = interaction
    ? `${interaction[1]}/${interaction[2]}`
    : major
      ? `${major[2]}${isWebhookToken ? major[3] : ''}`
      : '';
  return {
    template: `${method} ${template}`,
    major: majorValue,
    exempt: interaction !== null || isWebhookToken,
  };
}

export class RateLimiter {
  private readonly globalHits: number[] = [];
  private readonly buckets = new Map<string, BucketState>();
  private readonly forced = new Map<string, number[]>();

  constructor(
    private readonly options: RateLimitOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** The next `count` requests matching `template` get a 429 with `retryAfterSeconds`. */
  force429(template: string, retryAfterSeconds: number, count = 1): void {
    const list = this.forced.get(template) ?? [];
    for (let i = 0; i < count; i++) list.push(retryAfterSeconds);
    this.forced.set(template, list);
  }

  rule(template: string): BucketRule {
    return this.options.routes?.[template] ?? this.options.defaultRoute;
  }

  check(key: RouteKey): LimitDecision {
    const now = this.now();
    const rule = this.rule(key.template);
    const id = `${key.template}|${key.major}`;
    let bucket = this.buckets.get(id);
    if (!bucket || now >= bucket.resetAt) {
      bucket = {
        remaining: rule.limit,
        resetAt: now + rule.windowMs,
        blockedUntil: bucket?.blockedUntil ?? 0,
      };
      this.buckets.set(id, bucket);
    }
    const hash = Buffer.from(key.template).toString('base64url').slice(0, 16);
    const headers = (remaining: number, resetAt: number): Record<string, string> => ({
      'x-ratelimit-limit': String(rule.limit),
      'x-ratelimit-remaining': String(remaining),
      'x-ratelimit-reset': (resetAt / 1000).toFixed(3),
      'x-ratelimit-reset-after': (Math.max(0, resetAt - now) / 1000).toFixed(3),
      'x-ratelimit-bucket': hash,
    });

    if (now < bucket.blockedUntil) {
      const after = (bucket.blockedUntil - now) / 1000;
      return this.refuse('route', after, headers(0, bucket.blockedUntil));
    }
    const forced = this.forced.get(key.template)?.shift();
    if (forced !== undefined) {
      bucket.blockedUntil = now + forced * 1000;
      return this.refuse('forced', forced, headers(0, bucket.blockedUntil));
    }
    if (!key.exempt) {
      while (this.globalHits.length && this.globalHits[0]! <= now - 1000) this.globalHits.shift();
      if (this.globalHits.length >= this.options.globalPerSecond) {
        const after = (this.globalHits[0]! + 1000 - now) / 1000;
        return this.refuse('global', after, { 'x-ratelimit-global': 'true', 'x-ratelimit-scope': 'global' });
      }
    }
    if (bucket.remaining <= 0) {
      return this.refuse('route', (bucket.resetAt - now) / 1000, headers(0, bucket.resetAt));
    }
    bucket.remaining--;
    if (!key.exempt) this.globalHits.push(now);
    return { allowed: true, headers: headers(bucket.remaining, bucket.resetAt) };
  }

  private refuse(reason: LimitReason, retryAfter: number, headers: Record<string, string>): LimitDecision {
    const rounded = Math.max(0.001, Math.round(retryAfter * 1000) / 1000);
    return {
      allowed: false,
      reason,
      retryAfter: rounded,
      headers: {
        ...headers,
        'retry-after': String(Math.ceil(rounded)),
        ...(reason === 'global' ? {} : { 'x-ratelimit-scope': 'user' }),
      },
    };
  }
}
