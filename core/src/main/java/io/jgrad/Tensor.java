package io.jgrad;

import io.jgrad.internal.TensorAccess;
import io.jgrad.spi.BinaryOp;
import io.jgrad.spi.Buffer;
import io.jgrad.spi.Distribution;
import java.util.Arrays;
import java.util.Objects;

/**
 * A contiguous row-major block of numbers on one {@link Backend}, and — when it needs a gradient — the {@link Function}
 * that made it. Tensors hold backend memory: close them, or create them inside a {@link Scope}.
 *
 * <p>Every op records itself for {@link #backward()} when gradients are enabled (see {@link
 * io.jgrad.NoGrad}) and one of its inputs {@link #requiresGrad() requires a gradient}.
 */
public final class Tensor implements AutoCloseable {
  static {
    TensorAccess.install(new TensorHooks()); // before any tensor exists: see TensorAccess
  }

  private final Backend backend;
  /** Not final for one reason: {@link Backward#accumulate} may swap a gradient's storage with backward's temporary. */
  Storage storage;
  private final Shape shape;
  private final DType dtype;
  private boolean requiresGrad;
  private Function gradFn;
  /** The accumulated gradient of a leaf; {@link Backward#accumulate} writes it. */
  Tensor grad;
  /**
   * Set by {@link #zeroGrad()}: grad's contents stand for zeros. The next backward writes its gradient over them
   * instead of adding to a buffer zeroed first, which saves a fill and an add per parameter and step.
   */
  boolean gradIsZero;
  private boolean closed;
  /** Null unless the backend's {@link LeakDetector} watches this tensor. */
  private final LeakDetector.Tracker leak;

  private Tensor(Backend backend, Storage storage, Shape shape, DType dtype) {
    this.backend = backend;
    this.storage = storage;
    this.shape = shape;
    this.dtype = dtype;
    this.leak = backend.leakDetector().track(this, shape, dtype);
    Scope.register(this);
  }

  // ---------------------------------------------------------------- factories

  /** A tensor with unspecified contents (for kernels that write every element). */
  public static Tensor empty(Backend backend, DType dtype, Shape shape) {
    if (!backend.supports(dtype)) {
      throw new IllegalArgumentException("backend " + backend.name() + " does not support " + dtype.label());
    }
    return new Tensor(backend, new Storage(backend, backend.allocate(dtype, shape.size())), shape, dtype);
  }

  public static Tensor full(Backend backend, DType dtype, Shape shape, double value) {
    Tensor t = empty(backend, dtype, shape);
    backend.fill(t.buffer(), value);
    return t;
  }

  public static Tensor zeros(Backend backend, int... dims) {
    return full(backend, DType.FLOAT32, Shape.of(dims), 0);
  }

  public static Tensor zeros(Backend backend, DType dtype, Shape shape) {
    return full(backend, dtype, shape, 0);
  }

  public static Tensor ones(Backend backend, int... dims) {
    return full(backend, DType.FLOAT32, Shape.of(dims), 1);
  }

  /** A FLOAT32 tensor holding {@code data} (row-major) in the given shape. */
  public static Tensor of(Backend backend, float[] data, int... dims) {
    Tensor t = empty(backend, DType.FLOAT32, checkLength(data.length, dims));
    backend.upload(t.buffer(), data);
    return t;
  }

  /** A FLOAT64 tensor holding {@code data} (row-major) in the given shape. */
  public static Tensor of(Backend backend, double[] data, int... dims) {
    Tensor t = empty(backend, DType.FLOAT64, checkLength(data.length, dims));
    backend.upload(t.buffer(), data);
    return t;
  }

  /** An INT32 tensor (class labels). */
  public static Tensor of(Backend backend, int[] data, int... dims) {
    Tensor t = empty(backend, DType.INT32, checkLength(data.length, dims));
    backend.upload(t.buffer(), data);
    return t;
  }

  /** A FLOAT32 scalar. */
  public static Tensor scalar(Backend backend, float value) {
    return of(backend, new float[] {value});
  }

  /** 0, 1, …, n − 1 as FLOAT32. */
  public static Tensor arange(Backend backend, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = i;
    }
    return of(backend, v, n);
  }

  /** Uniform on [low, high), drawn from {@code gen}. */
  public static Tensor rand(Backend backend, DType dtype, Shape shape, Generator gen, double low, double high) {
    return random(backend, dtype, shape, gen, Distribution.UNIFORM, low, high);
  }

  /** Normal with the given mean and standard deviation, drawn from {@code gen}. */
  public static Tensor randn(Backend backend, DType dtype, Shape shape, Generator gen, double mean, double std) {
    return random(backend, dtype, shape, gen, Distribution.NORMAL, mean, std);
  }

  private static Tensor random(
      Backend backend, DType dtype, Shape shape, Generator gen, Distribution dist, double a, double b) {
    Tensor t = empty(backend, dtype, shape);
    backend.random(dist, a, b, gen.seed(), gen.advance(shape.size()), t.buffer());
    return t;
  }

  private static Shape checkLength(int length, int[] dims) {
    Shape s = dims.length == 0 && length != 1 ? Shape.of(length) : Shape.of(dims);
    if (s.size() != length) {
      throw new IllegalArgumentException("data of length " + length + " does not fill shape " + s);
    }
    return s;
  }

  // ---------------------------------------------------------------- accessors

  public Backend backend() {
    return backend;
  }

  public Shape shape() {
    return shape;
  }

  public DType dtype() {
    return dtype;
  }

  public int rank() {
    return shape.rank();
  }

  public int dim(int axis) {
    return shape.dim(axis);
  }

  public long size() {
    return shape.size();
  }

  public long bytes() {
    return size() * dtype.bytes();
  }

  /** The backend buffer, for the op classes beside Tensor (and, through TensorAccess, core's library code). */
  Buffer buffer() {
    checkOpen();
    return storage.buffer();
  }

  public boolean isClosed() {
    return closed;
  }

  // ---------------------------------------------------------------- data out

  public float[] toFloatArray() {
    checkOpen();
    float[] out = new float[Math.toIntExact(size())];
    if (dtype == DType.FLOAT32) {
      backend.download(buffer(), out);
    } else {
      double[] d = toDoubleArray();
      for (int i = 0; i < out.length; i++) {
        out[i] = (float) d[i];
      }
    }
    return out;
  }

  public double[] toDoubleArray() {
    checkOpen();
    double[] out = new double[Math.toIntExact(size())];
    switch (dtype) {
      case FLOAT64 -> backend.download(buffer(), out);
      case FLOAT32, BFLOAT16, FLOAT16 -> {
        float[] f = new float[out.length];
        backend.download(buffer(), f);
        for (int i = 0; i < out.length; i++) {
          out[i] = f[i];
        }
      }
      case INT32 -> {
        int[] n = toIntArray();
        for (int i = 0; i < out.length; i++) {
          out[i] = n[i];
        }
      }
    }
    return out;
  }

  public int[] toIntArray() {
    checkOpen();
    if (dtype != DType.INT32) {
      throw new IllegalStateException("toIntArray: tensor is " + dtype.label() + ", not int32");
    }
    int[] out = new int[Math.toIntExact(size())];
    backend.download(buffer(), out);
    return out;
  }

  /** The raw 16-bit patterns of a BFLOAT16 or FLOAT16 tensor (for files; values: {@link #toFloatArray()}). */
  public short[] toShortBits() {
    checkOpen();
    if (!dtype.isReduced()) {
      throw new IllegalStateException("toShortBits: tensor is " + dtype.label() + ", not bfloat16 or float16");
    }
    short[] out = new short[Math.toIntExact(size())];
    backend.download(buffer(), out);
    return out;
  }

  /** The value of a one-element tensor. */
  public double item() {
    if (size() != 1) {
      throw new IllegalStateException("item: tensor of shape " + shape + " has " + size() + " elements, not 1");
    }
    return toDoubleArray()[0];
  }

  // ---------------------------------------------------------------- autograd

  public boolean requiresGrad() {
    return requiresGrad;
  }

  /** Marks a leaf as needing a gradient (parameters). Returns this. */
  public Tensor requiresGrad(boolean requires) {
    if (gradFn != null && !requires) {
      throw new IllegalStateException("requiresGrad(false) on a non-leaf tensor: use detach()");
    }
    if (requires && !dtype.isFloating()) {
      throw new IllegalArgumentException("only floating-point tensors can require gradients, not " + dtype.label());
    }
    this.requiresGrad = requires;
    return this;
  }

  /** The function that computed this tensor, or null for a leaf. */
  public Function gradFn() {
    return gradFn;
  }

  /** Called by {@link Function#connect}: records that {@code fn} computed this tensor. */
  void attach(Function fn) {
    this.gradFn = fn;
    this.requiresGrad = true;
  }

  public boolean isLeaf() {
    return gradFn == null;
  }

  /** The accumulated gradient of a leaf, or null before any backward reached it. */
  public Tensor grad() {
    if (gradIsZero) {
      backend.fill(grad.buffer(), 0); // nobody accumulated since zeroGrad(): now the zeros are needed
      gradIsZero = false;
    }
    return grad;
  }

  /**
   * Removes the accumulated gradient and hands it to the caller, who then owns it (closing this tensor no longer frees
   * it); null if there is none.
   */
  public Tensor takeGrad() {
    Tensor g = grad();
    grad = null;
    gradIsZero = false;
    return g;
  }

  /** Sets (or with null, drops and closes) the accumulated gradient. */
  public void setGrad(Tensor g) {
    if (grad != null && grad != g) {
      grad.close();
    }
    grad = g;
    gradIsZero = false;
  }

  /**
   * Zeroes the accumulated gradient, keeping its buffer (no allocation per step). Lazily: the next backward
   * overwrites it and {@link #grad()} fills it only if nothing did. A reference to the gradient
   * taken before this call reads the old values only until then: the next backward or {@code grad()} writes into that
   * same tensor (PyTorch's {@code set_to_none=True} would leave it alone).
   */
  public void zeroGrad() {
    gradIsZero = grad != null;
  }

  /** Backpropagates from this scalar: dL/dL = 1. */
  public void backward() {
    Backward.run(this, null, false);
  }

  /** Backpropagates {@code gradOut} (same shape as this); the graph is freed unless {@code retainGraph}. */
  public void backward(Tensor gradOut, boolean retainGraph) {
    Backward.run(this, gradOut, retainGraph);
  }

  /** The same values, cut from the graph. Shares storage. */
  public Tensor detach() {
    return view(shape);
  }

  /** A new tensor over the same storage with another shape; records nothing. */
  public Tensor view(Shape newShape) {
    checkOpen();
    if (newShape.size() != size()) {
      throw new IllegalArgumentException("view: cannot view " + shape + " as " + newShape);
    }
    storage.retain();
    return new Tensor(backend, storage, newShape, dtype);
  }

  /** A copy in new storage, cut from the graph. */
  public Tensor copy() {
    Tensor t = empty(backend, dtype, shape);
    backend.copy(buffer(), 0, t.buffer(), 0, size());
    return t;
  }

  // ---------------------------------------------------------------- ops

  public Tensor add(Tensor other) {
    return Add.apply(this, other);
  }

  public Tensor sub(Tensor other) {
    return Sub.apply(this, other);
  }

  public Tensor mul(Tensor other) {
    return Mul.apply(this, other);
  }

  public Tensor div(Tensor other) {
    return Div.apply(this, other);
  }

  public Tensor pow(Tensor exponent) {
    return Pow.apply(this, exponent);
  }

  /** Element-wise max(this, other), broadcasting. */
  public Tensor maximum(Tensor other) {
    return Maximum.apply(this, other, true);
  }

  /**
   * Element-wise [this == other], broadcasting: 1 or 0 in this tensor's floating dtype, which other must share;
   * not differentiable (as {@link #argmax}). {@code out.argmax(1).eq(labels.to(out.dtype())).sum()} counts the
   * correct predictions of a batch without reading anything back.
   */
  public Tensor eq(Tensor other) {
    if (!dtype.isFloating()) {
      throw new IllegalArgumentException("eq: compares floating tensors, not " + dtype.label() + "; convert with to");
    }
    return Broadcast.binary("eq", BinaryOp.EQ, this, other);
  }

  /** Element-wise min(this, other), broadcasting. */
  public Tensor minimum(Tensor other) {
    return Maximum.apply(this, other, false);
  }

  public Tensor add(double c) {
    return Unary.apply(UnaryOp.ADD_SCALAR, c, this);
  }

  public Tensor sub(double c) {
    return Unary.apply(UnaryOp.ADD_SCALAR, -c, this);
  }

  public Tensor mul(double c) {
    return Unary.apply(UnaryOp.MUL_SCALAR, c, this);
  }

  public Tensor div(double c) {
    return Unary.apply(UnaryOp.MUL_SCALAR, 1.0 / c, this);
  }

  public Tensor pow(double exponent) {
    return Unary.apply(UnaryOp.POW_SCALAR, exponent, this);
  }

  public Tensor neg() {
    return Unary.apply(UnaryOp.NEG, 0, this);
  }

  public Tensor exp() {
    return Unary.apply(UnaryOp.EXP, 0, this);
  }

  public Tensor log() {
    return Unary.apply(UnaryOp.LOG, 0, this);
  }

  public Tensor sqrt() {
    return Unary.apply(UnaryOp.SQRT, 0, this);
  }

  public Tensor abs() {
    return Unary.apply(UnaryOp.ABS, 0, this);
  }

  public Tensor relu() {
    return Unary.apply(UnaryOp.RELU, 0, this);
  }

  public Tensor leakyRelu(double alpha) {
    return Unary.apply(UnaryOp.LEAKY_RELU, alpha, this);
  }

  public Tensor elu(double alpha) {
    return Unary.apply(UnaryOp.ELU, alpha, this);
  }

  public Tensor sigmoid() {
    return Unary.apply(UnaryOp.SIGMOID, 0, this);
  }

  public Tensor tanh() {
    return Unary.apply(UnaryOp.TANH, 0, this);
  }

  public Tensor gelu() {
    return Unary.apply(UnaryOp.GELU, 0, this);
  }

  /** Clamps to [−limit, limit]. */
  public Tensor clamp(double limit) {
    return Unary.apply(UnaryOp.CLAMP, limit, this);
  }

  /** act(this + bias) in one fused kernel: this is R×C, bias is C. */
  public Tensor biasActivation(Tensor bias, UnaryOp act, double alpha) {
    return BiasActivation.apply(this, bias, act, alpha);
  }

  /**
   * act(this + bias)·mask: the epilogue followed by dropout's mask (this's shape and dtype, ≥ 0), in one pass where
   * act is IDENTITY, RELU or LEAKY_RELU (in 16 bits rounded once), and as the epilogue and then the product otherwise.
   */
  public Tensor biasActivation(Tensor bias, UnaryOp act, double alpha, Tensor mask) {
    return BiasActivation.apply(this, bias, act, alpha, Objects.requireNonNull(mask, "mask"));
  }

  /**
   * These values converted to {@code target} (floating types; to 16 bits rounds to nearest even as PyTorch), the
   * gradient converted back; this tensor itself when it already is of that dtype, as PyTorch's {@code to}. An INT32
   * tensor (labels) converts to a floating type as Java's int-to-float conversion does, to 16 bits through float32;
   * no gradient flows back to integers.
   */
  public Tensor to(DType target) {
    return dtype == target ? this : Cast.apply(this, target);
  }

  /** Matrix product of 2-D tensors, or batched over the first axis of 3-D ones. */
  public Tensor matmul(Tensor other) {
    return MatMul.apply(this, false, other, false);
  }

  /** op(this)·op(other), the operands named by {@code transpose} read transposed (GEMM flags, never copies). */
  public Tensor matmul(Tensor other, Transposed transpose) {
    return MatMul.apply(this, transpose.first(), other, transpose.second());
  }

  /** The transpose of a 2-D tensor, materialised (a matmul takes transposes as flags instead). */
  public Tensor transpose() {
    return Transpose.apply(this);
  }

  public Tensor reshape(int... dims) {
    return Reshape.apply(this, Shape.of(dims));
  }

  /** Sum of all elements (a scalar). */
  public Tensor sum() {
    return Sum.all(this, false);
  }

  public Tensor sum(int axis, boolean keepDim) {
    return Sum.apply(this, axis, keepDim, false);
  }

  public Tensor mean() {
    return Sum.all(this, true);
  }

  public Tensor mean(int axis, boolean keepDim) {
    return Sum.apply(this, axis, keepDim, true);
  }

  /** Maximum of all elements; ties share the gradient equally. */
  public Tensor max() {
    return Max.all(this);
  }

  public Tensor max(int axis, boolean keepDim) {
    return Max.apply(this, axis, keepDim);
  }

  /** Index of the maximum along {@code axis}, as a float tensor without the axis; not differentiable. */
  public Tensor argmax(int axis) {
    return Max.argmax(this, axis);
  }

  public Tensor softmax(int axis) {
    return Softmax.softmax(this, axis);
  }

  public Tensor logSoftmax(int axis) {
    return Softmax.logSoftmax(this, axis);
  }

  /** Mean cross-entropy of these logits (R×C) against INT32 labels (R), fused and stable. */
  public Tensor crossEntropy(Tensor labels) {
    return SoftmaxCrossEntropy.apply(this, labels, 0).mean();
  }

  // ---------------------------------------------------------------- lifetime

  /**
   * Returns this tensor's memory (shared with views and the graph until they let go) and its {@code .grad}, which
   * belongs to it and to no scope (without this, every input that required a gradient leaked one). Idempotent.
   */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      storage.release();
      if (leak != null) {
        leak.close();
      }
      if (grad != null) {
        grad.close();
        grad = null;
      }
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("tensor " + shape + " " + dtype.label() + " was closed and cannot be used");
    }
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Tensor(").append(shape).append(", ").append(dtype.label());
    if (closed) {
      return sb.append(", closed)").toString();
    }
    double[] v = toDoubleArray();
    int shown = Math.min(v.length, 6);
    sb.append(", ").append(Arrays.toString(Arrays.copyOf(v, shown)));
    if (shown < v.length) {
      sb.setLength(sb.length() - 1);
      sb.append(", …]");
    }
    if (requiresGrad) {
      sb.append(gradFn != null ? ", grad_fn=" + gradFn.name() : ", requires_grad");
    }
    return sb.append(')').toString();
  }
}
