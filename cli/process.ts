/**
 * Runs a set of roles in this process until SIGINT/SIGTERM, then stops them in reverse start order:
 * intake stops first, in-flight work finishes, connections close, and the process exits 0. A stop that
 * overruns SHUTDOWN_TIMEOUT_MS exits 1 rather than hang.
 */
import type { Config } from '../core/config.ts';
import {
  type AppContext,
  createAppContext,
  type RoleHandle,
  type RoleName,
  type RoleRuntime,
  START_ORDER,
} from '../core/context.ts';
import type { Logger } from '../core/logger.ts';
import { setMetricsRole } from '../core/metrics.ts';
import { ROLE_STARTERS } from './roles.ts';
import { createProcessServices, type ProcessServices } from './services.ts';

export interface RunningProcess {
  readonly ctx: AppContext;
  readonly services: ProcessServices;
  readonly handles: readonly RoleHandle[];
  readonly skipped: readonly RoleName[];
  stop(reason: string): Promise<void>;
}

export async function startRoles(
  config: Config,
  logger: Logger,
  roles: readonly RoleName[],
): Promise<RunningProcess> {
  setMetricsRole(roles);
  const ctx = createAppContext(config, logger);
  const services = createProcessServices(ctx);
  const handles: RoleHandle[] = [];
  const skipped: RoleName[] = [];
  const runtime: RoleRuntime = { roles, httpPlugins: [] };
  try {
    for (const role of START_ORDER.filter((r) => roles.includes(r))) {
      const start = ROLE_STARTERS[role];
      if (!start) {
        skipped.push(role);
        continue;
      }
      handles.push(await start(ctx, runtime, services));
      logger.info({ role }, 'role started');
    }
  } catch (err) {
    await Promise.allSettled(handles.reverse().map((h) => h.stop()));
    await services.close();
    await ctx.close();
    throw err;
  }
  let stopping: Promise<void> | undefined;
  return {
    ctx,
    services,
    handles,
    skipped,
    stop(reason) {
      stopping ??= (async () => {
        logger.info({ reason }, 'stopping');
        for (const handle of [...handles].reverse()) {
          try {
            await handle.stop();
            logger.info({ role: handle.name }, 'role stopped');
          } catch (err) {
            logger.error({ err, role: handle.name }, 'role did not stop cleanly');
          }
        }
        await services.close();
        await ctx.close();
      })();
      return stopping;
    },
  };
}

/**
 * Wires the signals; resolves with the exit code. Repeated signals are ignored while stopping: a
 * terminal's Ctrl-C reaches both the bootstrap wrapper and this process, and the wrapper forwards it too.
 */
export function untilSignal(proc: RunningProcess, logger: Logger, timeoutMs: number): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      const timer = setTimeout(() => {
        logger.error({ timeoutMs }, 'stop timed out; exiting anyway');
        resolve(1);
      }, timeoutMs);
      timer.unref();
      proc.stop(signal).then(
        () => {
          clearTimeout(timer);
          resolve(0);
        },
        (err: unknown) => {
          logger.error({ err }, 'stop failed');
          resolve(1);
        },
      );
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
