import { readFile } from 'node:fs/promises';
import type { CoordinatorStep } from '../core/step.js';

/**
 * Coordinator state deltas of one shard, one frame per coordinator step per batch:
 * [u32 step index][u32 length][bytes]... Replayed in order on resume.
 */
export function encodeStateFrames(frames: { step: number; delta: Uint8Array }[]): Uint8Array {
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
