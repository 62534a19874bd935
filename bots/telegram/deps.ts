/**
 * What the Telegram adapter needs from the rest of CryptoPulse. The lead composes these from the agent
 * core, the command registry and the trading core; the adapter decides nothing itself.
 */
import type { Inbound } from '../../core/agent/inbound.ts';
import type { Reply } from '../../core/agent/reply.ts';
import type { Transcriber } from './transcribe.ts';

/** The agent entry (core/agent): one inbound event → the replies to render. */
export interface AgentEntry {
  handle(inbound: Inbound): Promise<readonly Reply[]>;
}

/** The parts of a registry command definition the adapter reads (core/agent/commands CommandDef). */
export interface CommandInfo {
  readonly name: string;
  readonly description: string;
  readonly scopes?: readonly ('dm' | 'group' | 'channel')[];
  /** In groups and channels only chat admins may run it: the adapter reports `isChatAdmin`. */
  readonly adminInGroups?: boolean;
  /** Arguments carry secrets: the adapter deletes the message that held them. */
  readonly secretArgs?: boolean;
  readonly aliases?: readonly string[];
}

/** One entry of the trading core's order-event stream (core/trading/order-events.ts). */
export interface StoredEvent {
  readonly id: string;
  readonly event: unknown;
}

export interface TelegramDeps {
  readonly agent: AgentEntry;
  /** The command registry, for the command menus and the per-command flags above. */
  readonly commands?: readonly CommandInfo[];
  /** Reads order and alert events after a stream id, waiting up to `blockMs` (readOrderEvents). */
  readonly orderEvents?: (
    after: string,
    options: { readonly count?: number; readonly blockMs?: number },
  ) => Promise<readonly StoredEvent[]>;
  /** The order id a confirmation handle names (core/trading readHandle), to find a card from order events. */
  readonly orderIdOf?: (handle: string) => string | undefined;
  /** The Telegram user id of a CryptoPulse user, for notifications to their DM (default: their linked account). */
  readonly telegramAccountOf?: (userId: string) => Promise<string | undefined>;
  /** Voice-note transcription; defaults to the OpenAI-compatible endpoint in the configuration. */
  readonly transcriber?: Transcriber | null;
}
