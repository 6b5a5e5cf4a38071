/* Fake libcust_opapi.so: DeepSeek-V3.2's SparseFlashAttention custom operator (vllm-ascend
 * csrc/attention/sparse_flash_attention op_api), with the semantics this backend assumes (UNCONFIRMED):
 * sparse_indices [B,Q_S,KV_N,topk] INT32 are token positions of sequence b resolved through its block table,
 * -1 (or >= actual KV length) = unused; out = softmax(scale * (q.k + qr.kr)) . v over the selected tokens. */
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
static inline char *at(const aclTensor *t, int64_t i0, int64_t i1, int64_t i2, int64_t i3) {
    int64_t idx[4] = {i0, i1, i2, i3}, off = t->offset;
    for (uint64_t d = 0; d < t->ndim && d < 4; d++) off += idx[d] * t->strides[d];
    int64_t es = t->dtype == DT_BF16 ? 2 : 4;
    return (char *) t->data + off * es;
}
static aclTensor *copy_tensor(const aclTensor *t) { if (!t) return NULL; aclTensor *c = malloc(sizeof *c); *c = *t; return c; }

typedef struct { aclTensor *q, *qr, *k, *kr, *v, *idx, *bt, *out; int64_t *kvLen; double scale; } sfa_ctx;
static void sfa_free(void *p) {
    sfa_ctx *c = p;
    free(c->q); free(c->qr); free(c->k); free(c->kr); free(c->v); free(c->idx); free(c->bt); free(c->out); free(c->kvLen); free(c);
}
static float dot(const aclTensor *a, int64_t a0, int64_t a1, int64_t a2, const aclTensor *b, int64_t b0, int64_t b1, int64_t n) {
    const uint16_t *x = (const uint16_t *) at(a, a0, a1, a2, 0), *y = (const uint16_t *) at(b, b0, b1, 0, 0);
    int64_t sx = a->strides[3], sy = b->strides[3];
    float acc = 0;
    for (int64_t i = 0; i < n; i++) acc += bf2f(x[i * sx]) * bf2f(y[i * sy]);
    return acc;
}
static aclnnStatus sfa_run(aclOpExecutor *e, void *ws) {
    (void) ws;
    sfa_ctx *c = e->ctx;
    int64_t B = c->q->dims[0], S = c->q->dims[1], H = c->q->dims[2], D = c->q->dims[3], Dr = c->qr->dims[3];
    int64_t Dv = c->v->dims[3], bs = c->k->dims[1], blocks = c->k->dims[0], topk = c->idx->dims[3], maxBlk = c->bt->dims[1];
    float *p = malloc((topk ? topk : 1) * sizeof(float)), *acc = malloc(Dv * sizeof(float));
    int64_t *pg = malloc((topk ? topk : 1) * sizeof(int64_t)), *sl = malloc((topk ? topk : 1) * sizeof(int64_t));
    for (int64_t b = 0; b < B; b++)
        for (int64_t s = 0; s < S; s++) {
            int64_t n = 0;
            for (int64_t j = 0; j < topk; j++) {
                int64_t t = *(const int32_t *) at(c->idx, b, s, 0, j);
                if (t < 0 || t >= c->kvLen[b]) continue;
                if (t / bs >= maxBlk) { fake_set_error("SFA: index %lld beyond the block table", (long long) t); goto fail; }
                int64_t blk = *(const int32_t *) at(c->bt, b, t / bs, 0, 0);
                if (blk < 0 || blk >= blocks) { fake_set_error("SFA: block %lld out of range", (long long) blk); goto fail; }
                pg[n] = blk; sl[n] = t % bs; n++;
            }
            for (int64_t h = 0; h < H; h++) {
                float mx = -INFINITY;
                for (int64_t j = 0; j < n; j++) {
                    p[j] = (float) (c->scale * (dot(c->q, b, s, h, c->k, pg[j], sl[j], D) + dot(c->qr, b, s, h, c->kr, pg[j], sl[j], Dr)));
                    if (p[j] > mx) mx = p[j];
                }
                float sum = 0;
                for (int64_t j = 0; j < n; j++) { p[j] = expf(p[j] - mx); sum += p[j]; }
                for (int64_t x = 0; x < Dv; x++) acc[x] = 0;
                for (int64_t j = 0; j < n; j++) {
                    const uint16_t *vp = (const uint16_t *) at(c->v, pg[j], sl[j], 0, 0);
                    for (int64_t x = 0; x < Dv; x++) acc[x] += p[j] * bf2f(vp[x * c->v->strides[3]]);
                }
                for (int64_t x = 0; x < Dv; x++) *(uint16_t *) at(c->out, b, s, h, x) = f2bf(n ? acc[x] / sum : 0);
            }
        }
    free(p); free(acc); free(pg); free(sl);
    return 0;
fail:
    free(p); free(acc); free(pg); free(sl);
    return INNER_ERROR;
}
aclnnStatus aclnnSparseFlashAttentionGetWorkspaceSize(const aclTensor *query, const aclTensor *key, const aclTensor *value,
    const aclTensor *sparseIndices, const aclTensor *blockTableOptional, const aclTensor *actualSeqLengthsQueryOptional,
    const aclTensor *actualSeqLengthsKvOptional, const aclTensor *queryRopeOptional, const aclTensor *keyRopeOptional,
    double scaleValue, int64_t sparseBlockSizeOptional, char *layoutQueryOptional, char *layoutKvOptional, int64_t sparseMode,
    int64_t preTokens, int64_t nextTokens, int64_t attentionMode, bool returnSoftmaxLse, const aclTensor *attentionOut,
    const aclTensor *softmaxMax, const aclTensor *softmaxSum, uint64_t *workspaceSize, aclOpExecutor **executor) {
    FAIL_RC("aclnnSparseFlashAttentionGetWorkspaceSize");
    fake_record_reset();
    fake_record_str("layoutQuery", layoutQueryOptional); fake_record_str("layoutKv", layoutKvOptional);
    fake_record_int("sparseBlockSize", sparseBlockSizeOptional); fake_record_int("sparseMode", sparseMode);
    fake_record_int("attentionMode", attentionMode); fake_record_int("preTokens", preTokens); fake_record_int("nextTokens", nextTokens);
    if (!query || !key || !value || !sparseIndices || !attentionOut || !workspaceSize || !executor) { fake_set_error("SFA: null argument"); return PARAM_NULLPTR; }
    REQUIRE(!actualSeqLengthsQueryOptional && !returnSoftmaxLse && !softmaxMax && !softmaxSum, "SFA (double): no query lengths or LSE modelled");
    REQUIRE(attentionMode == 2, "SFA: attention_mode 2 (MLA-absorb) only");
    REQUIRE(sparseMode == 0 || sparseMode == 3, "SFA: sparse_mode 0 or 3");
    REQUIRE(sparseBlockSizeOptional >= 1 && sparseBlockSizeOptional <= 128 && (sparseBlockSizeOptional & (sparseBlockSizeOptional - 1)) == 0, "SFA: sparse_block_size a power of 2 in [1,128]");
    REQUIRE(sparseBlockSizeOptional == 1 && sparseMode == 0, "SFA (double): sparse_block_size 1 and sparse_mode 0 only");
    REQUIRE(layoutQueryOptional && strcmp(layoutQueryOptional, "BSND") == 0, "SFA (double): layout_query BSND");
    REQUIRE(layoutKvOptional && strcmp(layoutKvOptional, "PA_BSND") == 0, "SFA (double): layout_kv PA_BSND");
    REQUIRE(query->ndim == 4 && query->dims[3] == 512 && queryRopeOptional && queryRopeOptional->dims[3] == 64, "SFA: query D 512, rope D 64");
    REQUIRE(key->ndim == 4 && key->dims[2] == 1 && value->dims[2] == 1 && keyRopeOptional, "SFA: PA_BSND key [blocks, bs, 1, D], KV_N 1");
    REQUIRE(key->dims[1] % 16 == 0 && key->dims[1] <= 1024, "SFA: block size a multiple of 16, <= 1024");
    REQUIRE(sparseIndices->dtype == DT_INT32 && sparseIndices->ndim == 4 && sparseIndices->dims[2] == 1, "SFA: sparse_indices INT32 [B,Q_S,KV_N,k]");
    REQUIRE(blockTableOptional && blockTableOptional->dtype == DT_INT32 && blockTableOptional->ndim == 2, "SFA: PA_BSND needs an INT32 block table");
    REQUIRE(actualSeqLengthsKvOptional && actualSeqLengthsKvOptional->dtype == DT_INT32 && actualSeqLengthsKvOptional->dims[0] == query->dims[0],
            "SFA (double): actual_seq_lengths_kv INT32 [B]");
    sfa_ctx *c = calloc(1, sizeof *c);
    c->q = copy_tensor(query); c->qr = copy_tensor(queryRopeOptional); c->k = copy_tensor(key); c->kr = copy_tensor(keyRopeOptional);
    c->v = copy_tensor(value); c->idx = copy_tensor(sparseIndices); c->bt = copy_tensor(blockTableOptional); c->out = copy_tensor(attentionOut);
    c->scale = scaleValue;
    int64_t B = query->dims[0];
    c->kvLen = malloc(B * sizeof(int64_t));
    for (int64_t b = 0; b < B; b++) c->kvLen[b] = *(const int32_t *) at(actualSeqLengthsKvOptional, b, 0, 0, 0);
    fake_record_int("actualSeqLengthsKv0", c->kvLen[0]);
    aclOpExecutor *e = calloc(1, sizeof *e);
    e->op = "SparseFlashAttention"; e->workspaceSize = 4096; e->run = sfa_run; e->freeCtx = sfa_free; e->ctx = c;
    fake_track("executor", 1);
    *workspaceSize = 4096; *executor = e;
    return 0;
}
aclnnStatus aclnnSparseFlashAttention(void *workspace, uint64_t workspaceSize, aclOpExecutor *executor, aclrtStream stream) {
    FAIL_RC("aclnnSparseFlashAttention");
    if (!executor) return PARAM_NULLPTR;
    if (!fake_valid_stream(stream)) { fake_set_error("SFA: bad stream"); return PARAM_INVALID; }
    if (!workspace || workspaceSize < executor->workspaceSize) { fake_set_error("SFA: workspace missing"); return PARAM_INVALID; }
    aclnnStatus rc = executor->run(executor, workspace);
    if (!executor->repeatable) fake_free_executor(executor);
    return rc;
}
