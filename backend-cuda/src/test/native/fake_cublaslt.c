/*
 * Dayzero cuBLASLt test double (TEST SOURCES ONLY): libcublasLt.so.13 with exactly the entry points
 * backend-cuda calls, the same C names and signatures (see ../../../../shared/vendor-apis/cuda.md §3 and
 * jna/CublasLt.java). It checks the arguments the way the cuBLAS documentation says the real library
 * does, answers a wrong one with the status the real library documents, and computes the matmul on host
 * memory: in the CUDA emulator a "device pointer" is a host address (the fake libcuda.so.1 allocates
 * device memory with malloc), so the double reads and writes through the pointers directly. The arguments are
 * checked when the call is made; the arithmetic is enqueued on the call's stream with the driver's
 * cuLaunchHostFunc (looked up in the already loaded libcuda.so.1), so it is ordered with the stream's kernels
 * and copies and, during stream capture, recorded into the graph like the real library's kernels. With the
 * NULL stream, or without a loaded driver, it runs at the call.
 *
 * What is modelled (everything else answers CUBLAS_STATUS_NOT_SUPPORTED, never a plausible wrong result):
 *   - cublasLtMatmul with CUBLAS_COMPUTE_32F / CUDA_R_32F scale, host pointer mode, column-major layouts,
 *     no batching, epilogue DEFAULT; types BF16 x BF16 -> BF16, and FP8 (E4M3/E5M2, not both E5M2) -> BF16
 *     with SCALAR_32F, VEC128_32F or BLK128x128_32F scaling of A and B;
 *   - cublasLtMatrixTransform on FP32 column-major matrices (copies, transposes, leading-dimension changes).
 * The documented rules it enforces (cuBLAS docs §3.1.4, §3.4.17; cuda.md §3.3-3.4):
 *   - layouts: ld >= rows, op(A) is m x k, op(B) is k x n, C and D are m x n, D's type is C's;
 *   - attribute payloads exactly the attribute's size; enum values known to the library version
 *     (VEC128/BLK128x128 scale modes only from 12.9, the scale-mode attributes only from 12.8);
 *   - FP8: TN only (A transposed, B not), leading dimensions 16-byte aligned, pointers 16-byte aligned,
 *     no E5M2 x E5M2, no fast accumulation with block scaling;
 *   - block scaling: (BLK128x128, BLK128x128) refused, m and n multiples of 4, scale pointers non-null and
 *     16-byte aligned; VEC128 scales outer-dimension-major (A: s[i + (k/128)*m], B: s[j + (k/128)*n]);
 *     BLK128x128 scales K-major with the K blocks padded to a multiple of 4
 *     (s[k/128 + (outer/128) * roundup(ceil(K/128), 4)]);
 *   - the algorithm must come from a heuristic for the same problem, and every pointer must be aligned as
 *     the preference promised (MIN_ALIGNMENT_*_BYTES, default 256); the workspace must be at least what
 *     the heuristic asked for and 256-byte aligned;
 *   - in-place C == D needs identical C and D layouts; beta != 0 needs C.
 * Test hooks (dz_fake_cublaslt_*): the version to report, live object counts (leak checks), call
 * counters and the last refusal's explanation.
 */
#include <dlfcn.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default")))

/* ---- cublasStatus_t ---- */
enum {
    ST_SUCCESS = 0, ST_NOT_INITIALIZED = 1, ST_ALLOC_FAILED = 3, ST_INVALID_VALUE = 7, ST_ARCH_MISMATCH = 8,
    ST_MAPPING_ERROR = 11, ST_EXECUTION_FAILED = 13, ST_INTERNAL_ERROR = 14, ST_NOT_SUPPORTED = 15
};
/* ---- cudaDataType ---- */
enum { R_32F = 0, R_64F = 1, R_16F = 2, R_8I = 3, R_32I = 10, R_16BF = 14, R_8F_E4M3 = 28, R_8F_E5M2 = 29 };
/* ---- cublasComputeType_t ---- */
enum { COMPUTE_32F = 68 };
/* ---- cublasOperation_t ---- */
enum { OP_N = 0, OP_T = 1, OP_C = 2 };
/* ---- cublasLtMatmulDescAttributes_t ---- */
enum {
    MD_COMPUTE_TYPE = 0, MD_SCALE_TYPE = 1, MD_POINTER_MODE = 2, MD_TRANSA = 3, MD_TRANSB = 4, MD_TRANSC = 5,
    MD_EPILOGUE = 7, MD_A_SCALE_POINTER = 17, MD_B_SCALE_POINTER = 18, MD_C_SCALE_POINTER = 19,
    MD_D_SCALE_POINTER = 20, MD_AMAX_D_POINTER = 21, MD_FAST_ACCUM = 25, MD_A_SCALE_MODE = 31,
    MD_B_SCALE_MODE = 32
};
/* ---- cublasLtMatmulMatrixScale_t ---- */
enum { SCALE_SCALAR_32F = 0, SCALE_VEC16_UE4M3 = 1, SCALE_VEC32_UE8M0 = 2, SCALE_OUTER_VEC_32F = 3,
       SCALE_VEC128_32F = 4, SCALE_BLK128x128_32F = 5 };
/* ---- cublasLtMatrixLayoutAttribute_t ---- */
enum { ML_TYPE = 0, ML_ORDER = 1, ML_ROWS = 2, ML_COLS = 3, ML_LD = 4, ML_BATCH_COUNT = 5, ML_BATCH_OFFSET = 6 };
enum { ORDER_COL = 0, ORDER_ROW = 1 };
/* ---- cublasLtMatmulPreferenceAttributes_t ---- */
enum { PREF_SEARCH_MODE = 0, PREF_MAX_WORKSPACE_BYTES = 1, PREF_MIN_ALIGN_A = 5, PREF_MIN_ALIGN_B = 6,
       PREF_MIN_ALIGN_C = 7, PREF_MIN_ALIGN_D = 8 };
/* ---- cublasLtMatrixTransformDescAttributes_t ---- */
enum { TD_SCALE_TYPE = 0, TD_POINTER_MODE = 1, TD_TRANSA = 2, TD_TRANSB = 3 };
enum { EPILOGUE_DEFAULT = 1 };

/* CUBLAS_VERSION = major * 10000 + minor * 100 + patch */
#define DEFAULT_VERSION 130000u
#define VERSION_SCALE_MODES 120800u    /* A/B_SCALE_MODE attributes */
#define VERSION_BLOCK_SCALING 120900u  /* VEC128_32F, BLK128x128_32F */

/* What the double hands out, told apart by a magic word so a stale or foreign handle is refused. */
enum { K_HANDLE, K_MATMUL_DESC, K_LAYOUT, K_PREF, K_TRANSFORM_DESC, K_KINDS };
static const uint32_t MAGIC[K_KINDS] = {0x4c54484e, 0x4c54444d, 0x4c544c59, 0x4c545052, 0x4c545444};
static const uint64_t ALGO_MAGIC = 0x647a616c676f3031ull; /* "dzalgo01" */

typedef struct Obj {
    uint32_t magic;
    int kind;
    struct Obj *next;
} Obj;

typedef struct {
    Obj o;
} Handle;

typedef struct {
    Obj o;
    int32_t compute, scaleType, pointerMode, transa, transb, transc, epilogue;
    int32_t aScaleMode, bScaleMode;
    int8_t fastAccum;
    const void *aScale, *bScale, *cScale, *dScale;
    void *amaxD;
} MatmulDesc;

typedef struct {
    Obj o;
    int32_t type, order, batchCount;
    uint64_t rows, cols;
    int64_t ld, batchOffset;
} Layout;

typedef struct {
    Obj o;
    uint32_t searchMode;
    uint64_t maxWorkspace;
    uint32_t align[4]; /* A, B, C, D */
} Pref;

typedef struct {
    Obj o;
    int32_t scaleType, pointerMode, transa, transb;
} TransformDesc;

/* cublasLtMatmulAlgo_t: uint64_t data[8]; the double's own contents. */
typedef struct {
    uint64_t magic, signature, align[4], workspace, reserved;
} Algo;

/* cublasLtMatmulHeuristicResult_t (96 bytes) */
typedef struct {
    uint64_t algo[8];
    size_t workspaceSize;
    int32_t state;
    float wavesCount;
    int32_t reserved[4];
} HeuristicResult;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static Obj *live_list;
static long live_count[K_KINDS];
static size_t version_override;
static int refuse_heuristics;
static long calls_matmul, calls_transform, calls_heuristic;
static char last_error[512];

static void fail_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail_msg(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    pthread_mutex_lock(&lock);
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    pthread_mutex_unlock(&lock);
    va_end(ap);
}

#define REFUSE(status, ...) do { fail_msg(__VA_ARGS__); return (status); } while (0)

static size_t version(void) {
    if (version_override) {
        return version_override;
    }
    const char *env = getenv("DZ_FAKE_CUBLASLT_VERSION");
    return env && *env ? (size_t) strtoull(env, NULL, 10) : DEFAULT_VERSION;
}

static void *create(int kind, size_t bytes) {
    Obj *o = calloc(1, bytes);
    if (!o) {
        return NULL;
    }
    o->magic = MAGIC[kind];
    o->kind = kind;
    pthread_mutex_lock(&lock);
    o->next = live_list;
    live_list = o;
    live_count[kind]++;
    pthread_mutex_unlock(&lock);
    return o;
}

/* The live object of `kind` at `p`, or NULL: only pointers this double handed out and not yet destroyed. */
static void *known(const void *p, int kind) {
    if (!p) {
        return NULL;
    }
    void *found = NULL;
    pthread_mutex_lock(&lock);
    for (Obj *o = live_list; o; o = o->next) {
        if (o == p) {
            found = o->magic == MAGIC[kind] && o->kind == kind ? o : NULL;
            break;
        }
    }
    pthread_mutex_unlock(&lock);
    return found;
}

static int destroy(void *p, int kind) {
    pthread_mutex_lock(&lock);
    Obj **link = &live_list;
    while (*link && *link != p) {
        link = &(*link)->next;
    }
    if (!*link || (*link)->kind != kind) {
        pthread_mutex_unlock(&lock);
        return 0;
    }
    Obj *o = *link;
    *link = o->next;
    live_count[kind]--;
    o->magic = 0;
    pthread_mutex_unlock(&lock);
    free(o);
    return 1;
}

/* ======================================================================================== test hooks */

EXPORT const int dz_fake_cublaslt = 1;

EXPORT const char *dz_fake_cublaslt_last_error(void) {
    return last_error;
}

/** Reports `v` from cublasLtGetVersion and gates the enums by it; 0 restores the default (or $DZ_FAKE_CUBLASLT_VERSION). */
EXPORT void dz_fake_cublaslt_set_version(size_t v) {
    version_override = v;
}

/**
 * While `on` is 1, every heuristic answers CUBLAS_STATUS_NOT_SUPPORTED (a library with no algorithm for the problem);
 * while it is 2, CUBLAS_STATUS_INVALID_VALUE, as cuBLASLt 13.0 did on an H200 for FP8 block-scaled problems.
 */
EXPORT void dz_fake_cublaslt_refuse_heuristics(int on) {
    refuse_heuristics = on;
}

/** Live handles, descriptors, layouts, preferences and transform descriptors, all kinds together. */
EXPORT long dz_fake_cublaslt_live_objects(void) {
    long n = 0;
    pthread_mutex_lock(&lock);
    for (int k = 0; k < K_KINDS; k++) {
        n += live_count[k];
    }
    pthread_mutex_unlock(&lock);
    return n;
}

/** Successful calls of "cublasLtMatmul", "cublasLtMatrixTransform" or "cublasLtMatmulAlgoGetHeuristic". */
EXPORT long dz_fake_cublaslt_calls(const char *fn) {
    if (!fn) {
        return -1;
    }
    if (!strcmp(fn, "cublasLtMatmul")) {
        return calls_matmul;
    }
    if (!strcmp(fn, "cublasLtMatrixTransform")) {
        return calls_transform;
    }
    if (!strcmp(fn, "cublasLtMatmulAlgoGetHeuristic")) {
        return calls_heuristic;
    }
    return -1;
}

/* ============================================================================================ basics */

EXPORT size_t cublasLtGetVersion(void) {
    return version();
}

EXPORT const char *cublasLtGetStatusString(int status) {
    switch (status) {
        case ST_SUCCESS: return "the operation completed successfully";
        case ST_NOT_INITIALIZED: return "the library was not initialized";
        case ST_ALLOC_FAILED: return "the resource allocation failed";
        case ST_INVALID_VALUE: return "an invalid numeric value was used as an argument";
        case ST_ARCH_MISMATCH: return "an absent device architectural feature is required";
        case ST_MAPPING_ERROR: return "an access to GPU memory space failed";
        case ST_EXECUTION_FAILED: return "the GPU program failed to execute";
        case ST_INTERNAL_ERROR: return "an internal operation failed";
        case ST_NOT_SUPPORTED: return "the functionality requested is not supported";
        default: return "unknown error";
    }
}

EXPORT int cublasLtCreate(void **handle) {
    if (!handle) {
        REFUSE(ST_INVALID_VALUE, "cublasLtCreate: handle is NULL");
    }
    *handle = create(K_HANDLE, sizeof(Handle));
    return *handle ? ST_SUCCESS : ST_ALLOC_FAILED;
}

EXPORT int cublasLtDestroy(void *handle) {
    if (!destroy(handle, K_HANDLE)) {
        REFUSE(ST_NOT_INITIALIZED, "cublasLtDestroy: %p is not a live cuBLASLt handle", handle);
    }
    return ST_SUCCESS;
}

static int known_type(int t) {
    return t == R_32F || t == R_64F || t == R_16F || t == R_8I || t == R_32I || t == R_16BF || t == R_8F_E4M3
           || t == R_8F_E5M2;
}

static int known_compute(int c) {
    return c == 64 || c == 65 || c == 68 || c == 69 || c == 70 || c == 71 || c == 72 || c == 73 || c == 74
           || c == 75 || c == 77;
}

/* =================================================================================== matmul descriptor */

EXPORT int cublasLtMatmulDescCreate(void **desc, int computeType, int scaleType) {
    if (!desc) {
        REFUSE(ST_INVALID_VALUE, "cublasLtMatmulDescCreate: desc is NULL");
    }
    if (!known_compute(computeType)) {
        REFUSE(ST_INVALID_VALUE, "cublasLtMatmulDescCreate: unknown cublasComputeType_t %d", computeType);
    }
    if (!known_type(scaleType)) {
        REFUSE(ST_INVALID_VALUE, "cublasLtMatmulDescCreate: unknown scale cudaDataType %d", scaleType);
    }
    MatmulDesc *d = create(K_MATMUL_DESC, sizeof(MatmulDesc));
    if (!d) {
        return ST_ALLOC_FAILED;
    }
    d->compute = computeType;
    d->scaleType = scaleType;
    d->transa = OP_N;
    d->transb = OP_N;
    d->transc = OP_N;
    d->epilogue = EPILOGUE_DEFAULT;
    *desc = d;
    return ST_SUCCESS;
}

EXPORT int cublasLtMatmulDescDestroy(void *desc) {
    if (!destroy(desc, K_MATMUL_DESC)) {
        REFUSE(ST_INVALID_VALUE, "cublasLtMatmulDescDestroy: %p is not a live matmul descriptor", desc);
    }
    return ST_SUCCESS;
}

static int want_size(const char *fn, int attr, size_t got, size_t want) {
    if (got != want) {
        fail_msg("%s: attribute %d takes %zu bytes, got %zu", fn, attr, want, got);
        return 0;
    }
    return 1;
}

EXPORT int cublasLtMatmulDescSetAttribute(void *desc, int attr, const void *buf, size_t size) {
    static const char *fn = "cublasLtMatmulDescSetAttribute";
    MatmulDesc *d = known(desc, K_MATMUL_DESC);
    if (!d) {
        REFUSE(ST_INVALID_VALUE, "%s: %p is not a live matmul descriptor", fn, desc);
    }
    if (!buf) {
        REFUSE(ST_INVALID_VALUE, "%s: buf is NULL", fn);
    }
    int32_t i32;
    switch (attr) {
        case MD_COMPUTE_TYPE: case MD_SCALE_TYPE: case MD_POINTER_MODE: case MD_TRANSA: case MD_TRANSB:
        case MD_TRANSC: case MD_EPILOGUE:
            if (!want_size(fn, attr, size, 4)) {
                return ST_INVALID_VALUE;
            }
            memcpy(&i32, buf, 4);
            if ((attr == MD_TRANSA || attr == MD_TRANSB || attr == MD_TRANSC) && (i32 < OP_N || i32 > OP_C)) {
                REFUSE(ST_INVALID_VALUE, "%s: %d is not a cublasOperation_t", fn, i32);
            }
            if (attr == MD_COMPUTE_TYPE && !known_compute(i32)) {
                REFUSE(ST_INVALID_VALUE, "%s: unknown compute type %d", fn, i32);
            }
            if (attr == MD_SCALE_TYPE && !known_type(i32)) {
                REFUSE(ST_INVALID_VALUE, "%s: unknown scale type %d", fn, i32);
            }
            switch (attr) {
                case MD_COMPUTE_TYPE: d->compute = i32; break;
                case MD_SCALE_TYPE: d->scaleType = i32; break;
                case MD_POINTER_MODE: d->pointerMode = i32; break;
                case MD_TRANSA: d->transa = i32; break;
                case MD_TRANSB: d->transb = i32; break;
                case MD_TRANSC: d->transc = i32; break;
                default: d->epilogue = i32; break;
            }
            return ST_SUCCESS;
        case MD_A_SCALE_POINTER: case MD_B_SCALE_POINTER: case MD_C_SCALE_POINTER: case MD_D_SCALE_POINTER:
        case MD_AMAX_D_POINTER: {
            if (!want_size(fn, attr, size, sizeof(void *))) {
                return ST_INVALID_VALUE;
            }
            void *p;
            memcpy(&p, buf, sizeof p);
            switch (attr) {
                case MD_A_SCALE_POINTER: d->aScale = p; break;
                case MD_B_SCALE_POINTER: d->bScale = p; break;
                case MD_C_SCALE_POINTER: d->cScale = p; break;
                case MD_D_SCALE_POINTER: d->dScale = p; break;
                default: d->amaxD = p; break;
            }
            return ST_SUCCESS;
        }
        case MD_FAST_ACCUM:
            if (!want_size(fn, attr, size, 1)) {
                return ST_INVALID_VALUE;
            }
            memcpy(&d->fastAccum, buf, 1);
            return ST_SUCCESS;
        case MD_A_SCALE_MODE: case MD_B_SCALE_MODE:
            if (version() < VERSION_SCALE_MODES) {
                REFUSE(ST_INVALID_VALUE, "%s: attribute %d (scale mode) does not exist before cuBLASLt 12.8", fn, attr);
            }
            if (!want_size(fn, attr, size, 4)) {
                return ST_INVALID_VALUE;
            }
            memcpy(&i32, buf, 4);
            if (i32 < SCALE_SCALAR_32F || i32 > SCALE_BLK128x128_32F
                || (i32 >= SCALE_OUTER_VEC_32F && version() < VERSION_BLOCK_SCALING)) {
                REFUSE(ST_INVALID_VALUE, "%s: %d is not a cublasLtMatmulMatrixScale_t of cuBLASLt %zu", fn, i32,
                       version());
            }
            if (attr == MD_A_SCALE_MODE) {
                d->aScaleMode = i32;
            } else {
                d->bScaleMode = i32;
            }
            return ST_SUCCESS;
        default:
            REFUSE(ST_NOT_SUPPORTED, "%s: attribute %d is not modelled by the test double", fn, attr);
    }
}

/* ======================================================================================= matrix layout */

EXPORT int cublasLtMatrixLayoutCreate(void **layout, int type, uint64_t rows, uint64_t cols, int64_t ld) {
    if (!layout) {
        REFUSE(ST_INVALID_VALUE, "cublasLtMatrixLayoutCreate: layout is NULL");
    }
    if (!known_type(type)) {
        REFUSE(ST_INVALID_VALUE, "cublasLtMatrixLayoutCreate: unknown cudaDataType %d", type);
    }
    Layout *l = create(K_LAYOUT, sizeof(Layout));
    if (!l) {
        return ST_ALLOC_FAILED;
    }
    l->type = type;
    l->rows = rows;
    l->cols = cols;
    l->ld = ld;
    l->order = ORDER_COL;
    l->batchCount = 1;
    *layout = l;
    return ST_SUCCESS;
}

EXPORT int cublasLtMatrixLayoutDestroy(void *layout) {
    if (!destroy(layout, K_LAYOUT)) {
        REFUSE(ST_INVALID_VALUE, "cublasLtMatrixLayoutDestroy: %p is not a live layout", layout);
    }
    return ST_SUCCESS;
}

EXPORT int cublasLtMatrixLayoutSetAttribute(void *layout, int attr, const void *buf, size_t size) {
    static const char *fn = "cublasLtMatrixLayoutSetAttribute";
    Layout *l = known(layout, K_LAYOUT);
    if (!l) {
        REFUSE(ST_INVALID_VALUE, "%s: %p is not a live layout", fn, layout);
    }
    if (!buf) {
        REFUSE(ST_INVALID_VALUE, "%s: buf is NULL", fn);
    }
    switch (attr) {
        case ML_TYPE: case ML_ORDER: case ML_BATCH_COUNT: {
            if (!want_size(fn, attr, size, 4)) {
                return ST_INVALID_VALUE;
            }
            int32_t v;
            memcpy(&v, buf, 4);
            if (attr == ML_TYPE) {
                if (!known_type(v)) {
                    REFUSE(ST_INVALID_VALUE, "%s: unknown cudaDataType %d", fn, v);
                }
                l->type = v;
            } else if (attr == ML_ORDER) {
                l->order = v;
            } else {
                l->batchCount = v;
            }
            return ST_SUCCESS;
        }
        case ML_ROWS: case ML_COLS:
            if (!want_size(fn, attr, size, 8)) {
                return ST_INVALID_VALUE;
            }
            memcpy(attr == ML_ROWS ? &l->rows : &l->cols, buf, 8);
            return ST_SUCCESS;
        case ML_LD: case ML_BATCH_OFFSET:
            if (!want_size(fn, attr, size, 8)) {
                return ST_INVALID_VALUE;
            }
            memcpy(attr == ML_LD ? &l->ld : &l->batchOffset, buf, 8);
            return ST_SUCCESS;
        default:
            REFUSE(ST_NOT_SUPPORTED, "%s: attribute %d is not modelled by the test double", fn, attr);
    }
}

/* A plain column-major matrix the double can address: ld >= rows, one or more strided batches. */
static int check_layout(const char *fn, const char *name, const Layout *l) {
    if (l->order != ORDER_COL) {
        fail_msg("%s: %s has order %d; the test double models column-major (CUBLASLT_ORDER_COL) only", fn, name,
                 l->order);
        return ST_NOT_SUPPORTED;
    }
    if (l->batchCount < 1) {
        fail_msg("%s: %s has batch count %d; it must be at least 1", fn, name, l->batchCount);
        return ST_INVALID_VALUE;
    }
    if (l->rows == 0 || l->cols == 0) {
        fail_msg("%s: %s is empty (%llu x %llu)", fn, name, (unsigned long long) l->rows,
                 (unsigned long long) l->cols);
        return ST_INVALID_VALUE;
    }
    if (l->ld < 0 || (uint64_t) l->ld < l->rows) {
        fail_msg("%s: %s has ld %lld < rows %llu (column-major: ld must be at least the row count)", fn, name,
                 (long long) l->ld, (unsigned long long) l->rows);
        return ST_INVALID_VALUE;
    }
    return ST_SUCCESS;
}

/* ========================================================================================= preference */

EXPORT int cublasLtMatmulPreferenceCreate(void **pref) {
    if (!pref) {
        REFUSE(ST_INVALID_VALUE, "cublasLtMatmulPreferenceCreate: pref is NULL");
    }
    Pref *p = create(K_PREF, sizeof(Pref));
    if (!p) {
        return ST_ALLOC_FAILED;
    }
    for (int i = 0; i < 4; i++) {
        p->align[i] = 256;
    }
    *pref = p;
    return ST_SUCCESS;
}

EXPORT int cublasLtMatmulPreferenceDestroy(void *pref) {
    if (!destroy(pref, K_PREF)) {
        REFUSE(ST_INVALID_VALUE, "cublasLtMatmulPreferenceDestroy: %p is not a live preference", pref);
    }
    return ST_SUCCESS;
}

EXPORT int cublasLtMatmulPreferenceSetAttribute(void *pref, int attr, const void *buf, size_t size) {
    static const char *fn = "cublasLtMatmulPreferenceSetAttribute";
    Pref *p = known(pref, K_PREF);
    if (!p) {
        REFUSE(ST_INVALID_VALUE, "%s: %p is not a live preference", fn, pref);
    }
    if (!buf) {
        REFUSE(ST_INVALID_VALUE, "%s: buf is NULL", fn);
    }
    switch (attr) {
        case PREF_SEARCH_MODE:
            if (!want_size(fn, attr, size, 4)) {
                return ST_INVALID_VALUE;
            }
            memcpy(&p->searchMode, buf, 4);
            return ST_SUCCESS;
        case PREF_MAX_WORKSPACE_BYTES:
            if (!want_size(fn, attr, size, 8)) {
                return ST_INVALID_VALUE;
            }
            memcpy(&p->maxWorkspace, buf, 8);
            return ST_SUCCESS;
        case PREF_MIN_ALIGN_A: case PREF_MIN_ALIGN_B: case PREF_MIN_ALIGN_C: case PREF_MIN_ALIGN_D: {
            if (!want_size(fn, attr, size, 4)) {
                return ST_INVALID_VALUE;
            }
            uint32_t v;
            memcpy(&v, buf, 4);
            if (v == 0 || (v & (v - 1)) != 0) {
                REFUSE(ST_INVALID_VALUE, "%s: alignment %u is not a power of two", fn, v);
            }
            p->align[attr - PREF_MIN_ALIGN_A] = v;
            return ST_SUCCESS;
        }
        default:
            REFUSE(ST_NOT_SUPPORTED, "%s: attribute %d is not modelled by the test double", fn, attr);
    }
}

/* ========================================================================================== heuristic */

typedef struct {
    uint64_t m, n, k;
    int fp8, blockScaled;
    int32_t batch; /* strided batches (every layout's CUBLASLT_MATRIX_LAYOUT_BATCH_COUNT) */
} Problem;

static uint64_t mix(uint64_t h, uint64_t v) {
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    return h;
}

static uint64_t signature(const MatmulDesc *d, const Layout *a, const Layout *b, const Layout *c, const Layout *dl) {
    uint64_t h = 1469598103934665603ull;
    int64_t v[] = {d->compute, d->scaleType, d->transa, d->transb, d->aScaleMode, d->bScaleMode, d->fastAccum,
                   a->type, (int64_t) a->rows, (int64_t) a->cols, a->ld, b->type, (int64_t) b->rows,
                   (int64_t) b->cols, b->ld, c->type, (int64_t) c->rows, (int64_t) c->cols, c->ld, dl->type,
                   (int64_t) dl->rows, (int64_t) dl->cols, dl->ld, a->batchCount, a->batchOffset, b->batchCount,
                   b->batchOffset, c->batchCount, c->batchOffset, dl->batchCount, dl->batchOffset};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        h = mix(h, (uint64_t) v[i]);
    }
    return h;
}

static int is_fp8(int t) {
    return t == R_8F_E4M3 || t == R_8F_E5M2;
}

/* The documented rules for a matmul problem; the problem's sizes in `pr` when it is one the double runs. */
static int check_problem(const char *fn, const MatmulDesc *d, const Layout *a, const Layout *b, const Layout *c,
                         const Layout *dl, Problem *pr) {
    int st;
    if ((st = check_layout(fn, "Adesc", a)) || (st = check_layout(fn, "Bdesc", b))
        || (st = check_layout(fn, "Cdesc", c)) || (st = check_layout(fn, "Ddesc", dl))) {
        return st;
    }
    if (d->transa == OP_C || d->transb == OP_C) {
        REFUSE(ST_NOT_SUPPORTED, "%s: conjugate transpose is for complex types", fn);
    }
    if (a->batchCount != b->batchCount || a->batchCount != c->batchCount || a->batchCount != dl->batchCount) {
        REFUSE(ST_NOT_SUPPORTED, "%s: batch counts A=%d B=%d C=%d D=%d differ (the test double models equal counts)",
               fn, a->batchCount, b->batchCount, c->batchCount, dl->batchCount);
    }
    pr->batch = a->batchCount;
    uint64_t m = d->transa == OP_N ? a->rows : a->cols;
    uint64_t k = d->transa == OP_N ? a->cols : a->rows;
    uint64_t kb = d->transb == OP_N ? b->rows : b->cols;
    uint64_t n = d->transb == OP_N ? b->cols : b->rows;
    if (k != kb) {
        REFUSE(ST_INVALID_VALUE, "%s: op(A) is %llu x %llu but op(B) is %llu x %llu: inner dimensions differ", fn,
               (unsigned long long) m, (unsigned long long) k, (unsigned long long) kb, (unsigned long long) n);
    }
    if (c->rows != m || c->cols != n || dl->rows != m || dl->cols != n) {
        REFUSE(ST_INVALID_VALUE, "%s: C is %llu x %llu and D is %llu x %llu, but op(A) op(B) is %llu x %llu", fn,
               (unsigned long long) c->rows, (unsigned long long) c->cols, (unsigned long long) dl->rows,
               (unsigned long long) dl->cols, (unsigned long long) m, (unsigned long long) n);
    }
    if (c->type != dl->type) {
        REFUSE(ST_NOT_SUPPORTED, "%s: C type %d differs from D type %d (only FP8 outputs allow that)", fn, c->type,
               dl->type);
    }
    if (d->compute != COMPUTE_32F || d->scaleType != R_32F) {
        REFUSE(ST_NOT_SUPPORTED, "%s: the test double models CUBLAS_COMPUTE_32F with CUDA_R_32F scaling, got %d / %d",
               fn, d->compute, d->scaleType);
    }
    if (d->pointerMode != 0) {
        REFUSE(ST_NOT_SUPPORTED, "%s: the test double models host pointer mode only", fn);
    }
    if (d->epilogue != EPILOGUE_DEFAULT) {
        REFUSE(ST_NOT_SUPPORTED, "%s: the test double models CUBLASLT_EPILOGUE_DEFAULT only", fn);
    }
    int fp8 = is_fp8(a->type) || is_fp8(b->type);
    if (!fp8) {
        if (a->type != R_16BF || b->type != R_16BF || dl->type != R_16BF) {
            REFUSE(ST_NOT_SUPPORTED, "%s: type combination A=%d B=%d D=%d is not modelled (BF16 or FP8 only)", fn,
                   a->type, b->type, dl->type);
        }
        if (d->aScaleMode != SCALE_SCALAR_32F || d->bScaleMode != SCALE_SCALAR_32F) {
            REFUSE(ST_NOT_SUPPORTED, "%s: block scaling modes need FP8 A and B", fn);
        }
        pr->m = m; pr->n = n; pr->k = k; pr->fp8 = 0; pr->blockScaled = 0;
        return ST_SUCCESS;
    }
    if (pr->batch > 1) {
        REFUSE(ST_NOT_SUPPORTED, "%s: batched FP8 matmuls are not modelled by the test double", fn);
    }
    /* FP8 (cuBLAS docs §3.4.17 "To use FP8 kernels") */
    if (!is_fp8(a->type) || !is_fp8(b->type)) {
        REFUSE(ST_NOT_SUPPORTED, "%s: FP8 needs both A and B in FP8 (A=%d B=%d)", fn, a->type, b->type);
    }
    if (a->type == R_8F_E5M2 && b->type == R_8F_E5M2) {
        REFUSE(ST_NOT_SUPPORTED, "%s: E5M2 x E5M2 is not a supported FP8 combination", fn);
    }
    if (dl->type != R_16BF) {
        REFUSE(ST_NOT_SUPPORTED, "%s: the test double models FP8 with BF16 C and D only (D=%d)", fn, dl->type);
    }
    if (d->transa != OP_T || d->transb != OP_N) {
        REFUSE(ST_NOT_SUPPORTED, "%s: FP8 on Hopper needs the TN format (A transposed, B not); got transa=%d transb=%d",
               fn, d->transa, d->transb);
    }
    if ((a->ld * 1) % 16 || (b->ld * 1) % 16 || (c->ld * 2) % 16 || (dl->ld * 2) % 16) {
        REFUSE(ST_NOT_SUPPORTED, "%s: FP8 needs 16-byte aligned leading dimensions (lda=%lld ldb=%lld ldc=%lld ldd=%lld)",
               fn, (long long) a->ld, (long long) b->ld, (long long) c->ld, (long long) dl->ld);
    }
    int blockA = d->aScaleMode == SCALE_VEC128_32F || d->aScaleMode == SCALE_BLK128x128_32F;
    int blockB = d->bScaleMode == SCALE_VEC128_32F || d->bScaleMode == SCALE_BLK128x128_32F;
    if ((d->aScaleMode != SCALE_SCALAR_32F && !blockA) || (d->bScaleMode != SCALE_SCALAR_32F && !blockB)) {
        REFUSE(ST_NOT_SUPPORTED, "%s: scale modes %d / %d are not modelled by the test double", fn, d->aScaleMode,
               d->bScaleMode);
    }
    if (blockA != blockB) {
        REFUSE(ST_NOT_SUPPORTED, "%s: block scaling must scale both A and B (modes %d / %d)", fn, d->aScaleMode,
               d->bScaleMode);
    }
    if (blockA) {
        if (d->aScaleMode == SCALE_BLK128x128_32F && d->bScaleMode == SCALE_BLK128x128_32F) {
            REFUSE(ST_NOT_SUPPORTED, "%s: (BLK128x128, BLK128x128) is not a supported scaling combination", fn);
        }
        if (m % 4 || n % 4) {
            REFUSE(ST_NOT_SUPPORTED, "%s: block scaling needs m and n multiples of 4 (m=%llu n=%llu)", fn,
                   (unsigned long long) m, (unsigned long long) n);
        }
        if (d->fastAccum) {
            REFUSE(ST_NOT_SUPPORTED, "%s: fast accumulation is not allowed with block scaling", fn);
        }
    }
    pr->m = m; pr->n = n; pr->k = k; pr->fp8 = 1; pr->blockScaled = blockA;
    return ST_SUCCESS;
}

/* Workspace an algorithm of the double asks for: some, when offered, so callers must honour the answer. */
static uint64_t workspace_need(const Pref *p, const Problem *pr) {
    uint64_t want = pr->fp8 ? (1u << 20) : (64u << 10);
    return p->maxWorkspace >= want ? want : 0;
}

EXPORT int cublasLtMatmulAlgoGetHeuristic(void *handle, void *desc, void *adesc, void *bdesc, void *cdesc,
                                          void *ddesc, void *pref, int requested, HeuristicResult *results,
                                          int *returned) {
    static const char *fn = "cublasLtMatmulAlgoGetHeuristic";
    if (returned) {
        *returned = 0;
    }
    if (!known(handle, K_HANDLE)) {
        REFUSE(ST_NOT_INITIALIZED, "%s: %p is not a live cuBLASLt handle", fn, handle);
    }
    MatmulDesc *d = known(desc, K_MATMUL_DESC);
    Layout *a = known(adesc, K_LAYOUT), *b = known(bdesc, K_LAYOUT), *c = known(cdesc, K_LAYOUT),
           *dl = known(ddesc, K_LAYOUT);
    Pref *p = known(pref, K_PREF);
    if (!d || !a || !b || !c || !dl || !p) {
        REFUSE(ST_INVALID_VALUE, "%s: a descriptor, layout or preference is not live", fn);
    }
    if (requested < 1 || !results || !returned) {
        REFUSE(ST_INVALID_VALUE, "%s: requestedAlgoCount %d, results %p, returnAlgoCount %p", fn, requested,
               (void *) results, (void *) returned);
    }
    Problem pr;
    int st = check_problem(fn, d, a, b, c, dl, &pr);
    if (st) {
        return st;
    }
    if (refuse_heuristics) {
        REFUSE(refuse_heuristics == 2 ? ST_INVALID_VALUE : ST_NOT_SUPPORTED,
               "%s: refused by the test hook dz_fake_cublaslt_refuse_heuristics", fn);
    }
    if (pr.fp8) {
        for (int i = 0; i < 4; i++) {
            if (p->align[i] < 16) {
                REFUSE(ST_NOT_SUPPORTED, "%s: FP8 kernels need 16-byte aligned pointers; the preference allows %u for %c",
                       fn, p->align[i], "ABCD"[i]);
            }
        }
    }
    memset(results, 0, sizeof *results);
    Algo algo = {0};
    algo.magic = ALGO_MAGIC;
    algo.signature = signature(d, a, b, c, dl);
    for (int i = 0; i < 4; i++) {
        algo.align[i] = p->align[i];
    }
    algo.workspace = workspace_need(p, &pr);
    memcpy(results->algo, &algo, sizeof algo);
    results->workspaceSize = algo.workspace;
    results->state = ST_SUCCESS;
    results->wavesCount = 1.0f;
    *returned = 1;
    pthread_mutex_lock(&lock);
    calls_heuristic++;
    pthread_mutex_unlock(&lock);
    return ST_SUCCESS;
}

/* ======================================================================================= stream order */

/* One enqueued computation; `ran` tells whether the driver ran it at once or captured it into a graph. */
typedef struct Work {
    void (*run)(struct Work *);
    volatile int ran;
    struct Work *next;
} Work;

typedef int (*HostLaunch)(void *stream, void (*fn)(void *), void *user);

static Work *retained; /* captured into a graph: replayed later, freed when the library unloads */

/* cuLaunchHostFunc of the libcuda.so.1 the process already loaded (by its soname), or NULL. */
static HostLaunch host_launch(void) {
    void *lib = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_NOLOAD);
    return lib ? (HostLaunch) dlsym(lib, "cuLaunchHostFunc") : NULL;
}

static void trampoline(void *p) {
    Work *w = p;
    w->run(w);
    w->ran = 1;
}

/* Runs `w` in `stream`'s order (now, or when a captured graph replays it); takes ownership of `w`. */
static int enqueue(const char *fn, void *stream, Work *w) {
    HostLaunch launch = stream ? host_launch() : NULL;
    if (!launch) {
        w->run(w);
        free(w);
        return ST_SUCCESS;
    }
    w->ran = 0;
    int rc = launch(stream, trampoline, w);
    if (rc != 0 || w->ran) {
        free(w);
        if (rc != 0) {
            REFUSE(ST_EXECUTION_FAILED, "%s: cuLaunchHostFunc on stream %p failed with CUresult %d", fn, stream, rc);
        }
        return ST_SUCCESS;
    }
    pthread_mutex_lock(&lock);
    w->next = retained;
    retained = w;
    pthread_mutex_unlock(&lock);
    return ST_SUCCESS;
}

__attribute__((destructor)) static void release_retained(void) {
    while (retained) {
        Work *w = retained;
        retained = w->next;
        free(w);
    }
}

/* ============================================================================================= values */

static double bf16_to_double(uint16_t h) {
    uint32_t x = (uint32_t) h << 16;
    float f;
    memcpy(&f, &x, 4);
    return f;
}

static uint16_t float_to_bf16(float f) {
    uint32_t x;
    memcpy(&x, &f, 4);
    if ((x & 0x7fffffffu) > 0x7f800000u) {
        return (uint16_t) ((x >> 16) | 0x40);
    }
    x += 0x7fffu + ((x >> 16) & 1u);
    return (uint16_t) (x >> 16);
}

static double fp8_to_double(uint8_t b, int e4m3) {
    int sign = b >> 7;
    int mbits = e4m3 ? 3 : 2, ebits = e4m3 ? 4 : 5, bias = e4m3 ? 7 : 15;
    int e = (b >> mbits) & ((1 << ebits) - 1), m = b & ((1 << mbits) - 1);
    double v;
    if (e4m3 && e == 15 && m == 7) {
        v = NAN;
    } else if (!e4m3 && e == 31) {
        v = m ? NAN : INFINITY;
    } else if (e == 0) {
        v = ldexp((double) m, 1 - bias - mbits);
    } else {
        v = ldexp((double) (m | (1 << mbits)), e - bias - mbits);
    }
    return sign ? -v : v;
}

static double element(const void *base, int type, uint64_t index) {
    switch (type) {
        case R_16BF: {
            uint16_t h;
            memcpy(&h, (const char *) base + 2 * index, 2);
            return bf16_to_double(h);
        }
        case R_8F_E4M3: return fp8_to_double(((const uint8_t *) base)[index], 1);
        case R_8F_E5M2: return fp8_to_double(((const uint8_t *) base)[index], 0);
        case R_32F: {
            float f;
            memcpy(&f, (const char *) base + 4 * index, 4);
            return f;
        }
        default: return NAN;
    }
}

static float scale_at(const float *s, int mode, uint64_t outer, uint64_t outerSize, uint64_t k, uint64_t kSize) {
    uint64_t kBlocks = (kSize + 127) / 128;
    switch (mode) {
        case SCALE_VEC128_32F: return s[outer + (k / 128) * outerSize];
        case SCALE_BLK128x128_32F: return s[k / 128 + (outer / 128) * ((kBlocks + 3) / 4 * 4)];
        default: return s ? s[0] : 1.0f;
    }
}

static int misaligned(const void *p, uint64_t align) {
    return align > 1 && ((uintptr_t) p % align) != 0;
}

/* ============================================================================================= matmul */

typedef struct {
    Work w;
    MatmulDesc d;
    Layout a, b, c, dl;
    Problem pr;
    const void *A, *B, *C;
    void *D;
    float al, be;
} MatmulWork;

/* The arithmetic of one validated matmul, from copies of its descriptor and layouts. */
static void run_matmul(Work *work) {
    const MatmulWork *m = (const MatmulWork *) work;
    const MatmulDesc *d = &m->d;
    const Layout *a = &m->a, *b = &m->b, *c = &m->c, *dl = &m->dl;
    Problem pr = m->pr;
    const void *A = m->A, *B = m->B, *C = m->C;
    void *D = m->D;
    float al = m->al, be = m->be;
    /* op(B) decoded (and scaled) once, column by column; op(A) one row at a time; each dot product in double. */
    const float *sa = d->aScale, *sb = d->bScale;
    double *bcols = malloc(sizeof(double) * pr.n * pr.k), *arow = malloc(sizeof(double) * pr.k);
    if (!bcols || !arow) {
        free(bcols);
        free(arow);
        fail_msg("cublasLtMatmul: out of host memory for an enqueued matmul; D left unwritten");
        return;
    }
    for (int32_t bt = 0; bt < pr.batch; bt++) {
    /* batch bt: every element index moves by bt x the layout's CUBLASLT_MATRIX_LAYOUT_STRIDED_BATCH_OFFSET */
    uint64_t oa = (uint64_t) bt * (uint64_t) a->batchOffset, ob = (uint64_t) bt * (uint64_t) b->batchOffset;
    uint64_t oc = (uint64_t) bt * (uint64_t) c->batchOffset, od = (uint64_t) bt * (uint64_t) dl->batchOffset;
    for (uint64_t j = 0; j < pr.n; j++) {
        for (uint64_t kk = 0; kk < pr.k; kk++) {
            uint64_t bi = ob + (d->transb == OP_N ? kk + j * (uint64_t) b->ld : j + kk * (uint64_t) b->ld);
            double x = element(B, b->type, bi);
            bcols[j * pr.k + kk] = pr.fp8 ? x * (double) scale_at(sb, d->bScaleMode, j, pr.n, kk, pr.k) : x;
        }
    }
    for (uint64_t i = 0; i < pr.m; i++) {
        for (uint64_t kk = 0; kk < pr.k; kk++) {
            uint64_t ai = oa + (d->transa == OP_N ? i + kk * (uint64_t) a->ld : kk + i * (uint64_t) a->ld);
            double x = element(A, a->type, ai);
            arow[kk] = pr.fp8 ? x * (double) scale_at(sa, d->aScaleMode, i, pr.m, kk, pr.k) : x;
        }
        for (uint64_t j = 0; j < pr.n; j++) {
            const double *bc = bcols + j * pr.k;
            double acc = 0.0;
            for (uint64_t kk = 0; kk < pr.k; kk++) {
                acc += arow[kk] * bc[kk];
            }
            double v = (double) al * acc;
            if (be != 0.0f) {
                v += (double) be * element(C, c->type, oc + i + j * (uint64_t) c->ld);
            }
            uint16_t out = float_to_bf16((float) v);
            memcpy((char *) D + 2 * (od + i + j * (uint64_t) dl->ld), &out, 2);
        }
    }
    }
    free(bcols);
    free(arow);
}

EXPORT int cublasLtMatmul(void *handle, void *desc, const void *alpha, const void *A, void *adesc, const void *B,
                          void *bdesc, const void *beta, const void *C, void *cdesc, void *D, void *ddesc,
                          const void *algoPtr, void *workspace, size_t workspaceSize, void *stream) {
    static const char *fn = "cublasLtMatmul";
    if (!known(handle, K_HANDLE)) {
        REFUSE(ST_NOT_INITIALIZED, "%s: %p is not a live cuBLASLt handle", fn, handle);
    }
    MatmulDesc *d = known(desc, K_MATMUL_DESC);
    Layout *a = known(adesc, K_LAYOUT), *b = known(bdesc, K_LAYOUT), *c = known(cdesc, K_LAYOUT),
           *dl = known(ddesc, K_LAYOUT);
    if (!d || !a || !b || !c || !dl) {
        REFUSE(ST_INVALID_VALUE, "%s: a descriptor or layout is not live", fn);
    }
    Problem pr;
    int st = check_problem(fn, d, a, b, c, dl, &pr);
    if (st) {
        return st;
    }
    if (!algoPtr) {
        REFUSE(ST_NOT_SUPPORTED, "%s: no algorithm given (the test double runs heuristic results only)", fn);
    }
    Algo algo;
    memcpy(&algo, algoPtr, sizeof algo);
    if (algo.magic != ALGO_MAGIC) {
        REFUSE(ST_INVALID_VALUE, "%s: algo is not a heuristic result of this library", fn);
    }
    if (algo.signature != signature(d, a, b, c, dl)) {
        REFUSE(ST_INVALID_VALUE, "%s: algo was chosen for another problem (descriptor, layouts or types changed)", fn);
    }
    if (!alpha || !beta) {
        REFUSE(ST_INVALID_VALUE, "%s: alpha and beta must be host pointers (host pointer mode)", fn);
    }
    float al, be;
    memcpy(&al, alpha, 4);
    memcpy(&be, beta, 4);
    if (!A || !B || !D) {
        REFUSE(ST_INVALID_VALUE, "%s: A, B and D must not be NULL", fn);
    }
    if (be != 0.0f && !C) {
        REFUSE(ST_INVALID_VALUE, "%s: beta is %g but C is NULL", fn, be);
    }
    if (C == D && (c->type != dl->type || c->rows != dl->rows || c->cols != dl->cols || c->ld != dl->ld)) {
        REFUSE(ST_INVALID_VALUE, "%s: in-place (C == D) needs identical C and D layouts", fn);
    }
    const void *ptrs[4] = {A, B, C ? C : D, D};
    for (int i = 0; i < 4; i++) {
        if (misaligned(ptrs[i], algo.align[i])) {
            REFUSE(ST_INVALID_VALUE, "%s: %c = %p is not %llu-byte aligned as the preference promised", fn, "ABCD"[i],
                   ptrs[i], (unsigned long long) algo.align[i]);
        }
    }
    if (workspaceSize < algo.workspace) {
        REFUSE(ST_INVALID_VALUE, "%s: the algorithm needs %llu bytes of workspace, got %zu", fn,
               (unsigned long long) algo.workspace, workspaceSize);
    }
    if (workspaceSize > 0 && (!workspace || misaligned(workspace, 256))) {
        REFUSE(ST_INVALID_VALUE, "%s: workspace %p of %zu bytes must be a 256-byte aligned device pointer", fn,
               workspace, workspaceSize);
    }
    if (pr.blockScaled) {
        if (!d->aScale || !d->bScale) {
            REFUSE(ST_INVALID_VALUE, "%s: block scaling needs A and B scale pointers", fn);
        }
        if (misaligned(d->aScale, 16) || misaligned(d->bScale, 16)) {
            REFUSE(ST_INVALID_VALUE, "%s: scale pointers %p / %p must be 16-byte aligned", fn, d->aScale, d->bScale);
        }
    }
    MatmulWork *w = malloc(sizeof *w);
    if (!w) {
        REFUSE(ST_ALLOC_FAILED, "%s: out of host memory", fn);
    }
    w->w.run = run_matmul;
    w->d = *d;
    w->a = *a;
    w->b = *b;
    w->c = *c;
    w->dl = *dl;
    w->pr = pr;
    w->A = A;
    w->B = B;
    w->C = C;
    w->D = D;
    w->al = al;
    w->be = be;
    st = enqueue(fn, stream, &w->w);
    if (st == ST_SUCCESS) {
        pthread_mutex_lock(&lock);
        calls_matmul++;
        pthread_mutex_unlock(&lock);
    }
    return st;
}

/* ================================================================================== matrix transform */

EXPORT int cublasLtMatrixTransformDescCreate(void **desc, int scaleType) {
    if (!desc) {
        REFUSE(ST_INVALID_VALUE, "cublasLtMatrixTransformDescCreate: desc is NULL");
    }
    if (!known_type(scaleType)) {
        REFUSE(ST_INVALID_VALUE, "cublasLtMatrixTransformDescCreate: unknown scale cudaDataType %d", scaleType);
    }
    TransformDesc *t = create(K_TRANSFORM_DESC, sizeof(TransformDesc));
    if (!t) {
        return ST_ALLOC_FAILED;
    }
    t->scaleType = scaleType;
    t->transa = OP_N;
    t->transb = OP_N;
    *desc = t;
    return ST_SUCCESS;
}

EXPORT int cublasLtMatrixTransformDescDestroy(void *desc) {
    if (!destroy(desc, K_TRANSFORM_DESC)) {
        REFUSE(ST_INVALID_VALUE, "cublasLtMatrixTransformDescDestroy: %p is not a live transform descriptor", desc);
    }
    return ST_SUCCESS;
}

EXPORT int cublasLtMatrixTransformDescSetAttribute(void *desc, int attr, const void *buf, size_t size) {
    static const char *fn = "cublasLtMatrixTransformDescSetAttribute";
    TransformDesc *t = known(desc, K_TRANSFORM_DESC);
    if (!t) {
        REFUSE(ST_INVALID_VALUE, "%s: %p is not a live transform descriptor", fn, desc);
    }
    if (!buf) {
        REFUSE(ST_INVALID_VALUE, "%s: buf is NULL", fn);
    }
    if (attr < TD_SCALE_TYPE || attr > TD_TRANSB) {
        REFUSE(ST_INVALID_VALUE, "%s: unknown attribute %d", fn, attr);
    }
    if (!want_size(fn, attr, size, 4)) {
        return ST_INVALID_VALUE;
    }
    int32_t v;
    memcpy(&v, buf, 4);
    switch (attr) {
        case TD_SCALE_TYPE: t->scaleType = v; break;
        case TD_POINTER_MODE: t->pointerMode = v; break;
        case TD_TRANSA: case TD_TRANSB:
            if (v != OP_N && v != OP_T) {
                REFUSE(ST_INVALID_VALUE, "%s: %d is not N or T", fn, v);
            }
            if (attr == TD_TRANSA) {
                t->transa = v;
            } else {
                t->transb = v;
            }
            break;
        default: break;
    }
    return ST_SUCCESS;
}

typedef struct {
    Work w;
    TransformDesc t;
    Layout a, b, c;
    uint64_t rows, cols;
    const void *A, *B;
    void *C;
    float al, be;
} TransformWork;

/* C = alpha op(A) + beta op(B) of one validated transform (FP32, column-major). */
static void run_transform(Work *work) {
    const TransformWork *m = (const TransformWork *) work;
    for (uint64_t j = 0; j < m->cols; j++) {
        for (uint64_t i = 0; i < m->rows; i++) {
            uint64_t ai = m->t.transa == OP_N ? i + j * (uint64_t) m->a.ld : j + i * (uint64_t) m->a.ld;
            float v = m->al * ((const float *) m->A)[ai];
            if (m->be != 0.0f) {
                uint64_t bi = m->t.transb == OP_N ? i + j * (uint64_t) m->b.ld : j + i * (uint64_t) m->b.ld;
                v += m->be * ((const float *) m->B)[bi];
            }
            ((float *) m->C)[i + j * (uint64_t) m->c.ld] = v;
        }
    }
}

EXPORT int cublasLtMatrixTransform(void *handle, void *desc, const void *alpha, const void *A, void *adesc,
                                   const void *beta, const void *B, void *bdesc, void *C, void *cdesc, void *stream) {
    static const char *fn = "cublasLtMatrixTransform";
    if (!known(handle, K_HANDLE)) {
        REFUSE(ST_NOT_INITIALIZED, "%s: %p is not a live cuBLASLt handle", fn, handle);
    }
    TransformDesc *t = known(desc, K_TRANSFORM_DESC);
    Layout *a = known(adesc, K_LAYOUT), *c = known(cdesc, K_LAYOUT);
    Layout *b = bdesc ? known(bdesc, K_LAYOUT) : NULL;
    if (!t || !a || !c || (bdesc && !b)) {
        REFUSE(ST_INVALID_VALUE, "%s: a descriptor or layout is not live", fn);
    }
    if (!alpha || !beta) {
        REFUSE(ST_INVALID_VALUE, "%s: alpha and beta must be host pointers", fn);
    }
    int st;
    if ((st = check_layout(fn, "Adesc", a)) || (st = check_layout(fn, "Cdesc", c)) || (b && (st = check_layout(fn, "Bdesc", b)))) {
        return st;
    }
    if (t->scaleType != R_32F || a->type != R_32F || c->type != R_32F || (b && b->type != R_32F)) {
        REFUSE(ST_NOT_SUPPORTED, "%s: the test double models FP32 transforms only", fn);
    }
    if (t->pointerMode != 0) {
        REFUSE(ST_NOT_SUPPORTED, "%s: the test double models host pointer mode only", fn);
    }
    float al, be;
    memcpy(&al, alpha, 4);
    memcpy(&be, beta, 4);
    uint64_t rows = t->transa == OP_N ? a->rows : a->cols, cols = t->transa == OP_N ? a->cols : a->rows;
    if (rows != c->rows || cols != c->cols) {
        REFUSE(ST_INVALID_VALUE, "%s: op(A) is %llu x %llu but C is %llu x %llu", fn, (unsigned long long) rows,
               (unsigned long long) cols, (unsigned long long) c->rows, (unsigned long long) c->cols);
    }
    if (be != 0.0f) {
        if (!B || !b) {
            REFUSE(ST_INVALID_VALUE, "%s: beta is %g but B or Bdesc is NULL", fn, be);
        }
        uint64_t br = t->transb == OP_N ? b->rows : b->cols, bc = t->transb == OP_N ? b->cols : b->rows;
        if (br != rows || bc != cols) {
            REFUSE(ST_INVALID_VALUE, "%s: op(B) is %llu x %llu but C is %llu x %llu", fn, (unsigned long long) br,
                   (unsigned long long) bc, (unsigned long long) rows, (unsigned long long) cols);
        }
    }
    if (!A || !C) {
        REFUSE(ST_INVALID_VALUE, "%s: A and C must not be NULL", fn);
    }
    TransformWork *w = malloc(sizeof *w);
    if (!w) {
        REFUSE(ST_ALLOC_FAILED, "%s: out of host memory", fn);
    }
    w->w.run = run_transform;
    w->t = *t;
    w->a = *a;
    w->c = *c;
    if (b) {
        w->b = *b;
    }
    w->rows = rows;
    w->cols = cols;
    w->A = A;
    w->B = B;
    w->C = C;
    w->al = al;
    w->be = be;
    st = enqueue(fn, stream, &w->w);
    if (st == ST_SUCCESS) {
        pthread_mutex_lock(&lock);
        calls_transform++;
        pthread_mutex_unlock(&lock);
    }
    return st;
}
