#!/usr/bin/env bash
# Runs on the GPU machine from the repository root, with .device/ carried (see pack-device.sh): nvidia-smi and
# versions, `dayzero backends`, conformance of the cuda backend, the default run on cuda (no report: the runtime is
# headless), a DeepSeek-V4-Flash decode run on cuda, the PyTorch comparison of both runs' cases, the cuda
# calibration, and the CPU backend on the host's cores (calibration and JMH). Each step goes
# on when an earlier one fails, and each has its own time limit inside one overall budget (DAYZERO_GPU_BUDGET_S,
# default 570 s), so a slow step cannot starve the rest. After every step everything so far is packed again into
# ONE archive, $OUT/gpu-run.tar.gz (the device tool returns at most 8 files), beside steps.log: a run killed at its
# limit still brings back what it did. DAYZERO_GPU_STEPS (default "backends,conform,run,torch,v4,calibrate,cpu") picks
# the steps, for a short re-check within what is left of a session's device time.
set -u
here="$(cd "$(dirname "$0")" && pwd)"
out="${OUT:-$PWD/gpu-out}"
work="$(mktemp -d /tmp/gpu-run.XXXXXX)"
mkdir -p "$out"
export JAVA_HOME="$here/jre"
start=$(date +%s)
budget=${DAYZERO_GPU_BUDGET_S:-570}
steps=",${DAYZERO_GPU_STEPS:-backends,conform,run,torch,v4,calibrate,cpu},"
want() { case "$steps" in *",$1,"*) return 0;; *) return 1;; esac; }
v4config="bench/src/test/resources/dev/dayzero/bench/model/deepseek-v4-flash/config.json"
dz="$here/dist/bin/dayzero"  # run as: sh "$dz" ARGS (timeout cannot run a shell function)
pack() { tar czf "$out/gpu-run.tar.gz.part" -C "$work" . && mv "$out/gpu-run.tar.gz.part" "$out/gpu-run.tar.gz"
         cp "$work/steps.log" "$out/steps.log"; }
# step NAME MAX_SECONDS OUTFILE CMD...: runs CMD under min(MAX, what is left of the budget), logs rc and seconds
step() {
  local name=$1 max=$2 file=$3; shift 3
  local left=$(( budget - ($(date +%s) - start) ))
  local limit=$(( max < left ? max : left ))
  if [ "$limit" -lt 15 ]; then echo "== $name: skipped, $left s of the budget left" | tee -a "$work/steps.log"; return; fi
  echo "== $name (limit ${limit}s, $(date -u +%H:%M:%S))" | tee -a "$work/steps.log"
  local t0=$(date +%s)
  timeout -k 10 "$limit" "$@" > "$work/$file" 2>&1
  local rc=$?
  echo "rc $rc after $(( $(date +%s) - t0 ))s$([ $rc = 124 ] && echo ' (timed out)')" | tee -a "$work/steps.log"
  pack
}
{ nvidia-smi; nvidia-smi -q | grep -iE "driver version|cuda version|product name|clocks|memory" | head -40; } \
  > "$work/nvidia-smi.txt" 2>&1
python3 -c "import torch; print(torch.__version__, torch.version.cuda, torch.cuda.get_device_name())" \
  > "$work/torch-version.txt" 2>&1
# cuBLASLt may live only inside PyTorch's environment (nvidia-cublas wheel, or torch/lib): CudaConfig looks in the
# usual site-packages; name the file torch itself would load, when one is found, so nothing depends on the guess.
if [ -z "${DAYZERO_CUBLASLT_PATH:-}" ]; then
  site=$(python3 -c "import os, torch; print(os.path.dirname(os.path.dirname(torch.__file__)))" 2>/dev/null || true)
  if [ -n "$site" ]; then
    lt=$(find "$site/nvidia" "$site/torch/lib" -name 'libcublasLt.so*' 2>/dev/null | sort | tail -n 1)
    [ -n "$lt" ] && export DAYZERO_CUBLASLT_PATH="$lt"
  fi
fi
echo "DAYZERO_CUBLASLT_PATH=${DAYZERO_CUBLASLT_PATH:-unset}" > "$work/cublaslt.txt"
: > "$work/steps.log"
want backends && step "backends" 60 backends.txt sh "$dz" backends
want conform && step "conform cuda" 200 conform.txt sh "$dz" conform --backend cuda --out "$work/conform"
want run && step "run cuda (default)" 120 run.txt sh "$dz" run --backends cuda --no-report --case-timeout 60s \
  ${DAYZERO_RUN_ARGS:-} --out "$work/run"
if want torch && [ -f "$work/run/results.json" ]; then
  step "torch compare (default)" 90 torch-compare.txt \
    python3 "$here/torch_compare.py" "$work/run/results.json" --chips "$here/chips.json"
fi
want v4 && step "run cuda (deepseek-v4-flash b1)" 90 run-v4.txt sh "$dz" run --backends cuda --no-report \
  --case-timeout 60s --config "$v4config" --batch 1 --out "$work/run-v4"
if want torch && want v4 && [ -f "$work/run-v4/results.json" ]; then
  step "torch compare (v4)" 60 torch-compare-v4.txt \
    python3 "$here/torch_compare.py" "$work/run-v4/results.json" --chips "$here/chips.json"
fi
want calibrate && step "calibrate cuda" 90 calibrate.txt sh "$dz" calibrate --backends cuda --refresh \
  --cache-dir "$work/calibration-cache"
# The CPU backend on the host's cores (a many-core server, where this VM has two): the measured roofs before and
# after, and the JMH benchmarks of the FP8 quantizer (4096 x 7168) and of the FP8 / INT8 MoE GEMM at one and eight
# rows per expert, against those roofs; JSON results beside the text; then RoofRatio, the same targets as percents of
# roofs measured in the same seconds.
if want cpu; then
  lscpu > "$work/lscpu.txt" 2>&1
  step "calibrate cpu (before)" 90 calibrate-cpu-before.txt sh "$dz" calibrate --backends cpu --refresh \
    --cache-dir "$work/calibration-cache-cpu"
  # the JVM expands the classpath's wildcards, and JMH's forks get the expanded java.class.path
  jmh=("$JAVA_HOME/bin/java" -cp "$here/jmh/*:$here/dist/lib/*" org.openjdk.jmh.Main)
  step "jmh cpu quantize" 120 jmh-quantize.txt "${jmh[@]}" CpuQuantize -p vectorApi=true \
    -f 1 -wi 3 -w 2 -i 4 -r 2 -rf json -rff "$work/jmh-quantize.json"
  step "jmh cpu moe" 200 jmh-moe.txt "${jmh[@]}" CpuMoeGemm -p type=FP8_BLOCK,INT8_W8A8 -p rowsPerExpert=1,8 \
    -p experts=8 -p vectorApi=true -f 1 -wi 2 -w 2 -i 3 -r 2 -prof gc -rf json -rff "$work/jmh-moe.json"
  step "calibrate cpu (after)" 90 calibrate-cpu-after.txt sh "$dz" calibrate --backends cpu --refresh \
    --cache-dir "$work/calibration-cache-cpu"
  # the same targets again, each against roofs measured seconds before it (rounds of calibration, then each target)
  step "roofratio cpu" 180 roofratio.txt "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -Xmx8g \
    -cp "$here/jmh/*:$here/dist/lib/*" dev.dayzero.microbench.RoofRatio --rounds 3 --seconds 2
fi
echo "== done after $(( $(date +%s) - start ))s" | tee -a "$work/steps.log"
pack
tail -n 3 "$work"/*.txt
