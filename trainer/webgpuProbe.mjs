// Asks Dawn (npm `webgpu`) for the adapters named on the command line ('hardware', 'software') and prints one
// JSON line: { kind: { backend, info, features, limits } | null | { error } }. Run as a child process by
// trainer/webgpuDevice.ts so that Dawn's own stderr warnings (e.g. "Couldn't load Vulkan") and a crashing
// driver stay out of the caller's process; plain JavaScript so that it starts without a TypeScript loader.
import { requestAdapter } from './webgpuAdapterRequest.mjs';

const LIMITS = process.env.CF_WEBGPU_LIMITS ? process.env.CF_WEBGPU_LIMITS.split(',') : [];
const out = {};
let dawn;
try {
  dawn = await import('webgpu');
} catch (e) {
  for (const kind of process.argv.slice(2)) out[kind] = { error: `dawn.node does not load: ${String(e?.message ?? e).split('\n')[0]}` };
  console.log(JSON.stringify(out));
  process.exit(0);
}
for (const kind of process.argv.slice(2)) {
  try {
    const found = await requestAdapter(dawn, kind);
    if (!found) {
      out[kind] = null;
      continue;
    }
    const { adapter, route } = found;
    const i = adapter.info;
    const limits = {};
    for (const k of LIMITS) limits[k] = Number(adapter.limits[k]);
    out[kind] = {
      backend: route.backend,
      info: { vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description, isFallbackAdapter: i.isFallbackAdapter === true },
      features: [...adapter.features].sort(),
      limits,
    };
  } catch (e) {
    out[kind] = { error: String(e?.message ?? e).split('\n')[0] };
  }
}
console.log(JSON.stringify(out));
// Dawn keeps its instance alive; nothing else is left to do.
process.exit(0);
