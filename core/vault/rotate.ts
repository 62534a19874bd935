/**
 * `cryptopulse keys rotate`: re-seals every credential under the newest key in VAULT_KEY while the
 * system keeps running. Each row is rewritten only if it is still exactly what was read (same version
 * and IV), so a user re-linking keys meanwhile wins and is never overwritten with stale secrets.
 *
 * Procedure: add `v<N+1>` to VAULT_KEY everywhere (old versions stay, so every process still opens
 * old rows), run the rotation, then drop the old version once it reports nothing left.
 */
import type { Db } from '../db/client.ts';
import { audit } from '../identity/audit.ts';
import { currentKeyVersion, type KeyRing, seal } from './cipher.ts';
import { credentialAad, openRow } from './credentials.ts';

export interface RotationReport {
  readonly toVersion: number;
  readonly rotated: number;
  /** Rows changed by someone else while we worked; they are re-read in the next pass. */
  readonly raced: number;
  /** Rows sealed under a version missing from the ring: they cannot be opened by anyone. */
  readonly unreadable: readonly string[];
}

export async function rotateVaultKeys(db: Db, ring: KeyRing, batchSize = 100): Promise<RotationReport> {
  const toVersion = currentKeyVersion(ring);
  let rotated = 0;
  let raced = 0;
  const unreadable: string[] = [];
  for (let pass = 0; pass < 1_000; pass++) {
    const rows = await db.exchangeCredential.findMany({
      where: { keyVersion: { not: toVersion }, revokedAt: null, id: { notIn: unreadable } },
      orderBy: { id: 'asc' },
      take: batchSize,
    });
    if (rows.length === 0) break;
    for (const row of rows) {
      if (!ring.has(row.keyVersion)) {
        unreadable.push(row.id);
        continue;
      }
      const plaintext = openRow(ring, row);
      const sealed = seal(ring, plaintext, credentialAad(row.userId, row.exchange, row.label));
      plaintext.fill(0);
      const { count } = await db.exchangeCredential.updateMany({
        where: { id: row.id, keyVersion: row.keyVersion, iv: row.iv, revokedAt: null },
        data: {
          ciphertext: new Uint8Array(sealed.ciphertext),
          iv: new Uint8Array(sealed.iv),
          tag: new Uint8Array(sealed.tag),
          keyVersion: sealed.keyVersion,
          rotatedAt: new Date(),
        },
      });
      if (count === 1) rotated++;
      else raced++;
    }
  }
  await audit(db, {
    action: 'keys.rotate',
    subjectType: 'ExchangeCredential',
    outcome: unreadable.length ? 'failed' : 'ok',
    detail: { toVersion, rotated, raced, unreadable: unreadable.length },
  });
  return { toVersion, rotated, raced, unreadable };
}
