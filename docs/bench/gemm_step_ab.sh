#!/bin/bash
# Same-JVM A/B of two versions of cpu-backend's VectorGemm.java on the MLP step's products (GemmStepAB.java).
# Usage: docs/bench/gemm_step_ab.sh A/VectorGemm.java B/VectorGemm.java ROUNDS [step|alone]
#   e.g. git show HEAD~1:cpu-backend/src/main/java/io/jgrad/cpu/VectorGemm.java > /tmp/A.java, after
#   `mvn -q -DskipTests package` (the harness links against cpu-backend/target/classes for WorkerTeam and
#   core/target/classes for the dtypes VectorGemm reads).
# Run it with A and B the same file first: two copies of one class differ here by up to ±10% (JIT and placement).
# JAVA_OPTS="-Dthreads=1" for one thread; JAVA_HOME picks the JDK.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
javac=${JAVA_HOME:+$JAVA_HOME/bin/}javac
classes="$root/cpu-backend/target/classes:$root/core/target/classes"
work=$(mktemp -d)
mkdir -p "$work/src"
cp "$1" "$work/src/VectorGemm.java"
sed 's/class VectorGemm /class VectorGemmB /; s/VectorGemm(WorkerTeam/VectorGemmB(WorkerTeam/' "$2" > "$work/src/VectorGemmB.java"
cp "$root/docs/bench/GemmStepAB.java" "$work/src/"
"$javac" -nowarn -XDsuppressNotes --add-modules jdk.incubator.vector -cp "$classes" \
  -d "$work/out" "$work/src/"*.java 2>&1 | grep -v "^warning: \|incubat" || true
# shellcheck disable=SC2086
"$java" --add-modules jdk.incubator.vector ${JAVA_OPTS:-} -cp "$work/out:$classes" \
  io.jgrad.cpu.GemmStepAB "$3" "${4:-step}" 2>&1 | grep -v "^WARNING: Using incubator"
rm -rf "$work"
