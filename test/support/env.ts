/** Where the test suite finds Redis and Postgres: the bootstrap exports these; plain localhost otherwise. */
export const TEST_DATABASE_URL =
  process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/cryptopulse';
export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const TEMPLATE_DB = 'cp_test_template';
