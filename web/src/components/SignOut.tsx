/**
 * Which key the page is signed in with, and a way out (DELETE /v1/session ends the session for every
 * copy of the cookie, then the page reloads and asks for a key again). Shown only with a session.
 */
import { useState } from 'react';
import { useCurrentSession } from '../api/hooks.ts';
import { send } from '../api/http.ts';

export function SignOut() {
  const { data } = useCurrentSession();
  const [problem, setProblem] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const session = data?.session;
  if (!session) return null;

  async function signOut() {
    setBusy(true);
    setProblem(undefined);
    const refusal = await send(
      '/v1/session',
      { method: 'DELETE' },
      'The API does not answer (network error); you are still signed in.',
    );
    if (refusal === undefined) window.location.reload();
    else {
      setProblem(refusal);
      setBusy(false);
    }
  }

  return (
    <div className="session">
      <span>
        Key <strong>{session.key.name}</strong> <code>{session.key.prefix}…</code>
      </span>{' '}
      <button type="button" onClick={signOut} disabled={busy}>
        Sign out
      </button>
      {problem && (
        <span className="notice notice-error" role="alert">
          {problem}
        </span>
      )}
    </div>
  );
}
