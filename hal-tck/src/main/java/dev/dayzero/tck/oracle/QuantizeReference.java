package dev.dayzero.tck.oracle;

/**
 * The oracle's quantization of one tensor.
 *
 * @param codes one byte per element of {@code q [M, K]}: the FP8 code, or the INT8 value as a signed byte
 * @param quotients the F32 quotient {@code x / scale} of each element, row-major {@code [M, K]}, so the kit
 *     can accept a one-code difference where the quotient lies within one F32 ulp of a rounding boundary
 * @param scales the F32 value of each scale, row-major {@code [scaleRows, scaleCols]}
 * @param scaleBytes the scale tensor exactly as it must be stored: F32 little-endian, or one UE8M0 byte
 *     (biased exponent) each
 */
public record QuantizeReference(byte[] codes, float[] quotients, float[] scales, byte[] scaleBytes) {
}
