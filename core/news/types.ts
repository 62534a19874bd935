/** What the news store holds and returns, independent of how it was fetched. */
import type { NewsDraft } from './normalize.ts';

/** A draft with its coin tags and score: ready to store. */
export interface ScoredDraft extends NewsDraft {
  readonly coins: readonly string[];
  readonly sentiment: number;
}

/** A stored item as readers see it. `id` is the short citation handle, e.g. "n1234". */
export interface NewsItemView {
  readonly id: string;
  readonly title: string;
  readonly link: string;
  readonly source: string;
  readonly summary: string;
  readonly publishedAt: Date;
  readonly coins: readonly string[];
  readonly sentiment: number;
}

export interface SentimentWindow {
  readonly coin: string;
  readonly from: Date;
  readonly to: Date;
  /** Mean item score, -1..+1; null when no item falls in the window. */
  readonly score: number | null;
  readonly items: number;
}

export interface SentimentDay {
  /** 00:00 UTC of the day. */
  readonly day: Date;
  readonly score: number;
  readonly items: number;
}
