package dev.dayzero.bench.cli;

import java.util.Locale;

/** Small formatting helpers for the command's text output. */
final class Format {
    private Format() {
    }

    /** Bytes in binary units: {@code 80.0 GiB}. */
    static String bytes(long bytes) {
        if (bytes <= 0) {
            return "? memory";
        }
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
