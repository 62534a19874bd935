import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENV } from './config.ts';
import { renderEnvExample, replaceConfigTable } from './config-docs.ts';

const root = join(import.meta.dirname, '..');
const hint = 'run `npm run docs:config` and commit the result';

describe('configuration docs stay in sync with core/config.ts', () => {
  it('.env.example lists every variable', async () => {
    const example = await readFile(join(root, '.env.example'), 'utf8');
    expect(example, hint).toBe(renderEnvExample());
    for (const name of Object.keys(ENV)) expect(example).toMatch(new RegExp(`^#? ?${name}=`, 'm'));
  });

  it('the README configuration table lists every variable', async () => {
    const readme = await readFile(join(root, 'README.md'), 'utf8');
    expect(readme, hint).toBe(replaceConfigTable(readme));
    for (const name of Object.keys(ENV)) expect(readme).toContain(`| \`${name}\` |`);
  });
});
