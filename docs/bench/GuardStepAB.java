import static io.jgrad.internal.TensorAccess.buffer;

import io.jgrad.Backend;
import io.jgrad.Backends;
import io.jgrad.DType;
import io.jgrad.Generator;
import io.jgrad.Shape;
import io.jgrad.Tensor;
import io.jgrad.loss.CrossEntropyLoss;
import io.jgrad.nn.Linear;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
import io.jgrad.optim.AdamW;
import io.jgrad.optim.Optimizer;
import io.jgrad.spi.Buffer;
import io.jgrad.spi.StepGuard;
import io.jgrad.train.GradNormMonitor;
import java.util.ArrayList;
import java.util.List;

/**
 * The step's tail on the cpu backend, alternating in one JVM: the device-decided path (sumsOfSquares, stepGuard,
 * guarded multi-tensor AdamW) against the host-checked one (GradNormMonitor.inspect, AdamW.step), 500 steps each per
 * round, on one backward's gradients of 784-512-256-10 at batch 128. Run from the repository root after
 * {@code mvn -q -DskipTests package}:
 * {@code java --add-modules jdk.incubator.vector -cp "examples/target/jgrad-examples-0.1.0-SNAPSHOT.jar:examples/target/lib/*" docs/bench/GuardStepAB.java}
 */
public class GuardStepAB {
  public static void main(String[] args) {
    try (Backend b = Backends.create("cpu")) {
      Generator g = new Generator(3);
      Sequential m = new Sequential(new Linear(b, 784, 512, g), new ReLU(), new Linear(b, 512, 256, g), new ReLU(),
          new Linear(b, 256, 10, g));
      Optimizer o = new AdamW(m.namedParameters(), 1e-6);
      Tensor x = Tensor.randn(b, DType.FLOAT32, Shape.of(128, 784), g, 0, 1);
      Tensor y = Tensor.of(b, new int[128], 128);
      Tensor l = new CrossEntropyLoss().apply(m.forward(x), y);
      l.backward();
      List<Buffer> grads = new ArrayList<>();
      m.namedParameters().values().forEach(p -> grads.add(buffer(p.grad())));
      Tensor sums = Tensor.empty(b, DType.FLOAT32, Shape.of(grads.size()));
      Tensor layerOf = Tensor.of(b, new int[] {0, 0, 1, 1, 2, 2}, 6);
      Tensor state = Tensor.empty(b, DType.FLOAT32, Shape.of(StepGuard.length(3)));
      b.upload(buffer(state), StepGuard.initial(3, 0));
      GradNormMonitor mon = new GradNormMonitor(m.namedParameters());
      for (int r = 0; r < 12; r++) {
        long t0 = System.nanoTime();
        for (int i = 0; i < 500; i++) {
          b.sumsOfSquares(grads, buffer(sums));
          b.stepGuard(buffer(sums), buffer(layerOf), buffer(l), 128, 0, 50, buffer(state));
          o.step(state);
        }
        long t1 = System.nanoTime();
        for (int i = 0; i < 500; i++) {
          mon.inspect();
          o.step();
        }
        long t2 = System.nanoTime();
        System.out.printf("guard %.1f us/step, host %.1f us/step%n", (t1 - t0) / 500e3, (t2 - t1) / 500e3);
      }
    }
  }
}
