/**
 * The tool-calling loop over the OpenAI chat completions API (any compatible server). Each step is one
 * model request; tool calls of a step run in parallel and their results, errors included, go back to
 * the model as tool messages. Bounded by steps and by a deadline for the whole turn.
 */
import type OpenAI from 'openai';
import { APIConnectionTimeoutError } from 'openai';
import type {
  ChatCompletionChunk,
  ChatCompletionMessageFunctionToolCall,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import { llmRequests, llmTokens } from '../metrics.ts';
import { openAiTools } from '../tools/index.ts';
import type { ToolOutcome } from '../tools/runner.ts';
import type { ToolDef } from '../tools/tool.ts';
import type { UsageBudget } from './budget.ts';
import { llmFailure } from './errors.ts';

export interface LoopOptions {
  readonly client: OpenAI;
  readonly model: string;
  readonly stream: boolean;
  readonly messages: readonly ChatCompletionMessageParam[];
  readonly tools: readonly ToolDef[];
  /** Runs one validated, audited tool call. */
  readonly runTool: (tool: ToolDef, args: unknown) => Promise<ToolOutcome>;
  readonly maxSteps: number;
  /** Epoch ms by which the turn must be over. */
  readonly deadline: number;
  readonly budget: UsageBudget;
  /** Streamed text as it arrives (adapters may show typing or edit a message). */
  readonly onText?: (delta: string) => void;
}

export interface LoopResult {
  readonly text: string;
  readonly steps: number;
  readonly toolCalls: number;
  /** Why the loop ended without a final answer. */
  readonly stopped?: 'steps';
}

interface StepResult {
  readonly content: string;
  readonly toolCalls: readonly ChatCompletionMessageFunctionToolCall[];
  readonly tokens: number;
}

async function streamedStep(
  options: LoopOptions,
  messages: ChatCompletionMessageParam[],
  signal: AbortSignal,
): Promise<StepResult> {
  const stream = await options.client.chat.completions.create(
    {
      model: options.model,
      messages,
      tools: openAiTools(options.tools),
      stream: true,
      stream_options: { include_usage: true },
    },
    { signal },
  );
  let content = '';
  let tokens = 0;
  const calls: { id: string; name: string; args: string }[] = [];
  for await (const chunk of stream as AsyncIterable<ChatCompletionChunk>) {
    if (chunk.usage) tokens = chunk.usage.total_tokens;
    const delta = chunk.choices[0]?.delta;
    if (!delta) continue;
    if (delta.content) {
      content += delta.content;
      options.onText?.(delta.content);
    }
    for (const tc of delta.tool_calls ?? []) {
      // The spec puts `index` on every delta; some compatible servers omit it, and then a delta with
      // an id starts a new call and one without continues the last.
      const index =
        typeof tc.index === 'number' ? tc.index : tc.id ? calls.length : Math.max(0, calls.length - 1);
      let slot = calls[index];
      if (!slot) {
        slot = { id: '', name: '', args: '' };
        calls[index] = slot;
      }
      if (tc.id) slot.id = tc.id;
      if (tc.function?.name) slot.name += tc.function.name;
      if (tc.function?.arguments) slot.args += tc.function.arguments;
    }
  }
  return {
    content,
    tokens,
    toolCalls: calls.filter(Boolean).map((c, i) => ({
      id: c.id || `call_${i}`,
      type: 'function',
      function: { name: c.name, arguments: c.args },
    })),
  };
}

async function plainStep(
  options: LoopOptions,
  messages: ChatCompletionMessageParam[],
  signal: AbortSignal,
): Promise<StepResult> {
  const res = await options.client.chat.completions.create(
    { model: options.model, messages, tools: openAiTools(options.tools) },
    { signal },
  );
  const message = res.choices[0]?.message;
  return {
    content: message?.content ?? '',
    tokens: res.usage?.total_tokens ?? 0,
    toolCalls: (message?.tool_calls ?? []).filter(
      (c): c is ChatCompletionMessageFunctionToolCall => c.type === 'function',
    ),
  };
}

const estimate = (messages: readonly ChatCompletionMessageParam[], out: StepResult) =>
  Math.ceil(
    (JSON.stringify(messages).length + out.content.length + JSON.stringify(out.toolCalls).length) / 4,
  );

async function runCall(options: LoopOptions, call: ChatCompletionMessageFunctionToolCall): Promise<string> {
  const tool = options.tools.find((t) => t.name === call.function.name);
  if (!tool) {
    return JSON.stringify({
      error: {
        code: 'ERR_UNKNOWN_TOOL',
        message: `There is no tool "${call.function.name.slice(0, 64)}". Tools: ${options.tools.map((t) => t.name).join(', ')}.`,
      },
    });
  }
  let args: unknown;
  try {
    args = call.function.arguments.trim() ? JSON.parse(call.function.arguments) : {};
  } catch {
    return JSON.stringify({
      error: { code: 'ERR_VALIDATION', message: 'The arguments were not valid JSON.' },
    });
  }
  const outcome = await options.runTool(tool, args);
  if (!outcome.ok) return JSON.stringify({ error: outcome.error });
  return JSON.stringify({ result: tool.forModel ? tool.forModel(outcome.result) : outcome.result });
}

export async function runToolLoop(options: LoopOptions): Promise<LoopResult> {
  const messages: ChatCompletionMessageParam[] = [...options.messages];
  let toolCalls = 0;
  for (let step = 1; step <= options.maxSteps; step++) {
    const remaining = options.deadline - Date.now();
    if (remaining <= 0) throw llmFailure(new APIConnectionTimeoutError());
    await options.budget.reserve();
    let out: StepResult;
    try {
      const signal = AbortSignal.timeout(remaining);
      out = options.stream
        ? await streamedStep(options, messages, signal)
        : await plainStep(options, messages, signal);
    } catch (err) {
      const failure = llmFailure(err);
      llmRequests.inc({ outcome: failure.code });
      throw failure;
    }
    const tokens = out.tokens || estimate(messages, out);
    llmRequests.inc({ outcome: 'ok' });
    llmTokens.inc(tokens);
    await options.budget.addTokens(tokens);
    if (!out.toolCalls.length) return { text: out.content, steps: step, toolCalls };
    messages.push({ role: 'assistant', content: out.content || null, tool_calls: [...out.toolCalls] });
    toolCalls += out.toolCalls.length;
    const results = await Promise.all(out.toolCalls.map((c) => runCall(options, c)));
    for (const [i, c] of out.toolCalls.entries())
      messages.push({ role: 'tool', tool_call_id: c.id, content: results[i]! });
  }
  return { text: '', steps: options.maxSteps, toolCalls, stopped: 'steps' };
}
