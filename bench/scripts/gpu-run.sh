#!/usr/bin/env bash
# Runs on the GPU machine from the repository root, with .device/ carried (see pack-device.sh). Writes
# everything to $OUT (or ./gpu-out): backends, conformance of the cuda backend, the default run on cpu and cuda
# with its report, the PyTorch comparison of the same cases, nvidia-smi and versions. Each step goes on when an
# earlier one fails, so one call brings back as much as it can.
set -u
here="$(cd "$(dirname "$0")" && pwd)"
out="${OUT:-$PWD/gpu-out}"
mkdir -p "$out"
export JAVA_HOME="$here/jre"
dz() { sh "$here/dist/bin/dayzero" "$@"; }
step() { echo "== $*" | tee -a "$out/steps.log"; }
{ nvidia-smi; nvidia-smi -q | grep -iE "driver version|cuda version|product name|clocks|memory" | head -40; } \
  > "$out/nvidia-smi.txt" 2>&1
python3 -c "import torch; print(torch.__version__, torch.version.cuda, torch.cuda.get_device_name())" \
  > "$out/torch-version.txt" 2>&1
# cuBLASLt may live only inside PyTorch's environment (nvidia-cublas wheel, or torch/lib): CudaConfig looks in the
# usual site-packages; name the file torch itself would load, when one is found, so nothing depends on the guess.
if [ -z "${DAYZERO_CUBLASLT_PATH:-}" ]; then
  site=$(python3 -c "import os, torch; print(os.path.dirname(os.path.dirname(torch.__file__)))" 2>/dev/null || true)
  if [ -n "$site" ]; then
    lt=$(find "$site/nvidia" "$site/torch/lib" -name 'libcublasLt.so*' 2>/dev/null | sort | tail -n 1)
    [ -n "$lt" ] && export DAYZERO_CUBLASLT_PATH="$lt"
  fi
fi
echo "DAYZERO_CUBLASLT_PATH=${DAYZERO_CUBLASLT_PATH:-unset}" > "$out/cublaslt.txt"
step "backends"; dz backends > "$out/backends.txt" 2>&1; echo "rc $?" >> "$out/steps.log"
step "conform cuda"; dz conform --backend cuda --out "$out/conform" > "$out/conform.txt" 2>&1; echo "rc $?" >> "$out/steps.log"
step "run cpu,cuda"; dz run --backends cpu,cuda ${DAYZERO_RUN_ARGS:-} --out "$out/run" > "$out/run.txt" 2>&1
echo "rc $?" >> "$out/steps.log"
if [ -f "$out/run/results.json" ]; then
  step "torch compare"
  python3 "$here/torch_compare.py" "$out/run/results.json" --chips "$here/chips.json" > "$out/torch-compare.txt" 2>&1
  echo "rc $?" >> "$out/steps.log"
fi
tail -n 3 "$out"/*.txt
