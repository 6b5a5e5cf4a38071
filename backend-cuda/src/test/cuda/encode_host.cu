// Host harness for the quantize encoders (no GPU): reads little-endian F32 values from stdin and writes, for
// each, 8 bytes: the E4M3FN code, the E5M2 code, the INT8 code of the value, one zero byte, then the bits of
// ceil_pow2(value) (0 when the value is not positive and finite). FatbinTest's sibling EncoderParityTest
// compares them with hal-api's Fp8.encode, QuantizeSpec.encode and Ue8m0.ceilPowerOfTwo.
#include "../../main/cuda/quantize.cu"
#include <stdio.h>
#include <math.h>

int main() {
    float v;
    while (fread(&v, 4, 1, stdin) == 1) {
        unsigned char out[8];
        out[0] = E4M3::encode(v);
        out[1] = E5M2::encode(v);
        out[2] = isnan(v) ? 0 : I8::encode(v);
        out[3] = 0;
        uint32_t p = (v > 0.0f && isfinite(v)) ? dz_bits(ceil_pow2(v)) : 0u;
        memcpy(out + 4, &p, 4);
        fwrite(out, 8, 1, stdout);
    }
    return 0;
}
