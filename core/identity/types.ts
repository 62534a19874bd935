/** Who acts, and from where: the identity vocabulary every core service shares. */
import { z } from 'zod';
import type { Platform } from '../../generated/prisma/enums.ts';

declare const userIdBrand: unique symbol;
/** A CryptoPulse user (one person across Discord, Telegram and the console). */
export type UserId = string & { readonly [userIdBrand]: true };

export const PLATFORMS = ['discord', 'telegram', 'console', 'api'] as const;
export type PlatformName = (typeof PLATFORMS)[number];
export const platformSchema = z.enum(PLATFORMS);

export const userIdSchema = z.uuid().transform((v) => v as UserId);

/** A person acting through an adapter. `chatId` tells notifications where to go. */
export interface Actor {
  readonly userId: string;
  readonly platform: PlatformName;
  readonly chatId?: string;
  readonly chatKind?: 'dm' | 'group' | 'channel';
}

export const actorSchema = z.object({
  userId: userIdSchema,
  platform: platformSchema,
  chatId: z.string().max(128).optional(),
  chatKind: z.enum(['dm', 'group', 'channel']).optional(),
});
export type ValidActor = z.output<typeof actorSchema>;

export function toDbPlatform(platform: PlatformName): Platform {
  return platform.toUpperCase() as Platform;
}

export function fromDbPlatform(platform: Platform): PlatformName {
  return platform.toLowerCase() as PlatformName;
}
