/* Fake DeepSeek sparse-attention operators, TEST SOURCES ONLY: aclnnSparseFlashAttention (SFA) and
 * aclnnLightningIndexer (LI), built several times (see pom.xml):
 *   FAKE_SFA_ABI=17  vllm-ascend <= 0.20's custom package: 17-argument SFA (no softmax outputs);
 *   FAKE_SFA_ABI=23  vllm-ascend >= 0.21's custom package, or CANN's built-in ops-transformer op (23 arguments,
 *                    REQUIRED FP32 softmaxMax / softmaxSum).
 * Semantics this backend assumes (UNCONFIRMED on hardware), computed with plain reference math:
 *   SFA: sparse_indices [B,S1,1,k] / [T,1,k] INT32 are positions within batch b's KV (PA_BSND: through its block
 *        table; TND: rows from the batch's start), valid entries first then -1 (a valid entry after an invalid
 *        one is an error, the docs' requirement); out = softmax(scale * (q.k + qr.kr)) . v over them.
 *   LI:  score[j] = sum_h w[h] * ReLU(q[h].k[j]) (BF16 inputs, F32 accumulation); sparse_mode 3 = causal aligned
 *        right-down; writes the top-k positions sorted by score (ties: lower position first), then -1.
 * Inputs must be contiguous (both docs mark non-contiguous query/key/rope inputs unsupported). */
#include "fake_common.h"
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <stdio.h>

#ifndef FAKE_SFA_ABI
#define FAKE_SFA_ABI 23
#endif

#define PARAM_INVALID 161002
#define PARAM_NULLPTR 161001
#define INNER_ERROR 561000
#define FAIL_RC(fn) do { int c_; if (fake_should_fail(fn, &c_)) return c_; } while (0)
#define REQUIRE(cond, ...) do { if (!(cond)) { fake_set_error(__VA_ARGS__); return PARAM_INVALID; } } while (0)

int fake_valid_stream(aclrtStream stream);
void fake_free_executor(aclOpExecutor *e);

/** Which SFA signature this build exports (17 or 23). */
int fake_sfa_abi(void) { return FAKE_SFA_ABI; }

static inline float bf2f(uint16_t h) { uint32_t u = (uint32_t) h << 16; float f; memcpy(&f, &u, 4); return f; }
static inline uint16_t f2bf(float f) {
    uint32_t u; memcpy(&u, &f, 4);
    if ((u & 0x7fffffffu) > 0x7f800000u) return (uint16_t) ((u >> 16) | 0x40);
    u += 0x7fffu + ((u >> 16) & 1u);
    return (uint16_t) (u >> 16);
}
static int64_t esize(int dt) { return dt == DT_BF16 || dt == DT_FLOAT16 ? 2 : dt == DT_INT64 ? 8 : 4; }
static int64_t numel(const aclTensor *t) { int64_t n = 1; for (uint64_t i = 0; i < t->ndim; i++) n *= t->dims[i]; return n; }
static int contiguous(const aclTensor *t) {
    int64_t s = 1;
    for (int64_t i = (int64_t) t->ndim - 1; i >= 0; i--) { if (t->dims[i] != 1 && t->strides[i] != s) return 0; s *= t->dims[i]; }
    return 1;
}
/* element i of a contiguous tensor */
static inline void *el(const aclTensor *t, int64_t i) { return (char *) t->data + (t->offset + i) * esize(t->dtype); }
static inline int32_t i32(const aclTensor *t, int64_t i) { return *(const int32_t *) el(t, i); }
static aclTensor *copy_tensor(const aclTensor *t) { if (!t) return NULL; aclTensor *c = malloc(sizeof *c); *c = *t; return c; }
static aclOpExecutor *new_executor(const char *op, aclnnStatus (*run)(aclOpExecutor *, void *), void (*fr)(void *), void *ctx) {
    aclOpExecutor *e = calloc(1, sizeof *e);
    e->op = op; e->workspaceSize = 4096; e->run = run; e->freeCtx = fr; e->ctx = ctx;
    fake_track("executor", 1);
    return e;
}
static aclnnStatus phase2(const char *fn, void *workspace, uint64_t workspaceSize, aclOpExecutor *e, aclrtStream stream) {
    FAIL_RC(fn);
    if (!e) return PARAM_NULLPTR;
    if (!fake_valid_stream(stream)) { fake_set_error("%s: bad stream", fn); return PARAM_INVALID; }
    if (!workspace || workspaceSize < e->workspaceSize) { fake_set_error("%s: workspace missing", fn); return PARAM_INVALID; }
    aclnnStatus rc = e->run(e, workspace);
    if (!e->repeatable) fake_free_executor(e);
    return rc;
}
static int is_layout(const char *s, const char *want) { return s && strcmp(s, want) == 0; }
/* batch count and per-batch [start, length) of a TND (cumulative) or BSND/PA (per batch) length tensor */
static int read_lengths(const aclTensor *t, int cumulative, int64_t n, int64_t *start, int64_t *len) {
    int64_t prev = 0;
    for (int64_t b = 0; b < n; b++) {
        int64_t v = i32(t, b);
        if (cumulative) { if (v < prev) return 0; start[b] = prev; len[b] = v - prev; prev = v; }
        else { if (v < 0) return 0; start[b] = 0; len[b] = v; }
    }
    return 1;
}

/* ================================================================== SparseFlashAttention */
typedef struct {
    aclTensor *q, *qr, *k, *kr, *v, *idx, *bt, *out, *smax, *ssum;
    int tnd; int64_t B, nq, *qBatch, *kvStart, *kvLen; double scale;
} sfa_ctx;
static void sfa_free(void *p) {
    sfa_ctx *c = p;
    free(c->q); free(c->qr); free(c->k); free(c->kr); free(c->v); free(c->idx); free(c->bt); free(c->out);
    free(c->smax); free(c->ssum); free(c->qBatch); free(c->kvStart); free(c->kvLen); free(c);
}
/* BF16 values of a contiguous tensor as F32 (converted once per run; the double's only speed-up) */
static float *to_f32(const aclTensor *t) {
    int64_t n = numel(t);
    float *f = malloc((n ? n : 1) * sizeof(float));
    const uint16_t *x = el(t, 0);
    for (int64_t i = 0; i < n; i++) f[i] = bf2f(x[i]);
    return f;
}
/* F32 dot product, eight partial sums (the order differs from a plain loop only by F32 rounding) */
static inline float dotf(const float *x, const float *y, int64_t n) {
    float a[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) for (int j = 0; j < 8; j++) a[j] += x[i + j] * y[i + j];
    float acc = ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));
    for (; i < n; i++) acc += x[i] * y[i];
    return acc;
}
static aclnnStatus sfa_run(aclOpExecutor *e, void *ws) {
    (void) ws;
    sfa_ctx *c = e->ctx;
    int64_t H = c->q->dims[c->q->ndim - 2], D = c->q->dims[c->q->ndim - 1], Dr = c->qr->dims[c->qr->ndim - 1];
    int64_t Dv = c->v->dims[c->v->ndim - 1], k = c->idx->dims[c->idx->ndim - 1];
    int64_t bs = c->tnd ? 1 : c->k->dims[1], blocks = c->tnd ? 0 : c->k->dims[0], maxBlk = c->bt ? c->bt->dims[1] : 0;
    int64_t *rows = malloc((k ? k : 1) * sizeof(int64_t));
    float *p = malloc((k ? k : 1) * sizeof(float)), *acc = malloc(Dv * sizeof(float));
    float *qf = to_f32(c->q), *qrf = to_f32(c->qr), *kf = to_f32(c->k), *krf = to_f32(c->kr), *vf = to_f32(c->v);
    aclnnStatus rc = 0;
    for (int64_t qi = 0; qi < c->nq && !rc; qi++) {
        int64_t b = c->qBatch[qi], n = 0, seenInvalid = 0;
        for (int64_t j = 0; j < k; j++) {
            int64_t t = i32(c->idx, qi * k + j);
            if (t < 0 || t >= c->kvLen[b]) { seenInvalid = 1; continue; }
            if (seenInvalid) { fake_set_error("SFA: sparse_indices row %lld has a valid entry after an invalid one (valid entries must come first)", (long long) qi); rc = PARAM_INVALID; break; }
            if (c->tnd) { rows[n++] = c->kvStart[b] + t; continue; }
            if (t / bs >= maxBlk) { fake_set_error("SFA: position %lld beyond the block table", (long long) t); rc = INNER_ERROR; break; }
            int64_t blk = i32(c->bt, b * maxBlk + t / bs);
            if (blk < 0 || blk >= blocks) { fake_set_error("SFA: block %lld out of range", (long long) blk); rc = INNER_ERROR; break; }
            rows[n++] = blk * bs + t % bs;
        }
        if (rc) break;
        for (int64_t h = 0; h < H; h++) {
            const float *qp = qf + (qi * H + h) * D, *qrp = qrf + (qi * H + h) * Dr;
            float mx = -INFINITY;
            for (int64_t j = 0; j < n; j++) {
                p[j] = (float) (c->scale * (dotf(qp, kf + rows[j] * D, D) + dotf(qrp, krf + rows[j] * Dr, Dr)));
                if (p[j] > mx) mx = p[j];
            }
            float sum = 0;
            for (int64_t j = 0; j < n; j++) { p[j] = expf(p[j] - mx); sum += p[j]; }
            for (int64_t x = 0; x < Dv; x++) acc[x] = 0;
            for (int64_t j = 0; j < n; j++) {
                const float *vp = vf + rows[j] * Dv;
                for (int64_t x = 0; x < Dv; x++) acc[x] += p[j] * vp[x];
            }
            uint16_t *op = el(c->out, (qi * H + h) * Dv);
            for (int64_t x = 0; x < Dv; x++) op[x] = f2bf(n ? acc[x] / sum : 0);
            if (c->smax) { *(float *) el(c->smax, qi * H + h) = mx; *(float *) el(c->ssum, qi * H + h) = sum; }
        }
    }
    free(rows); free(p); free(acc); free(qf); free(qrf); free(kf); free(krf); free(vf);
    return rc;
}
static aclnnStatus sfa_prepare(const aclTensor *query, const aclTensor *key, const aclTensor *value,
    const aclTensor *sparseIndices, const aclTensor *blockTable, const aclTensor *asq, const aclTensor *askv,
    const aclTensor *queryRope, const aclTensor *keyRope, double scaleValue, int64_t sparseBlockSize, const char *layoutQuery,
    const char *layoutKv, int64_t sparseMode, int64_t attentionMode, const aclTensor *out, const aclTensor *smax,
    const aclTensor *ssum, uint64_t *workspaceSize, aclOpExecutor **executor) {
    fake_record_int("sfa.abi", FAKE_SFA_ABI);
    fake_record_str("layoutQuery", layoutQuery); fake_record_str("layoutKv", layoutKv);
    fake_record_int("sparseBlockSize", sparseBlockSize); fake_record_int("sparseMode", sparseMode);
    fake_record_int("attentionMode", attentionMode);
    if (!query || !key || !value || !sparseIndices || !out || !workspaceSize || !executor || !queryRope || !keyRope) {
        fake_set_error("SFA: null argument"); return PARAM_NULLPTR;
    }
    REQUIRE(attentionMode == 2, "SFA: attention_mode 2 (MLA-absorb) only");
    REQUIRE(sparseMode == 0 || sparseMode == 3, "SFA: sparse_mode 0 or 3");
    REQUIRE(sparseBlockSize >= 1 && sparseBlockSize <= 128 && (sparseBlockSize & (sparseBlockSize - 1)) == 0, "SFA: sparse_block_size a power of 2 in [1,128]");
    REQUIRE(sparseBlockSize == 1 && sparseMode == 0, "SFA (double): sparse_block_size 1 and sparse_mode 0 only");
    const aclTensor *all[] = {query, key, value, sparseIndices, queryRope, keyRope, out};
    for (int i = 0; i < 7; i++) REQUIRE(contiguous(all[i]), "SFA: non-contiguous tensor %d (the docs mark strided inputs unsupported)", i);
    int tnd = is_layout(layoutQuery, "TND");
    REQUIRE((tnd && is_layout(layoutKv, "TND")) || (is_layout(layoutQuery, "BSND") && is_layout(layoutKv, "PA_BSND")),
            "SFA (double): layouts BSND/PA_BSND or TND/TND, got %s/%s", layoutQuery, layoutKv);
    REQUIRE(query->dims[query->ndim - 1] == 512 && queryRope->dims[queryRope->ndim - 1] == 64, "SFA: query D 512, rope D 64");
    REQUIRE(query->dtype == DT_BF16 && key->dtype == DT_BF16 && value->dtype == DT_BF16 && out->dtype == DT_BF16, "SFA (double): BF16");
    REQUIRE(sparseIndices->dtype == DT_INT32, "SFA: sparse_indices INT32");
    int64_t B, nq, H = query->dims[query->ndim - 2];
    int64_t *qBatch, *kvStart, *kvLen;
    if (tnd) {
        REQUIRE(query->ndim == 3 && key->ndim == 3 && key->dims[1] == 1 && sparseIndices->ndim == 3 && sparseIndices->dims[1] == 1,
                "SFA: TND query [T,N1,D], key [T,1,D], sparse_indices [T,1,k]");
        REQUIRE(asq && askv && asq->dtype == DT_INT32 && askv->dtype == DT_INT32 && asq->ndim == 1 && askv->dims[0] == asq->dims[0],
                "SFA (double): TND needs INT32 [B] cumulative actual_seq_lengths_query and _kv");
        REQUIRE(!blockTable, "SFA (double): no block table with TND");
        B = asq->dims[0]; nq = query->dims[0];
        int64_t *qs = malloc(B * sizeof(int64_t)), *ql = malloc(B * sizeof(int64_t));
        kvStart = malloc(B * sizeof(int64_t)); kvLen = malloc(B * sizeof(int64_t));
        int ok = read_lengths(asq, 1, B, qs, ql) && read_lengths(askv, 1, B, kvStart, kvLen)
                 && qs[B - 1] + ql[B - 1] == nq && kvStart[B - 1] + kvLen[B - 1] == key->dims[0];
        qBatch = malloc(nq * sizeof(int64_t));
        for (int64_t b = 0; ok && b < B; b++) for (int64_t t = qs[b]; t < qs[b] + ql[b]; t++) qBatch[t] = b;
        free(qs); free(ql);
        if (!ok) { free(kvStart); free(kvLen); free(qBatch); fake_set_error("SFA: cumulative lengths do not cover T"); return PARAM_INVALID; }
    } else {
        REQUIRE(query->ndim == 4 && key->ndim == 4 && key->dims[2] == 1 && value->dims[2] == 1, "SFA: PA_BSND key [blocks, bs, 1, D], KV_N 1");
        REQUIRE(key->dims[1] % 16 == 0 && key->dims[1] <= 1024, "SFA: block size a multiple of 16, <= 1024");
        REQUIRE(sparseIndices->ndim == 4 && sparseIndices->dims[2] == 1, "SFA: sparse_indices INT32 [B,Q_S,KV_N,k]");
        REQUIRE(blockTable && blockTable->dtype == DT_INT32 && blockTable->ndim == 2, "SFA: PA_BSND needs an INT32 block table");
        REQUIRE(!asq, "SFA (double): no query lengths with BSND");
        REQUIRE(askv && askv->dtype == DT_INT32 && askv->dims[0] == query->dims[0], "SFA (double): actual_seq_lengths_kv INT32 [B]");
        B = query->dims[0]; nq = B * query->dims[1];
        kvStart = malloc(B * sizeof(int64_t)); kvLen = malloc(B * sizeof(int64_t));
        if (!read_lengths(askv, 0, B, kvStart, kvLen)) { free(kvStart); free(kvLen); fake_set_error("SFA: negative length"); return PARAM_INVALID; }
        qBatch = malloc(nq * sizeof(int64_t));
        for (int64_t i = 0; i < nq; i++) qBatch[i] = i / query->dims[1];
        fake_record_int("actualSeqLengthsKv0", kvLen[0]);
    }
    if (FAKE_SFA_ABI == 23) {
        int ok = smax && ssum && smax->dtype == DT_FLOAT && ssum->dtype == DT_FLOAT && numel(smax) == nq * H && numel(ssum) == nq * H
                 && contiguous(smax) && contiguous(ssum);
        if (!ok) { free(kvStart); free(kvLen); free(qBatch); fake_set_error("SFA: softmax_max / softmax_sum are REQUIRED FP32 outputs of N2*S1*N1 per batch"); return smax && ssum ? PARAM_INVALID : PARAM_NULLPTR; }
        fake_record_int("softmaxMax.ndim", (int64_t) smax->ndim);
        for (uint64_t i = 0; i < smax->ndim; i++) { char key_[32]; snprintf(key_, sizeof key_, "softmaxMax.dim%llu", (unsigned long long) i); fake_record_int(key_, smax->dims[i]); }
    }
    sfa_ctx *c = calloc(1, sizeof *c);
    c->q = copy_tensor(query); c->qr = copy_tensor(queryRope); c->k = copy_tensor(key); c->kr = copy_tensor(keyRope);
    c->v = copy_tensor(value); c->idx = copy_tensor(sparseIndices); c->bt = copy_tensor(blockTable); c->out = copy_tensor(out);
    c->smax = copy_tensor(smax); c->ssum = copy_tensor(ssum);
    c->tnd = tnd; c->B = B; c->nq = nq; c->qBatch = qBatch; c->kvStart = kvStart; c->kvLen = kvLen; c->scale = scaleValue;
    *executor = new_executor("SparseFlashAttention", sfa_run, sfa_free, c);
    *workspaceSize = 4096;
    return 0;
}
#if FAKE_SFA_ABI == 23
aclnnStatus aclnnSparseFlashAttentionGetWorkspaceSize(const aclTensor *query, const aclTensor *key, const aclTensor *value,
    const aclTensor *sparseIndices, const aclTensor *blockTableOptional, const aclTensor *actualSeqLengthsQueryOptional,
    const aclTensor *actualSeqLengthsKvOptional, const aclTensor *queryRopeOptional, const aclTensor *keyRopeOptional,
    double scaleValue, int64_t sparseBlockSizeOptional, char *layoutQueryOptional, char *layoutKvOptional, int64_t sparseMode,
    int64_t preTokens, int64_t nextTokens, int64_t attentionMode, bool returnSoftmaxLse, const aclTensor *attentionOut,
    const aclTensor *softmaxMax, const aclTensor *softmaxSum, uint64_t *workspaceSize, aclOpExecutor **executor) {
    FAIL_RC("aclnnSparseFlashAttentionGetWorkspaceSize");
    fake_record_reset();
    fake_record_int("preTokens", preTokens); fake_record_int("nextTokens", nextTokens);
    fake_record_int("returnSoftmaxLse", returnSoftmaxLse);
    return sfa_prepare(query, key, value, sparseIndices, blockTableOptional, actualSeqLengthsQueryOptional,
                       actualSeqLengthsKvOptional, queryRopeOptional, keyRopeOptional, scaleValue, sparseBlockSizeOptional,
                       layoutQueryOptional, layoutKvOptional, sparseMode, attentionMode, attentionOut, softmaxMax, softmaxSum,
                       workspaceSize, executor);
}
#else
aclnnStatus aclnnSparseFlashAttentionGetWorkspaceSize(const aclTensor *query, const aclTensor *key, const aclTensor *value,
    const aclTensor *sparseIndices, const aclTensor *blockTableOptional, const aclTensor *actualSeqLengthsQueryOptional,
    const aclTensor *actualSeqLengthsKvOptional, const aclTensor *queryRopeOptional, const aclTensor *keyRopeOptional,
    double scaleValue, int64_t sparseBlockSizeOptional, char *layoutQueryOptional, char *layoutKvOptional, int64_t sparseMode,
    const aclTensor *attentionOut, uint64_t *workspaceSize, aclOpExecutor **executor) {
    FAIL_RC("aclnnSparseFlashAttentionGetWorkspaceSize");
    fake_record_reset();
    return sfa_prepare(query, key, value, sparseIndices, blockTableOptional, actualSeqLengthsQueryOptional,
                       actualSeqLengthsKvOptional, queryRopeOptional, keyRopeOptional, scaleValue, sparseBlockSizeOptional,
                       layoutQueryOptional, layoutKvOptional, sparseMode, 2, attentionOut, NULL, NULL, workspaceSize, executor);
}
#endif
aclnnStatus aclnnSparseFlashAttention(void *workspace, uint64_t workspaceSize, aclOpExecutor *executor, aclrtStream stream) {
    return phase2("aclnnSparseFlashAttention", workspace, workspaceSize, executor, stream);
}

/* ================================================================== LightningIndexer */
typedef struct {
    aclTensor *q, *k, *w, *bt, *out;
    int tnd, mode; int64_t B, nq, topk, *qBatch, *qPos, *qLen, *kvStart, *kvLen;
} li_ctx;
static void li_free(void *p) {
    li_ctx *c = p;
    free(c->q); free(c->k); free(c->w); free(c->bt); free(c->out);
    free(c->qBatch); free(c->qPos); free(c->qLen); free(c->kvStart); free(c->kvLen); free(c);
}
static const float *g_scores;
static int by_score(const void *a, const void *b) {
    int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
    float sx = g_scores[x], sy = g_scores[y];
    if (sx > sy) return -1;
    if (sx < sy) return 1;
    return x < y ? -1 : x > y;
}
static aclnnStatus li_run(aclOpExecutor *e, void *ws) {
    (void) ws;
    li_ctx *c = e->ctx;
    int64_t H = c->q->dims[c->q->ndim - 2], D = c->q->dims[c->q->ndim - 1];
    int64_t bs = c->tnd ? 1 : c->k->dims[1], blocks = c->tnd ? 0 : c->k->dims[0], maxBlk = c->bt ? c->bt->dims[1] : 0;
    int64_t maxKv = 1;
    for (int64_t b = 0; b < c->B; b++) if (c->kvLen[b] > maxKv) maxKv = c->kvLen[b];
    float *score = malloc(maxKv * sizeof(float)), *w = malloc(H * sizeof(float));
    int64_t *order = malloc(maxKv * sizeof(int64_t));
    float *qf = to_f32(c->q), *kf = to_f32(c->k);
    aclnnStatus rc = 0;
    for (int64_t qi = 0; qi < c->nq && !rc; qi++) {
        int64_t b = c->qBatch[qi], L = c->kvLen[b];
        int64_t n = c->mode == 3 ? L - (c->qLen[b] - 1 - c->qPos[qi]) : L;
        if (n < 0) n = 0;
        if (n > L) n = L;
        for (int64_t h = 0; h < H; h++) w[h] = c->w->dtype == DT_BF16 ? bf2f(*(const uint16_t *) el(c->w, qi * H + h)) : 0;
        for (int64_t j = 0; j < n; j++) {
            int64_t row;
            if (c->tnd) row = c->kvStart[b] + j;
            else {
                if (j / bs >= maxBlk) { fake_set_error("LI: position %lld beyond the block table", (long long) j); rc = INNER_ERROR; break; }
                int64_t blk = i32(c->bt, b * maxBlk + j / bs);
                if (blk < 0 || blk >= blocks) { fake_set_error("LI: block %lld out of range", (long long) blk); rc = INNER_ERROR; break; }
                row = blk * bs + j % bs;
            }
            const float *kp = kf + row * D;
            float s = 0;
            for (int64_t h = 0; h < H; h++) {
                float d = dotf(qf + (qi * H + h) * D, kp, D);
                if (d > 0) s += w[h] * d;
            }
            score[j] = s; order[j] = j;
        }
        if (rc) break;
        g_scores = score;
        qsort(order, (size_t) n, sizeof(int64_t), by_score);
        int32_t *op = el(c->out, qi * c->topk);
        for (int64_t j = 0; j < c->topk; j++) op[j] = j < n ? (int32_t) order[j] : -1;
    }
    free(score); free(w); free(order); free(qf); free(kf);
    return rc;
}
aclnnStatus aclnnLightningIndexerGetWorkspaceSize(const aclTensor *query, const aclTensor *key, const aclTensor *weights,
    const aclTensor *actualSeqLengthsQueryOptional, const aclTensor *actualSeqLengthsKeyOptional, const aclTensor *blockTableOptional,
    char *layoutQueryOptional, char *layoutKeyOptional, int64_t sparseCount, int64_t sparseMode, int64_t preTokens,
    int64_t nextTokens, bool returnValues, const aclTensor *sparseIndicesOut, const aclTensor *sparseValuesOut,
    uint64_t *workspaceSize, aclOpExecutor **executor) {
    FAIL_RC("aclnnLightningIndexerGetWorkspaceSize");
    fake_record_reset();
    fake_record_str("li.layoutQuery", layoutQueryOptional); fake_record_str("li.layoutKey", layoutKeyOptional);
    fake_record_int("li.sparseCount", sparseCount); fake_record_int("li.sparseMode", sparseMode);
    fake_record_int("li.preTokens", preTokens); fake_record_int("li.nextTokens", nextTokens);
    fake_record_int("li.returnValues", returnValues); fake_record_int("li.valuesPresent", sparseValuesOut != NULL);
    if (!query || !key || !weights || !sparseIndicesOut || !workspaceSize || !executor) { fake_set_error("LI: null argument"); return PARAM_NULLPTR; }
    fake_record_int("li.weights.dtype", weights->dtype);
    const aclTensor *all[] = {query, key, weights, sparseIndicesOut};
    for (int i = 0; i < 4; i++) REQUIRE(contiguous(all[i]), "LI: non-contiguous tensor %d", i);
    REQUIRE(query->dtype == DT_BF16 || query->dtype == DT_FLOAT16, "LI: query FP16/BF16");
    REQUIRE(query->dtype == DT_BF16 && key->dtype == DT_BF16, "LI (double): BF16 query and key");
    REQUIRE(weights->dtype == query->dtype, "LI (double): weights in the query's dtype (FP16/BF16), got dtype %d", weights->dtype);
    REQUIRE(sparseIndicesOut->dtype == DT_INT32, "LI: sparse_indices INT32");
    REQUIRE(sparseMode == 0 || sparseMode == 3, "LI: sparse_mode 0 or 3");
    REQUIRE((sparseCount >= 1 && sparseCount <= 2048) || (sparseCount >= 3072 && sparseCount <= 8192 && sparseCount % 1024 == 0),
            "LI: sparse_count in [1,2048] or {3072,...,8192}");
    REQUIRE(!returnValues || sparseValuesOut, "LI: sparse_values_out needed with return_value");
    int tnd = is_layout(layoutQueryOptional, "TND");
    REQUIRE((tnd && is_layout(layoutKeyOptional, "TND")) || (is_layout(layoutQueryOptional, "BSND") && is_layout(layoutKeyOptional, "PA_BSND")),
            "LI (double): layouts BSND/PA_BSND or TND/TND, got %s/%s", layoutQueryOptional, layoutKeyOptional);
    int64_t D = query->dims[query->ndim - 1], H = query->dims[query->ndim - 2];
    REQUIRE(D == 128 && key->dims[key->ndim - 1] == 128, "LI: D = 128");
    REQUIRE(H >= 1 && H <= 64, "LI: N1 <= 64");
    REQUIRE(key->dims[key->ndim - 2] == 1, "LI: N2 = 1");
    REQUIRE(sparseIndicesOut->dims[sparseIndicesOut->ndim - 1] == sparseCount && sparseIndicesOut->dims[sparseIndicesOut->ndim - 2] == 1,
            "LI: sparse_indices [.., N2, sparse_count]");
    int64_t B, nq, *qBatch, *qPos, *qLen, *kvStart, *kvLen;
    if (tnd) {
        REQUIRE(query->ndim == 3 && key->ndim == 3 && weights->ndim == 2 && sparseIndicesOut->ndim == 3, "LI: TND shapes");
        REQUIRE(actualSeqLengthsQueryOptional && actualSeqLengthsKeyOptional && actualSeqLengthsQueryOptional->dtype == DT_INT32
                && actualSeqLengthsKeyOptional->dtype == DT_INT32 && actualSeqLengthsKeyOptional->dims[0] == actualSeqLengthsQueryOptional->dims[0],
                "LI (double): TND needs INT32 [B] cumulative actual sequence lengths");
        REQUIRE(!blockTableOptional, "LI (double): no block table with TND keys");
        B = actualSeqLengthsQueryOptional->dims[0]; nq = query->dims[0];
        int64_t *qs = malloc(B * sizeof(int64_t));
        qLen = malloc(B * sizeof(int64_t)); kvStart = malloc(B * sizeof(int64_t)); kvLen = malloc(B * sizeof(int64_t));
        qBatch = malloc(nq * sizeof(int64_t)); qPos = malloc(nq * sizeof(int64_t));
        int ok = read_lengths(actualSeqLengthsQueryOptional, 1, B, qs, qLen) && read_lengths(actualSeqLengthsKeyOptional, 1, B, kvStart, kvLen)
                 && qs[B - 1] + qLen[B - 1] == nq && kvStart[B - 1] + kvLen[B - 1] == key->dims[0];
        for (int64_t b = 0; ok && b < B; b++) for (int64_t t = qs[b]; t < qs[b] + qLen[b]; t++) { qBatch[t] = b; qPos[t] = t - qs[b]; }
        free(qs);
        if (!ok) { free(qLen); free(kvStart); free(kvLen); free(qBatch); free(qPos); fake_set_error("LI: cumulative lengths do not cover T"); return PARAM_INVALID; }
    } else {
        REQUIRE(query->ndim == 4 && key->ndim == 4 && weights->ndim == 3 && sparseIndicesOut->ndim == 4, "LI: BSND / PA_BSND shapes");
        REQUIRE(key->dims[1] % 16 == 0 && key->dims[1] <= 1024, "LI: block_size a multiple of 16, <= 1024");
        REQUIRE(blockTableOptional && blockTableOptional->dtype == DT_INT32 && blockTableOptional->ndim == 2
                && blockTableOptional->dims[0] == query->dims[0] && contiguous(blockTableOptional), "LI: PA_BSND needs an INT32 block table [B, maxBlocks]");
        REQUIRE(actualSeqLengthsKeyOptional && actualSeqLengthsKeyOptional->dtype == DT_INT32 && actualSeqLengthsKeyOptional->ndim == 1
                && actualSeqLengthsKeyOptional->dims[0] == query->dims[0], "LI (double): actual_seq_lengths_key INT32 [B]");
        B = query->dims[0]; nq = B * query->dims[1];
        qLen = malloc(B * sizeof(int64_t)); kvStart = malloc(B * sizeof(int64_t)); kvLen = malloc(B * sizeof(int64_t));
        if (!read_lengths(actualSeqLengthsKeyOptional, 0, B, kvStart, kvLen)) { free(qLen); free(kvStart); free(kvLen); fake_set_error("LI: negative length"); return PARAM_INVALID; }
        qBatch = malloc(nq * sizeof(int64_t)); qPos = malloc(nq * sizeof(int64_t));
        for (int64_t b = 0; b < B; b++) qLen[b] = query->dims[1];
        for (int64_t i = 0; i < nq; i++) { qBatch[i] = i / query->dims[1]; qPos[i] = i % query->dims[1]; }
        fake_record_int("li.actualSeqLengthsKey0", kvLen[0]);
        fake_record_int("li.batch", B); fake_record_int("li.s1", query->dims[1]);
    }
    li_ctx *c = calloc(1, sizeof *c);
    c->q = copy_tensor(query); c->k = copy_tensor(key); c->w = copy_tensor(weights); c->bt = copy_tensor(blockTableOptional);
    c->out = copy_tensor(sparseIndicesOut);
    c->tnd = tnd; c->mode = (int) sparseMode; c->B = B; c->nq = nq; c->topk = sparseCount;
    c->qBatch = qBatch; c->qPos = qPos; c->qLen = qLen; c->kvStart = kvStart; c->kvLen = kvLen;
    *executor = new_executor("LightningIndexer", li_run, li_free, c);
    *workspaceSize = 4096;
    return 0;
}
aclnnStatus aclnnLightningIndexer(void *workspace, uint64_t workspaceSize, aclOpExecutor *executor, aclrtStream stream) {
    return phase2("aclnnLightningIndexer", workspace, workspaceSize, executor, stream);
}
