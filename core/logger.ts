/**
 * pino JSON logs. Secrets are redacted twice over: by field name anywhere in the logged object, and by
 * value (the configured tokens and keys) wherever they appear in a string, e.g. inside an error message.
 */
import pino, { type Logger } from 'pino';

export type { Logger };

const SECRET_KEY =
  /secret|password|passwd|api_?key|apisecret|token|authorization|cookie|vault_?key|private_?key|ciphertext/i;
export const REDACTED = '[redacted]';

export function redactString(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s && out.includes(s)) out = out.split(s).join(REDACTED);
  return out;
}

/** A copy of `value` with secret-named fields and known secret values replaced; cycles are cut. */
export function redactDeep(
  value: unknown,
  secrets: readonly string[],
  seen = new WeakSet<object>(),
): unknown {
  if (typeof value === 'string') return redactString(value, secrets);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (value instanceof Error) {
    return {
      type: value.name,
      message: redactString(value.message, secrets),
      stack: value.stack ? redactString(value.stack, secrets) : undefined,
      ...(redactDeep({ ...value }, secrets, seen) as object),
    };
  }
  if (Buffer.isBuffer(value)) return `[${value.length} bytes]`;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, secrets, seen));
  // Class instances (requests, sockets) are left to pino's serializers, which pick safe fields.
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] =
      SECRET_KEY.test(k) && v !== null && v !== undefined && v !== ''
        ? REDACTED
        : redactDeep(v, secrets, seen);
  }
  return out;
}

export interface LoggerOptions {
  readonly level?: string;
  readonly secrets?: readonly string[];
  /** Destination stream; defaults to stdout (pretty when it is a TTY). */
  readonly destination?: pino.DestinationStream;
  readonly name?: string;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const secrets = [...(options.secrets ?? [])].filter((s) => s.length >= 4);
  const pretty = !options.destination && process.stdout.isTTY && process.env.CI !== 'true';
  const base: pino.LoggerOptions = {
    level: options.level ?? 'info',
    name: options.name ?? 'cryptopulse',
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: { err: (e: unknown) => redactDeep(e, secrets) },
    formatters: {
      level: (label) => ({ level: label }),
      log: (obj) => redactDeep(obj, secrets) as Record<string, unknown>,
    },
    hooks: {
      logMethod(args, method) {
        const redacted = args.map((a) => (typeof a === 'string' ? redactString(a, secrets) : a));
        return method.apply(this, redacted as Parameters<typeof method>);
      },
    },
  };
  if (options.destination) return pino(base, options.destination);
  if (pretty)
    return pino({
      ...base,
      transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss' } },
    });
  return pino(base);
}
