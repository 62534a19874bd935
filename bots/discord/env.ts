/** What every Discord handler receives: the core entry, the command sources, the cards, and where to log. */
import type { Logger } from '../../core/logger.ts';
import type { AgentEntry, SlashCommandSource } from './deps.ts';
import type { ProposalCards } from './proposals.ts';
import type { DiscordSender } from './sender.ts';

export interface BotEnv {
  readonly agent: AgentEntry;
  readonly sources: ReadonlyMap<string, SlashCommandSource>;
  readonly logger: Logger;
  readonly sender: DiscordSender;
  readonly cards: ProposalCards;
  readonly symbols: () => Promise<readonly string[]>;
}
