/**
 * The fake gateway: plain-JSON WebSocket speaking just enough of Discord's protocol for discord.js:
 * HELLO (op 10) → IDENTIFY (op 2) → READY then one GUILD_CREATE per guild; heartbeats (op 1) are
 * acknowledged (op 11); `dispatch` pushes op 0 events (INTERACTION_CREATE, MESSAGE_CREATE) to every
 * identified session.
 */
import type { WebSocket } from 'ws';
import type { FakeDiscordState, Json } from './state.ts';

export interface GatewayIdentity {
  readonly appId: string;
  readonly botUser: { readonly id: string; readonly username: string };
  readonly token: string;
}

interface Session {
  readonly socket: WebSocket;
  seq: number;
  identified: boolean;
}

export class FakeGateway {
  private readonly sessions = new Set<Session>();
  /** IDENTIFY payloads received (token, intents), for tests. */
  readonly identifies: Json[] = [];

  constructor(
    private readonly state: FakeDiscordState,
    private readonly identity: GatewayIdentity,
    private readonly gatewayUrl: () => string,
  ) {}

  get readySessions(): number {
    return [...this.sessions].filter((s) => s.identified).length;
  }

  accept(socket: WebSocket): void {
    const session: Session = { socket, seq: 0, identified: false };
    this.sessions.add(session);
    socket.on('close', () => this.sessions.delete(session));
    socket.on('message', (raw) => this.onFrame(session, String(raw)));
    this.send(session, { op: 10, d: { heartbeat_interval: 41_250 } });
  }

  dispatch(event: string, data: Json): void {
    for (const s of this.sessions) if (s.identified) this.sendDispatch(s, event, data);
  }

  close(): void {
    for (const s of this.sessions) s.socket.terminate();
    this.sessions.clear();
  }

  private onFrame(session: Session, raw: string): void {
    const frame = JSON.parse(raw) as { op: number; d: unknown };
    if (frame.op === 1) this.send(session, { op: 11 });
    else if (frame.op === 2) this.identify(session, frame.d as Json);
  }

  private identify(session: Session, payload: Json): void {
    this.identifies.push(payload);
    if (payload.token !== this.identity.token) {
      session.socket.close(4004, 'Authentication failed.');
      return;
    }
    session.identified = true;
    const guilds = [...this.state.guilds.values()];
    this.sendDispatch(session, 'READY', {
      v: 10,
      user: { ...this.identity.botUser, discriminator: '0', avatar: null, bot: true, global_name: null },
      guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
      session_id: `session-${this.state.nextId()}`,
      resume_gateway_url: this.gatewayUrl(),
      shard: [0, 1],
      application: { id: this.identity.appId, flags: 0 },
    });
    for (const g of guilds) this.sendDispatch(session, 'GUILD_CREATE', this.guildPayload(g.id));
    this.state.changed();
  }

  guildPayload(guildId: string): Json {
    const guild = this.state.guilds.get(guildId)!;
    return {
      id: guild.id,
      name: guild.name,
      icon: null,
      owner_id: this.identity.botUser.id,
      unavailable: false,
      member_count: 1,
      large: false,
      features: [],
      // @everyone: view channels + send messages; members' own permissions come with each interaction.
      roles: [
        {
          id: guild.id,
          name: '@everyone',
          permissions: '3072',
          position: 0,
          color: 0,
          hoist: false,
          managed: false,
          mentionable: false,
          flags: 0,
        },
      ],
      emojis: [],
      stickers: [],
      members: [],
      presences: [],
      voice_states: [],
      threads: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
      channels: guild.channelIds.map((id) => {
        const c = this.state.channels.get(id)!;
        return {
          id: c.id,
          type: c.type,
          name: c.name,
          guild_id: guild.id,
          position: 0,
          permission_overwrites: [],
        };
      }),
      joined_at: new Date().toISOString(),
    };
  }

  private sendDispatch(session: Session, t: string, d: Json): void {
    session.seq += 1;
    this.send(session, { op: 0, t, s: session.seq, d });
  }

  private send(session: Session, frame: Json): void {
    if (session.socket.readyState === session.socket.OPEN) session.socket.send(JSON.stringify(frame));
  }
}
