#!/usr/bin/env bash
# Runs jgrad on this machine's GPU with the bundled JRE: it needs an NVIDIA driver (libcuda.so.1) and nothing
# else — no JDK, no Maven, no network. cuBLAS is used when libcublas.so.12 is on the library path
# (LD_LIBRARY_PATH); otherwise GEMM runs on jgrad's own kernels and the log says so.
#
#   ./run-gpu-tests.sh [STAGE...]   STAGE: tests, digits, fashion, bench, cnn; none = all of them
#     tests    the CUDA tests (JUnit, 60 s per test at most)
#     digits   jgrad train on the bundled digits, cuda and cpu (also with --accumulate 2 and --ema 0.99, and --freeze 2,
#              --ema 0.99 --graphs and a --teacher's student on cuda)
#     fashion  (needs JGRAD_FASHION=DIR with the four Fashion-MNIST IDX files, raw or gzipped) the default recipe
#              `jgrad train --backend cuda` in fp32 and bf16, each eager and with --graphs, beside PyTorch's recipe on
#              the GPU, eager and graphed
#     bench    jgrad bench gemm|train --backend cuda in fp32 and bf16, beside PyTorch's matmul and autocast
#     cnn      jgrad bench conv (the CNN's layers and the ResNet's), 2 epochs of a digits `--model resnet --depth 8`,
#              and (with JGRAD_FASHION) 2 epochs of `--model cnn` beside PyTorch+cuDNN
#
# JUnit XML goes to ./results/, and each command's output to ./results/*.txt and *.jsonl. PyTorch's anchors run
# where python3 has torch with CUDA.
set -uo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
java="$here/jre/bin/java"
classpath="$(printf '%s:' "$here"/lib/*.jar)"
results="$here/results"
fashion="${JGRAD_FASHION:-}"
mkdir -p "$results"
stages=" ${*:-tests digits fashion bench cnn} "
jgrad() { "$java" --add-modules jdk.incubator.vector -cp "$classpath" io.jgrad.examples.Jgrad "$@"; }
wants() { [[ "$stages" == *" $1 "* ]]; }
# One command, its output to results/NAME.txt (and the terminal).
record() { local name=$1; shift; echo "== $name"; "$@" 2>&1 | tee "$results/$name.txt"; }
torch_cuda() { python3 -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2> /dev/null; }

if command -v nvidia-smi > /dev/null; then
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$results/gpu.txt"
else
  echo "nvidia-smi not found: the CUDA tests will skip unless libcuda.so.1 loads"
fi

status=0
if wants tests; then
  # The source-tree checks (committed PTX vs native/, kernel names, kernels built and emulated on the host) belong
  # to the build, not to the device (the bundle has no native/).
  "$java" --add-modules jdk.incubator.vector \
    -jar "$here/tools/junit-platform-console-standalone.jar" execute \
    --class-path "$classpath" \
    --select-package io.jgrad.cuda \
    --exclude-classname '.*\.(CnnKernelsHostTest|Elementwise16HostTest|GatherHostTest|HalfConversionHostTest|KernelLaunchHostTest|KernelSourceTest|OpsMathHostTest|OptimizerHostTest|PtxBuildTest|RandomHostTest|TensorGemmHostTest|TensorGemmVariantTest|TrainingStepHostTest)' \
    --config=junit.jupiter.execution.timeout.default=60s \
    --reports-dir "$results" \
    --details tree 2>&1 | tee "$results/tests.txt"
  status=${PIPESTATUS[0]}
fi

if wants digits; then
  record train-digits-cuda jgrad train --backend cuda --no-progress --metrics "$results/train-digits-cuda.jsonl"
  record train-digits-cpu jgrad train --backend cpu --no-progress --metrics "$results/train-digits-cpu.jsonl"
  # Two batches of 64 a step on the device-decided step, beside the CPU's; and two layers frozen.
  for backend in cuda cpu; do
    record train-digits-$backend-accumulate jgrad train --backend $backend --batch 64 --accumulate 2 --dropout 0 \
      --no-progress --metrics "$results/train-digits-$backend-accumulate.jsonl"
  done
  record train-digits-cuda-freeze jgrad train --backend cuda --freeze 2 --no-progress
  # The weights' moving average (Backend.emaSteps' default kernels) eager on both, and recorded into the step's graph.
  for backend in cuda cpu; do
    record train-digits-$backend-ema jgrad train --backend $backend --ema 0.99 --no-progress
  done
  record train-digits-cuda-ema-graphs jgrad train --backend cuda --ema 0.99 --graphs --no-progress
  # A small student taught by a digits model on the device (the teacher's forward inside the step), eager and recorded.
  teacher="$(mktemp -d)/teacher.safetensors"
  record train-digits-cuda-teacher jgrad train --backend cuda --epochs 3 --no-progress --save "$teacher"
  record train-digits-cuda-student jgrad train --backend cuda --hidden 64 --teacher "$teacher" --no-progress
  record train-digits-cuda-student-graphs jgrad train --backend cuda --hidden 64 --teacher "$teacher" --graphs \
    --no-progress
fi

if wants fashion && [ -n "$fashion" ]; then
  data=(--dataset fashion-mnist --data "$fashion")
  record train-fashion-cuda jgrad train "${data[@]}" --backend cuda --no-progress \
    --metrics "$results/train-fashion-cuda.jsonl"
  record train-fashion-cuda-bf16 jgrad train "${data[@]}" --backend cuda --precision bf16 --no-progress \
    --metrics "$results/train-fashion-cuda-bf16.jsonl"
  record train-fashion-cuda-graphs jgrad train "${data[@]}" --backend cuda --graphs --no-progress \
    --metrics "$results/train-fashion-cuda-graphs.jsonl"
  record train-fashion-cuda-bf16-graphs jgrad train "${data[@]}" --backend cuda --precision bf16 --graphs \
    --no-progress --metrics "$results/train-fashion-cuda-bf16-graphs.jsonl"
  if torch_cuda; then
    record torch-recipe-eager python3 "$here/bench/torch_recipe_gpu.py" --data "$fashion" --mode eager
    record torch-recipe-graph python3 "$here/bench/torch_recipe_gpu.py" --data "$fashion" --mode graph
  fi
fi

if wants bench; then
  record bench-gemm-cuda jgrad bench gemm --backend cuda --sizes 1024,2048,4096
  # bf16 needs sm_80: on older GPUs these lines print jgrad's one-line refusal.
  record bench-gemm-cuda-bf16 jgrad bench gemm --backend cuda --dtype bf16 --sizes 1024,4096 --no-mlp
  record bench-train-cuda jgrad bench train --backend cuda --windows 5
  record bench-train-cuda-loop-graphs jgrad bench train --backend cuda --loop preloaded,trainer --graphs \
    --optimizer adamw --dropout 0.2 --label-smoothing 0.1 --steps 400 --windows 5
  record bench-train-cuda-wide jgrad bench train --backend cuda --hidden 4096,4096 --batch 1024 --windows 5
  record bench-train-cuda-wide-bf16 jgrad bench train --backend cuda --hidden 4096,4096 --batch 1024 --windows 5 \
    --precision bf16
  if torch_cuda; then
    record bench-torch-cuda python3 "$here/bench/torch_gpu.py" --device cuda
    record bench-torch-cuda-mixed python3 "$here/bench/torch_gpu_mixed.py" --device cuda --sizes 4096
  fi
fi

if wants cnn; then
  record bench-conv-cuda jgrad bench conv --backend cuda
  record bench-conv-cuda-resnet jgrad bench conv --backend cuda --model resnet
  record train-digits-cuda-resnet jgrad train --backend cuda --model resnet --depth 8 --epochs 2 --no-progress
  if [ -n "$fashion" ]; then
    record train-fashion-cuda-cnn jgrad train --dataset fashion-mnist --data "$fashion" --backend cuda --model cnn \
      --epochs 2 --no-progress --metrics "$results/train-fashion-cuda-cnn.jsonl"
    if torch_cuda; then
      record torch-recipe-cnn python3 "$here/bench/torch_recipe_gpu.py" --data "$fashion" --model cnn --epochs 2
    fi
  fi
fi
exit "$status"
