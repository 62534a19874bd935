/**
 * A worker process for tests that kill it: configuration from the environment, the worker role, a line
 * on stdout once it takes jobs, and a graceful stop on SIGTERM. With `--wait` it loads everything, says
 * `loaded`, and starts the role only when it reads `go` on stdin: a warm spare that takes over within
 * milliseconds of the previous worker's death. (Production starts the same role through
 * `cryptopulse start --roles worker`.)
 */
import { createInterface } from 'node:readline';
import { loadConfig, secretValues } from '../../core/config.ts';
import { createAppContext } from '../../core/context.ts';
import { createLogger } from '../../core/logger.ts';
import { startWorkerRole } from '../role.ts';

if (process.argv.includes('--wait')) {
  process.stdout.write('loaded\n');
  const lines = createInterface({ input: process.stdin });
  let go = false;
  for await (const line of lines) {
    if (line.trim() === 'go') {
      go = true;
      break;
    }
  }
  // stdin closed without "go": the test that spawned this spare is gone; never start a stray worker.
  if (!go) process.exit(0);
}
const config = loadConfig(process.env);
const logger = createLogger({ level: config.LOG_LEVEL, secrets: secretValues(process.env) });
const ctx = createAppContext(config, logger);
const role = await startWorkerRole(ctx);
process.stdout.write('worker-ready\n');
process.once('SIGTERM', () => {
  role
    .stop()
    .then(() => ctx.close())
    .finally(() => process.exit(0));
});
