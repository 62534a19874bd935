/**
 * A `broadcaster` role process for tests that kill it or run several: configuration from the
 * environment (the stage's env), `broadcaster-ready` on stdout once its consumer groups exist, a
 * graceful stop on SIGTERM. `TEST_TELEGRAM_LIMITS` (JSON, TelegramRateLimits) sets the outbox's
 * limits to match a fake whose windows a test has shortened. Production starts the same role
 * through `cryptopulse start --roles broadcaster`.
 *
 * Run with `node --import tsx` (not the tsx CLI, which forks a second process a SIGKILL would miss).
 */
import type { TelegramRateLimits } from '../../../bots/telegram/outbox.ts';
import { loadConfig, secretValues } from '../../../core/config.ts';
import { createAppContext } from '../../../core/context.ts';
import { createLogger } from '../../../core/logger.ts';
import { startBroadcasterRole } from '../role.ts';

const config = loadConfig(process.env);
const logger = createLogger({ level: config.LOG_LEVEL, secrets: secretValues(process.env) });
const ctx = createAppContext(config, logger);
const limits = process.env.TEST_TELEGRAM_LIMITS
  ? (JSON.parse(process.env.TEST_TELEGRAM_LIMITS) as TelegramRateLimits)
  : undefined;
const role = await startBroadcasterRole(ctx, undefined, {
  chartWorkers: 0,
  ...(limits ? { telegramLimits: limits } : {}),
});
process.stdout.write('broadcaster-ready\n');
process.once('SIGTERM', () => {
  role
    .stop()
    .then(() => ctx.close())
    .finally(() => process.exit(0));
});
