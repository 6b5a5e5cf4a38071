#!/usr/bin/env bash
# Runs on the GPU machine from the repository root, with .device/ carried (see pack-device.sh): nvidia-smi and
# versions, `dayzero backends`, conformance of the cuda backend, the default run on cpu and cuda (no report: the
# runtime is headless), and the PyTorch comparison of the same cases. Each step goes on when an earlier one fails.
# Everything is written under a work folder and comes back as ONE archive, $OUT/gpu-run.tar.gz (the device tool
# returns at most 8 files), beside steps.log.
set -u
here="$(cd "$(dirname "$0")" && pwd)"
out="${OUT:-$PWD/gpu-out}"
work="$(mktemp -d /tmp/gpu-run.XXXXXX)"
mkdir -p "$out"
export JAVA_HOME="$here/jre"
dz() { sh "$here/dist/bin/dayzero" "$@"; }
step() { echo "== $* ($(date -u +%H:%M:%S))" | tee -a "$work/steps.log"; }
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
step "backends"; dz backends > "$work/backends.txt" 2>&1; echo "rc $?" >> "$work/steps.log"
step "conform cuda"; dz conform --backend cuda --out "$work/conform" > "$work/conform.txt" 2>&1
echo "rc $?" >> "$work/steps.log"
step "run cpu,cuda"; dz run --backends cpu,cuda --no-report ${DAYZERO_RUN_ARGS:-} --out "$work/run" > "$work/run.txt" 2>&1
echo "rc $?" >> "$work/steps.log"
if [ -f "$work/run/results.json" ]; then
  step "torch compare"
  python3 "$here/torch_compare.py" "$work/run/results.json" --chips "$here/chips.json" > "$work/torch-compare.txt" 2>&1
  echo "rc $?" >> "$work/steps.log"
fi
step "done"
tar czf "$out/gpu-run.tar.gz" -C "$work" .
cp "$work/steps.log" "$out/steps.log"
tail -n 3 "$work"/*.txt
