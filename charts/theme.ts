/** Colour palettes. Hex only: tests compare decoded pixels against these exact values. */
import type { ThemeName } from './types.ts';

export interface Theme {
  readonly name: ThemeName;
  readonly background: string;
  readonly grid: string;
  readonly axis: string;
  readonly text: string;
  readonly muted: string;
  readonly up: string;
  readonly down: string;
  readonly volumeAlpha: number;
  readonly entry: string;
  readonly stop: string;
  readonly takeProfit: string;
  readonly buy: string;
  readonly sell: string;
  readonly paper: string;
  readonly paperText: string;
  readonly watermarkAlpha: number;
  /** Overlay and pane line colours, used in order. */
  readonly series: readonly string[];
  /** Allocation slice colours, used in order. */
  readonly slices: readonly string[];
  readonly tagText: string;
}

const DARK: Theme = {
  name: 'dark',
  background: '#131722',
  grid: '#232937',
  axis: '#2f3645',
  text: '#e1e4ea',
  muted: '#8b93a5',
  up: '#26a69a',
  down: '#ef5350',
  volumeAlpha: 0.35,
  entry: '#42a5f5',
  stop: '#ff1744',
  takeProfit: '#00e676',
  buy: '#00e676',
  sell: '#ff4081',
  paper: '#ffb300',
  paperText: '#131722',
  watermarkAlpha: 0.06,
  series: ['#ffa726', '#ab47bc', '#29b6f6', '#d4e157', '#ec407a'],
  slices: ['#f7931a', '#627eea', '#26a69a', '#ab47bc', '#ffca28', '#ef5350', '#29b6f6', '#8d6e63', '#78909c'],
  tagText: '#ffffff',
};

const LIGHT: Theme = {
  name: 'light',
  background: '#ffffff',
  grid: '#eef0f4',
  axis: '#d5d9e0',
  text: '#131722',
  muted: '#5d6575',
  up: '#089981',
  down: '#f23645',
  volumeAlpha: 0.3,
  entry: '#1e63d6',
  stop: '#d50000',
  takeProfit: '#00a152',
  buy: '#00a152',
  sell: '#c2185b',
  paper: '#ff8f00',
  paperText: '#ffffff',
  watermarkAlpha: 0.07,
  series: ['#f57c00', '#7b1fa2', '#0288d1', '#9e9d24', '#c2185b'],
  slices: ['#f7931a', '#627eea', '#089981', '#7b1fa2', '#f9a825', '#f23645', '#0288d1', '#6d4c41', '#546e7a'],
  tagText: '#ffffff',
};

export function themeFor(name: ThemeName | undefined): Theme {
  return name === 'light' ? LIGHT : DARK;
}

/** `#rrggbb` plus alpha as an `rgba()` string. */
export function withAlpha(hex: string, alpha: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}
