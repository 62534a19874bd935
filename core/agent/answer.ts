/**
 * What the core answers an adapter, structured: the replies with who may read them, or, for a button
 * press it did not carry out, the error code and the sentence for the presser. Adapters branch on
 * `audience` and `code`, never on the text.
 */
import type { ErrorCode } from '../errors.ts';
import type { Audience } from './commands/policy.ts';
import type { Reply } from './reply.ts';

export type Answer =
  | { readonly kind: 'replies'; readonly replies: readonly Reply[]; readonly audience: Audience }
  | { readonly kind: 'error'; readonly code: ErrorCode; readonly message: string };

export const repliesOf = (answer: Answer): readonly Reply[] =>
  answer.kind === 'replies' ? answer.replies : [];
