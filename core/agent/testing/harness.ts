/**
 * The agent over the real trading core (Postgres, Redis, sim market on a controllable clock), real
 * identity, vault and chart renderer, and optionally a model on the fake OpenAI server. Confirmed orders
 * collect in `queued`; `fill` runs the real paper broker on them, as the worker would.
 */
import OpenAI from 'openai';
import { createChartRenderer } from '../../../charts/render.ts';
import { createUserSettings } from '../../identity/settings.ts';
import type { MarketData } from '../../market/market-data.ts';
import { executePaperOrder } from '../../trading/paper-broker.ts';
import { createTradingHarness, type TradingHarness } from '../../trading/testing/harness.ts';
import { createKeysService } from '../../vault/service.ts';
import { type Agent, createAgent } from '../agent.ts';
import { chartPort, identityPort, keysPort, marketPort, settingsPort, signalsService } from '../bindings.ts';
import type { Inbound } from '../inbound.ts';
import type { AgentServices, ChatKind } from '../ports.ts';
import type { Reply } from '../reply.ts';

export interface AgentHarness {
  readonly h: TradingHarness;
  readonly agent: Agent;
  readonly services: AgentServices;
  /** Sends text as a platform user (Telegram DM by default). */
  say(user: string, text: string, where?: Partial<Where>): Promise<Reply[]>;
  command(
    user: string,
    command: string,
    args: string | Record<string, unknown>,
    where?: Partial<Where>,
  ): Promise<Reply[]>;
  press(user: string, action: 'confirm' | 'cancel', handle: string, where?: Partial<Where>): Promise<Reply[]>;
  /** Executes every queued order with the paper broker. */
  fill(): Promise<void>;
  /** Orders of every user, by status. */
  statuses(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export interface Where {
  readonly platform: 'telegram' | 'discord' | 'console';
  readonly chatId: string;
  readonly chatKind: ChatKind;
  readonly isChatAdmin: boolean;
}

export interface AgentHarnessOptions {
  readonly env?: Record<string, string>;
  /** Base URL of a fake OpenAI server; absent = no model (offline parser only). */
  readonly llmUrl?: string;
  /** Ports to remove, to see how the agent behaves without them. */
  readonly without?: readonly (keyof AgentServices)[];
  /** Market data instead of the sim market (e.g. ccxt against the local exchange fake). */
  readonly market?: () => MarketData;
  /** Adds the signals port over the harness database, with the configured SIGNAL_PAIRS. */
  readonly signals?: boolean;
}

export async function createAgentHarness(
  label: string,
  options: AgentHarnessOptions = {},
): Promise<AgentHarness> {
  const env = {
    ...(options.llmUrl ? { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: options.llmUrl } : {}),
    ...options.env,
  };
  const h = await createTradingHarness(label, env, options.market ? { market: options.market } : {});
  const charts = createChartRenderer({ workers: 0, cacheEntries: 0 });
  const all: AgentServices = {
    identity: identityPort(h.identity),
    market: marketPort(h.market),
    trading: h.service,
    accounts: h.service,
    operator: h.service,
    keys: keysPort(createKeysService(h.app)),
    charts: chartPort(charts),
    settings: settingsPort(createUserSettings(h.app.db)),
    ...(options.signals ? { signals: signalsService(h.app.db, h.app.config.SIGNAL_PAIRS) } : {}),
  };
  const services = Object.fromEntries(
    Object.entries(all).filter(([k]) => !options.without?.includes(k as keyof AgentServices)),
  ) as unknown as AgentServices;
  const { config, logger, db, redis, keys } = h.app;
  const llm = options.llmUrl
    ? new OpenAI({
        apiKey: 'sk-test',
        baseURL: options.llmUrl,
        timeout: config.LLM_TIMEOUT_MS,
        maxRetries: config.LLM_MAX_RETRIES,
      })
    : null;
  const agent = createAgent({
    services,
    config,
    logger,
    db,
    redis,
    keys,
    llm,
    now: () => new Date(h.clock.now),
  });

  const base = (user: string, where: Partial<Where> = {}) => ({
    platform: where.platform ?? 'telegram',
    platformUserId: user,
    chatId: where.chatId ?? `dm-${user}`,
    chatKind: where.chatKind ?? 'dm',
    ...(where.isChatAdmin === undefined ? {} : { isChatAdmin: where.isChatAdmin }),
  });
  // Tests read the audit log right after a message: wait for the entries the reply did not wait for.
  const send = async (inbound: Inbound) => {
    try {
      return await agent.handle(inbound);
    } finally {
      await agent.drain();
    }
  };

  return {
    h,
    agent,
    services,
    say: (user, text, where) => send({ ...base(user, where), kind: 'text', text }),
    command: (user, command, args, where) => send({ ...base(user, where), kind: 'command', command, args }),
    press: (user, action, handle, where) => send({ ...base(user, where), kind: 'button', action, handle }),
    async fill() {
      for (const id of h.queued.splice(0)) await executePaperOrder(h.deps, id);
    },
    async statuses() {
      const rows = await db.order.groupBy({ by: ['status'], _count: true });
      return Object.fromEntries(rows.map((r) => [r.status, r._count]));
    },
    async close() {
      await charts.close();
      await h.close();
    },
  };
}

/** The kinds of the replies, e.g. ['text', 'actions']. */
export const kinds = (replies: readonly Reply[]) => replies.map((r) => r.kind);

/** All text of the replies, for assertions. */
export const textOf = (replies: readonly Reply[]) =>
  replies.map((r) => (r.kind === 'image' ? `[image ${r.alt}]` : r.markdown)).join('\n');

export function actionsOf(replies: readonly Reply[]) {
  return replies.flatMap((r) => (r.kind === 'actions' ? [r] : []));
}
