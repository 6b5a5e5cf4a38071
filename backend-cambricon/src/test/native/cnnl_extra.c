/* libcnnl_extra.so test double: flash attention (packed varlen), single-query cached-KV attention (paged),
 * group quant (dynamic per-token). Reference math in F32 on host memory. */
#include "fake.h"
#include <stdlib.h>
#include <string.h>
#include <math.h>

typedef int cnnlStatus_t;
#define FAIL(fn) do { int _c = fake_take_fail(fn); if (_c) return _c; } while (0)
#define BAD_PARAM 3
#define ARCH_MISMATCH 5
#define NOT_SUPPORTED 7
#define T(p) ((const fake_tensor *)(p))
static int ok(const void *d) { return d && T(d)->magic == TENSOR_MAGIC; }

EXPORT void cnnlExtraGetLibVersion(int *a, int *b, int *c) { *a = 1; *b = 12; *c = 3; }

#define FMAGIC 0x464c4153
typedef struct { int magic, compute, pref, mask, layout; bool pack, out_zero, ret_softmax; int max_q, max_k; float p, scale; } ffa;
EXPORT cnnlStatus_t cnnlCreateFlashAttentionDescriptor(void **d) { FAIL("cnnlCreateFlashAttentionDescriptor"); ffa *x = calloc(1, sizeof *x); x->magic = FMAGIC; *d = x; fake_live_add("flash_desc", 1); return 0; }
EXPORT cnnlStatus_t cnnlDestroyFlashAttentionDescriptor(void *d) { FAIL("cnnlDestroyFlashAttentionDescriptor"); ffa *x = d; if (!x || x->magic != FMAGIC) return BAD_PARAM; x->magic = 0; free(x); fake_live_add("flash_desc", -1); return 0; }
EXPORT cnnlStatus_t cnnlSetFlashAttentionDescriptor_v2(void *d, int compute, int pref, int mask, int layout, bool pack,
        bool out_zero, bool ret_softmax, int max_q, int max_k, float p, float scale) {
    FAIL("cnnlSetFlashAttentionDescriptor_v2"); ffa *x = d; if (!x || x->magic != FMAGIC) return BAD_PARAM;
    /* one-byte bools: record the raw byte values seen */
    fake_note("flash_is_pack_mode", (unsigned char)pack); fake_note("flash_return_softmax", (unsigned char)ret_softmax);
    if (p != 0.0f) return NOT_SUPPORTED;
    x->compute = compute; x->pref = pref; x->mask = mask; x->layout = layout; x->pack = pack; x->out_zero = out_zero;
    x->ret_softmax = ret_softmax; x->max_q = max_q; x->max_k = max_k; x->p = p; x->scale = scale; return 0;
}
static size_t fa_ws(const fake_tensor *q) { return (size_t)q->dims[0] * 8 + 64; }
EXPORT cnnlStatus_t cnnlGetFlashAttentionForwardWorkspaceSize_v2(void *h, void *desc, const void *q, const void *k, const void *v,
        const void *sq, const void *sk, const void *su, const void *mask, const void *alibi, const void *lse, size_t *size) {
    FAIL("cnnlGetFlashAttentionForwardWorkspaceSize_v2"); (void)h; (void)desc; (void)k; (void)v; (void)sq; (void)sk; (void)su; (void)mask; (void)alibi; (void)lse;
    if (!ok(q) || !size) return BAD_PARAM;
    *size = fa_ws(T(q)); return 0;
}
EXPORT cnnlStatus_t cnnlFlashAttentionForward_v2(void *h, void *desc, const void *qd, const void *q, const void *kd, const void *k,
        const void *vd, const void *v, const void *sqd, const void *sq, const void *skd, const void *sk, const void *sud, const void *su,
        const void *md, const void *mask, const void *ad, const void *alibi, const size_t rng[], void *ws, size_t ws_size,
        const void *dmd, void *dm, const void *lsed, void *lse, const void *od, void *out) {
    FAIL("cnnlFlashAttentionForward_v2"); ffa *x = desc; (void)h; (void)sud; (void)su; (void)md; (void)ad; (void)alibi; (void)rng; (void)dmd; (void)dm;
    if (!x || x->magic != FMAGIC || !ok(qd) || !ok(kd) || !ok(vd) || !ok(sqd) || !ok(skd) || !ok(od)) return BAD_PARAM;
    if (mask) return NOT_SUPPORTED;
    if (fake_capability_major() < 5 && T(qd)->dtype == 17) return ARCH_MISMATCH;
    if (ws_size < fa_ws(T(qd)) || !fake_mem_check(ws, fa_ws(T(qd)))) return BAD_PARAM;
    if (!x->pack || x->layout != 0 || T(qd)->nb != 3 || T(qd)->dtype != 17) return BAD_PARAM;
    int64_t Tq = T(qd)->dims[0], Hq = T(qd)->dims[1], D = T(qd)->dims[2], Hk = T(kd)->dims[1], Dv = T(vd)->dims[2];
    if (D < 1 || D > 512 || Hq % Hk != 0) return BAD_PARAM;
    int64_t B = T(sqd)->dims[0] - 1;
    const int32_t *cq = sq, *ck = sk;
    if (cq[B] != Tq || T(od)->dims[0] != Tq || T(od)->dims[1] != Hq || T(od)->dims[2] != Dv) return BAD_PARAM;
    const uint16_t *Q = q, *K = k, *V = v; uint16_t *O = out; float *L = lse;
    int causal = x->mask == 7 || x->mask == 6;
    float *s = malloc(sizeof(float) * (x->max_k > 0 ? x->max_k : 1)), *acc = malloc(sizeof(float) * Dv);
    for (int64_t b = 0; b < B; b++) {
        int64_t q0 = cq[b], lq = cq[b + 1] - cq[b], k0 = ck[b], lk = ck[b + 1] - ck[b];
        if (lk > x->max_k || lq > x->max_q) { free(s); free(acc); return BAD_PARAM; }
        for (int64_t i = 0; i < lq; i++) for (int64_t hq = 0; hq < Hq; hq++) {
            int64_t hk = hq / (Hq / Hk), seen = causal ? i + 1 + (lk - lq) : lk; float mx = -INFINITY, sum = 0;
            for (int64_t j = 0; j < seen; j++) {
                float dot = 0; for (int64_t d = 0; d < D; d++) dot += bf16_to_f(Q[((q0 + i) * Hq + hq) * D + d]) * bf16_to_f(K[((k0 + j) * Hk + hk) * D + d]);
                s[j] = dot * x->scale; if (s[j] > mx) mx = s[j];
            }
            memset(acc, 0, sizeof(float) * Dv);
            for (int64_t j = 0; j < seen; j++) { float p = expf(s[j] - mx); sum += p; for (int64_t d = 0; d < Dv; d++) acc[d] += p * bf16_to_f(V[((k0 + j) * Hk + hk) * Dv + d]); }
            for (int64_t d = 0; d < Dv; d++) O[((q0 + i) * Hq + hq) * Dv + d] = f_to_bf16(seen ? acc[d] / sum : 0);
            if (L && lsed) L[hq * Tq + q0 + i] = mx + logf(sum);
        }
    }
    free(s); free(acc);
    return 0;
}

static size_t sq_ws(const fake_tensor *q) { return (size_t)tensor_elems(q) * 4 + 32; }
EXPORT cnnlStatus_t cnnlGetSingleQueryCachedKVAttnWorkspaceSize_v2(void *h, void *op, const void *q, const void *kc, const void *vc,
        int max_ctx, size_t *ws) {
    FAIL("cnnlGetSingleQueryCachedKVAttnWorkspaceSize_v2"); (void)h; (void)op; (void)kc; (void)vc; (void)max_ctx;
    if (!ok(q) || !ws) return BAD_PARAM;
    *ws = sq_ws(T(q)); return 0;
}
EXPORT cnnlStatus_t cnnlSingleQueryCachedKVAttn_v3(void *h, void *op, const void *qd, const void *q, const void *kd, const void *kc,
        const void *vd, const void *vc, const void *ksd, const void *ks, const void *vsd, const void *vs, const void *cld, const void *cl,
        const void *btd, const void *bt, const void *ad, const void *alibi, const int layout, const int max_ctx,
        const int wl, const int wr, const float scale, const bool ret_lse, void *ws, const size_t ws_size,
        const void *od, void *out, const void *lsed, void *lse) {
    FAIL("cnnlSingleQueryCachedKVAttn_v3"); (void)h; (void)op; (void)ksd; (void)vsd; (void)ad; (void)alibi; (void)wl; (void)wr; (void)lsed; (void)lse;
    if (!ok(qd) || !ok(kd) || !ok(vd) || !ok(cld) || !ok(od)) return BAD_PARAM;
    if (ks || vs || layout != 0 || ret_lse) return NOT_SUPPORTED;
    if (ws_size < sq_ws(T(qd)) || !fake_mem_check(ws, sq_ws(T(qd)))) return BAD_PARAM;
    int64_t B = T(qd)->dims[0], Sq = T(qd)->dims[1], Hq = T(qd)->dims[2], D = T(qd)->dims[3];
    int64_t Hk = T(kd)->dims[1], blk = T(kd)->dims[2], Dv = T(vd)->dims[3], npages = T(kd)->dims[0];
    if (bt) {
        if (!ok(btd)) return BAD_PARAM;
        if (fake_capability_major() < 5) return ARCH_MISMATCH;   /* paged: MLU500 only */
        if (blk != 16) return NOT_SUPPORTED;                     /* block_size only 16 */
    }
    if (D < 16 || D > 576 || Dv < 16 || Dv > 576 || Sq < 1 || Sq > 16 || Hq % Hk) return BAD_PARAM;
    if ((Hq / Hk) * Sq > (D > 256 ? 48 : 128)) return BAD_PARAM;
    int64_t maxb = bt ? T(btd)->dims[1] : 0;
    const uint16_t *Q = q, *K = kc, *V = vc; const int32_t *C = cl, *BT = bt; uint16_t *O = out;
    float *s = malloc(sizeof(float) * (max_ctx > 0 ? max_ctx : 1)), *acc = malloc(sizeof(float) * Dv);
    for (int64_t b = 0; b < B; b++) {
        int64_t len = C[b]; if (len > max_ctx) { free(s); free(acc); return BAD_PARAM; }
        for (int64_t j = 0; j < Sq; j++) for (int64_t hq = 0; hq < Hq; hq++) {
            int64_t hk = hq / (Hq / Hk), seen = Sq > 1 ? len - Sq + j + 1 : len; float mx = -INFINITY, sum = 0;
            const uint16_t *qq = Q + ((b * Sq + j) * Hq + hq) * D;
            for (int64_t t = 0; t < seen; t++) {
                int64_t page = BT[b * maxb + t / blk], slot = t % blk;
                if (page < 0 || page >= npages) { free(s); free(acc); return 6; }
                const uint16_t *kk = K + ((page * Hk + hk) * blk + slot) * D; float dot = 0;
                for (int64_t d = 0; d < D; d++) dot += bf16_to_f(qq[d]) * bf16_to_f(kk[d]);
                s[t] = dot * scale; if (s[t] > mx) mx = s[t];
            }
            memset(acc, 0, sizeof(float) * Dv);
            for (int64_t t = 0; t < seen; t++) {
                int64_t page = BT[b * maxb + t / blk], slot = t % blk; float p = expf(s[t] - mx); sum += p;
                const uint16_t *vv = V + ((page * Hk + hk) * blk + slot) * Dv;
                for (int64_t d = 0; d < Dv; d++) acc[d] += p * bf16_to_f(vv[d]);
            }
            for (int64_t d = 0; d < Dv; d++) O[((b * Sq + j) * Hq + hq) * Dv + d] = f_to_bf16(seen ? acc[d] / sum : 0);
        }
    }
    free(s); free(acc);
    return 0;
}

static float ld_any(const void *p, int dtype, int64_t i) { return dtype == 17 ? bf16_to_f(((const uint16_t *)p)[i]) : ((const float *)p)[i]; }
/* FP8 encode by search over the finite codes: round to nearest, ties to the even code, saturate */
static float fp8_dec(int e5m2, int c) {
    int s = c & 0x80, e, m; float v;
    if (e5m2) { e = (c >> 2) & 0x1f; m = c & 3; v = e ? ldexpf(1.0f + m / 4.0f, e - 15) : ldexpf(m / 4.0f, -14); }
    else { e = (c >> 3) & 0xf; m = c & 7; v = e ? ldexpf(1.0f + m / 8.0f, e - 7) : ldexpf(m / 8.0f, -6); }
    return s ? -v : v;
}
static uint8_t fp8_enc(int e5m2, float x) {
    int maxc = e5m2 ? 0x7b : 0x7e; float a = fabsf(x); int best = 0; double bd = INFINITY;
    if (a >= fp8_dec(e5m2, maxc)) best = maxc;
    else for (int c = 0; c <= maxc; c++) {
        double d = fabs((double)fp8_dec(e5m2, c) - a);
        if (d < bd || (d == bd && (c & 1) == 0)) { bd = d; best = c; }
        if (fp8_dec(e5m2, c) > a) break;
    }
    return (uint8_t)(best | (x < 0 ? 0x80 : 0));
}
EXPORT cnnlStatus_t cnnlGroupQuant(void *h, int static_layout, int dynamic_layout, const void *xd, const void *x,
        const void *isd, const void *is, const void *izd, const void *iz, const void *tcd, const void *tc,
        const void *gid, const void *gi, const void *gsd, const void *gs, const void *ubd, const void *ub,
        const void *od, void *out, const void *osd, void *os, const void *ozd, void *oz, void *ws, size_t ws_size) {
    FAIL("cnnlGroupQuant"); (void)h; (void)isd; (void)izd; (void)tcd; (void)gid; (void)gsd; (void)ubd; (void)ozd; (void)ws; (void)ws_size;
    if (static_layout != 0 || dynamic_layout != 3) return NOT_SUPPORTED;
    if (is || iz || tc || gi || gs || ub || oz) return NOT_SUPPORTED;
    if (!ok(xd) || !ok(od) || !ok(osd) || T(xd)->nb != 2 || T(od)->nb != 2 || T(osd)->nb != 1) return BAD_PARAM;
    int64_t N = T(xd)->dims[0], C = T(xd)->dims[1];
    if (C > 18432) return BAD_PARAM;
    if (T(od)->dims[0] != N || T(od)->dims[1] != C || T(osd)->dims[0] != N || T(osd)->dtype != 2) return BAD_PARAM;
    int in = T(xd)->dtype, fmt = T(od)->dtype;
    if (in != 17 && in != 2) return NOT_SUPPORTED;
    if (fmt != 3 && fmt != 20 && fmt != 21) return NOT_SUPPORTED;
    if ((fmt == 20 || fmt == 21) && fake_capability_major() < 6) return ARCH_MISMATCH;
    float fmax = fmt == 3 ? 127.0f : fmt == 20 ? 448.0f : 57344.0f;
    int8_t *O = out; float *S = os;
    for (int64_t r = 0; r < N; r++) {
        float amax = 0;
        for (int64_t c = 0; c < C; c++) { float v = fabsf(ld_any(x, in, r * C + c)); if (v > amax) amax = v; }
        if (amax < 1e-4f) amax = 1e-4f;
        float sc = amax / fmax; S[r] = sc;
        for (int64_t c = 0; c < C; c++) {
            float qv = ld_any(x, in, r * C + c) / sc;
            if (fmt == 3) { float rr = rintf(qv); O[r * C + c] = (int8_t)(rr > 127 ? 127 : rr < -127 ? -127 : rr); }
            else O[r * C + c] = (int8_t)fp8_enc(fmt == 21, qv);
        }
    }
    fake_note("groupquant_rows", N);
    return 0;
}
