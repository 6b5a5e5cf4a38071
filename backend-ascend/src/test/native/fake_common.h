/*
 * Dayzero Ascend test double: shared definitions. TEST SOURCES ONLY.
 * Same symbols and C signatures as CANN's libascendcl.so / libnnopbase.so / libopapi.so
 * (see ../../../../shared/vendor-apis/ascend.md); "device" memory is host memory and every
 * operator runs synchronously, with plain reference math, when it is enqueued.
 */
#ifndef FAKE_COMMON_H
#define FAKE_COMMON_H
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

typedef int aclError;
typedef int32_t aclnnStatus;
typedef void *aclrtStream;
typedef void *aclrtEvent;
typedef void *aclrtContext;

#define FAKE_MAX_DIMS 8
typedef struct aclTensor {
    uint64_t ndim;
    int64_t dims[FAKE_MAX_DIMS];
    int64_t strides[FAKE_MAX_DIMS];
    int64_t offset;
    int32_t dtype;
    int32_t format;
    uint64_t storageNdim;
    int64_t storageDims[FAKE_MAX_DIMS];
    void *data;
} aclTensor;
typedef struct aclIntArray { uint64_t n; int64_t *v; } aclIntArray;
typedef struct aclTensorList { uint64_t n; aclTensor **v; } aclTensorList;
typedef struct aclScalar { int32_t dtype; double value; } aclScalar;

typedef struct aclOpExecutor {
    int repeatable;
    uint64_t workspaceSize;
    const char *op;
    aclnnStatus (*run)(struct aclOpExecutor *self, void *workspace);
    void (*freeCtx)(void *ctx);
    void *ctx;
} aclOpExecutor;

/* aclDataType values (ascend.md 2.4) */
enum { DT_FLOAT = 0, DT_FLOAT16 = 1, DT_INT8 = 2, DT_INT32 = 3, DT_UINT8 = 4, DT_INT64 = 9, DT_BOOL = 12,
       DT_BF16 = 27, DT_FP8_E5M2 = 35, DT_FP8_E4M3FN = 36 };

/* exported by the fake libascendcl.so, used by the two other fakes */
void fake_track(const char *kind, int delta);
int fake_should_fail(const char *fn, int *code);
void fake_set_error(const char *fmt, ...);
void fake_log_call(const char *fn);
void fake_record_int(const char *key, int64_t value);
void fake_record_str(const char *key, const char *value);
void fake_record_reset(void);
#endif
