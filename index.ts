// corpusforge public API: one entry point, typed. Each area exports its own surface.
export type { Document, Rejected } from './pipelines/document.js';
export type { Step, StepOutput, CoordinatorStep, StepDefinition, StepSpec } from './pipelines/step.js';
export { UserError } from './pipelines/errors.js';
export { stepRegistry, getStepDefinition } from './filters/registry.js';
export { normaliseText } from './filters/normalise.js';
export * from './tokenizer/index.js';
export { BiasReport, formatBiasReport, DEFAULT_IDENTITY_GROUPS, type BiasReportData, type BiasReportOptions } from './filters/biasReport.js';
export * from './trainer/index.js';
export * from './crawler/index.js';
export { extractMainText, type ExtractOptions, type ExtractedText } from './filters/extract.js';
