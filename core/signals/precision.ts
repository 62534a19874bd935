/** A market's price step ("0.01") as the number of decimals published prices are rounded to (2). */
export function decimalsOfStep(step: string): number {
  const s = step.trim();
  const e = /e-(\d+)$/i.exec(s);
  if (e) return Number(e[1]);
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.replace(/0+$/, '').length - dot - 1;
}
