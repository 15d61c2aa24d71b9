import type { CombinedError } from 'urql';
import type { Translate } from '../i18n/i18n.tsx';
import { errorMessage } from './states.tsx';

/** A mutation's answer as the UI acts on it: the payload, or a refusal in words with the field it names. */
export type Outcome<Ok> = { ok: Ok; message: null; field: null } | { ok: null; message: string; field: string | null };

/**
 * Reads a mutation's answer (its union: the payload `okTypename` or a typed
 * refusal with `message` and maybe `path`) and the request's error, the same
 * way for every form and button of the UI.
 */
export function mutationOutcome<A extends { __typename: string }, Name extends A['__typename']>(
  answer: A | null | undefined,
  error: CombinedError | undefined,
  okTypename: Name,
  t: Translate,
): Outcome<Extract<A, { __typename: Name }>> {
  if (answer?.__typename === okTypename) return { ok: answer as Extract<A, { __typename: Name }>, message: null, field: null };
  if (answer && 'message' in answer && typeof answer.message === 'string') {
    const path = 'path' in answer && Array.isArray(answer.path) ? (answer.path as string[]) : null;
    return { ok: null, message: answer.message, field: path?.[1] ?? null };
  }
  return { ok: null, message: error ? errorMessage(error, t) : t('state.unreachable'), field: null };
}
