/**
 * The operator's kill switch at run time. It lives in the database (`SystemSetting` kill_switch), and every
 * execution reads it inside the same statement that locks the order (risk.ts), so every role and process
 * sees a change at its very next proposal or execution: no cache to expire, nothing to broadcast.
 * `KILL_SWITCH=true` in the environment forces it on regardless. Every change is audited.
 */
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { audit } from '../identity/audit.ts';
import type { PlatformName } from '../identity/types.ts';

export const KILL_SWITCH_KEY = 'kill_switch';

export interface KillSwitchState {
  readonly on: boolean;
  /** `KILL_SWITCH=true` holds it on whatever is stored. */
  readonly forcedByEnv: boolean;
  readonly by?: string;
  readonly at?: string;
}

export async function readKillSwitch(db: Db, config: Pick<Config, 'KILL_SWITCH'>): Promise<KillSwitchState> {
  const row = await db.systemSetting.findUnique({ where: { key: KILL_SWITCH_KEY } });
  const value = (row?.value ?? {}) as { on?: boolean; by?: string; at?: string };
  return {
    on: config.KILL_SWITCH || value.on === true,
    forcedByEnv: config.KILL_SWITCH,
    by: value.by,
    at: value.at,
  };
}

/** Who flips it: an operator from a platform (checked by the caller), or the CLI on the host. */
export type KillSwitchActor =
  | { readonly kind: 'user'; readonly userId: string; readonly platform: PlatformName }
  | { readonly kind: 'cli'; readonly name: string };

export async function writeKillSwitch(db: Db, actor: KillSwitchActor, on: boolean): Promise<void> {
  const by = actor.kind === 'user' ? actor.userId : `cli:${actor.name}`;
  const value = { on, by, at: new Date().toISOString() };
  await db.$transaction([
    db.systemSetting.upsert({
      where: { key: KILL_SWITCH_KEY },
      create: { key: KILL_SWITCH_KEY, value },
      update: { value },
    }),
  ]);
  await audit(db, {
    actorUserId: actor.kind === 'user' ? actor.userId : undefined,
    platform: actor.kind === 'user' ? actor.platform : undefined,
    action: on ? 'risk.kill_switch.on' : 'risk.kill_switch.off',
    detail: { by },
  });
}
