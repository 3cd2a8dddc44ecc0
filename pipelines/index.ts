export { curate, type CurateOptions, type CurateProgress, type CurateResult } from './curate.js';
export { validateRecipe, type Recipe } from './recipe.js';
export { loadPipelineFile, PipelineFileSchema, type PipelineFile } from './pipelineFile.js';
export { runSteps, type BatchResult } from './batchSteps.js';
export type { RunStats, StepStats } from './stats.js';
export { mergeRunStats } from './stats.js';
export { readManifest, type Manifest } from './manifest.js';
export { mergeManifests } from './mergeManifests.js';
export { UserError } from '../core/errors.js';
