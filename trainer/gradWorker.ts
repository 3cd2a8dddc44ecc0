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

function computeGrads(req: Extract<WorkerRequest, { kind: 'grads' }>): WorkerReply {
  const shapes = parameterShapes(config!);
  const out = new Float32Array(req.params.length);
  let loss = 0;
  tf.tidy(() => {
    let off = 0;
    const params: tf.Tensor[] = shapes.map(([, shape]) => {
      const n = shape.reduce((a, b) => a * b, 1);
      const t = tf.tensor(req.params.subarray(off, off + n), shape, 'float32');
      off += n;
      return t;
    });
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
