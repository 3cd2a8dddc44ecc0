/*
 * Single-precision GEMM for tfjs-backend-wasm's heap: C[M,N] (+)= A[M,K] B[K,N], any operand strides.
 * A leaf module: no data segment, no stack, no imports but the memory, so it runs directly on the memory of
 * the tfjs wasm module (both its plain and its shared/threaded memory, one build each).
 * Built with WebAssembly relaxed SIMD: f32x4.relaxed_madd is one hardware FMA on x86 with FMA3, where
 * XNNPACK's wasm SIMD build in tfjs 4.22 issues a multiply and an add. -DGEMM_NO_FMA builds the same
 * algorithm with mul + add (for comparison only). Rebuild: npm run build:gemm (scripts/build-gemm.sh).
 *
 * Blocking (GotoBLAS order): B is packed per KC x NC block into NR-wide column panels (the panel stays in
 * L1 across the rows), A per MC x KC block into MR-high row panels (in L2 across the column panels); the
 * 4 x 8 micro-kernel keeps 8 accumulators in registers. Measured in V8 (Node 20, Zen 3): 4x8, 3x12 and
 * 2x16 run at 40-47 GFLOP/s; 6x8, 5x8 and 4x12 at ~21 (V8 runs out of its 15 xmm registers and spills).
 */
#include <wasm_simd128.h>

#define MR 4 /* a multiple of 4 */
#define NR 8 /* a multiple of 4 */
#define KC 256
#define MC 72
#define NC 1024

/* Scratch floats the caller provides: packed B block, packed A block, one edge tile. */
#define SCRATCH_FLOATS (KC * NC + MC * KC + MR * NR)

#ifdef GEMM_NO_FMA
#define MADD(a, b, c) wasm_f32x4_add(wasm_f32x4_mul((a), (b)), (c))
#else
#define MADD(a, b, c) wasm_f32x4_relaxed_madd((a), (b), (c))
#endif

__attribute__((export_name("gemm_scratch_floats"))) int gemm_scratch_floats(void) { return SCRATCH_FLOATS; }

/* Rows r0..r3 (4 floats each) -> columns: out[q * ld + r] = row r [q], for q = 0..3. */
static inline void transpose4(const float *r0, const float *r1, const float *r2, const float *r3, float *out, int ld) {
  v128_t a = wasm_v128_load(r0), b = wasm_v128_load(r1), c = wasm_v128_load(r2), d = wasm_v128_load(r3);
  v128_t ab01 = wasm_i32x4_shuffle(a, b, 0, 4, 1, 5), cd01 = wasm_i32x4_shuffle(c, d, 0, 4, 1, 5);
  v128_t ab23 = wasm_i32x4_shuffle(a, b, 2, 6, 3, 7), cd23 = wasm_i32x4_shuffle(c, d, 2, 6, 3, 7);
  wasm_v128_store(out, wasm_i32x4_shuffle(ab01, cd01, 0, 1, 4, 5));
  wasm_v128_store(out + ld, wasm_i32x4_shuffle(ab01, cd01, 2, 3, 6, 7));
  wasm_v128_store(out + 2 * ld, wasm_i32x4_shuffle(ab23, cd23, 0, 1, 4, 5));
  wasm_v128_store(out + 3 * ld, wasm_i32x4_shuffle(ab23, cd23, 2, 3, 6, 7));
}

/* B[k0.., j0..] block kc x nc -> panels of NR columns, each kc rows of NR floats, zero-padded on the right. */
static void pack_b(const float *b, int sbk, int sbj, int kc, int nc, float *out) {
  for (int j = 0; j < nc; j += NR, out += kc * NR) {
    int w = nc - j < NR ? nc - j : NR;
    const float *src = b + j * sbj;
    if (sbj == 1 && w == NR) {
      for (int k = 0; k < kc; k++) {
        wasm_v128_store(out + k * NR, wasm_v128_load(src + k * sbk));
        wasm_v128_store(out + k * NR + 4, wasm_v128_load(src + k * sbk + 4));
      }
    } else if (sbk == 1 && w == NR) {
      /* B read transposed: each column is contiguous along k; 4 x 4 blocks turned with shuffles. */
      int k = 0;
      for (; k + 4 <= kc; k += 4)
        for (int c = 0; c < NR; c += 4)
          transpose4(src + c * sbj + k, src + (c + 1) * sbj + k, src + (c + 2) * sbj + k, src + (c + 3) * sbj + k, out + k * NR + c, NR);
      for (; k < kc; k++)
        for (int c = 0; c < NR; c++) out[k * NR + c] = src[c * sbj + k];
    } else {
      for (int c = 0; c < NR; c++)
        for (int k = 0; k < kc; k++) out[k * NR + c] = c < w ? src[c * sbj + k * sbk] : 0.0f;
    }
  }
}

/* A[i0.., k0..] block mc x kc -> panels of MR rows, each kc columns of MR floats, zero-padded below. */
static void pack_a(const float *a, int sai, int sak, int mc, int kc, float *out) {
  for (int i = 0; i < mc; i += MR, out += kc * MR) {
    int h = mc - i < MR ? mc - i : MR;
    const float *src = a + i * sai;
    if (sai == 1 && h == MR) {
      /* A read transposed: each column's MR rows are contiguous. */
      for (int k = 0; k < kc; k++)
        for (int v = 0; v < MR; v += 4) wasm_v128_store(out + k * MR + v, wasm_v128_load(src + k * sak + v));
    } else if (sak == 1 && h == MR) {
      /* A row-major: 4 x 4 blocks turned with shuffles. */
      int k = 0;
      for (; k + 4 <= kc; k += 4)
        for (int r = 0; r < MR; r += 4)
          transpose4(src + r * sai + k, src + (r + 1) * sai + k, src + (r + 2) * sai + k, src + (r + 3) * sai + k, out + k * MR + r, MR);
      for (; k < kc; k++)
        for (int r = 0; r < MR; r++) out[k * MR + r] = src[r * sai + k];
    } else {
      for (int r = 0; r < MR; r++)
        for (int k = 0; k < kc; k++) out[k * MR + r] = r < h ? src[r * sai + k * sak] : 0.0f;
    }
  }
}

/* c[MR x NR] (row stride ldc) = (accumulate ? c : 0) + a-panel x b-panel over kc. */
static inline void micro(int kc, const float *a, const float *b, float *c, int ldc, int accumulate) {
  v128_t acc[MR][2];
  for (int r = 0; r < MR; r++) {
    if (accumulate) {
      acc[r][0] = wasm_v128_load(c + r * ldc);
      acc[r][1] = wasm_v128_load(c + r * ldc + 4);
    } else {
      acc[r][0] = wasm_f32x4_splat(0.0f);
      acc[r][1] = wasm_f32x4_splat(0.0f);
    }
  }
  for (int k = 0; k < kc; k++, a += MR, b += NR) {
    v128_t b0 = wasm_v128_load(b);
    v128_t b1 = wasm_v128_load(b + 4);
#pragma unroll
    for (int r = 0; r < MR; r++) {
      v128_t ar = wasm_v128_load32_splat(a + r);
      acc[r][0] = MADD(ar, b0, acc[r][0]);
      acc[r][1] = MADD(ar, b1, acc[r][1]);
    }
  }
  for (int r = 0; r < MR; r++) {
    wasm_v128_store(c + r * ldc, acc[r][0]);
    wasm_v128_store(c + r * ldc + 4, acc[r][1]);
  }
}

/*
 * C = A B (accumulate = 0) or C += A B (accumulate = 1). Element (i, k) of A is a[i*sai + k*sak], (k, j) of
 * B is b[k*sbk + j*sbj], (i, j) of C is c[i*ldc + j]; so a transposed operand is just other strides.
 * scratch: gemm_scratch_floats() floats, 16-byte aligned, not overlapping the operands.
 */
__attribute__((export_name("gemm")))
void gemm(int m, int n, int k, const float *a, int sai, int sak, const float *b, int sbk, int sbj,
          float *c, int ldc, int accumulate, float *scratch) {
  float *pb = scratch, *pa = scratch + KC * NC, *tile = pa + MC * KC;
  if (k == 0 && !accumulate) {
    for (int i = 0; i < m; i++)
      for (int j = 0; j < n; j++) c[i * ldc + j] = 0.0f;
    return;
  }
  for (int j0 = 0; j0 < n; j0 += NC) {
    int nc = n - j0 < NC ? n - j0 : NC;
    for (int k0 = 0; k0 < k; k0 += KC) {
      int kc = k - k0 < KC ? k - k0 : KC;
      int acc = accumulate || k0 > 0;
      pack_b(b + k0 * sbk + j0 * sbj, sbk, sbj, kc, nc, pb);
      for (int i0 = 0; i0 < m; i0 += MC) {
        int mc = m - i0 < MC ? m - i0 : MC;
        pack_a(a + i0 * sai + k0 * sak, sai, sak, mc, kc, pa);
        for (int j = 0; j < nc; j += NR) {
          const float *bp = pb + j * kc;
          int w = nc - j < NR ? nc - j : NR;
          for (int i = 0; i < mc; i += MR) {
            const float *ap = pa + i * kc;
            int h = mc - i < MR ? mc - i : MR;
            float *cij = c + (i0 + i) * ldc + j0 + j;
            if (h == MR && w == NR) {
              micro(kc, ap, bp, cij, ldc, acc);
            } else {
              micro(kc, ap, bp, tile, NR, 0);
              for (int r = 0; r < h; r++)
                for (int q = 0; q < w; q++) cij[r * ldc + q] = (acc ? cij[r * ldc + q] : 0.0f) + tile[r * NR + q];
            }
          }
        }
      }
    }
  }
}
