/**
 * The real `eventsource` client against the real `cryptopulse start --roles api` process: signals are
 * appended while it listens, the process is stopped and started again in the middle while more are
 * appended, the client reconnects with Last-Event-ID by itself, and the ids it saw are exactly the
 * stream's (no gap, no duplicate). The other SSE semantics are in sse-streams.test.ts (in-process).
 */
import { EventSource } from 'eventsource';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEntry } from '../core/signals/streams.ts';
import { sampleSignal } from '../core/signals/testing/fixtures.ts';
import { freePort } from '../test/fakes/telegram/upstream.ts';
import { type CliRun, spawnCli } from '../test/support/cli.ts';
import { createTestContext, type TestContext } from '../test/support/context.ts';

// Starting the real CLI takes seconds on a loaded machine; these bounds only cap a hang.
const START_TIMEOUT_MS = 90_000;

let t: TestContext;
let port: number;

beforeAll(async () => {
  t = await createTestContext('sseresume');
  port = await freePort();
});

afterAll(async () => {
  await t.close();
});

function startApi(): CliRun {
  return spawnCli(['start', '--roles', 'api'], { ...t.env, API_PORT: String(port), API_HOST: '127.0.0.1' });
}

async function stop(run: CliRun): Promise<void> {
  run.child.kill('SIGTERM');
  const { code } = await run.exited;
  expect(code).toBe(0);
}

let candle = Date.UTC(2026, 0, 12, 0, 0);
async function appendSignals(n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    candle += 300_000;
    ids.push(
      await appendEntry(t.redis, t.keys, 'signals:paper', {
        type: 'signal',
        data: sampleSignal({ candleTime: candle }),
      }),
    );
  }
  return ids;
}

async function until(what: string, probe: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('SSE resume across an API restart', () => {
  it('the eventsource client sees every id of the stream exactly once', async () => {
    await appendSignals(2); // history before the client: not part of a live-only first connection
    let api = startApi();
    await api.waitFor(/API on http/, START_TIMEOUT_MS);

    const seen: string[] = [];
    const lastEventIds: string[] = [];
    const es = new EventSource(`http://127.0.0.1:${port}/v1/signals/stream?mode=paper`, {
      fetch: (input, init) => {
        const id = new Headers(init?.headers).get('last-event-id');
        if (id) lastEventIds.push(id);
        return fetch(input, init);
      },
    });
    es.addEventListener('signal', (e) => seen.push(e.lastEventId));
    try {
      await new Promise<void>((resolve, reject) => {
        es.onopen = () => resolve();
        es.onerror = () => reject(new Error('first connection failed'));
      });
      es.onerror = null;
      const live = await appendSignals(3);
      await until('the first live signals', () => seen.length === 3);

      await stop(api);
      const whileDown = await appendSignals(3);
      api = startApi();
      await api.waitFor(/API on http/, START_TIMEOUT_MS);
      const afterRestart = await appendSignals(3);
      await until('all nine signals', () => seen.length >= 9);
      await new Promise((r) => setTimeout(r, 200)); // a duplicate would arrive now

      expect(seen).toEqual([...live, ...whileDown, ...afterRestart]);
      // The reconnect resumed from what the client had seen, through the standard header.
      expect(lastEventIds).toContain(live[2]);
    } finally {
      es.close();
      await stop(api);
    }
  }, 240_000);
});
