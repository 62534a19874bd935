/** /news [coin] [hours] [chart]: top headlines with source, age, sentiment and link, and the coin's 24 h mood. */
import { z } from 'zod';
import { signedNumber } from '../../../format/numbers.ts';
import type { FeedHealth } from '../../../news/reader.ts';
import type { NewsItemView, SentimentWindow } from '../../../news/types.ts';
import { escapeMarkdown as esc } from '../../markdown.ts';
import { image, type Reply, text } from '../../reply.ts';
import { symbolArg } from '../../tools/args.ts';
import { need } from '../../tools/need.ts';
import { getNews } from '../../tools/news.ts';
import { defineCommand, type TextArgs } from '../command.ts';

const HEADLINES = 5;
const CHART_DAYS = 14;

export function signedScore(score: number): string {
  return signedNumber(score, 2, '-');
}

export function mood(score: number): string {
  return score >= 0.15 ? 'positive' : score <= -0.15 ? 'negative' : 'neutral';
}

export function age(from: Date, now: Date): string {
  const minutes = Math.max(0, Math.round((now.getTime() - from.getTime()) / 60_000));
  if (minutes < 60) return `${minutes} min ago`;
  if (minutes < 48 * 60) return `${Math.round(minutes / 60)} h ago`;
  return `${Math.round(minutes / 1440)} d ago`;
}

/** Links from the store are http(s) already; parentheses and spaces would end a Markdown link early. */
const safeUrl = (url: string) => url.replace(/[()\s<>]/g, (c) => encodeURIComponent(c));

export function sentimentLine(s: SentimentWindow): string {
  return s.score === null || s.items === 0
    ? `24 h sentiment: no ${esc(s.coin)} items in the last 24 h.`
    : `24 h sentiment: **${signedScore(s.score)}** (${mood(s.score)}) from ${s.items} item${s.items === 1 ? '' : 's'}.`;
}

export function headlineLine(i: NewsItemView, now: Date): string {
  return `- ${esc(i.title)} — ${esc(i.source)} · ${age(i.publishedAt, now)} · ${signedScore(i.sentiment)} · [link](${safeUrl(i.link)})`;
}

/**
 * Why there may be nothing new: the feeds, not the market. Empty: the end of the "No news" sentence;
 * stale: a line under headlines when no feed answered at its last try.
 */
function feedsNote(f: FeedHealth, kind: 'empty' | 'stale'): string {
  if (kind === 'stale')
    return '_None of the news feeds answered at the last try: these are the latest stored._';
  if (f.total === 0) return ': no news feed has been read yet.';
  if (f.failing === f.total)
    return `: none of the ${f.total} news feed${f.total === 1 ? '' : 's'} answered at the last try, so nothing new has come in.`;
  if (f.failing) return ` (${f.failing} of ${f.total} news feeds did not answer at the last try).`;
  return '.';
}

/** "btc 48 chart", "48", "eth chart": a coin, a number of hours and the word chart, in any order. */
function readNewsText(line: string): TextArgs {
  const args: Record<string, unknown> = {};
  for (const word of line.trim().split(/\s+/).filter(Boolean)) {
    const w = word.toLowerCase();
    if (w === 'chart') args.chart = true;
    else if (/^\d{1,3}h?$/.test(w)) args.hours = Number(w.replace('h', ''));
    else if (/^[-+]?[\d.,]*\d[\d.,]*(?:e[-+]?\d+)?h?$/.test(w))
      return {
        ok: false,
        reply: `"${word}" is not a number of hours: give a whole number from 1 to 168, e.g. /news btc 24.`,
      };
    else if (!args.coin) args.coin = word;
    else return { ok: false, reply: 'Usage: /news [coin] [hours] [chart], e.g. /news btc 24' };
  }
  return { ok: true, args };
}

export const newsCommand = defineCommand({
  name: 'news',
  description: 'Latest crypto headlines with sentiment, for one coin or the market',
  examples: ['', 'btc', 'eth 48', 'sol chart'],
  args: z
    .object({
      coin: symbolArg.optional(),
      hours: z.number().int().min(1).max(168).default(24).describe('How far back, in hours (1-168)'),
      chart: z.boolean().default(false).describe('Add the sentiment chart of the last 14 days'),
    })
    .strict(),
  parseText: readNewsText,
  needs: ['news'],
  async handler({ coin, hours, chart }, ctx) {
    if (coin && !need(ctx.services, 'news').coin(coin))
      return [
        text(`I have no news for a coin named ${esc(coin.toUpperCase())}: name one such as BTC, ETH or SOL.`),
      ];
    const r = await ctx.tool(getNews, { ...(coin ? { symbol: coin } : {}), hours, limit: HEADLINES });
    const now = r.at;
    const what = r.coin ? esc(r.coin) : 'crypto';
    const lines = [`**News · ${what}** · last ${hours} h`];
    if (r.sentiment) lines.push(sentimentLine(r.sentiment));
    if (r.items.length) lines.push(...r.items.map((i) => headlineLine(i, now)));
    else lines.push(`No ${what} news in the last ${hours} h${feedsNote(r.feeds, 'empty')}`);
    if (r.items.length && r.feeds.total && r.feeds.failing === r.feeds.total)
      lines.push(feedsNote(r.feeds, 'stale'));
    const replies: Reply[] = [text(lines.join('\n'))];
    if (chart && r.coin) {
      const { png, alt } = await need(ctx.services, 'news').sentimentChart(r.coin, CHART_DAYS);
      replies.push(image(png, alt, `${r.coin.toLowerCase()}-sentiment.png`));
    }
    return replies;
  },
});
