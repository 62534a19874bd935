/**
 * A `signals` role process for tests that kill it: configuration from the environment, the role,
 * `signals-working` on stdout once it holds the engine lock, and a graceful stop on SIGTERM. With `--wait` it loads everything, says
 * `loaded`, and starts only when it reads `go` on stdin (a warm spare). `--page N` sets the candles per
 * pass. (Production starts the same role through `cryptopulse start --roles signals`.)
 */
import { createInterface } from 'node:readline';
import { loadConfig, secretValues } from '../../../core/config.ts';
import { createAppContext } from '../../../core/context.ts';
import { createLogger } from '../../../core/logger.ts';
import { startSignalsRole } from '../role.ts';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
if (process.argv.includes('--wait')) {
  process.stdout.write('loaded\n');
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) if (line.trim() === 'go') break;
}
const config = loadConfig(process.env);
const logger = createLogger({ level: config.LOG_LEVEL, secrets: secretValues(process.env) });
const ctx = createAppContext(config, logger);
const role = await startSignalsRole(ctx, undefined, {
  pageSize: Number(arg('--page') ?? 1000),
  standbyPollMs: 100,
  onWorking: () => process.stdout.write('signals-working\n'),
});
process.once('SIGTERM', () => {
  role
    .stop()
    .then(() => ctx.close())
    .finally(() => process.exit(0));
});
