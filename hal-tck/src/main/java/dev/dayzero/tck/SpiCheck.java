package dev.dayzero.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.hal.Device;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.Event;
import dev.dayzero.hal.GraphCapture;
import dev.dayzero.hal.Stream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Assumptions;

/**
 * The device calls {@code dayzero run} makes besides launching operators, checked on their own: host copies at an
 * offset, {@code fill}, {@code copyFrom}, streams (made, ordered, synchronized, closed), events (recorded,
 * synchronized, timed) and graph capture and replay where the device offers it. Each check frees what it allocated
 * and fails with the call that went wrong.
 *
 * @param id    stable id, {@code spi/...}: how Surefire and the kit's output name it
 * @param check the check; throws an assertion error when the device breaks the contract, or aborts (skips) with the
 *              reason when the device does not offer what it checks
 */
public record SpiCheck(String id, Consumer<Device> check) {

    /** Every SPI check, in order. */
    public static List<SpiCheck> all() {
        return List.of(
                new SpiCheck("spi/write-read-at-offset", SpiCheck::writeRead),
                new SpiCheck("spi/fill", SpiCheck::fill),
                new SpiCheck("spi/copy-from", SpiCheck::copyFrom),
                new SpiCheck("spi/stream-order", SpiCheck::streamOrder),
                new SpiCheck("spi/events", SpiCheck::events),
                new SpiCheck("spi/graph-capture", SpiCheck::graphCapture));
    }

    /** Runs the check and then asserts the device holds no more memory than before it. */
    public void run(Device device) {
        long before = device.allocatedBytes();
        check.accept(device);
        assertEquals(before, device.allocatedBytes(), id + ": device memory the check freed is still counted");
    }

    static byte[] pattern(int n, int salt) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + salt);
        }
        return b;
    }

    static byte[] readAll(DeviceBuffer b) {
        ByteBuffer dst = ByteBuffer.allocate(Math.toIntExact(b.size()));
        b.read(0, dst);
        return dst.array();
    }

    static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }

    private static void writeRead(Device device) {
        long before = device.allocatedBytes();
        DeviceBuffer b = device.allocate(4099);
        try {
            assertEquals(4099, b.size(), "size()");
            assertTrue(device.allocatedBytes() >= before + 4099, "allocatedBytes() does not count a new 4099-byte buffer");
            b.write(0, ByteBuffer.wrap(filled(4099, 0x11)));
            byte[] p = pattern(4000, 7);
            b.write(3, ByteBuffer.wrap(p));
            ByteBuffer back = ByteBuffer.allocate(4000);
            b.read(3, back);
            assertArrayEquals(p, back.array(), "read(3, ...) does not give back what write(3, ...) wrote");
            byte[] all = readAll(b);
            assertEquals(0x11, all[0], "write at offset 3 changed byte 0");
            assertEquals(0x11, all[4098], "write of 4000 bytes at offset 3 changed byte 4098");
            assertThrows(IndexOutOfBoundsException.class, () -> b.read(4000, ByteBuffer.allocate(100)),
                    "read past the end must throw IndexOutOfBoundsException");
        } finally {
            b.close();
        }
        assertTrue(b.isClosed(), "isClosed() after close()");
        b.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> b.read(0, ByteBuffer.allocate(1)),
                "use after close must throw IllegalStateException");
    }

    private static void fill(Device device) {
        DeviceBuffer b = device.allocate(1027);
        Stream s = device.newStream();
        try {
            b.write(0, ByteBuffer.wrap(pattern(1027, 1)));
            b.fill(s, (byte) 0x5A);
            s.synchronize();
            assertArrayEquals(filled(1027, 0x5A), readAll(b), "fill(stream, 0x5A) then synchronize");
            Stream d = device.defaultStream();
            b.fill(d, (byte) 0);
            d.synchronize();
            assertArrayEquals(new byte[1027], readAll(b), "fill(defaultStream, 0) then synchronize");
        } finally {
            s.close();
            b.close();
        }
    }

    private static void copyFrom(Device device) {
        DeviceBuffer src = device.allocate(777);
        DeviceBuffer dst = device.allocate(1000);
        Stream s = device.newStream();
        try {
            byte[] p = pattern(777, 3);
            src.write(0, ByteBuffer.wrap(p));
            dst.write(0, ByteBuffer.wrap(filled(1000, 0x11)));
            dst.copyFrom(s, src);
            s.synchronize();
            byte[] got = readAll(dst);
            assertArrayEquals(p, Arrays.copyOf(got, 777), "copyFrom a 777-byte buffer into the start of a 1000-byte one");
            assertArrayEquals(filled(223, 0x11), Arrays.copyOfRange(got, 777, 1000),
                    "copyFrom of 777 bytes wrote past byte 777");
        } finally {
            s.close();
            dst.close();
            src.close();
        }
    }

    private static void streamOrder(Device device) {
        DeviceBuffer a = device.allocate(4096);
        DeviceBuffer b = device.allocate(4096);
        Stream s = device.newStream();
        try {
            a.fill(s, (byte) 7);
            b.copyFrom(s, a);
            a.fill(s, (byte) 9);
            s.synchronize();
            assertArrayEquals(filled(4096, 7), readAll(b), "work on one stream ran out of order (fill 7, copy, fill 9)");
            assertArrayEquals(filled(4096, 9), readAll(a), "the last fill on the stream did not land");
        } finally {
            s.close();
            b.close();
            a.close();
        }
        s.close(); // idempotent
    }

    private static void events(Device device) {
        DeviceBuffer a = device.allocate(1 << 16);
        Stream s = device.newStream();
        Event start = device.newEvent();
        Event end = device.newEvent();
        try {
            s.record(start);
            a.fill(s, (byte) 1);
            s.record(end);
            end.synchronize();
            double ms = end.millisSince(start);
            assertTrue(Double.isFinite(ms) && ms >= 0, "millisSince between two recorded events: " + ms);
            Stream d = device.defaultStream();
            d.record(start);
            d.record(end);
            end.synchronize();
            double again = end.millisSince(start);
            assertTrue(Double.isFinite(again) && again >= 0, "events re-recorded on the default stream: " + again);
        } finally {
            end.close();
            start.close();
            s.close();
            a.close();
        }
        end.close(); // idempotent
    }

    private static void graphCapture(Device device) {
        Optional<GraphCapture> capture = device.graphCapture();
        Assumptions.assumeTrue(capture.isPresent(), "the device offers no graph capture");
        DeviceBuffer src = device.allocate(2048);
        DeviceBuffer dst = device.allocate(2048);
        Stream s = device.newStream();
        try {
            src.write(0, ByteBuffer.wrap(pattern(2048, 5)));
            dst.write(0, ByteBuffer.wrap(filled(2048, 0)));
            try (GraphCapture.Graph g = capture.get().capture(s, () -> dst.copyFrom(s, src))) {
                s.synchronize();
                assertArrayEquals(filled(2048, 0), readAll(dst), "capture ran the work instead of recording it");
                g.replay(s);
                s.synchronize();
                assertArrayEquals(pattern(2048, 5), readAll(dst), "the first replay did not copy");
                src.write(0, ByteBuffer.wrap(pattern(2048, 6)));
                g.replay(s);
                s.synchronize();
                assertArrayEquals(pattern(2048, 6), readAll(dst), "a replay copied the bytes of capture time, not "
                        + "the buffer's current bytes");
            }
        } finally {
            s.close();
            dst.close();
            src.close();
        }
    }
}
