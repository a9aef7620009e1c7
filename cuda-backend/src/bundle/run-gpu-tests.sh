#!/usr/bin/env bash
# Runs jgrad's CUDA tests on this machine with the bundled JRE: it needs an NVIDIA driver (libcuda.so.1) and
# nothing else — no JDK, no Maven, no network. cuBLAS is used when libcublas.so.12 is on the library path
# (LD_LIBRARY_PATH); otherwise the tests run on jgrad's tiled GEMM kernel and the log says so.
#
# Usage: ./run-gpu-tests.sh [extra junit console options]
# Reports (JUnit XML) go to ./results/; the exit status is the test run's.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
java="$here/jre/bin/java"
classpath="$(printf '%s:' "$here"/lib/*.jar)"

if command -v nvidia-smi > /dev/null; then
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
else
  echo "nvidia-smi not found: the CUDA tests will skip unless libcuda.so.1 loads"
fi

# The source-tree checks (committed PTX vs native/, kernel names) belong to the build, not to the device.
"$java" --add-modules jdk.incubator.vector -Xss4m \
  -jar "$here/tools/junit-platform-console-standalone.jar" execute \
  --class-path "$classpath" \
  --select-package io.jgrad.cuda \
  --exclude-classname '.*\.(PtxBuildTest|KernelSourceTest)' \
  --reports-dir "$here/results" \
  --details tree \
  "$@"
