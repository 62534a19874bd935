/**
 * Runs tasks one after another per key (a chat, a card), keys independently of each other: the runner's
 * `sequentialize`, with the key for a context. A failed task does not stop the ones behind it; its
 * caller sees the failure.
 */
import { sequentialize } from '@grammyjs/runner';

export type Serializer = <T>(key: string, task: () => Promise<T>) => Promise<T>;

export function oneAtATimePerKey(): Serializer {
  const inTurn = sequentialize<string>((key) => key);
  return async <T>(key: string, task: () => Promise<T>) => {
    let result: T | undefined;
    await inTurn(key, async () => {
      result = await task();
    });
    return result as T;
  };
}
