package io.jgrad.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jgrad.Backend;
import io.jgrad.Backends;
import io.jgrad.Generator;
import io.jgrad.NoGrad;
import io.jgrad.Scope;
import io.jgrad.Tensor;
import io.jgrad.io.ModelWeights;
import io.jgrad.io.Safetensors;
import io.jgrad.io.TensorData;
import io.jgrad.loss.CrossEntropyLoss;
import io.jgrad.nn.Parameter;
import io.jgrad.nn.Sequential;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ResNetSpec}'s network is PyTorch's: ResNet-8 built in PyTorch 1.13 from torchvision's BasicBlock
 * (docs/bench/export_torch_resnet.py) loads its state dict by name, and for one batch gives PyTorch's training-mode
 * loss, every parameter's gradient, and afterwards its eval-mode output.
 */
class TorchResNetTest {
  private static final int[] SHAPE = {3, 9, 7};

  @ParameterizedTest
  @ValueSource(strings = {"cpu-scalar", "cpu"})
  void aTorchvisionResNetsStateDictLoadsAndTrainsAsInPyTorch(String backendName) throws URISyntaxException {
    Map<String, TensorData> io = Safetensors.read(resource("torch_resnet_io.safetensors")).tensors();
    int[] labels = Arrays.stream(io.get("labels").toLongs()).mapToInt(Math::toIntExact).toArray();
    try (Backend backend = Backends.create(backendName)) {
      Sequential model = new ResNetSpec(SHAPE, 8, 0, 4).build(backend, new Generator(1), new Generator(2));
      ModelWeights.load(model, resource("torch_resnet.safetensors"));
      try (Scope ignored = Scope.open()) {
        Tensor x = Tensor.of(backend, io.get("input").toFloats(), io.get("input").shape());
        Tensor loss = new CrossEntropyLoss().apply(model.forward(x), Tensor.of(backend, labels, labels.length));
        assertEquals(io.get("train_loss").toFloats()[0], loss.item(), 1e-5, "training-mode loss on " + backendName);
        loss.backward();
      }
      for (Map.Entry<String, Parameter> p : model.namedParameters().entrySet()) {
        float[] expected = io.get("grad." + p.getKey()).toFloats();
        float[] actual = p.getValue().grad().toFloatArray();
        double scale = 0;
        for (float e : expected) {
          scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
          assertEquals(expected[i], actual[i], 1e-4 * scale + 1e-6, "gradient of " + p.getKey() + "[" + i + "]");
        }
      }
      model.eval();
      float[] expected = io.get("output").toFloats();
      try (NoGrad ignored = NoGrad.enter(); Scope scope = Scope.open()) {
        float[] actual = model.forward(Tensor.of(backend, io.get("input").toFloats(), io.get("input").shape()))
            .toFloatArray();
        for (int i = 0; i < expected.length; i++) {
          assertEquals(expected[i], actual[i], 1e-5, "eval-mode output " + i + " on " + backendName);
        }
      }
      model.close();
    }
  }

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(TorchResNetTest.class.getResource(name).toURI());
  }
}
