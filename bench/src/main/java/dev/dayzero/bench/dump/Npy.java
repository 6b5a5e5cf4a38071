package dev.dayzero.bench.dump;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Writes NumPy {@code .npy} files (format version 1.0): the magic string, a header dict padded so the
 * data starts on a 64-byte boundary, then the raw little-endian data in C order.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};

    private Npy() {
    }

    /**
     * Writes {@code data} (already little-endian, C order) as an array of {@code descr} (a NumPy type
     * string such as {@code <u2}, {@code |u1}, {@code <f4}, {@code <f8}, {@code <i4}) and {@code shape}.
     */
    public static void write(Path file, String descr, List<Long> shape, ByteBuffer data) throws IOException {
        String dims = shape.stream().map(String::valueOf).collect(Collectors.joining(", "));
        if (shape.size() == 1) {
            dims += ",";
        }
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }";
        int unpadded = MAGIC.length + 2 + dict.length() + 1;
        int padding = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(padding) + "\n";
        if (header.length() > 0xffff) {
            throw new IOException("npy header too long for format 1.0: " + header.length());
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(MAGIC);
            out.write(header.length() & 0xff);
            out.write((header.length() >>> 8) & 0xff);
            out.write(header.getBytes(StandardCharsets.US_ASCII));
            ByteBuffer d = data.duplicate();
            byte[] chunk = new byte[1 << 16];
            while (d.hasRemaining()) {
                int n = Math.min(chunk.length, d.remaining());
                d.get(chunk, 0, n);
                out.write(chunk, 0, n);
            }
        }
    }

    /** Writes a {@code double[rows][cols]} as {@code <f8}. */
    public static void writeF64(Path file, double[][] rows) throws IOException {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(rows.length * 8, Math.max(1, cols)))
                .order(ByteOrder.LITTLE_ENDIAN);
        for (double[] row : rows) {
            for (double v : row) {
                b.putDouble(v);
            }
        }
        b.flip();
        write(file, "<f8", List.of((long) rows.length, (long) cols), b);
    }

    /** Writes an {@code int[]} as {@code <i4}. */
    public static void writeI32(Path file, int[] values) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putInt(v);
        }
        b.flip();
        write(file, "<i4", List.of((long) values.length), b);
    }
}
