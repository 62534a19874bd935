/**
 * A tool is one typed action the model (and the commands) can take: a zod schema for its arguments,
 * exposed to the model as JSON Schema, and a `run` over the service ports. Tools can only read, propose
 * or set alerts: there is no tool that confirms an order, and none that sees exchange keys.
 */
import type { z } from 'zod';
import type { Actor, AgentServices, ProposalCard } from '../ports.ts';
import type { ImageReply } from '../reply.ts';

export type ToolSource = 'llm' | 'command' | 'intent';

/** What tools produce besides their JSON result: attached to the reply by the core, not by the model. */
export interface Artifacts {
  readonly images: ImageReply[];
  readonly proposals: ProposalCard[];
}

export interface ToolContext {
  readonly actor: Actor;
  readonly services: AgentServices;
  readonly source: ToolSource;
  readonly artifacts: Artifacts;
  /** Proposals still allowed in this turn; a model told to spam orders runs out. */
  proposalsLeft: number;
  /** Third-party text (news) reached the model in this conversation; see guardrails.ts orderAskedByUser. */
  readonly untrusted: { feedRead: boolean };
  /** The user's own words in this message, when it was free text. */
  readonly userText?: string;
  /** The agent's clock (tests freeze it): "since monday" and the equity curve's "now". */
  readonly now?: () => Date;
}

export interface ToolDef<A extends z.ZodType = z.ZodType, R = unknown> {
  readonly name: string;
  /** What the model reads to choose the tool. */
  readonly description: string;
  readonly args: A;
  /** Its result is the user's own data: an answer built from it is shown only to them (policy.ts). */
  readonly personal?: boolean;
  run(args: z.output<A>, ctx: ToolContext): Promise<R>;
  /** The result as the model reads it: compact JSON. Default: the result itself. */
  forModel?(result: R): unknown;
}

export function defineTool<A extends z.ZodType, R>(def: ToolDef<A, R>): ToolDef<A, R> {
  return def;
}

export function newArtifacts(): Artifacts {
  return { images: [], proposals: [] };
}
