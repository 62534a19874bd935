/**
 * A local OpenAI-compatible chat completions server, scriptable per test, for the real `openai` SDK.
 * Each request to POST /v1/chat/completions takes the next step of the script: text, tool calls (several
 * = parallel), an HTTP error (429 with Retry-After, 500...) or a delay longer than the client's timeout.
 * Streaming requests get the documented SSE chunk format: every tool_calls delta carries its `index`,
 * fragments of parallel calls interleave, and the last choice chunk has finish_reason "tool_calls".
 * When the script runs out the server answers 500 "unscripted request", so a test sees it at once.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ScriptedCall {
  readonly name: string;
  /** An object is JSON-encoded; a string is sent as is (so a test can send broken JSON). */
  readonly arguments: unknown;
  readonly id?: string;
}

export type FakeStep =
  | { readonly kind: 'text'; readonly text: string; readonly delayMs?: number }
  | {
      readonly kind: 'tools';
      readonly calls: readonly ScriptedCall[];
      readonly text?: string;
      readonly delayMs?: number;
      /** Streams like servers that leave `index` out of tool-call deltas (one call after another). */
      readonly omitIndex?: boolean;
    }
  | {
      readonly kind: 'error';
      readonly status: number;
      readonly message?: string;
      readonly headers?: Readonly<Record<string, string>>;
      readonly delayMs?: number;
    }
  /** Answer nothing for `ms` (longer than the client's timeout), then close the connection. */
  | { readonly kind: 'hang'; readonly ms: number };

/** A step, or a function of the request (e.g. a model that repeats what a tool result told it). */
export type ScriptEntry = FakeStep | ((request: FakeRequest) => FakeStep);

export interface FakeMessage {
  readonly role: string;
  readonly content?: string | null;
  readonly tool_calls?: readonly { id: string; function: { name: string; arguments: string } }[];
  readonly tool_call_id?: string;
}

export interface FakeRequest {
  readonly model: string;
  readonly stream: boolean;
  readonly messages: readonly FakeMessage[];
  readonly tools: readonly { function: { name: string; parameters: unknown } }[];
  readonly body: Record<string, unknown>;
}

export const text = (t: string, delayMs?: number): FakeStep => ({
  kind: 'text',
  text: t,
  ...(delayMs ? { delayMs } : {}),
});
export const call = (name: string, args: unknown = {}): FakeStep => ({
  kind: 'tools',
  calls: [{ name, arguments: args }],
});
export const calls = (...list: ScriptedCall[]): FakeStep => ({ kind: 'tools', calls: list });
export const error = (status: number, headers: Record<string, string> = {}): FakeStep => ({
  kind: 'error',
  status,
  headers,
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Cuts a string into pieces so streamed text and arguments arrive in fragments, as real servers send them. */
function pieces(s: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out.length ? out : [''];
}

function usageOf(req: FakeRequest, completion: string) {
  const prompt = Math.ceil(JSON.stringify(req.messages).length / 4);
  const completionTokens = Math.ceil(completion.length / 4) + 1;
  return {
    prompt_tokens: prompt,
    completion_tokens: completionTokens,
    total_tokens: prompt + completionTokens,
  };
}

export class FakeOpenAI {
  readonly requests: FakeRequest[] = [];
  private readonly script: ScriptEntry[] = [];
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: Server) {
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  static async start(): Promise<FakeOpenAI> {
    let fake: FakeOpenAI | undefined;
    const server = createServer((req, res) => {
      fake!.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: String(err) } }));
      });
    });
    fake = new FakeOpenAI(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** Base URL for the SDK: `new OpenAI({ baseURL: fake.url })` or OPENAI_BASE_URL. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  /** Appends steps; each model request consumes one. */
  push(...steps: ScriptEntry[]): this {
    this.script.push(...steps);
    return this;
  }

  /** Forgets the remaining script and the recorded requests. */
  reset(): void {
    this.script.length = 0;
    this.requests.length = 0;
  }

  get pending(): number {
    return this.script.length;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `fake: no route ${req.method} ${req.url}` } }));
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    const request: FakeRequest = {
      model: String(body.model),
      stream: body.stream === true,
      messages: (body.messages ?? []) as FakeMessage[],
      tools: (body.tools ?? []) as FakeRequest['tools'],
      body,
    };
    this.requests.push(request);
    const entry = this.script.shift();
    const step: FakeStep =
      entry === undefined
        ? {
            kind: 'error',
            status: 500,
            message: 'fake: unscripted request',
            headers: { 'x-should-retry': 'false' },
          }
        : typeof entry === 'function'
          ? entry(request)
          : entry;
    if (step.kind === 'hang') {
      await sleep(step.ms);
      res.destroy();
      return;
    }
    if (step.delayMs) await sleep(step.delayMs);
    if (res.destroyed) return;
    if (step.kind === 'error') {
      res.writeHead(step.status, { 'content-type': 'application/json', ...step.headers });
      res.end(
        JSON.stringify({
          error: {
            message: step.message ?? `fake error ${step.status}`,
            type: 'fake_error',
            code: step.status,
          },
        }),
      );
      return;
    }
    if (request.stream) this.stream(request, step, res, body);
    else this.complete(request, step, res);
  }

  private toolCalls(step: Extract<FakeStep, { kind: 'tools' }>) {
    return step.calls.map((c, i) => ({
      id: c.id ?? `call_${randomBytes(6).toString('hex')}_${i}`,
      type: 'function' as const,
      function: {
        name: c.name,
        arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments),
      },
    }));
  }

  private complete(
    request: FakeRequest,
    step: Extract<FakeStep, { kind: 'text' | 'tools' }>,
    res: ServerResponse,
  ): void {
    const toolCalls = step.kind === 'tools' ? this.toolCalls(step) : undefined;
    const content = step.kind === 'text' ? step.text : (step.text ?? null);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id: `chatcmpl-${randomBytes(6).toString('hex')}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: request.model,
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content,
              ...(toolCalls ? { tool_calls: toolCalls } : {}),
              refusal: null,
            },
            finish_reason: toolCalls ? 'tool_calls' : 'stop',
            logprobs: null,
          },
        ],
        usage: usageOf(request, (content ?? '') + JSON.stringify(toolCalls ?? '')),
      }),
    );
  }

  private stream(
    request: FakeRequest,
    step: Extract<FakeStep, { kind: 'text' | 'tools' }>,
    res: ServerResponse,
    body: Record<string, unknown>,
  ): void {
    const id = `chatcmpl-${randomBytes(6).toString('hex')}`;
    const created = Math.floor(Date.now() / 1000);
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    const send = (choices: unknown[], extra: Record<string, unknown> = {}) =>
      res.write(
        `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: request.model, choices, ...extra })}\n\n`,
      );
    const delta = (d: Record<string, unknown>, finish: string | null = null) =>
      send([{ index: 0, delta: d, finish_reason: finish, logprobs: null }]);

    delta({ role: 'assistant', content: '' });
    const content = step.kind === 'text' ? step.text : (step.text ?? '');
    for (const p of content ? pieces(content, 7) : []) delta({ content: p });
    let finish = 'stop';
    if (step.kind === 'tools') {
      finish = 'tool_calls';
      const toolCalls = this.toolCalls(step);
      if (step.omitIndex) {
        for (const c of toolCalls) {
          delta({
            tool_calls: [{ id: c.id, type: 'function', function: { name: c.function.name, arguments: '' } }],
          });
          for (const f of pieces(c.function.arguments, 5))
            delta({ tool_calls: [{ function: { arguments: f } }] });
        }
      } else {
        for (const [index, c] of toolCalls.entries())
          delta({
            tool_calls: [
              { index, id: c.id, type: 'function', function: { name: c.function.name, arguments: '' } },
            ],
          });
        // Fragments of parallel calls interleave, as OpenAI sends them; only `index` says which is which.
        const fragments = toolCalls.map((c) => pieces(c.function.arguments, 5));
        const rounds = Math.max(...fragments.map((f) => f.length));
        for (let r = 0; r < rounds; r++)
          for (const [index, f] of fragments.entries())
            if (f[r] !== undefined) delta({ tool_calls: [{ index, function: { arguments: f[r] } }] });
      }
    }
    delta({}, finish);
    const options = body.stream_options as { include_usage?: boolean } | undefined;
    if (options?.include_usage) send([], { usage: usageOf(request, content) });
    res.end('data: [DONE]\n\n');
  }
}
