/**
 * Who may read a command's answer, and which of its arguments are secrets: decided here, once, from the
 * command definition. Adapters only render the decision (Discord: ephemeral; Telegram: a DM with a
 * pointer in the group), so the next adapter inherits the rule instead of re-implementing it.
 */
import { z } from 'zod';
import type { ChatScope, CommandDef } from './command.ts';

const SECRET_META = { secret: true } as const;

/** Marks an argument as a secret: never logged, audited, remembered or shown where others can read. */
export function secret<T extends z.ZodType>(schema: T): T {
  return schema.meta(SECRET_META) as T;
}

type FieldSchema = { readonly secret?: unknown };
const SECRET_FIELDS = new WeakMap<CommandDef, readonly string[]>();

/** The names of the command's secret arguments, read from the schema markers (in field order). */
export function secretFields(def: CommandDef): readonly string[] {
  let fields = SECRET_FIELDS.get(def);
  if (!fields) {
    const schema = z.toJSONSchema(def.args, { io: 'input', unrepresentable: 'any' }) as {
      properties?: Record<string, FieldSchema>;
    };
    fields = Object.entries(schema.properties ?? {})
      .filter(([, s]) => s.secret === true)
      .map(([name]) => name);
    SECRET_FIELDS.set(def, fields);
  }
  return fields;
}

export function hasSecretArgs(def: CommandDef): boolean {
  return secretFields(def).length > 0;
}

/**
 * Whether `/name <text>` actually holds a secret (so the message holding it must go): "/keys list" does
 * not, "/keys link kraken KEY SECRET" does. Text the command cannot read is treated as holding one.
 */
export function textCarriesSecrets(def: CommandDef, text: string): boolean {
  const fields = secretFields(def);
  if (!fields.length || !text.trim()) return false;
  const read = def.parseText?.(text);
  if (!read?.ok) return true;
  const args = (read.args ?? {}) as Record<string, unknown>;
  return fields.some((f) => args[f] !== undefined && args[f] !== '');
}

/** What an adapter needs to know about a command before the core answers. */
export interface CommandPolicy {
  readonly name: string;
  readonly description: string;
  readonly aliases: readonly string[];
  /** Chats where it is offered and accepted. */
  readonly scopes: readonly ChatScope[];
  /** In groups and channels only chat admins may run it: the adapter reports `isChatAdmin`. */
  readonly adminInGroups: boolean;
  /** Its answer is the user's own business: shown only to them outside a DM. */
  readonly personal: boolean;
  /** Arguments that carry secrets (collected privately, deleted from shared chats). */
  readonly secretArgs: readonly string[];
}

export const ALL_SCOPES: readonly ChatScope[] = ['dm', 'group', 'channel'];

export function commandPolicy(def: CommandDef): CommandPolicy {
  return {
    name: def.name,
    description: def.description,
    aliases: def.aliases ?? [],
    scopes: def.scopes ?? ALL_SCOPES,
    adminInGroups: def.adminInGroups ?? false,
    personal: def.personal ?? false,
    secretArgs: secretFields(def),
  };
}

/**
 * Who may read an answer. `owner`: only the person who asked (personal data); adapters keep it out of
 * shared chats. `chat`: everyone in the chat where it was asked.
 */
export type Audience = 'chat' | 'owner';

/**
 * Which order and alert events also go to the owner's DM (every event updates the proposal card): what
 * the owner waits for (fills, failures, triggers, alerts). Queued, submitted, cancelled and expired only
 * change the card; a DM would be noise. Notifiers on every platform read this one table.
 */
export { OWNER_DM as OWNER_DM_EVENTS } from '../../broadcast/order-events.ts';
