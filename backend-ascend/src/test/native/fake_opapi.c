/* Fake libopapi.so: aclnnDynamicQuant, aclnnGroupedMatmulV4, aclnnFusedInferAttentionScoreV3 with reference math. */
#include "fake_common.h"
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <stdio.h>

#define PARAM_INVALID 161002
#define PARAM_NULLPTR 161001
#define INNER_ERROR 561000
#define FAIL_RC(fn) do { int c_; if (fake_should_fail(fn, &c_)) return c_; } while (0)
#define REQUIRE(cond, ...) do { if (!(cond)) { fake_set_error(__VA_ARGS__); return PARAM_INVALID; } } while (0)

int fake_valid_stream(aclrtStream stream);
void fake_free_executor(aclOpExecutor *e);

static inline float bf2f(uint16_t h) { uint32_t u = (uint32_t) h << 16; float f; memcpy(&f, &u, 4); return f; }
static inline uint16_t f2bf(float f) {
    uint32_t u; memcpy(&u, &f, 4);
    if ((u & 0x7fffffffu) > 0x7f800000u) return (uint16_t) ((u >> 16) | 0x40);
    u += 0x7fffu + ((u >> 16) & 1u);
    return (uint16_t) (u >> 16);
}
static size_t esize(int dt) {
    switch (dt) { case DT_FLOAT: case DT_INT32: return 4; case DT_FLOAT16: case DT_BF16: return 2;
                  case DT_INT64: return 8; default: return 1; }
}
/* address of element (i0..i3) of a tensor view, dims beyond ndim ignored */
static inline char *at(const aclTensor *t, int64_t i0, int64_t i1, int64_t i2, int64_t i3) {
    int64_t idx[4] = {i0, i1, i2, i3}, off = t->offset;
    for (uint64_t d = 0; d < t->ndim && d < 4; d++) off += idx[d] * t->strides[d];
    return (char *) t->data + off * (int64_t) esize(t->dtype);
}
static int contiguous(const aclTensor *t) {
    int64_t s = 1;
    for (int64_t i = (int64_t) t->ndim - 1; i >= 0; i--) { if (t->dims[i] != 1 && t->strides[i] != s) return 0; s *= t->dims[i]; }
    return 1;
}
static aclOpExecutor *new_executor(const char *op, uint64_t ws, aclnnStatus (*run)(aclOpExecutor *, void *),
                                   void (*freeCtx)(void *), void *ctx) {
    aclOpExecutor *e = calloc(1, sizeof *e);
    e->op = op; e->workspaceSize = ws; e->run = run; e->freeCtx = freeCtx; e->ctx = ctx;
    fake_track("executor", 1);
    return e;
}
static aclnnStatus phase2(const char *fn, void *workspace, uint64_t workspaceSize, aclOpExecutor *e, aclrtStream stream) {
    FAIL_RC(fn);
    if (!e) { fake_set_error("%s: executor is NULL", fn); return PARAM_NULLPTR; }
    if (!fake_valid_stream(stream)) { fake_set_error("%s: stream is not a stream of this runtime", fn); return PARAM_INVALID; }
    fake_record_int("phase2.workspaceSize", (int64_t) workspaceSize);
    if (e->workspaceSize > 0 && (!workspace || workspaceSize < e->workspaceSize)) {
        fake_set_error("%s: workspace of %llu bytes needed, got %llu at %p", fn, (unsigned long long) e->workspaceSize,
                       (unsigned long long) workspaceSize, workspace);
        return PARAM_INVALID;
    }
    aclnnStatus rc = e->run(e, workspace);
    if (!e->repeatable) fake_free_executor(e);
    return rc;
}
static aclTensor *copy_tensor(const aclTensor *t) {
    if (!t) return NULL;
    aclTensor *c = malloc(sizeof *c); *c = *t; return c;
}
static void record_tensor(const char *name, const aclTensor *t) {
    char key[64];
    snprintf(key, sizeof key, "%s.present", name); fake_record_int(key, t != NULL);
    if (!t) return;
    snprintf(key, sizeof key, "%s.dtype", name); fake_record_int(key, t->dtype);
    snprintf(key, sizeof key, "%s.ndim", name); fake_record_int(key, (int64_t) t->ndim);
    for (uint64_t i = 0; i < t->ndim; i++) {
        snprintf(key, sizeof key, "%s.dim%llu", name, (unsigned long long) i); fake_record_int(key, t->dims[i]);
        snprintf(key, sizeof key, "%s.stride%llu", name, (unsigned long long) i); fake_record_int(key, t->strides[i]);
    }
    snprintf(key, sizeof key, "%s.offset", name); fake_record_int(key, t->offset);
}

/* ================================================================== DynamicQuant */
typedef struct { aclTensor *x, *y, *scale; } dq_ctx;
static void dq_free(void *p) { dq_ctx *c = p; free(c->x); free(c->y); free(c->scale); free(c); }
static aclnnStatus dq_run(aclOpExecutor *e, void *ws) {
    (void) ws;
    dq_ctx *c = e->ctx;
    int64_t k = c->x->dims[c->x->ndim - 1], rows = 1;
    for (uint64_t i = 0; i + 1 < c->x->ndim; i++) rows *= c->x->dims[i];
    const uint16_t *x = (const uint16_t *) at(c->x, 0, 0, 0, 0);
    int8_t *y = (int8_t *) at(c->y, 0, 0, 0, 0);
    float *s = (float *) at(c->scale, 0, 0, 0, 0);
    for (int64_t r = 0; r < rows; r++) {
        float amax = 0;
        for (int64_t j = 0; j < k; j++) { float v = fabsf(bf2f(x[r * k + j])); if (v > amax) amax = v; }
        float scale = amax / 127.0f;
        s[r] = scale;
        for (int64_t j = 0; j < k; j++) {
            float q = scale == 0 ? 0 : bf2f(x[r * k + j]) / scale;
            q = rintf(q);
            if (q > 127) q = 127;
            if (q < -128) q = -128;
            y[r * k + j] = (int8_t) q;
        }
    }
    return 0;
}
aclnnStatus aclnnDynamicQuantGetWorkspaceSize(const aclTensor *x, const aclTensor *smoothScalesOptional,
                                              const aclTensor *yOut, const aclTensor *scaleOut,
                                              uint64_t *workspaceSize, aclOpExecutor **executor) {
    FAIL_RC("aclnnDynamicQuantGetWorkspaceSize");
    fake_record_reset();
    record_tensor("x", x); record_tensor("smooth", smoothScalesOptional); record_tensor("y", yOut); record_tensor("scale", scaleOut);
    if (!x || !yOut || !scaleOut || !workspaceSize || !executor) { fake_set_error("DynamicQuant: null argument"); return PARAM_NULLPTR; }
    REQUIRE(x->dtype == DT_BF16, "DynamicQuant (double): x must be BF16, got dtype %d", x->dtype);
    REQUIRE(yOut->dtype == DT_INT8, "DynamicQuant: Ascend910B yOut must be INT8 (FP8 outputs need Ascend950), got dtype %d", yOut->dtype);
    REQUIRE(scaleOut->dtype == DT_FLOAT, "DynamicQuant: scaleOut must be FLOAT");
    REQUIRE(x->ndim >= 2 && x->ndim <= 8, "DynamicQuant: x must have 2..8 dims");
    REQUIRE(scaleOut->ndim == x->ndim - 1, "DynamicQuant: scaleOut must be x's shape without the last dim");
    for (uint64_t i = 0; i + 1 < x->ndim; i++) REQUIRE(scaleOut->dims[i] == x->dims[i], "DynamicQuant: scaleOut dim %llu", (unsigned long long) i);
    for (uint64_t i = 0; i < x->ndim; i++) REQUIRE(yOut->dims[i] == x->dims[i], "DynamicQuant: yOut shape differs from x");
    REQUIRE(contiguous(x) && contiguous(yOut) && contiguous(scaleOut), "DynamicQuant (double): needs contiguous tensors");
    REQUIRE(smoothScalesOptional == NULL, "DynamicQuant (double): smooth scales not modelled");
    dq_ctx *c = malloc(sizeof *c);
    c->x = copy_tensor(x); c->y = copy_tensor(yOut); c->scale = copy_tensor(scaleOut);
    *workspaceSize = 0;
    *executor = new_executor("DynamicQuant", 0, dq_run, dq_free, c);
    return 0;
}
aclnnStatus aclnnDynamicQuant(void *workspace, uint64_t workspaceSize, aclOpExecutor *executor, aclrtStream stream) {
    return phase2("aclnnDynamicQuant", workspace, workspaceSize, executor, stream);
}

/* ================================================================== ClampMin */
typedef struct { aclTensor *self, *out; float min; } cm_ctx;
static void cm_free(void *p) { cm_ctx *c = p; free(c->self); free(c->out); free(c); }
static aclnnStatus cm_run(aclOpExecutor *e, void *ws) {
    (void) ws;
    cm_ctx *c = e->ctx;
    int64_t n = 1;
    for (uint64_t i = 0; i < c->self->ndim; i++) n *= c->self->dims[i];
    const float *s = (const float *) at(c->self, 0, 0, 0, 0);
    float *o = (float *) at(c->out, 0, 0, 0, 0);
    for (int64_t i = 0; i < n; i++) o[i] = s[i] < c->min ? c->min : s[i];
    return 0;
}
aclnnStatus aclnnClampMinGetWorkspaceSize(const aclTensor *self, const aclScalar *clipValueMin, aclTensor *out,
                                          uint64_t *workspaceSize, aclOpExecutor **executor) {
    FAIL_RC("aclnnClampMinGetWorkspaceSize");   /* no reset: it follows DynamicQuant, whose record tests read */
    record_tensor("self", self); record_tensor("out", out);
    if (!self || !clipValueMin || !out || !workspaceSize || !executor) { fake_set_error("ClampMin: null argument"); return PARAM_NULLPTR; }
    REQUIRE(self->dtype == DT_FLOAT && out->dtype == DT_FLOAT && clipValueMin->dtype == DT_FLOAT, "ClampMin (double): FLOAT only");
    REQUIRE(contiguous(self) && contiguous(out) && self->ndim == out->ndim, "ClampMin (double): contiguous same-shape tensors");
    fake_record_int("clipValueMin.nano", (int64_t) llround(clipValueMin->value * 1e9));
    cm_ctx *c = malloc(sizeof *c);
    c->self = copy_tensor(self); c->out = copy_tensor(out); c->min = (float) clipValueMin->value;
    *workspaceSize = 0;
    *executor = new_executor("ClampMin", 0, cm_run, cm_free, c);
    return 0;
}
aclnnStatus aclnnClampMin(void *workspace, uint64_t workspaceSize, aclOpExecutor *executor, aclrtStream stream) {
    return phase2("aclnnClampMin", workspace, workspaceSize, executor, stream);
}

/* ================================================================== GroupedMatmulV4 */
typedef struct {
    uint64_t n;
    aclTensor *x, *w, *y, *scale, *pts;   /* arrays of n tensors; scale/pts may be NULL */
    aclTensor *groupList;                 /* may be NULL */
    int64_t groupType, groupListType;
    uint64_t nscale, npts;
} gmm_ctx;
static void gmm_free(void *p) { gmm_ctx *c = p; free(c->x); free(c->w); free(c->y); free(c->scale); free(c->pts); free(c->groupList); free(c); }
static aclTensor *copy_list(const aclTensorList *l) {
    if (!l) return NULL;
    aclTensor *a = calloc(l->n ? l->n : 1, sizeof(aclTensor));
    for (uint64_t i = 0; i < l->n; i++) a[i] = *l->v[i];
    return a;
}
/* rows [r0, r0+m) of x (2-D view) times weight view (w3 ? w[e] : w) [K,N] into rows of y */
static void gemm_block(const aclTensor *x, int64_t r0, int64_t m, const aclTensor *w, int64_t e, int w3,
                       const aclTensor *y, const aclTensor *scale, int64_t se, int scale2d, const aclTensor *pts) {
    int64_t k = x->dims[1];
    int64_t n = w3 ? w->dims[2] : w->dims[1];
    int64_t wsK = w3 ? w->strides[1] : w->strides[0], wsN = w3 ? w->strides[2] : w->strides[1];
    int64_t xsK = x->strides[1];
    for (int64_t r = r0; r < r0 + m; r++) {
        for (int64_t j = 0; j < n; j++) {
            const char *wp = w3 ? at(w, e, 0, j, 0) : at(w, 0, j, 0, 0);
            (void) wsN;
            float out;
            if (x->dtype == DT_INT8) {
                const int8_t *xp = (const int8_t *) at(x, r, 0, 0, 0);
                const int8_t *wq = (const int8_t *) wp;
                int32_t acc = 0;
                for (int64_t q = 0; q < k; q++) acc += (int32_t) xp[q * xsK] * (int32_t) wq[q * wsK];
                float sw = bf2f(*(const uint16_t *) (scale2d ? at(scale, se, j, 0, 0) : at(scale, j, 0, 0, 0)));
                float sx = *(const float *) at(pts, r, 0, 0, 0);
                out = (float) acc * sx * sw;
            } else {
                const uint16_t *xp = (const uint16_t *) at(x, r, 0, 0, 0);
                const uint16_t *wb = (const uint16_t *) wp;
                float a[8] = {0};
                int64_t q = 0;
                if (xsK == 1 && wsK == 1) {
                    for (; q + 8 <= k; q += 8)
                        for (int u = 0; u < 8; u++) a[u] += bf2f(xp[q + u]) * bf2f(wb[q + u]);
                }
                for (; q < k; q++) a[0] += bf2f(xp[q * xsK]) * bf2f(wb[q * wsK]);
                out = ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));
            }
            *(uint16_t *) at(y, r, j, 0, 0) = f2bf(out);
        }
    }
}
static aclnnStatus gmm_run(aclOpExecutor *e, void *ws) {
    (void) ws;
    gmm_ctx *c = e->ctx;
    if (c->groupType == 0) {
        const aclTensor *gl = c->groupList;
        int64_t experts = gl->dims[0], row = 0, M = c->x[0].dims[0];
        for (int64_t g = 0; g < experts; g++) {
            int64_t v = *(const int64_t *) at(gl, g, 0, 0, 0);
            int64_t cnt = c->groupListType == 1 ? v : v - row;
            if (cnt < 0 || row + cnt > M) { fake_set_error("GroupedMatmulV4: group list entry %lld out of range", (long long) g); return INNER_ERROR; }
            gemm_block(&c->x[0], row, cnt, &c->w[0], g, 1, &c->y[0], c->scale ? &c->scale[0] : NULL, g, 1, c->pts ? &c->pts[0] : NULL);
            row += cnt;
        }
    } else {
        for (uint64_t i = 0; i < c->n; i++)
            gemm_block(&c->x[i], 0, c->x[i].dims[0], &c->w[i], 0, 0, &c->y[i], c->scale ? &c->scale[i] : NULL, 0, 0,
                       c->pts ? &c->pts[i] : NULL);
    }
    return 0;
}
aclnnStatus aclnnGroupedMatmulV4GetWorkspaceSize(const aclTensorList *x, const aclTensorList *weight, const aclTensorList *biasOptional,
    const aclTensorList *scaleOptional, const aclTensorList *offsetOptional, const aclTensorList *antiquantScaleOptional,
    const aclTensorList *antiquantOffsetOptional, const aclTensorList *perTokenScaleOptional, const aclTensor *groupListOptional,
    const aclTensorList *activationInputOptional, const aclTensorList *activationQuantScaleOptional,
    const aclTensorList *activationQuantOffsetOptional, int64_t splitItem, int64_t groupType, int64_t groupListType, int64_t actType,
    aclTensorList *out, aclTensorList *activationFeatureOutOptional, aclTensorList *dynQuantScaleOutOptional,
    uint64_t *workspaceSize, aclOpExecutor **executor) {
    FAIL_RC("aclnnGroupedMatmulV4GetWorkspaceSize");
    fake_record_reset();
    fake_record_int("splitItem", splitItem); fake_record_int("groupType", groupType);
    fake_record_int("groupListType", groupListType); fake_record_int("actType", actType);
    fake_record_int("x.count", x ? (int64_t) x->n : -1); fake_record_int("weight.count", weight ? (int64_t) weight->n : -1);
    fake_record_int("out.count", out ? (int64_t) out->n : -1);
    if (x && x->n) record_tensor("x0", x->v[0]);
    if (weight && weight->n) record_tensor("weight0", weight->v[0]);
    if (out && out->n) record_tensor("out0", out->v[0]);
    record_tensor("groupList", groupListOptional);
    if (scaleOptional && scaleOptional->n) record_tensor("scale0", scaleOptional->v[0]);
    if (perTokenScaleOptional && perTokenScaleOptional->n) record_tensor("perTokenScale0", perTokenScaleOptional->v[0]);
    if (!x || !weight || !out || !workspaceSize || !executor) { fake_set_error("GroupedMatmulV4: null argument"); return PARAM_NULLPTR; }
    REQUIRE(!biasOptional && !offsetOptional && !antiquantScaleOptional && !antiquantOffsetOptional && !activationInputOptional
            && !activationQuantScaleOptional && !activationQuantOffsetOptional && !activationFeatureOutOptional
            && !dynQuantScaleOutOptional, "GroupedMatmulV4 (double): bias/offset/antiquant/activation inputs not modelled");
    REQUIRE(actType == 0, "GroupedMatmulV4 (double): actType must be 0");
    REQUIRE(x->n >= 1 && x->n <= 128 && weight->n == x->n && out->n == x->n, "GroupedMatmulV4: lists of 1..128 tensors of equal length");
    int quant = x->v[0]->dtype == DT_INT8;
    for (uint64_t i = 0; i < x->n; i++) {
        REQUIRE(x->v[i]->dtype == weight->v[i]->dtype, "GroupedMatmulV4: x and weight dtypes differ");
        REQUIRE(x->v[i]->dtype == DT_BF16 || x->v[i]->dtype == DT_INT8, "GroupedMatmulV4 (double): x must be BF16 or INT8");
        REQUIRE(out->v[i]->dtype == DT_BF16, "GroupedMatmulV4 (double): out must be BF16");
    }
    if (quant) {
        REQUIRE(groupType == 0 && x->n == 1, "GroupedMatmulV4: A8W8 supports only groupType 0 with single-tensor lists");
        REQUIRE(scaleOptional && scaleOptional->n == 1 && scaleOptional->v[0]->dtype == DT_BF16,
                "GroupedMatmulV4: A8W8 with BF16 out needs a BF16 per-channel scale");
        REQUIRE(perTokenScaleOptional && perTokenScaleOptional->n == 1 && perTokenScaleOptional->v[0]->dtype == DT_FLOAT,
                "GroupedMatmulV4: A8W8 with BF16 out needs an FP32 perTokenScale");
    } else {
        REQUIRE(!scaleOptional && !perTokenScaleOptional, "GroupedMatmulV4: scales given for a BF16 GEMM");
    }
    if (groupType == 0) {
        REQUIRE(splitItem == 2 || splitItem == 3, "GroupedMatmulV4: groupType 0 with single-tensor out needs splitItem 2 or 3");
        REQUIRE(x->n == 1, "GroupedMatmulV4: groupType 0 takes one x tensor");
        REQUIRE(groupListOptional && groupListOptional->dtype == DT_INT64 && groupListOptional->ndim == 1,
                "GroupedMatmulV4: groupType 0 needs an INT64 1-D group list");
        REQUIRE(groupListOptional->dims[0] <= 1024, "GroupedMatmulV4: group list longer than 1024");
        REQUIRE(groupListType == 0 || groupListType == 1, "GroupedMatmulV4 (double): groupListType 0 or 1");
        const aclTensor *w = weight->v[0];
        REQUIRE(w->ndim == 3 && w->dims[0] == groupListOptional->dims[0], "GroupedMatmulV4: weight [E,K,N] with E = group list length");
        REQUIRE(x->v[0]->ndim == 2 && x->v[0]->dims[1] == w->dims[1], "GroupedMatmulV4: x [M,K] with K = weight K");
        REQUIRE(out->v[0]->dims[0] == x->v[0]->dims[0] && out->v[0]->dims[1] == w->dims[2], "GroupedMatmulV4: out [M,N]");
    } else {
        REQUIRE(groupType == -1 && !groupListOptional, "GroupedMatmulV4 (double): groupType 0, or -1 without a group list");
        REQUIRE(splitItem == 0 || splitItem == 1, "GroupedMatmulV4: multi-tensor out needs splitItem 0 or 1");
        for (uint64_t i = 0; i < x->n; i++) {
            const aclTensor *a = x->v[i], *w = weight->v[i], *y = out->v[i];
            REQUIRE(a->ndim == 2 && w->ndim == 2 && y->ndim == 2 && a->dims[1] == w->dims[0] && y->dims[0] == a->dims[0]
                    && y->dims[1] == w->dims[1], "GroupedMatmulV4: list entry %llu: x [m,K], weight [K,N], out [m,N]", (unsigned long long) i);
        }
    }
    gmm_ctx *c = calloc(1, sizeof *c);
    c->n = x->n; c->x = copy_list(x); c->w = copy_list(weight); c->y = copy_list(out);
    c->scale = copy_list(scaleOptional); c->pts = copy_list(perTokenScaleOptional);
    c->groupList = copy_tensor(groupListOptional);
    c->groupType = groupType; c->groupListType = groupListType;
    *workspaceSize = 16384;
    *executor = new_executor("GroupedMatmulV4", 16384, gmm_run, gmm_free, c);
    return 0;
}
aclnnStatus aclnnGroupedMatmulV4(void *workspace, uint64_t workspaceSize, aclOpExecutor *executor, aclrtStream stream) {
    return phase2("aclnnGroupedMatmulV4", workspace, workspaceSize, executor, stream);
}

/* ================================================================== FusedInferAttentionScoreV3 */
/* TND head dims (A2, no rope): 1 = the newer rule (Q_D = K_D = V_D <= 256, or 192 with V_D 128/192), 0 = the older
 * one (128, or 192 with V_D 128/192). The double's toolkit file says 9.0.0, whose rule is the newer one. */
static int fia_tnd_wide = 1;
void fake_set_fia_tnd_rule(int wide) { fia_tnd_wide = wide; }
typedef struct {
    aclTensor *q, *k, *v, *qr, *kr, *bt, *out;
    int64_t *seqQ, *seqKv; uint64_t nQ, nKv;
    int64_t numHeads, numKv, sparseMode, blockSize;
    double scale;
    int tnd;
} fia_ctx;
static void fia_free(void *p) {
    fia_ctx *c = p;
    free(c->q); free(c->k); free(c->v); free(c->qr); free(c->kr); free(c->bt); free(c->out); free(c->seqQ); free(c->seqKv); free(c);
}
static int64_t *copy_ints(const aclIntArray *a) {
    if (!a) return NULL;
    int64_t *v = malloc((a->n ? a->n : 1) * sizeof(int64_t));
    memcpy(v, a->v, a->n * sizeof(int64_t));
    return v;
}
static float dot_bf16(const uint16_t *a, int64_t sa, const uint16_t *b, int64_t sb, int64_t n) {
    float acc = 0;
    for (int64_t i = 0; i < n; i++) acc += bf2f(a[i * sa]) * bf2f(b[i * sb]);
    return acc;
}
/* one query row: scores over `seen` keys, given by key pointers fetched through get_key */
static aclnnStatus fia_run(aclOpExecutor *e, void *ws) {
    (void) ws;
    fia_ctx *c = e->ctx;
    int64_t group = c->numHeads / c->numKv;
    if (c->tnd) {
        /* q [T,N,D], k [T,Nkv,D], v [T,Nkv,Dv], cumulative lengths */
        int64_t d = c->q->dims[2], dv = c->v->dims[2];
        int64_t b = (int64_t) c->nQ, qStart = 0, kStart = 0;
        float *p = NULL, *acc = malloc(dv * sizeof(float));
        for (int64_t s = 0; s < b; s++) {
            int64_t lq = c->seqQ[s] - qStart, lk = c->seqKv[s] - kStart;
            p = realloc(p, (lk > 0 ? lk : 1) * sizeof(float));
            for (int64_t i = 0; i < lq; i++) {
                int64_t seen = c->sparseMode == 3 ? i + lk - lq + 1 : lk;
                if (seen > lk) seen = lk;
                for (int64_t h = 0; h < c->numHeads; h++) {
                    int64_t kh = h / group;
                    const uint16_t *qp = (const uint16_t *) at(c->q, qStart + i, h, 0, 0);
                    float mx = -INFINITY;
                    for (int64_t j = 0; j < seen; j++) {
                        p[j] = (float) (c->scale * dot_bf16(qp, c->q->strides[2], (const uint16_t *) at(c->k, kStart + j, kh, 0, 0), c->k->strides[2], d));
                        if (p[j] > mx) mx = p[j];
                    }
                    float sum = 0;
                    for (int64_t j = 0; j < seen; j++) { p[j] = expf(p[j] - mx); sum += p[j]; }
                    for (int64_t x = 0; x < dv; x++) acc[x] = 0;
                    for (int64_t j = 0; j < seen; j++) {
                        const uint16_t *vp = (const uint16_t *) at(c->v, kStart + j, kh, 0, 0);
                        for (int64_t x = 0; x < dv; x++) acc[x] += p[j] * bf2f(vp[x * c->v->strides[2]]);
                    }
                    for (int64_t x = 0; x < dv; x++) *(uint16_t *) at(c->out, qStart + i, h, x, 0) = f2bf(seen ? acc[x] / sum : 0);
                }
            }
            qStart = c->seqQ[s]; kStart = c->seqKv[s];
        }
        free(p); free(acc);
        return 0;
    }
    /* paged BSND: q [B,S,N,D] (+ qr [B,S,N,Dr]), k/v pools [blocks, bs, Nkv*D] (+ kr), block table [B, maxBlk] */
    int64_t B = c->q->dims[0], S = c->q->dims[1], d = c->q->dims[3];
    int64_t dr = c->qr ? c->qr->dims[3] : 0;
    int64_t dv = c->v->dims[2] / c->numKv, bs = c->blockSize, blocks = c->k->dims[0];
    int64_t maxBlk = c->bt->dims[1];
    float *acc = malloc(dv * sizeof(float));
    for (int64_t b = 0; b < B; b++) {
        int64_t len = c->seqKv[b];
        int64_t need = (len + bs - 1) / bs;
        if (need > maxBlk) { fake_set_error("FIA: sequence %lld needs %lld blocks, block table has %lld", (long long) b, (long long) need, (long long) maxBlk); free(acc); return INNER_ERROR; }
        int64_t *blk = malloc((need ? need : 1) * sizeof(int64_t));
        for (int64_t t = 0; t < need; t++) {
            blk[t] = *(const int32_t *) at(c->bt, b, t, 0, 0);
            if (blk[t] < 0 || blk[t] >= blocks) {
                fake_set_error("FIA: block table [%lld,%lld] = %lld is outside the %lld blocks", (long long) b, (long long) t, (long long) blk[t], (long long) blocks);
                free(blk); free(acc); return INNER_ERROR;
            }
        }
        float *p = malloc((len ? len : 1) * sizeof(float));
        for (int64_t s = 0; s < S; s++) {
            int64_t seen = c->sparseMode == 3 ? len - S + s + 1 : len;
            if (seen > len) seen = len;
            if (seen < 0) seen = 0;
            for (int64_t h = 0; h < c->numHeads; h++) {
                int64_t kh = h / group;
                const uint16_t *qp = (const uint16_t *) at(c->q, b, s, h, 0);
                const uint16_t *qrp = c->qr ? (const uint16_t *) at(c->qr, b, s, h, 0) : NULL;
                float mx = -INFINITY;
                for (int64_t j = 0; j < seen; j++) {
                    int64_t pg = blk[j / bs], slot = j % bs;
                    float sc = dot_bf16(qp, c->q->strides[3], (const uint16_t *) at(c->k, pg, slot, kh * d, 0), c->k->strides[2], d);
                    if (qrp) sc += dot_bf16(qrp, c->qr->strides[3], (const uint16_t *) at(c->kr, pg, slot, kh * dr, 0), c->kr->strides[2], dr);
                    p[j] = (float) (c->scale * sc);
                    if (p[j] > mx) mx = p[j];
                }
                float sum = 0;
                for (int64_t j = 0; j < seen; j++) { p[j] = expf(p[j] - mx); sum += p[j]; }
                for (int64_t x = 0; x < dv; x++) acc[x] = 0;
                for (int64_t j = 0; j < seen; j++) {
                    const uint16_t *vp = (const uint16_t *) at(c->v, blk[j / bs], j % bs, kh * dv, 0);
                    float w = p[j];
                    for (int64_t x = 0; x < dv; x++) acc[x] += w * bf2f(vp[x * c->v->strides[2]]);
                }
                for (int64_t x = 0; x < dv; x++) *(uint16_t *) at(c->out, b, s, h, x) = f2bf(seen ? acc[x] / sum : 0);
            }
        }
        free(p); free(blk);
    }
    free(acc);
    return 0;
}
aclnnStatus aclnnFusedInferAttentionScoreV3GetWorkspaceSize(
    const aclTensor *query, const aclTensorList *key, const aclTensorList *value, const aclTensor *pseShiftOptional,
    const aclTensor *attenMaskOptional, const aclIntArray *actualSeqLengthsOptional,
    const aclIntArray *actualSeqLengthsKvOptional, const aclTensor *deqScale1Optional,
    const aclTensor *quantScale1Optional, const aclTensor *deqScale2Optional, const aclTensor *quantScale2Optional,
    const aclTensor *quantOffset2Optional, const aclTensor *antiquantScaleOptional,
    const aclTensor *antiquantOffsetOptional, const aclTensor *blockTableOptional,
    const aclTensor *queryPaddingSizeOptional, const aclTensor *kvPaddingSizeOptional,
    const aclTensor *keyAntiquantScaleOptional, const aclTensor *keyAntiquantOffsetOptional,
    const aclTensor *valueAntiquantScaleOptional, const aclTensor *valueAntiquantOffsetOptional,
    const aclTensor *keySharedPrefixOptional, const aclTensor *valueSharedPrefixOptional,
    const aclIntArray *actualSharedPrefixLenOptional, const aclTensor *queryRopeOptional, const aclTensor *keyRopeOptional,
    const aclTensor *keyRopeAntiquantScaleOptional, int64_t numHeads, double scaleValue, int64_t preTokens,
    int64_t nextTokens, char *inputLayout, int64_t numKeyValueHeads, int64_t sparseMode, int64_t innerPrecise,
    int64_t blockSize, int64_t antiquantMode, bool softmaxLseFlag, int64_t keyAntiquantMode, int64_t valueAntiquantMode,
    const aclTensor *attentionOut, const aclTensor *softmaxLse, uint64_t *workspaceSize, aclOpExecutor **executor) {
    FAIL_RC("aclnnFusedInferAttentionScoreV3GetWorkspaceSize");
    fake_record_reset();
    fake_record_int("numHeads", numHeads); fake_record_int("numKeyValueHeads", numKeyValueHeads);
    fake_record_int("preTokens", preTokens); fake_record_int("nextTokens", nextTokens);
    fake_record_int("sparseMode", sparseMode); fake_record_int("innerPrecise", innerPrecise);
    fake_record_int("blockSize", blockSize); fake_record_int("antiquantMode", antiquantMode);
    fake_record_int("softmaxLseFlag", softmaxLseFlag ? 1 : 0);
    fake_record_int("keyAntiquantMode", keyAntiquantMode); fake_record_int("valueAntiquantMode", valueAntiquantMode);
    fake_record_int("scaleValue.micro", (int64_t) llround(scaleValue * 1e6));
    fake_record_str("inputLayout", inputLayout);
    record_tensor("query", query); record_tensor("queryRope", queryRopeOptional); record_tensor("keyRope", keyRopeOptional);
    record_tensor("attenMask", attenMaskOptional); record_tensor("blockTable", blockTableOptional); record_tensor("attentionOut", attentionOut);
    if (key && key->n) record_tensor("key0", key->v[0]);
    if (value && value->n) record_tensor("value0", value->v[0]);
    fake_record_int("actualSeqLengths.n", actualSeqLengthsOptional ? (int64_t) actualSeqLengthsOptional->n : -1);
    fake_record_int("actualSeqLengthsKv.n", actualSeqLengthsKvOptional ? (int64_t) actualSeqLengthsKvOptional->n : -1);
    if (actualSeqLengthsKvOptional && actualSeqLengthsKvOptional->n) fake_record_int("actualSeqLengthsKv.last", actualSeqLengthsKvOptional->v[actualSeqLengthsKvOptional->n - 1]);
    if (!query || !key || !value || !attentionOut || !workspaceSize || !executor || !inputLayout) { fake_set_error("FIA V3: null argument"); return PARAM_NULLPTR; }
    REQUIRE(!pseShiftOptional && !deqScale1Optional && !quantScale1Optional && !deqScale2Optional && !quantScale2Optional
            && !quantOffset2Optional && !antiquantScaleOptional && !antiquantOffsetOptional && !queryPaddingSizeOptional
            && !kvPaddingSizeOptional && !keyAntiquantScaleOptional && !keyAntiquantOffsetOptional && !valueAntiquantScaleOptional
            && !valueAntiquantOffsetOptional && !keySharedPrefixOptional && !valueSharedPrefixOptional && !actualSharedPrefixLenOptional
            && !keyRopeAntiquantScaleOptional && !softmaxLseFlag && !softmaxLse, "FIA V3 (double): quant/pse/prefix/lse inputs not modelled");
    REQUIRE(key->n == 1 && value->n == 1, "FIA V3: key and value are single-tensor lists here");
    REQUIRE(query->dtype == DT_BF16 && key->v[0]->dtype == DT_BF16 && value->v[0]->dtype == DT_BF16 && attentionOut->dtype == DT_BF16,
            "FIA V3 (double): BF16 query, key, value and out");
    REQUIRE(numKeyValueHeads > 0 && numHeads % numKeyValueHeads == 0 && (queryRopeOptional || numHeads / numKeyValueHeads <= 64),
            "FIA V3: numHeads must be a multiple of numKeyValueHeads, ratio <= 64 (MLA: Q_N up to 128 over K_N = 1)");
    REQUIRE(sparseMode == 0 || sparseMode == 3, "FIA V3 (double): sparseMode 0 or 3");
    if (sparseMode == 3) {
        REQUIRE(attenMaskOptional && attenMaskOptional->ndim == 2 && attenMaskOptional->dims[0] == 2048 && attenMaskOptional->dims[1] == 2048
                && (attenMaskOptional->dtype == DT_BOOL || attenMaskOptional->dtype == DT_UINT8),
                "FIA V3: sparseMode 3 needs the optimised 2048x2048 BOOL/UINT8 mask");
    } else {
        REQUIRE(!attenMaskOptional, "FIA V3 (double): a mask with sparseMode 0 is not modelled");
    }
    /* "非连续Tensor ×" for query/key/value/queryRope/keyRope: CANN would copy such views through the workspace on
     * every launch; the double refuses them, so a strided view cannot slip back in. */
    REQUIRE(contiguous(query) && contiguous(key->v[0]) && contiguous(value->v[0])
            && (!queryRopeOptional || contiguous(queryRopeOptional)) && (!keyRopeOptional || contiguous(keyRopeOptional)),
            "FIA V3: query, key, value, queryRope and keyRope must be contiguous (non-contiguous inputs are unsupported)");
    if (strcmp(inputLayout, "TND") == 0 && !queryRopeOptional) {
        int64_t dk = query->dims[2], dv = value->v[0]->ndim == 3 ? value->v[0]->dims[2] : -1;
        int narrow = (dk == 128 && dv == 128) || (dk == 192 && (dv == 128 || dv == 192));
        int wide = (dk == dv && dk <= 256) || (dk == 192 && (dv == 128 || dv == 192));
        REQUIRE(fia_tnd_wide ? wide : narrow, "FIA V3: TND takes %s; got Q_D=%lld, V_D=%lld",
                fia_tnd_wide ? "Q_D = K_D = V_D <= 256 or Q_D = K_D = 192 with V_D 128/192"
                             : "Q_D = K_D = V_D = 128 or Q_D = K_D = 192 with V_D 128/192", (long long) dk, (long long) dv);
        REQUIRE(query->dtype == DT_BF16 || query->dtype == DT_FLOAT16, "FIA V3: TND takes FLOAT16 or BFLOAT16");
        REQUIRE(innerPrecise == 0, "FIA V3: TND with GQA, or BF16, takes innerPrecise 0 only, got %lld", (long long) innerPrecise);
        if (sparseMode == 3 && actualSeqLengthsOptional && actualSeqLengthsKvOptional
                && actualSeqLengthsOptional->n == actualSeqLengthsKvOptional->n) {
            /* documented as actualSeqLengths < actualSeqLengthsKv per batch; self-attention passes equal lengths
             * (as vllm-ascend does), so the double holds it to <= */
            for (uint64_t i = 0; i < actualSeqLengthsOptional->n; i++) {
                int64_t lq = actualSeqLengthsOptional->v[i] - (i ? actualSeqLengthsOptional->v[i - 1] : 0);
                int64_t lk = actualSeqLengthsKvOptional->v[i] - (i ? actualSeqLengthsKvOptional->v[i - 1] : 0);
                REQUIRE(lq <= lk, "FIA V3: sparse mode 3 needs each batch's query length <= its KV length (%lld > %lld)",
                        (long long) lq, (long long) lk);
            }
        }
        REQUIRE(actualSeqLengthsOptional && actualSeqLengthsOptional->n <= 4096, "FIA V3: TND takes at most 4096 lengths");
    }
    fia_ctx *c = calloc(1, sizeof *c);
    c->numHeads = numHeads; c->numKv = numKeyValueHeads; c->sparseMode = sparseMode; c->scale = scaleValue;
    if (strcmp(inputLayout, "TND") == 0) {
        REQUIRE(!blockTableOptional && !queryRopeOptional, "FIA V3 (double): TND without paging or rope");
        REQUIRE(actualSeqLengthsOptional && actualSeqLengthsKvOptional && actualSeqLengthsOptional->n == actualSeqLengthsKvOptional->n,
                "FIA V3: TND needs actualSeqLengths and actualSeqLengthsKv of B entries each");
        for (uint64_t i = 1; i < actualSeqLengthsOptional->n; i++)
            REQUIRE(actualSeqLengthsOptional->v[i] >= actualSeqLengthsOptional->v[i - 1], "FIA V3: TND lengths must be cumulative");
        REQUIRE(query->ndim == 3 && query->dims[1] == numHeads, "FIA V3: TND query [T,N,D]");
        REQUIRE(actualSeqLengthsOptional->v[actualSeqLengthsOptional->n - 1] == query->dims[0], "FIA V3: last cumulative length must be T");
        REQUIRE(key->v[0]->ndim == 3 && key->v[0]->dims[1] == numKeyValueHeads, "FIA V3: TND key [T,Nkv,D]");
        c->tnd = 1;
    } else {
        REQUIRE(strcmp(inputLayout, "BSND") == 0, "FIA V3 (double): layout TND or BSND, got %s", inputLayout);
        REQUIRE(blockTableOptional && blockTableOptional->dtype == DT_INT32 && blockTableOptional->ndim == 2,
                "FIA V3 (double): BSND only with paged KV (INT32 2-D block table)");
        REQUIRE(query->ndim == 4 && query->dims[2] == numHeads, "FIA V3: BSND query [B,S,N,D]");
        REQUIRE(actualSeqLengthsKvOptional && (int64_t) actualSeqLengthsKvOptional->n == query->dims[0],
                "FIA V3: paged attention needs actualSeqLengthsKv with one entry per batch");
        REQUIRE(key->v[0]->ndim == 3 && key->v[0]->dims[1] == blockSize, "FIA V3: paged key [blockNum, blockSize, H] with blockSize %lld", (long long) blockSize);
        REQUIRE(blockTableOptional->dims[0] == query->dims[0], "FIA V3: block table [B, maxBlocks]");
        if (queryRopeOptional) {
            REQUIRE(keyRopeOptional, "FIA V3: queryRope needs keyRope");
            REQUIRE(blockSize == 16 || blockSize == 128, "FIA V3: MLA paged attention needs blockSize 16 or 128, got %lld", (long long) blockSize);
            REQUIRE(numKeyValueHeads == 1 && query->dims[3] == 512 && queryRopeOptional->dims[3] == 64, "FIA V3: MLA needs K_N = 1, D = 512, rope D = 64");
            REQUIRE(query->dims[1] >= 1 && query->dims[1] <= 16, "FIA V3: MLA Q_S 1..16");
            REQUIRE(query->dims[1] == 1 ? sparseMode == 0 : sparseMode == 3, "FIA V3: MLA Q_S = 1 takes sparse 0, Q_S > 1 sparse 3");
        } else {
            REQUIRE(blockSize > 0 && blockSize <= 512 && blockSize % 16 == 0, "FIA V3: IFA blockSize must be 16-aligned and <= 512");
        }
        c->qr = copy_tensor(queryRopeOptional); c->kr = copy_tensor(keyRopeOptional); c->bt = copy_tensor(blockTableOptional);
        c->blockSize = blockSize;
    }
    c->q = copy_tensor(query); c->k = copy_tensor(key->v[0]); c->v = copy_tensor(value->v[0]); c->out = copy_tensor(attentionOut);
    c->seqQ = copy_ints(actualSeqLengthsOptional); c->nQ = actualSeqLengthsOptional ? actualSeqLengthsOptional->n : 0;
    c->seqKv = copy_ints(actualSeqLengthsKvOptional); c->nKv = actualSeqLengthsKvOptional ? actualSeqLengthsKvOptional->n : 0;
    *workspaceSize = 65536;
    *executor = new_executor("FusedInferAttentionScoreV3", 65536, fia_run, fia_free, c);
    return 0;
}
aclnnStatus aclnnFusedInferAttentionScoreV3(void *workspace, uint64_t workspaceSize, aclOpExecutor *executor, aclrtStream stream) {
    return phase2("aclnnFusedInferAttentionScoreV3", workspace, workspaceSize, executor, stream);
}
