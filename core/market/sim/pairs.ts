/** The simulated venue's markets: realistic price levels, daily volatility, precision and limits. */
export interface SimPair {
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  /** Centre of the price path. */
  readonly price: number;
  /** Standard deviation of the daily log return (0.03 = 3 %). */
  readonly dailyVol: number;
  /** Typical base volume per minute. */
  readonly volumePerMinute: number;
  readonly amountStep: string;
  readonly priceStep: string;
  readonly minAmount: string;
  readonly minCost: string;
}

const pair = (
  base: string,
  price: number,
  dailyVol: number,
  volumePerMinute: number,
  amountStep: string,
  priceStep: string,
): SimPair => ({
  symbol: `${base}/USDT`,
  base,
  quote: 'USDT',
  price,
  dailyVol,
  volumePerMinute,
  amountStep,
  priceStep,
  minAmount: amountStep,
  minCost: '5',
});

export const SIM_PAIRS: readonly SimPair[] = [
  pair('BTC', 65_000, 0.03, 9, '0.00001', '0.01'),
  pair('ETH', 3_200, 0.04, 140, '0.0001', '0.01'),
  pair('SOL', 150, 0.055, 1_100, '0.001', '0.01'),
  pair('BNB', 580, 0.035, 160, '0.001', '0.01'),
  pair('XRP', 0.55, 0.05, 250_000, '0.1', '0.0001'),
  pair('DOGE', 0.12, 0.06, 1_200_000, '1', '0.00001'),
];

export const SIM_TAKER_FEE = 0.001;
