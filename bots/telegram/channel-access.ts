/**
 * Whether a user may subscribe a Telegram channel from a DM: the channel exists for the bot, the user
 * is its creator or an administrator, and the bot is an administrator allowed to post. Each missing
 * piece is named, so the channel owner knows what to fix.
 */
import { type Api, GrammyError } from 'grammy';
import type { ChannelAccess } from '../../core/broadcast/subscriptions-port.ts';

const ADMINS = new Set(['creator', 'administrator']);

export function telegramChannelAccess(api: Api): ChannelAccess {
  let botId: number | undefined;
  return {
    async check(channel, platformUserId) {
      const chat = await api.getChat(channel).catch((err: unknown) => {
        if (err instanceof GrammyError && err.error_code < 500) return undefined;
        throw err;
      });
      if (!chat)
        return {
          ok: false,
          missing: ['I cannot see that channel: add me to it as an administrator first, then try again'],
        };
      const title = 'title' in chat && chat.title ? chat.title : channel;
      if (chat.type !== 'channel')
        return {
          ok: false,
          missing: [`${title} is not a channel; run /subscribe inside that group instead`],
        };
      botId ??= (await api.getMe()).id;
      const [user, bot] = await Promise.all([
        api.getChatMember(chat.id, Number(platformUserId)),
        api.getChatMember(chat.id, botId),
      ]);
      const missing: string[] = [];
      if (!ADMINS.has(user.status)) missing.push(`you are not an administrator of ${title}`);
      const canPost = bot.status === 'administrator' && bot.can_post_messages === true;
      if (!canPost) missing.push(`I need to be an administrator of ${title} with the right to post messages`);
      return missing.length ? { ok: false, missing } : { ok: true, chatId: String(chat.id), title };
    },
  };
}
