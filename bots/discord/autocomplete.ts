/**
 * Suggestions while a user types a symbol or timeframe. Autocomplete cannot be deferred, so the answer
 * must come within Discord's 3 seconds: symbol sources get a short deadline and a miss answers from
 * nothing rather than not at all.
 */
import type { AutocompleteInteraction } from 'discord.js';
import { TIMEFRAMES } from '../../core/market/types.ts';
import { autocompleteKind, sourceChoices } from './commands.ts';
import type { BotEnv } from './env.ts';

const MAX_CHOICES = 25;
const SOURCE_DEADLINE_MS = 1_500;

async function withDeadline<T>(work: Promise<T>, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), SOURCE_DEADLINE_MS);
  });
  try {
    return await Promise.race([work.catch(() => fallback), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Prefix matches first ("bt" → BTC/USDT), then matches anywhere ("usdt" → every USDT pair). */
export function rank(candidates: readonly string[], typed: string): string[] {
  const q = typed.trim().toUpperCase().replace(/[-_ ]/g, '/');
  const unique = [...new Set(candidates)];
  if (!q) return unique.slice(0, MAX_CHOICES);
  const starts = unique.filter((c) => c.toUpperCase().startsWith(q));
  const contains = unique.filter((c) => !starts.includes(c) && c.toUpperCase().includes(q));
  return [...starts, ...contains].slice(0, MAX_CHOICES);
}

export async function onAutocomplete(interaction: AutocompleteInteraction, env: BotEnv): Promise<void> {
  const focused = interaction.options.getFocused(true);
  const kind = autocompleteKind(focused.name);
  const source = env.sources.get(interaction.commandName);
  let candidates: readonly string[] = [];
  if (kind === 'timeframe') {
    const fixed = source
      ? sourceChoices(source, interaction.options.getSubcommand(false), focused.name).map((c) =>
          String(c.value),
        )
      : [];
    candidates = fixed.length ? fixed : TIMEFRAMES;
  } else if (kind === 'symbol') {
    candidates = await withDeadline(env.symbols(), []);
  }
  await interaction.respond(rank(candidates, String(focused.value)).map((v) => ({ name: v, value: v })));
}
