#!/bin/sh
# Rebuilds the GEMM kernels next to this script from sgemm.c. Needs clang >= 16 and wasm-ld (Debian:
# apt-get install clang-19 lld-19); only to rebuild: the built .wasm files are committed.
# sgemm.wasm imports a plain memory (tfjs's default wasm build), sgemm-shared.wasm a shared one (the
# threaded build, up to 4 GiB), sgemm-nofma.wasm is the same algorithm with mul + add (bench only).
set -eu
cd "$(dirname "$0")"
CC=${CC:-$(command -v clang-19 || command -v clang-18 || command -v clang-17 || command -v clang-16 || command -v clang)}
FLAGS="--target=wasm32 -msimd128 -mrelaxed-simd -O3 -fno-builtin -nostdlib -fuse-ld=lld -Wl,--no-entry -Wl,--import-memory -Wl,-z,stack-size=0 -Wl,--initial-memory=65536 -Wl,--strip-all"
$CC $FLAGS -o sgemm.wasm sgemm.c
$CC $FLAGS -matomics -mbulk-memory -Wl,--shared-memory -Wl,--max-memory=4294967296 -o sgemm-shared.wasm sgemm.c
$CC $FLAGS -DGEMM_NO_FMA -o sgemm-nofma.wasm sgemm.c
ls -l sgemm*.wasm
