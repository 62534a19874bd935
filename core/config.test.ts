import { describe, expect, it } from 'vitest';
import { ConfigError, ENV, loadConfig, secretValues } from './config.ts';

const key = (byte: number) => Buffer.alloc(32, byte).toString('base64');

function problemsOf(env: NodeJS.ProcessEnv) {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('configuration from the environment', () => {
  it('applies the documented defaults to an empty environment', () => {
    const c = loadConfig({});
    expect(c.API_PORT).toBe(8080);
    expect(c.RATE_LIMIT_PER_MINUTE).toBe(60);
    expect(c.TRADING_MODE).toBe('paper');
    expect(c.LIVE_TRADING_ENABLED).toBe(false);
    expect(c.EXCHANGE).toBe('sim');
    expect(c.SIGNAL_PAIRS).toEqual(['BTC/USDT', 'ETH/USDT']);
    expect(c.OPENAI_API_KEY).toBeUndefined();
  });

  it('names every offending variable at once, with what is wrong', () => {
    const problems = problemsOf({ RATE_LIMIT_PER_MINUTE: 'abc', API_PORT: '70000', TRADING_MODE: 'yolo' });
    expect(problems.map((p) => p.variable).sort()).toEqual([
      'API_PORT',
      'RATE_LIMIT_PER_MINUTE',
      'TRADING_MODE',
    ]);
    expect(problems.find((p) => p.variable === 'RATE_LIMIT_PER_MINUTE')?.message).toMatch(
      /must be a number.*"abc"/,
    );
    expect(problems.find((p) => p.variable === 'TRADING_MODE')?.message).toMatch(/paper or live/);
  });

  it('EXCHANGE must be sim or an exchange ccxt knows, and the problem names the supported values', () => {
    expect(loadConfig({ EXCHANGE: 'kraken' }).EXCHANGE).toBe('kraken');
    const [problem] = problemsOf({ EXCHANGE: 'nope' });
    expect(problem?.variable).toBe('EXCHANGE');
    expect(problem?.message).toMatch(/"nope"/);
    expect(problem?.message).toMatch(/\bsim\b.*\bbinance\b.*\bkraken\b/);
  });

  it('rejects zero, negative and fractional rate limits', () => {
    for (const bad of ['0', '-5', '1.5']) expect(problemsOf({ RATE_LIMIT_PER_MINUTE: bad })).toHaveLength(1);
  });

  it('parses a versioned vault key ring and rejects short keys without echoing them', () => {
    const c = loadConfig({ VAULT_KEY: `v1:${key(1)}, v2:${key(2)}` });
    expect([...(c.VAULT_KEY?.keys() ?? [])]).toEqual([1, 2]);
    const short = Buffer.alloc(16, 7).toString('base64');
    const [problem] = problemsOf({ VAULT_KEY: `v1:${short}` });
    expect(problem?.variable).toBe('VAULT_KEY');
    expect(problem?.message).not.toContain(short);
  });

  it("a crashed worker's orders come back inside their execution deadline", () => {
    // Defaults: the lock (and with it the stalled-job check) is well under half the deadline.
    const c = loadConfig({});
    expect(2 * c.ORDER_LOCK_MS).toBeLessThan(c.MAX_EXECUTION_DELAY_SECONDS * 1000);
    // A lock as long as the deadline would expire every market order a crash interrupted.
    const problems = problemsOf({ ORDER_LOCK_MS: '30000', MAX_EXECUTION_DELAY_SECONDS: '30' });
    expect(problems.map((p) => p.variable)).toEqual(['ORDER_LOCK_MS']);
    expect(problems[0]?.message).toContain('MAX_EXECUTION_DELAY_SECONDS');
    expect(problemsOf({ ORDER_LOCK_MS: '30000', MAX_EXECUTION_DELAY_SECONDS: '61' })).toEqual([]);
  });

  it('refuses TRADING_MODE=live (the default for new users) without LIVE_TRADING_ENABLED', () => {
    expect(problemsOf({ TRADING_MODE: 'live' }).map((p) => p.variable)).toEqual(['TRADING_MODE']);
    expect(problemsOf({ TRADING_MODE: 'live', LIVE_TRADING_ENABLED: 'true' })).toEqual([]);
  });

  it('treats blank values as unset', () => {
    expect(loadConfig({ API_PORT: '  ', LOG_LEVEL: '' }).API_PORT).toBe(8080);
  });

  it('validates URLs and signal pairs', () => {
    expect(problemsOf({ REDIS_URL: 'localhost:6379' })[0]?.message).toMatch(/redis:\/\//);
    expect(problemsOf({ SIGNAL_PAIRS: 'btc-usdt' })[0]?.variable).toBe('SIGNAL_PAIRS');
  });

  it('refuses CORS_ORIGINS entries that could never match a browser Origin header', () => {
    // A browser sends "https://dash.example.com": a path, a trailing slash, a bare host or "*" in the
    // list would leave the dashboard's calls refused with nothing said at start.
    for (const bad of [
      'notaurl',
      'https://dash.example.com/',
      'https://dash.example.com/app',
      '*',
      'dash.example.com',
    ]) {
      const [problem] = problemsOf({ CORS_ORIGINS: `https://ok.example.com,${bad}` });
      expect(problem?.variable).toBe('CORS_ORIGINS');
      expect(problem?.message).toContain(`"${bad}"`);
      expect(problem?.message).toMatch(/origins such as https:\/\/dashboard\.example\.com/);
    }
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example.com, http://localhost:5173' }).CORS_ORIGINS).toEqual(
      ['https://a.example.com', 'http://localhost:5173'],
    );
  });

  it('refuses a paper fee or slippage that would eat the whole order (a percent typed as a fraction)', () => {
    expect(problemsOf({ PAPER_FEE_RATE: '5' })[0]?.message).toMatch(/fraction .*0\.001 is 0\.1 %.*"5"/);
    expect(problemsOf({ PAPER_FEE_RATE: '1' }).map((p) => p.variable)).toEqual(['PAPER_FEE_RATE']);
    expect(problemsOf({ PAPER_SLIPPAGE_BPS: '10000' }).map((p) => p.variable)).toEqual([
      'PAPER_SLIPPAGE_BPS',
    ]);
    expect(problemsOf({ PAPER_FEE_RATE: '0.0026', PAPER_SLIPPAGE_BPS: '25' })).toEqual([]);
  });

  it('SIGNAL_PARAMS names an unknown parameter, and refuses a key that no pair would ever match', () => {
    const [unknown] = problemsOf({ SIGNAL_PARAMS: '{"*":{"nope":1}}' });
    expect(unknown?.message).toMatch(/^"\*": unknown parameter "nope" \(known: mode, triggerBps/);
    // "BTC-USDT" would be kept and never applied: the engine looks its pairs up as BTC/USDT.
    const [key] = problemsOf({ SIGNAL_PARAMS: '{"BTC-USDT":{"triggerBps":20}}' });
    expect(key?.variable).toBe('SIGNAL_PARAMS');
    expect(key?.message).toMatch(/"BTC-USDT" is not a pair: keys are "\*" or pairs such as BTC\/USDT/);
    expect(
      loadConfig({ SIGNAL_PARAMS: '{"*":{"triggerBps":15},"ETH/USDT":{"mode":"revert"}}' }).SIGNAL_PARAMS,
    ).toBeTruthy();
  });

  it('lists secret values for the log redactor, and only the password part of URLs', () => {
    const secrets = secretValues({
      TELEGRAM_BOT_TOKEN: '12345:SECRET-TOKEN-VALUE',
      DATABASE_URL: 'postgresql://app:hunter2pw@db:5432/x',
      VAULT_KEY: `v1:${key(3)}`,
      LLM_MODEL: 'gpt-4o-mini',
    });
    expect(secrets).toContain('12345:SECRET-TOKEN-VALUE');
    expect(secrets).toContain('hunter2pw');
    expect(secrets).toContain(key(3));
    expect(secrets).not.toContain('gpt-4o-mini');
  });

  it('documents every variable', () => {
    for (const [name, spec] of Object.entries(ENV)) {
      expect(spec.description.length, name).toBeGreaterThan(5);
      expect(spec.example.length, name).toBeGreaterThan(0);
    }
  });
});
