/**
 * `cryptopulse chat`: the console adapter. One local user talks to the same agent core as Discord and
 * Telegram: lines starting with "/" are commands, everything else is free text. Charts are saved as PNG
 * files and their paths printed; an order proposal asks "Confirm? [y/N]" and the answer is sent as the
 * owner's button press (the console's typed confirmation). Drivable through stdin for tests and scripts.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { createChartRenderer } from '../../charts/render.ts';
import { createAgent } from '../../core/agent/agent.ts';
import { bindServices } from '../../core/agent/bindings.ts';
import type { Inbound } from '../../core/agent/inbound.ts';
import type { AgentServices, OrderView } from '../../core/agent/ports.ts';
import { orderLine } from '../../core/agent/present/trading.ts';
import type { Reply } from '../../core/agent/reply.ts';
import type { AppContext } from '../../core/context.ts';
import { toAppError } from '../../core/errors.ts';
import { renderMarkdown } from './render.ts';

export interface ConsoleIO {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
  /** Where chart PNGs are written. Default: <system temp dir>/cryptopulse-charts (the path is printed). */
  readonly imageDir?: string;
  /** ANSI styling. Default: when the output is a terminal. */
  readonly color?: boolean;
}

export interface ConsoleOptions {
  /** Ports to use instead of binding this process' own (e.g. the demo shares its services). */
  readonly services?: AgentServices;
  /** How long to wait for a confirmed order to fill before giving the prompt back. Default 15 s. */
  readonly fillWaitMs?: number;
}

const FINAL = new Set(['FILLED', 'REJECTED', 'FAILED', 'CANCELLED', 'EXPIRED']);
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
  options: ConsoleOptions = {},
): Promise<void> {
  const color = io.color ?? Boolean((io.output as { isTTY?: boolean }).isTTY);
  const print = (s = '') => io.output.write(`${s}\n`);
  const imageDir = resolve(io.imageDir ?? join(tmpdir(), 'cryptopulse-charts'));
  const charts = options.services ? undefined : createChartRenderer({ workers: 0 });
  const bound = options.services ? undefined : bindServices(ctx, { charts: charts! });
  const services = options.services ?? bound!.services;
  const agent = createAgent({
    services,
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
      await sleep(150);
    }
    if (!order) return;
    if (order.status === 'FILLED') print(renderMarkdown(`Filled: ${orderLine(order)}`, color));
    else if (FINAL.has(order.status))
      print(renderMarkdown(`${orderLine(order)}${order.error ? ` (${order.error})` : ''}`, color));
    else if (!order.trigger)
      print(`The order is ${order.status}: is a worker running? (cryptopulse start --roles worker)`);
  }

  async function send(inbound: Inbound): Promise<readonly Reply[]> {
    try {
      return await agent.handle(inbound);
    } catch (err) {
      // Refused button presses are thrown so chat adapters can answer privately; here we just say it.
      return [{ kind: 'text', markdown: toAppError(err).userMessage }];
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
        const answer = (await ask('Confirm? [y/N] '))?.trim().toLowerCase();
        const confirm = answer === 'y' || answer === 'yes';
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
      const command = /^\/(\S+)\s*([\s\S]*)$/.exec(line);
      const inbound: Inbound = command
        ? { ...base, kind: 'command', command: command[1]!, args: command[2]! }
        : { ...base, kind: 'text', text: line };
      await show(await send(inbound));
    }
  } finally {
    rl.close();
    await bound?.close();
    await charts?.close();
  }
}
