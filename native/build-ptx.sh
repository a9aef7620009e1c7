#!/usr/bin/env bash
# Compiles native/kernels/*.cu to PTX for compute capability 7.5 (8.0 for a file named *_sm80.cu, whose kernels
# need Ampere) and writes them where cuda-backend loads them from the class path (or into the directory given as
# $1). The PTX is committed, so users need no CUDA compiler.
#
# nvcc 13 stamps `.version 9.0`, which drivers older than CUDA 13 refuse (CUDA_ERROR_UNSUPPORTED_PTX_VERSION).
# We lower it to PTX_VERSION, the ISA of CUDA 12.0, so every driver from 12.0 on loads the kernels; the tests
# then assemble each file with `ptxas` for sm_75 (where its target allows), sm_80 and sm_90 to prove the code
# uses nothing newer.
set -euo pipefail

PTX_VERSION=8.0
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/../cuda-backend/src/main/resources/io/jgrad/cuda}"
mkdir -p "$out"

for source in "$here"/kernels/*.cu; do
  name="$(basename "$source" .cu)"
  arch=75
  [[ "$name" == *_sm80 ]] && arch=80
  nvcc -ptx -arch=compute_$arch -I "$here/kernels" "$source" -o "$out/$name.ptx.tmp"
  sed -E "s/^\.version [0-9]+\.[0-9]+$/.version $PTX_VERSION/" "$out/$name.ptx.tmp" > "$out/$name.ptx"
  rm "$out/$name.ptx.tmp"
  grep -q "^\.version $PTX_VERSION$" "$out/$name.ptx" || { echo "no .version line in $name.ptx" >&2; exit 1; }
done
