/** Self-written static SVG charts for the simulator report (no chart library, no script, fonts from the system). */
export { barChart } from './barChart.ts';
export type { BarChartOptions, BarSeries } from './barChart.ts';
export { bandChart } from './bandChart.ts';
export type { BandChartOptions } from './bandChart.ts';
export { heatMap, trafficColour } from './heatMap.ts';
export type { HeatMapOptions } from './heatMap.ts';
export { histogram } from './histogram.ts';
export type { HistogramMarker, HistogramOptions } from './histogram.ts';
export { lineChart } from './lineChart.ts';
export type { LineChartOptions, LineSeries } from './lineChart.ts';
export { clockLabel, esc, fmtNum, linearAxis, niceStep, PALETTE, timeAxis } from './Plot.ts';
export type { Axis, LegendItem } from './Plot.ts';
export { stackedArea } from './stackedArea.ts';
export type { AreaSeries, StackedAreaOptions } from './stackedArea.ts';
export { sweepChart } from './sweepChart.ts';
export type { SweepChartOptions, SweepChartPoint } from './sweepChart.ts';
