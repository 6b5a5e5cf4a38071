package dev.dayzero.tck.data;

/**
 * The SplitMix64 generator (Steele, Lea and Flood, 2014), written out here so that the same seed gives
 * the same bytes on every machine and every JDK.
 */
public final class SplitMix64 {
    private long state;

    public SplitMix64(long seed) {
        this.state = seed;
    }

    public long nextLong() {
        long z = (state += 0x9e3779b97f4a7c15L);
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1), 24 random bits. */
    public float nextFloat() {
        return (nextLong() >>> 40) * 0x1p-24f;
    }

    /** Uniform in [-1, 1). */
    public float nextSigned() {
        return nextFloat() * 2f - 1f;
    }

    /** Uniform in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive: " + bound);
        }
        return (int) (((nextLong() >>> 33) * bound) >>> 31);
    }

    /** A generator for a named sub-stream, so adding a tensor does not shift the others' bytes. */
    public static SplitMix64 forStream(long seed, String name) {
        long h = seed;
        for (int i = 0; i < name.length(); i++) {
            h = h * 31 + name.charAt(i);
        }
        SplitMix64 mixer = new SplitMix64(h);
        mixer.nextLong();
        return new SplitMix64(mixer.nextLong());
    }
}
