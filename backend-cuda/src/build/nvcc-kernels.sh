#!/usr/bin/env bash
# Builds every SRC/*.cu (not the shared *.cuh headers) into OUT/<name>.fatbin with nvcc, as the backend-cuda build's
# process-classes step. Usage: nvcc-kernels.sh SRC OUT "NVCC FLAGS"
#  - skipped when nothing changed: OUT/kernels.stamp holds a hash of every .cu and .cuh, the flags and nvcc's
#    version; the same hash names a copy under ${DAYZERO_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/dayzero}/cuda-kernels,
#    so a clean build or a fresh clone of the same sources on this machine copies the fatbins instead of compiling;
#  - in parallel: one nvcc per kernel file (DAYZERO_NVCC_JOBS at once, default the CPU count), each compiling its
#    -gencode targets on its own threads (nvcc --threads);
#  - DAYZERO_NVCC_SEQUENTIAL=1 compiles one file and one target at a time, as the build once did (for timing).
# Without nvcc the build goes on without kernels (probe() then says which operators that disables).
set -euo pipefail
src=$1
out=$2
flags=$3
if ! command -v nvcc >/dev/null 2>&1; then
  echo "nvcc-kernels: nvcc not found: the CUDA kernels are not built" >&2
  exit 0
fi
mkdir -p "$out"
version=$(nvcc --version)
kernels=$(cd "$src" && ls -1 *.cu | sort)
hash=$({ printf '%s\n%s\n' "$version" "$flags"; for f in $(cd "$src" && ls -1 *.cu *.cuh 2>/dev/null | sort); do
  printf '%s\n' "$f"; cat "$src/$f"; done; } | sha256sum | cut -c1-32)
complete() { # every kernel's fatbin is in $1
  for k in $kernels; do [ -s "$1/${k%.cu}.fatbin" ] || return 1; done
}
if [ "$(cat "$out/kernels.stamp" 2>/dev/null)" = "$hash" ] && complete "$out"; then
  echo "nvcc-kernels: up to date ($hash)"
  exit 0
fi
if [ "${DAYZERO_CACHE_DIR:-}" != "" ]; then cache_root=$DAYZERO_CACHE_DIR; else cache_root=${XDG_CACHE_HOME:-$HOME/.cache}/dayzero; fi
cache="$cache_root/cuda-kernels/$hash"
printf '%s\n' "$version" > "$out/nvcc-version.txt"
if [ "${DAYZERO_NVCC_SEQUENTIAL:-0}" != 1 ] && complete "$cache"; then
  for k in $kernels; do cp "$cache/${k%.cu}.fatbin" "$out/"; done
  echo "$hash" > "$out/kernels.stamp"
  echo "nvcc-kernels: copied from $cache"
  exit 0
fi
start=$(date +%s.%N)
if [ "${DAYZERO_NVCC_SEQUENTIAL:-0}" = 1 ]; then
  for k in $kernels; do
    # shellcheck disable=SC2086
    nvcc $flags -o "$out/${k%.cu}.fatbin" "$src/$k"
  done
  mode=sequential
else
  jobs=${DAYZERO_NVCC_JOBS:-$(nproc 2>/dev/null || echo 2)}
  export src out flags
  # shellcheck disable=SC2016
  printf '%s\n' $kernels | xargs -P "$jobs" -I{} bash -c 'k={}; nvcc $flags --threads 0 -o "$out/${k%.cu}.fatbin" "$src/$k"'
  mode="parallel, $jobs jobs"
fi
end=$(date +%s.%N)
echo "$hash" > "$out/kernels.stamp"
echo "nvcc-kernels: built $(echo "$kernels" | wc -l) kernel files in $(awk "BEGIN { printf \"%.1f\", $end - $start }") s ($mode)"
if [ "${DAYZERO_NVCC_SEQUENTIAL:-0}" != 1 ]; then
  mkdir -p "$cache_root/cuda-kernels" 2>/dev/null || exit 0
  tmp=$(mktemp -d "$cache_root/cuda-kernels/.tmp.XXXXXX" 2>/dev/null) || exit 0
  for k in $kernels; do cp "$out/${k%.cu}.fatbin" "$tmp/"; done
  if ! mv -T "$tmp" "$cache" 2>/dev/null; then rm -rf "$tmp"; fi
fi
