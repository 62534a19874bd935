/** Turning "/name the rest of the line" into command arguments. */
import { parseIntent } from '../intent/parse.ts';
import { intentToCommand } from '../intent/to-command.ts';
import type { IntentKind } from '../intent/types.ts';
import type { TextArgs } from './command.ts';

/**
 * Reads the text as the sentence "<verb> <text>" with the offline parser, so "/buy 0.5 btc if price dips
 * below 30k" and the free text "buy 0.5 btc if price dips below 30k" mean exactly the same.
 */
export function viaIntent(verb: string, expect: IntentKind, command: string, usage: string) {
  return (text: string): TextArgs => {
    const intent = parseIntent(`${verb} ${text}`);
    if (intent.kind === 'clarify') return { ok: false, reply: intent.question };
    const call = intent.kind === expect ? intentToCommand(intent) : undefined;
    if (!call || call.name !== command) return { ok: false, reply: `Usage: ${usage}` };
    return { ok: true, args: call.args };
  };
}

/** Words assigned to the fields in order; the last field takes the rest of the line. */
export function positional(fields: readonly string[]) {
  return (text: string): TextArgs => {
    const words = text.trim().split(/\s+/).filter(Boolean);
    const args: Record<string, string> = {};
    fields.forEach((field, i) => {
      const value = i === fields.length - 1 ? words.slice(i).join(' ') : words[i];
      if (value) args[field] = value;
    });
    return { ok: true, args };
  };
}
