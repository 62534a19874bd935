/**
 * `cryptopulse <command>` (BRIEF section 7). Configuration problems end the process with code 2 and one
 * line per offending variable; no stack trace.
 */
// First: .env and quiet warnings before any other module loads (see the file).
import './environment.ts';
import { parseArgs } from 'node:util';
import { type Config, ConfigError, loadConfig, secretValues } from '../core/config.ts';
import { createAppContext, ROLE_NAMES, type RoleName } from '../core/context.ts';
import { createLogger, type Logger } from '../core/logger.ts';
import { extraArgument, postgresProblem, StoreUnavailable, storesAnswer } from './stores.ts';

const USAGE = `Usage: cryptopulse <command> [options]

Commands:
  start [--roles api,worker,bots,signals,broadcaster]   run the given roles (default: all) until Ctrl-C
  demo                                      run every role with the simulated exchange and paper trading
  migrate                                   apply database migrations (safe to repeat)
  chat                                      talk to the agent in this terminal (paper orders fill in-process)
  keys rotate                               re-encrypt every exchange credential under the newest VAULT_KEY
  killswitch on|off|status                  stop (or resume) every order on every role at once; audited
  apikeys create --name N [--limit R] | list | revoke <id>   API keys for /v1 (shown once, hashed at rest)
  backtest --file F --pair P [--timeframe 5m] [--json] [--set name=value]... [--chart equity.png]
  backtest --exchange ID --pair P --since 2024-01-01 [--until ...]
                                            run the signal strategy over a candle file or downloaded history
  dlq list [--limit N] | retry <id> | drop <id>   the broadcaster's dead letters (signals:dlq)
  help                                      show this text

Configuration comes from the environment (see .env.example).`;

class UsageError extends Error {}

// Each command loads only what it uses, on demand: a configuration error or `help` answers in well under a
// second instead of after ccxt, Prisma, discord.js and grammY have loaded (several seconds on a busy machine).

function parseRoles(value: string | undefined): RoleName[] {
  // No --roles: every role. `--roles ""` (an empty variable in a script) is a mistake, not "all".
  if (value === undefined) return [...ROLE_NAMES];
  const roles = value
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  const unknown = roles.filter((r) => !(ROLE_NAMES as readonly string[]).includes(r));
  if (unknown.length || roles.length === 0) {
    throw new UsageError(
      `--roles takes a comma-separated subset of ${ROLE_NAMES.join(', ')}; got "${value}"`,
    );
  }
  return [...new Set(roles)] as RoleName[];
}

function configure(env: NodeJS.ProcessEnv): { config: Config; logger: Logger } {
  const config = loadConfig(env);
  return { config, logger: createLogger({ level: config.LOG_LEVEL, secrets: secretValues(env) }) };
}

async function runMigrate(env: NodeJS.ProcessEnv): Promise<number> {
  const { config } = configure(env);
  const { migrate } = await import('../core/db/migrate.ts');
  // Only PostgreSQL is touched here, so a socket error is about DATABASE_URL (said in one sentence).
  const result = await migrate(config.DATABASE_URL).catch((err: unknown) => {
    const problem = postgresProblem(err, config.DATABASE_URL);
    throw problem ? new StoreUnavailable(problem) : err;
  });
  if (result.createdDatabase) console.log('created the database');
  console.log(result.applied.length ? `applied ${result.applied.join(', ')}` : 'database is up to date');
  return 0;
}

/** The console adapter, with an in-process orders worker so confirmed paper orders fill here too. */
async function runChat(env: NodeJS.ProcessEnv): Promise<number> {
  const { config, logger } = configure({ LOG_LEVEL: 'warn', ...env });
  await storesAnswer(config);
  const [{ runConsoleChat }, { startWorkerRole }, { createProcessServices }] = await Promise.all([
    import('../bots/console/chat.ts'),
    import('../worker/role.ts'),
    import('./services.ts'),
  ]);
  const ctx = createAppContext(config, logger);
  // The console draws charts on its own thread: one user, no render pool worth starting.
  const services = createProcessServices(ctx, { charts: { workers: 0 } });
  const worker = await startWorkerRole(ctx, services);
  try {
    await runConsoleChat(ctx, { input: process.stdin, output: process.stdout }, services);
  } finally {
    await worker.stop();
    await services.close();
    await ctx.close();
  }
  return 0;
}

/** `keys rotate`: safe while the system runs (see core/vault/rotate.ts for the procedure). */
async function runKeysRotate(env: NodeJS.ProcessEnv): Promise<number> {
  const { config } = configure(env);
  if (!config.VAULT_KEY) throw new UsageError('keys rotate needs VAULT_KEY (v1:<key>,v2:<key>...)');
  const [{ createDb }, { rotateVaultKeys }, { vaultRing }] = await Promise.all([
    import('../core/db/client.ts'),
    import('../core/vault/rotate.ts'),
    import('../core/vault/service.ts'),
  ]);
  const db = createDb(config.DATABASE_URL, {
    poolSize: 2,
    preparedStatements: config.DATABASE_PREPARED_STATEMENTS,
  });
  try {
    const report = await rotateVaultKeys(db, vaultRing(config));
    console.log(`re-encrypted ${report.rotated} credential(s) under key version ${report.toVersion}`);
    if (report.unreadable.length) {
      console.error(`${report.unreadable.length} credential(s) use a key version missing from VAULT_KEY`);
      return 1;
    }
    return 0;
  } finally {
    await db.$disconnect();
  }
}

/** How to reach this process's stores from a second terminal; passwords are not printed. */
/** Wall minutes until accelerated sim time reaches the wall clock: lead / (speed − 1). */
function catchUpMinutes(env: NodeJS.ProcessEnv): number {
  const speed = Number(env.SIM_SPEED || 1);
  const lead = Number(env.SIM_LEAD_HOURS || 24);
  return speed > 1 ? Math.round((lead * 60) / (speed - 1)) : 0;
}

function chatHint(env: NodeJS.ProcessEnv): string {
  const hide = (raw: string | undefined) => {
    if (!raw) return undefined;
    const u = new URL(raw);
    if (u.password) u.password = '***';
    return u.toString();
  };
  // Everything the chat needs to reach this demo's stores and see its market: the same values, or it
  // would talk to another database, another Redis prefix or another exchange.
  const vars = [`REDIS_URL=${hide(env.REDIS_URL) ?? 'redis://127.0.0.1:6379'}`];
  if (env.DATABASE_URL) vars.push(`DATABASE_URL=${hide(env.DATABASE_URL)}`);
  for (const name of [
    'REDIS_PREFIX',
    'EXCHANGE',
    'TRADING_MODE',
    'LIVE_TRADING_ENABLED',
    'PAPER_START_BALANCE',
    'SIM_SPEED',
    'SIM_START',
    'SIM_LEAD_HOURS',
  ])
    if (env[name]) vars.push(`${name}=${env[name]}`);
  return `Chat from another terminal: ${vars.join(' ')} npm run cli -- chat`;
}

/** The dashboard's address, from the api role's banner line (its port may have been chosen by the OS). */
function dashboardLine(lines: readonly string[]): string[] {
  const url = lines.map((l) => /API on (http:\/\/[^\s/]+)/.exec(l)?.[1]).find(Boolean);
  return url ? [`Dashboard: ${url}/ (live signals, charts, equity and track record)`] : [];
}

async function runRoles(
  env: NodeJS.ProcessEnv,
  roles: RoleName[],
  banner: (lines: string[]) => void,
): Promise<number> {
  const { config, logger } = configure(env);
  const { startRoles, untilSignal } = await import('./process.ts');
  const proc = await startRoles(config, logger, roles);
  banner([
    ...proc.handles.map((h) => `  ${h.name.padEnd(8)} ${h.summary}`),
    ...proc.skipped.map((r) => `  ${r.padEnd(8)} not built yet; skipped`),
  ]);
  return untilSignal(proc, logger, config.SHUTDOWN_TIMEOUT_MS);
}

async function main(argv: string[]): Promise<number> {
  // backtest has its own options and its own bad-input handling (one line, exit 2).
  if (argv[0] === 'backtest') return (await import('./backtest.ts')).runBacktestCommand(argv.slice(1));
  if (argv[0] === 'apikeys')
    return (await import('./apikeys.ts')).runApiKeysCommand(argv.slice(1), process.env);
  if (argv[0] === 'dlq') return (await import('./dlq.ts')).runDlqCommand(argv.slice(1), process.env);
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { roles: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const [command = 'help'] = positionals;
  if (values.help || command === 'help') {
    console.log(USAGE);
    return 0;
  }
  // Only `killswitch <action>` and `keys rotate` take a second word; a stray one is refused, not dropped.
  const extra = extraArgument(positionals, command === 'killswitch' || command === 'keys' ? 2 : 1);
  if (extra) throw new UsageError(`${command}: ${extra}`);
  switch (command) {
    case 'migrate':
      return runMigrate(process.env);
    case 'chat':
      return runChat(process.env);
    case 'killswitch':
      return (await import('./killswitch.ts')).runKillSwitchCommand(
        configure(process.env).config,
        positionals.slice(1),
      );
    case 'keys':
      if (positionals[1] !== 'rotate') throw new UsageError('usage: cryptopulse keys rotate');
      return runKeysRotate(process.env);
    case 'start':
      return runRoles(process.env, parseRoles(values.roles), (lines) => {
        console.log(['CryptoPulse is running:', ...lines].join('\n'));
      });
    case 'demo': {
      // The demo binds to loopback unless told otherwise: it is for the person at this machine.
      const env = {
        API_HOST: '127.0.0.1',
        ...process.env,
        // Accelerated simulated time, so the signal engine's first signals appear within two minutes;
        // it starts SIM_LEAD_HOURS behind the wall clock and catches up, never running ahead of it.
        // SIM_START pins the start so a chat in another terminal shares this simulated clock.
        SIM_SPEED: process.env.SIM_SPEED || '120',
        SIM_START: process.env.SIM_START || new Date().toISOString(),
        EXCHANGE: 'sim',
        TRADING_MODE: 'paper',
        LIVE_TRADING_ENABLED: 'false',
      };
      await runMigrate(env);
      return runRoles(env, [...ROLE_NAMES], (lines) => {
        console.log(
          [
            '',
            'CryptoPulse demo: simulated market, paper trading (no real money, not financial advice).',
            ...lines,
            ...dashboardLine(lines),
            `Signals: simulated time starts ${process.env.SIM_LEAD_HOURS || 24} h behind the real clock and runs at ${env.SIM_SPEED}× until it has caught up (about ${catchUpMinutes(env)} min), then in real time, so nothing is dated in the future. The engine first replays ${process.env.SIGNAL_BACKFILL_HOURS || 24} h of candles before that (marked late); new signals appear within about two minutes (/v1/signals, the dashboard, /signals in chat).`,
            '',
            chatHint(env),
            'Press Ctrl-C to stop.',
          ].join('\n'),
        );
      });
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  if (err instanceof ConfigError) {
    console.error('Configuration error:');
    for (const p of err.problems) console.error(`  ${p.variable}: ${p.message}`);
    process.exitCode = 2;
  } else if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
  } else if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    const { address, port } = err as { address?: string; port?: number };
    console.error(
      `the API cannot listen on ${address}:${port}: the port is in use (API_PORT, API_HOST); is another CryptoPulse or program running there?`,
    );
    process.exitCode = 1;
  } else if (err instanceof StoreUnavailable) {
    console.error(err.message);
    process.exitCode = 1;
  } else {
    const store = postgresProblem(err, process.env.DATABASE_URL);
    console.error(store ?? `cryptopulse failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}
// Open handles (pools, sockets) must not keep a finished command alive.
process.exit(process.exitCode);
