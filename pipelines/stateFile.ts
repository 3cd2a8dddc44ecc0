import { readFile } from 'node:fs/promises';
import type { CoordinatorStep } from '../core/step.js';

/** A coordinator step's state delta: what `checkpointDelta` returned, tagged with the step's index. */
export interface StateFrame {
  step: number;
  delta: Uint8Array;
}

/** The deltas the coordinator steps took since their last call, in step order. */
export function takeStateFrames(steps: CoordinatorStep[]): StateFrame[] {
  const frames: StateFrame[] = [];
  for (let i = 0; i < steps.length; i++) {
    const delta = steps[i]!.checkpointDelta?.();
    if (delta && delta.length > 0) frames.push({ step: i, delta });
  }
  return frames;
}

/**
 * Coordinator state deltas of one shard, one frame per coordinator step per batch:
 * [u32 step index][u32 length][bytes]... Replayed in order on resume.
 */
export function encodeStateFrames(frames: StateFrame[]): Uint8Array {
  const size = frames.reduce((n, f) => n + 8 + f.delta.length, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let off = 0;
  for (const f of frames) {
    view.setUint32(off, f.step, true);
    view.setUint32(off + 4, f.delta.length, true);
    out.set(f.delta, off + 8);
    off += 8 + f.delta.length;
  }
  return out;
}

export async function restoreStateFile(path: string, steps: CoordinatorStep[]): Promise<void> {
  const buf = new Uint8Array(await readFile(path));
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let off = 0;
  while (off < buf.length) {
    const step = view.getUint32(off, true);
    const len = view.getUint32(off + 4, true);
    steps[step]?.restoreDelta?.(buf.subarray(off + 8, off + 8 + len));
    off += 8 + len;
  }
}
