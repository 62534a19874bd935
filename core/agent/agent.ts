/**
 * The one entry every adapter calls: `agent.handle(inbound)` → replies. Discord, Telegram and the
 * console go through exactly this path. Buttons confirm or decline proposals (the only way an order is
 * confirmed); commands run from the registry; free text goes through the parser or the model.
 */
import type OpenAI from 'openai';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { AppError, toAppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { errorsTotal } from '../metrics.ts';
import type { Redis, RedisKeys } from '../redis.ts';
import type { Answer } from './answer.ts';
import { createAuditSink } from './audit-sink.ts';
import { invokeCommand } from './commands/invoke.ts';
import { hasSecretArgs } from './commands/policy.ts';
import { findCommand } from './commands/registry.ts';
import { converse, memoryText } from './converse.ts';
import { type Inbound, type InboundButton, InboundSchema, MAX_ARGS, MAX_TEXT } from './inbound.ts';
import { createLlmClient } from './llm/client.ts';
import { llmSummarizer } from './llm/summarize.ts';
import { type ConversationMemory, createMemory } from './memory.ts';
import { agentMessages } from './metrics.ts';
import type { AgentServices } from './ports.ts';
import { confirmedText, orderLine } from './present/trading.ts';
import { type Reply, text } from './reply.ts';
import { need } from './tools/need.ts';
import { startTurn, type Turn } from './turn.ts';

export interface AgentDeps {
  readonly services: AgentServices;
  readonly config: Config;
  readonly logger: Logger;
  readonly db: Db;
  /**
   * Where the audit of chat turns (tool calls, refusals) goes; default `db`. The composition root gives
   * a connection with asynchronous commit; entries are written just after the reply (audit-sink.ts).
   */
  readonly auditDb?: Db;
  readonly redis: Redis;
  readonly keys: RedisKeys;
  /** Default: a client from OPENAI_API_KEY / OPENAI_BASE_URL, or none. `null` forces the offline parser. */
  readonly llm?: OpenAI | null;
  readonly now?: () => Date;
}

export interface HandleOptions {
  /** Model text as it streams in, for adapters that show progress. */
  readonly onText?: (delta: string) => void;
}

export interface Agent {
  /**
   * The adapters' entry: replies with their audience (personal answers are for the asker only), or,
   * for a button press the core refused or could not carry out, its error code and sentence.
   */
  answer(inbound: Inbound, options?: HandleOptions): Promise<Answer>;
  /**
   * Every failure becomes a reply a person can read, with one exception: a refused or failed button
   * press (ERR_NOT_OWNER, ERR_BAD_HANDLE, ERR_ORDER_EXPIRED, ERR_ORDER_STATE...) throws its AppError,
   * so the adapter answers the presser privately instead of changing the card everyone sees.
   */
  handle(inbound: Inbound, options?: HandleOptions): Promise<Reply[]>;
  /** Waits until the audit entries and memory folds of every answered message are done (graceful stop, tests). */
  drain(): Promise<void>;
  readonly llmEnabled: boolean;
  readonly memory: ConversationMemory;
}

async function pressButton(turn: Turn, press: InboundButton, services: AgentServices): Promise<Reply[]> {
  const trading = need(services, 'trading');
  try {
    if (press.action === 'confirm') {
      const { order, status } = await trading.confirm(press.handle, turn.actor);
      turn.audit({ action: 'agent.confirm', subjectType: 'order', subjectId: order.id });
      return [
        text(
          status === 'already_confirmed' ? `Already confirmed: ${orderLine(order)}` : confirmedText(order),
        ),
      ];
    }
    const order = await trading.decline(press.handle, turn.actor);
    turn.audit({ action: 'agent.decline', subjectType: 'order', subjectId: order.id });
    return [text(`Cancelled, nothing was traded: ${orderLine(order)}`)];
  } catch (err) {
    turn.audit({
      action: `agent.${press.action}`,
      outcome: 'rejected',
      detail: { code: toAppError(err).code },
    });
    throw err;
  }
}

async function runCommand(
  turn: Turn,
  command: string,
  args: string | Readonly<Record<string, unknown>>,
): Promise<Reply[]> {
  const def = findCommand(command);
  if (!def)
    return [
      text(`There is no /${command.replace(/[^\w-]/g, '').slice(0, 32)} command. Send /help for the list.`),
    ];
  turn.audit({
    action: `command.${def.name}`,
    subjectType: 'command',
    subjectId: def.name,
    // Keys commands carry secrets: their arguments never reach a log, the audit or memory.
    detail: hasSecretArgs(def)
      ? { args: '[redacted]' }
      : { args: typeof args === 'string' ? args.slice(0, 300) : args },
  });
  return invokeCommand(def, args, turn.commandContext('command'));
}

export function createAgent(deps: AgentDeps): Agent {
  const now = deps.now ?? (() => new Date());
  const llm = deps.llm === undefined ? createLlmClient(deps.config) : deps.llm;
  const memory = createMemory({
    redis: deps.redis,
    keys: deps.keys,
    ttlSeconds: deps.config.MEMORY_TTL_SECONDS,
    tokenBudget: deps.config.MEMORY_TOKEN_BUDGET,
    logger: deps.logger,
    ...(llm ? { summarize: llmSummarizer(llm, deps.config.LLM_MODEL, deps.logger) } : {}),
  });
  const auditSink = createAuditSink(deps.auditDb ?? deps.db, deps.logger);
  const turnDeps = { services: deps.services, audit: auditSink, logger: deps.logger, memory, now };
  const converseDeps = { ...deps, memory, llm, now };

  async function dispatch(inbound: Inbound, options: HandleOptions): Promise<Answer> {
    const { userId } = await deps.services.identity.resolve({
      platform: inbound.platform,
      platformUserId: inbound.platformUserId,
      ...(inbound.username ? { username: inbound.username } : {}),
    });
    const turn = startTurn(turnDeps, inbound, {
      userId,
      platform: inbound.platform,
      chatId: inbound.chatId,
      chatKind: inbound.chatKind,
    });
    async function reply(): Promise<Reply[]> {
      switch (inbound.kind) {
        case 'button':
          // A refused press is thrown to the adapter, which answers only the presser (see Agent.handle).
          return pressButton(turn, inbound, deps.services);
        case 'command': {
          const replies = turn.finish(await runCommand(turn, inbound.command, inbound.args));
          const def = findCommand(inbound.command);
          if (!def || !hasSecretArgs(def)) {
            const said =
              typeof inbound.args === 'string'
                ? `/${inbound.command} ${inbound.args}`.trim()
                : `/${inbound.command}`;
            memory.append(turn.conversation, [
              { role: 'user', content: said },
              { role: 'assistant', content: memoryText(replies) || '(no answer)' },
            ]);
          }
          return replies;
        }
        case 'text':
          return turn.finish(await converse(converseDeps, turn, inbound.text, options.onText));
      }
    }
    try {
      const replies = await reply();
      agentMessages.inc({ platform: inbound.platform, kind: inbound.kind, outcome: 'answered' });
      return { kind: 'replies', replies, audience: turn.audience };
    } catch (err) {
      if (inbound.kind === 'button') throw err;
      // Whatever was already produced (a chart, a first proposal) still reaches the user with the error.
      const replies = turn.finish([text(failureText(err, deps.logger, inbound))]);
      return { kind: 'replies', replies, audience: turn.audience };
    }
  }

  async function answer(raw: Inbound, options: HandleOptions = {}): Promise<Answer> {
    const parsed = InboundSchema.safeParse(raw);
    if (!parsed.success) return { kind: 'replies', replies: [text(unreadable(raw))], audience: 'chat' };
    try {
      return await dispatch(parsed.data, options);
    } catch (err) {
      const message = failureText(err, deps.logger, parsed.data);
      if (parsed.data.kind === 'button') return { kind: 'error', code: toAppError(err).code, message };
      return { kind: 'replies', replies: [text(message)], audience: 'chat' };
    }
  }

  return {
    llmEnabled: llm !== null,
    memory,
    answer,
    drain: async () => {
      await Promise.all([auditSink.drain(), memory.drain()]);
    },
    async handle(raw, options = {}) {
      const a = await answer(raw, options);
      if (a.kind === 'error')
        throw new AppError(a.code, `button press refused: ${a.code}`, { userMessage: a.message });
      return [...a.replies];
    },
  };
}

/** Why an inbound event failed validation, in words: a message over the size limit says so and how long it was. */
function unreadable(raw: Inbound): string {
  const r = raw as { kind?: unknown; text?: unknown; args?: unknown };
  const said = r.kind === 'text' ? r.text : r.kind === 'command' ? r.args : undefined;
  const max = r.kind === 'text' ? MAX_TEXT : MAX_ARGS;
  if (typeof said === 'string' && said.length > max)
    return `That message is too long (${said.length.toLocaleString('en-US')} characters); the most I read is ${max.toLocaleString('en-US')}.`;
  return 'I could not read that message.';
}

function failureText(err: unknown, logger: Logger, inbound: Inbound): string {
  const e = toAppError(err);
  const context = {
    err,
    code: e.code,
    platform: inbound.platform,
    chatKind: inbound.chatKind,
    kind: inbound.kind,
  };
  agentMessages.inc({ platform: inbound.platform, kind: inbound.kind, outcome: e.code });
  if (e.code === 'ERR_INTERNAL' || e.code === 'ERR_LLM_UNAVAILABLE') {
    logger.error(context, 'agent request failed');
    errorsTotal.inc({ code: e.code, where: 'agent' });
  } else logger.info({ code: e.code, kind: inbound.kind }, 'agent request refused');
  return e.userMessage;
}
