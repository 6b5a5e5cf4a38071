#!/usr/bin/env bash
# Builds every SRC/*.cu (not the shared *.cuh headers) into OUT/<name>.fatbin with nvcc, as the backend-cuda build's
# process-classes step. Usage: nvcc-kernels.sh SRC OUT "NVCC FLAGS"
#  - skipped when nothing changed: OUT/kernels.stamp holds a hash of every .cu and .cuh, the flags and nvcc's
#    version; the same hash names a copy under ${DAYZERO_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/dayzero}/cuda-kernels,
#    so a clean build or a fresh clone of the same sources on this machine copies the fatbins instead of compiling;
#  - in parallel, one job per kernel file and virtual architecture (the -gencode arch=compute_X of FLAGS): nvcc -ptx,
#    then ptxas for each sm_Y code of that arch (nvcc's own steps, run by hand), DAYZERO_NVCC_JOBS at once (default
#    the CPU count), the biggest sources first; then fatbinary packs each file's images as nvcc -fatbin would;
#  - DAYZERO_NVCC_SEQUENTIAL=1 runs one plain nvcc -fatbin per file, one after the other (the old build, for timing);
#  - DAYZERO_CUDA_KERNELS=skip (what ./dayzero sets on a machine without an NVIDIA driver, where no kernel can run)
#    leaves them out unless they are up to date or in the cache: stale fatbins are removed and OUT/skipped.txt says
#    why (DAYZERO_CUDA_KERNELS_WHY, else the variable itself), so that probe() can tell the user; `build` (the
#    default) compiles them.
# Without nvcc the build goes on without kernels (probe() then says which operators that disables).
set -euo pipefail
src=$1
out=$2
flags=$3
if ! command -v nvcc >/dev/null 2>&1; then
  echo "nvcc-kernels: nvcc not found: the CUDA kernels are not built" >&2
  rm -f "$out/skipped.txt" # probe() then says there was no nvcc
  exit 0
fi
case "${DAYZERO_CUDA_KERNELS:-build}" in
  build|skip) ;;
  *) echo "nvcc-kernels: DAYZERO_CUDA_KERNELS must be build or skip, not '${DAYZERO_CUDA_KERNELS}'" >&2; exit 2;;
esac
mkdir -p "$out"
version=$(nvcc --version)
kernels=$(cd "$src" && ls -1 *.cu | sort)
hash=$({ printf '%s\n%s\n' "$version" "$flags"; for f in $(cd "$src" && ls -1 *.cu *.cuh 2>/dev/null | sort); do
  printf '%s\n' "$f"; cat "$src/$f"; done; } | sha256sum | cut -c1-32)
complete() { # every kernel's fatbin is in $1
  for k in $kernels; do [ -s "$1/${k%.cu}.fatbin" ] || return 1; done
}
if [ "$(cat "$out/kernels.stamp" 2>/dev/null)" = "$hash" ] && complete "$out"; then
  rm -f "$out/skipped.txt"
  echo "nvcc-kernels: up to date ($hash)"
  exit 0
fi
if [ "${DAYZERO_CACHE_DIR:-}" != "" ]; then cache_root=$DAYZERO_CACHE_DIR; else cache_root=${XDG_CACHE_HOME:-$HOME/.cache}/dayzero; fi
cache="$cache_root/cuda-kernels/$hash"
if [ "${DAYZERO_NVCC_SEQUENTIAL:-0}" != 1 ] && complete "$cache"; then
  printf '%s\n' "$version" > "$out/nvcc-version.txt"
  rm -f "$out/skipped.txt"
  for k in $kernels; do cp "$cache/${k%.cu}.fatbin" "$out/"; done
  echo "$hash" > "$out/kernels.stamp"
  echo "nvcc-kernels: copied from $cache"
  exit 0
fi
if [ "${DAYZERO_CUDA_KERNELS:-build}" = skip ]; then # no stale kernel may stay behind
  rm -f "$out"/*.fatbin "$out/kernels.stamp" "$out/nvcc-version.txt"
  printf '%s\n' "${DAYZERO_CUDA_KERNELS_WHY:-DAYZERO_CUDA_KERNELS=skip}" > "$out/skipped.txt"
  echo "nvcc-kernels: left out ($(cat "$out/skipped.txt"))"
  exit 0
fi
printf '%s\n' "$version" > "$out/nvcc-version.txt"
rm -f "$out/skipped.txt"
# ptxas and fatbinary: beside the nvcc on PATH, else in the directory nvcc itself runs from (its _HERE_, when the
# nvcc on PATH is a wrapper), else on PATH; without them the files are compiled by one plain nvcc each
tool() {
  for d in "$(dirname "$(command -v nvcc)")" "$(nvcc -dryrun -E -x cu /dev/null 2>&1 | sed -n 's/^#\$ _HERE_=//p')"; do
    if [ -n "$d" ] && [ -x "$d/$1" ]; then echo "$d/$1"; return; fi
  done
  command -v "$1" || true
}
ptxas=$(tool ptxas)
fatbinary=$(tool fatbinary)
start=$(date +%s.%N)
if [ "${DAYZERO_NVCC_SEQUENTIAL:-0}" != 1 ] && { [ -z "$ptxas" ] || [ -z "$fatbinary" ]; }; then
  jobs=${DAYZERO_NVCC_JOBS:-$(nproc 2>/dev/null || echo 2)}
  export src out flags
  # shellcheck disable=SC2016
  printf '%s\n' $kernels | xargs -P "$jobs" -I{} bash -c 'k={}; nvcc $flags -o "$out/${k%.cu}.fatbin" "$src/$k"'
  mode="parallel by file, $jobs jobs (no ptxas / fatbinary found beside nvcc)"
elif [ "${DAYZERO_NVCC_SEQUENTIAL:-0}" = 1 ]; then
  for k in $kernels; do
    # shellcheck disable=SC2086
    nvcc $flags -o "$out/${k%.cu}.fatbin" "$src/$k"
  done
  mode=sequential
else
  jobs=${DAYZERO_NVCC_JOBS:-$(nproc 2>/dev/null || echo 2)}
  # FLAGS split into the options every step shares and the -gencode pairs, grouped by virtual architecture.
  common=()
  declare -A codes=()
  archs=()
  read -r -a words <<< "$flags"
  i=0
  while [ $i -lt ${#words[@]} ]; do
    w=${words[$i]}
    if [ "$w" = -gencode ]; then
      i=$((i + 1)); g=${words[$i]}
      arch=${g#arch=}; arch=${arch%%,*}
      code=${g#*code=}; code=${code#[}; code=${code%]}
      [ -n "${codes[$arch]+x}" ] || archs+=("$arch")
      codes[$arch]="${codes[$arch]:-} ${code//,/ }"
    elif [ "$w" != -fatbin ]; then
      common+=("$w")
    fi
    i=$((i + 1))
  done
  work=$(mktemp -d "${TMPDIR:-/tmp}/nvcc-kernels.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  export src work ptxas
  export common_flags="${common[*]}"
  # one line a job: kernel file, virtual arch, the real codes to assemble ("compute_X" keeps the PTX itself)
  for k in $(cd "$src" && ls -S -1 $kernels); do
    for a in "${archs[@]}"; do printf '%s %s%s\n' "$k" "$a" "${codes[$a]}"; done
  done > "$work/jobs"
  # shellcheck disable=SC2016
  xargs -P "$jobs" -L 1 bash -c 'set -e; k=$0; a=$1; shift; n=${k%.cu}
    nvcc $common_flags -ptx -arch="$a" -o "$work/$n.$a.ptx" "$src/$k"
    for c in "$@"; do case $c in sm_*) "$ptxas" -arch="$c" -m64 "$work/$n.$a.ptx" -o "$work/$n.$c.cubin";; esac; done' \
    < "$work/jobs"
  # the PTX JIT options nvcc records by default (no fast math)
  for k in $kernels; do
    n=${k%.cu}
    images=()
    for a in "${archs[@]}"; do # nvcc's order: an arch's PTX before its cubins
      for c in ${codes[$a]}; do
        case $c in compute_*) images+=("--image3=kind=ptx,sm=${c#compute_},file=$work/$n.$a.ptx");; esac
      done
      for c in ${codes[$a]}; do
        case $c in sm_*) images+=("--image3=kind=elf,sm=${c#sm_},file=$work/$n.$c.cubin");; esac
      done
    done
    "$fatbinary" --create="$out/$n.fatbin" -64 --cicc-cmdline="-ftz=0 -prec_div=1 -prec_sqrt=1 -fmad=1 " "${images[@]}"
  done
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
