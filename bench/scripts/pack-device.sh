#!/usr/bin/env bash
# Packs what a GPU machine without Java or Maven needs into .device/ (git-ignored): a jlink'd Java runtime, the
# built distribution (backend-cuda and its kernels included), torch_compare.py with the chip table, and
# gpu-run.sh, the one command to run there. Used with the session `device` tool, whose working tree (repo +
# carried folders) must stay under 64 MiB, hence a headless runtime (no java.desktop: the run there is made with
# --no-report; `dayzero report` draws the charts here afterwards), a stripped libjvm, no chart jars, and none of
# what only `dayzero fleet k8s` needs (fabric8's Kubernetes model, Jackson YAML, SnakeYAML, SLF4J; ~5 MB); and the
# CPU backend's JMH benchmarks (their classes and JMH, ~0.7 MB) for the CPU step:
#   bench/scripts/pack-device.sh                                   # here (JDK 17 + Maven), ~45 MB
#   run(command="bash .device/gpu-run.sh", carry=[".device"])      # there; one archive comes back under $OUT
#   tar xzf <files_at>/gpu-run.tar.gz -C results/<name> && ./dayzero report results/<name>/run/results.json --out ...
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
mvn -B -q -o -DskipTests package
rm -rf .device
mkdir -p .device
jlink --add-modules java.base,java.sql,jdk.incubator.vector,jdk.management,jdk.unsupported \
      --strip-debug --compress=2 --no-header-files --no-man-pages --output .device/jre
if command -v strip >/dev/null; then
  strip --strip-unneeded .device/jre/lib/server/libjvm.so
fi
cp -r bench/target/dist .device/dist
rm -f .device/dist/lib/jfreechart-*.jar .device/dist/lib/org.jfree.svg-*.jar
rm -f .device/dist/lib/kubernetes-model-*.jar .device/dist/lib/jackson-dataformat-yaml-*.jar \
      .device/dist/lib/snakeyaml-*.jar .device/dist/lib/slf4j-api-*.jar
# the CPU backend's JMH benchmarks for gpu-run.sh's cpu step: their classes and JMH itself (the rest of their
# classpath is the distribution's lib/), not the 55 MB shaded benchmarks.jar
mkdir -p .device/jmh
jar cf .device/jmh/microbench.jar -C microbench/target/classes .
mvn -B -q -o dependency:build-classpath -pl microbench -Dmdep.outputFile="$root/.device/jmh/classpath.txt"
tr ':' '\n' < .device/jmh/classpath.txt | grep -E '/(jmh-core|jopt-simple)-[^/]*\.jar$' | xargs -I{} cp {} .device/jmh/
rm .device/jmh/classpath.txt
cp bench/scripts/torch_compare.py .device/
cp bench/src/main/resources/dev/dayzero/bench/chips/chips.json .device/
cp bench/scripts/gpu-run.sh bench/scripts/gpu-calibrate.sh .device/
echo "packed .device: $(du -sh .device | cut -f1) (jre $(du -sh .device/jre | cut -f1), dist $(du -sh .device/dist | cut -f1))"
