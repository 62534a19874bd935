/**
 * Voice notes: downloaded, transcribed by the configured OpenAI-compatible endpoint, echoed back so the
 * speaker sees what was understood, then handled exactly like typed text. Without a transcriber the
 * bot says how to enable it instead of staying silent.
 */
import { Composer, type Context } from 'grammy';
import { escapeMarkdown } from '../../../core/agent/markdown.ts';
import { text } from '../../../core/agent/reply.ts';
import { AppError } from '../../../core/errors.ts';
import { addressesBot, chatKindOf, senderOf, toInbound } from '../inbound.ts';
import { MAX_VOICE_BYTES } from '../transcribe.ts';
import { boundary, type FeatureEnv } from './env.ts';

export const VOICE_DISABLED =
  'Voice notes are not enabled on this bot. The operator can turn them on by setting `OPENAI_API_KEY` and ' +
  '`TRANSCRIBE_MODEL` (any OpenAI-compatible speech-to-text server, e.g. whisper-1). Please type your request meanwhile.';

async function download(url: string): Promise<Buffer> {
  const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  if (!res.ok) throw new AppError('ERR_UNAVAILABLE', `voice download failed with HTTP ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

export function voiceFeature(env: FeatureEnv): Composer<Context> {
  const composer = new Composer<Context>();
  const safe = composer.errorBoundary(boundary(env, 'voice'));
  safe.on('message:voice', async (ctx) => {
    const message = ctx.msg;
    const sender = senderOf(message);
    const kind = chatKindOf(message.chat);
    if (!sender || (kind !== 'dm' && !addressesBot(message, ctx.me))) return;
    const chatId = String(message.chat.id);
    const replyTo = kind === 'dm' ? {} : { replyTo: message.message_id };
    if (!env.transcriber) return env.responder.say(chatId, [text(VOICE_DISABLED)], replyTo);
    const voice = message.voice;
    if ((voice.file_size ?? 0) > MAX_VOICE_BYTES)
      return env.responder.say(
        chatId,
        [text('That voice note is too long for me. Please keep it under a few minutes.')],
        replyTo,
      );
    const file = await ctx.api.getFile(voice.file_id);
    if (!file.file_path) throw new AppError('ERR_UNAVAILABLE', 'Telegram gave no file path for a voice note');
    const heard = await env.transcriber.transcribe(
      await download(env.fileUrl(file.file_path)),
      'voice.ogg',
      voice.mime_type ?? 'audio/ogg',
    );
    if (!heard)
      return env.responder.say(chatId, [text('I could not make out any words in that voice note.')], replyTo);
    await env.responder.say(chatId, [text(`🎙 Heard: “${escapeMarkdown(heard)}”`)], replyTo);
    await env.responder.respond(
      toInbound({ sender, chat: message.chat }, { kind: 'text', text: heard }),
      replyTo,
    );
  });
  return composer;
}
