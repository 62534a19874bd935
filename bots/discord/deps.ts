/**
 * What the Discord adapter needs from the rest of CryptoPulse. The lead composes these from the agent
 * core, the command registry, the trading core's event stream and identity; the adapter decides nothing
 * itself: who may confirm, what a command does and what the user reads all come from the core.
 */
import type { APIApplicationCommandOption } from 'discord.js';
import type { Inbound } from '../../core/agent/inbound.ts';
import type { Reply } from '../../core/agent/reply.ts';

/** The agent entry (core/agent): one inbound event → the replies to render. */
export interface AgentEntry {
  /**
   * For a button press, a refusal (ERR_NOT_OWNER, ERR_BAD_HANDLE) or a stale proposal
   * (ERR_ORDER_EXPIRED, ERR_ORDER_STATE) is expected as a thrown AppError, so the adapter can answer
   * the presser privately instead of editing the card everyone sees.
   */
  handle(inbound: Inbound): Promise<readonly Reply[]>;
}

export type ChatScope = 'dm' | 'group' | 'channel';

/** One registry command as Discord needs it (core/agent/commands CommandDef plus its derived options). */
export interface SlashCommandSource {
  readonly name: string;
  /** At most 100 characters. */
  readonly description: string;
  /** Typed options derived from the command's zod arguments; subcommands are options of type 1. */
  readonly options?: readonly APIApplicationCommandOption[];
  readonly scopes?: readonly ChatScope[];
  /** In guilds only members with Manage Channels may run it (/subscribe, /unsubscribe). */
  readonly adminInGroups?: boolean;
  /** Arguments carry secrets: collected through a modal, never as visible options. */
  readonly secretArgs?: boolean;
  /** Replies carry personal data (portfolio, orders, keys): shown only to the user. */
  readonly personal?: boolean;
}

/** One entry of the trading core's order-event stream (core/trading/order-events.ts readOrderEvents). */
export interface StoredEvent {
  readonly id: string;
  readonly event: unknown;
}

export interface DiscordDeps {
  readonly agent: AgentEntry;
  readonly commands: readonly SlashCommandSource[];
  /** Reads order and alert events after a stream id, waiting up to `blockMs`. Absent: no notifications. */
  readonly orderEvents?: (
    after: string,
    options: { readonly count?: number; readonly blockMs?: number },
  ) => Promise<readonly StoredEvent[]>;
  /** The Discord user id of a CryptoPulse user; defaults to a lookup of their linked Discord account. */
  readonly discordAccountOf?: (userId: string) => Promise<string | undefined>;
  /** The order id inside a confirmation handle (core/trading readHandle), so order events can edit
   * the proposal card they belong to. Absent: cards are not edited by events (DMs still go out). */
  readonly orderIdOfHandle?: (handle: string) => string | undefined;
  /** Symbol suggestions for autocomplete ("BTC/USDT"...); defaults to SIGNAL_PAIRS. */
  readonly symbols?: () => Promise<readonly string[]>;
}
