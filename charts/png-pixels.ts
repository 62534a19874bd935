/** Decodes a PNG into RGBA pixels for tests and golden comparison (Skia decodes, no extra dependency). */
import { createCanvas, loadImage } from '@napi-rs/canvas';

export interface Pixels {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray;
  at(x: number, y: number): [number, number, number];
}

export async function decodePng(png: Uint8Array): Promise<Pixels> {
  const image = await loadImage(Buffer.from(png));
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  const { data, width, height } = ctx.getImageData(0, 0, image.width, image.height);
  return {
    width,
    height,
    data,
    at(x, y) {
      const i = (Math.round(y) * width + Math.round(x)) * 4;
      return [data[i]!, data[i + 1]!, data[i + 2]!];
    },
  };
}

export function hexToRgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Largest per-channel difference between two colours. */
export function colourDistance(a: readonly number[], b: readonly number[]): number {
  return Math.max(...a.map((v, i) => Math.abs(v - (b[i] ?? 0))));
}

export interface ImageDiff {
  readonly differing: number;
  readonly share: number;
  readonly maxChannel: number;
}

/** Pixels whose largest channel difference exceeds `threshold`, and their share of the image. */
export function diffImages(a: Pixels, b: Pixels, threshold: number): ImageDiff {
  if (a.width !== b.width || a.height !== b.height)
    return { differing: Number.POSITIVE_INFINITY, share: 1, maxChannel: 255 };
  let differing = 0;
  let maxChannel = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    let d = 0;
    for (let c = 0; c < 4; c++) d = Math.max(d, Math.abs(a.data[i + c]! - b.data[i + c]!));
    maxChannel = Math.max(maxChannel, d);
    if (d > threshold) differing++;
  }
  return { differing, share: differing / (a.width * a.height), maxChannel };
}
