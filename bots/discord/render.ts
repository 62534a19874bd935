/**
 * Core replies → Discord messages. Text becomes an embed (the card), an image joins the card before it
 * as its picture (or gets its own card), a proposal gets a message of its own with Confirm/Cancel
 * buttons so that message alone is edited as the order progresses. Messages respect Discord's limits:
 * 10 embeds, 10 files and 6000 embed characters each; text is cut by `fitReplies` first.
 */
import {
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIEmbed,
  ButtonStyle,
  ComponentType,
} from 'discord.js';
import { type ActionsReply, fitReplies, type PlatformLimits, type Reply } from '../../core/agent/reply.ts';
import { AppError } from '../../core/errors.ts';
import { toDiscordMarkdown } from './markdown.ts';

export const COLORS = {
  brand: 0x1abc9c,
  up: 0x2ecc71,
  down: 0xe74c3c,
  pending: 0xf1c40f,
  muted: 0x95a5a6,
} as const;

export interface DiscordFile {
  /** Safe for `attachment://` references. */
  readonly name: string;
  readonly data: Buffer;
  /** Alt text (Discord shows it to screen readers). */
  readonly description: string;
}

export type ButtonRow = APIActionRowComponent<APIButtonComponent>;

export interface ProposalRef {
  readonly handle: string;
  readonly ownerUserId: string;
  readonly expiresAt: Date;
}

export interface DiscordMessage {
  readonly content?: string;
  readonly embeds: readonly APIEmbed[];
  readonly files: readonly DiscordFile[];
  readonly components: readonly ButtonRow[];
  /** Set when the message carries a proposal's buttons. */
  readonly proposal?: ProposalRef;
}

const LIMITS = { embeds: 10, files: 10, embedChars: 6000, description: 4096 } as const;
/** Message content and attachment description, in characters. */
export const DISCORD_LIMITS: PlatformLimits = { text: 2000, caption: 2000 };
/** Discord allows 100 characters of custom_id; the core promises ≤ 64 bytes. */
const CUSTOM_ID_MAX = 100;

export function safeFilename(name: string): string {
  const clean = name.replace(/[^A-Za-z0-9_.-]/g, '_').slice(-80);
  return /\.png$/i.test(clean) ? clean : `${clean || 'chart'}.png`;
}

export function buttonRow(reply: ActionsReply, disabled = false): ButtonRow {
  return {
    type: ComponentType.ActionRow,
    components: reply.buttons.map((b) => {
      if (b.data.length > CUSTOM_ID_MAX)
        throw new AppError('ERR_INTERNAL', `button data of ${b.data.length} chars does not fit custom_id`);
      return {
        type: ComponentType.Button,
        style: b.style === 'danger' ? ButtonStyle.Danger : ButtonStyle.Primary,
        label: b.label,
        custom_id: b.data,
        disabled,
      };
    }),
  };
}

/** The same rows with every button disabled (expired or decided proposals). */
export function disableRows(rows: readonly ButtonRow[]): ButtonRow[] {
  return rows.map((row) => ({ ...row, components: row.components.map((c) => ({ ...c, disabled: true })) }));
}

export function proposalMessage(reply: ActionsReply): DiscordMessage {
  return {
    embeds: [
      {
        description: toDiscordMarkdown(reply.markdown) || 'Confirm or cancel:',
        color: COLORS.pending,
        footer: { text: 'Only the requester can confirm · expires' },
        timestamp: reply.expiresAt.toISOString(),
      },
    ],
    files: [],
    components: [buttonRow(reply)],
    proposal: { handle: reply.handle, ownerUserId: reply.ownerUserId, expiresAt: reply.expiresAt },
  };
}

function embedChars(e: APIEmbed): number {
  return (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0);
}

export function renderReplies(replies: readonly Reply[]): DiscordMessage[] {
  const out: DiscordMessage[] = [];
  let embeds: APIEmbed[] = [];
  let files: DiscordFile[] = [];
  const flush = () => {
    if (embeds.length || files.length) out.push({ embeds, files, components: [] });
    embeds = [];
    files = [];
  };
  const add = (embed: APIEmbed, file?: DiscordFile) => {
    const chars = embeds.reduce((n, e) => n + embedChars(e), 0);
    if (
      embeds.length >= LIMITS.embeds ||
      files.length + (file ? 1 : 0) > LIMITS.files ||
      chars + embedChars(embed) > LIMITS.embedChars
    )
      flush();
    embeds.push(embed);
    if (file) files.push(file);
  };
  for (const reply of fitReplies(replies, DISCORD_LIMITS)) {
    if (reply.kind === 'text') {
      const description = toDiscordMarkdown(reply.markdown);
      if (description.trim())
        add({ description: description.slice(0, LIMITS.description), color: COLORS.brand });
    } else if (reply.kind === 'image') {
      const file: DiscordFile = {
        name: safeFilename(reply.filename),
        data: reply.png,
        description: reply.alt.slice(0, 1024),
      };
      const image = { url: `attachment://${file.name}` };
      const last = embeds.at(-1);
      // A chart right after its card becomes the card's picture, unless a caption needs its own text.
      if (last && !last.image && reply.caption === undefined && files.length < LIMITS.files) {
        last.image = image;
        files.push(file);
      } else {
        const caption = reply.caption === undefined ? undefined : toDiscordMarkdown(reply.caption);
        add({ color: COLORS.brand, image, ...(caption ? { description: caption } : {}) }, file);
      }
    } else {
      flush();
      out.push(proposalMessage(reply));
    }
  }
  flush();
  return out;
}
