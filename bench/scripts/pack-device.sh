#!/usr/bin/env bash
# Packs what a GPU machine without Java or Maven needs into .device/ (git-ignored): a jlink'd Java runtime, the
# built distribution (backend-cuda and its kernels included), torch_compare.py with the chip table, and
# gpu-run.sh, the one command to run there. Used with the session `device` tool:
#   bench/scripts/pack-device.sh            # here (JDK 17 + Maven), ~40 MB
#   run(command="bash .device/gpu-run.sh", carry=[".device"])   # there; figures come back under $OUT
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
mvn -B -q -o -DskipTests package
rm -rf .device
mkdir -p .device
jlink --add-modules java.base,java.logging,java.management,java.desktop,java.naming,java.xml,jdk.unsupported,jdk.incubator.vector \
      --strip-debug --compress=2 --no-header-files --no-man-pages --output .device/jre
cp -r bench/target/dist .device/dist
cp bench/scripts/torch_compare.py .device/
cp bench/src/main/resources/dev/dayzero/bench/chips/chips.json .device/
cp bench/scripts/gpu-run.sh .device/
echo "packed .device: $(du -sh .device | cut -f1) (jre $(du -sh .device/jre | cut -f1), dist $(du -sh .device/dist | cut -f1))"
