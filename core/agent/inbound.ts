/**
 * What an adapter hands the core: one platform event, already translated. Validated with zod at the
 * boundary because adapters pass through user-controlled strings.
 */
import { z } from 'zod';

/** The longest free-text message the agent reads, and the longest command argument text. */
export const MAX_TEXT = 8_000;
export const MAX_ARGS = 4_000;

const base = {
  platform: z.enum(['discord', 'telegram', 'console']),
  platformUserId: z.string().min(1).max(64),
  username: z.string().max(64).optional(),
  chatId: z.string().min(1).max(64),
  chatKind: z.enum(['dm', 'group', 'channel']),
  /** Set by adapters when the sender administers the chat (subscribe/unsubscribe in groups). */
  isChatAdmin: z.boolean().optional(),
};

export const InboundSchema = z.discriminatedUnion('kind', [
  z.object({ ...base, kind: z.literal('text'), text: z.string().max(MAX_TEXT) }),
  z.object({
    ...base,
    kind: z.literal('command'),
    command: z.string().min(1).max(32),
    /** Discord: typed options by name. Telegram and console: the raw text after the command. */
    args: z.union([z.string().max(MAX_ARGS), z.record(z.string(), z.unknown())]),
  }),
  z.object({
    ...base,
    kind: z.literal('button'),
    action: z.enum(['confirm', 'cancel']),
    handle: z.string().min(1).max(128),
  }),
]);

export type Inbound = z.infer<typeof InboundSchema>;
export type InboundText = Extract<Inbound, { kind: 'text' }>;
export type InboundCommand = Extract<Inbound, { kind: 'command' }>;
export type InboundButton = Extract<Inbound, { kind: 'button' }>;
