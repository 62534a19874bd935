/**
 * Free text goes to the agent: every message in a DM; in groups only messages that mention the bot or
 * reply to it (everything else in a group is people talking to each other).
 */
import { Composer, type Context } from 'grammy';
import { addressesBot, chatKindOf, senderOf, toInbound, withoutMention } from '../inbound.ts';
import { boundary, type FeatureEnv } from './env.ts';

export function conversationFeature(env: FeatureEnv): Composer<Context> {
  const composer = new Composer<Context>();
  const safe = composer.errorBoundary(boundary(env, 'conversation'));
  safe.on('message:text', async (ctx) => {
    const message = ctx.msg;
    const sender = senderOf(message);
    if (!sender || message.text.startsWith('/')) return;
    const kind = chatKindOf(message.chat);
    if (kind !== 'dm' && !addressesBot(message, ctx.me)) return;
    const said = kind === 'dm' ? message.text : withoutMention(message.text, ctx.me);
    if (!said) return;
    const inbound = toInbound({ sender, chat: message.chat }, { kind: 'text', text: said });
    await env.responder.respond(inbound, kind === 'dm' ? {} : { replyTo: message.message_id });
  });
  return composer;
}
