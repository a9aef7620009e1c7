package io.jgrad.cuda;

import io.jgrad.ReduceOp;

/** Launcher of reduce.cu: x [outer, n, inner] reduced over n into out [outer, inner]; one block per output. */
final class ReduceKernels {
  private final Kernel reduce;

  ReduceKernels(CudaContext context) {
    reduce = context.kernel(PtxModule.REDUCE, "reduce_axis");
  }

  void run(ReduceOp op, CudaBuffer x, int outer, int n, int inner, CudaBuffer out) {
    Check.nonNegative("reduce", "outer", outer);
    Check.nonNegative("reduce", "inner", inner);
    Check.that(n > 0 || op == ReduceOp.SUM || op == ReduceOp.MEAN, "reduce", op + " over an empty axis");
    Check.nonNegative("reduce", "n", n);
    Check.floats("reduce", "x", x, (long) outer * n * inner);
    Check.floats("reduce", "out", out, (long) outer * inner);
    reduce.launch(
        Grid.blockPerItem((long) outer * inner, n),
        new KernelArgs().i32(op.ordinal()).ptr(x.pointer()).i32(outer).i32(n).i32(inner).ptr(out.pointer()));
  }
}
