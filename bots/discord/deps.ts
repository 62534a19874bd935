/**
 * What the Discord adapter needs from the rest of CryptoPulse. The lead composes these from the agent
 * core, the command registry, the trading core's event stream and identity; the adapter decides nothing
 * itself: who may confirm, what a command does and what the user reads all come from the core.
 */
import type { Answer } from '../../core/agent/answer.ts';
import type { Inbound } from '../../core/agent/inbound.ts';
import type { OrderEventFeed } from '../../core/broadcast/order-events.ts';

/** The agent entry (core/agent): one inbound event → the answer to render. */
export interface AgentEntry {
  /**
   * Replies with their audience (`owner`: only the asker may read them), or, for a button press, a
   * refusal (ERR_NOT_OWNER, ERR_BAD_HANDLE) or a stale proposal (ERR_ORDER_EXPIRED, ERR_ORDER_STATE)
   * as an error code, so the adapter answers the presser privately instead of editing the card.
   */
  answer(inbound: Inbound): Promise<Answer>;
}

export type ChatScope = 'dm' | 'group' | 'channel';

/** A Discord application-command option as the registry derives it (bots/discord/registry.ts). */
export interface CommandOptionSource {
  /** Discord option type: 1 subcommand, 3 string, 4 integer, 5 boolean, 10 number... */
  readonly type: number;
  readonly name: string;
  readonly description: string;
  readonly required?: boolean;
  readonly choices?: readonly { readonly name: string; readonly value: string | number }[];
  readonly min_value?: number;
  readonly max_value?: number;
  readonly min_length?: number;
  readonly max_length?: number;
  /** Subcommands' own options. */
  readonly options?: readonly CommandOptionSource[];
}

/**
 * One registry command as Discord needs it: `discordCommand(def)` from the registry, plus the flags of
 * its CommandDef (`{ ...discordCommand(c), scopes: c.scopes, adminInGroups: c.adminInGroups, ... }`).
 */
export interface SlashCommandSource {
  readonly name: string;
  /** At most 100 characters. */
  readonly description: string;
  readonly options?: readonly CommandOptionSource[];
  /** Interaction contexts (0 guild, 1 bot DM, 2 private channel); derived from `scopes` when absent. */
  readonly contexts?: readonly number[];
  readonly scopes?: readonly ChatScope[];
  /** In guilds only members with Manage Channels may run it (/subscribe, /unsubscribe). */
  readonly adminInGroups?: boolean;
  /** Options that carry secrets (the core's schema markers): collected through a modal, never typed. */
  readonly secretArgs?: readonly string[];
  /** Replies carry personal data (the core's policy): shown only to the user in guilds. */
  readonly personal?: boolean;
}

export interface DiscordDeps {
  readonly agent: AgentEntry;
  readonly commands: readonly SlashCommandSource[];
  /** Order and alert events through the core's consumer group (orderEventFeedFor). Absent: no notifications. */
  readonly orderEvents?: OrderEventFeed;
  /** The Discord user id of a CryptoPulse user; defaults to a lookup of their linked Discord account. */
  readonly discordAccountOf?: (userId: string) => Promise<string | undefined>;
  /** The order id inside a confirmation handle (core/trading readHandle), so order events can edit
   * the proposal card they belong to. Absent: cards are not edited by events (DMs still go out). */
  readonly orderIdOfHandle?: (handle: string) => string | undefined;
  /** Symbol suggestions for autocomplete ("BTC/USDT"...); defaults to SIGNAL_PAIRS. */
  readonly symbols?: () => Promise<readonly string[]>;
}
