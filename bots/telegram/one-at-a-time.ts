/** Runs tasks one after another per key (a chat, a card), keys independently of each other. */
export type Serializer = <T>(key: string, task: () => Promise<T>) => Promise<T>;

export function oneAtATimePerKey(): Serializer {
  const tails = new Map<string, Promise<unknown>>();
  return (key, task) => {
    // A failed task must not stop the ones behind it; its caller sees the failure.
    const run = (tails.get(key) ?? Promise.resolve()).catch(() => {}).then(task);
    tails.set(key, run);
    void run
      .catch(() => {})
      .finally(() => {
        if (tails.get(key) === run) tails.delete(key);
      });
    return run;
  };
}
