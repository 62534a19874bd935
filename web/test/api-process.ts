/**
 * The real `api` role (`cryptopulse start --roles api`) as a child process on a fixed port, so the
 * browser tests and the benchmark can stop and start it again at the same address.
 */
import { once } from 'node:events';
import { createServer } from 'node:net';
import { type CliRun, spawnCli } from '../../test/support/cli.ts';

export async function unusedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

export interface ApiProcess {
  readonly url: string;
  start(): Promise<void>;
  /** SIGTERM, then wait until the process has exited. */
  stop(): Promise<void>;
}

export function apiProcess(env: Record<string, string>, port: number): ApiProcess {
  let run: CliRun | undefined;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    async start() {
      run = spawnCli(['start', '--roles', 'api'], {
        EXCHANGE: 'sim',
        // The tests load the page many times a minute from one address.
        RATE_LIMIT_PER_MINUTE: '100000',
        LOG_LEVEL: 'warn',
        ...env,
        API_HOST: '127.0.0.1',
        API_PORT: String(port),
      });
      await run.waitFor(/API on http:\/\//, 60_000);
    },
    async stop() {
      if (!run || run.child.exitCode !== null) return;
      const exited = run.exited;
      run.child.kill('SIGTERM');
      await exited;
    },
  };
}
