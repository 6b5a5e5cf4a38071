/* Fake libascendcl.so: the ACL runtime on host memory, plus the double's bookkeeping exports. */
#define _GNU_SOURCE
#include "fake_common.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <time.h>
#include <pthread.h>

#define ACL_ERROR_INVALID_PARAM 100000
#define ACL_ERROR_BAD_ALLOC 200000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static __thread char errmsg[1024];

/* ------------------------------------------------------------ bookkeeping */
#define MAX_KINDS 32
static const char *kinds[MAX_KINDS];
static long live[MAX_KINDS];
static int nkinds;

void fake_track(const char *kind, int delta) {
    pthread_mutex_lock(&lock);
    int i;
    for (i = 0; i < nkinds; i++) if (strcmp(kinds[i], kind) == 0) break;
    if (i == nkinds && nkinds < MAX_KINDS) { kinds[nkinds] = kind; live[nkinds] = 0; nkinds++; }
    if (i < MAX_KINDS) live[i] += delta;
    pthread_mutex_unlock(&lock);
}
/** Live resources of one kind ("memory", "stream", "event", "context", "device", "tensor", "intArray", "tensorList", "executor", "scalar"). */
long fake_live(const char *kind) {
    long v = 0;
    pthread_mutex_lock(&lock);
    for (int i = 0; i < nkinds; i++) if (strcmp(kinds[i], kind) == 0) v = live[i];
    pthread_mutex_unlock(&lock);
    return v;
}
/** Sum of every live resource. */
long fake_live_resources(void) {
    long v = 0;
    pthread_mutex_lock(&lock);
    for (int i = 0; i < nkinds; i++) v += live[i];
    pthread_mutex_unlock(&lock);
    return v;
}
/** The double identifies itself through this symbol. */
int fake_is_test_double(void) { return 1; }

#define MAX_CALLS 256
static char callNames[MAX_CALLS][64];
static long callCounts[MAX_CALLS];
static int ncalls;
void fake_log_call(const char *fn) {
    pthread_mutex_lock(&lock);
    int i;
    for (i = 0; i < ncalls; i++) if (strcmp(callNames[i], fn) == 0) break;
    if (i == ncalls && ncalls < MAX_CALLS) { snprintf(callNames[i], 64, "%s", fn); callCounts[i] = 0; ncalls++; }
    if (i < MAX_CALLS) callCounts[i]++;
    pthread_mutex_unlock(&lock);
}
long fake_call_count(const char *fn) {
    long v = 0;
    pthread_mutex_lock(&lock);
    for (int i = 0; i < ncalls; i++) if (strcmp(callNames[i], fn) == 0) v = callCounts[i];
    pthread_mutex_unlock(&lock);
    return v;
}

static char failFn[64];
static int failCode;
/** The next call of fn fails with code (aclError / aclnnStatus; pointer-returning calls return NULL). */
void fake_fail_next(const char *fn, int code) {
    pthread_mutex_lock(&lock);
    snprintf(failFn, sizeof failFn, "%s", fn ? fn : "");
    failCode = code;
    pthread_mutex_unlock(&lock);
}
int fake_should_fail(const char *fn, int *code) {
    int hit = 0;
    fake_log_call(fn);
    pthread_mutex_lock(&lock);
    if (failFn[0] && strcmp(failFn, fn) == 0) { hit = 1; *code = failCode; failFn[0] = 0; }
    pthread_mutex_unlock(&lock);
    if (hit) fake_set_error("fake: injected failure of %s with code %d", fn, *code);
    return hit;
}
void fake_set_error(const char *fmt, ...) {
    va_list ap; va_start(ap, fmt); vsnprintf(errmsg, sizeof errmsg, fmt, ap); va_end(ap);
}

/* attributes the last operator received, for marshalling tests */
#define MAX_REC 128
static char recKeys[MAX_REC][64];
static int64_t recInts[MAX_REC];
static char recStrs[MAX_REC][64];
static int recIsStr[MAX_REC];
static int nrec;
void fake_record_reset(void) { pthread_mutex_lock(&lock); nrec = 0; pthread_mutex_unlock(&lock); }
static int rec_slot(const char *key) {
    for (int i = 0; i < nrec; i++) if (strcmp(recKeys[i], key) == 0) return i;
    if (nrec == MAX_REC) return -1;
    snprintf(recKeys[nrec], 64, "%s", key);
    return nrec++;
}
void fake_record_int(const char *key, int64_t value) {
    pthread_mutex_lock(&lock);
    int i = rec_slot(key);
    if (i >= 0) { recInts[i] = value; recIsStr[i] = 0; }
    pthread_mutex_unlock(&lock);
}
void fake_record_str(const char *key, const char *value) {
    pthread_mutex_lock(&lock);
    int i = rec_slot(key);
    if (i >= 0) { snprintf(recStrs[i], 64, "%s", value ? value : "(null)"); recIsStr[i] = 1; }
    pthread_mutex_unlock(&lock);
}
/** Integer attribute recorded by the last operator call; INT64_MIN when absent. */
int64_t fake_recorded_int(const char *key) {
    int64_t v = INT64_MIN;
    pthread_mutex_lock(&lock);
    for (int i = 0; i < nrec; i++) if (!recIsStr[i] && strcmp(recKeys[i], key) == 0) v = recInts[i];
    pthread_mutex_unlock(&lock);
    return v;
}
/** String attribute recorded by the last operator call; NULL when absent. */
const char *fake_recorded_str(const char *key) {
    const char *v = NULL;
    pthread_mutex_lock(&lock);
    for (int i = 0; i < nrec; i++) if (recIsStr[i] && strcmp(recKeys[i], key) == 0) v = recStrs[i];
    pthread_mutex_unlock(&lock);
    return v;
}

#define FAIL_IF_INJECTED(fn) do { int c_; if (fake_should_fail(fn, &c_)) return c_; } while (0)

/* ------------------------------------------------------------ runtime */
static int initialized;
aclError aclInit(const char *configPath) {
    (void) configPath;
    FAIL_IF_INJECTED("aclInit");
    if (initialized) { fake_set_error("repeat initialize"); return 100002; }
    initialized = 1;
    return 0;
}
aclError aclFinalize(void) { FAIL_IF_INJECTED("aclFinalize"); initialized = 0; return 0; }
static int currentDevice = -1;
aclError aclrtSetDevice(int32_t deviceId) {
    FAIL_IF_INJECTED("aclrtSetDevice");
    if (!initialized) { fake_set_error("aclInit has not been called"); return 100001; }
    if (deviceId != 0) { fake_set_error("invalid device id %d: the double has one device", deviceId); return 200002; }
    currentDevice = deviceId; fake_track("device", 1); return 0;
}
aclError aclrtResetDevice(int32_t deviceId) {
    FAIL_IF_INJECTED("aclrtResetDevice");
    if (deviceId != 0) return 200002;
    fake_track("device", -1); return 0;
}
aclError aclrtGetDevice(int32_t *deviceId) { FAIL_IF_INJECTED("aclrtGetDevice"); *deviceId = currentDevice; return 0; }
aclError aclrtGetDeviceCount(uint32_t *count) { FAIL_IF_INJECTED("aclrtGetDeviceCount"); *count = 1; return 0; }
aclError aclrtSynchronizeDevice(void) { FAIL_IF_INJECTED("aclrtSynchronizeDevice"); return 0; }
static char fake_soc[64] = "Ascend910B3";
/* Test hook: the SoC name the double reports from now on (NULL or "" restores Ascend910B3). */
void fake_set_soc(const char *soc) {
    snprintf(fake_soc, sizeof fake_soc, "%s", soc && *soc ? soc : "Ascend910B3");
}
const char *aclrtGetSocName(void) { fake_log_call("aclrtGetSocName"); return fake_soc; }
const char *aclGetRecentErrMsg(void) { return errmsg[0] ? errmsg : NULL; }
aclError aclrtGetVersion(int32_t *major, int32_t *minor, int32_t *patch) {
    FAIL_IF_INJECTED("aclrtGetVersion"); *major = 1; *minor = 15; *patch = 0; return 0;
}
aclError aclGetDeviceCapability(uint32_t deviceId, int deviceInfo, int64_t *value) {
    FAIL_IF_INJECTED("aclGetDeviceCapability");
    (void) deviceId;
    switch (deviceInfo) { case 0: *value = 20; return 0; case 1: *value = 40; return 0;
                          case 2: *value = 192LL << 20; return 0; default: return ACL_ERROR_INVALID_PARAM; }
}
aclError aclrtGetMemInfo(int attr, size_t *freeBytes, size_t *total) {
    FAIL_IF_INJECTED("aclrtGetMemInfo");
    (void) attr; *total = 64ULL << 30; *freeBytes = 60ULL << 30; return 0;
}
aclError aclrtCreateContext(aclrtContext *context, int32_t deviceId) {
    FAIL_IF_INJECTED("aclrtCreateContext");
    (void) deviceId; *context = malloc(16); fake_track("context", 1); return 0;
}
aclError aclrtDestroyContext(aclrtContext context) {
    FAIL_IF_INJECTED("aclrtDestroyContext");
    if (!context) return ACL_ERROR_INVALID_PARAM;
    free(context); fake_track("context", -1); return 0;
}
aclError aclrtSetCurrentContext(aclrtContext context) { FAIL_IF_INJECTED("aclrtSetCurrentContext"); return context ? 0 : ACL_ERROR_INVALID_PARAM; }

typedef struct { int magic; long ops; } fake_stream;
#define STREAM_MAGIC 0x5354
aclError aclrtCreateStream(aclrtStream *stream) {
    FAIL_IF_INJECTED("aclrtCreateStream");
    fake_stream *s = calloc(1, sizeof *s); s->magic = STREAM_MAGIC; *stream = s; fake_track("stream", 1); return 0;
}
aclError aclrtDestroyStream(aclrtStream stream) {
    FAIL_IF_INJECTED("aclrtDestroyStream");
    fake_stream *s = stream;
    if (!s || s->magic != STREAM_MAGIC) { fake_set_error("aclrtDestroyStream: not a stream"); return ACL_ERROR_INVALID_PARAM; }
    s->magic = 0; free(s); fake_track("stream", -1); return 0;
}
aclError aclrtSynchronizeStream(aclrtStream stream) {
    FAIL_IF_INJECTED("aclrtSynchronizeStream");
    fake_stream *s = stream;
    if (!s || s->magic != STREAM_MAGIC) { fake_set_error("aclrtSynchronizeStream: not a stream"); return ACL_ERROR_INVALID_PARAM; }
    return 0;
}
/** Stream check used by the fake operators (phase 2). */
int fake_valid_stream(aclrtStream stream) { fake_stream *s = stream; return s && s->magic == STREAM_MAGIC; }

aclError aclrtMalloc(void **devPtr, size_t size, int policy) {
    FAIL_IF_INJECTED("aclrtMalloc");
    fake_record_int("aclrtMalloc.policy", policy);
    if (size == 0) { fake_set_error("aclrtMalloc: size must not be 0"); return ACL_ERROR_INVALID_PARAM; }
    if (size > (64ULL << 30)) { fake_set_error("aclrtMalloc: %zu bytes exceed the device", size); return 207001; }
    void *p = NULL;
    if (posix_memalign(&p, 64, size) != 0) return ACL_ERROR_BAD_ALLOC;
    *devPtr = p; fake_track("memory", 1); return 0;
}
aclError aclrtFree(void *devPtr) {
    FAIL_IF_INJECTED("aclrtFree");
    if (!devPtr) return ACL_ERROR_INVALID_PARAM;
    free(devPtr); fake_track("memory", -1); return 0;
}
aclError aclrtMemcpy(void *dst, size_t destMax, const void *src, size_t count, int kind) {
    FAIL_IF_INJECTED("aclrtMemcpy");
    fake_record_int("aclrtMemcpy.kind", kind);
    if (count > destMax) { fake_set_error("aclrtMemcpy: count %zu > destMax %zu", count, destMax); return ACL_ERROR_INVALID_PARAM; }
    if (kind < 0 || kind > 4) return ACL_ERROR_INVALID_PARAM;
    memmove(dst, src, count); return 0;
}
aclError aclrtMemcpyAsync(void *dst, size_t destMax, const void *src, size_t count, int kind, aclrtStream stream) {
    FAIL_IF_INJECTED("aclrtMemcpyAsync");
    if (!fake_valid_stream(stream)) return ACL_ERROR_INVALID_PARAM;
    fake_record_int("aclrtMemcpyAsync.kind", kind);
    if (count > destMax) return ACL_ERROR_INVALID_PARAM;
    memmove(dst, src, count); return 0;
}
aclError aclrtMemsetAsync(void *devPtr, size_t maxCount, int32_t value, size_t count, aclrtStream stream) {
    FAIL_IF_INJECTED("aclrtMemsetAsync");
    if (!fake_valid_stream(stream) || count > maxCount) return ACL_ERROR_INVALID_PARAM;
    memset(devPtr, value, count); return 0;
}

typedef struct { int magic; int recorded; double ms; } fake_event;
#define EVENT_MAGIC 0x4556
aclError aclrtCreateEvent(aclrtEvent *event) {
    FAIL_IF_INJECTED("aclrtCreateEvent");
    fake_event *e = calloc(1, sizeof *e); e->magic = EVENT_MAGIC; *event = e; fake_track("event", 1); return 0;
}
aclError aclrtDestroyEvent(aclrtEvent event) {
    FAIL_IF_INJECTED("aclrtDestroyEvent");
    fake_event *e = event;
    if (!e || e->magic != EVENT_MAGIC) return ACL_ERROR_INVALID_PARAM;
    e->magic = 0; free(e); fake_track("event", -1); return 0;
}
aclError aclrtRecordEvent(aclrtEvent event, aclrtStream stream) {
    FAIL_IF_INJECTED("aclrtRecordEvent");
    fake_event *e = event;
    if (!e || e->magic != EVENT_MAGIC || !fake_valid_stream(stream)) { fake_set_error("aclrtRecordEvent: bad event or stream"); return ACL_ERROR_INVALID_PARAM; }
    struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts);
    e->ms = ts.tv_sec * 1e3 + ts.tv_nsec / 1e6; e->recorded = 1; return 0;
}
aclError aclrtSynchronizeEvent(aclrtEvent event) {
    FAIL_IF_INJECTED("aclrtSynchronizeEvent");
    fake_event *e = event;
    if (!e || e->magic != EVENT_MAGIC) return ACL_ERROR_INVALID_PARAM;
    return 0;
}
aclError aclrtEventElapsedTime(float *ms, aclrtEvent startEvent, aclrtEvent endEvent) {
    FAIL_IF_INJECTED("aclrtEventElapsedTime");
    fake_event *s = startEvent, *e = endEvent;
    if (!s || !e || s->magic != EVENT_MAGIC || e->magic != EVENT_MAGIC) return ACL_ERROR_INVALID_PARAM;
    if (!s->recorded || !e->recorded) { fake_set_error("aclrtEventElapsedTime: event not recorded"); return ACL_ERROR_INVALID_PARAM; }
    *ms = (float) (e->ms - s->ms); return 0;
}
