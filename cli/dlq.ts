/**
 * `cryptopulse dlq list [--limit N] | retry <id> | drop <id>`: the broadcaster's dead letters in
 * `signals:dlq`. `retry` revives the delivery (fresh attempts, its chat unpaused); a running
 * broadcaster sends it within a second. `drop` forgets the letter (the delivery stays dead).
 */
import { parseArgs } from 'node:util';
import { dropDeadLetter, listDeadLetters, retryDeadLetter } from '../core/broadcast/dlq.ts';
import { loadConfig } from '../core/config.ts';
import { createDb } from '../core/db/client.ts';
import { createRedis, RedisKeys } from '../core/redis.ts';
import { extraArgument, redisReady } from './stores.ts';

const USAGE = `usage: cryptopulse dlq list [--limit N]
       cryptopulse dlq retry <id>
       cryptopulse dlq drop <id>`;

export async function runDlqCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  const parse = () =>
    parseArgs({ args: [...argv], allowPositionals: true, options: { limit: { type: 'string' } } });
  try {
    parsed = parse();
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const [action, id] = parsed.positionals;
  const refuse = (problem: string) => {
    console.error(`${problem}\n${USAGE}`);
    return 2;
  };
  if (action !== 'list' && action !== 'retry' && action !== 'drop')
    return refuse(action === undefined ? 'dlq needs an action' : `dlq: "${action}" is not an action`);
  const extra = extraArgument(parsed.positionals, action === 'list' ? 1 : 2);
  if (extra) return refuse(`dlq ${action}: ${extra}`);
  const rawLimit = parsed.values.limit ?? '50';
  const limit = Number(rawLimit);
  if (!/^\d{1,7}$/.test(rawLimit) || limit < 1)
    return refuse(`--limit must be a whole number of dead letters, 1 or more (got "${rawLimit}")`);
  if (action !== 'list' && !id) return refuse(`dlq ${action} needs the id of a dead letter (see dlq list)`);
  // Redis would answer "ERR Invalid stream ID": say what an id looks like instead.
  if (id !== undefined && !/^\d+-\d+$/.test(id))
    return refuse(`"${id}" is not a dead-letter id (ids look like 1767225600000-0; see dlq list)`);
  const config = loadConfig(env);
  const redis = createRedis({ url: config.REDIS_URL, name: 'cli-dlq' });
  const keys = new RedisKeys(config.REDIS_PREFIX);
  const db = createDb(config.DATABASE_URL, {
    poolSize: 1,
    preparedStatements: config.DATABASE_PREPARED_STATEMENTS,
  });
  try {
    await redisReady(redis, config.REDIS_URL);
    if (action === 'list') {
      const letters = await listDeadLetters(redis, keys, limit);
      if (!letters.length) console.log('signals:dlq is empty');
      for (const l of letters)
        console.log(
          `${l.id}  ${l.platform}:${l.chatId}  ${l.event === 'signal' ? 'card' : l.event}  ${l.signalId}  attempts ${l.attempts}  ${l.reason}`,
        );
      return 0;
    }
    const outcome =
      action === 'retry'
        ? await retryDeadLetter(db, redis, keys, id!)
        : await dropDeadLetter(redis, keys, id!);
    if (!outcome.ok) {
      console.error(outcome.reason);
      return 1;
    }
    console.log(action === 'retry' ? `${id} queued again` : `${id} dropped`);
    return 0;
  } finally {
    // quit() on a Redis that never answered would wait in the offline queue forever.
    if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
    else redis.disconnect();
    await db.$disconnect();
  }
}
