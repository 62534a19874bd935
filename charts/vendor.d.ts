// The financial package's main entry is a UMD build expecting a global Chart; its ESM build has no
// types of its own, so borrow the package's declarations (which also augment chart.js).
declare module 'chartjs-chart-financial/dist/chartjs-chart-financial.esm.js' {
  export { CandlestickController, CandlestickElement } from 'chartjs-chart-financial';
}
