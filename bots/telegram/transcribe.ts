/**
 * Voice notes → text through any OpenAI-compatible `/audio/transcriptions` endpoint (OpenAI, a local
 * whisper server, vLLM), with the real `openai` client. Enabled by OPENAI_API_KEY plus TRANSCRIBE_MODEL.
 */
import OpenAI, { toFile } from 'openai';
import type { Config } from '../../core/config.ts';
import { AppError } from '../../core/errors.ts';

export interface Transcriber {
  transcribe(audio: Buffer, filename: string, mimeType?: string): Promise<string>;
}

/** Telegram bots may download files up to 20 MB; a voice note over this is refused before download. */
export const MAX_VOICE_BYTES = 20 * 1024 * 1024;

export function openAiTranscriber(options: {
  readonly apiKey: string;
  readonly baseURL?: string;
  readonly model: string;
  readonly timeoutMs?: number;
}): Transcriber {
  const client = new OpenAI({
    apiKey: options.apiKey,
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    timeout: options.timeoutMs ?? 60_000,
    maxRetries: 2,
  });
  return {
    async transcribe(audio, filename, mimeType) {
      try {
        const result = await client.audio.transcriptions.create({
          file: await toFile(audio, filename, mimeType ? { type: mimeType } : undefined),
          model: options.model,
        });
        return result.text.trim();
      } catch (err) {
        throw new AppError('ERR_UNAVAILABLE', 'transcription failed', {
          cause: err,
          userMessage: 'I could not transcribe that voice note right now. Please type it instead.',
        });
      }
    },
  };
}

/** The configured transcriber, or null when voice notes are not enabled. */
export function transcriberFromConfig(config: Config): Transcriber | null {
  if (!config.OPENAI_API_KEY || !config.TRANSCRIBE_MODEL) return null;
  return openAiTranscriber({
    apiKey: config.OPENAI_API_KEY,
    model: config.TRANSCRIBE_MODEL,
    ...(config.OPENAI_BASE_URL ? { baseURL: config.OPENAI_BASE_URL } : {}),
  });
}
