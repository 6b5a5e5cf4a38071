/* Fake libnnopbase.so: aclTensor / aclIntArray / aclTensorList / aclScalar and executors. */
#include "fake_common.h"
#include <stdlib.h>
#include <string.h>

#define FAIL_PTR(fn) do { int c_; if (fake_should_fail(fn, &c_)) return NULL; } while (0)
#define FAIL_RC(fn) do { int c_; if (fake_should_fail(fn, &c_)) return c_; } while (0)

static aclTensor last;          /* the last tensor created, for marshalling tests */

aclTensor *aclCreateTensor(const int64_t *viewDims, uint64_t viewDimsNum, int dataType, const int64_t *stride,
                           int64_t offset, int format, const int64_t *storageDims, uint64_t storageDimsNum,
                           void *tensorData) {
    FAIL_PTR("aclCreateTensor");
    if (viewDimsNum > FAKE_MAX_DIMS || storageDimsNum > FAKE_MAX_DIMS) {
        fake_set_error("aclCreateTensor: more than %d dims", FAKE_MAX_DIMS); return NULL;
    }
    aclTensor *t = calloc(1, sizeof *t);
    t->ndim = viewDimsNum;
    for (uint64_t i = 0; i < viewDimsNum; i++) t->dims[i] = viewDims[i];
    if (stride) {
        for (uint64_t i = 0; i < viewDimsNum; i++) t->strides[i] = stride[i];
    } else {
        int64_t s = 1;
        for (int64_t i = (int64_t) viewDimsNum - 1; i >= 0; i--) { t->strides[i] = s; s *= viewDims[i]; }
    }
    t->offset = offset; t->dtype = dataType; t->format = format;
    t->storageNdim = storageDimsNum;
    for (uint64_t i = 0; i < storageDimsNum; i++) t->storageDims[i] = storageDims[i];
    t->data = tensorData;
    last = *t;
    fake_track("tensor", 1);
    return t;
}
aclnnStatus aclDestroyTensor(const aclTensor *t) {
    FAIL_RC("aclDestroyTensor");
    if (!t) return 0;
    free((void *) t); fake_track("tensor", -1); return 0;
}
/** The last tensor created: dims and strides into the arrays, returns ndim; meta = {dtype, format, offset, storageNdim, storage elements}. */
int64_t fake_last_tensor(int64_t *dims, int64_t *strides, int64_t *meta, void **data) {
    for (uint64_t i = 0; i < last.ndim; i++) { dims[i] = last.dims[i]; strides[i] = last.strides[i]; }
    int64_t storage = 1;
    for (uint64_t i = 0; i < last.storageNdim; i++) storage *= last.storageDims[i];
    meta[0] = last.dtype; meta[1] = last.format; meta[2] = last.offset; meta[3] = (int64_t) last.storageNdim; meta[4] = storage;
    *data = last.data;
    return (int64_t) last.ndim;
}

aclIntArray *aclCreateIntArray(const int64_t *value, uint64_t size) {
    FAIL_PTR("aclCreateIntArray");
    aclIntArray *a = calloc(1, sizeof *a);
    a->n = size; a->v = calloc(size ? size : 1, sizeof(int64_t));
    if (size) memcpy(a->v, value, size * sizeof(int64_t));
    fake_track("intArray", 1);
    return a;
}
aclnnStatus aclDestroyIntArray(const aclIntArray *a) {
    FAIL_RC("aclDestroyIntArray");
    if (!a) return 0;
    free(a->v); free((void *) a); fake_track("intArray", -1); return 0;
}
aclTensorList *aclCreateTensorList(const aclTensor *const *value, uint64_t size) {
    FAIL_PTR("aclCreateTensorList");
    aclTensorList *l = calloc(1, sizeof *l);
    l->n = size; l->v = calloc(size ? size : 1, sizeof(aclTensor *));
    for (uint64_t i = 0; i < size; i++) l->v[i] = (aclTensor *) value[i];
    fake_track("tensorList", 1);
    return l;
}
/* As in OPB acl_op_api.cpp: destroying a list destroys every tensor it holds. */
aclnnStatus aclDestroyTensorList(const aclTensorList *l) {
    FAIL_RC("aclDestroyTensorList");
    if (!l) return 0;
    for (uint64_t i = 0; i < l->n; i++) if (l->v[i]) { free(l->v[i]); fake_track("tensor", -1); }
    free(l->v); free((void *) l); fake_track("tensorList", -1); return 0;
}
aclScalar *aclCreateScalar(void *value, int dataType) {
    FAIL_PTR("aclCreateScalar");
    aclScalar *s = calloc(1, sizeof *s);
    s->dtype = dataType;
    s->value = dataType == DT_FLOAT ? *(float *) value : dataType == DT_INT64 ? (double) *(int64_t *) value : 0;
    fake_track("scalar", 1);
    return s;
}
aclnnStatus aclDestroyScalar(const aclScalar *s) {
    FAIL_RC("aclDestroyScalar");
    if (!s) return 0;
    free((void *) s); fake_track("scalar", -1); return 0;
}
aclnnStatus aclSetAclOpExecutorRepeatable(aclOpExecutor *executor) {
    FAIL_RC("aclSetAclOpExecutorRepeatable");
    if (!executor) return 161001;
    executor->repeatable = 1; return 0;
}
void fake_free_executor(aclOpExecutor *e) {
    if (e->freeCtx) e->freeCtx(e->ctx);
    free(e); fake_track("executor", -1);
}
aclnnStatus aclDestroyAclOpExecutor(aclOpExecutor *executor) {
    FAIL_RC("aclDestroyAclOpExecutor");
    if (!executor) return 0;
    if (!executor->repeatable) { fake_set_error("aclDestroyAclOpExecutor: executor is not repeatable"); return 161002; }
    fake_free_executor(executor); return 0;
}
aclnnStatus aclnnInit(const char *configPath) { (void) configPath; FAIL_RC("aclnnInit"); return 0; }
aclnnStatus aclnnFinalize(void) { FAIL_RC("aclnnFinalize"); return 0; }
