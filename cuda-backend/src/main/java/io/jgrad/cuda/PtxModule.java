package io.jgrad.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The PTX files built by native/build-ptx.sh, one per {@code native/kernels/<name>.cu}, loaded from the class path.
 * Each targets compute capability 7.5, except those named {@code *_sm80}, whose kernels need 8.0 (bf16 MMA); a
 * context loads only the modules its device runs.
 */
enum PtxModule {
  UNARY("unary"),
  BIAS_ACTIVATION("bias_activation"),
  BINARY("binary"),
  REDUCE("reduce"),
  SOFTMAX_CROSS_ENTROPY("softmax_cross_entropy"),
  OPTIMIZERS("optimizers"),
  RANDOM("random"),
  GEMM("gemm"),
  CAST("cast"),
  TENSOR_GEMM("tensor_gemm"),
  TENSOR_GEMM_SM80("tensor_gemm_sm80"),
  CONV("conv"),
  POOL("pool"),
  BATCHNORM("batchnorm"),
  TRAINING_STEP("training_step"),
  GATHER("gather");

  private final String fileName;

  PtxModule(String fileName) {
    this.fileName = fileName;
  }

  /** The compute capability its PTX targets, major·10 + minor: build-ptx.sh's rule, by file name. */
  int minimumArch() {
    return fileName.endsWith("_sm80") ? 80 : 75;
  }

  /** The class-path resource, e.g. "unary.ptx" next to this class. */
  String resource() {
    return fileName + ".ptx";
  }

  String source() {
    try (InputStream in = PtxModule.class.getResourceAsStream(resource())) {
      if (in == null) {
        throw new IllegalStateException("missing PTX resource io/jgrad/cuda/" + resource()
            + "; run native/build-ptx.sh");
      }
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
