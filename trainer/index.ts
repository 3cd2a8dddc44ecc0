// The trainer's public surface: model, optimizer, checkpoints, backends, training loop, sampling, evaluation.
export { BACKEND_NAMES, installHint, parseBackendChoice, parseBackendName, probeAllBackends, probeBackend, resolveBackend, useBackend, type BackendChoice, type BackendName, type BackendStatus } from './backends.js';
export { probeWebgpuAdapters, WEBGPU_ADAPTER_KINDS, type WebgpuAdapterKind, type WebgpuAdapterReport } from './webgpuDevice.js';
export { MODEL_PRESETS, modelPreset, type ModelPreset } from './presets.js';
export { loadCheckpoint, readCheckpointMeta, saveCheckpoint, CHECKPOINT_FILE, type CheckpointMeta, type LoadedCheckpoint } from './checkpoint.js';
export { evaluate, type EvalResult } from './evaluate.js';
export { attention, countParameters, crossEntropy, forward, initParams, lossOf, parameterShapes, type GptConfig, type GptParams } from './model.js';
export { adamWStep, initAdamW, learningRate, DEFAULT_ADAMW, type AdamWConfig, type AdamWState } from './optimizer.js';
export { generate, pickToken, type SampleOptions } from './sample.js';
export { writeSyntheticTokenDir, type SyntheticTokenOptions } from './syntheticTokens.js';
export { curriculumSeqLen, train as trainGpt, type MetricsRecord, type TrainOptions as GptTrainOptions, type TrainResult as GptTrainResult } from './train.js';
export { tokenizerVocabSize } from '../tokenizer/tokenizerFile.js';
export { TokenDataset, type TokenBatch, type TokenDatasetOptions, type TokenManifest, type TokenRange, type TokenSource } from '../datasets/tokenDataset.js';
export { ParquetTokenDataset } from '../datasets/parquetTokenDataset.js';
export { openTokenData, type TokenDataFormat } from '../datasets/tokenData.js';
