package dev.dayzero.hal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SupportTest {

    @Test
    void everyAnswerHasAReasonAndOnlySupportedHasNone() {
        assertEquals("", Support.supported().reason());
        assertTrue(Support.supported().isSupported());
        Support no = Support.unsupported("no FP8 on this chip");
        assertEquals("no FP8 on this chip", no.reason());
        assertFalse(no.isSupported());
    }
}
