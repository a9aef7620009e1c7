#!/usr/bin/env bash
# Builds a stand-in libcublas.so.12 that forwards every cuBLAS call JCublas2 makes to the CUDA 13 cuBLAS
# (libcublas.so.13), so that jgrad's cuBLAS path can be tested on a machine that has only CUDA 13 — JCublas 12.6
# needs libcublas.so.12, which is several hundred megabytes and not on such machines. A test rig, not a way to
# run jgrad: cuBLAS 13 keeps the calls jgrad makes (create, set stream, math mode, Sgemm, SgemmStridedBatched),
# with the same meaning; a function cuBLAS 13 dropped aborts with a message if called.
#
#   native/cublas12-shim.sh OUT_DIR     (needs gcc, objdump and unzip; reads JCublas2's natives from ~/.m2)
#   LD_LIBRARY_PATH=OUT_DIR:/usr/local/cuda/lib64 …    (on the GPU machine)
set -euo pipefail

out="${1:?usage: cublas12-shim.sh OUT_DIR}"
version=12.6.0
jar="${HOME}/.m2/repository/org/jcuda/jcublas-natives/$version/jcublas-natives-$version-linux-x86_64.jar"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
unzip -q -o "$jar" "lib/libJCublas2-$version-linux-x86_64.so" -d "$work"
# The cuBLAS functions JCublas2 imports, as versioned symbols of libcublas.so.12.
objdump -T "$work/lib/libJCublas2-$version-linux-x86_64.so" | awk '/\(libcublas\.so\.12\)/ {print $NF}' | sort -u \
  > "$work/symbols"

# Each function is a jump through a pointer that a constructor fills by dlsym on libcublas.so.13; the jump keeps
# every argument register as the caller set it, so no signature is needed.
{
  echo '.text'
  while read -r s; do
    printf '.globl %s\n.type %s,@function\n%s:\n  jmp *real_%s(%%rip)\n' "$s" "$s" "$s" "$s"
  done < "$work/symbols"
  echo '.data'
  while read -r s; do printf '.globl real_%s\n.hidden real_%s\nreal_%s: .quad missing\n' "$s" "$s" "$s"; done < "$work/symbols"
  echo '.section .note.GNU-stack,"",@progbits'
} > "$work/forward.S"
{
  echo '#include <dlfcn.h>'
  echo '#include <stdio.h>'
  echo '#include <stdlib.h>'
  echo 'void missing(void) { fputs("cublas12-shim: a function libcublas.so.13 lacks was called\n", stderr); abort(); }'
  while read -r s; do echo "extern void* real_$s __attribute__((visibility(\"hidden\")));"; done < "$work/symbols"
  echo '__attribute__((constructor)) static void bind(void) {'
  echo '  void* lib = dlopen("libcublas.so.13", RTLD_NOW | RTLD_GLOBAL);'
  echo '  if (!lib) { fprintf(stderr, "cublas12-shim: %s\n", dlerror()); return; }'
  echo '  void* f;'
  while read -r s; do echo "  if ((f = dlsym(lib, \"$s\"))) real_$s = f;"; done < "$work/symbols"
  echo '}'
} > "$work/bind.c"
echo 'libcublas.so.12 { global: *; };' > "$work/version.map"
mkdir -p "$out"
gcc -shared -fPIC -O2 -o "$out/libcublas.so.12" "$work/forward.S" "$work/bind.c" -ldl \
  -Wl,-soname,libcublas.so.12 -Wl,--version-script="$work/version.map"
echo "$out/libcublas.so.12: $(wc -l < "$work/symbols") functions forwarded to libcublas.so.13"
