// The webgpu backend for tests: on Mesa's software device (trainer/webgpuDevice.ts: Vulkan lavapipe, else OpenGL
// ES), so that the WebGPU code path runs on a machine without a GPU; on the GPU where
// CORPUSFORGE_TEST_WEBGPU_ADAPTER=hardware (the GPU bundle's `run.sh test`, scripts/gpuBundle.sh). Without the
// device (Debian: libegl1 libgles2 libegl-mesa0, or mesa-vulkan-drivers 25) the tests skip with the reason,
// unless CORPUSFORGE_REQUIRE_WEBGPU=1 (set by .ci/run once it installed the packages): then they fail.
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { useBackend, type Precision } from '../../trainer/backends.js';
import { probeWebgpuAdapters, takeWebgpuErrors, type WebgpuAdapterKind } from '../../trainer/webgpuDevice.js';

/** The adapter the webgpu tests run on. */
export const TEST_WEBGPU_ADAPTER: WebgpuAdapterKind = process.env.CORPUSFORGE_TEST_WEBGPU_ADAPTER === 'hardware' ? 'hardware' : 'software';

/** True when the test adapter is there; otherwise skips `t` (or fails it where it is required). */
export function testWebgpuOr(t: TestContext): boolean {
  const found = probeWebgpuAdapters([TEST_WEBGPU_ADAPTER]).get(TEST_WEBGPU_ADAPTER)!;
  if (found.ok) return true;
  const why = `webgpu tests need the ${TEST_WEBGPU_ADAPTER} WebGPU adapter: ${found.missing}`;
  if (process.env.CORPUSFORGE_REQUIRE_WEBGPU === '1') assert.fail(`${why} (CORPUSFORGE_REQUIRE_WEBGPU=1)`);
  t.skip(why);
  return false;
}

/**
 * True when the test adapter offers shader-f16 (in software: Mesa 25's Vulkan lavapipe); otherwise skips `t`,
 * or fails it where CORPUSFORGE_REQUIRE_WEBGPU_F16=1 (set by .ci/run once it installed that Mesa).
 */
export function testWebgpuF16Or(t: TestContext): boolean {
  if (!testWebgpuOr(t)) return false;
  const found = probeWebgpuAdapters([TEST_WEBGPU_ADAPTER]).get(TEST_WEBGPU_ADAPTER)!;
  if (found.ok && found.report.shaderF16) return true;
  const why = `f16 tests need a WebGPU adapter with shader-f16 (in software: Mesa 25's Vulkan lavapipe); ${found.ok ? found.report.name : ''} has none`;
  if (process.env.CORPUSFORGE_REQUIRE_WEBGPU_F16 === '1') assert.fail(`${why} (CORPUSFORGE_REQUIRE_WEBGPU_F16=1)`);
  t.skip(why);
  return false;
}

/** Switches to the webgpu backend on the test adapter. */
export async function useTestWebgpu(precision: Precision = 'f32'): Promise<void> {
  await useBackend('webgpu', { webgpuAdapter: TEST_WEBGPU_ADAPTER, precision });
}

/** Fails when the device reported an error (an invalid pipeline computes garbage without throwing). */
export function assertNoDeviceErrors(): void {
  assert.deepEqual(takeWebgpuErrors(), [], 'the WebGPU device reported errors');
}

/** Max |a - b| over two arrays of the same length. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Max |a| of an array (the scale a tolerance is relative to). */
export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}
