// Dayzero CUDA emulator: what the fake driver (fake_cuda.cpp) needs from the runtime (emu_runtime.cpp).
#pragma once
#include <cstddef>
#include <string>

namespace dz_emu {

struct Kernel {
    std::string name;
    void* fn;
    void (*invoker)(void* fn, void** params);
    int params;
};

// The registered kernel named `name`, or nullptr.
const Kernel* find_kernel(const char* name);

// Runs every block of `k` with the given geometry and dynamic shared memory size, to completion. Returns an empty
// string on success, else what went wrong (deadlock at barriers, bad geometry).
std::string run(const Kernel& k, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                size_t shared_bytes, void** params);

}  // namespace dz_emu
