/**
 * The news store in Postgres. Writes are serialised by one transaction-scoped advisory lock so two
 * workers storing the same story from two feeds cannot both pass the "same title" check; reads are
 * index range scans: per coin through NewsCoin (coin, publishedAt DESC), text through the GIN index on
 * the generated tsvector column. Raw SQL where Prisma cannot say it (tsvector, CTE inserts, unnest).
 */
import type { Db } from '../db/client.ts';
import type { NewsItemView, ScoredDraft, SentimentDay, SentimentWindow } from './types.ts';

/** Two items with the same normalised title this close in time are one story told by two feeds. */
export const SAME_STORY_WINDOW_HOURS = 72;
const INGEST_LOCK = 0x6e657773; // "news"

export interface StoreOutcome {
  readonly stored: number;
  readonly duplicates: number;
}

interface Row {
  id: bigint;
  title: string;
  link: string;
  source: string;
  summary: string;
  publishedAt: Date;
  coins: string[];
  sentiment: number;
}

export const newsId = (id: bigint | number) => `n${id}`;

/** "n1234" or "1234" → 1234n; undefined for anything else. */
export function parseNewsId(ref: string): bigint | undefined {
  const m = /^n?(\d{1,18})$/i.exec(ref.trim());
  return m ? BigInt(m[1]!) : undefined;
}

const view = (r: Row): NewsItemView => ({
  id: newsId(r.id),
  title: r.title,
  link: r.link,
  source: r.source,
  summary: r.summary,
  publishedAt: r.publishedAt,
  coins: r.coins,
  sentiment: r.sentiment,
});

export async function storeItems(
  db: Db,
  feedUrl: string,
  items: readonly ScoredDraft[],
): Promise<StoreOutcome> {
  if (!items.length) return { stored: 0, duplicates: 0 };
  // Most polls bring back items stored last time: skip those without taking the lock.
  const known = await db.$queryRaw<{ linkKey: string }[]>`
    SELECT "linkKey" FROM "NewsItem" WHERE "linkKey" = ANY(${items.map((i) => i.linkKey)}::text[])`;
  const seen = new Set(known.map((k) => k.linkKey));
  const fresh = items.filter((i) => {
    if (seen.has(i.linkKey)) return false;
    seen.add(i.linkKey); // the same link twice in one document
    return true;
  });
  if (!fresh.length) return { stored: 0, duplicates: items.length };
  const stored = await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${INGEST_LOCK}::int)`;
    let n = 0;
    for (const i of fresh) {
      const rows = await tx.$queryRaw<{ id: bigint }[]>`
        WITH ins AS (
          INSERT INTO "NewsItem" ("linkKey", "titleKey", "guid", "title", "link", "source", "feedUrl",
                                  "summary", "publishedAt", "coins", "sentiment")
          SELECT ${i.linkKey}, ${i.titleKey}, ${i.guid}, ${i.title}, ${i.link}, ${i.source}, ${feedUrl},
                 ${i.summary}, ${i.publishedAt}, ${[...i.coins]}::text[], ${i.sentiment}
          WHERE NOT EXISTS (
            SELECT 1 FROM "NewsItem"
             WHERE "titleKey" = ${i.titleKey}
               AND "publishedAt" BETWEEN ${i.publishedAt}::timestamp - make_interval(hours => ${SAME_STORY_WINDOW_HOURS})
                                     AND ${i.publishedAt}::timestamp + make_interval(hours => ${SAME_STORY_WINDOW_HOURS}))
            AND NOT EXISTS (
              SELECT 1 FROM "NewsItem" WHERE ${i.guid}::text IS NOT NULL AND "feedUrl" = ${feedUrl} AND "guid" = ${i.guid})
          ON CONFLICT ("linkKey") DO NOTHING
          RETURNING "id", "publishedAt", "sentiment"
        ), tags AS (
          INSERT INTO "NewsCoin" ("coin", "itemId", "publishedAt", "sentiment")
          SELECT c, ins."id", ins."publishedAt", ins."sentiment" FROM ins, unnest(${[...i.coins]}::text[]) AS c
        )
        SELECT "id" FROM ins`;
      n += rows.length;
    }
    return n;
  });
  return { stored, duplicates: items.length - stored };
}

const COLUMNS =
  'i."id", i."title", i."link", i."source", i."summary", i."publishedAt", i."coins", i."sentiment"';

export interface LatestQuery {
  readonly coin?: string;
  readonly since: Date;
  readonly until: Date;
  readonly limit: number;
}

export async function latestItems(db: Db, q: LatestQuery): Promise<NewsItemView[]> {
  const rows = q.coin
    ? await db.$queryRawUnsafe<Row[]>(
        `SELECT ${COLUMNS} FROM "NewsCoin" c JOIN "NewsItem" i ON i."id" = c."itemId"
          WHERE c."coin" = $1 AND c."publishedAt" >= $2 AND c."publishedAt" <= $3
          ORDER BY c."publishedAt" DESC, c."itemId" DESC LIMIT $4`,
        q.coin,
        q.since,
        q.until,
        q.limit,
      )
    : await db.$queryRawUnsafe<Row[]>(
        `SELECT ${COLUMNS} FROM "NewsItem" i
          WHERE i."publishedAt" >= $1 AND i."publishedAt" <= $2
          ORDER BY i."publishedAt" DESC, i."id" DESC LIMIT $3`,
        q.since,
        q.until,
        q.limit,
      );
  return rows.map(view);
}

export interface SearchQuery {
  /** Web-search syntax: words, "quoted phrases", -excluded, or. */
  readonly text: string;
  readonly limit: number;
  readonly until: Date;
}

/** Search looks at the last week first and widens to the whole store only when that finds too little. */
export const RECENT_SEARCH_DAYS = 7;
const SEARCH_CANDIDATES = 200;

/**
 * Full-text search: the newest 200 matches ranked by relevance (title hits above summary hits).
 * Bounding the candidates keeps a common word such as "bitcoin" from ranking every item in the store.
 * The tsquery is written inline (not in a CTE) so the planner sees its selectivity from the column's
 * statistics: a common word walks the publishedAt index backwards and stops after 200 hits, a rare one
 * takes the GIN index. A middling word (5% of items) costs about as many row visits as it has matches,
 * so the last week is searched first, which is also what a reader of news asks for.
 */
export async function searchItems(db: Db, q: SearchQuery): Promise<NewsItemView[]> {
  const recent = await searchSince(db, q, new Date(q.until.getTime() - RECENT_SEARCH_DAYS * 86_400_000));
  return recent.length >= q.limit ? recent : searchSince(db, q, undefined);
}

async function searchSince(db: Db, q: SearchQuery, since: Date | undefined): Promise<NewsItemView[]> {
  // A prepared statement's generic plan cannot see the words, and takes the GIN index for "bitcoin"
  // too (every match visited, then sorted): plan this one with its parameters, every time.
  const [, rows] = await db.$transaction([
    db.$executeRawUnsafe('SET LOCAL plan_cache_mode = force_custom_plan'),
    db.$queryRawUnsafe<Row[]>(
      `WITH hits AS (SELECT ${COLUMNS}, i."search" FROM "NewsItem" i
                    WHERE i."search" @@ websearch_to_tsquery('english', $1)
                      AND i."publishedAt" <= $2 ${since ? 'AND i."publishedAt" >= $5' : ''}
                    ORDER BY i."publishedAt" DESC LIMIT $4)
     SELECT h."id", h."title", h."link", h."source", h."summary", h."publishedAt", h."coins", h."sentiment"
       FROM hits h
      ORDER BY ts_rank_cd(h."search", websearch_to_tsquery('english', $1)) DESC, h."publishedAt" DESC
      LIMIT $3`,
      q.text,
      q.until,
      q.limit,
      SEARCH_CANDIDATES,
      ...(since ? [since] : []),
    ),
  ]);
  return rows.map(view);
}

export async function itemById(db: Db, id: bigint): Promise<NewsItemView | undefined> {
  const rows = await db.$queryRawUnsafe<Row[]>(`SELECT ${COLUMNS} FROM "NewsItem" i WHERE i."id" = $1`, id);
  return rows[0] ? view(rows[0]) : undefined;
}

export async function sentimentWindow(db: Db, coin: string, from: Date, to: Date): Promise<SentimentWindow> {
  const [row] = await db.$queryRaw<{ items: number; score: number | null }[]>`
    SELECT count(*)::int AS items, avg("sentiment")::float8 AS score FROM "NewsCoin"
     WHERE "coin" = ${coin} AND "publishedAt" >= ${from} AND "publishedAt" <= ${to}`;
  const score = row?.score ?? null;
  return {
    coin,
    from,
    to,
    items: row?.items ?? 0,
    score: score === null ? null : Math.round(score * 1000) / 1000,
  };
}

/** Mean score and item count per UTC day, oldest first; days without items are absent. */
export async function sentimentByDay(db: Db, coin: string, from: Date, to: Date): Promise<SentimentDay[]> {
  const rows = await db.$queryRaw<{ day: Date; items: number; score: number }[]>`
    SELECT date_trunc('day', "publishedAt") AS day, count(*)::int AS items, avg("sentiment")::float8 AS score
      FROM "NewsCoin"
     WHERE "coin" = ${coin} AND "publishedAt" >= ${from} AND "publishedAt" <= ${to}
     GROUP BY 1 ORDER BY 1`;
  return rows.map((r) => ({ day: r.day, items: r.items, score: Math.round(r.score * 1000) / 1000 }));
}

/** Drops items published before `before` (their tags go with them). */
export async function pruneItems(db: Db, before: Date): Promise<number> {
  return db.$executeRaw`DELETE FROM "NewsItem" WHERE "publishedAt" < ${before}`;
}
