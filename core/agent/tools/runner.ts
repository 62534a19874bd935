/**
 * Runs one tool call: validates the arguments first (nothing runs on bad input), maps every failure to
 * an AppError code and its user-safe sentence (fed back to the model as the tool result), and records
 * the call in the audit log whatever the outcome (written just after the reply, audit-sink.ts).
 */
import type { ZodType } from 'zod';
import { type ErrorCode, toAppError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import type { AuditSink } from '../audit-sink.ts';
import { agentToolCalls } from '../metrics.ts';
import type { ToolContext, ToolDef } from './tool.ts';

export type ToolOutcome<R = unknown> =
  | { readonly ok: true; readonly result: R }
  | { readonly ok: false; readonly error: { readonly code: ErrorCode; readonly message: string } };

export interface ToolRunnerDeps {
  readonly audit: AuditSink;
  readonly logger: Logger;
}

/** Hostile input can be long; the audit keeps enough to investigate, not a payload store. */
function clip(value: unknown): unknown {
  const json = JSON.stringify(value) ?? 'undefined';
  return json.length <= 600 ? value : `${json.slice(0, 600)}…`;
}

function issuesText(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 5)
    .map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message))
    .join('; ');
}

export async function runTool<R>(
  tool: ToolDef<ZodType, R>,
  rawArgs: unknown,
  ctx: ToolContext,
  deps: ToolRunnerDeps,
): Promise<ToolOutcome<R>> {
  const started = performance.now();
  const parsed = tool.args.safeParse(rawArgs ?? {});
  let outcome: ToolOutcome<R>;
  if (!parsed.success) {
    outcome = {
      ok: false,
      error: { code: 'ERR_VALIDATION', message: `Invalid arguments: ${issuesText(parsed.error.issues)}` },
    };
  } else {
    try {
      outcome = { ok: true, result: await tool.run(parsed.data, ctx) };
    } catch (err) {
      const e = toAppError(err);
      if (e.code === 'ERR_INTERNAL')
        deps.logger.error({ err, tool: tool.name, userId: ctx.actor.userId }, 'tool failed');
      outcome = { ok: false, error: { code: e.code, message: e.userMessage } };
    }
  }
  const result = outcome.ok ? 'ok' : outcome.error.code === 'ERR_VALIDATION' ? 'rejected' : 'failed';
  agentToolCalls.inc({ tool: tool.name, source: ctx.source, outcome: result });
  deps.audit.record({
    actorUserId: ctx.actor.userId,
    platform: ctx.actor.platform,
    action: `tool.${tool.name}`,
    subjectType: 'tool',
    subjectId: tool.name,
    outcome: result,
    detail: {
      source: ctx.source,
      chatId: ctx.actor.chatId,
      args: clip(parsed.success ? parsed.data : rawArgs),
      ...(outcome.ok ? {} : { error: outcome.error.code }),
      ms: Math.round(performance.now() - started),
    },
  });
  return outcome;
}
