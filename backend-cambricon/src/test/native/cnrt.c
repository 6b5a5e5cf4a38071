/* libcnrt.so test double. */
#include "fake.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <stdio.h>

typedef int cnrtRet_t;
EXPORT const int dayzero_test_double = 1;   /* marker: the backend labels the device emulated when it resolves */

#define MAXK 64
static struct { char name[64]; int count; long long value; int used; } kinds[MAXK], calls[MAXK], notes[MAXK];
static char fail_fn[128]; static int fail_code;
static int cc_major = 5, cc_minor = 0;
static long long live_bytes;

static int slot(void *table, const char *name) {
    typeof(kinds[0]) *t = table;
    for (int i = 0; i < MAXK; i++) if (t[i].used && strcmp(t[i].name, name) == 0) return i;
    for (int i = 0; i < MAXK; i++) if (!t[i].used) { t[i].used = 1; strncpy(t[i].name, name, 63); t[i].count = 0; t[i].value = 0; return i; }
    return 0;
}
EXPORT void fake_live_add(const char *kind, int delta) { kinds[slot(kinds, kind)].count += delta; }
EXPORT int fake_live(const char *kind) { return kinds[slot(kinds, kind)].count; }
EXPORT long long fake_live_bytes(void) { return live_bytes; }
EXPORT void fake_record_call(const char *fn) { calls[slot(calls, fn)].count++; }
EXPORT int fake_calls(const char *fn) { return calls[slot(calls, fn)].count; }
EXPORT void fake_note(const char *key, long long v) { notes[slot(notes, key)].value = v; }
EXPORT long long fake_noted(const char *key) { return notes[slot(notes, key)].value; }
EXPORT void fake_fail_next(const char *fn, int code) { strncpy(fail_fn, fn, 127); fail_code = code; }
EXPORT int fake_take_fail(const char *fn) {
    fake_record_call(fn);
    if (fail_code != 0 && strcmp(fail_fn, fn) == 0) { int c = fail_code; fail_code = 0; fail_fn[0] = 0; return c; }
    return 0;
}
EXPORT void fake_set_capability(int major, int minor) { cc_major = major; cc_minor = minor; }
EXPORT int fake_capability_major(void) { return cc_major; }
EXPORT void fake_reset(void) {
    memset(calls, 0, sizeof calls); memset(notes, 0, sizeof notes); fail_code = 0; fail_fn[0] = 0;
}

#define FAIL(fn) do { int _c = fake_take_fail(fn); if (_c) return _c; } while (0)
#define ARGS_INVALID 100006
#define DEVICE_INVALID 100005

/* memory: a 32-byte header before every block, so frees and sizes are checked */
#define MEM_MAGIC 0x4d4c5530ULL
typedef struct { unsigned long long magic, size, pad0, pad1; } memhdr;
/* live allocations, so device-pointer arguments (base + offset) are checked against a real block */
static struct { char *base; size_t size; } *blocks; static int nblocks, capblocks;
EXPORT int fake_mem_check(const void *p, size_t bytes) {
    const char *c = p;
    for (int i = 0; i < nblocks; i++)
        if (c >= blocks[i].base && c <= blocks[i].base + blocks[i].size && (size_t)(blocks[i].base + blocks[i].size - c) >= bytes) return 1;
    return 0;
}
static void track(char *base, size_t size) {
    if (nblocks == capblocks) { capblocks = capblocks ? capblocks * 2 : 64; blocks = realloc(blocks, sizeof *blocks * capblocks); }
    blocks[nblocks].base = base; blocks[nblocks].size = size; nblocks++;
}
static void untrack(char *base) {
    for (int i = 0; i < nblocks; i++) if (blocks[i].base == base) { blocks[i] = blocks[--nblocks]; return; }
}

EXPORT cnrtRet_t cnrtGetDeviceCount(unsigned int *n) { FAIL("cnrtGetDeviceCount"); if (!n) return ARGS_INVALID; *n = 1; return 0; }
static int current = 0;
EXPORT cnrtRet_t cnrtSetDevice(int d) { FAIL("cnrtSetDevice"); if (d != 0) return DEVICE_INVALID; current = d; return 0; }
EXPORT cnrtRet_t cnrtGetDevice(int *d) { FAIL("cnrtGetDevice"); *d = current; return 0; }
static const char *chip(void) { return cc_major == 3 ? "MLU370" : cc_major == 5 ? "MLU590" : "MLU cc6 ISA613"; }
EXPORT cnrtRet_t cnrtGetDeviceProperties_V3(void *prop, int device) {
    FAIL("cnrtGetDeviceProperties_V3");
    if (device != 0) return DEVICE_INVALID;
    memset(prop, 0, 584);
    char name[256]; snprintf(name, sizeof name, "%s (Dayzero test double)", chip());
    strncpy((char *)prop, name, 255);
    ((int *)((char *)prop + 256))[0] = 1024;    /* totalMem MB */
    return 0;
}
EXPORT cnrtRet_t cnrtDeviceGetAttribute(int *v, int attr, int device) {
    FAIL("cnrtDeviceGetAttribute");
    if (device != 0) return DEVICE_INVALID;
    if (!v) return ARGS_INVALID;
    switch (attr) {
        case 0x01: *v = cc_major; break;
        case 0x02: *v = cc_minor; break;
        case 0x07: *v = cc_major >= 5; break;
        case 0x205: *v = cc_major == 3 ? 8 : 12; break;
        case 0x206: *v = 4; break;
        case 0x20a: *v = cc_major == 3 ? 372 : cc_major == 5 ? 592 : 613; break;
        case 0x301: *v = 48 * 1024 * 1024; break;
        case 0x402: *v = 1300000; break;
        case 0x403: *v = 3200000; break;
        case 0x404: *v = 4096; break;
        case 0x405: *v = 1024; break;
        default: return 632009; /* cnrtErrorNoAttribute */
    }
    return 0;
}
EXPORT cnrtRet_t cnrtSyncDevice(void) { FAIL("cnrtSyncDevice"); return 0; }
EXPORT cnrtRet_t cnrtGetLibVersion(int *a, int *b, int *c) { FAIL("cnrtGetLibVersion"); *a = 6; *b = 14; *c = 1; return 0; }
EXPORT cnrtRet_t cnrtDriverGetVersion(int *a, int *b, int *c) { FAIL("cnrtDriverGetVersion"); *a = 0; *b = 0; *c = 0; return 0; }

EXPORT cnrtRet_t cnrtMalloc(void **p, size_t bytes) {
    FAIL("cnrtMalloc");
    if (!p) return ARGS_INVALID;
    if (bytes > ((size_t)1 << 34)) return 100100; /* cnrtErrorNoMem */
    memhdr *h = malloc(sizeof(memhdr) + (bytes ? bytes : 1));
    if (!h) return 100100;
    h->magic = MEM_MAGIC; h->size = bytes;
    *p = h + 1; track((char *)(h + 1), bytes); fake_live_add("memory", 1); live_bytes += bytes;
    return 0;
}
EXPORT cnrtRet_t cnrtFree(void *p) {
    FAIL("cnrtFree");
    if (!p) return 0;
    memhdr *h = (memhdr *)p - 1;
    if (h->magic != MEM_MAGIC) return ARGS_INVALID;
    untrack((char *)p); h->magic = 0; live_bytes -= h->size; fake_live_add("memory", -1); free(h);
    return 0;
}
EXPORT cnrtRet_t cnrtMemcpy(void *dst, void *src, size_t bytes, int dir) {
    FAIL("cnrtMemcpy");
    if (dir < 0 || dir > 5) return 632013;
    if ((dir == 0 || dir == 1) && !fake_mem_check(dst, bytes)) return ARGS_INVALID;
    if ((dir == 2 || dir == 1) && !fake_mem_check(src, bytes)) return ARGS_INVALID;
    memmove(dst, src, bytes);
    return 0;
}
EXPORT cnrtRet_t cnrtMemcpyAsync_V3(void *dst, void *src, size_t bytes, void *queue, int dir) {
    (void)queue; FAIL("cnrtMemcpyAsync_V3"); fake_note("cnrtMemcpyAsync_V3.dir", dir);
    return cnrtMemcpy(dst, src, bytes, dir);
}
EXPORT cnrtRet_t cnrtMemsetAsync(void *p, int value, size_t bytes, void *queue) {
    (void)queue; FAIL("cnrtMemsetAsync");
    if (!fake_mem_check(p, bytes)) return ARGS_INVALID;
    memset(p, value, bytes); return 0;
}
EXPORT cnrtRet_t cnrtMemGetInfo(size_t *f, size_t *t) { FAIL("cnrtMemGetInfo"); *t = (size_t)1 << 30; *f = *t - (size_t)live_bytes; return 0; }

#define QMAGIC 0x51554555
typedef struct { int magic; } fq;
EXPORT cnrtRet_t cnrtQueueCreate(void **q) {
    FAIL("cnrtQueueCreate"); fq *x = malloc(sizeof *x); x->magic = QMAGIC; *q = x; fake_live_add("queue", 1); return 0;
}
EXPORT cnrtRet_t cnrtQueueDestroy(void *q) {
    FAIL("cnrtQueueDestroy"); fq *x = q; if (!x || x->magic != QMAGIC) return 100014;
    x->magic = 0; free(x); fake_live_add("queue", -1); return 0;
}
EXPORT cnrtRet_t cnrtQueueSync(void *q) { FAIL("cnrtQueueSync"); fq *x = q; if (x && x->magic != QMAGIC) return 100014; return 0; }
EXPORT cnrtRet_t cnrtQueueQuery(void *q) { (void)q; FAIL("cnrtQueueQuery"); return 0; }

#define NMAGIC 0x4e4f5449
typedef struct { int magic, placed; double us; } fn_;
static double now_us(void) { struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts); return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3; }
EXPORT cnrtRet_t cnrtNotifierCreate(void **n) {
    FAIL("cnrtNotifierCreate"); fn_ *x = calloc(1, sizeof *x); x->magic = NMAGIC; *n = x; fake_live_add("notifier", 1); return 0;
}
EXPORT cnrtRet_t cnrtNotifierDestroy(void *n) {
    FAIL("cnrtNotifierDestroy"); fn_ *x = n; if (!x || x->magic != NMAGIC) return 100014;
    x->magic = 0; free(x); fake_live_add("notifier", -1); return 0;
}
EXPORT cnrtRet_t cnrtPlaceNotifier(void *n, void *q) {
    FAIL("cnrtPlaceNotifier"); fn_ *x = n; fq *y = q;
    if (!x || x->magic != NMAGIC || (y && y->magic != QMAGIC)) return 100014;
    x->placed = 1; x->us = now_us(); return 0;
}
EXPORT cnrtRet_t cnrtWaitNotifier(void *n) { FAIL("cnrtWaitNotifier"); fn_ *x = n; return x && x->magic == NMAGIC ? 0 : 100014; }
EXPORT cnrtRet_t cnrtQueryNotifier(void *n) { FAIL("cnrtQueryNotifier"); (void)n; return 0; }
static cnrtRet_t notifier_us(void *a, void *b, float *us) {
    fn_ *x = a, *y = b;
    if (!x || !y || x->magic != NMAGIC || y->magic != NMAGIC || !x->placed || !y->placed || !us) return ARGS_INVALID;
    *us = (float)(y->us - x->us); return 0;
}
/* both timers read the host clock at placement: the double has no hardware time (its figures are never a speed) */
EXPORT cnrtRet_t cnrtNotifierDuration(void *a, void *b, float *us) {
    FAIL("cnrtNotifierDuration"); return notifier_us(a, b, us);
}
EXPORT cnrtRet_t cnrtNotifierElapsedTime(void *a, void *b, float *ms) {
    FAIL("cnrtNotifierElapsedTime"); float us = 0; int rc = notifier_us(a, b, ms ? &us : NULL); if (!rc) *ms = us / 1000.0f; return rc;
}

EXPORT const char *cnrtGetErrorName(cnrtRet_t e) {
    switch (e) { case 0: return "cnrtSuccess"; case 100006: return "cnrtErrorArgsInvalid"; case 100100: return "cnrtErrorNoMem";
        case 100005: return "cnrtErrorDeviceInvalid"; case 100014: return "cnrtErrorInvalidResourceHandle"; default: return "cnrtErrorUnknown"; }
}
EXPORT const char *cnrtGetErrorStr(cnrtRet_t e) {
    switch (e) { case 0: return "the API call returns with no error";
        case 100006: return "invalid argument (test double)"; case 100100: return "out of device memory (test double)";
        case 100005: return "invalid device ordinal (test double)"; case 100014: return "invalid resource handle (test double)";
        default: return "unknown error (test double)"; }
}
EXPORT cnrtRet_t cnrtGetLastError(void) { return 0; }
