package io.jgrad.cuda;

import io.jgrad.spi.BinaryOp;
import io.jgrad.Shape;

/**
 * Launchers of binary.cu: out = op(a, b) with NumPy broadcasting, in float32, bf16 or fp16 (a, b and out alike). Same shapes take the plain element-wise kernel;
 * anything else indexes a and b through per-dimension strides (0 along broadcast dimensions).
 */
final class BinaryKernels {
  /** binary.cu's MAX_RANK. */
  static final int MAX_RANK = 8;

  private final StorageKernels sameShape;
  private final StorageKernels broadcast;

  BinaryKernels(CudaContext context) {
    sameShape = new StorageKernels(context, PtxModule.BINARY, "binary_same_shape");
    broadcast = new StorageKernels(context, PtxModule.BINARY, "binary_broadcast");
  }

  void run(BinaryOp op, CudaBuffer a, Shape aShape, CudaBuffer b, Shape bShape, CudaBuffer out, Shape outShape) {
    Check.that(
        Shape.broadcast("binary " + op, aShape, bShape).equals(outShape),
        "binary " + op,
        aShape + " and " + bShape + " broadcast to " + Shape.broadcast("binary", aShape, bShape) + ", not "
            + outShape);
    Check.typed("binary", "a", a, a.dtype(), aShape.size());
    Check.typed("binary", "b", b, a.dtype(), bShape.size());
    Check.typed("binary", "out", out, a.dtype(), outShape.size());
    long n = outShape.size();
    boolean same = aShape.equals(outShape) && bShape.equals(outShape);
    KernelArgs args = (same ? sameShape : broadcast).of("binary", a).args()
        .i32(op.ordinal()).ptr(a.pointer()).ptr(b.pointer()).ptr(out.pointer()).i64(n);
    if (!same) {
      args.struct(broadcastIndex(aShape, bShape, outShape));
    }
    args.launch(Grid.elementwise(n));
  }

  /** binary.cu's {@code struct Broadcast}: rank, out's dimensions, a's strides, b's strides, each MAX_RANK long. */
  static long[] broadcastIndex(Shape aShape, Shape bShape, Shape outShape) {
    int rank = outShape.rank();
    Check.that(rank <= MAX_RANK, "binary", "rank " + rank + " exceeds " + MAX_RANK);
    long[] fields = new long[1 + 3 * MAX_RANK];
    fields[0] = rank;
    int[] dims = outShape.dims();
    long[] aStrides = aShape.broadcastStrides(outShape);
    long[] bStrides = bShape.broadcastStrides(outShape);
    for (int d = 0; d < rank; d++) {
      fields[1 + d] = dims[d];
      fields[1 + MAX_RANK + d] = aStrides[d];
      fields[1 + 2 * MAX_RANK + d] = bStrides[d];
    }
    return fields;
  }
}
