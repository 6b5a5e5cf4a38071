// Dayzero CUDA emulator: the device side of CUDA C, for the host. Force-included (g++ -include cuda_emu.h) before
// each kernel source of src/main/cuda, so that the very same kernels run inside the test double libcuda.so.1
// (fake_cuda.cpp) on a machine without a GPU. Each CUDA thread of a block is a fiber (emu_runtime.cpp); blocks run
// one after another on the calling OS thread. What kernels may use is what dz_common.cuh lists; anything else
// fails to compile here, which is the point.
//
// Semantics kept: __syncthreads is a barrier of the block's live threads; __syncwarp and the shuffles are barriers
// of the warp's live threads (lanes = consecutive linear thread ids); a barrier that can never complete (threads
// waiting at different barriers) is reported as a deadlock and fails the launch. Static __shared__ variables are
// function statics (one block runs at a time); dynamic shared memory is poisoned (0xFF bytes: NaN for floats and
// BF16) at every block start. The tensor-core mma follows the PTX ISA fragment layout exactly and multiplies in
// F32. Not emulated: timing, memory ordering between threads other than at barriers, bank conflicts.
#pragma once
#define DZ_EMULATION 1

#include <cuda_bf16.h>
#include <cuda_fp8.h>
#include <vector_types.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>

#undef __global__
#undef __device__
#undef __host__
#undef __shared__
#undef __constant__
#undef __forceinline__
#undef __noinline__
#undef __launch_bounds__
#define __global__
#define __device__
#define __host__
#define __shared__ static
#define __constant__ static const
#define __forceinline__ inline
#define __noinline__
#define __launch_bounds__(...)

namespace dz_emu {

// The running thread's coordinates; set by the scheduler on every switch.
struct ThreadState {
    uint3 tid;
    int linear;
    int warp;
    int lane;
};
extern ThreadState* current;
extern uint3 block_idx;
extern dim3 block_dim;
extern dim3 grid_dim;

void syncthreads();
void syncwarp();
void* dynamic_smem();
// Exchanges 8 bytes per lane through the warp: returns what lane src wrote (own value when src is not live).
uint64_t warp_exchange(uint64_t mine, int src);
void mma_bf16_16816(float (&d)[4], const uint32_t (&a)[4], const uint32_t (&b)[2]);

typedef void (*Invoker)(void* fn, void** params);
void register_kernel(const char* name, void* fn, Invoker invoker, int params);

template <typename... A, std::size_t... I>
void invoke_indexed(void (*f)(A...), void** params, std::index_sequence<I...>) {
    f(*reinterpret_cast<typename std::remove_reference<A>::type*>(params[I])...);
}

template <typename... A>
void invoke(void* fn, void** params) {
    invoke_indexed(reinterpret_cast<void (*)(A...)>(fn), params, std::index_sequence_for<A...>{});
}

// Registers kernel `name` with an invoker that unpacks cuLaunchKernel's void** kernelParams by the kernel's own
// parameter types (each argument read from the slot its pointer points at, as the driver does).
struct Registrar {
    template <typename... A>
    Registrar(const char* name, void (*f)(A...)) {
        register_kernel(name, reinterpret_cast<void*>(f), &invoke<A...>, (int)sizeof...(A));
    }
};

template <typename T>
inline T shfl(T v, int src) {
    static_assert(sizeof(T) <= 8, "shuffle of more than 8 bytes");
    uint64_t bits = 0;
    std::memcpy(&bits, &v, sizeof(T));
    uint64_t got = warp_exchange(bits, src);
    T r;
    std::memcpy(&r, &got, sizeof(T));
    return r;
}

}  // namespace dz_emu

#define threadIdx (dz_emu::current->tid)
#define blockIdx (dz_emu::block_idx)
#define blockDim (dz_emu::block_dim)
#define gridDim (dz_emu::grid_dim)
#define warpSize 32

inline void __syncthreads() { dz_emu::syncthreads(); }
inline void __syncwarp(unsigned = 0xffffffffu) { dz_emu::syncwarp(); }
inline void __threadfence() {}
inline void __threadfence_block() {}

template <typename T>
inline T __shfl_sync(unsigned, T v, int src, int width = 32) {
    const int lane = dz_emu::current->lane;
    return dz_emu::shfl(v, (lane & ~(width - 1)) | (src & (width - 1)));
}
template <typename T>
inline T __shfl_xor_sync(unsigned, T v, int mask, int width = 32) {
    const int lane = dz_emu::current->lane;
    int src = lane ^ mask;
    if ((src & ~(width - 1)) != (lane & ~(width - 1))) {
        src = lane;
    }
    return dz_emu::shfl(v, src);
}
template <typename T>
inline T __shfl_down_sync(unsigned, T v, unsigned delta, int width = 32) {
    const int lane = dz_emu::current->lane;
    int src = lane + (int)delta;
    if ((src & ~(width - 1)) != (lane & ~(width - 1))) {
        src = lane;
    }
    return dz_emu::shfl(v, src);
}
template <typename T>
inline T __shfl_up_sync(unsigned, T v, unsigned delta, int width = 32) {
    const int lane = dz_emu::current->lane;
    int src = lane - (int)delta;
    if (src < (lane & ~(width - 1))) {
        src = lane;
    }
    return dz_emu::shfl(v, src);
}

// Fibers switch only at barriers, so read-modify-write is atomic here.
template <typename T>
inline T atomicAdd(T* p, T v) {
    T old = *p;
    *p = old + v;
    return old;
}
template <typename T>
inline T atomicMax(T* p, T v) {
    T old = *p;
    *p = old > v ? old : v;
    return old;
}
template <typename T>
inline T atomicMin(T* p, T v) {
    T old = *p;
    *p = old < v ? old : v;
    return old;
}
template <typename T>
inline T atomicExch(T* p, T v) {
    T old = *p;
    *p = v;
    return old;
}
template <typename T>
inline T atomicCAS(T* p, T compare, T v) {
    T old = *p;
    if (old == compare) {
        *p = v;
    }
    return old;
}

template <typename T>
inline T __ldg(const T* p) { return *p; }

inline float __int_as_float(int v) { float f; std::memcpy(&f, &v, 4); return f; }
inline int __float_as_int(float v) { int i; std::memcpy(&i, &v, 4); return i; }
inline float __uint_as_float(unsigned v) { float f; std::memcpy(&f, &v, 4); return f; }
inline unsigned __float_as_uint(float v) { unsigned i; std::memcpy(&i, &v, 4); return i; }
inline float __fdiv_rn(float a, float b) { return a / b; }
inline float __fmul_rn(float a, float b) { return a * b; }
inline float __fadd_rn(float a, float b) { return a + b; }
inline float __fsub_rn(float a, float b) { return a - b; }
inline float __fmaf_rn(float a, float b, float c) { return std::fma(a, b, c); }
inline float __frcp_rn(float a) { return 1.0f / a; }
inline float __fdividef(float a, float b) { return a / b; }
inline float __expf(float a) { return std::exp(a); }
inline float __exp2f(float a) { return std::exp2(a); }
inline float __logf(float a) { return std::log(a); }
inline float rsqrtf(float a) { return 1.0f / std::sqrt(a); }
inline float __saturatef(float a) { return a < 0.0f ? 0.0f : (a > 1.0f ? 1.0f : a); }
inline int __float2int_rn(float a) { return (int)std::nearbyint(a); }
inline int __clz(int v) { return v == 0 ? 32 : __builtin_clz((unsigned)v); }
inline int __popc(unsigned v) { return __builtin_popcount(v); }
inline int __ffs(int v) { return __builtin_ffs(v); }

inline int min(int a, int b) { return a < b ? a : b; }
inline int max(int a, int b) { return a > b ? a : b; }
inline unsigned min(unsigned a, unsigned b) { return a < b ? a : b; }
inline unsigned max(unsigned a, unsigned b) { return a > b ? a : b; }
inline long long min(long long a, long long b) { return a < b ? a : b; }
inline long long max(long long a, long long b) { return a > b ? a : b; }
inline float min(float a, float b) { return std::fmin(a, b); }
inline float max(float a, float b) { return std::fmax(a, b); }

#include <math_constants.h>
