// Worker thread of GradientWorkers: holds its own tfjs backend instance and computes loss and gradients of a
// share of each batch with the parameters the main thread sends.
import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { useBackend, type BackendName } from './backends.js';
import { lossOf, parameterShapes, type GptConfig, type GptParams } from './model.js';

export type WorkerRequest =
  | { kind: 'init'; backend: BackendName; config: GptConfig }
  | { kind: 'grads'; params: Float32Array; inputs: Int32Array; targets: Int32Array; rows: number; seqLen: number };

export type WorkerReply = { kind: 'ready' } | { kind: 'grads'; loss: number; grads: Float32Array } | { kind: 'error'; message: string };

let config: GptConfig | undefined;
/** The parameters as tensors that live across steps (wasm): their heap memory is overwritten each step. */
let kept: tf.Tensor[] | undefined;

/**
 * Tensors holding `values`. On the wasm backend the same tensors are reused and their memory rewritten in
 * place, as the main thread's variables stay put: fresh tensors every step cost the worker ~20-25% of a
 * step against the main thread's share (operator caches keyed by operand, allocation churn).
 */
function paramTensors(shapes: ReturnType<typeof parameterShapes>, values: Float32Array): tf.Tensor[] {
  const backend = tf.backend() as unknown as { dataIdMap?: { get(id: object): { memoryOffset: number } | undefined }; wasm?: { HEAPU8: Uint8Array } };
  const heap = tf.getBackend() === 'wasm' && backend.dataIdMap && backend.wasm?.HEAPU8 ? backend : undefined;
  if (!heap) kept?.forEach((t) => t.dispose());
  if (!heap || !kept) {
    let off = 0;
    kept = shapes.map(([, shape]) => {
      const n = shape.reduce((a, b) => a * b, 1);
      const t = tf.tensor(values.subarray(off, off + n), shape, 'float32');
      off += n;
      return t;
    });
    return kept;
  }
  let off = 0;
  for (const t of kept) {
    const at = heap.dataIdMap!.get(t.dataId)!.memoryOffset;
    new Float32Array(heap.wasm!.HEAPU8.buffer, at, t.size).set(values.subarray(off, off + t.size));
    off += t.size;
  }
  return kept;
}

function computeGrads(req: Extract<WorkerRequest, { kind: 'grads' }>): WorkerReply {
  const shapes = parameterShapes(config!);
  const out = new Float32Array(req.params.length);
  let loss = 0;
  const params = paramTensors(shapes, req.params);
  tf.tidy(() => {
    const inputs = tf.tensor2d(req.inputs, [req.rows, req.seqLen], 'int32');
    const targets = tf.tensor2d(req.targets, [req.rows, req.seqLen], 'int32');
    const names = shapes.map(([n]) => n);
    const { value, grads } = tf.valueAndGrads((...ps: tf.Tensor[]) => lossOf(config!, new Map(names.map((n, i) => [n, ps[i]!])) as GptParams, inputs, targets))(params);
    loss = value.dataSync()[0]!;
    let at = 0;
    for (const g of grads) {
      const v = g.dataSync() as Float32Array;
      out.set(v, at);
      at += v.length;
    }
  });
  return { kind: 'grads', loss, grads: out };
}

parentPort!.on('message', (req: WorkerRequest) => {
  void (async () => {
    try {
      if (req.kind === 'init') {
        await useBackend(req.backend);
        config = req.config;
        parentPort!.postMessage({ kind: 'ready' } satisfies WorkerReply);
      } else {
        const reply = computeGrads(req);
        parentPort!.postMessage(reply, reply.kind === 'grads' ? [reply.grads.buffer as ArrayBuffer] : []);
      }
    } catch (e) {
      parentPort!.postMessage({ kind: 'error', message: (e as Error).message } satisfies WorkerReply);
    }
  })();
});
