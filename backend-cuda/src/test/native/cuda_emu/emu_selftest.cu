// Kernels that exist only in the emulator build, for CudaEmulatorTest: the tensor-core fragment helpers against a
// plain product, warp shuffles, a deadlock and an out-of-bounds write the emulator must report.
#include "dz_common.cuh"

// c[16x8] = a[16x16] · b, with b given n-major (bnk[n][k]) for the first product and k-major (bkn[k][n]) for the
// second (written to c + 128). One warp.
extern "C" __global__ void dz_emu_test_mma(const __nv_bfloat16* a, const __nv_bfloat16* bnk, const __nv_bfloat16* bkn,
                                           float* c) {
    uint32_t af[4];
    uint32_t bf[2];
    dz_frag_a(a, 16, af);
    float d[4] = {0.0f, 0.0f, 0.0f, 0.0f};
    dz_frag_b_nk(bnk, 16, bf);
    dz_mma_bf16_16816(d, af, bf);
    float e[4] = {0.0f, 0.0f, 0.0f, 0.0f};
    dz_frag_b_kn(bkn, 8, bf);
    dz_mma_bf16_16816(e, af, bf);
    for (int i = 0; i < 4; i++) {
        c[dz_c_row(i) * 8 + dz_c_col(i)] = d[i];
        c[128 + dz_c_row(i) * 8 + dz_c_col(i)] = e[i];
    }
}
DZ_REGISTER_KERNEL(dz_emu_test_mma)

// out[3 * i + 0..2] = xor-1 partner, down-3 neighbour, lane 5's value; i over 64 threads (two warps).
extern "C" __global__ void dz_emu_test_shfl(int* out) {
    const int i = threadIdx.x;
    const int v = 1000 + i;
    out[3 * i + 0] = __shfl_xor_sync(0xffffffffu, v, 1);
    out[3 * i + 1] = __shfl_down_sync(0xffffffffu, v, 3);
    out[3 * i + 2] = __shfl_sync(0xffffffffu, v, 5);
}
DZ_REGISTER_KERNEL(dz_emu_test_shfl)

// Half the warp at __syncthreads, half at __syncwarp: can never complete.
extern "C" __global__ void dz_emu_test_deadlock(int* out) {
    if (threadIdx.x < 16) {
        __syncthreads();
    } else {
        __syncwarp();
    }
    out[threadIdx.x] = 1;
}
DZ_REGISTER_KERNEL(dz_emu_test_deadlock)

// Writes p[0 .. n] inclusive: one element past the end.
extern "C" __global__ void dz_emu_test_oob(float* p, int n) {
    if (threadIdx.x == 0) {
        for (int i = 0; i <= n; i++) {
            p[i] = 1.0f;
        }
    }
}
DZ_REGISTER_KERNEL(dz_emu_test_oob)
