// Runs at install: generates the Prisma client offline. `prisma generate` only checks that a schema
// engine binary exists (it does not run it), so any executable satisfies it where none can be downloaded.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const prisma = join(root, 'node_modules/.bin/prisma');
if (!existsSync(prisma)) process.exit(0); // production install without the CLI: the image copies generated/
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1' };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
const r = spawnSync(prisma, ['generate'], { cwd: root, env, stdio: 'inherit' });
process.exit(r.status ?? 1);
