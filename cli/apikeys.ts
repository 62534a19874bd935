/**
 * `cryptopulse apikeys create --name N [--limit R] | list | revoke <id or prefix>`: API keys for /v1.
 * The key is printed once, at creation; the database keeps only its SHA-256.
 */
import { parseArgs } from 'node:util';
import { ApiKeyStore } from '../core/apikeys/store.ts';
import { loadConfig } from '../core/config.ts';
import { createDb } from '../core/db/client.ts';
import { isAppError } from '../core/errors.ts';
import { extraArgument } from './stores.ts';

const USAGE = `usage: cryptopulse apikeys create --name NAME [--limit REQUESTS_PER_MINUTE]
       cryptopulse apikeys list
       cryptopulse apikeys revoke <id, prefix or the key itself>`;

function fail(message: string): number {
  console.error(`${message}\n${USAGE}`);
  return 2;
}

const when = (d: Date | null) => (d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : '-');

export async function runApiKeysCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  const parse = () =>
    parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { name: { type: 'string' }, limit: { type: 'string' } },
    });
  try {
    parsed = parse();
  } catch (err) {
    return fail((err as Error).message);
  }
  const { positionals, values } = parsed;
  const [action, target] = positionals;
  // `revoke a b` would revoke only a: every word beyond the action's own is refused before any change.
  const extra = extraArgument(positionals, action === 'revoke' ? 2 : 1);
  if (extra) return fail(`apikeys ${action}: ${extra}`);
  const config = loadConfig(env);
  const db = createDb(config.DATABASE_URL, {
    poolSize: 2,
    preparedStatements: config.DATABASE_PREPARED_STATEMENTS,
  });
  const store = new ApiKeyStore(db);
  try {
    switch (action) {
      case 'create': {
        if (!values.name) return fail('apikeys create needs --name');
        const limit =
          values.limit === undefined ? config.API_KEY_RATE_LIMIT_PER_MINUTE : Number(values.limit);
        if (!/^\d{1,7}$/.test(values.limit ?? String(limit)) || limit < 1) {
          return fail(`--limit must be a whole number of requests per minute (got "${values.limit}")`);
        }
        const { info, key } = await store.create({ name: values.name, ratePerMinute: limit });
        console.log(`created API key "${info.name}" (id ${info.id}, ${info.ratePerMinute} requests/minute)`);
        console.log(`key: ${key}`);
        console.log('Store it now: it is shown only this once. Use it as  Authorization: Bearer <key>');
        return 0;
      }
      case 'list': {
        const keys = await store.list();
        if (!keys.length) {
          console.log('no API keys');
          return 0;
        }
        console.log(['id', 'prefix', 'name', 'limit/min', 'created', 'last used', 'revoked'].join('\t'));
        for (const k of keys) {
          console.log(
            [
              k.id,
              `${k.prefix}…`,
              k.name,
              k.ratePerMinute,
              when(k.createdAt),
              when(k.lastUsedAt),
              when(k.revokedAt),
            ].join('\t'),
          );
        }
        return 0;
      }
      case 'revoke': {
        if (!target) return fail('apikeys revoke needs the id or prefix of a key (see apikeys list)');
        const info = await store.revoke(target.replace(/…$/, ''));
        console.log(
          info.alreadyRevoked
            ? `API key "${info.name}" (id ${info.id}) was already revoked at ${when(info.revokedAt)}; nothing changed`
            : `revoked API key "${info.name}" (id ${info.id}); requests with it are refused from now on`,
        );
        return 0;
      }
      default:
        return fail(action ? `unknown apikeys action "${action}"` : 'apikeys needs an action');
    }
  } catch (err) {
    if (isAppError(err, 'ERR_VALIDATION') || isAppError(err, 'ERR_NOT_FOUND')) return fail(err.userMessage);
    throw err;
  } finally {
    await db.$disconnect();
  }
}
