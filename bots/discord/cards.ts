/**
 * Cards built from the core's plain data (not from reply text): the signal card the broadcaster sends
 * and the order card of a notification. Colour carries the side at a glance: long/buy green,
 * short/sell red; an order that ended without a fill is grey.
 */
import type { APIEmbed } from 'discord.js';
import type { OrderView, SignalView } from '../../core/agent/ports.ts';
import { readable, trimZeros } from '../../core/format/numbers.ts';
import { escapeDiscord } from './markdown.ts';
import { COLORS, type DiscordFile, type DiscordMessage, safeFilename } from './render.ts';

/** Numbers rounded for reading; exact decimal strings (order amounts) shown as given, zeros trimmed. */
const num = (n: number | string): string => (typeof n === 'string' ? trimZeros(n) : readable(n, 100));

export interface ChartImage {
  readonly png: Buffer;
  readonly alt: string;
}

export function signalCard(signal: SignalView, chart?: ChartImage): DiscordMessage {
  const file: DiscordFile | undefined = chart
    ? { name: safeFilename(`signal-${signal.id}`), data: chart.png, description: chart.alt.slice(0, 1024) }
    : undefined;
  const embed: APIEmbed = {
    title: `${signal.side === 'long' ? '🟢 LONG' : '🔴 SHORT'} ${signal.pair}`,
    description: escapeDiscord(signal.reason),
    color: signal.side === 'long' ? COLORS.up : COLORS.down,
    fields: [
      { name: 'Entry', value: num(signal.entry), inline: true },
      { name: 'Stop-loss', value: num(signal.stopLoss), inline: true },
      { name: 'Take-profit', value: num(signal.takeProfit), inline: true },
      { name: 'Confidence', value: `${Math.round(signal.confidence * 100)}%`, inline: true },
      { name: 'Mode', value: signal.mode === 'live' ? 'Live' : 'Paper', inline: true },
    ],
    footer: { text: `Signal ${signal.id} · not financial advice` },
    timestamp: signal.openedAt.toISOString(),
    ...(file ? { image: { url: `attachment://${file.name}` } } : {}),
  };
  return { embeds: [embed], files: file ? [file] : [], components: [] };
}

const ENDED_WITHOUT_FILL = new Set<OrderView['status']>(['REJECTED', 'FAILED', 'CANCELLED', 'EXPIRED']);

export function orderColor(order: Pick<OrderView, 'side' | 'status'>): number {
  if (ENDED_WITHOUT_FILL.has(order.status)) return COLORS.muted;
  return order.side === 'buy' ? COLORS.up : COLORS.down;
}

export function orderEmbed(order: OrderView, headline?: string): APIEmbed {
  const fields = [
    { name: 'Status', value: order.status.replace('_', ' '), inline: true },
    { name: 'Amount', value: num(order.amount), inline: true },
    { name: 'Filled', value: num(order.filledAmount), inline: true },
  ];
  if (order.avgFillPrice !== undefined)
    fields.push({ name: 'Avg price', value: num(order.avgFillPrice), inline: true });
  if (order.limitPrice !== undefined)
    fields.push({ name: 'Limit', value: num(order.limitPrice), inline: true });
  if (order.trigger)
    fields.push({
      name: 'Trigger',
      value: `${order.trigger.direction} ${num(order.trigger.price)}`,
      inline: true,
    });
  if (order.error)
    fields.push({ name: 'Reason', value: escapeDiscord(order.error).slice(0, 1024), inline: false });
  return {
    title: `${order.side.toUpperCase()} ${order.symbol} · ${order.type}${order.mode === 'paper' ? ' · paper' : ''}`,
    ...(headline ? { description: escapeDiscord(headline) } : {}),
    color: orderColor(order),
    fields,
    footer: { text: `Order ${order.id.slice(0, 8)}` },
    timestamp: order.createdAt.toISOString(),
  };
}

export function orderCard(order: OrderView, headline?: string): DiscordMessage {
  return { embeds: [orderEmbed(order, headline)], files: [], components: [] };
}
