/** The agent's Prometheus counters, on the process registry that /metrics serves. */
import { Counter } from 'prom-client';
import { metrics } from '../metrics.ts';

export const agentMessages = new Counter({
  name: 'cryptopulse_agent_messages_total',
  help: 'Inbound messages by platform, kind and outcome: answered, or the error code of the failure.',
  labelNames: ['platform', 'kind', 'outcome'] as const,
  registers: [metrics],
});

export const agentToolCalls = new Counter({
  name: 'cryptopulse_agent_tool_calls_total',
  help: 'Tool calls by tool, caller (llm, command, intent) and outcome (ok, rejected, failed).',
  labelNames: ['tool', 'source', 'outcome'] as const,
  registers: [metrics],
});

export const llmRequests = new Counter({
  name: 'cryptopulse_llm_requests_total',
  help: 'Model requests (after the SDK retries) by outcome: ok, or the error code reported.',
  labelNames: ['outcome'] as const,
  registers: [metrics],
});

export const llmTokens = new Counter({
  name: 'cryptopulse_llm_tokens_total',
  help: 'Model tokens used (prompt + completion), as reported by the server or estimated.',
  registers: [metrics],
});
