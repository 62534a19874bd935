/**
 * A running bot against the fake Discord, over a test's own database and Redis prefix. The agent and
 * command sources are the caller's: the real core once composed, or plain data where a test does not
 * reach the agent at all.
 */
import { loadConfig } from '../../../core/config.ts';
import { type AppContext, createAppContext } from '../../../core/context.ts';
import { createLogger } from '../../../core/logger.ts';
import {
  type FakeDiscord,
  type FakeGuildHandle,
  startFakeDiscord,
} from '../../../test/fakes/discord/server.ts';
import { createTestContext, type TestContext } from '../../../test/support/context.ts';
import { type DiscordBot, startDiscordBot } from '../bot.ts';
import type { AgentEntry, DiscordDeps } from '../deps.ts';

export interface BotHarness {
  readonly fake: FakeDiscord;
  readonly guild: FakeGuildHandle;
  readonly test: TestContext;
  readonly ctx: AppContext;
  start(deps: DiscordDeps, env?: Record<string, string>): Promise<DiscordBot>;
  /** Closed after the bots stop and before the stores close (the core, a worker). */
  use(resource: { close(): Promise<void> }): void;
  close(): Promise<void>;
}

/** For tests that never reach the agent (registration, autocomplete): any call is a test failure. */
export const agentNotReached: AgentEntry = {
  answer: async () => {
    throw new Error('this test does not expect the agent to be called');
  },
};

export interface HarnessOptions {
  /**
   * How long the fake accepts an interaction's first callback (Discord: 3 s). Tests that are not about
   * the window widen it so a loaded machine does not fail them; `npm run bench -- discord` measures the
   * acknowledgement against the real 3 s.
   */
  readonly ackWindowMs?: number;
}

export async function startHarness(
  label: string,
  baseEnv: Record<string, string> = {},
  options: HarnessOptions = {},
): Promise<BotHarness> {
  const fake = await startFakeDiscord(
    options.ackWindowMs === undefined ? {} : { ackWindowMs: options.ackWindowMs },
  );
  const guild = fake.addGuild('Traders', ['signals', 'general']);
  const test = await createTestContext(label);
  const bots: DiscordBot[] = [];
  const resources: { close(): Promise<void> }[] = [];
  const contexts: AppContext[] = [];
  const envOf = (extra: Record<string, string>) => ({
    ...test.env,
    LOG_LEVEL: 'silent',
    DISCORD_TOKEN: fake.token,
    DISCORD_APP_ID: fake.appId,
    DISCORD_API_BASE: fake.apiBase,
    DISCORD_DEV_GUILD_ID: guild.id,
    SHUTDOWN_TIMEOUT_MS: '2000',
    ...baseEnv,
    ...extra,
  });
  const ctx = createAppContext(
    loadConfig(envOf({})),
    createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
  );
  contexts.push(ctx);
  return {
    fake,
    guild,
    test,
    ctx,
    async start(deps, env = {}) {
      const c = Object.keys(env).length
        ? createAppContext(
            loadConfig(envOf(env)),
            createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
          )
        : ctx;
      if (c !== ctx) contexts.push(c);
      const bot = await startDiscordBot(c, deps);
      bots.push(bot);
      return bot;
    },
    use(resource) {
      resources.push(resource);
    },
    async close() {
      await Promise.allSettled(bots.map((b) => b.stop()));
      for (const r of resources.reverse()) await r.close().catch(() => undefined);
      await Promise.allSettled(contexts.map((c) => c.close()));
      await fake.close();
      await test.close();
    },
  };
}
