// How each WebGPU adapter kind is asked of Dawn, shared by the trainer's device (webgpuDevice.ts) and the
// child-process probe (webgpuProbe.mjs) so that both open the same adapter. Plain JavaScript: the probe starts
// without a TypeScript loader.
//
// - hardware: Dawn's default backend (Vulkan on Linux), high-performance adapter.
// - software, tried in order:
//   1. Mesa's Vulkan lavapipe (Mesa >= 25 measured; Debian 12: mesa-vulkan-drivers from bookworm-backports):
//      the backend a GPU runs on Linux, at the core feature level, with shader-f16;
//   2. Mesa's OpenGL ES llvmpipe through EGL without a display (Debian 12's own Mesa 22.3, whose lavapipe Dawn
//      refuses): compatibility feature level, no shader-f16.

/** A CPU implementation, whatever Dawn's backend calls it. */
const SOFTWARE_NAMES = /llvmpipe|lavapipe|softpipe|swiftshader/i;

// Each route's requests are tried in order. Dawn 0.6.2 answers a first `forceFallbackAdapter` request of an
// instance with no adapter (measured: adapters are found by a plain request first), so the software Vulkan route
// asks plainly (lavapipe alone) and then for the fallback (lavapipe beside a GPU).
export const ROUTES = {
  hardware: [{ backend: 'vulkan', flags: [], requests: [{ powerPreference: 'high-performance' }] }],
  software: [
    { backend: 'vulkan', flags: [], requests: [{}, { forceFallbackAdapter: true }] },
    { backend: 'opengles', flags: ['backend=opengles'], requests: [{ featureLevel: 'compatibility' }] },
  ],
};

/** Environment variable restricting the software adapter to one of Dawn's backends: vulkan or opengles. */
export const SOFTWARE_BACKEND_ENV = 'CORPUSFORGE_WEBGPU_SOFTWARE_BACKEND';

const instances = new Map();

/** True when an adapter (its GPUAdapterInfo, or the probe's copy of it) runs on the CPU. */
export function isSoftwareInfo(i) {
  return i.isFallbackAdapter === true || SOFTWARE_NAMES.test(`${i.device ?? ''} ${i.description ?? ''}`);
}

/**
 * The first adapter of `kind`'s routes, as { adapter, gpu, route }, or null. A software route counts only when
 * its adapter runs on the CPU (so a GPU is never taken for the software adapter). `backend` (what a probe found,
 * or $CORPUSFORGE_WEBGPU_SOFTWARE_BACKEND for the software adapter) tries that route alone.
 */
export async function requestAdapter(dawn, kind, backend = kind === 'software' ? process.env[SOFTWARE_BACKEND_ENV] || undefined : undefined) {
  for (const route of ROUTES[kind]) {
    if (backend !== undefined && route.backend !== backend) continue;
    // Without a display EGL fails to initialise unless asked for its surfaceless platform (Mesa).
    if (route.backend === 'opengles') process.env.EGL_PLATFORM ||= 'surfaceless';
    const key = route.flags.join(' ');
    let gpu = instances.get(key);
    if (!gpu) instances.set(key, (gpu = dawn.create(route.flags)));
    for (const options of route.requests) {
      const adapter = await gpu.requestAdapter(options);
      if (adapter && (kind === 'hardware' || isSoftwareInfo(adapter.info))) return { adapter, gpu, route };
    }
  }
  return null;
}
