/**
 * Runs over many machines: a plan cut into deterministic, cost-balanced {@link dev.dayzero.bench.fleet.Shard}s
 * ({@link dev.dayzero.bench.fleet.Sharding}), the plan's {@link dev.dayzero.bench.fleet.PlanFingerprint}, and the
 * job definitions that run one shard per task on Slurm ({@link dev.dayzero.bench.fleet.SlurmScript}) and Kubernetes
 * ({@link dev.dayzero.bench.fleet.K8sJob}). Folding the shards' results back into one report column lives in
 * {@code dev.dayzero.bench.report.ShardFold}.
 */
package dev.dayzero.bench.fleet;
