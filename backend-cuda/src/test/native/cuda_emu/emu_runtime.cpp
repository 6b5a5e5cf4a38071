// Dayzero CUDA emulator runtime: runs a kernel's blocks one after another on the calling thread, each CUDA thread
// of a block a fiber (ucontext to start it, _setjmp/_longjmp to switch: no system call per switch). A fiber runs
// until it reaches a barrier or ends; a barrier completes when every live thread of its scope (block or warp) has
// arrived. When no fiber can run and some still live, the launch fails with a deadlock report.
#include "emu_runtime.h"

#include <setjmp.h>
#include <sys/mman.h>
#include <ucontext.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <vector>

#include "cuda_emu.h"

namespace dz_emu {

ThreadState* current = nullptr;
uint3 block_idx;
dim3 block_dim;
dim3 grid_dim;

namespace {

constexpr size_t kStackBytes = 256 * 1024;

enum State { RUNNABLE, WAIT_BLOCK, WAIT_WARP, DONE };

struct Fiber {
    ThreadState st;
    ucontext_t uc;
    jmp_buf jb;
    char* stack = nullptr;
    State state = RUNNABLE;
    bool started = false;
};

struct BlockRun {
    std::vector<Fiber> fibers;
    int n = 0;
    int live = 0;
    int block_arrived = 0;
    std::vector<int> warp_live;
    std::vector<int> warp_arrived;
    std::vector<uint64_t> exchange;
    std::vector<uint32_t> mma_a;
    std::vector<uint32_t> mma_b;
    std::vector<unsigned char> smem;
    jmp_buf sched;
    const Kernel* kernel = nullptr;
    void** params = nullptr;
    Fiber* cur = nullptr;
    std::string error;
};

BlockRun R;
std::mutex run_lock;

std::map<std::string, Kernel>& registry() {
    static std::map<std::string, Kernel> kernels;
    return kernels;
}

void yield_to_scheduler() {
    Fiber* f = R.cur;
    if (!_setjmp(f->jb)) {
        _longjmp(R.sched, 1);
    }
}

void release(State waiting, int warp) {
    for (int i = 0; i < R.n; i++) {
        Fiber& f = R.fibers[i];
        if (f.state == waiting && (warp < 0 || f.st.warp == warp)) {
            f.state = RUNNABLE;
        }
    }
}

void fiber_entry() {
    Fiber* f = R.cur;
    R.kernel->invoker(R.kernel->fn, R.params);
    f->state = DONE;
    R.live--;
    const int w = f->st.warp;
    R.warp_live[w]--;
    if (R.block_arrived > 0 && R.block_arrived == R.live) {
        R.block_arrived = 0;
        release(WAIT_BLOCK, -1);
    }
    if (R.warp_arrived[w] > 0 && R.warp_arrived[w] == R.warp_live[w]) {
        R.warp_arrived[w] = 0;
        release(WAIT_WARP, w);
    }
    _longjmp(R.sched, 1);
}

void resume(Fiber& f) {
    R.cur = &f;
    current = &f.st;
    if (!_setjmp(R.sched)) {
        if (!f.started) {
            f.started = true;
            getcontext(&f.uc);
            f.uc.uc_stack.ss_sp = f.stack;
            f.uc.uc_stack.ss_size = kStackBytes;
            f.uc.uc_link = nullptr;
            makecontext(&f.uc, fiber_entry, 0);
            setcontext(&f.uc);
        } else {
            _longjmp(f.jb, 1);
        }
    }
}

std::string describe_deadlock() {
    int at_block = 0;
    int at_warp = 0;
    for (int i = 0; i < R.n; i++) {
        at_block += R.fibers[i].state == WAIT_BLOCK;
        at_warp += R.fibers[i].state == WAIT_WARP;
    }
    char text[256];
    std::snprintf(text, sizeof text,
                  "deadlock in block (%u,%u,%u) of %s: %d of %d live threads wait at __syncthreads, %d at a warp "
                  "barrier (__syncwarp, a shuffle or an mma), and none can go on",
                  block_idx.x, block_idx.y, block_idx.z, R.kernel->name.c_str(), at_block, R.live, at_warp);
    return text;
}

float bf16_bits_to_float(uint32_t bits16) {
    const uint32_t b = bits16 << 16;
    float f;
    std::memcpy(&f, &b, 4);
    return f;
}

}  // namespace

void register_kernel(const char* name, void* fn, Invoker invoker, int params) {
    registry()[name] = Kernel{name, fn, invoker, params};
}

const Kernel* find_kernel(const char* name) {
    auto it = registry().find(name);
    return it == registry().end() ? nullptr : &it->second;
}

void syncthreads() {
    if (++R.block_arrived == R.live) {
        R.block_arrived = 0;
        release(WAIT_BLOCK, -1);
        return;
    }
    R.cur->state = WAIT_BLOCK;
    yield_to_scheduler();
}

void syncwarp() {
    const int w = R.cur->st.warp;
    if (++R.warp_arrived[w] == R.warp_live[w]) {
        R.warp_arrived[w] = 0;
        release(WAIT_WARP, w);
        return;
    }
    R.cur->state = WAIT_WARP;
    yield_to_scheduler();
}

void* dynamic_smem() {
    return R.smem.data();
}

uint64_t warp_exchange(uint64_t mine, int src) {
    const int w = current->warp;
    R.exchange[w * 32 + current->lane] = mine;
    syncwarp();
    const int from = w * 32 + src;
    const uint64_t got = (src >= 0 && src < 32 && from < R.n && R.fibers[from].state != DONE) ? R.exchange[from] : mine;
    syncwarp();
    return got;
}

void mma_bf16_16816(float (&d)[4], const uint32_t (&a)[4], const uint32_t (&b)[2]) {
    const int w = current->warp;
    const int lane = current->lane;
    for (int i = 0; i < 4; i++) {
        R.mma_a[(w * 32 + lane) * 4 + i] = a[i];
    }
    R.mma_b[(w * 32 + lane) * 2 + 0] = b[0];
    R.mma_b[(w * 32 + lane) * 2 + 1] = b[1];
    syncwarp();
    if (R.warp_live[w] != 32 && R.error.empty()) {
        R.error = "mma.sync in " + R.kernel->name + " by a warp with " + std::to_string(R.warp_live[w])
                  + " live lanes (all 32 must take part)";
    }
    // A[r][c]: lane (r % 8) * 4 + (c % 8) / 2, register (r >= 8) + 2 (c >= 8), half c % 2.
    auto A = [&](int r, int c) {
        const uint32_t v = R.mma_a[(w * 32 + (r & 7) * 4 + ((c & 7) >> 1)) * 4 + (r >= 8 ? 1 : 0) + (c >= 8 ? 2 : 0)];
        return bf16_bits_to_float((c & 1) ? v >> 16 : v & 0xffffu);
    };
    // B[k][n]: lane n * 4 + (k % 8) / 2, register (k >= 8), half k % 2.
    auto B = [&](int k, int n) {
        const uint32_t v = R.mma_b[(w * 32 + n * 4 + ((k & 7) >> 1)) * 2 + (k >= 8 ? 1 : 0)];
        return bf16_bits_to_float((k & 1) ? v >> 16 : v & 0xffffu);
    };
    const int g = lane >> 2;
    const int t = lane & 3;
    float out[4];
    for (int i = 0; i < 4; i++) {
        const int row = g + (i >= 2 ? 8 : 0);
        const int col = 2 * t + (i & 1);
        float s = 0.0f;
        for (int k = 0; k < 16; k++) {
            s += A(row, k) * B(k, col);
        }
        out[i] = d[i] + s;
    }
    syncwarp();
    for (int i = 0; i < 4; i++) {
        d[i] = out[i];
    }
}

std::string run(const Kernel& k, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                size_t shared_bytes, void** params) {
    std::lock_guard<std::mutex> guard(run_lock);
    const unsigned long long threads = (unsigned long long)bx * by * bz;
    if (gx == 0 || gy == 0 || gz == 0 || threads == 0) {
        return "launch of " + k.name + " with an empty grid or block";
    }
    if (threads > 1024 || bz > 64 || gy > 65535 || gz > 65535 || gx > 2147483647u) {
        return "launch of " + k.name + " exceeds the device limits (1024 threads a block, block z <= 64, grid y and "
               "z <= 65535)";
    }
    const int n = (int)threads;
    if ((int)R.fibers.size() < n) {
        const size_t old = R.fibers.size();
        R.fibers.resize(n);
        for (size_t i = old; i < (size_t)n; i++) {
            void* s = mmap(nullptr, kStackBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (s == MAP_FAILED) {
                R.fibers.resize(i);
                return "emulator: no memory for fiber stacks";
            }
            R.fibers[i].stack = static_cast<char*>(s);
        }
    }
    const int warps = (n + 31) / 32;
    R.n = n;
    R.kernel = &k;
    R.params = params;
    R.error.clear();
    R.warp_live.assign(warps, 0);
    R.warp_arrived.assign(warps, 0);
    R.exchange.assign((size_t)warps * 32, 0);
    R.mma_a.assign((size_t)warps * 32 * 4, 0);
    R.mma_b.assign((size_t)warps * 32 * 2, 0);
    R.smem.assign(shared_bytes > 0 ? shared_bytes : 16, 0xFF);
    block_dim = dim3(bx, by, bz);
    grid_dim = dim3(gx, gy, gz);
    std::string failure;
    for (unsigned z = 0; z < gz && failure.empty(); z++) {
        for (unsigned y = 0; y < gy && failure.empty(); y++) {
            for (unsigned x = 0; x < gx && failure.empty(); x++) {
                block_idx = make_uint3(x, y, z);
                std::memset(R.smem.data(), 0xFF, R.smem.size());
                R.live = n;
                R.block_arrived = 0;
                for (int w = 0; w < warps; w++) {
                    R.warp_live[w] = (w == warps - 1) ? n - 32 * w : 32;
                    R.warp_arrived[w] = 0;
                }
                for (int i = 0; i < n; i++) {
                    Fiber& f = R.fibers[i];
                    f.state = RUNNABLE;
                    f.started = false;
                    f.st.tid = make_uint3(i % bx, (i / bx) % by, i / (bx * by));
                    f.st.linear = i;
                    f.st.warp = i / 32;
                    f.st.lane = i % 32;
                }
                while (R.live > 0) {
                    bool ran = false;
                    for (int i = 0; i < n; i++) {
                        if (R.fibers[i].state == RUNNABLE) {
                            ran = true;
                            resume(R.fibers[i]);
                        }
                    }
                    if (!ran && R.live > 0) {
                        failure = describe_deadlock();
                        break;
                    }
                }
                if (failure.empty() && !R.error.empty()) {
                    failure = R.error;
                }
            }
        }
    }
    current = nullptr;
    R.cur = nullptr;
    return failure;
}

}  // namespace dz_emu
