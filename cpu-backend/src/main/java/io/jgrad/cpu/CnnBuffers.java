package io.jgrad.cpu;

import io.jgrad.spi.Buffer;
import io.jgrad.spi.Conv2dGeometry;
import io.jgrad.DType;
import io.jgrad.spi.Pool2dGeometry;

/**
 * The argument checks of the convolution, pooling and batch-norm kernels, shared by both CPU backends: each returns
 * the buffers as this backend's CpuBuffers, in argument order, after checking that they are of one floating dtype and
 * hold exactly the elements their geometry says (an optional buffer may be null). Errors name the kernel.
 */
final class CnnBuffers {
  private final ArrayBackend backend;

  CnnBuffers(ArrayBackend backend) {
    this.backend = backend;
  }

  /** x, weight, bias (or null), y. */
  CpuBuffer[] conv2d(Conv2dGeometry g, Buffer x, Buffer weight, Buffer bias, Buffer y) {
    String kernel = "conv2d";
    CpuBuffer cx = backend.floating(kernel, "x", x);
    return new CpuBuffer[] {
      backend.matching(kernel, "x", x, cx, g.inputSize()),
      backend.matching(kernel, "weight", weight, cx, g.weightSize()),
      bias == null ? null : backend.matching(kernel, "bias", bias, cx, g.outChannels()),
      backend.matching(kernel, "y", y, cx, g.outputSize())
    };
  }

  /** dy, weight, dx. */
  CpuBuffer[] conv2dBackwardInput(Conv2dGeometry g, Buffer dy, Buffer weight, Buffer dx) {
    String kernel = "conv2dBackwardInput";
    CpuBuffer cdy = backend.floating(kernel, "dy", dy);
    return new CpuBuffer[] {
      backend.matching(kernel, "dy", dy, cdy, g.outputSize()),
      backend.matching(kernel, "weight", weight, cdy, g.weightSize()),
      backend.matching(kernel, "dx", dx, cdy, g.inputSize())
    };
  }

  /** x, dy, dweight, dbias (or null). */
  CpuBuffer[] conv2dBackwardWeight(Conv2dGeometry g, Buffer x, Buffer dy, Buffer dweight, Buffer dbias) {
    String kernel = "conv2dBackwardWeight";
    CpuBuffer cx = backend.floating(kernel, "x", x);
    return new CpuBuffer[] {
      backend.matching(kernel, "x", x, cx, g.inputSize()),
      backend.matching(kernel, "dy", dy, cx, g.outputSize()),
      backend.matching(kernel, "dweight", dweight, cx, g.weightSize()),
      dbias == null ? null : backend.matching(kernel, "dbias", dbias, cx, g.outChannels())
    };
  }

  /** x, y, indices (INT32) of a max-pooling kernel (maxPool2d, or batch norm fused with it). */
  CpuBuffer[] maxPool2d(String kernel, Pool2dGeometry g, Buffer x, Buffer y, Buffer indices) {
    CpuBuffer cx = backend.floating(kernel, "x", x);
    return new CpuBuffer[] {
      backend.matching(kernel, "x", x, cx, g.inputSize()),
      backend.matching(kernel, "y", y, cx, g.outputSize()),
      indices(kernel, indices, g)
    };
  }

  /** indices (INT32), dy, dx of a max-pooling gradient kernel (maxPool2dBackward, or batch norm's fused with it). */
  CpuBuffer[] maxPool2dBackward(String kernel, Pool2dGeometry g, Buffer indices, Buffer dy, Buffer dx) {
    CpuBuffer cdy = backend.floating(kernel, "dy", dy);
    return new CpuBuffer[] {
      indices(kernel, indices, g),
      backend.matching(kernel, "dy", dy, cdy, g.outputSize()),
      backend.matching(kernel, "dx", dx, cdy, g.inputSize())
    };
  }

  private CpuBuffer indices(String kernel, Buffer indices, Pool2dGeometry g) {
    CpuBuffer ci = backend.ofType(kernel, "indices", indices, DType.INT32);
    if (ci.length() != g.outputSize()) {
      throw new IllegalArgumentException(
          kernel + ": indices has " + ci.length() + " elements, expected " + g.outputSize());
    }
    return ci;
  }

  /** in, out: the input and output of avgPool2d (forward: x, y; backward: dy, dx is passed as out, in). */
  CpuBuffer[] avgPool2d(String kernel, Pool2dGeometry g, Buffer in, long inSize, Buffer out, long outSize) {
    if (g.window().dilationH() != 1 || g.window().dilationW() != 1) {
      throw new IllegalArgumentException(kernel + ": average pooling has no dilation (" + g.window() + ")");
    }
    CpuBuffer ci = backend.floating(kernel, "input", in);
    return new CpuBuffer[] {
      backend.matching(kernel, "input", in, ci, inSize), backend.matching(kernel, "output", out, ci, outSize)
    };
  }

  /** x, mean, var, runningMean, runningVar: the running statistics both given or both null. */
  CpuBuffer[] batchNormStatistics(Buffer x, int batch, int channels, int spatial, Buffer mean, Buffer var,
      Buffer runningMean, Buffer runningVar) {
    if ((runningMean == null) != (runningVar == null)) {
      throw new IllegalArgumentException("batchNormStatistics: runningMean and runningVar must both be given or not");
    }
    return batchNorm("batchNormStatistics", x, batch, channels, spatial,
        new String[] {"mean", "var", "runningMean", "runningVar"}, mean, var, runningMean, runningVar);
  }

  /**
   * x [B, C, S] and the per-channel buffers of a batch norm, each of C elements; only the running statistics
   * (names starting with "running") may be null.
   */
  CpuBuffer[] batchNorm(String kernel, Buffer x, int batch, int channels, int spatial, String[] names,
      Buffer... perChannel) {
    if (batch < 0 || channels < 1 || spatial < 1) {
      throw new IllegalArgumentException(
          kernel + ": [" + batch + ", " + channels + ", " + spatial + "] is not a batch of channels");
    }
    CpuBuffer cx = backend.floating(kernel, "x", x);
    backend.matching(kernel, "x", x, cx, (long) batch * channels * spatial);
    CpuBuffer[] out = new CpuBuffer[perChannel.length + 1];
    out[0] = cx;
    for (int i = 0; i < perChannel.length; i++) {
      out[i + 1] = perChannel[i] == null && names[i].startsWith("running") ? null : backend.matching(kernel, names[i], perChannel[i], cx, channels);
    }
    return out;
  }

  /** A buffer of x's dtype and size [B, C, S]. */
  CpuBuffer sameAsX(String kernel, String name, Buffer buffer, CpuBuffer x) {
    return backend.matching(kernel, name, buffer, x, x.length());
  }
}
