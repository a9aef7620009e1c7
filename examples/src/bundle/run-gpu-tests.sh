#!/usr/bin/env bash
# Runs jgrad on this machine's GPU with the bundled JRE: it needs an NVIDIA driver (libcuda.so.1) and nothing
# else — no JDK, no Maven, no network. cuBLAS is used when libcublas.so.12 is on the library path
# (LD_LIBRARY_PATH); otherwise GEMM runs on jgrad's own kernels and the log says so.
#
#   ./run-gpu-tests.sh            the CUDA tests (conformance suite on both GEMM paths, GPU training), then
#                                 jgrad train on digits (cuda and cpu), then jgrad bench gemm|train --backend cuda,
#                                 then bf16 GEMM/training, the CNN (bench conv, train --model cnn) and PyTorch's anchors
#   ./run-gpu-tests.sh tests      the tests only
#
# JUnit XML goes to ./results/, and each command's output to ./results/*.txt and *.jsonl.
set -uo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
java="$here/jre/bin/java"
classpath="$(printf '%s:' "$here"/lib/*.jar)"
results="$here/results"
mkdir -p "$results"
jgrad() { "$java" --add-modules jdk.incubator.vector -cp "$classpath" io.jgrad.examples.Jgrad "$@"; }

if command -v nvidia-smi > /dev/null; then
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$results/gpu.txt"
else
  echo "nvidia-smi not found: the CUDA tests will skip unless libcuda.so.1 loads"
fi

# The source-tree checks (committed PTX vs native/, kernel names, kernels built and emulated on the host) belong to
# the build, not to the device (the bundle has no native/).
"$java" --add-modules jdk.incubator.vector \
  -jar "$here/tools/junit-platform-console-standalone.jar" execute \
  --class-path "$classpath" \
  --select-package io.jgrad.cuda \
  --exclude-classname '.*\.(CnnKernelsHostTest|Elementwise16HostTest|HalfConversionHostTest|KernelSourceTest|OpsMathHostTest|PtxBuildTest|TensorGemmHostTest)' \
  --reports-dir "$results" \
  --details tree 2>&1 | tee "$results/tests.txt"
status=${PIPESTATUS[0]}
[ "${1:-all}" = tests ] && exit "$status"

jgrad train --backend cuda --no-progress --metrics "$results/train-cuda.jsonl" 2>&1 | tee "$results/train-cuda.txt"
jgrad train --backend cpu --no-progress --metrics "$results/train-cpu.jsonl" 2>&1 | tee "$results/train-cpu.txt"
jgrad bench gemm --backend cuda --sizes 1024,2048,4096 2>&1 | tee "$results/bench-gemm-cuda.jsonl"
jgrad bench train --backend cuda --hidden 512,256 --batch 128 2>&1 | tee "$results/bench-train-cuda.jsonl"
jgrad bench train --backend cuda --hidden 4096,4096 --batch 1024 2>&1 | tee "$results/bench-train-cuda-wide.jsonl"
# Mixed precision and CNNs (bf16 needs sm_80: on older GPUs these lines print jgrad's one-line refusal).
jgrad bench gemm --backend cuda --dtype bf16 --sizes 1024,2048,4096 2>&1 | tee "$results/bench-gemm-cuda-bf16.jsonl"
jgrad bench train --backend cuda --hidden 4096,4096 --batch 1024 --precision bf16 2>&1 \
  | tee "$results/bench-train-cuda-wide-bf16.jsonl"
jgrad train --backend cuda --precision bf16 --no-progress --metrics "$results/train-cuda-bf16.jsonl" 2>&1 \
  | tee "$results/train-cuda-bf16.txt"
jgrad bench conv --backend cuda 2>&1 | tee "$results/bench-conv-cuda.jsonl"
jgrad train --backend cuda --model cnn --epochs 2 --no-progress --metrics "$results/train-cuda-cnn.jsonl" 2>&1 \
  | tee "$results/train-cuda-cnn.txt"
# PyTorch on the same GPU, the reference of the speed targets (skipped where python3 has no torch).
if python3 -c 'import torch' 2> /dev/null; then
  python3 "$here/bench/torch_gpu.py" --device cuda 2>&1 | tee "$results/bench-torch-cuda.jsonl"
  python3 "$here/bench/torch_gpu_mixed.py" --device cuda 2>&1 | tee "$results/bench-torch-cuda-mixed.jsonl"
fi
exit "$status"
