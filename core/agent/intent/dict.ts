/** A lookup table without a prototype, so user words like "__proto__" or "constructor" find nothing. */
export function dict<T>(entries: Readonly<Record<string, T>>): Readonly<Record<string, T | undefined>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, T>, entries));
}
