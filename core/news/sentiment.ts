/**
 * Headline sentiment from -1 to +1: the AFINN lexicon of the `sentiment` package (with its negation
 * handling: "not good" counts against) plus crypto market terms it does not know or weighs wrongly.
 * Phrases ("ETF approval", "all-time high", "rug pull") are joined into one token before scoring. The
 * raw score is squashed with tanh so one strong word reads about ±0.6 and several saturate near ±1.
 */
import Sentiment from 'sentiment';

/** AFINN-style weights, -5..+5. */
const TERMS: Readonly<Record<string, number>> = {
  hack: -4,
  hacked: -4,
  hacker: -3,
  hackers: -3,
  exploit: -4,
  exploited: -4,
  exploiter: -4,
  drained: -4,
  drain: -3,
  drains: -4,
  stolen: -4,
  theft: -4,
  breach: -3,
  scam: -4,
  fraud: -4,
  ponzi: -4,
  rugpull: -5,
  rugged: -4,
  delisting: -3,
  delist: -3,
  delisted: -3,
  delists: -3,
  bankruptcy: -4,
  bankrupt: -4,
  insolvent: -4,
  insolvency: -4,
  liquidation: -2,
  liquidations: -2,
  liquidated: -2,
  lawsuit: -2,
  sues: -2,
  sued: -2,
  subpoena: -2,
  crackdown: -3,
  ban: -3,
  bans: -3,
  banned: -3,
  outflows: -2,
  outflow: -2,
  selloff: -3,
  plunge: -3,
  plunges: -3,
  plunged: -3,
  crash: -3,
  crashes: -3,
  crashed: -3,
  tumble: -3,
  tumbles: -3,
  slump: -3,
  slumps: -3,
  slides: -2,
  sink: -2,
  sinks: -2,
  dump: -2,
  dumps: -2,
  bearish: -3,
  outage: -2,
  halted: -2,
  halts: -2,
  depeg: -4,
  depegs: -4,
  depegged: -4,
  etfrejection: -3,
  etfrejected: -3,
  etfdelay: -1,
  etfdelayed: -1,
  rejects: -2,
  rejected: -2,
  fud: -2,
  capitulation: -3,
  correction: -1,
  downtrend: -2,
  wipeout: -3,
  rugpulls: -5,
  exitscam: -5,
  etfapproval: 4,
  etfapproved: 4,
  etfapproves: 4,
  etfinflows: 3,
  inflows: 2,
  inflow: 2,
  alltimehigh: 3,
  recordhigh: 3,
  ath: 3,
  rally: 2,
  rallies: 2,
  rallied: 2,
  surge: 2,
  surges: 2,
  surged: 2,
  soar: 3,
  soars: 3,
  soared: 3,
  jumps: 2,
  jumped: 2,
  climbs: 2,
  gains: 2,
  rebound: 2,
  rebounds: 2,
  recovers: 2,
  recovery: 2,
  bullish: 3,
  breakout: 2,
  adoption: 2,
  partnership: 2,
  partners: 1,
  integration: 1,
  upgrade: 1,
  upgrades: 1,
  mainnet: 1,
  launch: 1,
  launches: 1,
  listing: 2,
  listed: 1,
  lists: 1,
  approval: 2,
  approve: 2,
  approves: 2,
  approving: 2,
  approved: 2,
  greenlight: 2,
  halving: 1,
  accumulation: 1,
  accumulate: 1,
  airdrop: 1,
  moon: 2,
  pump: 1,
  uptrend: 2,
  reserve: 1,
  treasury: 1,
  institutional: 1,
};

/** Multi-word terms, matched on the lower-cased text and joined before the lexicon sees them. */
const PHRASES: readonly [string, string][] = [
  ['etf approval', 'etfapproval'],
  ['etf approved', 'etfapproved'],
  ['approves etf', 'etfapproves'],
  ['approves spot etf', 'etfapproves'],
  ['etf rejection', 'etfrejection'],
  ['rejects etf', 'etfrejected'],
  ['etf rejected', 'etfrejected'],
  ['etf delay', 'etfdelay'],
  ['delays etf', 'etfdelayed'],
  ['etf inflows', 'etfinflows'],
  ['all-time high', 'alltimehigh'],
  ['all time high', 'alltimehigh'],
  ['record high', 'recordhigh'],
  ['rug pull', 'rugpull'],
  ['rug-pull', 'rugpull'],
  ['exit scam', 'exitscam'],
  ['sell-off', 'selloff'],
  ['sell off', 'selloff'],
  ['green light', 'greenlight'],
];

const analyzer = new Sentiment();

function joinPhrases(text: string): string {
  // Punctuation goes first so "all-time high," still matches; hyphens stay for "all-time".
  let s = ` ${text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]+/gu, ' ')
    .replace(/\s+/g, ' ')} `;
  for (const [phrase, token] of PHRASES) s = s.split(` ${phrase} `).join(` ${token} `);
  return s.trim();
}

export interface Scored {
  /** -1..+1, rounded to 3 decimals. */
  readonly score: number;
  /** The words that moved it, for explanations and tests. */
  readonly words: readonly string[];
}

export function scoreSentiment(title: string, summary = ''): Scored {
  // The headline carries the story; the summary adds context at half weight.
  const head = analyzer.analyze(joinPhrases(title), { extras: TERMS });
  const body = summary ? analyzer.analyze(joinPhrases(summary), { extras: TERMS }) : undefined;
  const raw = head.score + (body ? body.score / 2 : 0);
  const score = Math.round(Math.tanh(raw / 5) * 1000) / 1000;
  return { score: Object.is(score, -0) ? 0 : score, words: [...head.words, ...(body?.words ?? [])] };
}
