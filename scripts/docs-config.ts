/** `npm run docs:config`: rewrites .env.example and the README configuration table from core/config.ts. */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderEnvExample, replaceConfigTable } from '../core/config-docs.ts';

const root = join(import.meta.dirname, '..');
await writeFile(join(root, '.env.example'), renderEnvExample());
const readmePath = join(root, 'README.md');
await writeFile(readmePath, replaceConfigTable(await readFile(readmePath, 'utf8')));
console.log('wrote .env.example and the README configuration table');
