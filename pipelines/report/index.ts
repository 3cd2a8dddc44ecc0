export { buildRunReport, curateReport, log2Histogram, readIdxLengths, readTrainingMetrics, readStats, type RunReport, type Series } from './runReport.js';
export { renderReportHtml, barChart, lineChart } from './reportHtml.js';
export { writeRunReport } from './writeReport.js';
export { extractionSamples, type ExtractionSample, type ExtractionSampleOptions } from './extractionSamples.js';
