/**
 * `cryptopulse killswitch on|off|status`: the operator's kill switch from the host. It is stored in the
 * database and read inside every execution, so every running role sees it at its next order; each change
 * is audited (actor `cli:<login>`).
 */
import { userInfo } from 'node:os';
import type { Config } from '../core/config.ts';
import { createDb } from '../core/db/client.ts';
import { readKillSwitch, writeKillSwitch } from '../core/trading/kill-switch.ts';

export async function runKillSwitchCommand(config: Config, args: readonly string[]): Promise<number> {
  const [action] = args;
  if (action !== 'on' && action !== 'off' && action !== 'status') {
    console.error(
      `${action === undefined ? 'killswitch needs on, off or status' : `killswitch: "${action}" is not an action; use on, off or status`}\nusage: cryptopulse killswitch on|off|status`,
    );
    return 2;
  }
  const db = createDb(config.DATABASE_URL, { poolSize: 1, preparedStatements: false });
  try {
    if (action !== 'status') {
      const name = process.env.SUDO_USER ?? userInfo().username;
      await writeKillSwitch(db, { kind: 'cli', name }, action === 'on');
    }
    const state = await readKillSwitch(db, config);
    const since = state.at ? ` (set by ${state.by} at ${state.at})` : '';
    console.log(
      `kill switch: ${state.on ? 'ON: no order is proposed or executed' : 'off'}${since}${
        state.forcedByEnv ? '; KILL_SWITCH=true in the environment keeps it on' : ''
      }`,
    );
    return 0;
  } finally {
    await db.$disconnect();
  }
}
