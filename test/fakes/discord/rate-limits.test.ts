import { describe, expect, it } from 'vitest';
import { RateLimiter, routeKey } from './rate-limits.ts';

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const message = (channel: string) => routeKey('POST', `/channels/${channel}/messages`);

describe('fake discord rate limits', () => {
  it('buckets routes by template and major parameter, and exempts interaction routes', () => {
    expect(message('123456789')).toEqual({
      template: 'POST /channels/:id/messages',
      major: '123456789',
      exempt: false,
    });
    expect(routeKey('POST', '/interactions/99999999/tok-en/callback')).toEqual({
      template: 'POST /interactions/:id/:token/callback',
      major: '99999999/tok-en',
      exempt: true,
    });
    const edit = routeKey('PATCH', '/webhooks/11111111/tok/messages/@original');
    expect(edit).toMatchObject({ template: 'PATCH /webhooks/:id/:token/messages/@original', exempt: true });
  });

  it('refuses the 51st bot request within any 1000 ms, then frees slots as they age out', () => {
    const c = clock();
    const limiter = new RateLimiter(
      { globalPerSecond: 50, defaultRoute: { limit: 100, windowMs: 1000 } },
      c.now,
    );
    for (let i = 0; i < 50; i++) {
      expect(limiter.check(message(String(100000 + i))).allowed).toBe(true);
      c.advance(10); // 50 requests spread over 500 ms
    }
    const refused = limiter.check(message('999999'));
    expect(refused).toMatchObject({ allowed: false, reason: 'global' });
    expect(refused.headers['x-ratelimit-global']).toBe('true');
    // The first request (t=0) leaves the window at t=1000: 500 ms after the refusal at t=500.
    expect(refused.retryAfter).toBeCloseTo(0.5, 3);
    c.advance(500);
    expect(limiter.check(message('999999')).allowed).toBe(true);
    // Interaction callbacks do not count and are not counted.
    expect(limiter.check(routeKey('POST', '/interactions/12345678/t/callback')).allowed).toBe(true);
  });

  it('enforces a per-route bucket and announces it in X-RateLimit headers', () => {
    const c = clock();
    const limiter = new RateLimiter(
      { globalPerSecond: 50, defaultRoute: { limit: 2, windowMs: 1000 } },
      c.now,
    );
    const first = limiter.check(message('123456'));
    expect(first.headers).toMatchObject({ 'x-ratelimit-limit': '2', 'x-ratelimit-remaining': '1' });
    expect(limiter.check(message('123456')).headers['x-ratelimit-remaining']).toBe('0');
    c.advance(400);
    const third = limiter.check(message('123456'));
    expect(third).toMatchObject({ allowed: false, reason: 'route' });
    expect(third.headers['x-ratelimit-reset-after']).toBe('0.600');
    // Another channel is another bucket.
    expect(limiter.check(message('654321')).allowed).toBe(true);
    c.advance(600);
    expect(limiter.check(message('123456')).allowed).toBe(true);
  });

  it('a forced 429 blocks its bucket until retry_after has passed; an early retry is refused again', () => {
    const c = clock();
    const limiter = new RateLimiter(
      { globalPerSecond: 50, defaultRoute: { limit: 5, windowMs: 1000 } },
      c.now,
    );
    limiter.force429('POST /channels/:id/messages', 0.3);
    expect(limiter.check(message('123456'))).toMatchObject({
      allowed: false,
      reason: 'forced',
      retryAfter: 0.3,
    });
    c.advance(299);
    expect(limiter.check(message('123456'))).toMatchObject({ allowed: false, reason: 'route' });
    c.advance(1);
    expect(limiter.check(message('123456')).allowed).toBe(true);
  });
});
