/** The real `openai` client against a local OpenAI-compatible transcription endpoint. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config.ts';
import { isAppError } from '../../core/errors.ts';
import { type FakeTranscription, startFakeTranscription } from '../../test/fakes/telegram/transcription.ts';
import { openAiTranscriber, transcriberFromConfig } from './transcribe.ts';

describe('voice-note transcription', () => {
  let server: FakeTranscription;
  beforeAll(async () => {
    server = await startFakeTranscription();
  });
  afterAll(async () => server?.stop());

  it('sends the audio with the model and key, and returns the transcript', async () => {
    const t = openAiTranscriber({ apiKey: 'sk-test', baseURL: server.baseURL, model: 'whisper-1' });
    await expect(t.transcribe(Buffer.from('  buy 0.01 btc \n'), 'voice.ogg', 'audio/ogg')).resolves.toBe(
      'buy 0.01 btc',
    );
    expect(server.requests.at(-1)).toEqual({
      model: 'whisper-1',
      filename: 'voice.ogg',
      bytes: 16,
      authorization: 'Bearer sk-test',
    });
  });

  it('turns a server failure into a clear, retry-later user message', async () => {
    const t = openAiTranscriber({ apiKey: 'sk-test', baseURL: server.baseURL, model: 'whisper-1' });
    server.failNext(400);
    const failure = await t.transcribe(Buffer.from('x'), 'voice.ogg').catch((e: unknown) => e);
    expect(isAppError(failure, 'ERR_UNAVAILABLE')).toBe(true);
    expect(isAppError(failure) && failure.userMessage).toMatch(/could not transcribe/);
  });

  it('is enabled only by OPENAI_API_KEY together with TRANSCRIBE_MODEL', () => {
    expect(transcriberFromConfig(loadConfig({}))).toBeNull();
    expect(transcriberFromConfig(loadConfig({ OPENAI_API_KEY: 'sk-x' }))).toBeNull();
    expect(
      transcriberFromConfig(loadConfig({ OPENAI_API_KEY: 'sk-x', TRANSCRIBE_MODEL: 'whisper-1' })),
    ).not.toBeNull();
  });
});
