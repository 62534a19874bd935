import type { ReactNode } from 'react';

/** What is happening where data would be: loading, empty, or a failure and what the page does about it. */
export function Notice({ kind, children }: { kind: 'info' | 'error'; children: ReactNode }) {
  return (
    <p className={`notice notice-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </p>
  );
}
