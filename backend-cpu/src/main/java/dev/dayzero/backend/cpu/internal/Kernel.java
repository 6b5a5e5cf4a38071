package dev.dayzero.backend.cpu.internal;

/**
 * One operator bound for launching: its scratch memory is sized at bind time and reused by every run.
 * {@code operands} are the bound buffers' arrays in the spec's operand order.
 */
public interface Kernel {
    void run(byte[][] operands);
}
