/**
 * Models: Hugging Face {@code config.json} files, read as released ({@link dev.dayzero.bench.model.ModelConfigs}),
 * and the presets Dayzero knows by name ({@link dev.dayzero.bench.model.Presets}), normalized into
 * {@link dev.dayzero.bench.model.ModelConfig}: the dimensions of the hot operators, the default deployment,
 * and the operators left out with their reasons. The next stage is {@link dev.dayzero.bench.workload}.
 */
package dev.dayzero.bench.model;
