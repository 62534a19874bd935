/** Renders `.env.example` and the README configuration table from the one list in core/config.ts. */
import { envDocs } from './config.ts';

export function renderEnvExample(): string {
  const lines = [
    '# CryptoPulse configuration. Copy to .env and edit; every variable is optional unless noted.',
    '# Generated from core/config.ts by `npm run docs:config`; a test keeps it in sync.',
    '',
  ];
  for (const v of envDocs()) {
    lines.push(`# ${v.description}`);
    lines.push(`# Default: ${v.default === '' ? '(none)' : v.default}. Example: ${v.name}=${v.example}`);
    lines.push(`${v.default === '' ? '# ' : ''}${v.name}=${v.default}`, '');
  }
  return lines.join('\n');
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

export function renderConfigTable(): string {
  const rows = envDocs().map(
    (v) =>
      `| \`${v.name}\` | ${v.default === '' ? '—' : `\`${cell(v.default)}\``} | \`${cell(v.example)}\` | ${cell(v.description)} |`,
  );
  return ['| Variable | Default | Example | What it does |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

export const TABLE_START = '<!-- config:start -->';
export const TABLE_END = '<!-- config:end -->';

export function replaceConfigTable(readme: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start)
    throw new Error(`README.md lacks the ${TABLE_START} ... ${TABLE_END} markers`);
  return `${readme.slice(0, start + TABLE_START.length)}\n${renderConfigTable()}\n${readme.slice(end)}`;
}
