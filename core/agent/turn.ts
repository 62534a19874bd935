/**
 * One inbound message being answered: who acts, the artifacts tools produce (images, proposals), and
 * the audited tool runner and command context built around them. `finish` turns artifacts into replies.
 */
import type { ZodType } from 'zod';
import { AppError } from '../errors.ts';
import type { AuditEntry } from '../identity/audit.ts';
import type { Logger } from '../logger.ts';
import type { AuditSink } from './audit-sink.ts';
import type { CommandContext } from './commands/command.ts';
import { helpText } from './commands/help.ts';
import type { Audience } from './commands/policy.ts';
import type { Inbound } from './inbound.ts';
import type { ConversationKey, ConversationMemory } from './memory.ts';
import type { Actor, AgentServices } from './ports.ts';
import { proposalCard } from './present/trading.ts';
import { actions, type Reply } from './reply.ts';
import { MAX_PROPOSALS_PER_TURN } from './tools/orders.ts';
import { runTool, type ToolOutcome } from './tools/runner.ts';
import {
  type Artifacts,
  newArtifacts,
  type ToolContext,
  type ToolDef,
  type ToolSource,
} from './tools/tool.ts';

export interface TurnDeps {
  readonly services: AgentServices;
  readonly audit: AuditSink;
  readonly logger: Logger;
  readonly memory: ConversationMemory;
  readonly now: () => Date;
}

export interface Turn {
  readonly inbound: Inbound;
  readonly actor: Actor;
  readonly artifacts: Artifacts;
  readonly conversation: ConversationKey;
  /** Set once news reached the model in this conversation (a news tool ran, or memory holds news). */
  readonly untrusted: { feedRead: boolean };
  runTool(tool: ToolDef, args: unknown, source: ToolSource): Promise<ToolOutcome>;
  commandContext(source: ToolSource): CommandContext;
  /** Recorded now, written just after the reply (audit-sink.ts). */
  audit(entry: Omit<AuditEntry, 'actorUserId' | 'platform'>): void;
  /** Replies plus the images and confirmation cards the tools produced. */
  finish(replies: readonly Reply[]): Reply[];
  /** Who may read the answer: `owner` once a personal command or tool ran (commands/policy.ts). */
  readonly audience: Audience;
}

export function startTurn(deps: TurnDeps, inbound: Inbound, actor: Actor): Turn {
  const artifacts = newArtifacts();
  // Shared by every tool source in this message, so a command and the model cannot add up past it.
  const budget = { proposalsLeft: MAX_PROPOSALS_PER_TURN };
  const untrusted = { feedRead: false };
  const userText = inbound.kind === 'text' ? inbound.text : undefined;
  const conversation = { userId: actor.userId, platform: actor.platform, chatId: actor.chatId };
  let audience: Audience = 'chat';
  const markPersonal = () => {
    audience = 'owner';
  };
  async function run<R>(tool: ToolDef<ZodType, R>, args: unknown, source: ToolSource) {
    const outcome = await runTool(tool, args, toolContext(source), deps);
    if (outcome.ok && tool.personal) markPersonal();
    return outcome;
  }

  function toolContext(source: ToolSource): ToolContext {
    return {
      actor,
      services: deps.services,
      source,
      artifacts,
      untrusted,
      now: deps.now,
      ...(userText === undefined ? {} : { userText }),
      get proposalsLeft() {
        return budget.proposalsLeft;
      },
      set proposalsLeft(n: number) {
        budget.proposalsLeft = n;
      },
    };
  }

  const turn: Turn = {
    inbound,
    actor,
    artifacts,
    conversation,
    untrusted,
    get audience() {
      return audience;
    },
    runTool: (tool, args, source) => run(tool, args, source),
    commandContext(source) {
      return {
        inbound,
        actor,
        services: deps.services,
        artifacts,
        async tool<R>(tool: ToolDef<ZodType, R>, args: unknown): Promise<R> {
          const outcome = await run(tool, args, source);
          if (outcome.ok) return outcome.result;
          throw new AppError(outcome.error.code, `tool ${tool.name} failed`, {
            userMessage: outcome.error.message,
          });
        },
        clearMemory: () => deps.memory.clear(conversation),
        help: (command) => helpText(inbound.chatKind, command),
        markPersonal,
      };
    },
    audit(entry) {
      deps.audit.record({ ...entry, actorUserId: actor.userId, platform: actor.platform });
    },
    finish(replies) {
      const now = deps.now();
      return [
        ...replies,
        ...artifacts.images,
        ...artifacts.proposals.map((p) => actions(proposalCard(p, now), { ...p, ownerUserId: actor.userId })),
      ];
    },
  };
  return turn;
}
