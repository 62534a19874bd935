#!/usr/bin/env node
// Screenshots for docs/charts.md of what the chat sends for "chart my equity", "chart my portfolio in
// light mode", a market chart with the asker's fills, the light theme and a weekly chart over years:
// the scenario test renders them through the agent over the real trading core and keeps the PNGs in
// docs/img/. Run: node scripts/docs-chat-charts.mjs
import { spawnSync } from 'node:child_process';

const run = spawnSync('npm', ['test', '--', 'core/agent/charts-from-chat.test.ts'], {
  stdio: 'inherit',
  env: { ...process.env, WRITE_DOCS_IMAGES: '1' },
});
process.exit(run.status ?? 1);
