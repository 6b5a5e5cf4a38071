#!/usr/bin/env bash
# Runs on a GPU machine from the repository root, with .device/ carried (see pack-device.sh, which copies this
# script there): `dayzero calibrate --backends cuda --refresh` under one time limit, so the lead can record an
# H200's measured roofs. Everything comes back flat under $OUT (the device tool returns at most 8 files):
#   calibrate.txt    what `dayzero calibrate` printed (figures, methods, notes), with its exit status at the end
#   *.json           the calibration cache entries it wrote (cache directory inside the work folder, not ~/.cache)
#   nvidia-smi.txt   GPU name, driver, clocks, memory
#   cublaslt.txt     which libcublasLt was named (found as gpu-run.sh finds it)
# Usage there: run(command="bash .device/gpu-calibrate.sh", carry=[".device"], timeout_s=150)
# Budget: the calibrate command is killed after DAYZERO_CALIBRATE_LIMIT_S (default 80 s; the whole script stays
# under 90 s). At full effort (DAYZERO_CALIBRATE_EFFORT, default 1) the GPU work itself takes a few seconds on an
# H200: 21 copies of 1 GiB, and per precision (FP32, TF32, BF16, FP8) 60 cublasLtMatmul of 8192^3 (FP32 without
# tensor cores, the slowest, about 1.5 s); JVM start, cuBLASLt load and filling the operands from the host take
# most of the rest. Lower the effort (e.g. 0.25) if the limit is ever reached.
set -u
here="$(cd "$(dirname "$0")" && pwd)"
out="${OUT:-$PWD/gpu-out}"
work="$(mktemp -d /tmp/gpu-calibrate.XXXXXX)"
mkdir -p "$out"
export JAVA_HOME="$here/jre"
dz="$here/dist/bin/dayzero"
effort=${DAYZERO_CALIBRATE_EFFORT:-1}
limit=${DAYZERO_CALIBRATE_LIMIT_S:-80}
start=$(date +%s)
{ nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,clocks.mem,memory.total,memory.used \
    --format=csv; nvidia-smi -q | grep -iE "driver version|cuda version|product name" | head -5; } \
  > "$out/nvidia-smi.txt" 2>&1
# cuBLASLt may live only inside PyTorch's environment (as in gpu-run.sh): name the file torch would load
if [ -z "${DAYZERO_CUBLASLT_PATH:-}" ]; then
  site=$(timeout 20 python3 -c "import os, torch; print(os.path.dirname(os.path.dirname(torch.__file__)))" 2>/dev/null || true)
  if [ -n "$site" ]; then
    lt=$(find "$site/nvidia" "$site/torch/lib" -name 'libcublasLt.so*' 2>/dev/null | sort | tail -n 1)
    [ -n "$lt" ] && export DAYZERO_CUBLASLT_PATH="$lt"
  fi
fi
echo "DAYZERO_CUBLASLT_PATH=${DAYZERO_CUBLASLT_PATH:-unset}" > "$out/cublaslt.txt"
left=$(( limit - ($(date +%s) - start) ))
[ "$left" -lt 20 ] && left=20
timeout -k 5 "$left" sh "$dz" calibrate --backends cuda --refresh --effort "$effort" --cache-dir "$work/cache" \
  > "$out/calibrate.txt" 2>&1
rc=$?
echo "== dayzero calibrate rc $rc$([ $rc = 124 ] && echo ' (timed out)') after $(( $(date +%s) - start ))s," \
  "effort $effort" >> "$out/calibrate.txt"
find "$work/cache" -type f -name '*.json' -exec cp {} "$out/" \; 2>/dev/null
cat "$out/calibrate.txt"
exit $rc
