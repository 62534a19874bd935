/**
 * "/name args" in any chat → a command for the core. Two platform chores happen here: a message whose
 * arguments carry secrets (/keys link …) is deleted as soon as it is read, wherever it was posted; and
 * for admin-only commands in groups and channels the sender's admin status is looked up with
 * getChatMember, so the core can decide.
 */
import { type Api, Composer, type Context } from 'grammy';
import type { Message } from 'grammy/types';
import { text } from '../../../core/agent/reply.ts';
import { chatKindOf, parseCommand, senderOf, speaksAsChat, toInbound } from '../inbound.ts';
import { boundary, type FeatureEnv } from './env.ts';

const ADMIN_STATUSES = new Set(['creator', 'administrator']);

async function isChatAdmin(api: Api, message: Message): Promise<boolean> {
  // A channel post or an anonymous admin speaks as the chat itself: only its admins can.
  if (speaksAsChat(message)) return true;
  if (!message.from) return false;
  const member = await api.getChatMember(message.chat.id, message.from.id);
  return ADMIN_STATUSES.has(member.status);
}

const SECRET_NOT_DELETED =
  'I could not delete your message with the keys. Please delete it yourself now, and revoke those keys at the exchange if others could have seen them.';

export function commandsFeature(env: FeatureEnv): Composer<Context> {
  const composer = new Composer<Context>();
  const safe = composer.errorBoundary(boundary(env, 'commands'));
  safe.on(['message:text', 'channel_post:text'], async (ctx, next) => {
    const message = ctx.msg;
    const command = parseCommand(message.text, ctx.me.username);
    const sender = senderOf(message);
    if (!command || !sender) return next();
    const info = env.commands.find(command.name);
    const chatKind = chatKindOf(message.chat);

    let secretKept = false;
    const secrets = Boolean(info?.secretArgs?.length);
    if (secrets && command.args) {
      secretKept = !(await ctx.api.deleteMessage(message.chat.id, message.message_id).then(
        () => true,
        (err: unknown) => {
          env.logger.warn({ err, chatId: message.chat.id }, 'could not delete a message holding secrets');
          return false;
        },
      ));
    }
    const admin = chatKind !== 'dm' && info?.adminInGroups ? await isChatAdmin(ctx.api, message) : undefined;
    const inbound = toInbound(
      { sender, chat: message.chat, ...(admin === undefined ? {} : { isChatAdmin: admin }) },
      { kind: 'command', command: command.name, args: command.args },
    );
    // In groups the answer is attached to the question; a deleted question cannot be replied to.
    const replyTo = chatKind === 'group' && !secrets ? message.message_id : undefined;
    await env.responder.respond(inbound, replyTo === undefined ? {} : { replyTo });
    if (secretKept) await env.responder.say(String(message.chat.id), [text(SECRET_NOT_DELETED)]);
  });
  return composer;
}
