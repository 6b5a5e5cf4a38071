/* Dayzero ABI-level test double for Cambricon CNRT / CNNL / CNNL-Extra: shared declarations.
 * Test sources only. Same exported symbols and C signatures as the real libraries (see
 * /work/shared/vendor-apis/cambricon.md); device memory is host memory; operators are plain reference math. */
#ifndef DAYZERO_FAKE_H
#define DAYZERO_FAKE_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#define EXPORT __attribute__((visibility("default")))

/* state kept in libcnrt.so, used by the other two doubles */
EXPORT void fake_live_add(const char *kind, int delta);
EXPORT int fake_live(const char *kind);
EXPORT int fake_take_fail(const char *fn);
EXPORT void fake_record_call(const char *fn);
EXPORT void fake_note(const char *key, long long value);
EXPORT int fake_capability_major(void);
EXPORT int fake_mem_check(const void *p, size_t bytes);

typedef struct {
    int magic, layout, dtype, onchip, nb;
    int64_t dims[8], strides[8];
} fake_tensor;
#define TENSOR_MAGIC 0x7e7e0001

static inline float bf16_to_f(uint16_t h) { union { uint32_t u; float f; } v; v.u = (uint32_t)h << 16; return v.f; }
static inline uint16_t f_to_bf16(float f) {
    union { uint32_t u; float f; } v; v.f = f;
    if ((v.u & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((v.u >> 16) | 0x40);
    uint32_t r = 0x7fffu + ((v.u >> 16) & 1u);
    return (uint16_t)((v.u + r) >> 16);
}
static inline int64_t tensor_elems(const fake_tensor *t) {
    int64_t n = 1; for (int i = 0; i < t->nb; i++) n *= t->dims[i]; return n;
}
#endif
