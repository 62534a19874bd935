/**
 * Shown when the API answers 401 (the install sets API_REQUIRE_KEY=true): the viewer pastes an API key
 * once, the page trades it for an HttpOnly session cookie (POST /v1/session) that every request and
 * the live stream then carry, and reloads. The key itself is not kept by the page.
 */
import { type FormEvent, useState } from 'react';
import { send } from '../api/http.ts';

export function KeyPrompt() {
  const [key, setKey] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  async function submit(ev: FormEvent) {
    ev.preventDefault();
    setBusy(true);
    setProblem(undefined);
    const refusal = await send(
      '/v1/session',
      { method: 'POST', headers: { authorization: `Bearer ${key.trim()}` } },
      'The API does not answer (network error).',
    );
    if (refusal === undefined) window.location.reload();
    else {
      setProblem(refusal);
      setBusy(false);
    }
  }

  return (
    <section className="panel key-prompt" aria-labelledby="key-title">
      <h2 id="key-title">API key needed</h2>
      <p>
        This server serves signals to key holders only (<code>API_REQUIRE_KEY=true</code>). Paste a key from{' '}
        <code>cryptopulse apikeys create</code>; the page keeps a session for 12 hours, not the key.
      </p>
      <form onSubmit={submit}>
        <label>
          API key{' '}
          <input
            type="password"
            name="api-key"
            autoComplete="off"
            value={key}
            onChange={(e) => setKey(e.target.value)}
            required
          />
        </label>{' '}
        <button type="submit" disabled={busy || key.trim() === ''}>
          Open the dashboard
        </button>
      </form>
      {problem && (
        <p className="notice notice-error" role="alert">
          {problem}
        </p>
      )}
    </section>
  );
}
