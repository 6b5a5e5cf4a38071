package dev.dayzero.bench.dump;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {

    @Test
    void headerIsNumpyFormatOneAlignedTo64(@TempDir Path dir) throws Exception {
        ByteBuffer data = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        for (short v : new short[] {1, 2, 3, 4, 5, 0x7fc0}) {
            data.putShort(v);
        }
        data.flip();
        Path f = dir.resolve("x.npy");
        Npy.write(f, "<u2", List.of(2L, 3L), data);
        byte[] bytes = Files.readAllBytes(f);
        assertEquals((byte) 0x93, bytes[0]);
        assertEquals("NUMPY", new String(bytes, 1, 5, StandardCharsets.US_ASCII));
        assertEquals(1, bytes[6]);
        assertEquals(0, bytes[7]);
        int headerLen = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8;
        assertEquals(0, (10 + headerLen) % 64, "data starts on a 64-byte boundary");
        String header = new String(bytes, 10, headerLen, StandardCharsets.US_ASCII);
        assertTrue(header.startsWith("{'descr': '<u2', 'fortran_order': False, 'shape': (2, 3), }"), header);
        assertTrue(header.endsWith("\n"));
        assertEquals(10 + headerLen + 12, bytes.length);
        assertEquals(0x7fc0, (bytes[bytes.length - 2] & 0xff) | (bytes[bytes.length - 1] & 0xff) << 8);
    }

    @Test
    void oneDimensionalShapesHaveATrailingComma(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("rows.npy");
        Npy.writeI32(f, new int[] {3, 7});
        String content = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        assertTrue(content.contains("'shape': (2,)"), content);
        byte[] bytes = Files.readAllBytes(f);
        ByteBuffer tail = ByteBuffer.wrap(bytes, bytes.length - 8, 8).order(ByteOrder.LITTLE_ENDIAN);
        assertArrayEquals(new int[] {3, 7}, new int[] {tail.getInt(), tail.getInt()});
    }
}
