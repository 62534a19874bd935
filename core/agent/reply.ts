/**
 * What the core answers, independent of any platform: text in the Markdown subset (see markdown.ts),
 * PNG images with alt text, and action cards whose buttons are bound to a proposal. Adapters render
 * these; `fitReplies` cuts them to a platform's limits first so nothing is truncated silently.
 */
import { type Measure, splitMarkdown } from './split.ts';

export interface TextReply {
  readonly kind: 'text';
  readonly markdown: string;
}

export interface ImageReply {
  readonly kind: 'image';
  readonly png: Buffer;
  readonly alt: string;
  readonly filename: string;
  readonly caption?: string;
}

export type ButtonAction = 'confirm' | 'cancel';

export interface ActionButton {
  readonly action: ButtonAction;
  readonly label: string;
  readonly style: 'primary' | 'danger';
  /** What the platform sends back on press (Telegram callback_data, Discord custom_id): ≤ 64 bytes. */
  readonly data: string;
}

/** A proposal card: only the owner's press on one of these buttons can confirm the order. */
export interface ActionsReply {
  readonly kind: 'actions';
  readonly markdown: string;
  readonly handle: string;
  /** The proposed order, so adapters can match later order events to this card. */
  readonly orderId?: string;
  readonly ownerUserId: string;
  readonly expiresAt: Date;
  readonly buttons: readonly ActionButton[];
}

export type Reply = TextReply | ImageReply | ActionsReply;

export const text = (markdown: string): TextReply => ({ kind: 'text', markdown });

export function image(png: Buffer, alt: string, filename: string, caption?: string): ImageReply {
  return caption === undefined
    ? { kind: 'image', png, alt, filename }
    : { kind: 'image', png, alt, filename, caption };
}

const BUTTON_PREFIX: Record<ButtonAction, string> = { confirm: 'cp:y:', cancel: 'cp:n:' };

/** Button payload ⇄ press. Adapters call `parseButtonData` on whatever the platform hands back. */
export function buttonData(action: ButtonAction, handle: string): string {
  return BUTTON_PREFIX[action] + handle;
}

export function parseButtonData(data: string): { action: ButtonAction; handle: string } | undefined {
  for (const action of ['confirm', 'cancel'] as const) {
    const prefix = BUTTON_PREFIX[action];
    if (data.startsWith(prefix) && data.length > prefix.length)
      return { action, handle: data.slice(prefix.length) };
  }
  return undefined;
}

export function actions(
  markdown: string,
  proposal: { handle: string; ownerUserId: string; expiresAt: Date; orderId?: string },
): ActionsReply {
  return {
    kind: 'actions',
    markdown,
    handle: proposal.handle,
    ...(proposal.orderId ? { orderId: proposal.orderId } : {}),
    ownerUserId: proposal.ownerUserId,
    expiresAt: proposal.expiresAt,
    buttons: [
      { action: 'confirm', label: 'Confirm', style: 'primary', data: buttonData('confirm', proposal.handle) },
      { action: 'cancel', label: 'Cancel', style: 'danger', data: buttonData('cancel', proposal.handle) },
    ],
  };
}

export interface PlatformLimits {
  /** Characters of one text message (or message with buttons). */
  readonly text: number;
  /** Characters of an image caption. */
  readonly caption: number;
}

/**
 * Replies cut to `limits`: long text becomes several text replies; an action card keeps its buttons on
 * its last part; a caption that does not fit moves, whole, into a text reply after the image.
 */
export function fitReplies(replies: readonly Reply[], limits: PlatformLimits, measure?: Measure): Reply[] {
  const out: Reply[] = [];
  for (const reply of replies) {
    if (reply.kind === 'text') {
      out.push(...splitMarkdown(reply.markdown, limits.text, measure).map(text));
    } else if (reply.kind === 'actions') {
      const parts = splitMarkdown(reply.markdown, limits.text, measure);
      const last = parts.pop() ?? '';
      out.push(...parts.map(text), { ...reply, markdown: last });
    } else if (
      reply.caption !== undefined &&
      (measure ?? ((t: string) => t.length))(reply.caption) > limits.caption
    ) {
      out.push(image(reply.png, reply.alt, reply.filename));
      out.push(...splitMarkdown(reply.caption, limits.text, measure).map(text));
    } else out.push(reply);
  }
  return out;
}
