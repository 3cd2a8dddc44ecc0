import * as tf from '@tensorflow/tfjs';

/*
 * Runs a WGSL compute shader of ours on tensors of tfjs-backend-webgpu 4.22 (pinned exactly: this reaches
 * into its backend the way its own runWebGPUProgram does). tfjs programs have one output and a generated
 * preamble; these shaders bind several outputs (read_write) and inputs (read) as plain arrays, then one
 * uniform struct, and are recorded into the backend's current compute pass, so they batch and submit with
 * tfjs's own kernels in order.
 */

/** The parts of tfjs-backend-webgpu's WebGPUBackend used here. */
interface WebgpuBackendInternals {
  device: GPUDevice;
  queue: GPUQueue;
  tensorMap: { get(dataId: object): { resource?: unknown; dtype: tf.DataType; shape: number[] } };
  makeTensorInfo(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  uploadToGPU(dataId: object): void;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
  commandEncoder: GPUCommandEncoder;
  computePassEncoder: GPUComputePassEncoder | null;
  commandQueueOwnedIds: WeakSet<object>;
  dispatchCountInPass: number;
  uniformPendingDisposal: GPUBuffer[];
  bufferManager: { acquireBuffer(size: number, usage: number): GPUBuffer };
}

/** A scalar uniform: WGSL `u32`, `i32` or `f32`, in declaration order. */
export type Uniform = ['u32' | 'i32' | 'f32', number];

export interface ProgramRun {
  /** Cache key: the same key must always give the same WGSL source. */
  key: string;
  /** Builds the shader; bindings: outputs 0.., inputs after them, then `uniforms: U` (struct U). */
  source: () => string;
  outputs: tf.TensorInfo[];
  inputs: tf.TensorInfo[];
  uniforms: Uniform[];
  workgroups: [number, number?, number?];
}

/**
 * A workgroup barrier for these shaders. On Mesa's software device (Dawn's GLES backend, llvmpipe) a plain
 * workgroupBarrier() did not order workgroup memory: invocations read a reduction's result before the last
 * step wrote it (measured: a variance off by 0.6%); an added storageBarrier() makes it a full fence there.
 */
export const BARRIER = 'storageBarrier(); workgroupBarrier();';

const UNIFORM = 0x40;
const COPY_DST = 0x08;
const pipelines = new WeakMap<GPUDevice, Map<string, GPUComputePipeline>>();

export function webgpuBackend(backend: unknown): WebgpuBackendInternals {
  return backend as WebgpuBackendInternals;
}

/** WGSL binding declarations for `outputs` then `inputs` (f32 arrays unless named `name:i32`), then the uniforms. */
export function bindings(outputs: string[], inputs: string[], uniforms: string[]): string {
  const decl = (name: string, i: number, access: string) => {
    const [n, type] = name.split(':');
    return `@group(0) @binding(${i}) var<storage, ${access}> ${n}: array<${type ?? 'f32'}>;`;
  };
  const lines = [...outputs.map((o, i) => decl(o, i, 'read_write')), ...inputs.map((x, i) => decl(x, outputs.length + i, 'read'))];
  lines.push(`struct U { ${uniforms.map((u) => `${u},`).join(' ')} }`);
  lines.push(`@group(0) @binding(${outputs.length + inputs.length}) var<uniform> u: U;`);
  return lines.join('\n');
}

/** New float32 (or int32) tensors of `shape` on the backend, for a program's outputs. */
export function outputsOf(backend: unknown, ...shapes: Array<number[] | [number[], tf.DataType]>): tf.TensorInfo[] {
  const b = webgpuBackend(backend);
  return shapes.map((s) => (typeof s[0] === 'number' ? b.makeTensorInfo(s as number[], 'float32') : b.makeTensorInfo(...(s as [number[], tf.DataType]))));
}

/** Records one dispatch of the program into the backend's command stream. */
export function runProgram(backend: unknown, run: ProgramRun): void {
  const b = webgpuBackend(backend);
  let cache = pipelines.get(b.device);
  if (!cache) pipelines.set(b.device, (cache = new Map()));
  let pipeline = cache.get(run.key);
  if (!pipeline) {
    const module = b.device.createShaderModule({ code: run.source(), label: run.key });
    pipeline = b.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' }, label: run.key });
    cache.set(run.key, pipeline);
  }
  const tensors = [...run.outputs, ...run.inputs];
  for (const t of tensors) b.uploadToGPU(t.dataId);
  const bytes = Math.max(16, Math.ceil((run.uniforms.length * 4) / 16) * 16);
  const data = new ArrayBuffer(bytes);
  const view = new DataView(data);
  run.uniforms.forEach(([type, v], i) => {
    if (type === 'f32') view.setFloat32(i * 4, v, true);
    else if (type === 'i32') view.setInt32(i * 4, v, true);
    else view.setUint32(i * 4, v, true);
  });
  const uniformBuffer = b.bufferManager.acquireBuffer(bytes, UNIFORM | COPY_DST);
  b.queue.writeBuffer(uniformBuffer, 0, data);
  b.uniformPendingDisposal.push(uniformBuffer);
  const entries: GPUBindGroupEntry[] = tensors.map((t, i) => ({ binding: i, resource: { buffer: b.tensorMap.get(t.dataId).resource as GPUBuffer } }));
  entries.push({ binding: tensors.length, resource: { buffer: uniformBuffer, size: bytes } });
  const bindGroup = b.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
  b.ensureCommandEncoderReady();
  b.computePassEncoder ??= b.commandEncoder.beginComputePass({});
  b.computePassEncoder.setPipeline(pipeline);
  b.computePassEncoder.setBindGroup(0, bindGroup);
  const [x, y = 1, z = 1] = run.workgroups;
  b.computePassEncoder.dispatchWorkgroups(x, y, z);
  for (const t of tensors) b.commandQueueOwnedIds.add(t.dataId);
  b.dispatchCountInPass++;
  if (b.dispatchCountInPass >= tf.env().getNumber('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE')) {
    b.endComputePassEncoder();
    b.submitQueue();
  }
}

/** Workgroups needed to cover `n` items `per` at a time. */
export function groups(n: number, per: number): number {
  return Math.max(1, Math.ceil(n / per));
}
