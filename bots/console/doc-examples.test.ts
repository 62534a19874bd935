/**
 * Every chat example quoted in README.md and docs/*.md, typed into the console chat on the demo's
 * defaults (sim market, paper account of 10,000 USDT). An order example must give a confirmation card
 * (plain buys are confirmed, the rest declined), an example the docs call ambiguous must give a question, and
 * every other one an answer: never "I did not understand", "not enough", or an error.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProcessServices } from '../../cli/services.ts';
import { helpText } from '../../core/agent/commands/help.ts';
import { COMMANDS } from '../../core/agent/commands/registry.ts';
import { createTradingTestContext, type TradingTestContext } from '../../core/trading/testing/app-context.ts';
import { ROOT } from '../../test/support/cli.ts';
import { startWorkerRole } from '../../worker/role.ts';
import { runConsoleChat } from './chat.ts';

// A bare coin opens a chat example only in lower case ("btc eth sol"); "ETH Zurich" in docs/news.md is a headline.
const CHAT_VERB =
  /^(?:(?:buy|sell|spend|price|chart|alert|my |portfolio|pnl|cancel|what|how|show)\b|(?:btc|eth|sol)\b)/i;
const CHAT_START = (e: string) => CHAT_VERB.test(e) && !/^(?:BTC|ETH|SOL|Btc|Eth|Sol)\b/.test(e);

/** The quoted chat examples of a Markdown file, with the sentence they appear in. */
function examples(file: string): { example: string; sentence: string }[] {
  const text = readFileSync(file, 'utf8').replace(/\n/g, ' ');
  const found: { example: string; sentence: string }[] = [];
  for (const m of text.matchAll(/"([^"]{3,80})"/g)) {
    const example = m[1]!.trim();
    if (!CHAT_START(example) || /[`{}<>=]|\$\{/.test(example) || example.includes('npm ')) continue;
    const start = text.lastIndexOf('. ', m.index) + 2;
    found.push({ example, sentence: text.slice(start, m.index + m[0].length + 40) });
  }
  return found;
}

const FILES = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const DOCS = FILES.flatMap((f) => examples(join(ROOT, f)).map((e) => ({ ...e, file: f })));
/**
 * The help's examples too: every "/command example" /help lists and the free-text ones it quotes.
 * Placeholders like <api-key> are not examples.
 */
const HELP = [
  ...COMMANDS.flatMap((c) =>
    (c.examples ?? [])
      .filter((e) => !/[<>]/.test(e))
      .map((e) => ({ example: `/${c.name}${e ? ` ${e}` : ''}`, sentence: '', file: 'help' })),
  ),
  ...[
    ...helpText('dm')
      .slice(helpText('dm').indexOf('Or just write'))
      .matchAll(/"([^"]{3,80})"/g),
  ].map((m) => ({
    example: m[1]!,
    sentence: '',
    file: 'help (free text)',
  })),
];
const ALL = [...DOCS, ...HELP];
const FAILURE =
  /I did not understand|Not enough|could not read|not available|went wrong|failed|There is no \/|Usage:/;

describe('every chat example in README.md and docs/ works on the demo defaults', () => {
  let t: TradingTestContext;
  let stop: () => Promise<void>;
  let output = '';
  const input = new PassThrough();
  let done: Promise<void>;

  beforeAll(async () => {
    t = await createTradingTestContext('doc-examples', {
      EXCHANGE: 'sim',
      TRADING_MODE: 'paper',
      PAPER_START_BALANCE: '10000',
      ORDERS_PER_MINUTE: '1000',
    });
    const services = createProcessServices(t.app, { charts: { workers: 0 } });
    const worker = await startWorkerRole(t.app, services);
    stop = async () => {
      await worker.stop();
      await services.close();
    };
    const out = new Writable({
      write(chunk, _enc, cb) {
        output += String(chunk);
        cb();
      },
    });
    done = runConsoleChat(t.app, { input, output: out, color: false }, services);
    while (!output.endsWith('> ')) await sleep(20);
  }, 60_000);

  afterAll(async () => {
    input.end('exit\n');
    await done;
    await stop?.();
    await t?.close();
  });

  /**
   * Types `line`; confirms a plain buy (so the sell examples that follow have something to sell, as in a
   * real first session) and declines any other card; returns everything printed until the next prompt.
   */
  async function say(line: string): Promise<string> {
    const answer = /^\/?(buy|spend)\b/i.test(line) && !/\b(if|at|when|below|above)\b/i.test(line) ? 'y' : 'n';
    const from = output.length;
    input.write(`${line}\n`);
    let declined = 0;
    for (;;) {
      const said = output.slice(from);
      const asked = said.match(/Confirm\? \[y\/n\] /g)?.length ?? 0;
      if (asked > declined) {
        declined = asked;
        input.write(`${answer}\n`);
      } else if (/(?:^|\n)> $/.test(said)) return said;
      await sleep(20);
    }
  }

  it('finds the examples', () => {
    expect(DOCS.length).toBeGreaterThanOrEqual(10);
    expect(HELP.map((e) => e.example)).toContain('/buy 0.01 btc');
    expect(ALL.map((e) => e.example)).toContain('buy 0.1 btc if price dips below 30k');
  });

  it.each(ALL)(
    '$file: "$example"',
    async ({ example, sentence }) => {
      const said = await say(example);
      const ambiguous = /ambiguous|gets a question|asks/i.test(sentence);
      if (ambiguous) expect(said, said).toMatch(/\?/);
      else if (/^\/?(buy|sell|spend)\b/i.test(example)) expect(said, said).toMatch(/Confirm this order\?/);
      if (!ambiguous) expect(said, said).not.toMatch(FAILURE);
    },
    30_000,
  );
});
