/* Fake DeepSeek-V4 sparse shared-KV attention, TEST SOURCES ONLY: aclnnSparseAttnSharedkv and its AICPU
 * scheduling step aclnnSparseAttnSharedkvMetadata, linked into the custom-package doubles that stand for
 * vllm-ascend >= 0.20.2rc1 (see pom.xml). C signatures: the header CANN generates from vllm-ascend
 * csrc/attention/sparse_attn_sharedkv/op_host/sparse_attn_sharedkv_def.cpp, and
 * csrc/attention/sparse_attn_sharedkv_metadata/op_api/aclnn_sparse_attn_sharedkv_metadata.h.
 *
 * Semantics this backend assumes (UNCONFIRMED on hardware; from the op's README), computed with plain math:
 *   q TND [T, N1 = 64, D = 512] with cu_seqlens_q [B+1] (required in TND); per sequence b, its S1 query rows sit at
 *   positions L - S1 + i of its KV, L = seqused_kv[b].
 *   ori_kv PA_ND [blocks, bs, 1, D] (bs a multiple of 16, <= 1024) through ori_block_table [B, maxBlocks]:
 *     band mask (ori_mask_mode 4): positions [p - ori_win_left, p + ori_win_right] within [0, L).
 *   cmp_kv PA_ND through cmp_block_table (cmp_ratio 4 or 128, cmp_mask_mode 3 "rightDownCausal"): compressed
 *     entry e covers positions [e*r, (e+1)*r), visible to the query at p when (e+1)*r <= p+1. With
 *     cmp_sparse_indices [T, 1, 512]: the visible, non-negative entries named there (-1 = unused); without them:
 *     every visible entry.
 *   out = softmax over the union, with sinks [N1] as one more logit in the denominator (+inf: output 0); ori_sparse_indices is
 *   ignored (README); return_softmax_lse must be false (README: lse is invalid); metadata [1024] INT32 is
 *   required and must come from the metadata step for the same lengths (the double checks a fingerprint).
 * Inputs must be contiguous. C bool parameters are declared unsigned char here (same ABI: one byte) so that a
 * byte other than 0 or 1 is caught: JNA passes a Java boolean true as -1. */
#include "fake_common.h"
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <stdio.h>

#define PARAM_INVALID 161002
#define PARAM_NULLPTR 161001
#define FAIL_RC(fn) do { int c_; if (fake_should_fail(fn, &c_)) return c_; } while (0)
#define REQUIRE(cond, ...) do { if (!(cond)) { fake_set_error(__VA_ARGS__); return PARAM_INVALID; } } while (0)
#define META_MAGIC 0x5a5a0042
#define META_INTS 1024

int fake_valid_stream(aclrtStream stream);
void fake_free_executor(aclOpExecutor *e);

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
static int is(const char *s, const char *want) { return s && strcmp(s, want) == 0; }
/* the fingerprint the metadata step writes and the attention checks: batch, lengths, mode */
static int32_t fingerprint(const aclTensor *cuQ, const aclTensor *used, int64_t batch, int64_t ratio, int hasCmp) {
    uint32_t h = 2166136261u;
    for (int64_t b = 0; b <= batch; b++) { h = (h ^ (uint32_t) i32(cuQ, b)) * 16777619u; }
    for (int64_t b = 0; b < batch; b++) { h = (h ^ (uint32_t) i32(used, b)) * 16777619u; }
    h = (h ^ (uint32_t) ratio) * 16777619u;
    h = (h ^ (uint32_t) hasCmp) * 16777619u;
    return (int32_t) (h & 0x7fffffff);
}

/* ================================================================== metadata */
typedef struct { aclTensor *cuQ, *used, *meta; int64_t batch, ratio; int hasCmp; } meta_ctx;
static void meta_free(void *p) { meta_ctx *c = p; free(c->cuQ); free(c->used); free(c->meta); free(c); }
static aclnnStatus meta_run(aclOpExecutor *e, void *ws) {
    (void) ws;
    meta_ctx *c = e->ctx;
    int32_t *m = el(c->meta, 0);
    memset(m, 0, META_INTS * sizeof(int32_t));
    m[0] = META_MAGIC;
    m[1] = (int32_t) c->batch;
    m[2] = fingerprint(c->cuQ, c->used, c->batch, c->ratio, c->hasCmp);
    return 0;
}

aclnnStatus aclnnSparseAttnSharedkvMetadataGetWorkspaceSize(
    const aclTensor *cuSeqLensQOptional, const aclTensor *cuSeqLensOriKvOptional, const aclTensor *cuSeqLensCmpKvOptional,
    const aclTensor *sequsedQOptional, const aclTensor *sequsedKvOptional, int64_t numHeadsQ, int64_t numHeadsKv,
    int64_t headDim, int64_t batchSizeOptional, int64_t maxSeqlenQOptional, int64_t maxSeqlenKvOptional,
    int64_t oriTopKOptional, int64_t cmpTopKOptional, int64_t cmpRatioOptional, int64_t oriMaskModeOptional,
    int64_t cmpMaskModeOptional, int64_t oriWinLeftOptional, int64_t oriWinRightOptional, char *layoutQOptional,
    char *layoutKvOptional, unsigned char hasOriKvOptional, unsigned char hasCmpKvOptional, const aclTensor *metaData,
    uint64_t *workspaceSize, aclOpExecutor **executor) {
    FAIL_RC("aclnnSparseAttnSharedkvMetadataGetWorkspaceSize");
    fake_log_call("aclnnSparseAttnSharedkvMetadataGetWorkspaceSize");
    if (!workspaceSize || !executor || !metaData) return PARAM_NULLPTR;
    /* C bool parameters, read as the byte the ABI passes: anything but 0 or 1 is not a C bool */
    REQUIRE(hasOriKvOptional <= 1 && hasCmpKvOptional <= 1, "SASMetadata: has_ori_kv / has_cmp_kv bytes %u / %u are not C bools",
            hasOriKvOptional, hasCmpKvOptional);
    REQUIRE(numHeadsQ == 64 && numHeadsKv == 1, "SASMetadata: num_heads_q must be 64 and num_heads_kv 1");
    REQUIRE(headDim == 512, "SASMetadata: head_dim must be 512");
    REQUIRE(is(layoutQOptional, "TND") && is(layoutKvOptional, "PA_ND"), "SASMetadata: layouts TND / PA_ND expected");
    REQUIRE(oriMaskModeOptional == 4 && cmpMaskModeOptional == 3, "SASMetadata: mask modes 4 / 3 only");
    REQUIRE(oriWinLeftOptional == 127 && oriWinRightOptional == 0, "SASMetadata: window 127 / 0 only");
    REQUIRE(hasOriKvOptional, "SASMetadata: has_ori_kv expected");
    REQUIRE(hasCmpKvOptional ? (cmpRatioOptional == 4 || cmpRatioOptional == 128) : cmpRatioOptional == 1,
            "SASMetadata: cmp_ratio %lld with has_cmp_kv %d", (long long) cmpRatioOptional, (int) hasCmpKvOptional);
    REQUIRE(!hasCmpKvOptional || cmpRatioOptional != 4 || cmpTopKOptional == 512, "SASMetadata: cmp_topk must be 512");
    REQUIRE(oriTopKOptional == 0, "SASMetadata: ori_topk is not supported");
    REQUIRE(cuSeqLensQOptional && cuSeqLensQOptional->dtype == DT_INT32 && cuSeqLensQOptional->ndim == 1
            && cuSeqLensQOptional->dims[0] == batchSizeOptional + 1, "SASMetadata: cu_seqlens_q must be INT32 [B+1]");
    REQUIRE(sequsedKvOptional && sequsedKvOptional->dtype == DT_INT32 && sequsedKvOptional->ndim == 1
            && sequsedKvOptional->dims[0] == batchSizeOptional, "SASMetadata: seqused_kv must be INT32 [B]");
    const aclTensor *empties[] = {cuSeqLensOriKvOptional, cuSeqLensCmpKvOptional, sequsedQOptional};
    for (int i = 0; i < 3; i++) REQUIRE(!empties[i] || numel(empties[i]) == 0, "SASMetadata: unsupported length input %d given", i);
    REQUIRE(metaData->dtype == DT_INT32 && metaData->ndim == 1 && metaData->dims[0] == META_INTS,
            "SASMetadata: metadata must be INT32 [1024]");
    int64_t maxQ = 0, maxKv = 0;
    for (int64_t b = 0; b < batchSizeOptional; b++) {
        int64_t s1 = i32(cuSeqLensQOptional, b + 1) - i32(cuSeqLensQOptional, b);
        REQUIRE(s1 >= 0, "SASMetadata: cu_seqlens_q must not decrease");
        if (s1 > maxQ) maxQ = s1;
        if (i32(sequsedKvOptional, b) > maxKv) maxKv = i32(sequsedKvOptional, b);
    }
    REQUIRE(maxQ <= maxSeqlenQOptional && maxKv <= maxSeqlenKvOptional, "SASMetadata: max_seqlen below the lengths");
    fake_record_int("sas.meta.batch", batchSizeOptional);
    fake_record_int("sas.meta.cmpRatio", cmpRatioOptional);
    fake_record_int("sas.meta.maxSeqlenKv", maxSeqlenKvOptional);
    meta_ctx *c = calloc(1, sizeof *c);
    c->cuQ = copy_tensor(cuSeqLensQOptional); c->used = copy_tensor(sequsedKvOptional); c->meta = copy_tensor(metaData);
    c->batch = batchSizeOptional; c->ratio = cmpRatioOptional; c->hasCmp = hasCmpKvOptional;
    aclOpExecutor *e = new_executor("SparseAttnSharedkvMetadata", meta_run, meta_free, c);
    *workspaceSize = e->workspaceSize;
    *executor = e;
    return 0;
}

aclnnStatus aclnnSparseAttnSharedkvMetadata(void *workspace, uint64_t workspaceSize, aclOpExecutor *executor, aclrtStream stream) {
    fake_log_call("aclnnSparseAttnSharedkvMetadata");
    return phase2("aclnnSparseAttnSharedkvMetadata", workspace, workspaceSize, executor, stream);
}

/* ================================================================== attention */
typedef struct {
    aclTensor *q, *ori, *cmp, *cmpIdx, *oriBt, *cmpBt, *cuQ, *used, *sinks, *meta, *out;
    double scale; int64_t ratio, winLeft, winRight;
} sas_ctx;
static void sas_free(void *p) {
    sas_ctx *c = p;
    free(c->q); free(c->ori); free(c->cmp); free(c->cmpIdx); free(c->oriBt); free(c->cmpBt); free(c->cuQ);
    free(c->used); free(c->sinks); free(c->meta); free(c->out); free(c);
}
/* the row of a paged cache at logical position t of sequence b, or -1 */
static int64_t paged_row(const aclTensor *kv, const aclTensor *bt, int64_t b, int64_t t) {
    int64_t bs = kv->dims[1], maxBlk = bt->dims[1];
    if (t < 0 || t / bs >= maxBlk) return -1;
    int64_t blk = i32(bt, b * maxBlk + t / bs);
    if (blk < 0 || blk >= kv->dims[0]) return -1;
    return blk * bs + t % bs;
}
static aclnnStatus sas_run(aclOpExecutor *e, void *ws) {
    (void) ws;
    sas_ctx *c = e->ctx;
    int64_t B = c->cuQ->dims[0] - 1, H = c->q->dims[1], D = c->q->dims[2];
    const int32_t *m = el(c->meta, 0);
    int32_t want = fingerprint(c->cuQ, c->used, B, c->ratio, c->cmp != NULL);
    if (m[0] != META_MAGIC || m[1] != B || m[2] != want) {
        fake_set_error("SAS: metadata was not computed by the metadata step for these lengths and mode (magic %x, batch %d/%lld, fingerprint %d/%d)",
                       m[0], m[1], (long long) B, m[2], want);
        return PARAM_INVALID;
    }
    int64_t cap = c->winLeft + c->winRight + 1 + (c->cmp ? (c->cmpIdx ? c->cmpIdx->dims[2] : c->cmp->dims[0] * c->cmp->dims[1]) : 0);
    const uint16_t **rows = malloc(cap * sizeof *rows);
    float *p = malloc(cap * sizeof(float)), *acc = malloc(D * sizeof(float)), *qf = malloc(D * sizeof(float));
    const uint16_t *ori = el(c->ori, 0), *cmp = c->cmp ? el(c->cmp, 0) : NULL;
    uint16_t *out = el(c->out, 0);
    aclnnStatus rc = 0;
    int64_t attendedTotal = 0;
    for (int64_t b = 0; b < B && !rc; b++) {
        int64_t q0 = i32(c->cuQ, b), s1 = i32(c->cuQ, b + 1) - q0, L = i32(c->used, b);
        for (int64_t i = 0; i < s1 && !rc; i++) {
            int64_t pos = L - s1 + i, n = 0, qi = q0 + i;
            int64_t lo = pos - c->winLeft < 0 ? 0 : pos - c->winLeft, hi = pos + c->winRight >= L ? L - 1 : pos + c->winRight;
            for (int64_t t = lo; t <= hi; t++) {
                int64_t r = paged_row(c->ori, c->oriBt, b, t);
                if (r < 0) { fake_set_error("SAS: ori position %lld of batch %lld is outside its block table", (long long) t, (long long) b); rc = PARAM_INVALID; break; }
                rows[n++] = ori + r * D;
            }
            if (c->cmp && !rc) {
                int64_t vis = (pos + 1) / c->ratio;
                int64_t k = c->cmpIdx ? c->cmpIdx->dims[2] : vis;
                for (int64_t j = 0; j < k; j++) {
                    int64_t ent = c->cmpIdx ? i32(c->cmpIdx, qi * k + j) : j;
                    if (ent < 0 || ent >= vis) continue;
                    int64_t r = paged_row(c->cmp, c->cmpBt, b, ent);
                    if (r < 0) { fake_set_error("SAS: compressed entry %lld of batch %lld is outside its block table", (long long) ent, (long long) b); rc = PARAM_INVALID; break; }
                    rows[n++] = cmp + r * D;
                }
            }
            if (rc) break;
            attendedTotal += n;
            for (int64_t h = 0; h < H; h++) {
                const uint16_t *qp = (const uint16_t *) el(c->q, (qi * H + h) * D);
                for (int64_t x = 0; x < D; x++) qf[x] = bf2f(qp[x]);
                float mx = -INFINITY;
                for (int64_t j = 0; j < n; j++) {
                    float s = 0;
                    for (int64_t x = 0; x < D; x++) s += qf[x] * bf2f(rows[j][x]);
                    p[j] = (float) (c->scale * s);
                    if (p[j] > mx) mx = p[j];
                }
                float sink = c->sinks ? *(const float *) el(c->sinks, h) : -INFINITY;
                uint16_t *o = out + (qi * H + h) * D;
                if (isinf(sink) && sink > 0) { /* assumed: an infinite sink takes all the weight (output 0) */
                    for (int64_t x = 0; x < D; x++) o[x] = 0;
                    continue;
                }
                if (sink > mx) mx = sink;
                float sum = (c->sinks && sink != -INFINITY) ? expf(sink - mx) : 0;
                for (int64_t j = 0; j < n; j++) { p[j] = expf(p[j] - mx); sum += p[j]; }
                for (int64_t x = 0; x < D; x++) acc[x] = 0;
                for (int64_t j = 0; j < n; j++) for (int64_t x = 0; x < D; x++) acc[x] += p[j] * bf2f(rows[j][x]);
                for (int64_t x = 0; x < D; x++) o[x] = f2bf(n && sum > 0 ? acc[x] / sum : 0);
            }
        }
    }
    fake_record_int("sas.attended", attendedTotal);
    free(rows); free(p); free(acc); free(qf);
    return rc;
}

aclnnStatus aclnnSparseAttnSharedkvGetWorkspaceSize(
    const aclTensor *q, const aclTensor *oriKvOptional, const aclTensor *cmpKvOptional,
    const aclTensor *oriSparseIndicesOptional, const aclTensor *cmpSparseIndicesOptional,
    const aclTensor *oriBlockTableOptional, const aclTensor *cmpBlockTableOptional, const aclTensor *cuSeqlensQOptional,
    const aclTensor *cuSeqlensOriKvOptional, const aclTensor *cuSeqlensCmpKvOptional, const aclTensor *sequsedQOptional,
    const aclTensor *sequsedKvOptional, const aclTensor *sinksOptional, const aclTensor *metadataOptional,
    double softmaxScale, int64_t cmpRatio, int64_t oriMaskMode, int64_t cmpMaskMode, int64_t oriKvStride,
    int64_t cmpKvStride, int64_t oriWinLeft, int64_t oriWinRight, char *layoutQOptional, char *layoutKvOptional,
    unsigned char returnSoftmaxLse, const aclTensor *attnOutOut, const aclTensor *softmaxLseOut,
    uint64_t *workspaceSize, aclOpExecutor **executor) {
    FAIL_RC("aclnnSparseAttnSharedkvGetWorkspaceSize");
    fake_log_call("aclnnSparseAttnSharedkvGetWorkspaceSize");
    if (!q || !attnOutOut || !softmaxLseOut || !workspaceSize || !executor) return PARAM_NULLPTR;
    REQUIRE(returnSoftmaxLse <= 1, "SAS: return_softmax_lse byte %u is not a C bool", returnSoftmaxLse);
    REQUIRE(!returnSoftmaxLse, "SAS: return_softmax_lse supports False only (the lse output is invalid)");
    REQUIRE(is(layoutQOptional, "TND") && is(layoutKvOptional, "PA_ND"), "SAS: layouts TND / PA_ND expected here");
    REQUIRE(q->dtype == DT_BF16 && q->ndim == 3 && q->dims[1] == 64 && q->dims[2] == 512 && contiguous(q),
            "SAS: q must be contiguous BF16 [T, 64, 512]");
    REQUIRE(attnOutOut->dtype == DT_BF16 && attnOutOut->ndim == 3 && numel(attnOutOut) == numel(q),
            "SAS: attn_out must be BF16 of q's shape");
    REQUIRE(softmaxLseOut->dtype == DT_FLOAT, "SAS: softmax_lse must be FLOAT");
    REQUIRE(oriKvOptional && oriBlockTableOptional, "SAS: ori_kv and ori_block_table are required here");
    REQUIRE(oriMaskMode == 4 && cmpMaskMode == 3 && oriWinLeft == 127 && oriWinRight == 0,
            "SAS: masks 4 / 3 and window 127 / 0 only");
    REQUIRE(cuSeqlensQOptional && cuSeqlensQOptional->dtype == DT_INT32 && cuSeqlensQOptional->ndim == 1,
            "SAS: cu_seqlens_q is required in TND");
    int64_t B = cuSeqlensQOptional->dims[0] - 1;
    REQUIRE(i32(cuSeqlensQOptional, 0) == 0 && i32(cuSeqlensQOptional, B) == q->dims[0], "SAS: cu_seqlens_q must run 0..T");
    REQUIRE(sequsedKvOptional && sequsedKvOptional->dtype == DT_INT32 && sequsedKvOptional->dims[0] == B,
            "SAS: seqused_kv must be INT32 [B]");
    REQUIRE(!cuSeqlensOriKvOptional && !cuSeqlensCmpKvOptional && !sequsedQOptional,
            "SAS: cu_seqlens_*_kv and seqused_q are not taken with PA_ND here");
    const aclTensor *kvs[2] = {oriKvOptional, cmpKvOptional};
    const int64_t strides[2] = {oriKvStride, cmpKvStride};
    for (int i = 0; i < 2; i++) {
        const aclTensor *kv = kvs[i];
        if (!kv) continue;
        REQUIRE(kv->dtype == DT_BF16 && kv->ndim == 4 && kv->dims[2] == 1 && kv->dims[3] == 512 && contiguous(kv),
                "SAS: kv caches must be contiguous BF16 [blocks, bs, 1, 512]");
        REQUIRE(kv->dims[1] % 16 == 0 && kv->dims[1] <= 1024, "SAS: block size must be a multiple of 16, <= 1024");
        REQUIRE(strides[i] == kv->strides[0], "SAS: kv stride %lld is not the cache's stride 0 (%lld)", (long long) strides[i], (long long) kv->strides[0]);
    }
    const aclTensor *bts[2] = {oriBlockTableOptional, cmpBlockTableOptional};
    for (int i = 0; i < 2; i++) {
        if (!bts[i]) continue;
        REQUIRE(bts[i]->dtype == DT_INT32 && bts[i]->ndim == 2 && bts[i]->dims[0] == B, "SAS: block tables must be INT32 [B, n]");
    }
    if (cmpKvOptional) {
        REQUIRE(cmpBlockTableOptional, "SAS: cmp_kv needs cmp_block_table");
        REQUIRE(cmpRatio == 4 || cmpRatio == 128, "SAS: cmp_ratio must be 4 or 128");
    } else {
        REQUIRE(!cmpSparseIndicesOptional && !cmpBlockTableOptional, "SAS: compressed inputs without cmp_kv");
    }
    if (cmpSparseIndicesOptional) {
        REQUIRE(cmpRatio == 4, "SAS: sparse compressed attention takes cmp_ratio 4");
        REQUIRE(cmpSparseIndicesOptional->dtype == DT_INT32 && cmpSparseIndicesOptional->ndim == 3
                && cmpSparseIndicesOptional->dims[0] == q->dims[0] && cmpSparseIndicesOptional->dims[1] == 1
                && cmpSparseIndicesOptional->dims[2] == 512 && contiguous(cmpSparseIndicesOptional),
                "SAS: cmp_sparse_indices must be INT32 [T, 1, 512]");
    }
    if (sinksOptional) {
        REQUIRE(sinksOptional->dtype == DT_FLOAT && numel(sinksOptional) == 64, "SAS: sinks must be FLOAT [64]");
    }
    REQUIRE(metadataOptional && metadataOptional->dtype == DT_INT32 && numel(metadataOptional) == META_INTS,
            "SAS: metadata INT32 [1024] is required");
    fake_record_int("sas.batch", B);
    fake_record_int("sas.cmpRatio", cmpRatio);
    fake_record_int("sas.hasCmp", cmpKvOptional != NULL);
    fake_record_int("sas.hasSinks", sinksOptional != NULL);
    fake_record_int("sas.oriIndicesGiven", oriSparseIndicesOptional != NULL);
    sas_ctx *c = calloc(1, sizeof *c);
    c->q = copy_tensor(q); c->ori = copy_tensor(oriKvOptional); c->cmp = copy_tensor(cmpKvOptional);
    c->cmpIdx = copy_tensor(cmpSparseIndicesOptional); c->oriBt = copy_tensor(oriBlockTableOptional);
    c->cmpBt = copy_tensor(cmpBlockTableOptional); c->cuQ = copy_tensor(cuSeqlensQOptional);
    c->used = copy_tensor(sequsedKvOptional); c->sinks = copy_tensor(sinksOptional); c->meta = copy_tensor(metadataOptional);
    c->out = copy_tensor(attnOutOut);
    c->scale = softmaxScale; c->ratio = cmpRatio; c->winLeft = oriWinLeft; c->winRight = oriWinRight;
    aclOpExecutor *e = new_executor("SparseAttnSharedkv", sas_run, sas_free, c);
    *workspaceSize = e->workspaceSize;
    *executor = e;
    return 0;
}

aclnnStatus aclnnSparseAttnSharedkv(void *workspace, uint64_t workspaceSize, aclOpExecutor *executor, aclrtStream stream) {
    fake_log_call("aclnnSparseAttnSharedkv");
    return phase2("aclnnSparseAttnSharedkv", workspace, workspaceSize, executor, stream);
}
