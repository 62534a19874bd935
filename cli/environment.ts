/**
 * What every entry point does before anything else (`cryptopulse`, `npm start`, `npm run cli`, the
 * Docker image): read `.env` from the project folder (or CRYPTOPULSE_ENV_FILE) without overriding what the environment already
 * says (the bootstrap does the same for `npm run demo` and `npm test`), and keep Node's experimental
 * feature notice (the WebAssembly schema engine) out of the chat and the demo. Imported first by
 * cli/main.ts so both happen before any other module loads.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Variables from `file` that the environment does not set yet; returns the names it set. */
export function loadDotEnv(env: NodeJS.ProcessEnv, file = join(root, '.env')): string[] {
  if (!existsSync(file)) return [];
  const set: string[] = [];
  for (const [name, value] of Object.entries(parseEnv(readFileSync(file, 'utf8')))) {
    if (env[name] !== undefined) continue;
    env[name] = value;
    set.push(name);
  }
  return set;
}

/** Drops only ExperimentalWarning; every other warning is printed as Node would. */
function quietExperimentalWarnings(): void {
  const original = process.listeners('warning');
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name === 'ExperimentalWarning') return;
    if (original.length) for (const l of original) l(warning);
    else process.stderr.write(`(node:${process.pid}) ${warning.name}: ${warning.message}\n`);
  });
}

quietExperimentalWarnings();
// CRYPTOPULSE_ENV_FILE points elsewhere (tests, several configurations side by side).
loadDotEnv(process.env, process.env.CRYPTOPULSE_ENV_FILE ?? join(root, '.env'));
