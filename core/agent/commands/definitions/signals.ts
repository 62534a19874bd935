/** /signals, /alert, /subscribe, /unsubscribe. */
import { z } from 'zod';
import { escapeMarkdown as esc } from '../../markdown.ts';
import { formatPrice } from '../../present/numbers.ts';
import { alertsText, alertText } from '../../present/trading.ts';
import { text } from '../../reply.ts';
import { cancelAlert, getSignals, listAlerts, setAlert } from '../../tools/account.ts';
import { positiveNumber, symbolArg } from '../../tools/args.ts';
import { need } from '../../tools/need.ts';
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
    if (!signals.length)
      return [text(pair ? `No recent signals for ${esc(pair.toUpperCase())}.` : 'No recent signals.')];
    const lines = signals.map(
      (s) =>
        `- **${esc(s.pair)}** ${s.side} @ ${formatPrice(s.entry)} · SL ${formatPrice(s.stopLoss)} · TP ${formatPrice(s.takeProfit)} · ${Math.round(s.confidence * 100)}% · ${esc(s.status)}`,
    );
    return [text(['**Latest signals**', ...lines].join('\n'))];
  },
});

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
      const a = await ctx.tool(cancelAlert, { alert_id: id });
      return [
        text(
          `Alert removed: ${esc(a.symbol)} ${a.direction} ${formatPrice(a.price)} (\`${a.id.slice(0, 8)}\`).`,
        ),
      ];
    }
    return [text(alertsText(await ctx.tool(listAlerts, {})))];
  },
});

export const subscribeCommand = defineCommand({
  name: 'subscribe',
  description: 'Send strategy signals to this chat',
  examples: ['', 'BTC/USDT,ETH/USDT'],
  args: z
    .object({
      pairs: z.string().trim().max(200).optional().describe('Comma-separated pairs; empty = all'),
      min_confidence: z.number().min(0).max(1).default(0),
    })
    .strict(),
  parseText: positional(['pairs']),
  adminInGroups: true,
  needs: ['subscriptions'],
  async handler({ pairs, min_confidence }, ctx) {
    const list = (pairs ?? '')
      .split(/[\s,]+/)
      .filter(Boolean)
      .map((p) => p.toUpperCase());
    const r = await need(ctx.services, 'subscriptions').subscribe(ctx.actor, {
      pairs: list,
      minConfidence: min_confidence,
    });
    const which = r.pairs.length ? r.pairs.map(esc).join(', ') : 'all pairs';
    return [
      text(`${r.created ? 'Subscribed' : 'Subscription updated'}: this chat receives signals for ${which}.`),
    ];
  },
});

export const unsubscribeCommand = defineCommand({
  name: 'unsubscribe',
  description: 'Stop sending signals to this chat',
  args: z.object({}).strict(),
  adminInGroups: true,
  needs: ['subscriptions'],
  async handler(_args, ctx) {
    const r = await need(ctx.services, 'subscriptions').unsubscribe(ctx.actor);
    return [text(r.removed ? 'Unsubscribed: no more signals here.' : 'This chat was not subscribed.')];
  },
});
