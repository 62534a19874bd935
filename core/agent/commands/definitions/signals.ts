/** /signals, /alert, /subscribe, /unsubscribe, /subscriptions. */
import { z } from 'zod';
import { isAppError } from '../../../errors.ts';
import { signed } from '../../../format/numbers.ts';
import { escapeMarkdown as esc } from '../../markdown.ts';
import type { SubscriptionView } from '../../ports.ts';
import { formatPrice } from '../../present/numbers.ts';
import { alertsText, alertText } from '../../present/trading.ts';
import { text } from '../../reply.ts';
import { cancelAlert, getSignals, listAlerts, setAlert } from '../../tools/account.ts';
import { positiveNumber, symbolArg } from '../../tools/args.ts';
import { need } from '../../tools/need.ts';
import type { CommandContext, TextArgs } from '../command.ts';
import { defineCommand } from '../command.ts';
import { positional, viaIntent } from '../text-args.ts';

export const signalsCommand = defineCommand({
  name: 'signals',
  description: 'Latest strategy signals, optionally for one pair',
  examples: ['', 'btc'],
  args: z.object({ pair: symbolArg.optional() }).strict(),
  parseText: positional(['pair']),
  needs: ['signals'],
  async handler({ pair }, ctx) {
    const signals = await ctx.tool(getSignals, pair ? { pair, limit: 5 } : { limit: 5 });
    if (!signals.length) return [text(pair ? await noSignalsFor(pair, ctx) : 'No recent signals.')];
    const outcome = (s: (typeof signals)[number]) =>
      s.exit ? `${esc(s.status)} ${signed(s.exit.r, 2)} R` : esc(s.status);
    const lines = signals.map(
      (s) =>
        `- **${esc(s.pair)}** ${s.side} @ ${formatPrice(s.entry, s.pair)} · SL ${formatPrice(s.stopLoss, s.pair)} · TP ${formatPrice(s.takeProfit, s.pair)} · ${Math.round(s.confidence * 100)}% · ${outcome(s)}`,
    );
    const port = ctx.services.signals;
    const record = port?.record ? await port.record(pair ? { pair: pair.toUpperCase() } : {}) : undefined;
    const pct = (x: number | null, d = 1) => (x === null ? '—' : `${x.toFixed(d)}%`);
    const recordLine = record?.closed
      ? `Track record (paper, ${record.closed} closed): win rate ${pct(record.winRate === null ? null : record.winRate * 100)} · profit factor ${record.profitFactor === null ? '—' : record.profitFactor.toFixed(2)} · expectancy ${record.expectancyR === null ? '—' : `${record.expectancyR.toFixed(2)} R`} · max drawdown ${pct(record.maxDrawdownPct)} · return ${pct(record.returnPct, 2)}`
      : undefined;
    return [text(['**Latest signals**', ...lines, ...(recordLine ? [esc(recordLine)] : [])].join('\n'))];
  },
});

/**
 * Why a pair has no signals: not a market on this venue, not a pair the strategy runs on, or simply
 * nothing recent. The strategy's pairs are named whenever they are the reason.
 */
async function noSignalsFor(pair: string, ctx: CommandContext): Promise<string> {
  const asked = esc(pair.toUpperCase());
  const pairs = ctx.services.signals?.pairs;
  const runsOn = pairs?.length ? ` The strategy runs on ${pairs.map(esc).join(', ')}.` : '';
  const market = ctx.services.market;
  if (!market) return `No recent signals for ${asked}.${runsOn}`;
  const resolved = await market.resolveSymbol(pair).catch((err: unknown) => {
    if (isAppError(err, 'ERR_UNKNOWN_SYMBOL')) return undefined;
    throw err;
  });
  if (!resolved) return `${asked} is not a market here.${runsOn}`;
  if (pairs?.length && !pairs.includes(resolved))
    return `No signals for ${esc(resolved)}:${runsOn.replace(' The', ' the')}`;
  return `No recent signals for ${asked}.`;
}

export const alertCommand = defineCommand({
  name: 'alert',
  description: 'Tell me when a price crosses a level',
  examples: ['btc above 70k', 'eth below 2k', 'sol 150'],
  args: z
    .object({
      symbol: symbolArg,
      price: positiveNumber.describe('Price level'),
      direction: z.enum(['above', 'below']).optional().describe('Default: from the current price'),
    })
    .strict(),
  parseText: viaIntent('alert', 'alert', 'alert', '/alert btc above 70k'),
  personal: true,
  needs: ['market', 'trading'],
  async handler(args, ctx) {
    return [text(alertText(await ctx.tool(setAlert, args)))];
  },
});

/** What the cancel_alert tool accepts as an id; anything else is answered here in words, not as a tool error. */
const ALERT_ID = /^[0-9a-f]{4}[0-9a-f-]{0,32}$/i;

export const alertsCommand = defineCommand({
  name: 'alerts',
  description: 'Your price alerts; "cancel <id>" removes one',
  examples: ['', 'cancel 3f2a9c1e'],
  args: z
    .object({
      action: z.enum(['list', 'cancel']).default('list'),
      id: z.string().trim().max(40).optional(),
    })
    .strict(),
  parseText: positional(['action', 'id']),
  needs: ['trading'],
  async handler({ action, id }, ctx) {
    if (action === 'cancel') {
      if (!id) return [text('Which alert? Send /alerts to see their ids, then "cancel alert 3f2a9c1e".')];
      const ref = id.replace(/^#/, '');
      if (!ALERT_ID.test(ref))
        return [text(`You have no alert ${esc(ref)}: an alert id looks like 3f2a9c1e. /alerts lists yours.`)];
      const a = await ctx.tool(cancelAlert, { alert_id: ref });
      return [
        text(
          `Alert removed: ${esc(a.symbol)} ${a.direction} ${formatPrice(a.price, a.symbol)} (\`${a.id.slice(0, 8)}\`).`,
        ),
      ];
    }
    return [text(alertsText(await ctx.tool(listAlerts, {})))];
  },
});

const CHANNEL = /^(@[A-Za-z][\w]{3,31}|-100\d{5,15})$/;
const MODE = /^(paper|live)$/i;
const CONFIDENCE = /^(0?\.\d+|0|1|1\.0+|\d{1,3}%)$/;
/** A number that is not a confidence as written above ("70", "7", "1.5", "-0.2"): never a pair. */
const NUMBER = /^[-+]?(\d+([.,]\d*)?|[.,]\d+)%?$/;

const confidenceOf = (word: string) => (word.endsWith('%') ? Number(word.slice(0, -1)) / 100 : Number(word));

/**
 * "/subscribe [@channel] [pairs] [min-confidence] [mode]" in any order: "@name" or "-100…" is a
 * channel, "paper"/"live" the mode, "0.7" or "70%" the minimum confidence, the rest pairs; any other
 * number ("70", "150%") is refused as a confidence written another way, never taken for a pair.
 */
export function readSubscribeText(text: string): TextArgs {
  const args: Record<string, unknown> = {};
  const pairs: string[] = [];
  for (const word of text.split(/[\s,]+/).filter(Boolean)) {
    if (CHANNEL.test(word)) args.channel = word;
    else if (MODE.test(word)) args.mode = word.toLowerCase();
    else if (CONFIDENCE.test(word) && confidenceOf(word) <= 1) args.min_confidence = confidenceOf(word);
    else if (NUMBER.test(word)) {
      return {
        ok: false,
        reply: `“${word.slice(0, 12)}” is not a minimum confidence I can read: write it from 0% to 100% (e.g. 70%) or from 0 to 1 (e.g. 0.7).`,
      };
    } else pairs.push(word);
  }
  if (pairs.length) args.pairs = pairs.join(',');
  return { ok: true, args };
}

function describeSubscription(s: SubscriptionView): string {
  const which = s.pairs.length ? s.pairs.map(esc).join(', ') : 'every pair';
  const floor = s.minConfidence > 0 ? ` with confidence ≥ ${Math.round(s.minConfidence * 100)}%` : '';
  const paused = s.pausedReason ? ` — **paused**: ${esc(s.pausedReason)}` : '';
  return `${s.mode.toUpperCase()} signals for ${which}${floor}${paused}`;
}

const channelArg = z
  .string()
  .trim()
  .regex(CHANNEL, 'a channel is @name or its -100… id')
  .optional()
  .describe('Telegram channel (@name or id), from a DM with me');

export const subscribeCommand = defineCommand({
  name: 'subscribe',
  description: 'Send strategy signals to this chat (or, from a DM, to your Telegram channel)',
  examples: ['', 'BTC,ETH 70%', '@mychannel BTC/USD 0.6 paper'],
  args: z
    .object({
      channel: channelArg,
      pairs: z.string().trim().max(200).optional().describe('Comma-separated pairs; empty = all'),
      min_confidence: z
        .number()
        .min(0)
        .max(1)
        .default(0)
        .describe('Only signals at least this confident (0-1)'),
      mode: z.enum(['paper', 'live']).default('paper').describe('Paper (track record) or live signals'),
    })
    .strict(),
  parseText: readSubscribeText,
  adminInGroups: true,
  needs: ['subscriptions'],
  async handler({ channel, pairs, min_confidence, mode }, ctx) {
    const r = await need(ctx.services, 'subscriptions').subscribe(ctx.actor, {
      pairs: (pairs ?? '').split(/[\s,]+/).filter(Boolean),
      minConfidence: min_confidence,
      mode,
      platformUserId: ctx.inbound.platformUserId,
      ...(channel ? { channel } : {}),
    });
    const where = channel ? esc(r.subscription.chat) : 'This chat';
    return [
      text(
        `${r.created ? '✅ Subscribed' : '✅ Subscription updated'}. ${where} will receive ${describeSubscription(r.subscription)}: ` +
          'each as a card with a chart, and its outcome (target, stop, expiry) as a reply to that card.',
      ),
    ];
  },
});

export const unsubscribeCommand = defineCommand({
  name: 'unsubscribe',
  description: 'Stop sending signals to this chat (or, from a DM, to your Telegram channel)',
  examples: ['', '@mychannel'],
  args: z.object({ channel: channelArg }).strict(),
  parseText: positional(['channel']),
  adminInGroups: true,
  needs: ['subscriptions'],
  async handler({ channel }, ctx) {
    const r = await need(ctx.services, 'subscriptions').unsubscribe(ctx.actor, {
      platformUserId: ctx.inbound.platformUserId,
      ...(channel ? { channel } : {}),
    });
    const where = channel ? esc(r.chat) : 'this chat';
    return [
      text(r.removed ? `Unsubscribed: no more signals in ${where}.` : `${esc(r.chat)} was not subscribed.`),
    ];
  },
});

export const subscriptionsCommand = defineCommand({
  name: 'subscriptions',
  description: 'What signals this chat (and, in a DM, your channels) receives',
  args: z.object({}).strict(),
  needs: ['subscriptions'],
  async handler(_args, ctx) {
    const list = await need(ctx.services, 'subscriptions').list(ctx.actor, ctx.inbound.platformUserId);
    if (!list.length) return [text('No subscriptions here. An admin can start one with /subscribe.')];
    return [
      text(
        ['**Subscriptions**', ...list.map((s) => `- **${esc(s.chat)}**: ${describeSubscription(s)}`)].join(
          '\n',
        ),
      ),
    ];
  },
});
