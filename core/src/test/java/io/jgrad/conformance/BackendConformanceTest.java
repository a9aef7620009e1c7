package io.jgrad.conformance;

import io.jgrad.Backend;
import org.junit.jupiter.api.Nested;

/**
 * The conformance suite: every kernel family of the {@link Backend} SPI, and every op of the op table, on one backend.
 * A backend module runs it with a subclass that implements {@link #createBackend()} (and may widen {@link
 * #tolerance()} or add {@link #edgeGemmShapes()}). Each family lives in its own class (a {@link KernelConformance});
 * the nested classes below run them all, one line each.
 */
public abstract class BackendConformanceTest {
  protected abstract Backend createBackend();

  protected Tolerance tolerance() {
    return Tolerance.DEFAULT;
  }

  /** GEMM shapes {m, n, k} run after the shapes every backend runs: a fast backend adds the edges of its blocking. */
  protected int[][] edgeGemmShapes() {
    return new int[0][];
  }

  @Nested
  class Memory extends MemoryConformance {
    Memory() {
      super(BackendConformanceTest.this);
    }
  }

  @Nested
  class Gather extends GatherConformance {
    Gather() {
      super(BackendConformanceTest.this);
    }
  }

  @Nested
  class Gemm extends GemmConformance {
    Gemm() {
      super(BackendConformanceTest.this);
    }
  }

  @Nested
  class Unary extends UnaryConformance {
    Unary() {
      super(BackendConformanceTest.this);
    }
  }

  @Nested
  class Binary extends BinaryConformance {
    Binary() {
      super(BackendConformanceTest.this);
    }
  }

  @Nested
  class BiasActivation extends BiasActivationConformance {
    BiasActivation() {
      super(BackendConformanceTest.this);
    }
  }

  @Nested
  class Reduce extends ReduceConformance {
    Reduce() {
      super(BackendConformanceTest.this);
    }
  }

  @Nested
  class SoftmaxCrossEntropy extends SoftmaxCrossEntropyConformance {
    SoftmaxCrossEntropy() {
      super(BackendConformanceTest.this);
    }
  }

  @Nested
  class OptimizerStep extends OptimizerStepConformance {
    OptimizerStep() {
      super(BackendConformanceTest.this);
    }
  }

  @Nested
  class TrainingStep extends TrainingStepConformance {
    TrainingStep() {
      super(BackendConformanceTest.this);
    }
  }

  @Nested
  class Random extends RandomConformance {
    Random() {
      super(BackendConformanceTest.this);
    }
  }

  @Nested
  class Convolution extends ConvolutionConformance {
    Convolution() {
      super(BackendConformanceTest.this);
    }
  }

  @Nested
  class PoolingBatchNorm extends PoolingBatchNormConformance {
    PoolingBatchNorm() {
      super(BackendConformanceTest.this);
    }
  }

  @Nested
  class ReducedPrecisionMemory extends ReducedPrecisionMemoryConformance {
    ReducedPrecisionMemory() {
      super(BackendConformanceTest.this);
    }
  }

  @Nested
  class ReducedPrecisionElementwise extends ReducedPrecisionElementwiseConformance {
    ReducedPrecisionElementwise() {
      super(BackendConformanceTest.this);
    }
  }

  @Nested
  class Ops extends OpConformance {
    Ops() {
      super(BackendConformanceTest.this);
    }
  }
}
