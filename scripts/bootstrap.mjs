#!/usr/bin/env node
/**
 * The one bootstrap step behind `npm run demo`, `npm test` and `npm run bench`:
 *   1. installs dependencies when missing or stale (package-lock.json changed since the last install);
 *   2. makes sure Redis and PostgreSQL answer: REDIS_URL / DATABASE_URL if they do, else `docker compose
 *      up -d` where a Docker engine answers, else local `redis-server` / `postgres` binaries started as
 *      child processes on free ports with their data under .cryptopulse/, else a message naming what to
 *      install;
 *   3. applies database migrations, and builds the web dashboard (web/ → web/dist) when its sources changed;
 *   4. runs the given command with Node 24 first on the PATH and the resolved URLs in its environment,
 *      then stops whatever it started.
 * Plain JavaScript with no dependencies: it must run on any Node before `npm install` has happened.
 * Idempotent; a second run with nothing changed only checks.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stateDir = join(root, '.cryptopulse');
// Where locally started servers keep their data; tests point it elsewhere.
const home = process.env.CRYPTOPULSE_HOME ?? stateDir;
const bin = join(root, 'node_modules', '.bin');
const say = (msg) => process.stderr.write(`[bootstrap] ${msg}\n`);
const started = [];

function fail(msg) {
  say(msg);
  stopStarted();
  process.exit(1);
}

function sha(file) {
  return existsSync(file) ? createHash('sha256').update(readFileSync(file)).digest('hex') : 'none';
}

// 1. Dependencies --------------------------------------------------------------------------------
function ensureDependencies() {
  mkdirSync(stateDir, { recursive: true });
  const stamp = join(stateDir, 'deps.sha256');
  const want = `${sha(join(root, 'package-lock.json'))}:${sha(join(root, 'prisma', 'schema.prisma'))}`;
  const have = existsSync(stamp) ? readFileSync(stamp, 'utf8') : '';
  const installed =
    existsSync(join(bin, 'tsx')) && existsSync(join(root, 'generated', 'prisma', 'client.ts'));
  if (installed && have === want) return;
  say(installed ? 'dependencies changed; installing' : 'installing dependencies (first run)');
  // `npm ci` installs exactly what the lock pins and never rewrites it, so a first run leaves the checkout
  // clean. Only a lock out of sync with package.json (someone edited it by hand) falls back to install.
  // --loglevel=error: the system Node may be older than `engines` (EBADENGINE notices); the project's
  // own Node 24 (the `node` dependency) is what runs everything afterwards.
  const quiet = ['--no-audit', '--no-fund', '--loglevel=error'];
  let r = spawnSync('npm', ['ci', ...quiet], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    say('npm ci refused the lock (out of sync with package.json?); trying npm install');
    r = spawnSync('npm', ['install', ...quiet], { cwd: root, stdio: 'inherit' });
  }
  if (r.status !== 0) fail(`installing dependencies failed (exit ${r.status}); see the output above`);
  writeFileSync(stamp, want);
}

// .env, without overriding what the environment already says ---------------------------------
function loadDotEnv(env) {
  const file = join(root, '.env');
  if (!existsSync(file)) return;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^\s*([A-Z][A-Z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m || env[m[1]] !== undefined) continue;
    env[m[1]] = m[2].replace(/^(['"])(.*)\1$/, '$2');
  }
}

// 2. Services --------------------------------------------------------------------------------------
function tcpAnswers(host, port, payload, timeoutMs = 1500) {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    let data = '';
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(payload ? data.length > 0 : false));
    socket.on('error', () => done(false));
    socket.on('connect', () => (payload ? socket.write(payload) : done(true)));
    socket.on('data', (chunk) => {
      data += chunk.toString();
      done(true);
    });
  });
}

const redisAnswers = (url) => {
  const u = new URL(url);
  return tcpAnswers(u.hostname, Number(u.port || 6379), 'PING\r\n');
};

async function postgresAnswers(url) {
  const u = new URL(url);
  if (!(await tcpAnswers(u.hostname, Number(u.port || 5432)))) return { ok: false, reason: 'no answer' };
  const { default: pg } = await import(join(root, 'node_modules', 'pg', 'lib', 'index.js'));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: err.message, answered: true };
  } finally {
    await client.end().catch(() => {});
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function which(name, extraDirs = []) {
  for (const dir of [...(process.env.PATH ?? '').split(':'), ...extraDirs]) {
    const p = join(dir, name);
    try {
      if (statSync(p).isFile()) return p;
    } catch {}
  }
  return undefined;
}

function postgresBinDirs() {
  const dirs = [];
  for (const base of [
    '/usr/lib/postgresql',
    '/usr/local/opt/postgresql/bin',
    '/opt/homebrew/opt/postgresql/bin',
  ]) {
    if (!existsSync(base)) continue;
    if (base.endsWith('/bin')) dirs.push(base);
    else {
      const versions = spawnSync('ls', [base], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
      for (const v of versions.sort((a, b) => Number(b) - Number(a))) dirs.push(join(base, v, 'bin'));
    }
  }
  return dirs;
}

function dockerEngineAnswers() {
  if (!which('docker')) return false;
  return spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 5000 }).status === 0;
}

async function waitFor(check, what, timeoutMs = 20000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  fail(`${what} did not come up within ${timeoutMs / 1000}s`);
}

function startChild(name, cmd, args, options = {}) {
  // Own process group: the terminal's Ctrl-C reaches the app, which still needs its stores to stop cleanly.
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true, ...options });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr = (stderr + d).slice(-2000);
  });
  child.on('exit', (code) => {
    if (!child.stopping) say(`${name} exited unexpectedly (code ${code}): ${stderr.trim()}`);
  });
  started.push({ name, child });
  return child;
}

function stopStarted() {
  for (const { child } of started.reverse()) {
    child.stopping = true;
    try {
      process.kill(-child.pid, 'SIGINT'); // postgres: fast shutdown; redis: clean exit
    } catch {}
  }
}

/** A non-root account to run postgres as, which refuses to run as root. */
function postgresRunAs() {
  if (process.getuid?.() !== 0) return undefined;
  for (const user of ['postgres', 'nobody']) {
    const r = spawnSync('id', ['-u', user], { encoding: 'utf8' });
    if (r.status === 0) {
      const gid = spawnSync('id', ['-g', user], { encoding: 'utf8' }).stdout.trim();
      return { user, uid: Number(r.stdout.trim()), gid: Number(gid) };
    }
  }
  return undefined;
}

async function startLocalRedis() {
  const server = which('redis-server');
  if (!server) return undefined;
  const dir = join(home, 'redis');
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  startChild('redis-server', server, [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
  ]);
  const url = `redis://127.0.0.1:${port}`;
  await waitFor(() => redisAnswers(url), `redis-server on port ${port}`);
  say(`started redis-server on 127.0.0.1:${port} (data in ${dir})`);
  return url;
}

async function startLocalPostgres(databaseUrl) {
  const dirs = postgresBinDirs();
  const postgres = which('postgres', dirs);
  const initdb = which('initdb', dirs);
  if (!postgres || !initdb) return undefined;
  const runAs = postgresRunAs();
  if (process.getuid?.() === 0 && !runAs)
    fail('postgres refuses to run as root and no other account was found');
  const data = join(home, 'postgres');
  const asUser = runAs ? { uid: runAs.uid, gid: runAs.gid } : {};
  if (!existsSync(join(data, 'PG_VERSION'))) {
    mkdirSync(data, { recursive: true, mode: 0o700 });
    if (runAs) chownSync(data, runAs.uid, runAs.gid);
    say('initialising a local PostgreSQL data folder (first run)');
    const r = spawnSync(
      initdb,
      ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-instructions'],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
        encoding: 'utf8',
        ...asUser,
      },
    );
    if (r.status !== 0) fail(`initdb failed: ${r.stderr}`);
  }
  const port = await freePort();
  startChild(
    'postgres',
    postgres,
    ['-D', data, '-p', String(port), '-k', data, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'],
    asUser,
  );
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  url.username = 'postgres';
  url.password = '';
  await waitFor(async () => (await postgresAnswers(url.toString())).ok, `postgres on port ${port}`);
  say(`started postgres on 127.0.0.1:${port} (data in ${data})`);
  return url.toString();
}

async function ensureServices(env) {
  env.REDIS_URL ||= 'redis://127.0.0.1:6379';
  env.DATABASE_URL ||= 'postgresql://postgres@127.0.0.1:5432/cryptopulse';
  let redisOk = await redisAnswers(env.REDIS_URL);
  let pg = await postgresAnswers(env.DATABASE_URL);
  if (pg.answered && !pg.ok) fail(`PostgreSQL at DATABASE_URL answers but refuses us: ${pg.reason}`);
  if (redisOk && pg.ok) return;

  if (dockerEngineAnswers()) {
    const services = [...(redisOk ? [] : ['redis']), ...(pg.ok ? [] : ['postgres'])];
    say(`starting ${services.join(' and ')} with docker compose`);
    const r = spawnSync('docker', ['compose', 'up', '-d', '--wait', ...services], {
      cwd: root,
      stdio: 'inherit',
    });
    if (r.status === 0) {
      if (!redisOk) env.REDIS_URL = 'redis://127.0.0.1:6379';
      if (!pg.ok) env.DATABASE_URL = 'postgresql://cryptopulse:cryptopulse@127.0.0.1:5432/cryptopulse';
      redisOk = await redisAnswers(env.REDIS_URL);
      pg = await postgresAnswers(env.DATABASE_URL);
      if (redisOk && pg.ok) return;
    }
    say('docker compose did not bring them up; trying local binaries');
  }
  if (!redisOk) {
    const url = await startLocalRedis();
    if (!url) {
      fail(
        `Redis does not answer at ${env.REDIS_URL}, no Docker engine answers, and redis-server is not installed.\n` +
          '  Install one of: Docker, or Redis (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis),\n' +
          '  or set REDIS_URL to a Redis that runs.',
      );
    }
    env.REDIS_URL = url;
  }
  if (!pg.ok) {
    const url = await startLocalPostgres(env.DATABASE_URL);
    if (!url) {
      fail(
        `PostgreSQL does not answer at ${env.DATABASE_URL}, no Docker engine answers, and postgres is not installed.\n` +
          '  Install one of: Docker, or PostgreSQL (Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql),\n' +
          '  or set DATABASE_URL to a PostgreSQL that runs.',
      );
    }
    env.DATABASE_URL = url;
  }
}

// 3b. The web dashboard --------------------------------------------------------------------------
// Built, never committed: web/dist is rebuilt when anything it is made from changed (its sources, the
// Vite config, the lockfile), and kept otherwise. A failed build stops here with Vite's own message.
function webSourcesHash() {
  const hash = createHash('sha256').update(sha(join(root, 'package-lock.json')));
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      if (['dist', 'node_modules', 'test'].includes(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else hash.update(path.slice(root.length)).update(readFileSync(path));
    }
  };
  walk(join(root, 'web'));
  return hash.digest('hex');
}

function ensureWebBuild(env) {
  if (!existsSync(join(root, 'web', 'index.html'))) return;
  mkdirSync(stateDir, { recursive: true });
  const stamp = join(stateDir, 'web.sha256');
  const want = webSourcesHash();
  const have = existsSync(stamp) ? readFileSync(stamp, 'utf8') : '';
  if (have === want && existsSync(join(root, 'web', 'dist', 'index.html'))) return;
  say('building the web dashboard (web/ changed)');
  const r = spawnSync(join(bin, 'vite'), ['build', '--logLevel', 'warn', 'web'], {
    cwd: root,
    env,
    stdio: 'inherit',
  });
  if (r.status !== 0) fail(`the web dashboard build failed (exit ${r.status}); see the output above`);
  writeFileSync(stamp, want);
}

// 3 + 4. Migrate, then run -------------------------------------------------------------------------
function childEnv(env) {
  return {
    ...env,
    PATH: `${bin}:${env.PATH ?? ''}`,
    NODE_OPTIONS: `${env.NODE_OPTIONS ?? ''} --disable-warning=ExperimentalWarning`.trim(),
  };
}

function run(cmd, args, env) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env, stdio: 'inherit' });
    const forward = (signal) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? (signal ? 128 + 1 : 1));
    });
  });
}

async function main() {
  const [cmd, ...args] = process.argv.slice(2);
  const t0 = Date.now();
  ensureDependencies();
  const env = { ...process.env };
  loadDotEnv(env);
  await ensureServices(env);
  const runEnv = childEnv(env);
  const migrated = spawnSync(join(bin, 'tsx'), [join(root, 'cli', 'main.ts'), 'migrate'], {
    cwd: root,
    env: { ...runEnv, LOG_LEVEL: 'warn' },
    encoding: 'utf8',
  });
  if (migrated.status !== 0) fail(`migrations failed:\n${migrated.stdout}${migrated.stderr}`);
  ensureWebBuild(runEnv);
  say(
    `ready in ${((Date.now() - t0) / 1000).toFixed(1)}s (Redis ${redact(env.REDIS_URL)}, Postgres ${redact(env.DATABASE_URL)})`,
  );
  if (!cmd) return 0;
  const code = await run(cmd, args, runEnv);
  stopStarted();
  return code;
}

function redact(url) {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

main().then(
  (code) => process.exit(code),
  (err) => fail(err?.stack ?? String(err)),
);
