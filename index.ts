// corpusforge public API: one entry point, typed. Each area exports its own surface.
export type { Document, Rejected } from './core/document.js';
export type { Step, StepOutput, CoordinatorStep, StepDefinition, StepSpec, Observer, ObserverDefinition } from './core/step.js';
export { UserError } from './core/errors.js';
export * from './pipelines/index.js';
export * from './pipelines/report/index.js';
export { readDocuments, readFile as readInputFile, type ReadOptions } from './datasets/readers.js';
export { expandInputs, type InputFile, type InputFormat } from './datasets/inputs.js';
export { writeDocumentShard, type ShardInfo, type ShardWriteOptions } from './datasets/parquetShardWriter.js';
export { readParquetDocuments } from './datasets/parquetReader.js';
export { readWarc } from './datasets/warcReader.js';
export { stepRegistry, getStepDefinition, observerRegistry } from './filters/registry.js';
export { normaliseText } from './filters/format/normalise.js';
export * from './tokenizer/index.js';
export { BiasReport, formatBiasReport, DEFAULT_IDENTITY_GROUPS, type BiasReportData, type BiasReportOptions } from './filters/safety/biasReport.js';
export * from './trainer/index.js';
export * from './crawler/index.js';
export { extractMainText, type ExtractOptions, type ExtractedText } from './filters/extract/extract.js';
