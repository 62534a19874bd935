/**
 * "Cannot look up" is never read as "never sent": on a venue whose ccxt class cannot find an order by
 * our client id, a timed-out createOrder could not be reconciled, so live trading is refused there, with
 * a message that names the venue. Paper trading is unaffected.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CcxtMarketData } from '../market/ccxt-market.ts';
import { createKeysService } from '../vault/service.ts';
import { assertLiveAllowed } from './risk.ts';
import { createTradingHarness, type TradingHarness } from './testing/harness.ts';

describe('live trading on a venue without client-id lookup', () => {
  let h: TradingHarness;
  beforeAll(async () => {
    h = await createTradingHarness(
      'no-client-id',
      { EXCHANGE: 'bitstamp', LIVE_TRADING_ENABLED: 'true' },
      // Never called: the refusal needs no network.
      { market: () => new CcxtMarketData('bitstamp', { apiBase: 'http://127.0.0.1:9', throttle: false }) },
    );
  });
  afterAll(() => h.close());

  it('a venue without client-id lookup refuses live trading, naming the venue', async () => {
    const dana = await h.user('dana');
    await createKeysService(h.app).link(dana, {
      exchange: 'bitstamp',
      apiKey: `key-${randomBytes(4).toString('hex')}`,
      secret: randomBytes(32).toString('base64'),
    });
    await expect(h.service.setMode(dana, 'live')).rejects.toMatchObject({
      code: 'ERR_LIVE_DISABLED',
      userMessage: expect.stringMatching(/not available on bitstamp/),
    });
    expect(await h.service.getMode(dana)).toBe('paper');
    // An opt-in recorded before (or by hand) does not get an order through at proposal or execution.
    await h.app.db.user.update({ where: { id: dana.userId }, data: { liveOptIn: true } });
    await expect(assertLiveAllowed(h.app.db, h.app.config, dana.userId, 'bitstamp')).rejects.toMatchObject({
      code: 'ERR_LIVE_DISABLED',
    });
  });
});
