/**
 * `cryptopulse chat`: the console adapter. One local user talks to the same agent core as Discord and
 * Telegram: lines starting with "/" are commands, everything else is free text. Charts are saved as PNG
 * files and their paths printed; an order proposal asks "Confirm? [y/n]" and the answer is sent as the
 * owner's button press (the console's typed confirmation): yes/y/confirm or no/n/cancel; anything else
 * is asked again, and a new request typed there is answered first. Alerts, triggers and fills arrive
 * between prompts. Drivable through stdin for tests and scripts.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { createAgent } from '../../core/agent/agent.ts';
import type { Inbound } from '../../core/agent/inbound.ts';
import { parseIntent } from '../../core/agent/intent/parse.ts';
import type { AgentServices, OrderView } from '../../core/agent/ports.ts';
import { orderLine, stateWords } from '../../core/agent/present/trading.ts';
import type { Reply } from '../../core/agent/reply.ts';
import type { AppContext } from '../../core/context.ts';
import type { Db } from '../../core/db/client.ts';
import { toAppError } from '../../core/errors.ts';
import type { TradingService } from '../../core/trading/service.ts';
import { watchOrderEvents } from './events.ts';
import { renderMarkdown } from './render.ts';

export interface ConsoleIO {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
  /** Where chart PNGs are written. Default: <system temp dir>/cryptopulse-charts (the path is printed). */
  readonly imageDir?: string;
  /** ANSI styling. Default: when the output is a terminal. */
  readonly color?: boolean;
}

export interface ConsoleServices {
  /** The agent's ports, from the process' composition root (cli/services.ts). */
  readonly agent: AgentServices;
  /** Where the agent's audit entries go; default the context's database. */
  readonly auditDb?: Db;
  /** The trading facade, for the order and alert events printed between prompts. */
  readonly trading: Pick<TradingService, 'readEvents'>;
}

export interface ConsoleOptions {
  /** How long to wait for a confirmed order to fill before giving the prompt back. Default 15 s. */
  readonly fillWaitMs?: number;
}

const FINAL = new Set(['FILLED', 'REJECTED', 'FAILED', 'CANCELLED', 'EXPIRED']);
const YES = /^(y|yes|yep|yeah|confirm|confirmed|ok|okay|sure|do it)$/;
const NO = /^(n|no|nope|cancel|decline|abort|stop)$/;

/** yes / no, or what else the answer is: a new request to answer first, or something to ask again. */
export function readAnswer(raw: string): 'yes' | 'no' | 'request' | 'unclear' {
  const a = raw
    .trim()
    .toLowerCase()
    .replace(/[.!]+$/, '');
  if (YES.test(a)) return 'yes';
  if (NO.test(a)) return 'no';
  if (a.startsWith('/')) return 'request';
  const kind = parseIntent(a).kind;
  return kind === 'unknown' || kind === 'greeting' ? 'unclear' : 'request';
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The local user's id on the console platform, e.g. "alice" (letters, digits, _ and - only). */
function localUser(): string {
  let name = 'local';
  try {
    name = userInfo().username;
  } catch {
    // No passwd entry (containers): keep the default.
  }
  return name.replace(/[^\w-]/g, '').slice(0, 32) || 'local';
}

export async function runConsoleChat(
  ctx: AppContext,
  io: ConsoleIO,
  shared: ConsoleServices,
  options: ConsoleOptions = {},
): Promise<void> {
  const color = io.color ?? Boolean((io.output as { isTTY?: boolean }).isTTY);
  const print = (s = '') => io.output.write(`${s}\n`);
  const imageDir = resolve(io.imageDir ?? join(tmpdir(), 'cryptopulse-charts'));
  const services = shared.agent;
  const agent = createAgent({
    services,
    ...(shared.auditDb ? { auditDb: shared.auditDb } : {}),
    config: ctx.config,
    logger: ctx.logger,
    db: ctx.db,
    redis: ctx.redis,
    keys: ctx.keys,
  });
  const platformUserId = localUser();
  const base = {
    platform: 'console',
    platformUserId,
    username: platformUserId,
    chatId: `console-${platformUserId}`,
    chatKind: 'dm',
  } as const;
  const actor = { ...base, userId: (await services.identity.resolve(base)).userId };

  const inboundFor = (line: string): Inbound => {
    const command = /^\/(\S+)\s*([\s\S]*)$/.exec(line);
    return command
      ? { ...base, kind: 'command', command: command[1]!, args: command[2]! }
      : { ...base, kind: 'text', text: line };
  };
  // Fills, triggers and alerts, printed as they happen; each told once, with waitForOrder.
  const told = new Set<string>();
  const events = await watchOrderEvents(shared.trading, actor.userId, (notice, e) => {
    const key = `${e.orderId ?? notice.markdown}:${e.type}`;
    if (told.has(key)) return;
    told.add(key);
    print(renderMarkdown(notice.markdown, color));
  });

  const rl = createInterface({ input: io.input, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  const ask = async (question: string): Promise<string | undefined> => {
    io.output.write(question);
    const next = await lines.next();
    if (next.done) print();
    return next.done ? undefined : next.value;
  };

  async function waitForOrder(orderId: string): Promise<void> {
    if (!services.trading) return;
    const deadline = Date.now() + (options.fillWaitMs ?? 15_000);
    let order: OrderView | undefined;
    while (Date.now() < deadline) {
      order = await services.trading.order(orderId, actor);
      if (FINAL.has(order.status) || (order.trigger && order.status === 'CONFIRMED')) break;
      // A limit the market has not reached rests on the book: say so instead of waiting for it.
      if (order.status === 'SUBMITTED' && order.limitPrice) break;
      await sleep(150);
    }
    if (!order) return;
    if (order.status === 'FILLED') {
      // The event stream may have told it already.
      if (told.has(`${order.id}:order.filled`)) return;
      told.add(`${order.id}:order.filled`);
      print(renderMarkdown(`Filled: ${orderLine(order)}`, color));
    } else if (FINAL.has(order.status))
      print(renderMarkdown(`${orderLine(order)}${order.error ? ` (${order.error})` : ''}`, color));
    else if (order.status === 'SUBMITTED' && order.limitPrice)
      print(renderMarkdown(`Your order \`${order.id.slice(0, 8)}\` is ${stateWords(order)}.`, color));
    else if (!order.trigger)
      print(
        `The order is still ${stateWords(order)} after ${Math.round((options.fillWaitMs ?? 15_000) / 1000)} s: is a worker running? (cryptopulse start --roles worker)`,
      );
  }

  async function send(inbound: Inbound): Promise<readonly Reply[]> {
    try {
      return await agent.handle(inbound);
    } catch (err) {
      // Refused button presses are thrown so chat adapters can answer privately; here we just say it.
      return [{ kind: 'text', markdown: toAppError(err).userMessage }];
    }
  }

  /** Asks until the answer is yes or no; a new request typed here is answered, then the question comes back. */
  async function askConfirmation(orderId: string | undefined): Promise<boolean> {
    let question = 'Confirm? [y/n] ';
    for (;;) {
      const raw = await ask(question);
      if (raw === undefined) return false;
      const answer = readAnswer(raw);
      if (answer === 'yes' || answer === 'no') return answer === 'yes';
      if (answer === 'request') await show(await send(inboundFor(raw.trim())));
      else print('Please answer yes or no (y/n). Or type another request; this order waits.');
      question = `Confirm order ${orderId ? `${orderId.slice(0, 8)} ` : ''}above? [y/n] `;
    }
  }

  async function show(replies: readonly Reply[]): Promise<void> {
    for (const reply of replies) {
      if (reply.kind === 'text') print(renderMarkdown(reply.markdown, color));
      else if (reply.kind === 'image') {
        await mkdir(imageDir, { recursive: true });
        const path = join(imageDir, `${Date.now()}-${reply.filename.replace(/[^\w.-]/g, '_')}`);
        await writeFile(path, reply.png);
        print(`Chart saved: ${path}`);
        print(`  ${reply.alt}`);
      } else {
        print(renderMarkdown(reply.markdown, color));
        const confirm = await askConfirmation(reply.orderId);
        const outcome = await send({
          ...base,
          kind: 'button',
          action: confirm ? 'confirm' : 'cancel',
          handle: reply.handle,
        });
        await show(outcome);
        if (
          confirm &&
          reply.orderId &&
          outcome.some((r) => r.kind === 'text' && r.markdown.startsWith('Confirmed'))
        )
          await waitForOrder(reply.orderId);
      }
    }
  }

  print(
    `CryptoPulse chat (${services.market?.exchange ?? 'no market'}, ${agent.llmEnabled ? `model ${ctx.config.LLM_MODEL}` : 'offline parser'}). /help lists commands; "exit" quits.`,
  );
  try {
    for (;;) {
      const next = await ask('> ');
      if (next === undefined) break;
      const line = next.trim();
      if (!line) continue;
      if (/^(exit|quit|\/exit|\/quit)$/i.test(line)) break;
      await show(await send(inboundFor(line)));
    }
  } finally {
    rl.close();
    await events.stop();
    await agent.drain();
  }
}
