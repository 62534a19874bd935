import { describe, expect, it } from 'vitest';
import { parseIntent } from './parse.ts';
import type { ClarifyTopic, Intent } from './types.ts';

const price = (...symbols: string[]): Intent => ({ kind: 'price', symbols });
const base = (value: number) => ({ unit: 'base', value }) as const;
const quote = (value: number) => ({ unit: 'quote', value }) as const;
const pct = (value: number) => ({ unit: 'percent', value }) as const;
const buy = (
  symbol: string,
  amount: Intent extends never ? never : ReturnType<typeof base | typeof quote | typeof pct>,
  extra: object = {},
): Intent => ({ kind: 'order', side: 'buy', symbol, amount, type: 'market', ...extra }) as Intent;
const sell = (
  symbol: string,
  amount: ReturnType<typeof base | typeof quote | typeof pct>,
  extra: object = {},
): Intent => ({ kind: 'order', side: 'sell', symbol, amount, type: 'market', ...extra }) as Intent;
const limit = (limitPrice: number) => ({ type: 'limit', limitPrice });
const below = (p: number) => ({ trigger: { direction: 'below', price: p } });
const above = (p: number) => ({ trigger: { direction: 'above', price: p } });
const cross = (p: number) => ({ trigger: { direction: 'cross', price: p } });
const clarify = (topic: ClarifyTopic) => ({ kind: 'clarify', topic, question: expect.any(String) });
const chart = (symbol: string, extra: object = {}) => ({
  kind: 'chart',
  symbol,
  overlays: [],
  panes: [],
  ...extra,
});
const alert = (symbol: string, direction: string, p: number) => ({
  kind: 'alert',
  symbol,
  trigger: { direction, price: p },
});
const refuse = (topic: string) => ({ kind: 'out_of_scope', topic });

const CASES: readonly (readonly [string, unknown])[] = [
  // prices
  ['price of eth', price('ETH')],
  ['Price of ETH?', price('ETH')],
  ['eth price', price('ETH')],
  ['btc', price('BTC')],
  ['BTC?', price('BTC')],
  ["what's the price of bitcoin", price('BTC')],
  ['what is btc trading at', price('BTC')],
  ['how much is ethereum', price('ETH')],
  ['how much is near', price('NEAR')],
  ['price of near', price('NEAR')],
  ['quote sol', price('SOL')],
  ['btc and eth prices', price('BTC', 'ETH')],
  ['btc eth sol', price('BTC', 'ETH', 'SOL')],
  ['eth/usdt', price('ETH/USDT')],
  ['ETHUSDT price', price('ETH/USDT')],
  ['price btc-eur', price('BTC/EUR')],
  ['price of eth in eur', price('ETH/EUR')],
  ["how's solana doing", price('SOL')],
  ['please tell me the price of doge', price('DOGE')],
  ['what does 1 btc cost', price('BTC')],
  ['price of pepe', price('PEPE')],
  ['price of foo', price('FOO')],
  ['xbt price', price('BTC')],
  ['ticker ada', price('ADA')],
  ['price', clarify('symbol')],
  ['what is the price', clarify('symbol')],
  ['hey bot, price of link', price('LINK')],
  ['can you check the price of ton', price('TON')],
  ['bitcoin cash price', price('BCH')],
  ['shiba inu price', price('SHIB')],
  // charts
  ['chart btc 1h with ema 20', chart('BTC', { timeframe: '1h', overlays: [{ kind: 'ema', period: 20 }] })],
  ['chart btc', chart('BTC')],
  ['btc chart', chart('BTC')],
  ['show me a 4h chart of eth', chart('ETH', { timeframe: '4h' })],
  [
    'chart eth/usdt 15m rsi macd',
    chart('ETH/USDT', { timeframe: '15m', panes: [{ kind: 'rsi' }, { kind: 'macd' }] }),
  ],
  ['graph sol daily', chart('SOL', { timeframe: '1d' })],
  [
    'candles for btc 1d with bollinger bands',
    chart('BTC', { timeframe: '1d', overlays: [{ kind: 'bollinger' }] }),
  ],
  [
    'plot eth weekly ema50 ema200',
    chart('ETH', {
      timeframe: '1w',
      overlays: [
        { kind: 'ema', period: 50 },
        { kind: 'ema', period: 200 },
      ],
    }),
  ],
  ['chart btc 1 hour', chart('BTC', { timeframe: '1h' })],
  ['btc 5min chart', chart('BTC', { timeframe: '5m' })],
  [
    'chart eth 4 hours ema 20/50',
    chart('ETH', {
      timeframe: '4h',
      overlays: [
        { kind: 'ema', period: 20 },
        { kind: 'ema', period: 50 },
      ],
    }),
  ],
  ['chart btc 1h rsi 7', chart('BTC', { timeframe: '1h', panes: [{ kind: 'rsi', period: 7 }] })],
  [
    'chart ada 30m sma 100 vwap',
    chart('ADA', { timeframe: '30m', overlays: [{ kind: 'sma', period: 100 }, { kind: 'vwap' }] }),
  ],
  [
    'chart btc 15 minutes with ma 50',
    chart('BTC', { timeframe: '15m', overlays: [{ kind: 'sma', period: 50 }] }),
  ],
  ['chart doge 1w bb', chart('DOGE', { timeframe: '1w', overlays: [{ kind: 'bollinger' }] })],
  ['chart of near 1d', chart('NEAR', { timeframe: '1d' })],
  ['candlestick chart for xrp hourly', chart('XRP', { timeframe: '1h' })],
  ['chart btc 2h', clarify('timeframe')],
  ['chart btc 3d', clarify('timeframe')],
  ['chart', clarify('symbol')],
  ['chart btc vs eth', clarify('symbol')],
  ['chart btc 1h with ema', chart('BTC', { timeframe: '1h', overlays: [{ kind: 'ema', period: 20 }] })],
  ['show me eth candles on the 5m', chart('ETH', { timeframe: '5m' })],
  // buys by base amount
  ['buy 0.5 btc', buy('BTC', base(0.5))],
  ['Buy 0.5 BTC', buy('BTC', base(0.5))],
  ['buy 0.5btc', buy('BTC', base(0.5))],
  ['buy .5 eth', buy('ETH', base(0.5))],
  ['buy 1,000 doge', buy('DOGE', base(1000))],
  ['buy 10k doge', buy('DOGE', base(10000))],
  ['buy 2 eth now', buy('ETH', base(2))],
  ['buy 2 eth at market', buy('ETH', base(2))],
  ['market buy 0.1 btc', buy('BTC', base(0.1))],
  ['please buy 3 sol', buy('SOL', base(3))],
  ['i want to buy 0.25 eth', buy('ETH', base(0.25))],
  ["i'd like to buy 1 btc", buy('BTC', base(1))],
  ['get me 0.2 eth', buy('ETH', base(0.2))],
  ['purchase 1 sol', buy('SOL', base(1))],
  ['buy half a btc', buy('BTC', base(0.5))],
  ['buy a bitcoin', buy('BTC', base(1))],
  ['buy two eth', buy('ETH', base(2))],
  ['buy btc 0.5', buy('BTC', base(0.5))],
  ['buy 100 link', buy('LINK', base(100))],
  ['buy 5 near', buy('NEAR', base(5))],
  ['buy 0.1 eth/usdt', buy('ETH/USDT', base(0.1))],
  ['buy 0.1 btc/eur', buy('BTC/EUR', base(0.1))],
  ['buy 1,500.5 ada', buy('ADA', base(1500.5))],
  ['buy 1.5m shib', buy('SHIB', base(1_500_000))],
  ['buy 2 grand of doge', clarify('amount')],
  // buys by quote amount
  ['buy $100 of eth', buy('ETH', quote(100))],
  ['buy $100 eth', buy('ETH', quote(100))],
  ['buy 100$ of eth', buy('ETH', quote(100))],
  ['buy 100 usdt of eth', buy('ETH/USDT', quote(100))],
  ['buy 100 usd of eth', buy('ETH', quote(100))],
  ['buy 100 dollars worth of sol', buy('SOL', quote(100))],
  ['buy $1k of btc', buy('BTC', quote(1000))],
  ['buy $1,000 of btc', buy('BTC', quote(1000))],
  ['buy $2.5k worth of eth', buy('ETH', quote(2500))],
  ['buy eth for $100', buy('ETH', quote(100))],
  ['buy eth with 200 usdt', buy('ETH/USDT', quote(200))],
  ['buy eth worth $50', buy('ETH', quote(50))],
  ['spend $50 on doge', buy('DOGE', quote(50))],
  ['invest 200 usdt in sol', buy('SOL/USDT', quote(200))],
  ['buy €50 of btc', buy('BTC/EUR', quote(50))],
  ['buy 50 euros of btc', buy('BTC/EUR', quote(50))],
  ['buy 100 usdc of eth', buy('ETH/USDC', quote(100))],
  ['buy $ 100 of eth', buy('ETH', quote(100))],
  // sells
  ['sell half my eth', sell('ETH', pct(50))],
  ['sell half of my eth', sell('ETH', pct(50))],
  ['sell all my btc', sell('BTC', pct(100))],
  ['sell all of my btc', sell('BTC', pct(100))],
  ['sell my entire sol', sell('SOL', pct(100))],
  ['sell everything in doge', sell('DOGE', pct(100))],
  ['sell 25% of my sol', sell('SOL', pct(25))],
  ['sell 25 % of my sol', sell('SOL', pct(25))],
  ['sell a quarter of my eth', sell('ETH', pct(25))],
  ['sell 2 eth', sell('ETH', base(2))],
  ['sell 0.01 btc at market', sell('BTC', base(0.01))],
  ['dump 1000 doge', sell('DOGE', base(1000))],
  ['sell $500 of eth', sell('ETH', quote(500))],
  // limit and conditional
  ['sell 2 eth at 2.5k', sell('ETH', base(2), limit(2500))],
  ['sell 2 eth at $2,500', sell('ETH', base(2), limit(2500))],
  ['buy 0.1 btc @ 60000', buy('BTC', base(0.1), limit(60000))],
  ['buy 0.1 btc @60k', buy('BTC', base(0.1), limit(60000))],
  ['limit buy 0.1 btc at 60k', buy('BTC', base(0.1), limit(60000))],
  ['buy 1 btc limit 29000', buy('BTC', base(1), limit(29000))],
  ['buy 1 btc limit price 29,000', buy('BTC', base(1), limit(29000))],
  ['sell 2 eth for 2500 each', sell('ETH', base(2), limit(2500))],
  ['buy 0.5 btc if price dips below 30k', buy('BTC', base(0.5), below(30000))],
  ['Buy 0.5 BTC if price dips below $30K', buy('BTC', base(0.5), below(30000))],
  ['buy 0.5 btc if it drops below 30,000', buy('BTC', base(0.5), below(30000))],
  ['buy 0.1 btc when it drops to 60k', buy('BTC', base(0.1), below(60000))],
  ['buy 0.1 btc when btc falls under 60k', buy('BTC', base(0.1), below(60000))],
  ['buy 0.1 btc if btc < 60000', buy('BTC', base(0.1), below(60000))],
  ['sell 1 eth if it goes above 4k', sell('ETH', base(1), above(4000))],
  ['sell 1 eth if price rises above 4000', sell('ETH', base(1), above(4000))],
  ['sell 1 eth if eth > 4k', sell('ETH', base(1), above(4000))],
  ['sell 1 eth when it breaks 4k', sell('ETH', base(1), above(4000))],
  ['buy 0.1 btc when it hits 60k', buy('BTC', base(0.1), cross(60000))],
  ['buy 0.1 btc once it reaches 60k', buy('BTC', base(0.1), cross(60000))],
  ["buy 0.1 btc when it's at 60k", buy('BTC', base(0.1), cross(60000))],
  ['buy 0.1 btc below 60k', buy('BTC', base(0.1), below(60000))],
  ['buy 0.1 btc on a dip to 60k', buy('BTC', base(0.1), below(60000))],
  ['sell 1 btc stop 58k', sell('BTC', base(1), below(58000))],
  ['sell 1 btc stop loss at 58,000', sell('BTC', base(1), below(58000))],
  ['sell 1 btc take profit 80k', sell('BTC', base(1), above(80000))],
  ['buy $100 of eth if it dips below 2k', buy('ETH', quote(100), below(2000))],
  [
    'buy 0.5 btc at 29.5k if price drops below 30k',
    buy('BTC', base(0.5), { ...limit(29500), ...below(30000) }),
  ],
  ['sell half my eth if it goes over 5k', sell('ETH', pct(50), above(5000))],
  // trades that must not be guessed
  ['buy btc', clarify('amount')],
  ['sell eth', clarify('amount')],
  ['buy 0.5', clarify('symbol')],
  ['buy some', clarify('symbol')],
  ['buy 1k of btc', clarify('amount')],
  ['buy 100 of eth', clarify('amount')],
  ['buy eth for 100', clarify('amount')],
  ['buy 1 btc or 2 eth', clarify('symbol')],
  ['buy 0.5 btc and 1 eth', clarify('symbol')],
  ['buy and sell btc', clarify('side')],
  ['buy 1,5 btc', clarify('number')],
  ['buy 0 btc', clarify('amount')],
  ['buy half my usdt in eth', clarify('amount')],
  ['buy 50% of eth', clarify('amount')],
  ['sell 150% of my eth', clarify('amount')],
  ['sell everything', clarify('symbol')],
  ['sell all', clarify('symbol')],
  ['buy 1 btc at market at 30k', clarify('order')],
  ['buy 0.5 btc if price dips', clarify('price')],
  ['buy eth at 2500', clarify('amount')],
  ['buy 2 eth 3', clarify('number')],
  ['buy 1 btc if price dips below 1,5k', clarify('number')],
  ['should i buy btc', clarify('amount')],
  // portfolio, pnl, orders
  ['portfolio', { kind: 'portfolio' }],
  ['show my portfolio', { kind: 'portfolio' }],
  ['my balance', { kind: 'portfolio' }],
  ['balances', { kind: 'portfolio' }],
  ['what do i hold', { kind: 'portfolio' }],
  ['show my holdings', { kind: 'portfolio' }],
  ['how much eth do i have', { kind: 'portfolio', asset: 'ETH' }],
  ["what's my btc worth", { kind: 'portfolio', asset: 'BTC' }],
  ['pnl', { kind: 'pnl' }],
  ['p&l', { kind: 'pnl' }],
  ['P/L today', { kind: 'pnl', period: 'day' }],
  ["what's my pnl this week", { kind: 'pnl', period: 'this week' }],
  ["what's my pnl for the week", { kind: 'pnl', period: 'week' }],
  ['pnl ytd', { kind: 'pnl', period: 'ytd' }],
  ['how did i do since monday', { kind: 'pnl', period: 'since monday' }],
  ['chart my equity', { kind: 'account_chart', what: 'equity' }],
  ['show my equity curve', { kind: 'account_chart', what: 'equity' }],
  ['chart my portfolio light', { kind: 'account_chart', what: 'portfolio', theme: 'light' }],
  [
    'chart btc 1h light theme',
    { kind: 'chart', symbol: 'BTC', timeframe: '1h', overlays: [], panes: [], theme: 'light' },
  ],
  ['how am i doing', { kind: 'pnl' }],
  ['how much did i make this month', { kind: 'pnl', period: 'this month' }],
  ['all-time profit', { kind: 'pnl', period: 'all' }],
  ['orders', { kind: 'orders', open: true }],
  ['my open orders', { kind: 'orders', open: true }],
  ['show orders', { kind: 'orders', open: true }],
  ['order history', { kind: 'orders', open: false }],
  ['pending orders', { kind: 'orders', open: true }],
  // cancel
  ['cancel my last order', { kind: 'cancel', ref: 'last' }],
  ['cancel order 3f2a9c1e', { kind: 'cancel', ref: '3f2a9c1e' }],
  ['cancel #3f2a', { kind: 'cancel', ref: '3f2a' }],
  [
    'cancel 8b1d6a4e-9c1f-4c1e-8a43-2b0f3e3a9d77',
    { kind: 'cancel', ref: '8b1d6a4e-9c1f-4c1e-8a43-2b0f3e3a9d77' },
  ],
  ['cancel all my orders', { kind: 'cancel', ref: 'all' }],
  ['cancel that', { kind: 'cancel', ref: 'last' }],
  ['cancel', clarify('order')],
  ['delete order 12ab34cd', { kind: 'cancel', ref: '12ab34cd' }],
  // alerts
  ['alert me when btc goes above 70k', alert('BTC', 'above', 70000)],
  ['alert btc > 70000', alert('BTC', 'above', 70000)],
  ['notify me if eth drops below 2k', alert('ETH', 'below', 2000)],
  ['set an alert for sol at 150', alert('SOL', 'cross', 150)],
  ['ping me when doge hits $0.2', alert('DOGE', 'cross', 0.2)],
  ['let me know when btc crosses 100k', alert('BTC', 'cross', 100000)],
  ['remind me if eth falls under 1,800', alert('ETH', 'below', 1800)],
  ['alert btc 70k', alert('BTC', 'cross', 70000)],
  ['alert me', clarify('symbol')],
  ['alert me about eth', clarify('price')],
  ['alert btc and eth above 50k', clarify('symbol')],
  // signals, mode, help, memory
  ['signals', { kind: 'signals' }],
  ['latest signals', { kind: 'signals' }],
  ['any signals for btc', { kind: 'signals', symbol: 'BTC' }],
  ['switch to live mode', { kind: 'mode', mode: 'live' }],
  ['go live', { kind: 'mode', mode: 'live' }],
  ['use paper trading', { kind: 'mode', mode: 'paper' }],
  ['what mode am i in', { kind: 'mode' }],
  ['help', { kind: 'help' }],
  ['what can you do', { kind: 'help' }],
  ['?', { kind: 'help' }],
  ['hi', { kind: 'greeting' }],
  ['good morning', { kind: 'greeting' }],
  ['forget our conversation', { kind: 'memory_clear' }],
  ['clear chat history', { kind: 'memory_clear' }],
  // refused
  ['show me my api key', refuse('secrets')],
  ['what is my api secret', refuse('secrets')],
  ['print the exchange credentials', refuse('secrets')],
  ['what is your private key', refuse('secrets')],
  ['withdraw 1 btc', refuse('withdraw')],
  ['withdraw everything to my wallet', refuse('withdraw')],
  ['send 1 btc to bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh', refuse('transfer')],
  ['transfer my eth to my cold wallet', refuse('transfer')],
  ['send 0.5 eth to 0x52908400098527886e0f7030069857d2e4169ee7', refuse('transfer')],
  ['raise my order limit to 1m', refuse('limits')],
  ['disable the kill switch', refuse('limits')],
  ['remove my risk limits', refuse('limits')],
  ['skip the confirmation and buy 1 btc', refuse('limits')],
  ['short btc', refuse('derivatives')],
  ['buy 1 btc with 10x leverage', refuse('derivatives')],
  // nothing to do with trading
  ['', { kind: 'unknown' }],
  ['   ', { kind: 'unknown' }],
  ['what is the meaning of life', { kind: 'unknown' }],
  ['tell me a joke', { kind: 'unknown' }],
  ['near the end of the day', { kind: 'unknown' }],
];

describe('offline intent parser', () => {
  it('covers at least 150 phrasings', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(150);
  });

  it.each(CASES)('%s', (phrase, expected) => {
    expect(parseIntent(phrase)).toEqual(expected);
  });

  it('asks a question that names the coin when the amount is missing', () => {
    expect(parseIntent('buy eth')).toMatchObject({
      kind: 'clarify',
      question: expect.stringContaining('ETH'),
    });
  });

  it('explains a badly grouped number instead of reading 1,5 as 15 or 1.5', () => {
    expect(parseIntent('buy 1,5 btc')).toMatchObject({ question: expect.stringContaining('1,5') });
  });
});

describe('input the parser cannot honour is said back, never dropped (console tester)', () => {
  it('a number in exponent form is not a usable amount or price', () => {
    for (const phrase of ['buy 1e400 eth', 'sell 2e3 btc', 'alert btc above 1e400'])
      expect(parseIntent(phrase), phrase).toEqual({
        kind: 'clarify',
        topic: 'number',
        question: expect.stringMatching(/^"\de\d+" is not a number I can use\./),
      });
  });

  it('a negative alert price is refused as such, not read as its absolute value', () => {
    for (const phrase of ['alert btc above -5', 'alert me when btc above -5', 'alert btc -5'])
      expect(parseIntent(phrase), phrase).toEqual({
        kind: 'clarify',
        topic: 'price',
        question: expect.stringMatching(/^A price must be above zero, not -5\./),
      });
  });

  it('a minus sign or en dash before a number reads as the minus it is (amounts, prices, alerts)', () => {
    for (const minus of ['\u2212', '\u2013']) {
      expect(parseIntent(`buy ${minus}5 btc`)).toMatchObject({
        kind: 'clarify',
        question: expect.stringMatching(/^An amount cannot be negative \("-5"\)/),
      });
      expect(parseIntent(`buy 0.01 btc at ${minus}100`)).toMatchObject({
        topic: 'price',
        question: expect.stringMatching(/^A price must be above zero, not -100\./),
      });
      expect(parseIntent(`alert btc above ${minus}5`)).toMatchObject({
        topic: 'price',
        question: expect.stringMatching(/^A price must be above zero, not -5\./),
      });
    }
    // A dash between words is punctuation, not a sign.
    expect(parseIntent('price of btc \u2013 now')).toMatchObject({ kind: 'price' });
  });

  it('a limit price it cannot read is said, not dropped into a market order', () => {
    for (const [phrase, word] of [
      ['buy 0.01 btc at abc', 'abc'],
      ['buy 0.01 btc @ fifty', 'fifty'],
      ['sell 0.1 eth at coinbase', 'coinbase'],
    ] as const)
      expect(parseIntent(phrase), phrase).toEqual({
        kind: 'clarify',
        topic: 'price',
        question: expect.stringContaining(`I could not read "${word}" as a price.`),
      });
    // Words that say "at the going price" keep the market order.
    for (const phrase of [
      'buy 0.01 btc at the current price',
      'buy 0.01 btc at market',
      'buy 0.01 btc now',
      'buy 0.01 btc at once',
      'sell 0.5 eth right away',
      'buy 0.01 btc straight away please',
    ])
      expect(parseIntent(phrase), phrase).toMatchObject({ kind: 'order', type: 'market' });
    expect(parseIntent('buy 0.01 btc now at 50k')).toMatchObject({ kind: 'clarify', topic: 'order' });
    expect(parseIntent('buy 0.01 btc at once at 50k')).toMatchObject({ kind: 'clarify' });
    expect(parseIntent('buy 0.01 btc once it drops to 60k')).toMatchObject({
      kind: 'order',
      trigger: { direction: 'below', price: 60_000 },
    });
    expect(parseIntent('buy 0.01 btc at 50k')).toMatchObject({
      kind: 'order',
      type: 'limit',
      limitPrice: 50_000,
    });
  });

  it('cancel with something that is not an order id names it', () => {
    for (const phrase of ['cancel zzzz', 'cancel order zzzz', 'cancel #zzzz'])
      expect(parseIntent(phrase), phrase).toEqual({
        kind: 'clarify',
        topic: 'order',
        question: expect.stringMatching(/^No order zzzz of yours/),
      });
    expect(parseIntent('cancel my btc order')).toMatchObject({ question: /^Which order\?/ });
  });
});

describe('a chart period of four or more digits is read, not replaced by the default', () => {
  it.each([
    'chart btc 1h with ema 9999',
    'chart btc 1h ema9999',
    'chart btc sma 20/1000',
    'chart btc rsi 5000',
  ])('%s', (phrase) => {
    expect(parseIntent(phrase)).toEqual({
      kind: 'clarify',
      topic: 'option',
      question: expect.stringMatching(/^I can draw (EMA|SMA|RSI) with a period from 2 to \d+, not \d{4}\./),
    });
  });
});
