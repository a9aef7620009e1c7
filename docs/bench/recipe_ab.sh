#!/bin/sh
# The training-loop targets, interleaved: per round, in one order and then the reverse,
#   the PyTorch recipe loop (docs/bench/torch_recipe.py),
#   `jgrad train --dataset fashion-mnist --no-progress` (the default recipe) of each build given,
#   `jgrad bench train` with the recipe's model and optimizer, --loop preloaded,trainer (the two loops take turns
#   window by window in one JVM; the trainer's summary gives the median of the window pairs' ratios), of each build,
#   in windows of 469 steps: the trainer's window is an epoch, and Fashion-MNIST's has 469 (at the default 50 the
#   epoch's boundary weighs 9 times as much; docs/benchmarks.md, "The trainer loop against the preloaded one").
# One line per run: round, what ran, samples/s (jgrad train: the summary's mean over epochs; torch: the same).
#
# Usage: docs/bench/recipe_ab.sh ROUNDS EPOCHS BUILD... (BUILD: a checkout whose examples/target/jgrad is built)
# Example: docs/bench/recipe_ab.sh 3 10 .
set -u
rounds=$1
epochs=$2
shift 2
recipe="--optimizer adamw --dropout 0.2 --label-smoothing 0.1 --schedule cosine"
here=$(cd "$(dirname "$0")" && pwd)

one() {
  case $1 in
    torch)
      LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 "$here/torch_recipe.py" \
          --epochs "$epochs" | tail -1 | grep -o '"samples_per_sec": [0-9]*' ;;
    train:*)
      "${1#train:}/examples/target/jgrad" train --dataset fashion-mnist --epochs "$epochs" --no-progress 2>/dev/null \
          | tail -1 | grep -o '"test_accuracy":[0-9.]*\|"train_loss":[0-9.]*\|"samples_per_sec":[0-9]*' | tr '\n' ' ' ;;
    loops:*)
      # shellcheck disable=SC2086
      "${1#loops:}/examples/target/jgrad" bench train $recipe --loop preloaded,trainer --steps 469 --windows 6 2>/dev/null \
          | grep '"summary"' | grep -o '"loop":"[a-z]*"\|"samples_per_sec":[0-9]*\|"ratio_to_preloaded":[0-9.]*' \
          | tr '\n' ' ' ;;
  esac
}

runs="torch"
for b in "$@"; do
  runs="$runs train:$b loops:$b"
done
reversed=$(echo "$runs" | tr ' ' '\n' | tac | tr '\n' ' ')
for r in $(seq "$rounds"); do
  for x in $runs $reversed; do
    echo "$r $x $(one "$x")"
  done
done
