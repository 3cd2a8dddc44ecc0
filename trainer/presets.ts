import { UserError } from '../core/errors.js';

/** Model sizes by name: `--preset` fills the shape flags that are not given. */
export interface ModelPreset {
  layers: number;
  heads: number;
  dim: number;
  context: number;
}

/**
 * tiny: the default shape (fast on a CPU; the benchmark model); mini: nanoGPT's "baby GPT" width and depth
 * at twice its context, between the two; small: GPT-2 small (124M parameters at GPT-2's 50,257 vocabulary),
 * the size where a GPU matters.
 */
export const MODEL_PRESETS = {
  tiny: { layers: 2, heads: 2, dim: 128, context: 128 },
  mini: { layers: 6, heads: 6, dim: 384, context: 512 },
  small: { layers: 12, heads: 12, dim: 768, context: 1024 },
} as const satisfies Record<string, ModelPreset>;

export type PresetName = keyof typeof MODEL_PRESETS;

export function modelPreset(name: string): ModelPreset {
  if (!(name in MODEL_PRESETS)) throw new UserError(`--preset must be one of ${Object.keys(MODEL_PRESETS).join(', ')}, got '${name}'`);
  return MODEL_PRESETS[name as PresetName];
}
