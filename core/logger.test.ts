import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, REDACTED } from './logger.ts';

function capture(secrets: string[] = []) {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  return { logger: createLogger({ level: 'debug', secrets, destination }), lines };
}

describe('log redaction', () => {
  it('redacts secret-named fields at any depth', () => {
    const { logger, lines } = capture();
    logger.info(
      {
        exchange: { apiKey: 'AK-123', secret: 'S-456', nested: { password: 'pw', label: 'main' } },
        headers: { authorization: 'Bearer abc', accept: 'json' },
        TELEGRAM_BOT_TOKEN: '1:abc',
      },
      'linking keys',
    );
    const out = lines.join('');
    for (const leaked of ['AK-123', 'S-456', '"pw"', 'Bearer abc', '1:abc'])
      expect(out).not.toContain(leaked);
    expect(out).toContain(REDACTED);
    expect(out).toContain('"label":"main"');
    expect(out).toContain('"accept":"json"');
  });

  it('redacts known secret values wherever they appear, including messages and errors', () => {
    const token = '987654:VERY-SECRET-BOT-TOKEN';
    const { logger, lines } = capture([token]);
    logger.error({ err: new Error(`request to /bot${token}/getMe failed`) }, `polling with ${token}`);
    logger.warn({ url: `https://api.telegram.org/bot${token}/sendMessage` }, 'retrying');
    const out = lines.join('');
    expect(out).not.toContain('VERY-SECRET-BOT-TOKEN');
    expect(out.match(/\[redacted\]/g)?.length).toBeGreaterThanOrEqual(3);
  });

  it('keeps ordinary fields intact and survives cycles', () => {
    const { logger, lines } = capture();
    const loop: Record<string, unknown> = { order: 'o-1' };
    loop.self = loop;
    logger.info({ ctx: loop, amount: 0.5 }, 'ok');
    const parsed = JSON.parse(lines[0]!);
    expect(parsed.amount).toBe(0.5);
    expect(parsed.ctx.order).toBe('o-1');
  });
});
