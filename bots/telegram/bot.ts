/**
 * The Telegram adapter, assembled: a grammY bot on TELEGRAM_API_ROOT whose every chat-posting call goes
 * through one rate-limited outbox, one Composer per feature, command menus per scope from the registry,
 * notifications from the order-event stream, and long polling or (with TELEGRAM_WEBHOOK_URL) a webhook
 * route for the API server. `stop` stops intake, lets accepted updates finish, then flushes the outbox.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { type Api, Bot } from 'grammy';
import type { AppContext } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import { toDbPlatform } from '../../core/identity/types.ts';
import { errorsTotal } from '../../core/metrics.ts';
import { createCardStore } from './cards.ts';
import type { CommandInfo, TelegramDeps } from './deps.ts';
import { buttonsFeature } from './features/buttons.ts';
import { commandsFeature } from './features/commands.ts';
import { conversationFeature } from './features/conversation.ts';
import { commandIndex, type FeatureEnv } from './features/env.ts';
import { voiceFeature } from './features/voice.ts';
import { startNotifier } from './notify.ts';
import { sharedOutbox, TELEGRAM_RATE_LIMITS } from './outbox.ts';
import { ALLOWED_UPDATES, startPolling } from './polling.ts';
import { budgetDown, redisTelegramBudget } from './redis-budget.ts';
import { createResponder } from './respond.ts';
import { inOrder } from './runner.ts';
import { createTelegramSender, pacedBy, type TelegramSender } from './send.ts';
import { transcriberFromConfig } from './transcribe.ts';
import { startWebhookIntake } from './webhook.ts';

export interface TelegramBotHandle {
  /** Stops intake, finishes accepted updates and queued messages (within SHUTDOWN_TIMEOUT_MS). */
  stop(): Promise<void>;
  /** Webhook mode only: register on the API server (the route is the path of TELEGRAM_WEBHOOK_URL). */
  readonly webhookPlugin?: FastifyPluginAsync;
  /** For the signal broadcaster: rate-limited, ordered delivery of core replies to any chat. */
  readonly sender: TelegramSender;
  /** The bot's @username, for the startup banner. */
  readonly username: string;
}

/** The user's linked Telegram account: in Telegram a user's DM chat id is their user id. */
function telegramAccountFromDb(ctx: AppContext): (userId: string) => Promise<string | undefined> {
  return async (userId) => {
    const account = await ctx.db.platformAccount.findFirst({
      where: { userId, platform: toDbPlatform('telegram') },
      select: { platformUserId: true },
    });
    return account?.platformUserId;
  };
}

/** setMyCommands per scope: private chats and groups see the commands offered there. */
async function setCommandMenus(api: Api, commands: readonly CommandInfo[]): Promise<void> {
  const offered = (c: CommandInfo, scope: 'dm' | 'group') => !c.scopes || c.scopes.includes(scope);
  const menu = (scope: 'dm' | 'group') =>
    commands
      .filter((c) => offered(c, scope) && /^[a-z0-9_]{1,32}$/.test(c.name))
      .map((c) => ({ command: c.name, description: c.description.slice(0, 256) }));
  await api.setMyCommands(menu('dm'), { scope: { type: 'all_private_chats' } });
  await api.setMyCommands(menu('group'), { scope: { type: 'all_group_chats' } });
}

export async function startTelegramBot(ctx: AppContext, deps: TelegramDeps): Promise<TelegramBotHandle> {
  const { config } = ctx;
  const token = config.TELEGRAM_BOT_TOKEN;
  if (!token)
    throw new AppError('ERR_VALIDATION', 'TELEGRAM_BOT_TOKEN is not set; the Telegram bot cannot start');
  const logger = ctx.logger.child({ role: 'bots', platform: 'telegram' });
  const apiRoot = config.TELEGRAM_API_ROOT.replace(/\/+$/, '');

  const bot = new Bot(token, { client: { apiRoot } });
  // Shared with the broadcaster of this process, if it runs: one budget per bot (outbox.ts).
  const lease = sharedOutbox(
    { token, apiRoot },
    {
      onRetry: (r) =>
        logger.warn({ chatId: r.chatId, reason: r.reason, waitMs: r.waitMs }, 'Telegram send retried'),
      // Other processes sending as this bot (a second bots process, a broadcaster) share its limits.
      shared: redisTelegramBudget(
        ctx,
        { token, apiRoot },
        { limits: TELEGRAM_RATE_LIMITS, onUnavailable: budgetDown(logger) },
      ),
    },
  );
  const { outbox } = lease;
  bot.api.config.use(pacedBy(outbox));
  await bot.init();

  const sender = createTelegramSender(bot.api);
  const cards = createCardStore(bot.api, ctx.redis, ctx.keys);
  const responder = createResponder({
    api: bot.api,
    agent: deps.agent,
    sender,
    cards,
    logger,
    botUsername: bot.botInfo.username,
    ...(deps.orderIdOf ? { orderIdOf: deps.orderIdOf } : {}),
  });
  const env: FeatureEnv = {
    responder,
    cards,
    commands: commandIndex(deps.commands),
    transcriber: deps.transcriber === undefined ? transcriberFromConfig(config) : deps.transcriber,
    logger,
    fileUrl: (path) => `${apiRoot}/file/bot${token}/${path}`,
  };
  bot.use(inOrder(), commandsFeature(env), buttonsFeature(env), voiceFeature(env), conversationFeature(env));
  bot.catch((err) => {
    // Features have their own error boundaries; reaching here means the boundary itself failed.
    errorsTotal.inc({ code: 'ERR_INTERNAL', where: 'telegram.dispatch' });
    logger.error({ err: err.error, updateId: err.ctx.update.update_id }, 'Telegram update failed');
  });

  if (deps.commands)
    await setCommandMenus(bot.api, deps.commands).catch((err: unknown) =>
      logger.error({ err }, 'could not set the Telegram command menus'),
    );

  const notifier = deps.orderEvents
    ? await startNotifier({
        feed: deps.orderEvents,
        accountOf: deps.telegramAccountOf ?? telegramAccountFromDb(ctx),
        sender,
        cards,
        logger,
      })
    : undefined;

  const finish = async (intake: { stop(timeoutMs: number): Promise<void> }) => {
    await intake.stop(config.SHUTDOWN_TIMEOUT_MS);
    await notifier?.stop();
    await lease.release(config.SHUTDOWN_TIMEOUT_MS);
  };

  const username = bot.botInfo.username;
  if (config.TELEGRAM_WEBHOOK_URL) {
    // Without a configured secret a random one is used: the route then still refuses strangers.
    const secret = config.TELEGRAM_WEBHOOK_SECRET ?? randomBytes(32).toString('base64url');
    await bot.api.setWebhook(config.TELEGRAM_WEBHOOK_URL, {
      secret_token: secret,
      allowed_updates: [...ALLOWED_UPDATES],
    });
    logger.info({ url: config.TELEGRAM_WEBHOOK_URL }, `Telegram bot @${username} in webhook mode`);
    const intake = startWebhookIntake(bot, { path: new URL(config.TELEGRAM_WEBHOOK_URL).pathname, secret });
    // The webhook stays registered: Telegram keeps updates for us until we are back.
    return { sender, username, webhookPlugin: intake.plugin, stop: () => finish(intake) };
  }

  const poller = await startPolling(bot, logger);
  logger.info(`Telegram bot @${username} polling ${apiRoot}`);
  return { sender, username, stop: () => finish(poller) };
}
