#!/usr/bin/env bash
# Builds the CUDA emulator test double: OUT/libcuda.so.1 = fake driver + fiber runtime + every kernel of
# src/main/cuda compiled for the host. Needs g++ and the CUDA headers (cuda_bf16.h, cuda_fp8.h: found next to
# nvcc, or under CUDA_HOME); without them it says so and builds nothing (the emulator tests then skip).
# Usage: build.sh KERNEL_DIR OUT_DIR
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
kernels="$(cd "$1" && pwd)"
out="$2"
inc=""
for d in "${CUDA_HOME:-}" "${CUDA_PATH:-}" "$(dirname "$(dirname "$(readlink -f "$(command -v nvcc || echo /nonexistent)")")")" /usr/local/cuda; do
  if [ -n "$d" ] && [ -f "$d/include/cuda_bf16.h" ]; then inc="$d/include"; break; fi
done
if ! command -v g++ >/dev/null || [ -z "$inc" ]; then
  echo "cuda-emu: not built (needs g++ and the CUDA headers; g++: $(command -v g++ || echo none), headers: ${inc:-none})"
  exit 0
fi
mkdir -p "$out/obj"
flags=(-O2 -g -fPIC -std=c++17 -fno-strict-aliasing -U_FORTIFY_SOURCE -Wall -Wno-unknown-pragmas -Wno-unused-function
       -Wno-unused-variable -Werror -I"$inc" -I"$kernels" -I"$here")
objs=()
g++ "${flags[@]}" -c "$here/emu_runtime.cpp" -o "$out/obj/emu_runtime.o"; objs+=("$out/obj/emu_runtime.o")
g++ "${flags[@]}" -c "$here/fake_cuda.cpp" -o "$out/obj/fake_cuda.o"; objs+=("$out/obj/fake_cuda.o")
for cu in "$kernels"/*.cu "$here"/*.cu; do
  o="$out/obj/$(basename "$cu" .cu).o"
  g++ "${flags[@]}" -include cuda_emu.h -x c++ -c "$cu" -o "$o"
  objs+=("$o")
done
g++ -shared -o "$out/libcuda.so.1" "${objs[@]}" -Wl,-soname,libcuda.so.1 -lpthread
echo "cuda-emu: built $out/libcuda.so.1 ($(ls "$kernels"/*.cu | wc -l) kernel sources)"
