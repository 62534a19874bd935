/**
 * Telegram delivery and rendering (issue 6). Delivery: 300 messages to 100 chats (70 private, 30 groups,
 * 3 each) through the real grammY client and the outbox, to the local Bot API fake that enforces
 * Telegram's limits with 0-30 ms network jitter; prints the achieved rate against the allowed 30 msg/s
 * and the busiest 1 s window Telegram saw. Rendering: a 23,000-character reply cut and rendered to
 * Telegram HTML, p50/p99.
 */
import { Api } from 'grammy';
import { Outbox } from '../bots/telegram/outbox.ts';
import { toOutgoing } from '../bots/telegram/outgoing.ts';
import { createTelegramSender, pacedBy } from '../bots/telegram/send.ts';
import { text } from '../core/agent/reply.ts';
import { TELEGRAM_LIMITS, violations } from '../test/fakes/telegram/limits.ts';
import { FakeBotApi } from '../test/fakes/telegram/server.ts';
import type { BenchRow } from './run.ts';
import { ms, percentile } from './stats.ts';

export const title = 'Telegram: delivery within rate limits, reply rendering';

const TOKEN = '123:bench';

async function delivery(): Promise<BenchRow[]> {
  const fake = new FakeBotApi({ token: TOKEN, limits: TELEGRAM_LIMITS, latencyMs: () => Math.random() * 30 });
  const api = new Api(TOKEN, { apiRoot: await fake.start() });
  api.config.use(pacedBy(new Outbox()));
  const sender = createTelegramSender(api);
  const chats = [
    ...Array.from({ length: 70 }, (_, i) => String(10_000 + i)),
    ...Array.from({ length: 30 }, (_, i) => String(-1_001_000_000_000 - i)),
  ];
  const started = performance.now();
  const sends: Promise<unknown>[] = [];
  for (let round = 0; round < 3; round++)
    for (const chat of chats) sends.push(sender.send(chat, [text(`signal ${round} for ${chat}`)]));
  await Promise.all(sends);
  const seconds = (performance.now() - started) / 1_000;
  const accepted = fake.state.attempts.filter((a) => a.accepted).map((a) => a.at);
  let peak = 0;
  for (let i = 0, j = 0; i < accepted.length; i++) {
    while (accepted[i]! - accepted[j]! >= 1_000) j++;
    peak = Math.max(peak, i - j + 1);
  }
  const refused = fake.state.attempts.length - accepted.length;
  const broken = violations(fake.state.attempts, TELEGRAM_LIMITS).length;
  await fake.stop();
  return [
    { metric: 'messages delivered', value: `${fake.state.messages.length} / 300`, note: '100 chats, 3 each' },
    {
      metric: 'achieved rate',
      value: `${(300 / seconds).toFixed(1)} msg/s`,
      note: `in ${seconds.toFixed(2)} s`,
    },
    {
      metric: 'allowed rate',
      value: `${TELEGRAM_LIMITS.global.max} msg/s`,
      note: '1/s per chat, 20/min per group',
    },
    { metric: 'busiest 1 s at Telegram', value: String(peak), note: 'messages accepted in any 1 s window' },
    { metric: '429 answers', value: String(refused) },
    { metric: 'limit violations', value: String(broken) },
  ];
}

function rendering(): BenchRow[] {
  const reply = Array.from(
    { length: 300 },
    (_, i) => `Line ${i}: **BTC/USDT** at \`64,000\` & <rising> _fast_ [chart](https://x.io/${i})`,
  ).join('\n');
  const samples: number[] = [];
  let parts = 0;
  for (let i = 0; i < 200; i++) {
    const t = performance.now();
    parts = toOutgoing([text(reply)]).length;
    samples.push(performance.now() - t);
  }
  return [
    {
      metric: 'render p50',
      value: ms(percentile(samples, 50)),
      note: `${reply.length} chars → ${parts} messages`,
    },
    { metric: 'render p99', value: ms(percentile(samples, 99)) },
  ];
}

export async function run(): Promise<BenchRow[]> {
  return [...(await delivery()), ...rendering()];
}
