// Dayzero CUDA emulator: a test double of the NVIDIA driver library (libcuda.so.1) for machines without a GPU.
// It exports the driver API entry points backend-cuda binds (same exported names, same C signatures, same error
// codes for the misuse it checks) and runs launched kernels with the host emulator (emu_runtime.cpp), which
// executes the very kernel sources of src/main/cuda compiled for the host. "Device memory" is host memory; a
// CUdeviceptr is its address. Streams execute in order at the call (synchronously); events carry host time;
// stream capture records kernel, memset, copy and host-function nodes that a graph launch replays.
// cuLaunchHostFunc is there for the cuBLASLt test double (src/test/native/fake_cublaslt.c), which enqueues its
// host-computed matmuls with it so that they are stream-ordered and captured like the real library's kernels.
//
// Checks that mirror the real driver: cuInit before anything; a current context for memory, streams, modules
// and launches; a fatbin image for cuModuleLoadData (magic 0xBA55ED50); unknown kernel names
// (CUDA_ERROR_NOT_FOUND); more than 48 KiB of dynamic shared memory without cuFuncSetAttribute; block and grid
// limits. Extra checks: guard bytes around every allocation are verified after each kernel and copy (a write out
// of bounds fails the call with CUDA_ERROR_ILLEGAL_ADDRESS and a message naming the allocation); frees of unknown
// pointers fail; counters of live allocations and handles let tests prove nothing leaks.
#include <pthread.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "emu_runtime.h"

namespace {

constexpr int CUDA_SUCCESS = 0;
constexpr int CUDA_ERROR_INVALID_VALUE = 1;
constexpr int CUDA_ERROR_OUT_OF_MEMORY = 2;
constexpr int CUDA_ERROR_NOT_INITIALIZED = 3;
constexpr int CUDA_ERROR_INVALID_DEVICE = 101;
constexpr int CUDA_ERROR_INVALID_IMAGE = 200;
constexpr int CUDA_ERROR_INVALID_CONTEXT = 201;
constexpr int CUDA_ERROR_INVALID_HANDLE = 400;
constexpr int CUDA_ERROR_NOT_FOUND = 500;
constexpr int CUDA_ERROR_NOT_READY = 600;
constexpr int CUDA_ERROR_ILLEGAL_ADDRESS = 700;
constexpr int CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES = 701;
constexpr int CUDA_ERROR_LAUNCH_FAILED = 719;
constexpr int CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED = 900;
constexpr int CUDA_ERROR_STREAM_CAPTURE_INVALIDATED = 901;

constexpr size_t kGuard = 256;
constexpr unsigned char kGuardByte = 0xA5;
constexpr int kDefaultDynamicShared = 48 * 1024;
constexpr int kMaxDynamicShared = 227 * 1024;
const char* const kDeviceName = "Dayzero CUDA emulator (host fibers, not a GPU)";

struct Alloc {
    unsigned char* base;
    size_t bytes;
};

struct Function {
    const dz_emu::Kernel* kernel;
    int max_dynamic_shared;
};

struct Node {
    enum Kind { KERNEL, MEMSET, COPY, HOST } kind;
    Function* function;
    unsigned grid[3];
    unsigned block[3];
    size_t shared;
    std::vector<uint64_t> args;
    unsigned long long dst;
    unsigned long long src;
    size_t bytes;
    unsigned char value;
    void (*host)(void*);
    void* user;
};

struct Stream {
    bool capturing = false;
    bool invalidated = false;
    std::vector<Node> captured;
};

struct Graph {
    std::vector<Node> nodes;
};

struct Event {
    bool recorded = false;
    double millis = 0;
};

struct Module {
    int id;
};

std::recursive_mutex lock;
bool initialized = false;
int primary_retains = 0;
int primary_context_token = 0;  // its address is the CUcontext
thread_local void* current_context = nullptr;
std::map<unsigned long long, Alloc> allocations;
size_t allocated_bytes = 0;
size_t total_bytes = 16ull << 30;
bool fail_next_alloc = false;
std::set<void*> handles;  // streams, events, modules, functions, graphs, graph execs
std::string last_error;

#define GUARD() std::lock_guard<std::recursive_mutex> guard_(lock)

double now_millis() {
    using namespace std::chrono;
    return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

int fail(int code, const std::string& why) {
    last_error = why;
    std::fprintf(stderr, "[cuda-emu] %s\n", why.c_str());
    return code;
}

int need_context() {
    if (!initialized) {
        return fail(CUDA_ERROR_NOT_INITIALIZED, "cuInit was not called");
    }
    if (current_context != &primary_context_token || primary_retains == 0) {
        return fail(CUDA_ERROR_INVALID_CONTEXT, "no current context on this thread (cuCtxSetCurrent)");
    }
    return CUDA_SUCCESS;
}

// The allocation holding [p, p + bytes), or nullptr.
const Alloc* find(unsigned long long p, size_t bytes) {
    auto it = allocations.upper_bound(p);
    if (it == allocations.begin()) {
        return nullptr;
    }
    --it;
    if (p >= it->first && p + bytes <= it->first + it->second.bytes) {
        return &it->second;
    }
    return nullptr;
}

// Verifies every allocation's guard bytes; on damage, names the allocation and restores the guard.
int check_guards(const std::string& after) {
    for (auto& [address, a] : allocations) {
        const unsigned char* before = reinterpret_cast<unsigned char*>(address) - kGuard;
        const unsigned char* behind = reinterpret_cast<unsigned char*>(address) + a.bytes;
        for (size_t i = 0; i < kGuard; i++) {
            if (before[i] != kGuardByte || behind[i] != kGuardByte) {
                char text[256];
                std::snprintf(text, sizeof text,
                              "%s wrote outside the device allocation at 0x%llx of %zu bytes (%s its end)",
                              after.c_str(), address, a.bytes, behind[i] != kGuardByte ? "past" : "before");
                std::memset(const_cast<unsigned char*>(before), kGuardByte, kGuard);
                std::memset(const_cast<unsigned char*>(behind), kGuardByte, kGuard);
                return fail(CUDA_ERROR_ILLEGAL_ADDRESS, text);
            }
        }
    }
    return CUDA_SUCCESS;
}

int execute(const Node& n) {
    switch (n.kind) {
        case Node::KERNEL: {
            std::vector<void*> slots(n.args.size());
            for (size_t i = 0; i < n.args.size(); i++) {
                slots[i] = const_cast<uint64_t*>(&n.args[i]);
            }
            std::string failure = dz_emu::run(*n.function->kernel, n.grid[0], n.grid[1], n.grid[2], n.block[0],
                                              n.block[1], n.block[2], n.shared, slots.data());
            if (!failure.empty()) {
                return fail(CUDA_ERROR_LAUNCH_FAILED, failure);
            }
            return check_guards("kernel " + n.function->kernel->name);
        }
        case Node::MEMSET:
            if (!find(n.dst, n.bytes)) {
                return fail(CUDA_ERROR_INVALID_VALUE, "cuMemsetD8Async outside any allocation");
            }
            std::memset(reinterpret_cast<void*>(n.dst), n.value, n.bytes);
            return CUDA_SUCCESS;
        case Node::COPY:
            if (!find(n.dst, n.bytes) || !find(n.src, n.bytes)) {
                return fail(CUDA_ERROR_INVALID_VALUE, "cuMemcpyDtoDAsync outside any allocation");
            }
            std::memmove(reinterpret_cast<void*>(n.dst), reinterpret_cast<void*>(n.src), n.bytes);
            return CUDA_SUCCESS;
        case Node::HOST:
            n.host(n.user);
            return check_guards("a host function");
    }
    return CUDA_ERROR_INVALID_VALUE;
}

// Runs n now, or records it when `stream` is capturing.
int submit(void* stream, Node n) {
    if (stream != nullptr && !handles.count(stream)) {
        return fail(CUDA_ERROR_INVALID_HANDLE, "unknown stream");
    }
    Stream* s = static_cast<Stream*>(stream);
    if (s != nullptr && s->capturing) {
        s->captured.push_back(std::move(n));
        return CUDA_SUCCESS;
    }
    return execute(n);
}

const char* error_name(int code) {
    switch (code) {
        case 0: return "CUDA_SUCCESS";
        case 1: return "CUDA_ERROR_INVALID_VALUE";
        case 2: return "CUDA_ERROR_OUT_OF_MEMORY";
        case 3: return "CUDA_ERROR_NOT_INITIALIZED";
        case 101: return "CUDA_ERROR_INVALID_DEVICE";
        case 200: return "CUDA_ERROR_INVALID_IMAGE";
        case 201: return "CUDA_ERROR_INVALID_CONTEXT";
        case 400: return "CUDA_ERROR_INVALID_HANDLE";
        case 500: return "CUDA_ERROR_NOT_FOUND";
        case 600: return "CUDA_ERROR_NOT_READY";
        case 700: return "CUDA_ERROR_ILLEGAL_ADDRESS";
        case 701: return "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES";
        case 719: return "CUDA_ERROR_LAUNCH_FAILED";
        case 900: return "CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED";
        case 901: return "CUDA_ERROR_STREAM_CAPTURE_INVALIDATED";
        default: return nullptr;
    }
}

}  // namespace

extern "C" {

int cuInit(unsigned flags) {
    GUARD();
    if (flags != 0) {
        return fail(CUDA_ERROR_INVALID_VALUE, "cuInit flags must be 0");
    }
    initialized = true;
    return CUDA_SUCCESS;
}

int cuDriverGetVersion(int* version) {
    if (version == nullptr) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    const char* v = std::getenv("DZ_EMU_DRIVER_VERSION");
    *version = v != nullptr ? std::atoi(v) : 13000;
    return CUDA_SUCCESS;
}

int cuGetErrorName(int error, const char** name) {
    const char* n = error_name(error);
    if (name == nullptr || n == nullptr) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    *name = n;
    return CUDA_SUCCESS;
}

int cuGetErrorString(int error, const char** text) {
    GUARD();
    if (text == nullptr || error_name(error) == nullptr) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    static std::string message;
    message = error == 0 ? std::string("no error") : "emulator: " + last_error;
    *text = message.c_str();
    return CUDA_SUCCESS;
}

int cuDeviceGetCount(int* count) {
    if (!initialized) {
        return CUDA_ERROR_NOT_INITIALIZED;
    }
    *count = 1;
    return CUDA_SUCCESS;
}

int cuDeviceGet(int* device, int ordinal) {
    if (!initialized) {
        return CUDA_ERROR_NOT_INITIALIZED;
    }
    if (ordinal != 0) {
        return CUDA_ERROR_INVALID_DEVICE;
    }
    *device = 0;
    return CUDA_SUCCESS;
}

int cuDeviceGetName(char* name, int length, int device) {
    if (!initialized) {
        return CUDA_ERROR_NOT_INITIALIZED;
    }
    if (device != 0 || name == nullptr || length <= 0) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    std::snprintf(name, (size_t)length, "%s", kDeviceName);
    return CUDA_SUCCESS;
}

int cuDeviceGetAttribute(int* value, int attribute, int device) {
    if (!initialized) {
        return CUDA_ERROR_NOT_INITIALIZED;
    }
    if (device != 0 || value == nullptr) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    switch (attribute) {
        case 1: *value = 1024; break;             // max threads per block
        case 8: *value = 48 * 1024; break;        // max shared memory per block
        case 10: *value = 32; break;              // warp size
        case 12: *value = 65536; break;           // registers per block
        case 13: *value = 1000000; break;         // clock kHz
        case 16: *value = 4; break;               // multiprocessors
        case 32: *value = 0; break;               // ECC
        case 33: *value = 0; break;               // PCI bus
        case 34: *value = 0; break;               // PCI device
        case 36: *value = 1000000; break;         // memory clock kHz
        case 37: *value = 64; break;              // bus width bits
        case 38: *value = 4 * 1024 * 1024; break; // L2 bytes
        case 39: *value = 2048; break;            // threads per SM
        case 40: *value = 1; break;               // async engines
        case 41: *value = 1; break;               // unified addressing
        case 75: *value = 9; break;               // compute capability major
        case 76: *value = 0; break;               // minor
        case 81: *value = 228 * 1024; break;      // shared per SM
        case 97: *value = kMaxDynamicShared; break;
        case 108: *value = 0; break;
        case 120: *value = 0; break;
        default: return CUDA_ERROR_INVALID_VALUE;
    }
    return CUDA_SUCCESS;
}

int cuDeviceTotalMem_v2(size_t* bytes, int device) {
    if (!initialized) {
        return CUDA_ERROR_NOT_INITIALIZED;
    }
    if (device != 0) {
        return CUDA_ERROR_INVALID_DEVICE;
    }
    *bytes = total_bytes;
    return CUDA_SUCCESS;
}

int cuDevicePrimaryCtxRetain(void** context, int device) {
    GUARD();
    if (!initialized) {
        return CUDA_ERROR_NOT_INITIALIZED;
    }
    if (device != 0) {
        return CUDA_ERROR_INVALID_DEVICE;
    }
    primary_retains++;
    *context = &primary_context_token;
    return CUDA_SUCCESS;
}

int cuDevicePrimaryCtxRelease_v2(int device) {
    GUARD();
    if (device != 0) {
        return CUDA_ERROR_INVALID_DEVICE;
    }
    if (primary_retains == 0) {
        return fail(CUDA_ERROR_INVALID_CONTEXT, "primary context released more often than retained");
    }
    primary_retains--;
    return CUDA_SUCCESS;
}

int cuCtxSetCurrent(void* context) {
    if (context != nullptr && context != &primary_context_token) {
        return fail(CUDA_ERROR_INVALID_CONTEXT, "cuCtxSetCurrent with an unknown context");
    }
    current_context = context;
    return CUDA_SUCCESS;
}

int cuCtxSynchronize() {
    GUARD();
    return need_context();
}

int cuMemAlloc_v2(unsigned long long* address, size_t bytes) {
    GUARD();
    if (int rc = need_context()) {
        return rc;
    }
    if (bytes == 0) {
        return fail(CUDA_ERROR_INVALID_VALUE, "cuMemAlloc of 0 bytes");
    }
    if (fail_next_alloc || allocated_bytes + bytes > total_bytes) {
        fail_next_alloc = false;
        return fail(CUDA_ERROR_OUT_OF_MEMORY, "out of emulated device memory");
    }
    // 256-byte aligned like the driver's allocations, guard bytes on both sides.
    unsigned char* base = static_cast<unsigned char*>(std::malloc(bytes + 3 * kGuard));
    if (base == nullptr) {
        return fail(CUDA_ERROR_OUT_OF_MEMORY, "host malloc failed");
    }
    uintptr_t user = (reinterpret_cast<uintptr_t>(base) + kGuard + 255) & ~uintptr_t(255);
    std::memset(base, kGuardByte, bytes + 3 * kGuard);
    // Fresh device memory holds garbage: a NaN-ish pattern, never zeros a kernel could rely on.
    std::memset(reinterpret_cast<void*>(user), 0xFF, bytes);
    allocations[user] = Alloc{base, bytes};
    allocated_bytes += bytes;
    *address = user;
    return CUDA_SUCCESS;
}

int cuMemFree_v2(unsigned long long address) {
    GUARD();
    if (int rc = need_context()) {
        return rc;
    }
    auto it = allocations.find(address);
    if (it == allocations.end()) {
        return fail(CUDA_ERROR_INVALID_VALUE, "cuMemFree of an address that is not an allocation");
    }
    int rc = check_guards("an earlier call");
    allocated_bytes -= it->second.bytes;
    std::free(it->second.base);
    allocations.erase(it);
    return rc;
}

int cuMemGetInfo_v2(size_t* free_bytes, size_t* total) {
    GUARD();
    if (int rc = need_context()) {
        return rc;
    }
    *free_bytes = total_bytes - allocated_bytes;
    *total = total_bytes;
    return CUDA_SUCCESS;
}

int cuMemcpyHtoD_v2(unsigned long long dst, const void* src, size_t bytes) {
    GUARD();
    if (int rc = need_context()) {
        return rc;
    }
    if (!find(dst, bytes)) {
        return fail(CUDA_ERROR_INVALID_VALUE, "cuMemcpyHtoD outside any allocation");
    }
    std::memcpy(reinterpret_cast<void*>(dst), src, bytes);
    return CUDA_SUCCESS;
}

int cuMemcpyDtoH_v2(void* dst, unsigned long long src, size_t bytes) {
    GUARD();
    if (int rc = need_context()) {
        return rc;
    }
    if (!find(src, bytes)) {
        return fail(CUDA_ERROR_INVALID_VALUE, "cuMemcpyDtoH outside any allocation");
    }
    std::memcpy(dst, reinterpret_cast<void*>(src), bytes);
    return CUDA_SUCCESS;
}

int cuMemcpyDtoDAsync_v2(unsigned long long dst, unsigned long long src, size_t bytes, void* stream) {
    GUARD();
    if (int rc = need_context()) {
        return rc;
    }
    Node n{};
    n.kind = Node::COPY;
    n.dst = dst;
    n.src = src;
    n.bytes = bytes;
    return submit(stream, n);
}

int cuMemsetD8Async(unsigned long long dst, unsigned char value, size_t count, void* stream) {
    GUARD();
    if (int rc = need_context()) {
        return rc;
    }
    Node n{};
    n.kind = Node::MEMSET;
    n.dst = dst;
    n.bytes = count;
    n.value = value;
    return submit(stream, n);
}

int cuStreamCreate(void** stream, unsigned flags) {
    GUARD();
    if (int rc = need_context()) {
        return rc;
    }
    if (flags > 1) {
        return fail(CUDA_ERROR_INVALID_VALUE, "cuStreamCreate flags");
    }
    Stream* s = new Stream();
    handles.insert(s);
    *stream = s;
    return CUDA_SUCCESS;
}

int cuStreamDestroy_v2(void* stream) {
    GUARD();
    if (!handles.erase(stream)) {
        return fail(CUDA_ERROR_INVALID_HANDLE, "cuStreamDestroy of an unknown stream");
    }
    delete static_cast<Stream*>(stream);
    return CUDA_SUCCESS;
}

int cuStreamSynchronize(void* stream) {
    GUARD();
    if (stream != nullptr && !handles.count(stream)) {
        return fail(CUDA_ERROR_INVALID_HANDLE, "cuStreamSynchronize of an unknown stream");
    }
    if (stream != nullptr && static_cast<Stream*>(stream)->capturing) {
        static_cast<Stream*>(stream)->invalidated = true;
        return fail(CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED, "cuStreamSynchronize on a capturing stream");
    }
    return CUDA_SUCCESS;
}

int cuEventCreate(void** event, unsigned flags) {
    GUARD();
    if (int rc = need_context()) {
        return rc;
    }
    Event* e = new Event();
    (void)flags;
    handles.insert(e);
    *event = e;
    return CUDA_SUCCESS;
}

int cuEventRecord(void* event, void* stream) {
    GUARD();
    if (!handles.count(event) || (stream != nullptr && !handles.count(stream))) {
        return fail(CUDA_ERROR_INVALID_HANDLE, "cuEventRecord with an unknown event or stream");
    }
    Event* e = static_cast<Event*>(event);
    e->recorded = true;
    e->millis = now_millis();
    return CUDA_SUCCESS;
}

int cuEventSynchronize(void* event) {
    GUARD();
    return handles.count(event) ? CUDA_SUCCESS : fail(CUDA_ERROR_INVALID_HANDLE, "unknown event");
}

int cuEventElapsedTime(float* millis, void* start, void* end) {
    GUARD();
    if (!handles.count(start) || !handles.count(end)) {
        return fail(CUDA_ERROR_INVALID_HANDLE, "cuEventElapsedTime with an unknown event");
    }
    Event* s = static_cast<Event*>(start);
    Event* e = static_cast<Event*>(end);
    if (!s->recorded || !e->recorded) {
        return fail(CUDA_ERROR_INVALID_HANDLE, "cuEventElapsedTime of an event never recorded");
    }
    *millis = (float)(e->millis - s->millis);
    return CUDA_SUCCESS;
}

int cuEventDestroy_v2(void* event) {
    GUARD();
    if (!handles.erase(event)) {
        return fail(CUDA_ERROR_INVALID_HANDLE, "cuEventDestroy of an unknown event");
    }
    delete static_cast<Event*>(event);
    return CUDA_SUCCESS;
}

int cuModuleLoadData(void** module, const void* image) {
    GUARD();
    if (int rc = need_context()) {
        return rc;
    }
    uint32_t magic = 0;
    if (image != nullptr) {
        std::memcpy(&magic, image, 4);
    }
    if (magic != 0xBA55ED50u) {
        return fail(CUDA_ERROR_INVALID_IMAGE, "cuModuleLoadData: the image is not a fatbin (magic 0xBA55ED50)");
    }
    static int next = 1;
    Module* m = new Module{next++};
    handles.insert(m);
    *module = m;
    return CUDA_SUCCESS;
}

int cuModuleUnload(void* module) {
    GUARD();
    if (!handles.erase(module)) {
        return fail(CUDA_ERROR_INVALID_HANDLE, "cuModuleUnload of an unknown module");
    }
    delete static_cast<Module*>(module);
    return CUDA_SUCCESS;
}

int cuModuleGetFunction(void** function, void* module, const char* name) {
    GUARD();
    if (!handles.count(module)) {
        return fail(CUDA_ERROR_INVALID_HANDLE, "cuModuleGetFunction on an unknown module");
    }
    const dz_emu::Kernel* k = dz_emu::find_kernel(name);
    if (k == nullptr) {
        return fail(CUDA_ERROR_NOT_FOUND, std::string("no kernel named ") + name + " (is it registered with "
                                          "DZ_REGISTER_KERNEL?)");
    }
    // Functions live as long as the process here (the driver frees them with their module).
    static std::map<std::string, Function*> functions;
    Function*& f = functions[name];
    if (f == nullptr) {
        f = new Function{k, kDefaultDynamicShared};
    }
    *function = f;
    return CUDA_SUCCESS;
}

int cuFuncSetAttribute(void* function, int attribute, int value) {
    GUARD();
    Function* f = static_cast<Function*>(function);
    if (f == nullptr) {
        return CUDA_ERROR_INVALID_HANDLE;
    }
    if (attribute != 8) {
        return fail(CUDA_ERROR_INVALID_VALUE, "cuFuncSetAttribute: only MAX_DYNAMIC_SHARED_SIZE_BYTES is emulated");
    }
    if (value < 0 || value > kMaxDynamicShared) {
        return fail(CUDA_ERROR_INVALID_VALUE, "cuFuncSetAttribute: dynamic shared memory above 227 KiB");
    }
    f->max_dynamic_shared = value > kDefaultDynamicShared ? value : kDefaultDynamicShared;
    return CUDA_SUCCESS;
}

int cuLaunchKernel(void* function, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                   unsigned shared, void* stream, void** params, void** extra) {
    GUARD();
    if (int rc = need_context()) {
        return rc;
    }
    Function* f = static_cast<Function*>(function);
    if (f == nullptr) {
        return fail(CUDA_ERROR_INVALID_HANDLE, "cuLaunchKernel of a null function");
    }
    if (extra != nullptr) {
        return fail(CUDA_ERROR_INVALID_VALUE, "cuLaunchKernel: `extra` is not emulated");
    }
    if ((int)shared > f->max_dynamic_shared) {
        return fail(CUDA_ERROR_INVALID_VALUE, "cuLaunchKernel of " + f->kernel->name + " with " +
                                              std::to_string(shared) + " bytes of dynamic shared memory; the "
                                              "function allows " + std::to_string(f->max_dynamic_shared) +
                                              " (cuFuncSetAttribute)");
    }
    if ((unsigned long long)bx * by * bz > 1024) {
        return fail(CUDA_ERROR_INVALID_VALUE, "cuLaunchKernel of " + f->kernel->name + " with more than 1024 threads");
    }
    if (f->kernel->params > 0 && params == nullptr) {
        return fail(CUDA_ERROR_INVALID_VALUE, "cuLaunchKernel without kernelParams");
    }
    Node n{};
    n.kind = Node::KERNEL;
    n.function = f;
    n.grid[0] = gx;
    n.grid[1] = gy;
    n.grid[2] = gz;
    n.block[0] = bx;
    n.block[1] = by;
    n.block[2] = bz;
    n.shared = shared;
    // The driver copies the argument values at launch (and at capture): 8 bytes a slot covers every parameter
    // type the kernels use (pointers, int, float).
    n.args.resize(f->kernel->params);
    for (int i = 0; i < f->kernel->params; i++) {
        std::memcpy(&n.args[i], params[i], 8);
    }
    return submit(stream, n);
}

// CUresult cuLaunchHostFunc(CUstream, CUhostFn, void* userData): runs fn in stream order (here: now), or records it.
int cuLaunchHostFunc(void* stream, void (*fn)(void*), void* user) {
    GUARD();
    if (int rc = need_context()) {
        return rc;
    }
    if (fn == nullptr) {
        return fail(CUDA_ERROR_INVALID_VALUE, "cuLaunchHostFunc with a null function");
    }
    Node n{};
    n.kind = Node::HOST;
    n.host = fn;
    n.user = user;
    return submit(stream, n);
}

int cuStreamBeginCapture_v2(void* stream, int mode) {
    GUARD();
    if (!handles.count(stream)) {
        return fail(CUDA_ERROR_INVALID_HANDLE, "cuStreamBeginCapture on an unknown (or the legacy) stream");
    }
    if (mode < 0 || mode > 2) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    Stream* s = static_cast<Stream*>(stream);
    if (s->capturing) {
        return fail(CUDA_ERROR_INVALID_VALUE, "stream is already capturing");
    }
    s->capturing = true;
    s->invalidated = false;
    s->captured.clear();
    return CUDA_SUCCESS;
}

int cuStreamEndCapture(void* stream, void** graph) {
    GUARD();
    if (!handles.count(stream)) {
        return CUDA_ERROR_INVALID_HANDLE;
    }
    Stream* s = static_cast<Stream*>(stream);
    if (!s->capturing) {
        return fail(CUDA_ERROR_INVALID_VALUE, "cuStreamEndCapture on a stream that is not capturing");
    }
    s->capturing = false;
    if (s->invalidated) {
        s->captured.clear();
        return CUDA_ERROR_STREAM_CAPTURE_INVALIDATED;
    }
    Graph* g = new Graph{std::move(s->captured)};
    s->captured.clear();
    handles.insert(g);
    *graph = g;
    return CUDA_SUCCESS;
}

int cuGraphInstantiateWithFlags(void** exec, void* graph, unsigned long long flags) {
    GUARD();
    if (!handles.count(graph)) {
        return fail(CUDA_ERROR_INVALID_HANDLE, "cuGraphInstantiate of an unknown graph");
    }
    (void)flags;
    Graph* copy = new Graph{static_cast<Graph*>(graph)->nodes};
    handles.insert(copy);
    *exec = copy;
    return CUDA_SUCCESS;
}

int cuGraphLaunch(void* exec, void* stream) {
    GUARD();
    if (int rc = need_context()) {
        return rc;
    }
    if (!handles.count(exec)) {
        return fail(CUDA_ERROR_INVALID_HANDLE, "cuGraphLaunch of an unknown graph exec");
    }
    for (const Node& n : static_cast<Graph*>(exec)->nodes) {
        if (int rc = submit(stream, n)) {
            return rc;
        }
    }
    return CUDA_SUCCESS;
}

int cuGraphExecDestroy(void* exec) {
    GUARD();
    if (!handles.erase(exec)) {
        return CUDA_ERROR_INVALID_HANDLE;
    }
    delete static_cast<Graph*>(exec);
    return CUDA_SUCCESS;
}

int cuGraphDestroy(void* graph) {
    GUARD();
    if (!handles.erase(graph)) {
        return CUDA_ERROR_INVALID_HANDLE;
    }
    delete static_cast<Graph*>(graph);
    return CUDA_SUCCESS;
}

// ---- test hooks (not part of the driver API) ----

int dzEmuLiveAllocations() {
    GUARD();
    return (int)allocations.size();
}

long long dzEmuLiveBytes() {
    GUARD();
    return (long long)allocated_bytes;
}

int dzEmuLiveHandles() {
    GUARD();
    return (int)handles.size();
}

int dzEmuPrimaryRetains() {
    GUARD();
    return primary_retains;
}

const char* dzEmuLastError() {
    GUARD();
    static std::string copy;
    copy = last_error;
    return copy.c_str();
}

void dzEmuFailNextAlloc() {
    GUARD();
    fail_next_alloc = true;
}

}  // extern "C"
