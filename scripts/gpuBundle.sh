#!/usr/bin/env bash
# Packs bench/train.ts for a bare, offline GPU machine (no Node, no npm registry, a small upload): one
# gpu-bundle.tar.xz holding this Node binary, the bench bundled with esbuild, the files the trainer reads
# beside its modules (the WebGPU probe, the GEMM .wasm kernels, train_torch.py), the packages it loads at run
# time (webgpu's linux-x64 dawn.node, tfjs-backend-wasm's .wasm files) and Debian's Vulkan loader. On the GPU
# machine:
#   tar xJf gpu-bundle.tar.xz && gpu-bundle/run.sh --backend webgpu,wasm --preset small
#   gpu-bundle/run.sh matmul --preset small          # the products alone: tfjs's shaders vs the tiled kernel
#   gpu-bundle/run.sh test                           # the webgpu kernel and f16 tests on the GPU
# run.sh points Vulkan at NVIDIA's EGL ICD when the machine has it (headless containers: the driver's default
# ICD names the GLX library, which fails without a display; docs/trainer.md) and passes its arguments to the bench.
# Usage: bash scripts/gpuBundle.sh [OUT_DIR]   (default .bench-tmp/, which git ignores)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-.bench-tmp}"
B="$OUT/gpu-bundle"
rm -rf "$B" "$OUT/gpu-bundle.tar.xz"
mkdir -p "$B/trainer/kernels" "$B/lib" "$B/node_modules/webgpu/dist/linux-x64" "$B/node_modules/@tensorflow/tfjs-backend-wasm/dist" \
  "$B/node_modules/parquet-wasm/node" "$B/node_modules/apache-arrow"

# The bench and everything it imports in one ES module (with the require and __dirname that CommonJS parts
# such as tfjs-backend-wasm's emscripten glue expect), at trainer/ so that the trainer's files it reads by
# `new URL(..., import.meta.url)` (./webgpuProbe.mjs, ./kernels/*.wasm) resolve beside it. webgpu and
# parquet-wasm stay external: they load dawn.node and their .wasm by paths of their own.
# Also the webgpu kernel and f16 tests (node:test files), which `run.sh test` runs on the GPU.
for entry in bench/train bench/webgpuMatmul tests/webgpu-kernels.test tests/webgpu-f16.test; do
node_modules/.bin/esbuild "$entry.ts" --bundle --platform=node --format=esm --outfile="$B/trainer/$(echo "$entry" | tr / -).mjs" \
  --external:webgpu --external:parquet-wasm --external:@tensorflow/tfjs-node --external:@tensorflow/tfjs-node-gpu --log-level=warning \
  --banner:js="import { createRequire as __cfRequire } from 'node:module'; import { fileURLToPath as __cfPath } from 'node:url'; import { dirname as __cfDir } from 'node:path'; const require = __cfRequire(import.meta.url); const __filename = __cfPath(import.meta.url); const __dirname = __cfDir(__filename);"
done
cp trainer/webgpuProbe.mjs trainer/webgpuAdapterRequest.mjs "$B/trainer/"
cp trainer/kernels/*.wasm "$B/trainer/kernels/"
cp bench/train_torch.py "$B/trainer/"
cp node_modules/webgpu/package.json node_modules/webgpu/index.js node_modules/webgpu/LICENSE.md "$B/node_modules/webgpu/"
cp node_modules/webgpu/dist/linux-x64/dawn.node "$B/node_modules/webgpu/dist/linux-x64/"
# Loaded with require() at run time (datasets/arrowBundle.ts): Arrow's self-contained UMD build.
cp node_modules/apache-arrow/package.json node_modules/apache-arrow/Arrow.esnext.min.js "$B/node_modules/apache-arrow/"
P=node_modules/parquet-wasm
cp "$P/package.json" "$B/$P/"
cp "$P/node/package.json" "$P/node/parquet_wasm.js" "$P/node/parquet_wasm_bg.wasm" "$B/$P/node/"
# Bundled, but looked up with require.resolve to say whether the backend is installed: package.json and main file.
G=node_modules/@tensorflow/tfjs-backend-webgpu
mkdir -p "$B/$G/dist"
cp "$G/package.json" "$B/$G/"
cp "$G/dist/tf-backend-webgpu.node.js" "$B/$G/dist/"
W=node_modules/@tensorflow/tfjs-backend-wasm
cp "$W/package.json" "$B/$W/"
cp "$W"/dist/*.wasm "$W/dist/tf-backend-wasm.node.js" "$B/$W/dist/"
[ -d "$W/wasm-out" ] && cp -r "$W/wasm-out" "$B/$W/"
cp -L /usr/lib/x86_64-linux-gnu/libvulkan.so.1 "$B/lib/" 2>/dev/null || echo "gpuBundle: no libvulkan.so.1 here (Debian: libvulkan1); the GPU machine must have one"
cp "$(command -v node)" "$B/node"

cat > "$B/run.sh" <<'EOF'
#!/usr/bin/env bash
# Runs the bundled bench/train.ts, bench/webgpuMatmul.ts when the first argument is `matmul`, or the webgpu
# kernel and f16 tests on the GPU with `test` (see scripts/gpuBundle.sh); other arguments go to the bench.
set -euo pipefail
D="$(cd "$(dirname "$0")" && pwd)"
export LD_LIBRARY_PATH="$D/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
if [ -z "${VK_ICD_FILENAMES:-}" ] && ls /usr/lib/x86_64-linux-gnu/libEGL_nvidia.so.0 /usr/lib64/libEGL_nvidia.so.0 >/dev/null 2>&1; then
  printf '{"file_format_version":"1.0.0","ICD":{"library_path":"libEGL_nvidia.so.0","api_version":"1.3"}}\n' > "$D/nvidia_egl_icd.json"
  export VK_ICD_FILENAMES="$D/nvidia_egl_icd.json"
fi
cd "$D/trainer"
if [ "${1:-}" = test ]; then
  # The kernel and f16 tests on the GPU (they run on Mesa's software device in CI).
  CORPUSFORGE_TEST_WEBGPU_ADAPTER=hardware CORPUSFORGE_REQUIRE_WEBGPU=1 CORPUSFORGE_REQUIRE_WEBGPU_F16="${CORPUSFORGE_REQUIRE_WEBGPU_F16:-0}" \
    exec "$D/node" --test tests-webgpu-kernels.test.mjs tests-webgpu-f16.test.mjs
fi
ENTRY=bench-train.mjs
if [ "${1:-}" = matmul ]; then ENTRY=bench-webgpuMatmul.mjs; shift; fi
CF_BENCH_BUNDLED=1 exec "$D/node" "$ENTRY" "$@"
EOF
chmod +x "$B/run.sh"
# -1: the Node binary dominates; higher levels save a few MB for minutes of CPU.
XZ_OPT="-1 -T0" tar -C "$OUT" -cJf "$OUT/gpu-bundle.tar.xz" gpu-bundle
echo "gpuBundle: $OUT/gpu-bundle.tar.xz ($(du -m "$OUT/gpu-bundle.tar.xz" | cut -f1) MB)"
