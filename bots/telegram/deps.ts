/**
 * What the Telegram adapter needs from the rest of CryptoPulse. The lead composes these from the agent
 * core, the command registry and the trading core; the adapter decides nothing itself.
 */
import type { Answer } from '../../core/agent/answer.ts';
import type { CommandPolicy } from '../../core/agent/commands/policy.ts';
import type { Inbound } from '../../core/agent/inbound.ts';
import type { OrderEventFeed } from '../../core/broadcast/order-events.ts';
import type { Transcriber } from './transcribe.ts';

/** The agent entry (core/agent): one inbound event → the answer to render (replies and audience). */
export interface AgentEntry {
  answer(inbound: Inbound): Promise<Answer>;
}

/**
 * The parts of a command's policy (core/agent/commands/policy.ts) the adapter reads: the menus, the
 * admin check before the core decides, and `secretArgs` (the message that held them is deleted).
 */
export type CommandInfo = Pick<CommandPolicy, 'name' | 'description'> &
  Partial<Pick<CommandPolicy, 'scopes' | 'adminInGroups' | 'secretArgs' | 'aliases'>>;

export interface TelegramDeps {
  readonly agent: AgentEntry;
  /** The command registry's policies, for the command menus; default: the whole registry, no menus. */
  readonly commands?: readonly CommandInfo[];
  /** Order and alert events through the core's consumer group (orderEventFeedFor). Absent: no notifications. */
  readonly orderEvents?: OrderEventFeed;
  /** The order id a confirmation handle names (core/trading readHandle), to find a card from order events. */
  readonly orderIdOf?: (handle: string) => string | undefined;
  /** The Telegram user id of a CryptoPulse user, for notifications to their DM (default: their linked account). */
  readonly telegramAccountOf?: (userId: string) => Promise<string | undefined>;
  /** Voice-note transcription; defaults to the OpenAI-compatible endpoint in the configuration. */
  readonly transcriber?: Transcriber | null;
}
