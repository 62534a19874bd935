/** The OpenAI SDK client from configuration; any OpenAI-compatible server works through OPENAI_BASE_URL. */
import OpenAI from 'openai';
import type { Config } from '../../config.ts';

export function createLlmClient(config: Config): OpenAI | null {
  if (!config.OPENAI_API_KEY) return null;
  return new OpenAI({
    apiKey: config.OPENAI_API_KEY,
    ...(config.OPENAI_BASE_URL ? { baseURL: config.OPENAI_BASE_URL } : {}),
    timeout: config.LLM_TIMEOUT_MS,
    // The SDK retries 408/409/429/5xx and timeouts with exponential backoff and honours Retry-After.
    maxRetries: config.LLM_MAX_RETRIES,
  });
}
