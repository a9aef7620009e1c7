#!/bin/bash
# Interleaved A/B of two jgrad builds against numpy (SGEMM) and PyTorch (MLP training), as in docs/benchmarks.md.
# Usage: docs/bench/cpu_ab.sh ROUNDS BEFORE_DIR AFTER_DIR [JAVA_HOME]
#   BEFORE_DIR, AFTER_DIR: copies of examples/target from the two builds; JAVA_HOME empty = java on PATH.
# Prints JSON lines, each round headed by "# round N" and the load average.
set -u
here=$(cd "$(dirname "$0")" && pwd)
rounds=$1 before=$2 after=$3 jdk=${4:-}
for i in $(seq 1 "$rounds"); do
  echo "# round $i $(uptime)"
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=2 /usr/bin/python3 "$here/numpy_gemm.py" 1024 2048
  for v in before after; do
    dir=$before; [ "$v" = after ] && dir=$after
    JAVA_HOME=$jdk "$dir/jgrad" bench gemm --backend cpu --threads 2 --sizes 1024,2048 --no-mlp 2>/dev/null |
      sed "s/\"backend\":\"cpu\"/\"backend\":\"cpu-$v\"/"
  done
  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 "$here/torch_mlp.py" 2 | tail -1
  for v in before after; do
    dir=$before; [ "$v" = after ] && dir=$after
    JAVA_HOME=$jdk "$dir/jgrad" bench train --backend cpu --hidden 512,256 --batch 128 2>/dev/null | tail -1 |
      sed "s/\"backend\":\"cpu\"/\"backend\":\"cpu-$v\"/"
  done
done
echo "# end $(uptime)"
