/** /buy, /sell, /orders, /cancel. Buying and selling only ever produce a proposal card. */
import { z } from 'zod';
import { userMessageOf } from '../../../errors.ts';
import type { Side } from '../../ports.ts';
import { beingCancelled, CANCEL_AT_EXCHANGE_NOTE, orderLine, ordersText } from '../../present/trading.ts';
import { text } from '../../reply.ts';
import { orderRefArg, positiveNumber, symbolArg } from '../../tools/args.ts';
import { cancelOrder, listOrders, proposeOrder } from '../../tools/orders.ts';
import { defineCommand } from '../command.ts';
import { viaIntent } from '../text-args.ts';

const UNIT_TO_TOOL = { coins: 'base', money: 'quote', percent: 'percent' } as const;

function tradeCommand(side: Side) {
  const examples =
    side === 'buy'
      ? ['0.01 btc', '$100 of eth', '0.1 btc if price dips below 30k', '2 sol at 150']
      : ['half my eth', '0.01 btc', '0.01 eth if it goes above 4k', '0.01 eth at 4k'];
  return defineCommand({
    name: side,
    description:
      side === 'buy'
        ? 'Propose a buy (you confirm it with a button)'
        : 'Propose a sell (you confirm it with a button)',
    examples,
    args: z
      .object({
        symbol: symbolArg,
        amount: positiveNumber.describe('How much, in the unit below'),
        unit: z
          .enum(['coins', 'money', 'percent'])
          .default('coins')
          .describe('coins (0.5 BTC), money (100 USDT) or percent of the holding'),
        price: positiveNumber.optional().describe('Limit price; leave empty for a market order'),
        trigger: positiveNumber.optional().describe('Wait until the price crosses this level'),
        direction: z
          .enum(['above', 'below'])
          .optional()
          .describe('Which way the trigger is crossed (default: from the current price)'),
      })
      .strict(),
    parseText: viaIntent(side, 'order', side, `/${side} ${examples[0]}`),
    needs: ['market', 'trading'],
    async handler(args, ctx) {
      await ctx.tool(proposeOrder, {
        symbol: args.symbol,
        side,
        amount: args.amount,
        amount_unit: UNIT_TO_TOOL[args.unit],
        ...(args.price === undefined ? {} : { limit_price: args.price }),
        ...(args.trigger === undefined ? {} : { trigger_price: args.trigger }),
        ...(args.direction === undefined ? {} : { trigger_direction: args.direction }),
      });
      // The confirmation card is attached from the proposal by the agent.
      return [];
    },
  });
}

export const buyCommand = tradeCommand('buy');
export const sellCommand = tradeCommand('sell');

export const ordersCommand = defineCommand({
  name: 'orders',
  description: 'Your open orders, or all recent ones',
  examples: ['', 'all'],
  args: z.object({ scope: z.enum(['open', 'all']).default('open') }).strict(),
  parseText: (t) => ({ ok: true, args: /\b(all|history)\b/i.test(t) ? { scope: 'all' } : {} }),
  personal: true,
  needs: ['trading'],
  async handler({ scope }, ctx) {
    const { orders } = await ctx.tool(listOrders, { scope, limit: 15 });
    return [text(ordersText(orders, scope === 'open'))];
  },
});

export const cancelCommand = defineCommand({
  name: 'cancel',
  description: 'Cancel an open order by id, "last" or "all"',
  examples: ['3f2a9c1e', 'last', 'all'],
  args: z
    .object({
      order: z
        .union([z.literal('all'), orderRefArg])
        .describe('Order id (first 8 characters are enough), "last" or "all"'),
    })
    .strict(),
  parseText: viaIntent('cancel', 'cancel', 'cancel', '/cancel 3f2a9c1e'),
  personal: true,
  needs: ['trading'],
  async handler({ order }, ctx) {
    if (order !== 'all') {
      const cancelled = await ctx.tool(cancelOrder, { order_id: order });
      if (beingCancelled(cancelled))
        return [text(`Cancelling: ${orderLine(cancelled)}\n${CANCEL_AT_EXCHANGE_NOTE}`)];
      return [text(`Cancelled: ${orderLine(cancelled)}`)];
    }
    const { orders } = await ctx.tool(listOrders, { scope: 'open', limit: 20 });
    const cancellable = orders.filter((o) => o.status !== 'PROPOSED');
    if (!cancellable.length) return [text('You have no open orders to cancel.')];
    // Each cancel stands alone: one that fails (filled meanwhile, exchange down) must not hide the others.
    const results = await Promise.allSettled(
      cancellable.map((o) => ctx.tool(cancelOrder, { order_id: o.id })),
    );
    const settled = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const done = settled.filter((o) => !beingCancelled(o));
    const going = settled.filter(beingCancelled);
    const failed = results.flatMap((r, i) =>
      r.status === 'rejected' ? [{ order: cancellable[i]!, why: userMessageOf(r.reason) }] : [],
    );
    const plural = (n: number) => `${n} order${n === 1 ? '' : 's'}`;
    return [
      text(
        [
          ...(done.length
            ? [`Cancelled ${plural(done.length)}:`, ...done.map((o) => `- ${orderLine(o)}`)]
            : []),
          ...(going.length
            ? [
                `Being cancelled at the exchange (${plural(going.length)}; you get a message for each when it is done, or if it filled first):`,
                ...going.map((o) => `- ${orderLine(o)}`),
              ]
            : []),
          ...(failed.length
            ? [
                `${done.length || going.length ? 'Not cancelled' : 'Nothing was cancelled'} (${plural(failed.length)}):`,
                ...failed.map((f) => `- ${orderLine(f.order)}: ${f.why}`),
              ]
            : []),
        ].join('\n'),
      ),
    ];
  },
});
