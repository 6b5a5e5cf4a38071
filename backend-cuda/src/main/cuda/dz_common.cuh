// Dayzero CUDA backend: the few device primitives every kernel shares, in one place so that the same kernel source
// also builds for the host-side emulator used by the tests (src/test/native/cuda_emu, macro DZ_EMULATION), which
// runs each CUDA thread as a fiber and implements exactly these primitives. Kernels use only: static __shared__
// arrays, DZ_DYNAMIC_SMEM, __syncthreads, __syncwarp, __shfl_sync / __shfl_xor_sync / __shfl_down_sync,
// atomicAdd / atomicMax on global memory, the cuda_bf16.h / cuda_fp8.h conversions, and dz_mma_bf16_16816 with the
// fragment helpers below (no other inline PTX, no ldmatrix, cp.async, wgmma or TMA).
//
// Tensor cores: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 (sm_80 and newer), D[16x8] += A[16x16] B[16x8].
// Fragment layout (PTX ISA, "Matrix Fragments for mma.m16n8k16 with floating point type"), g = lane / 4,
// t = lane % 4, the lower-indexed element in the low 16 bits of each 32-bit register:
//   A: a[0] = A[g][2t..2t+1]   a[1] = A[g+8][2t..2t+1]   a[2] = A[g][2t+8..2t+9]   a[3] = A[g+8][2t+8..2t+9]
//   B: b[0] = B[2t..2t+1][g]   b[1] = B[2t+8..2t+9][g]
//   C: c[0..1] = C[g][2t..2t+1]   c[2..3] = C[g+8][2t..2t+1]
#pragma once
#include <cuda_bf16.h>
#include <stdint.h>

// Every extern "C" kernel of a .cu file is named once, after its definition, with DZ_REGISTER_KERNEL(name): nothing
// on the device; in the emulator build it registers the kernel under its name for cuModuleGetFunction.
#ifdef DZ_EMULATION
#define DZ_REGISTER_KERNEL(name) static dz_emu::Registrar dz_registrar_##name(#name, &name);
#else
#define DZ_REGISTER_KERNEL(name)
#endif

#ifdef DZ_EMULATION
#define DZ_DYNAMIC_SMEM(T, name) T* name = reinterpret_cast<T*>(dz_emu::dynamic_smem())
#else
#define DZ_DYNAMIC_SMEM(T, name)                                   \
    extern __shared__ __align__(16) unsigned char dz_dyn_smem_[]; \
    T* name = reinterpret_cast<T*>(dz_dyn_smem_)
#endif

// The lane of the calling thread (warps are consecutive linear thread ids, x fastest).
__device__ __forceinline__ int dz_lane() {
    return (int)((threadIdx.x + threadIdx.y * blockDim.x + threadIdx.z * blockDim.x * blockDim.y) & 31u);
}

// d += A·B on tensor cores, one warp (all 32 lanes must call it together).
__device__ __forceinline__ void dz_mma_bf16_16816(float (&d)[4], const uint32_t (&a)[4], const uint32_t (&b)[2]) {
#ifdef DZ_EMULATION
    dz_emu::mma_bf16_16816(d, a, b);
#else
    asm volatile(
        "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
#endif
}

// Two BF16 values (round to nearest even) in one register, lo in the low half.
__device__ __forceinline__ uint32_t dz_pack_bf16(float lo, float hi) {
    const __nv_bfloat16 l = __float2bfloat16_rn(lo);
    const __nv_bfloat16 h = __float2bfloat16_rn(hi);
    const uint32_t lb = *reinterpret_cast<const unsigned short*>(&l);
    const uint32_t hb = *reinterpret_cast<const unsigned short*>(&h);
    return lb | (hb << 16);
}

__device__ __forceinline__ uint32_t dz_pack_bf16_raw(__nv_bfloat16 lo, __nv_bfloat16 hi) {
    const uint32_t lb = *reinterpret_cast<const unsigned short*>(&lo);
    const uint32_t hb = *reinterpret_cast<const unsigned short*>(&hi);
    return lb | (hb << 16);
}

// A fragment of the 16x16 tile at s, row-major with leading dimension ld (even; s 4-byte aligned).
__device__ __forceinline__ void dz_frag_a(const __nv_bfloat16* s, int ld, uint32_t (&a)[4]) {
    const int lane = dz_lane();
    const int g = lane >> 2;
    const int t = lane & 3;
    a[0] = *reinterpret_cast<const uint32_t*>(s + g * ld + 2 * t);
    a[1] = *reinterpret_cast<const uint32_t*>(s + (g + 8) * ld + 2 * t);
    a[2] = *reinterpret_cast<const uint32_t*>(s + g * ld + 2 * t + 8);
    a[3] = *reinterpret_cast<const uint32_t*>(s + (g + 8) * ld + 2 * t + 8);
}

// B fragment of the 16(k) x 8(n) tile stored n-major: B[k][n] = s[n * ld + k] (rows of W, or keys, as stored).
__device__ __forceinline__ void dz_frag_b_nk(const __nv_bfloat16* s, int ld, uint32_t (&b)[2]) {
    const int lane = dz_lane();
    const int g = lane >> 2;
    const int t = lane & 3;
    b[0] = *reinterpret_cast<const uint32_t*>(s + g * ld + 2 * t);
    b[1] = *reinterpret_cast<const uint32_t*>(s + g * ld + 2 * t + 8);
}

// B fragment of the 16(k) x 8(n) tile stored k-major: B[k][n] = s[k * ld + n] (values V[token][d] in P·V).
__device__ __forceinline__ void dz_frag_b_kn(const __nv_bfloat16* s, int ld, uint32_t (&b)[2]) {
    const int lane = dz_lane();
    const int g = lane >> 2;
    const int t = lane & 3;
    b[0] = dz_pack_bf16_raw(s[(2 * t) * ld + g], s[(2 * t + 1) * ld + g]);
    b[1] = dz_pack_bf16_raw(s[(2 * t + 8) * ld + g], s[(2 * t + 9) * ld + g]);
}

// Row and column inside the 16x8 C tile of this lane's accumulator element i (0..3).
__device__ __forceinline__ int dz_c_row(int i) {
    return (dz_lane() >> 2) + (i >= 2 ? 8 : 0);
}
__device__ __forceinline__ int dz_c_col(int i) {
    return (dz_lane() & 3) * 2 + (i & 1);
}

// Vector words for 16-, 8-byte loads and stores, shared by the MLA and indexer kernels.
struct alignas(16) V4 {
    uint32_t x, y, z, w;
};
struct alignas(8) V2 {
    uint32_t x, y;
};
struct alignas(8) F2 {
    float x, y;
};

__device__ __forceinline__ float neg_inf() {
    return -__builtin_huge_valf();
}

// F32 to BF16 bits (round to nearest even), in the low half of the word.
__device__ __forceinline__ uint32_t bf16_bits(float v) {
    const __nv_bfloat16 h = __float2bfloat16_rn(v);
    return *reinterpret_cast<const unsigned short*>(&h);
}
