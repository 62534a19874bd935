/** The system colour scheme, live: the page follows it through CSS, the charts through this hook. */
import { useSyncExternalStore } from 'react';

export type Scheme = 'light' | 'dark';
const query = () => window.matchMedia('(prefers-color-scheme: dark)');

export function useScheme(): Scheme {
  return useSyncExternalStore(
    (notify) => {
      const q = query();
      q.addEventListener('change', notify);
      return () => q.removeEventListener('change', notify);
    },
    () => (query().matches ? 'dark' : 'light'),
  );
}

/** Chart colours, the same values the stylesheet uses for each scheme. */
export interface Palette {
  readonly text: string;
  readonly muted: string;
  readonly grid: string;
  readonly background: string;
  readonly up: string;
  readonly down: string;
  readonly entry: string;
  readonly accent: string;
}

export const PALETTES: Record<Scheme, Palette> = {
  light: {
    text: '#1b2230',
    muted: '#5a6475',
    grid: '#e6e9ef',
    background: '#ffffff',
    up: '#0b7a4b',
    down: '#c0262d',
    entry: '#1f5fd1',
    accent: '#6b3fd4',
  },
  dark: {
    text: '#e6e9ef',
    muted: '#9aa4b5',
    grid: '#232a36',
    background: '#131821',
    up: '#2fbf7f',
    down: '#ff6b6b',
    entry: '#6ea2ff',
    accent: '#b393ff',
  },
};
