/**
 * The conformance kit's oracle: each operator spec of hal-api written out as plain, obviously correct
 * code with F64 accumulation ({@link dev.dayzero.tck.oracle.Oracle} is the entry point). It is independent
 * of every backend; the kit rounds and compares what it returns.
 */
package dev.dayzero.tck.oracle;
