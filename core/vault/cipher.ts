/**
 * AES-256-GCM under a versioned key ring (VAULT_KEY). Each record gets a fresh random 96-bit IV and
 * stores the key version that sealed it; the additional authenticated data binds a ciphertext to its
 * owner and exchange, so a sealed record copied onto another user's row does not open.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError } from '../errors.ts';

export type KeyRing = ReadonlyMap<number, Buffer>;

export interface Sealed {
  readonly ciphertext: Buffer;
  readonly iv: Buffer;
  readonly tag: Buffer;
  readonly keyVersion: number;
}

const IV_BYTES = 12;

/** The version new records are sealed with: the highest in the ring. */
export function currentKeyVersion(ring: KeyRing): number {
  if (ring.size === 0) throw new AppError('ERR_VAULT', 'the vault key ring is empty (set VAULT_KEY)');
  return Math.max(...ring.keys());
}

export function seal(ring: KeyRing, plaintext: Buffer, aad: string): Sealed {
  const keyVersion = currentKeyVersion(ring);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', ring.get(keyVersion)!, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ciphertext, iv, tag: cipher.getAuthTag(), keyVersion };
}

export function open(ring: KeyRing, sealed: Sealed, aad: string): Buffer {
  const key = ring.get(sealed.keyVersion);
  if (!key) {
    throw new AppError('ERR_VAULT', `vault key v${sealed.keyVersion} is not in VAULT_KEY`, {
      details: { keyVersion: sealed.keyVersion },
    });
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv);
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(sealed.tag);
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
  } catch {
    // Wrong key, tampered ciphertext or a record moved to another row: all look the same, on purpose.
    throw new AppError('ERR_VAULT', 'a vault record failed authentication', {
      cause: new Error('GCM auth failed'),
    });
  }
}
