/* libcnnl.so test double: handle, tensor descriptors (64-bit dims), MatMul_v2 with heuristics and workspace. */
#include "fake.h"
#include <stdlib.h>
#include <string.h>

typedef int cnnlStatus_t;
#define FAIL(fn) do { int _c = fake_take_fail(fn); if (_c) return _c; } while (0)
#define BAD_PARAM 3
#define HMAGIC 0x48414e44
typedef struct { int magic; void *queue; } fh;

EXPORT void cnnlGetLibVersion(int *a, int *b, int *c) { *a = 1; *b = 28; *c = 6; }
EXPORT const char *cnnlGetErrorString(cnnlStatus_t s) {
    static const char *m[] = {"CNNL_STATUS_SUCCESS", "CNNL_STATUS_NOT_INITIALIZED", "CNNL_STATUS_ALLOC_FAILED",
        "CNNL_STATUS_BAD_PARAM: a parameter is invalid (test double)", "CNNL_STATUS_INTERNAL_ERROR",
        "CNNL_STATUS_ARCH_MISMATCH: not supported on this MLU generation (test double)", "CNNL_STATUS_EXECUTION_FAILED",
        "CNNL_STATUS_NOT_SUPPORTED (test double)", "CNNL_STATUS_NUMERICAL_OVERFLOW"};
    return s >= 0 && s <= 8 ? m[s] : "unknown cnnlStatus_t (test double)";
}
EXPORT cnnlStatus_t cnnlCreate(void **h) { FAIL("cnnlCreate"); fh *x = calloc(1, sizeof *x); x->magic = HMAGIC; *h = x; fake_live_add("handle", 1); return 0; }
EXPORT cnnlStatus_t cnnlDestroy(void *h) { FAIL("cnnlDestroy"); fh *x = h; if (!x || x->magic != HMAGIC) return BAD_PARAM; x->magic = 0; free(x); fake_live_add("handle", -1); return 0; }
EXPORT cnnlStatus_t cnnlSetQueue(void *h, void *q) { FAIL("cnnlSetQueue"); fh *x = h; if (!x || x->magic != HMAGIC) return BAD_PARAM; x->queue = q; return 0; }

EXPORT cnnlStatus_t cnnlCreateTensorDescriptor(void **d) {
    FAIL("cnnlCreateTensorDescriptor"); fake_tensor *t = calloc(1, sizeof *t); t->magic = TENSOR_MAGIC; *d = t; fake_live_add("tensor", 1); return 0;
}
EXPORT cnnlStatus_t cnnlDestroyTensorDescriptor(void *d) {
    FAIL("cnnlDestroyTensorDescriptor"); fake_tensor *t = d; if (!t || t->magic != TENSOR_MAGIC) return BAD_PARAM;
    t->magic = 0; free(t); fake_live_add("tensor", -1); return 0;
}
EXPORT cnnlStatus_t cnnlSetTensorDescriptor_v2(void *d, int layout, int dtype, int nb, const int64_t *dims) {
    FAIL("cnnlSetTensorDescriptor_v2"); fake_tensor *t = d;
    if (!t || t->magic != TENSOR_MAGIC || nb < 0 || nb > 8 || (nb > 0 && !dims)) return BAD_PARAM;
    t->layout = layout; t->dtype = dtype; t->onchip = dtype; t->nb = nb;
    int64_t s = 1;
    for (int i = nb - 1; i >= 0; i--) { if (dims[i] < 0) return BAD_PARAM; t->dims[i] = dims[i]; t->strides[i] = s; s *= dims[i]; }
    if (nb > 0) fake_note("last_dim0", dims[0]);
    return 0;
}
EXPORT cnnlStatus_t cnnlSetTensorDescriptorOnchipDataType(void *d, int dtype) {
    FAIL("cnnlSetTensorDescriptorOnchipDataType"); fake_tensor *t = d; if (!t || t->magic != TENSOR_MAGIC) return BAD_PARAM; t->onchip = dtype; return 0;
}
EXPORT size_t cnnlGetTensorElementNum(const void *d) { const fake_tensor *t = d; return t && t->magic == TENSOR_MAGIC ? (size_t)tensor_elems(t) : 0; }

#define MMAGIC 0x4d41544d
typedef struct { int magic, compute, transa, transb, use_beta; } fmm;
EXPORT cnnlStatus_t cnnlCreateMatMulDescriptor(void **d) { FAIL("cnnlCreateMatMulDescriptor"); fmm *m = calloc(1, sizeof *m); m->magic = MMAGIC; m->compute = 2; *d = m; fake_live_add("matmul_desc", 1); return 0; }
EXPORT cnnlStatus_t cnnlDestroyMatMulDescriptor(void *d) { FAIL("cnnlDestroyMatMulDescriptor"); fmm *m = d; if (!m || m->magic != MMAGIC) return BAD_PARAM; m->magic = 0; free(m); fake_live_add("matmul_desc", -1); return 0; }
EXPORT cnnlStatus_t cnnlSetMatMulDescAttr(void *d, int attr, const void *buf, size_t size) {
    FAIL("cnnlSetMatMulDescAttr"); fmm *m = d;
    if (!m || m->magic != MMAGIC || !buf || size != sizeof(int32_t)) return BAD_PARAM;
    int32_t v = *(const int32_t *)buf;
    switch (attr) { case 0: m->compute = v; break; case 3: m->transa = v; break; case 4: m->transb = v; break; case 11: m->use_beta = v; break; default: break; }
    return 0;
}
#define AMAGIC 0x414c474f
typedef struct { int magic; size_t ws; } falgo;
EXPORT cnnlStatus_t cnnlCreateMatMulAlgo(void **a) { FAIL("cnnlCreateMatMulAlgo"); falgo *x = calloc(1, sizeof *x); x->magic = AMAGIC; *a = x; fake_live_add("matmul_algo", 1); return 0; }
EXPORT cnnlStatus_t cnnlDestroyMatMulAlgo(void *a) { FAIL("cnnlDestroyMatMulAlgo"); falgo *x = a; if (!x || x->magic != AMAGIC) return BAD_PARAM; x->magic = 0; free(x); fake_live_add("matmul_algo", -1); return 0; }
#define RMAGIC 0x52534c54
typedef struct { int magic; size_t ws; } fres;
EXPORT cnnlStatus_t cnnlCreateMatMulHeuristicResult(void **r) { FAIL("cnnlCreateMatMulHeuristicResult"); fres *x = calloc(1, sizeof *x); x->magic = RMAGIC; *r = x; fake_live_add("heuristic", 1); return 0; }
EXPORT cnnlStatus_t cnnlDestroyMatMulHeuristicResult(void *r) { FAIL("cnnlDestroyMatMulHeuristicResult"); fres *x = r; if (!x || x->magic != RMAGIC) return BAD_PARAM; x->magic = 0; free(x); fake_live_add("heuristic", -1); return 0; }

/* workspace the double asks for: 4 bytes per output element, so a wrong size is caught */
static size_t mm_ws(const fake_tensor *d) { return (size_t)tensor_elems(d) * 4; }
EXPORT cnnlStatus_t cnnlGetMatMulAlgoHeuristic(void *h, void *desc, void *a, void *b, void *c, void *d, void *pref,
        int requested, void **results, int *count) {
    FAIL("cnnlGetMatMulAlgoHeuristic"); (void)h; (void)desc; (void)a; (void)b; (void)c; (void)pref;
    if (requested != 1 || !results || !count || !d) return BAD_PARAM;
    fres *r = results[0]; if (!r || r->magic != RMAGIC) return BAD_PARAM;
    r->ws = mm_ws(d); *count = 1; return 0;
}
EXPORT cnnlStatus_t cnnlGetMatMulHeuristicResult(void *r, void *algo, size_t *ws) {
    FAIL("cnnlGetMatMulHeuristicResult"); fres *x = r; falgo *a = algo;
    if (!x || x->magic != RMAGIC || !a || a->magic != AMAGIC || !ws) return BAD_PARAM;
    a->ws = x->ws; *ws = x->ws; return 0;
}
static float ld(const void *p, int dtype, int64_t i) {
    if (dtype == 17) return bf16_to_f(((const uint16_t *)p)[i]);
    if (dtype == 2) return ((const float *)p)[i];
    return 0;
}
EXPORT cnnlStatus_t cnnlMatMul_v2(void *h, void *desc, void *algo, const void *alpha, const void *a_desc, const void *a,
        const void *b_desc, const void *b, const void *beta, const void *c_desc, void *c, void *ws, size_t ws_size,
        const void *d_desc, void *d) {
    FAIL("cnnlMatMul_v2"); fh *hh = h; fmm *m = desc; falgo *al = algo;
    const fake_tensor *A = a_desc, *B = b_desc, *D = d_desc; (void)c_desc;
    if (!hh || hh->magic != HMAGIC || !m || m->magic != MMAGIC || !al || al->magic != AMAGIC) return BAD_PARAM;
    if (!A || !B || !D || A->nb != 2 || B->nb != 2 || D->nb != 2 || !alpha || !beta) return BAD_PARAM;
    if (ws_size < al->ws || (al->ws && !fake_mem_check(ws, al->ws))) return BAD_PARAM;
    if (A->dtype != B->dtype || (A->dtype != 17 && A->dtype != 2)) return 7;
    if (A->dtype == 17 && fake_capability_major() < 5) return 5;
    int64_t M = m->transa ? A->dims[1] : A->dims[0], K = m->transa ? A->dims[0] : A->dims[1];
    int64_t KB = m->transb ? B->dims[1] : B->dims[0], N = m->transb ? B->dims[0] : B->dims[1];
    if (K != KB || D->dims[0] != M || D->dims[1] != N) return BAD_PARAM;
    if (!fake_mem_check(a, 0) || !fake_mem_check(b, 0) || !fake_mem_check(d, 0)) return BAD_PARAM;
    float al_ = *(const float *)alpha, be = *(const float *)beta;
    float *at = malloc(sizeof(float) * M * K), *bt = malloc(sizeof(float) * N * K);
    for (int64_t i = 0; i < M; i++) for (int64_t k = 0; k < K; k++) at[i * K + k] = ld(a, A->dtype, m->transa ? k * M + i : i * K + k);
    for (int64_t j = 0; j < N; j++) for (int64_t k = 0; k < K; k++) bt[j * K + k] = ld(b, B->dtype, m->transb ? j * K + k : k * N + j);
    for (int64_t i = 0; i < M; i++) for (int64_t j = 0; j < N; j++) {
        const float *x = at + i * K, *y = bt + j * K; float s[8] = {0};
        int64_t k = 0; for (; k + 8 <= K; k += 8) for (int u = 0; u < 8; u++) s[u] += x[k + u] * y[k + u];
        float acc = 0; for (int u = 0; u < 8; u++) acc += s[u]; for (; k < K; k++) acc += x[k] * y[k];
        float v = al_ * acc; if (be != 0 && c) v += be * ld(c, D->dtype, i * N + j);
        if (D->dtype == 17) ((uint16_t *)d)[i * N + j] = f_to_bf16(v); else ((float *)d)[i * N + j] = v;
    }
    free(at); free(bt);
    fake_note("matmul_transb", m->transb);
    return 0;
}
