/**
 * The confirmation handle behind a Confirm button: 50 base64url characters (fits Telegram's 64-byte
 * callback_data with room for an adapter prefix). It carries the order id and expiry in the clear and an
 * HMAC-SHA256 (truncated to 128 bits) over version, order id, owner and expiry under CONFIRM_SECRET.
 * Nobody can forge one for an order or stretch its expiry; a replay finds the order no longer PROPOSED.
 *
 *   [version 1 B][order id 16 B][expiry, unix seconds 4 B][mac 16 B]
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import type { OrderId } from './ids.ts';

const VERSION = 1;
const LENGTH = 1 + 16 + 4 + 16;

export interface HandleClaims {
  readonly orderId: OrderId;
  readonly expiresAt: Date;
}

const uuidBytes = (uuid: string) => Buffer.from(uuid.replace(/-/g, ''), 'hex');
const uuidOf = (bytes: Buffer) => {
  const h = bytes.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

function mac(secret: string, body: Buffer, ownerUserId: string): Buffer {
  return createHmac('sha256', secret)
    .update('cryptopulse:confirm:')
    .update(body)
    .update(uuidBytes(ownerUserId))
    .digest()
    .subarray(0, 16);
}

export function signHandle(secret: string, orderId: string, ownerUserId: string, expiresAt: Date): string {
  const body = Buffer.alloc(LENGTH - 16);
  body.writeUInt8(VERSION, 0);
  uuidBytes(orderId).copy(body, 1);
  body.writeUInt32BE(Math.ceil(expiresAt.getTime() / 1000), 17);
  return Buffer.concat([body, mac(secret, body, ownerUserId)]).toString('base64url');
}

const bad = (reason: string) =>
  new AppError('ERR_BAD_HANDLE', `confirmation handle rejected: ${reason}`, { details: { reason } });

/** Reads the claims without trusting them: `verifyHandle` must pass before anything acts on them. */
export function readHandle(handle: string): HandleClaims {
  if (typeof handle !== 'string' || !/^[A-Za-z0-9_-]{50}$/.test(handle)) throw bad('malformed');
  const raw = Buffer.from(handle, 'base64url');
  if (raw.length !== LENGTH || raw.readUInt8(0) !== VERSION) throw bad('malformed');
  return {
    orderId: uuidOf(raw.subarray(1, 17)) as OrderId,
    expiresAt: new Date(raw.readUInt32BE(17) * 1000),
  };
}

/** True when `handle` was signed by us for this order and owner. */
export function verifyHandle(secret: string, handle: string, ownerUserId: string): boolean {
  const raw = Buffer.from(handle, 'base64url');
  const expected = mac(secret, raw.subarray(0, LENGTH - 16), ownerUserId);
  return timingSafeEqual(expected, raw.subarray(LENGTH - 16));
}

/** CONFIRM_SECRET, or one generated once and shared through Redis by every process of this install. */
export async function confirmSecret(ctx: Pick<AppContext, 'config' | 'redis' | 'keys'>): Promise<string> {
  if (ctx.config.CONFIRM_SECRET) return ctx.config.CONFIRM_SECRET;
  const key = ctx.keys.key('confirm-secret');
  await ctx.redis.set(key, randomBytes(32).toString('hex'), 'NX');
  const secret = await ctx.redis.get(key);
  if (!secret) throw new AppError('ERR_UNAVAILABLE', 'confirmation secret missing from Redis');
  return secret;
}
