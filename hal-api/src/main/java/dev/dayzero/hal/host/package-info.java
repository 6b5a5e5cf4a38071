/**
 * Host-memory building blocks for a backend: device memory as one {@code byte[]} per buffer, streams that run
 * work synchronously when it is enqueued, and {@code System.nanoTime} events. The CPU backend is built on them,
 * and a bring-up backend can start from them and replace them call by call with the vendor runtime's
 * (allocation, copies, streams, events) as those come up.
 *
 * <p>Tensors are little-endian in device memory, row-major, as {@link dev.dayzero.hal.op.TensorSpec} lays
 * them out; {@link dev.dayzero.hal.host.HostBuffer#view()} hands a kernel a little-endian view.
 */
package dev.dayzero.hal.host;
