import io.jgrad.Backend;
import io.jgrad.Backends;
import io.jgrad.Generator;
import io.jgrad.NoGrad;
import io.jgrad.Tensor;
import io.jgrad.data.DataLoader;
import io.jgrad.data.TrainTestSplit;
import io.jgrad.datasets.Digits;
import io.jgrad.io.ModelWeights;
import io.jgrad.loss.CrossEntropyLoss;
import io.jgrad.loss.Reduction;
import io.jgrad.nn.Dropout;
import io.jgrad.nn.Linear;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
import io.jgrad.optim.AdamW;
import io.jgrad.train.EpochMetrics;
import io.jgrad.train.Trainer;
import java.nio.file.Path;
import java.util.Arrays;

public class TrainDigits {
  public static void main(String[] args) throws Exception {
    try (Backend backend = Backends.create("cpu")) {
      TrainTestSplit digits = Digits.load();  // 8,000 + 2,000 real MNIST digits, bundled in jgrad-datasets
      digits.standardize(1);                  // the training set's mean and std, applied to both parts

      Sequential model = mlp(backend, new Generator(0));
      try (DataLoader train = DataLoader.builder(digits.train()).batchSize(128).shuffle(true).build(backend);
           DataLoader test = DataLoader.builder(digits.test()).batchSize(1000).build(backend);
           AdamW optimizer = new AdamW(model.namedParameters(), 1e-3)) {
        Trainer trainer = new Trainer(model, optimizer, new CrossEntropyLoss(Reduction.MEAN, 0.1));
        for (EpochMetrics m : trainer.fit(train, test, 2)) {
          System.out.printf("epoch %d: test accuracy %.4f%n", m.epoch(), m.testAccuracy());
        }
      }
      Path file = Path.of("digits.safetensors");
      ModelWeights.save(model, file);            // safetensors: PyTorch and Hugging Face tools read it too

      Sequential reloaded = mlp(backend, new Generator(1));  // the same layers, other initial weights...
      ModelWeights.load(reloaded, file);                     // ...replaced by the saved ones
      reloaded.eval();                                       // dropout off
      try (NoGrad ignored = NoGrad.enter()) {
        float[] firstTen = Arrays.copyOf(digits.test().features(), 10 * Digits.FEATURES);
        Tensor logits = reloaded.forward(Tensor.of(backend, firstTen, 10, Digits.FEATURES));
        float[] predicted = logits.argmax(1).toFloatArray();  // class indices (argmax gives them as float32)
        int[] labels = digits.test().labels();
        for (int i = 0; i < 10; i++) {
          System.out.printf("test digit %d: predicted %d, label %d%n", i, (int) predicted[i], labels[i]);
        }
      }
    }
  }

  /** 784 pixels → 256 ReLU units → 10 classes (Linear + ReLU run as one fused kernel). */
  static Sequential mlp(Backend backend, Generator gen) {
    return new Sequential(
        new Linear(backend, Digits.FEATURES, 256, gen), new ReLU(), new Dropout(0.2, gen),
        new Linear(backend, 256, Digits.CLASSES, gen));
  }
}
