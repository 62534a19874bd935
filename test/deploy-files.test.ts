/**
 * No Docker engine runs on the development machines, so the deployment files are checked statically:
 * they parse, they name every role, and they agree with the CLI and the health endpoint.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROLE_NAMES } from '../core/context.ts';

const root = join(import.meta.dirname, '..');
const read = (f: string) => readFile(join(root, f), 'utf8');

interface ComposeService {
  command?: string[];
  image?: string;
  build?: string;
  healthcheck?: { test?: string[]; disable?: boolean };
}

describe('deployment files', () => {
  it('Dockerfile: multi-stage on node:24-slim, non-root, health-checked, CLI entrypoint', async () => {
    const dockerfile = await read('Dockerfile');
    expect(dockerfile.match(/^FROM node:24-slim AS \w+/gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n?.*\/health/m);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["tsx", "cli\/main\.ts"\]$/m);
  });

  it('docker-compose.yml: redis, postgres, a migration and one service per role from the same image', async () => {
    const compose = parse(await read('docker-compose.yml')) as { services: Record<string, ComposeService> };
    const services = compose.services;
    expect(services.redis?.image).toMatch(/^redis:/);
    expect(services.postgres?.image).toMatch(/^postgres:/);
    expect(services.migrate?.command).toEqual(['migrate']);
    for (const role of ROLE_NAMES) {
      expect(services[role]?.command, role).toEqual(['start', '--roles', role]);
      expect(services[role]?.image).toBe(services.migrate?.image);
    }
    expect(services.api?.healthcheck?.test?.join(' ')).toContain('/health');
  });

  it('fly.toml: a process group per role, /health checked, migrate on release', async () => {
    const fly = await read('fly.toml');
    for (const role of ROLE_NAMES) expect(fly).toContain(`${role} = "start --roles ${role}"`);
    expect(fly).toMatch(/path = "\/health"/);
    expect(fly).toMatch(/release_command = "migrate"/);
  });

  it('GitHub CI runs the same script as local CI with Redis and Postgres services', async () => {
    const ci = parse(await read('.github/workflows/ci.yml')) as {
      jobs: { test: { services: Record<string, { image: string }>; steps: { run?: string }[] } };
    };
    expect(Object.keys(ci.jobs.test.services).sort()).toEqual(['postgres', 'redis']);
    expect(ci.jobs.test.steps.some((s) => s.run === 'bash .ci/run')).toBe(true);
    const script = await read('.ci/run');
    const readme = await read('README.md');
    const testCommand = readme.match(/^npm test\b/m)?.[0];
    expect(testCommand).toBe('npm test');
    expect(script).toMatch(/^npm test$/m);
  });
});
