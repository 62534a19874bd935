/**
 * What the fake Discord remembers: guilds and channels it announces, messages the bot posted or edited,
 * interactions and their responses, registered commands, and a log of every REST request with the
 * rate-limit outcome. Tests read these instead of mocking anything in the bot.
 */
import { EventEmitter } from 'node:events';
import type { LimitReason } from './rate-limits.ts';

export type Json = Record<string, unknown>;

export interface FakeAttachment {
  readonly filename: string;
  readonly contentType: string;
  readonly data: Buffer;
}

export interface FakeMessage {
  readonly id: string;
  readonly channelId: string;
  /** Latest body after edits (content, embeds, components, flags, attachments metadata). */
  body: Json;
  files: FakeAttachment[];
  readonly edits: Json[];
}

export interface FakeInteraction {
  readonly id: string;
  readonly token: string;
  readonly type: number;
  readonly userId: string;
  readonly channelId: string;
  readonly createdAt: number;
  /** Component interactions: the message whose button was pressed. */
  readonly source?: FakeMessage;
  /** Set when the first callback came after the acknowledgement window (Discord: 3 s). */
  lateAck?: boolean;
  /** Callback bodies in order (type 5 = deferred, 4 = message, 6 = deferred update, 7 = update, 9 = modal, 8 = autocomplete). */
  readonly callbacks: Json[];
  /** The @original message once the callback or an edit created it. */
  original?: FakeMessage;
  readonly followups: FakeMessage[];
}

export interface RequestRecord {
  /** Date.now() when the answer was sent. */
  readonly at: number;
  /** Date.now() when the request arrived (what the rate limits count). */
  readonly arrivedAt: number;
  readonly method: string;
  readonly path: string;
  readonly template: string;
  readonly status: number;
  readonly limited?: LimitReason;
  /** Exempt from the global limit (interaction routes). */
  readonly exempt: boolean;
}

export interface FakeChannel {
  readonly id: string;
  readonly type: number;
  readonly guildId?: string;
  readonly name?: string;
  /** DM channels: the other user. */
  readonly recipientId?: string;
}

export interface FakeUser {
  readonly id: string;
  readonly username: string;
  readonly bot?: boolean;
}

export interface FakeGuild {
  readonly id: string;
  readonly name: string;
  readonly channelIds: string[];
}

/** Events tests can wait on: 'request', 'message' (created), 'edit', 'callback', 'commands'. */
export class FakeDiscordState extends EventEmitter {
  readonly users = new Map<string, FakeUser>();
  readonly guilds = new Map<string, FakeGuild>();
  readonly channels = new Map<string, FakeChannel>();
  readonly messages = new Map<string, FakeMessage>();
  readonly interactions = new Map<string, FakeInteraction>();
  readonly requests: RequestRecord[] = [];
  /** Registered application commands by scope: "global" or a guild id. */
  readonly commands = new Map<string, Json[]>();
  /** Users whose DMs are closed to the bot: messages into their DM channel answer 50007. */
  readonly dmsClosed = new Set<string>();
  /** Every PUT of commands, in order, with its scope. */
  readonly commandPuts: { scope: string; body: Json[] }[] = [];
  /** Messages not created again because their nonce was seen (enforce_nonce). */
  nonceHits = 0;
  /** Set by a test to answer a request with an error (500, 403 Missing Permissions...) instead. */
  fault: ((method: string, path: string) => { status: number; body: Json } | undefined) | undefined;
  constructor() {
    super();
    this.setMaxListeners(0);
  }

  private seq = BigInt(Date.now() - 1_420_070_400_000) << 22n;

  /** A snowflake-shaped, strictly increasing id. */
  nextId(): string {
    this.seq += 1n;
    return this.seq.toString();
  }

  channelMessages(channelId: string): FakeMessage[] {
    return this.byChannel.get(channelId) ?? [];
  }

  private readonly byChannel = new Map<string, FakeMessage[]>();

  /** Records a new message (kept per channel too: tests with thousands of messages read them by channel). */
  addMessage(msg: FakeMessage): void {
    this.messages.set(msg.id, msg);
    const list = this.byChannel.get(msg.channelId) ?? [];
    list.push(msg);
    this.byChannel.set(msg.channelId, list);
  }

  removeMessage(id: string): void {
    const msg = this.messages.get(id);
    if (!msg) return;
    this.messages.delete(id);
    const list = this.byChannel.get(msg.channelId) ?? [];
    list.splice(list.indexOf(msg), 1);
  }

  /** Every 429 the fake sent, with why. */
  get limited(): RequestRecord[] {
    return this.requests.filter((r) => r.limited !== undefined);
  }

  dmChannelOf(userId: string): FakeChannel | undefined {
    return [...this.channels.values()].find((c) => c.type === 1 && c.recipientId === userId);
  }

  /** Resolves when `predicate` holds, re-checked after every state change; rejects after `timeoutMs`. */
  waitFor<T>(predicate: () => T | undefined | false, timeoutMs = 10_000, what = 'condition'): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const value = predicate();
        if (value === undefined || value === false) return false;
        cleanup();
        resolve(value);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`fake discord: timed out waiting for ${what}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.off('change', check);
      };
      if (!check()) this.on('change', check);
    });
  }

  changed(): void {
    this.emit('change');
  }
}
