/**
 * Workloads: the per-device operator cases of a model in a deployment
 * ({@link dev.dayzero.bench.workload.Workloads#derive}), each a {@link dev.dayzero.bench.workload.WorkloadCase}
 * with a stable id, a seed derived from it and its planned memory.
 */
package dev.dayzero.bench.workload;
