/**
 * What both charts share: lightweight-charts created in the page's colours, with every time on the
 * axis and in the crosshair shown in the viewer's time zone (the library itself thinks in UTC).
 */
import {
  type ChartOptions,
  ColorType,
  createChart,
  type DeepPartial,
  type IChartApi,
  TickMarkType,
  type Time,
} from 'lightweight-charts';
import type { Palette } from '../theme.ts';

const toDate = (t: Time): Date =>
  typeof t === 'number'
    ? new Date(t * 1000)
    : typeof t === 'string'
      ? new Date(t)
      : new Date(Date.UTC(t.year, t.month - 1, t.day));

const fmt = (o: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(undefined, o);
const tickFormats = {
  [TickMarkType.Year]: fmt({ year: 'numeric' }),
  [TickMarkType.Month]: fmt({ month: 'short' }),
  [TickMarkType.DayOfMonth]: fmt({ day: 'numeric', month: 'short' }),
  [TickMarkType.Time]: fmt({ hour: '2-digit', minute: '2-digit' }),
  [TickMarkType.TimeWithSeconds]: fmt({ hour: '2-digit', minute: '2-digit', second: '2-digit' }),
};
const crosshairFormat = fmt({ dateStyle: 'medium', timeStyle: 'short' });

export function chartOptions(palette: Palette): DeepPartial<ChartOptions> {
  return {
    autoSize: true,
    layout: {
      background: { type: ColorType.Solid, color: palette.background },
      textColor: palette.muted,
      fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
      // The built-in logo injects a <style> element, which the API's CSP (style-src 'self') refuses;
      // the page credits TradingView in its footer instead, as the library's licence asks.
      attributionLogo: false,
    },
    grid: { vertLines: { color: palette.grid }, horzLines: { color: palette.grid } },
    rightPriceScale: { borderColor: palette.grid },
    timeScale: {
      borderColor: palette.grid,
      timeVisible: true,
      secondsVisible: false,
      tickMarkFormatter: (t: Time, type: TickMarkType) => tickFormats[type].format(toDate(t)),
    },
    localization: { timeFormatter: (t: Time) => crosshairFormat.format(toDate(t)) },
  };
}

export function makeChart(el: HTMLElement, palette: Palette): IChartApi {
  return createChart(el, chartOptions(palette));
}
