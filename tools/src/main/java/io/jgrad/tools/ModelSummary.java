package io.jgrad.tools;

import io.jgrad.Backend;
import io.jgrad.DType;
import io.jgrad.NoGrad;
import io.jgrad.Scope;
import io.jgrad.Shape;
import io.jgrad.Tensor;
import io.jgrad.nn.Module;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A network's layers as Keras' {@code model.summary()} and torchinfo's {@code summary} list them: each child module
 * of the network with its settings, the shape it outputs and its parameters. The shapes are those of a forward pass of
 * one example of zeros in evaluation mode, the batch dimension given as -1.
 */
public final class ModelSummary {
  /**
   * One child module.
   *
   * @param module the module as PyTorch prints it: {@code Linear(in_features=784, out_features=512, bias=true)}
   * @param outputShape with -1 for the batch
   */
  public record Layer(String name, String module, int[] outputShape, long parameters) {}

  private ModelSummary() {}

  /**
   * The children of {@code network} in order, each given the previous one's output, starting from one example of
   * {@code inputs} values (flattened, as the model reads them). The network's mode is restored afterwards.
   */
  public static List<Layer> of(Module network, int inputs, Backend backend) {
    boolean training = network.isTraining();
    network.eval();
    List<Layer> layers = new ArrayList<>();
    try (Scope ignored = Scope.open(); NoGrad off = NoGrad.enter()) {
      Tensor h = Tensor.zeros(backend, DType.FLOAT32, Shape.of(1, inputs));
      for (Map.Entry<String, Module> child : network.children().entrySet()) {
        h = child.getValue().forward(h);
        int[] shape = h.shape().dims().clone();
        shape[0] = -1;
        layers.add(new Layer(child.getKey(), child.getValue().toString().replaceAll("\\s*\\n\\s*", " "), shape,
            child.getValue().parameterCount()));
      }
    } finally {
      network.train(training);
    }
    return layers;
  }
}
