package io.jgrad.reliability;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.Backend;
import io.jgrad.BackendOptions;
import io.jgrad.Backends;
import io.jgrad.DType;
import io.jgrad.Functional;
import io.jgrad.Generator;
import io.jgrad.Shape;
import io.jgrad.Tensor;
import io.jgrad.data.DataLoader;
import io.jgrad.data.LabeledData;
import io.jgrad.loss.CrossEntropyLoss;
import io.jgrad.loss.MseLoss;
import io.jgrad.loss.Reduction;
import io.jgrad.nn.BatchNorm1d;
import io.jgrad.nn.Dropout;
import io.jgrad.nn.LayerNorm;
import io.jgrad.nn.Linear;
import io.jgrad.nn.Module;
import io.jgrad.nn.Parameter;
import io.jgrad.optim.Adam;
import io.jgrad.optim.AdamOptions;
import io.jgrad.optim.AdamW;
import io.jgrad.optim.ExponentialLR;
import io.jgrad.optim.GradClip;
import io.jgrad.optim.OneCycleLR;
import io.jgrad.optim.Optimizer;
import io.jgrad.optim.SGD;
import io.jgrad.optim.SgdOptions;
import io.jgrad.optim.StepLR;
import io.jgrad.spi.BatchNormStatistics;
import io.jgrad.optim.WarmupCosineLR;
import io.jgrad.train.Trainer;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

/**
 * The public API under misuse: each row is one mistake a user can make, the exception it must raise, and a fragment
 * of the one-line message that names what is wrong. Garbage results, a silent success or an unrelated exception
 * (NullPointerException, ArrayIndexOutOfBoundsException) fail the row.
 */
class MisuseTest {
  private static Backend scalar;
  private static Backend simd;

  @BeforeAll
  static void open() {
    scalar = Backends.create("cpu-scalar");
    simd = Backends.create("cpu");
  }

  @AfterAll
  static void close() {
    scalar.close();
    simd.close();
  }

  private record Case(String name, Class<? extends Throwable> type, String fragment, Executable action) {}

  private static Case iae(String name, String fragment, Executable action) {
    return new Case(name, IllegalArgumentException.class, fragment, action);
  }

  private static Case ise(String name, String fragment, Executable action) {
    return new Case(name, IllegalStateException.class, fragment, action);
  }

  @TestFactory
  Stream<DynamicTest> eachMistakeIsExplained() {
    return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
      Throwable t = assertThrows(c.type(), c.action(), c.name());
      String message = String.valueOf(t.getMessage());
      assertTrue(message.contains(c.fragment()), c.name() + ": \"" + message + "\" lacks \"" + c.fragment() + "\"");
      assertTrue(message.lines().count() == 1, c.name() + ": message is not one line: " + message);
    }));
  }

  static List<Case> cases() {
    Generator g = new Generator(1);
    return List.of(
        // Tensors: shapes, dtypes, backends, lifetime.
        iae("data length differs from shape", "length 5", () -> Tensor.of(scalar, new float[5], 2, 3)),
        iae("negative dimension", "-1", () -> Tensor.zeros(scalar, 2, -1)),
        iae("add of unbroadcastable shapes", "[2,3] and [4,3] do not broadcast", () -> m(2, 3).add(m(4, 3))),
        iae("matmul with mismatched inner dimensions", "inner dimensions 3 and 4", () -> m(2, 3).matmul(m(4, 5))),
        iae("matmul of a vector", "matmul", () -> m(2, 3).matmul(Tensor.zeros(scalar, 3))),
        iae("tensors on two backends", "backend", () -> m(2, 2).add(Tensor.zeros(simd, 2, 2))),
        iae("float32 plus int32", "int32", () -> m(2, 2).add(Tensor.zeros(scalar, DType.INT32, Shape.of(2, 2)))),
        iae("int32 in matmul", "int32", () -> Tensor.of(scalar, new int[] {1, 2, 3, 4}, 2, 2).matmul(m(2, 2))),
        iae("reshape to another size", "reshape", () -> m(2, 3).reshape(4, 2)),
        iae("sum along a missing axis", "axis", () -> m(2, 3).sum(2, false)),
        iae("softmax along a negative axis", "axis", () -> m(2, 3).softmax(-3)),
        ise("item of a non-scalar", "item", () -> m(2, 3).item()),
        iae("backward from a non-scalar", "backward", () -> m(2, 3).requiresGrad(true).mul(2).backward()),
        ise("backward through nothing that needs a gradient", "backward", () -> m(1, 1).sum().backward()),
        ise("backward twice through a freed graph", "backward", MisuseTest::backwardTwice),
        new Case("a null backend", NullPointerException.class, "backend", () -> Tensor.zeros(null, 2)),
        ise("a closed tensor used in an op", "was closed", () -> closed().add(m(2, 2))),
        ise("a closed tensor read back", "was closed", () -> closed().toFloatArray()),
        ise("a closed tensor as an argument", "was closed", () -> m(2, 2).mul(closed())),
        // Backends.
        iae("unknown backend", "unknown backend tpu", () -> Backends.create("tpu")),
        iae("zero threads", "threads", () -> BackendOptions.defaults().withThreads(0)),
        ise("cpu-scalar used after close", "cpu-scalar is closed", () -> Tensor.zeros(closedBackend("cpu-scalar"), 2)),
        ise("cpu used after close", "cpu is closed", () -> Tensor.zeros(closedBackend("cpu"), 2)),
        ise("a host array wrapped by a closed backend", "wrap: backend cpu is closed",
            () -> closedBackend("cpu").wrap(new float[4])),
        ise("an op on tensors whose backend was closed", "is closed", MisuseTest::opAfterBackendClose),
        // Modules.
        ise("a closed model run again", "was closed", MisuseTest::forwardAfterClose),
        iae("Linear with zero outputs", "> 0", () -> new Linear(scalar, 3, 0, g)),
        iae("Linear fed the wrong width", "input must be [batch, 4], got [2,5]",
            () -> new Linear(scalar, 4, 3, g).forward(m(2, 5))),
        iae("Dropout p = 1", "[0, 1)", () -> new Dropout(1, g)),
        iae("Dropout p < 0", "[0, 1)", () -> new Dropout(-0.1, g)),
        iae("Dropout p NaN", "[0, 1)", () -> new Dropout(Double.NaN, g)),
        iae("BatchNorm1d with no features", "features", () -> new BatchNorm1d(scalar, DType.FLOAT32, 0)),
        iae("BatchNorm1d fed the wrong width", "input must be [batch, 4], got [2,5]",
            () -> new BatchNorm1d(scalar, DType.FLOAT32, 4).forward(m(2, 5))),
        iae("LayerNorm fed the wrong width", "last axis must be 4, got [2,5]",
            () -> new LayerNorm(scalar, DType.FLOAT32, 4).forward(m(2, 5))),
        iae("batch norm's residual of another shape", "batchNormRelu: residual [2,2,3] float32 must match the input, "
            + "[2,2,2] float32", () -> Functional.batchNormRelu(Tensor.zeros(scalar, 2, 2, 2), Tensor.zeros(scalar, 2),
            Tensor.zeros(scalar, 2), null, null, BatchNormStatistics.BATCH, 0.1, 1e-5, Tensor.zeros(scalar, 2, 2, 3))),
        // Optimizers and schedules.
        iae("SGD lr 0", "learning rate must be > 0", () -> new SGD(params(), 0)),
        iae("Adam lr NaN", "learning rate must be > 0", () -> new Adam(params(), Double.NaN)),
        iae("Adam beta1 = 1", "betas", () -> new Adam(params(), AdamOptions.learningRate(1e-3).withBetas(1, 0.999))),
        iae("AdamW negative weight decay", "weight decay",
            () -> new AdamW(params(), AdamOptions.learningRate(1e-3).withWeightDecay(-1))),
        iae("SGD negative momentum", "momentum",
            () -> new SGD(params(), SgdOptions.learningRate(0.1).withMomentum(-0.5))),
        iae("an optimizer over no parameters", "parameters", () -> new SGD(Map.of(), 0.1)),
        iae("setLr to a negative rate", "learning rate", () -> new SGD(params(), 0.1).setLr(-1)),
        iae("warmup longer than the schedule", "warmup", () -> new WarmupCosineLR(1e-3, 10, 5, 0)),
        iae("StepLR step size 0", "step", () -> new StepLR(0.1, 0, 0.5)),
        iae("ExponentialLR gamma 0", "gamma", () -> new ExponentialLR(0.1, 0)),
        iae("OneCycleLR of no steps", "steps", () -> new OneCycleLR(0.1, 0)),
        ise("a closed optimizer stepped again", "closed", MisuseTest::stepAfterClose),
        iae("clip to a zero norm", "norm", () -> GradClip.byNorm(params().values(), 0)),
        // Losses.
        iae("label smoothing 1", "[0, 1)", () -> new CrossEntropyLoss(Reduction.MEAN, 1)),
        iae("a label past the last class", "label", () -> new CrossEntropyLoss().apply(m(2, 3), labels(0, 3)).item()),
        iae("a negative label", "label", () -> new CrossEntropyLoss().apply(m(2, 3), labels(0, -1)).item()),
        iae("labels for another batch size", "labels", () -> new CrossEntropyLoss().apply(m(2, 3), labels(0, 1, 2))),
        iae("MSE of mismatched shapes", "[2,3] float32 and target [3,2]", () -> new MseLoss().apply(m(2, 3), m(3, 2))),
        // Data and training.
        iae("features not a multiple of the feature size", "feature",
            () -> new LabeledData(new float[7], new int[2], 3, 2)),
        iae("a label outside the classes", "label", () -> new LabeledData(new float[6], new int[] {0, 5}, 3, 2)),
        iae("batch size 0", "batch size", () -> DataLoader.builder(data()).batchSize(0).shuffle(true).build(scalar)),
        iae("a negative clip norm", "clip norm", () -> trainer().clipNorm(-1)),
        new Case("a null non-finite policy", NullPointerException.class, "policy",
            () -> trainer().nonFinitePolicy(null)),
        iae("negative completed epochs", "epochs", () -> trainer().setCompletedEpochs(-1)));
  }

  private static Tensor m(int rows, int cols) {
    return Tensor.zeros(scalar, rows, cols);
  }

  private static Tensor labels(int... values) {
    return Tensor.of(scalar, values, values.length);
  }

  private static Tensor closed() {
    Tensor t = m(2, 2);
    t.close();
    return t;
  }

  private static Backend closedBackend(String name) {
    Backend b = Backends.create(name);
    b.close();
    return b;
  }

  private static void opAfterBackendClose() {
    Backend b = Backends.create("cpu");
    Tensor t = Tensor.zeros(b, 2, 2);
    b.close();
    t.add(t);
  }

  private static void backwardTwice() {
    Tensor w = m(2, 2).requiresGrad(true);
    Tensor loss = w.mul(w).sum();
    loss.backward();
    loss.backward();
  }

  private static void forwardAfterClose() {
    Linear layer = new Linear(scalar, 2, 2, new Generator(4));
    layer.close();
    layer.forward(m(1, 2));
  }

  private static void stepAfterClose() {
    Optimizer opt = new SGD(params(), 0.1);
    opt.close();
    opt.step();
  }

  private static Map<String, Parameter> params() {
    return new Linear(scalar, 2, 2, new Generator(2)).namedParameters();
  }

  private static LabeledData data() {
    return new LabeledData(new float[6], new int[] {0, 1}, 3, 2);
  }

  private static Trainer trainer() {
    Module model = new Linear(scalar, 3, 2, new Generator(3));
    Optimizer opt = new SGD(model.namedParameters(), 0.1);
    return new Trainer(model, opt, new CrossEntropyLoss());
  }
}
