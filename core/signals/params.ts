/**
 * The parameters of STRATEGY.md, validated with zod, defaults as there. `SIGNAL_PARAMS` overrides
 * them per pair: a JSON object keyed by pair, with `"*"` for every pair, e.g.
 * `{"*":{"triggerBps":15},"ETH/USDT":{"mode":"revert"}}`. The track record's own settings
 * (`startEquity`) are taken from `"*"`, since the pairs share one equity.
 */
import { z } from 'zod';
import { AppError } from '../errors.ts';

const pct = z.number().finite().positive();

const paramsObject = z
  .object({
    mode: z.enum(['trend', 'revert']).default('trend'),
    triggerBps: z.number().finite().positive().default(12),
    minAtrPct: z.number().finite().min(0).default(0.25),
    maxAtrPct: pct.default(3.0),
    atrPeriod: z.number().int().min(1).max(500).default(14),
    slAtr: pct.default(0.6),
    tp1Atr: pct.default(1.0),
    tp2Atr: pct.default(1.8),
    spreadCapBps: z.number().finite().min(0).default(8),
    maxHoldMinutes: pct.default(240),
    makerFeeBps: z.number().finite().min(0).default(16),
    takerFeeBps: z.number().finite().min(0).default(26),
    riskPct: pct.max(100).default(0.6),
    maxNotionalPct: pct.max(100).default(99),
    startEquity: pct.default(10_000),
    /** Published prices are rounded to this many decimals (the market's price precision); absent: unrounded. */
    priceDecimals: z.number().int().min(0).max(12).optional(),
  })
  .strict();

export const paramsSchema = paramsObject.refine((p) => p.minAtrPct <= p.maxAtrPct, {
  message: 'minAtrPct must not exceed maxAtrPct',
  path: ['minAtrPct'],
});

export type StrategyParams = z.output<typeof paramsSchema>;
export type ParamOverrides = z.input<typeof paramsSchema>;

export const DEFAULT_PARAMS: StrategyParams = paramsSchema.parse({});

/** Names a user may `--set`, with their kind, for the CLI's parser and its error messages. */
export const PARAM_NAMES = Object.keys(paramsObject.shape) as (keyof StrategyParams)[];

function describe(err: z.ZodError): string {
  const issue = err.issues[0]!;
  if (issue.code === 'unrecognized_keys')
    return `unknown parameter ${issue.keys.map((k) => `"${k}"`).join(', ')} (known: ${PARAM_NAMES.join(', ')})`;
  return `${issue.path.join('.') || 'value'}: ${issue.message}`;
}

/** What the engine looks a pair's layer up by: "*" or the pair as the market names it (BTC/USDT). */
const OVERRIDE_KEY = /^(\*|[A-Z0-9]{2,10}\/[A-Z0-9]{2,10})$/;

/** Defaults ⊕ overrides; throws ERR_VALIDATION naming the parameter. */
export function resolveParams(...layers: readonly (ParamOverrides | undefined)[]): StrategyParams {
  const merged = Object.assign({}, ...layers.filter(Boolean));
  const out = paramsSchema.safeParse(merged);
  if (!out.success) throw new AppError('ERR_VALIDATION', `strategy parameter ${describe(out.error)}`);
  return out.data;
}

const overridesSchema = z.record(z.string(), z.record(z.string(), z.unknown()));

/** `SIGNAL_PARAMS` text → overrides per pair ("*" for all); throws ERR_VALIDATION with the reason. */
export function parseSignalParams(text: string | undefined): Record<string, ParamOverrides> {
  if (!text?.trim()) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new AppError('ERR_VALIDATION', 'SIGNAL_PARAMS must be a JSON object keyed by pair');
  }
  const parsed = overridesSchema.safeParse(raw);
  if (!parsed.success)
    throw new AppError('ERR_VALIDATION', 'SIGNAL_PARAMS must be a JSON object keyed by pair');
  for (const [pair, layer] of Object.entries(parsed.data)) {
    // A key such as "BTC-USDT" or "btc/usdt" would be kept and never applied.
    if (!OVERRIDE_KEY.test(pair))
      throw new AppError(
        'ERR_VALIDATION',
        `SIGNAL_PARAMS "${pair}" is not a pair: keys are "*" or pairs such as BTC/USDT`,
      );
    const check = paramsSchema.safeParse({ ...layer });
    if (!check.success) {
      const issue = check.error.issues[0];
      const where = issue?.code === 'unrecognized_keys' ? `"${pair}": ` : `"${pair}".`;
      throw new AppError('ERR_VALIDATION', `SIGNAL_PARAMS ${where}${describe(check.error)}`);
    }
  }
  return parsed.data as Record<string, ParamOverrides>;
}

/** The parameters of one pair: defaults, then "*", then the pair's own layer. */
export function paramsForPair(
  overrides: Record<string, ParamOverrides>,
  pair: string,
  extra?: ParamOverrides,
): StrategyParams {
  return resolveParams(overrides['*'], overrides[pair], extra);
}
