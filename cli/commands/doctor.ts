import type { Command } from '../command.js';
import { parseCommandArgs, switchFlags } from '../args.js';
import { probeAllBackends, resolveBackend } from '../../trainer/backends.js';
import { probeWebgpuAdapters, WEBGPU_ADAPTER_ENV, WEBGPU_ADAPTER_KINDS, type AdapterLookup } from '../../trainer/webgpuDevice.js';

const FLAGS = switchFlags('json');

function adapterLines(kind: string, a: AdapterLookup): string[] {
  if (!a.ok) return [`  ${kind}: none (${a.missing})`];
  const r = a.report;
  const use = kind === 'software' ? ' (used only when asked for: --webgpu-adapter software)' : '';
  const backend = r.backend === 'vulkan' ? 'Vulkan' : 'OpenGL ES';
  return [
    `  ${kind}: ${r.name} on ${backend}${r.software && kind === 'hardware' ? ' [CPU implementation]' : ''}${use}`,
    `    shader-f16: ${r.shaderF16 ? 'yes (--precision f16 runs here)' : 'no (--precision f16 cannot run here)'}`,
    `    features: ${r.features.join(', ') || '(none)'}`,
    `    limits: ${Object.entries(r.limits).map(([k, v]) => `${k} ${v}`).join(', ')}`,
  ];
}

export const command: Command = {
  name: 'doctor',
  summary: 'which trainer backends run here, the WebGPU adapters, their limits and features',
  help: `usage: corpusforge doctor [--json]

Checks each tfjs backend the trainer knows (wasm, cpu, tensorflow, tensorflow-gpu, webgpu): whether it runs
on this machine and, when it does not, why and how to install it. Then the WebGPU adapters Dawn finds: the
hardware one (a GPU through Vulkan) and the software one (Mesa on the CPU, for tests: its Vulkan lavapipe, else
its OpenGL ES device), with shader-f16 (what --precision f16 needs), the optional features and the limits the
trainer's kernels use.
Last, which backend --backend auto picks and why. Adapters are asked for in a child process.

options:
      --json   print {"backends","adapters","auto"} as JSON`,
  async run(argv) {
    const { values: v } = parseCommandArgs('doctor', argv, FLAGS);
    const backends = await probeAllBackends('hardware');
    const adapters = probeWebgpuAdapters(WEBGPU_ADAPTER_KINDS);
    const auto = resolveBackend('auto');
    if (v.json) {
      console.log(JSON.stringify({ backends, adapters: Object.fromEntries(adapters), auto }, null, 2));
      return 0;
    }
    const width = Math.max(...backends.map((b) => b.name.length)) + 2;
    const lines = ['backends:'];
    for (const b of backends) {
      lines.push(`  ${b.name.padEnd(width)}${b.ok ? 'runs' : 'cannot run'}: ${b.detail}; float16: ${b.float16}`);
      if (b.install) lines.push(`  ${' '.repeat(width)}install: ${b.install}`);
    }
    lines.push(`webgpu adapters (--webgpu-adapter, default from $${WEBGPU_ADAPTER_ENV}):`);
    for (const [kind, a] of adapters) lines.push(...adapterLines(kind, a));
    lines.push(`--backend auto picks ${auto.name}: ${auto.why.replace(/^auto: /, '')}`);
    console.log(lines.join('\n'));
    return 0;
  },
};
