/**
 * A `signals` role process for the crash test (crash.test.ts): configuration from the environment,
 * the role, `signals-working` on stdout once it holds the engine lock (until then it is a warm
 * standby), and a graceful stop on SIGTERM. Production starts the same role through
 * `cryptopulse start --roles signals`.
 *
 *   --page N            candles per pair per pass (small pages: many commit points)
 *   --pause KIND:N      at the N-th time the engine reaches KIND (`commit`: its transaction committed,
 *                       nothing relayed yet; `append`: the relay's XADDs done, the rows not yet marked
 *                       published), print `paused KIND` and stop there, so the parent's SIGKILL lands
 *                       exactly in that window.
 *
 * Run with `node --import tsx` (not the tsx CLI, which forks a second process a SIGKILL would miss).
 */
import { loadConfig, secretValues } from '../../../core/config.ts';
import { createAppContext } from '../../../core/context.ts';
import { createLogger } from '../../../core/logger.ts';
import type { EngineHooks } from '../engine.ts';
import { startSignalsRole } from '../role.ts';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const [pauseKind, pauseAt] = (arg('--pause') ?? 'none:0').split(':') as [string, string];
let seen = 0;
const at = (kind: string) => async () => {
  if (kind !== pauseKind || ++seen !== Number(pauseAt)) return;
  process.stdout.write(`paused ${kind}\n`);
  await new Promise(() => {}); // until the parent's SIGKILL
};
const hooks: EngineHooks = { afterCommit: at('commit'), afterAppend: at('append') };

const config = loadConfig(process.env);
const logger = createLogger({ level: config.LOG_LEVEL, secrets: secretValues(process.env) });
const ctx = createAppContext(config, logger);
const role = await startSignalsRole(ctx, undefined, {
  pageSize: Number(arg('--page') ?? 1000),
  standbyPollMs: 50,
  hooks,
  onWorking: () => process.stdout.write('signals-working\n'),
});
process.stdout.write('standby\n');
process.once('SIGTERM', () => {
  role
    .stop()
    .then(() => ctx.close())
    .finally(() => process.exit(0));
});
