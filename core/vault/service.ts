/**
 * Keys facade for adapters and the agent (DM only; the adapter forgets the secret after this call):
 *
 *   link(actor, { exchange, apiKey, secret, password?, label? }) → CredentialInfo (no secrets)
 *   list(actor)                                                  → CredentialInfo[]
 *   revoke(actor, credentialIdOrExchange)                        → number revoked
 */
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import type { Actor } from '../identity/types.ts';
import type { KeyRing } from './cipher.ts';
import {
  type CredentialInfo,
  type LinkInput,
  linkCredentials,
  listCredentials,
  revokeCredentials,
} from './credentials.ts';

export interface KeysService {
  link(actor: Actor, input: LinkInput): Promise<CredentialInfo>;
  list(actor: Actor): Promise<CredentialInfo[]>;
  revoke(actor: Actor, idOrExchange: string): Promise<number>;
}

export function vaultRing(config: AppContext['config']): KeyRing {
  if (!config.VAULT_KEY) {
    throw new AppError('ERR_VAULT', 'VAULT_KEY is not set', {
      userMessage: 'This server is not set up to store exchange keys (the operator has not set VAULT_KEY).',
    });
  }
  return config.VAULT_KEY;
}

export function createKeysService(ctx: Pick<AppContext, 'db' | 'config'>): KeysService {
  return {
    link: (actor, input) => linkCredentials(ctx.db, vaultRing(ctx.config), actor, input),
    list: (actor) => listCredentials(ctx.db, actor.userId),
    revoke: (actor, idOrExchange) => revokeCredentials(ctx.db, actor, idOrExchange),
  };
}
