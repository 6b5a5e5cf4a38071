package dev.dayzero.backend.ascend.internal;

import dev.dayzero.hal.Bf16;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Copies made at bind, outside the timed window, into launch-owned device buffers (counted in the device's
 * allocated bytes): operands an aclnn operator wants in another form than the spec gives them. They go through
 * the host in chunks; a launch built from them reads the operands' values at bind (rebind after changing them).
 */
final class BindCopies {
    /** Largest host staging chunk. */
    private static final int CHUNK = 32 << 20;

    private BindCopies() {
    }

    /**
     * Splits rows of {@code width} BF16 values into two contiguous buffers: the first {@code first} values of
     * every row, and the remaining {@code width - first} (SparseFlashAttention's nope and rope operands).
     */
    static AclBuffer[] splitBf16Rows(AclLaunch l, AclBuffer src, long rows, int width, int first) {
        int rest = width - first;
        AclBuffer a = l.buffer(Math.max(1, rows * first * 2L));
        AclBuffer b = l.buffer(Math.max(1, rows * rest * 2L));
        long perChunk = Math.max(1, CHUNK / (width * 2L));
        for (long r0 = 0; r0 < rows; r0 += perChunk) {
            int n = (int) Math.min(perChunk, rows - r0);
            ByteBuffer in = ByteBuffer.allocate(n * width * 2).order(ByteOrder.LITTLE_ENDIAN);
            src.read(r0 * width * 2, in);
            in.flip();
            ByteBuffer outA = ByteBuffer.allocate(n * first * 2).order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer outB = ByteBuffer.allocate(n * rest * 2).order(ByteOrder.LITTLE_ENDIAN);
            byte[] row = new byte[width * 2];
            for (int r = 0; r < n; r++) {
                in.get(row);
                outA.put(row, 0, first * 2);
                outB.put(row, first * 2, rest * 2);
            }
            a.write(r0 * first * 2, outA.flip());
            b.write(r0 * rest * 2, outB.flip());
        }
        return new AclBuffer[] {a, b};
    }

    /** {@code count} F32 values rounded to BF16 (round to nearest even). */
    static AclBuffer f32ToBf16(AclLaunch l, AclBuffer src, long count) {
        AclBuffer dst = l.buffer(Math.max(1, count * 2));
        long perChunk = CHUNK / 4;
        for (long i0 = 0; i0 < count; i0 += perChunk) {
            int n = (int) Math.min(perChunk, count - i0);
            ByteBuffer f32 = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
            src.read(i0 * 4, f32);
            f32.flip();
            ByteBuffer bf = ByteBuffer.allocate(n * 2).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                bf.putShort(Bf16.encode(f32.getFloat()));
            }
            dst.write(i0 * 2, bf.flip());
        }
        return dst;
    }

    /** Each of {@code rows} INT32 rows of {@code cols} values repeated {@code times} times in a row. */
    static AclBuffer repeatRows(AclLaunch l, AclBuffer src, int rows, int cols, int times) {
        ByteBuffer in = ByteBuffer.allocate(4 * rows * cols).order(ByteOrder.LITTLE_ENDIAN);
        src.read(0, in);
        byte[] all = in.array();
        ByteBuffer out = ByteBuffer.allocate(4 * rows * cols * times).order(ByteOrder.LITTLE_ENDIAN);
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t < times; t++) {
                out.put(all, 4 * r * cols, 4 * cols);
            }
        }
        AclBuffer dst = l.buffer(out.capacity());
        dst.write(0, out.flip());
        return dst;
    }

    /**
     * INT32 index rows of {@code k} entries with every valid (non-negative) entry first, in their order, then
     * {@code -1}s, as SparseFlashAttention requires: {@code null} when {@code src} already is (it is then passed
     * as it is), else a compacted copy.
     */
    static AclBuffer validFirst(AclLaunch l, AclBuffer src, long rows, int k) {
        ByteBuffer in = ByteBuffer.allocate(Math.toIntExact(4 * rows * k)).order(ByteOrder.LITTLE_ENDIAN);
        src.read(0, in);
        in.flip();
        boolean ordered = true;
        for (long r = 0; r < rows && ordered; r++) {
            boolean seenInvalid = false;
            for (int j = 0; j < k; j++) {
                int v = in.getInt((int) (4 * (r * k + j)));
                if (v < 0) {
                    seenInvalid = true;
                } else if (seenInvalid) {
                    ordered = false;
                    break;
                }
            }
        }
        if (ordered) {
            return null;
        }
        ByteBuffer out = ByteBuffer.allocate(in.capacity()).order(ByteOrder.LITTLE_ENDIAN);
        for (long r = 0; r < rows; r++) {
            int n = 0;
            for (int j = 0; j < k; j++) {
                int v = in.getInt((int) (4 * (r * k + j)));
                if (v >= 0) {
                    out.putInt((int) (4 * (r * k + n++)), v);
                }
            }
            for (; n < k; n++) {
                out.putInt((int) (4 * (r * k + n)), -1);
            }
        }
        AclBuffer dst = l.buffer(out.capacity());
        dst.write(0, out);
        return dst;
    }

    /** INT32 values in a device buffer owned by {@code owner}. */
    static AclBuffer int32(AscendPreparedOp owner, int[] values) {
        ByteBuffer b = ByteBuffer.allocate(4 * Math.max(1, values.length)).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putInt(v);
        }
        AclBuffer dst = owner.ownedBuffer(b.capacity());
        b.position(0);
        dst.write(0, b);
        return dst;
    }
}
