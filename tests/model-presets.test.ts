// Model presets (tiny, mini, small = GPT-2 small) and activation recomputation per block: the same loss and
// gradients with fewer tensors alive at the end of the forward pass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../core/errors.js';
import { useBackend } from '../trainer/backends.js';
import { countParameters, initParams, lossOf, type GptConfig } from '../trainer/model.js';
import { MODEL_PRESETS, modelPreset } from '../trainer/presets.js';

test('presets: tiny is the default shape, small is GPT-2 small (124M parameters at its vocabulary), mini lies between', () => {
  assert.deepEqual(modelPreset('tiny'), { layers: 2, heads: 2, dim: 128, context: 128 });
  assert.deepEqual(modelPreset('small'), { layers: 12, heads: 12, dim: 768, context: 1024 });
  const params = (name: keyof typeof MODEL_PRESETS) => countParameters({ vocabSize: 50257, embedding: 'gather', ...MODEL_PRESETS[name] });
  assert.equal(params('small'), 124_439_808);
  assert.ok(params('tiny') < params('mini') && params('mini') < params('small'));
  assert.throws(() => modelPreset('huge'), (e: Error) => e instanceof UserError && /--preset must be one of tiny, mini, small, got 'huge'/.test(e.message));
});

/** Loss, gradients and the tensors alive when the forward pass ends, for one batch. */
async function step(c: GptConfig): Promise<{ values: Float32Array[]; liveAtLoss: number }> {
  const p = initParams(c, 2);
  const names = [...p.keys()];
  const ids = (k: number) => tf.tensor2d(Array.from({ length: 2 * c.context }, (_, i) => (i * k + 3) % c.vocabSize), [2, c.context], 'int32');
  const [inputs, targets] = [ids(7), ids(3)];
  let liveAtLoss = 0;
  const out = tf.tidy(() => {
    const r = tf.valueAndGrads((...ps: tf.Tensor[]) => {
      const loss = lossOf(c, new Map(names.map((n, i) => [n, ps[i]!])), inputs, targets);
      liveAtLoss = tf.memory().numTensors;
      return loss;
    })(names.map((n) => p.get(n)!));
    return [r.value, ...r.grads];
  });
  const values: Float32Array[] = [];
  for (const t of out) values.push((await t.data()) as Float32Array);
  tf.dispose([...out, ...p.values(), inputs, targets]);
  return { values, liveAtLoss };
}

test('--recompute: the same loss and gradients bit for bit, fewer activations kept through the forward pass', async () => {
  await useBackend('wasm');
  const c: GptConfig = { vocabSize: 40, context: 16, layers: 4, heads: 2, dim: 16, embedding: 'gather' };
  const kept = await step(c);
  const before = tf.memory().numTensors;
  const recomputed = await step({ ...c, recompute: true });
  assert.equal(tf.memory().numTensors, before, 'recomputation leaked tensors');
  assert.deepEqual(recomputed.values, kept.values);
  // Each block keeps only its input instead of its ~dozens of intermediates.
  assert.ok(recomputed.liveAtLoss < kept.liveAtLoss - 10 * c.layers, `live tensors at the loss: ${recomputed.liveAtLoss} with recomputation vs ${kept.liveAtLoss}`);
});
