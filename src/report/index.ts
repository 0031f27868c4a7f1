export * from './ChartSpec.js';
export * from './chartStyle.js';
export * from './lineChart.js';
export * from './groupedBarChart.js';
export * from './renderChart.js';
export * from './htmlReport.js';
export * from './vegaRuntime.js';
