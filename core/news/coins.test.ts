/**
 * Coin tagging, as a table of headlines written the way crypto news sites write them, with the coins a
 * reader would say each one is about. Half of them are traps: tickers that are English words ("one",
 * "sol", "link", "near", "dot", "op", "uni", "atom", "ton", "sand", "apt", "algo"), names that are
 * ordinary words ("ripple effect", "stellar results", "avalanche of"), headlines in capitals, and
 * tickers glued into other words.
 */
import { describe, expect, it } from 'vitest';
import { coinCode, tagCoins } from './coins.ts';

const TITLES: readonly (readonly [string, readonly string[]])[] = [
  // Names and distinctive tickers, anywhere.
  ['Bitcoin ETF approval sends BTC to a record high', ['BTC']],
  ['Ethereum developers schedule the Pectra upgrade for March', ['ETH']],
  ['Ether slips below $3,000 as ETH/BTC ratio hits a four-year low', ['ETH', 'BTC']],
  ['Solana network outage halts block production for five hours', ['SOL']],
  ['Cardano founder Charles Hoskinson responds to criticism', ['ADA']],
  ['XRP jumps 20% after Ripple wins appeal against the SEC', ['XRP']],
  ['Dogecoin rallies as Musk teases X payments; DOGE up 12%', ['DOGE']],
  ['Litecoin halving is two weeks away: what LTC holders should know', ['LTC']],
  ['Binance Coin hits new high as BNB Chain activity soars', ['BNB']],
  ['Polkadot parachain auctions resume next month', ['DOT']],
  ['Chainlink expands CCIP to 12 more blockchains', ['LINK']],
  ['Polygon completes MATIC to POL migration', ['POL']],
  ['Tron founder Justin Sun buys $100 million of TRX', ['TRX']],
  ['Shiba Inu burn rate spikes 5,000% overnight', ['SHIB']],
  ['Uniswap Labs wins dismissal of class action lawsuit', ['UNI']],
  ['Monero delisted from another exchange over privacy rules', ['XMR']],
  ['Bitcoin Cash forks again? BCH miners split over block size', ['BCH']],
  ['Ethereum Classic hashrate doubles after the Merge', ['ETC']],
  ['Tether mints $1B USDT on Tron as demand for dollars grows', ['USDT', 'TRX']],
  ['Circle launches USDC on five new chains', ['USDC']],
  ['Aave v4 proposal passes governance vote', ['AAVE']],
  ['Hedera council adds two members; HBAR steady', ['HBAR']],
  ['Arbitrum DAO votes to stake 35M ARB treasury tokens', ['ARB']],
  ['Filecoin storage deals climb to record in Q3', ['FIL']],
  ['Internet Computer (ICP) price breaks out of a six-month range', ['ICP']],
  ['Injective launches inEVM mainnet; INJ up 8%', ['INJ']],
  ['Aptos hits 2 million daily transactions', ['APT']],
  ['Algorand Foundation reports $35M exposure to FTX', ['ALGO']],
  ['Toncoin surges as Telegram adds wallet to its app', ['TON']],
  ['Dogwifhat meme coin soars after Coinbase listing', ['WIF']],
  ['The Sandbox opens its metaverse season to all players', ['SAND']],
  ['XBT futures volume tops $20B on CME', ['BTC']],
  ['Avalanche network processes record transactions; AVAX climbs', ['AVAX']],

  // Word-like tickers with evidence a coin is meant.
  ['$SOL breaks $200 as memecoin mania returns', ['SOL']],
  ['SOL/USDT breaks out of a descending triangle', ['SOL']],
  ['Whale moves 250,000 SOL to Coinbase', ['SOL']],
  ['SOL price rallies 9% after ETF filing', ['SOL']],
  ['Harmony (ONE) bridge exploit: $100M drained', ['ONE']],
  ['Harmony One rebounds 30% after the hack settlement', ['ONE']],
  ['$ONE gains as Harmony ships its sharding upgrade', ['ONE']],
  ['NEAR Protocol unveils chain abstraction roadmap', ['NEAR']],
  ['NEAR price jumps 15% on AI agent hype', ['NEAR']],
  ['LINK token breaks $20 for the first time since 2021', ['LINK']],
  ['DOT/USDT slides after Polkadot treasury report', ['DOT']],
  ['OP token unlock of 31M worth $90M lands this week', ['OP']],
  ['Optimism network upgrade lowers fees', ['OP']],
  ['UNI price surges on fee switch proposal', ['UNI']],
  ['ATOM staking yields fall as Cosmos ecosystem shrinks', ['ATOM']],
  ['Stellar Lumens (XLM) partners with MoneyGram again', ['XLM']],
  ['PEPE whales accumulate 1.2 trillion tokens', ['PEPE']],
  ['Traders pile into SOLUSDT perpetuals as funding turns positive', ['SOL']],
  ['BTCUSD holds $60K support while ETHUSD lags', ['BTC', 'ETH']],

  // False friends: ordinary words that look like tickers or names.
  ['One year after the crash, crypto lenders are back', []],
  ['Only one thing matters for bitcoin this week', ['BTC']],
  ['This is the one chart every trader should watch', []],
  ['Solar mining farms cut costs in Texas', []],
  ['Sol Strategies hires former Goldman banker as CFO', []],
  ['El Salvador’s sol de playa tourism push includes crypto', []],
  ['How to link your wallet to a hardware device', []],
  ['Near-term outlook: analysts expect volatility', []],
  ['Exchange near collapse as withdrawals freeze', []],
  ['Dot-com bubble comparisons return as AI tokens rally', []],
  ['Op-ed: regulators must stop the crackdown', []],
  ['The ripple effect of the FTX collapse is still being felt', []],
  ['Stellar results lift Coinbase shares 10%', []],
  ['An avalanche of ETF filings hits the SEC', []],
  ['Uni students launch a blockchain society', []],
  ['Atom by atom: how quantum computing threatens crypto', []],
  ['A ton of liquidations as the market wipes out longs', []],
  ['Sand mining companies test tokenized royalties', []],
  ['Apt comparison: why analysts call this cycle different', []],
  ['Algo traders dominate crypto volumes, study finds', []],
  ['Optimism returns to crypto markets after Fed decision', []],
  ['Cosmos of regulation: Europe’s MiCA explained', []],
  ['Ada Lovelace Day: women in blockchain', []],
  ['ETC group launches a new bitcoin ETP in Europe', ['BTC']],
  ['Pepe the Frog creator sues over NFT collection', []],
  ['Suits and ties: Wall Street warms to crypto', []],
  ['Filmmakers fil their documentary on the Bitcoin pizza', ['BTC']],
  ['Injection attacks on smart contracts rise', []],
  ['Tronc, the newspaper company, is not a crypto', []],
  ['Lost in the ether: $1B of bitcoin keys forgotten', ['BTC']],
  ['BlackRock’s spot ether ETFs see record inflows', ['ETH']],
  ['ETH Zurich researchers find a flaw in a popular wallet', []],
  ['Exchange settles ADA accessibility lawsuit over its app', []],
  ['ADA price slides 6% as Cardano whales sell', ['ADA']],
  ['Musk’s DOGE team targets the Treasury’s payment systems', []],
  ['DOGE price jumps as memecoins rebound', ['DOGE']],
  ['XRPL validators approve the AMM amendment', ['XRP']],

  // Capitals say nothing about intent: only cashtags, parentheses and pairs count for word-like tickers.
  ['BREAKING: ONE OF THE LARGEST EXCHANGES HALTS WITHDRAWALS', []],
  ['SOL AND BTC RALLY AS FED CUTS RATES', ['BTC']],
  ['HARMONY (ONE) BRIDGE HACKED AGAIN', ['ONE']],
  ['$LINK AND $DOT LEAD ALTCOIN GAINS', ['LINK', 'DOT']],
  ['NEAR RECORD: BITCOIN HASHRATE CLIMBS', ['BTC']],

  // Several coins, in order of first mention, each once.
  ['Bitcoin, Ether and Solana lead a $200B market rebound', ['BTC', 'ETH', 'SOL']],
  ['BTC, ETH, XRP: three charts to watch this week', ['BTC', 'ETH', 'XRP']],
  ['Bitcoin outperforms; BTC dominance nears 60%', ['BTC']],
  ['Polkadot (DOT) and Chainlink (LINK) partner on cross-chain data', ['DOT', 'LINK']],
  ['Shiba Inu and Dogecoin slump as memecoin season cools', ['SHIB', 'DOGE']],
  ['Bitcoin Cash outpaces bitcoin after halving', ['BCH', 'BTC']],
];

describe('coin tagging', () => {
  it('has at least 60 headlines, a third of them false friends', () => {
    expect(TITLES.length).toBeGreaterThanOrEqual(60);
    expect(TITLES.filter(([, coins]) => coins.length === 0).length).toBeGreaterThanOrEqual(20);
  });

  it.each(TITLES)('%s → %j', (title, coins) => {
    expect(tagCoins(title)).toEqual(coins);
  });

  it.each([
    ['btc', 'BTC'],
    ['Bitcoin', 'BTC'],
    ['BTC/USDT', 'BTC'],
    ['eth-usd', 'ETH'],
    ['sol', 'SOL'],
    ['one', 'ONE'],
    ['matic', 'POL'],
    ['xbt', 'BTC'],
  ])('a user asking for %s reads the %s tag', (input, code) => {
    expect(coinCode(input)).toBe(code);
  });

  it('a name it does not know is no coin', () => {
    expect(coinCode('banana')).toBeUndefined();
  });
});
