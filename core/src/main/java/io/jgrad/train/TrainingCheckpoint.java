package io.jgrad.train;

import io.jgrad.Backend;
import io.jgrad.Generator;
import io.jgrad.Tensor;
import io.jgrad.io.InvalidFileException;
import io.jgrad.io.IoErrors;
import io.jgrad.io.ModelWeights;
import io.jgrad.io.Safetensors;
import io.jgrad.io.SafetensorsDtype;
import io.jgrad.io.SafetensorsFile;
import io.jgrad.io.TensorData;
import io.jgrad.nn.Module;
import io.jgrad.optim.Optimizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A training checkpoint in one safetensors file: the model's weights ("model.*"), the optimizer's state
 * ("optimizer.*"), the moving average of the weights where the run keeps one ("average.*", {@link
 * ExponentialMovingAverage}: then the weights a model file's readers take), and in the metadata the epochs done, the
 * optimizer's step count, the random generators' positions and the run's configuration. Written atomically with a
 * checksum (see {@link Safetensors}), so a crash mid-save leaves the previous checkpoint intact and a damaged file is
 * reported, never half-loaded.
 */
public final class TrainingCheckpoint {
  private static final Logger log = System.getLogger(TrainingCheckpoint.class.getName());

  static final String MODEL = "model.";
  static final String OPTIMIZER = "optimizer.";
  static final String AVERAGE = "average.";
  static final String AVERAGE_DECAY = "jgrad.average_decay";
  static final String EPOCHS = "jgrad.epochs";
  static final String STEPS = "jgrad.optimizer_steps";
  static final String RNG = "jgrad.rng.";
  static final String CONFIG = "jgrad.config.";

  /**
   * The run's configuration and progress as restored from a checkpoint.
   *
   * @param metadata the file's whole metadata (what listeners recorded, e.g. {@link BestMetric#metadata})
   */
  public record Restored(int epochs, long optimizerSteps, Map<String, String> config, Map<String, String> metadata) {}

  private TrainingCheckpoint() {}

  /**
   * @param rngs the generators whose positions make the run replayable (dropout), by name
   * @param config the run's settings, stored so a resume can check it continues the same run
   */
  public static void save(
      Path file, Module model, Optimizer optimizer, int epochs, Map<String, Generator> rngs, Map<String, String> config)
      throws IOException {
    save(file, model, optimizer, epochs, rngs, config, Map.of());
  }

  /**
   * As {@link #save(Path, Module, Optimizer, int, Map, Map)}, with more metadata written as given: what inference
   * needs (architecture, input standardisation, class names), so the checkpoint is also a model file.
   */
  public static void save(Path file, Module model, Optimizer optimizer, int epochs, Map<String, Generator> rngs,
      Map<String, String> config, Map<String, String> metadata) throws IOException {
    save(file, model, optimizer, null, epochs, rngs, config, metadata);
  }

  /** As {@link #save(Path, Module, Optimizer, int, Map, Map, Map)}, with the weights' moving average (or null). */
  public static void save(Path file, Module model, Optimizer optimizer, ExponentialMovingAverage average, int epochs,
      Map<String, Generator> rngs, Map<String, String> config, Map<String, String> metadata) throws IOException {
    Map<String, TensorData> tensors = new LinkedHashMap<>();
    ModelWeights.export(model).forEach((name, data) -> tensors.put(MODEL + name, data));
    optimizer.state().forEach((name, t) -> tensors.put(OPTIMIZER + name, ModelWeights.toData(t)));
    Map<String, String> meta = new LinkedHashMap<>(metadata);
    if (average != null) {
      average.export().forEach((name, data) -> tensors.put(AVERAGE + name, data));
      meta.put(AVERAGE_DECAY, Double.toString(average.decay()));
    }
    meta.put(EPOCHS, Integer.toString(epochs));
    meta.put(STEPS, Long.toString(optimizer.steps()));
    rngs.forEach((name, g) -> meta.put(RNG + name, g.seed() + ":" + g.offset()));
    config.forEach((k, v) -> meta.put(CONFIG + k, v));
    Safetensors.write(file, tensors, meta);
  }

  /**
   * Restores model, optimizer and generators from {@code file}, all or nothing: every part is checked before any is
   * changed. Refused: a file without jgrad's whole-file checksum (so an edited header could pass), a non-finite weight
   * or optimizer value, and optimizer state missing after steps were taken.
   */
  public static Restored load(Path file, Module model, Optimizer optimizer, Map<String, Generator> rngs) {
    return load(file, model, optimizer, null, rngs);
  }

  /**
   * As {@link #load(Path, Module, Optimizer, Map)}, and the moving average of the weights into {@code average} (when
   * not null), which the file must hold.
   */
  public static Restored load(Path file, Module model, Optimizer optimizer, ExponentialMovingAverage average,
      Map<String, Generator> rngs) {
    SafetensorsFile f = Safetensors.read(file);
    Map<String, String> meta = f.metadata();
    if (!meta.containsKey(Safetensors.CHECKSUM_KEY)) {
      throw new InvalidFileException(file.toString(), "not a jgrad training checkpoint with a whole-file checksum ("
          + Safetensors.CHECKSUM_KEY + " missing): its header could have been edited undetected");
    }
    f.tensors().forEach((name, data) -> requireFinite(file, name, data));
    int epochs = (int) longField(file, meta, EPOCHS);
    long steps = longField(file, meta, STEPS);
    long[] offsets = new long[rngs.size()];
    int i = 0;
    for (Map.Entry<String, Generator> e : rngs.entrySet()) {
      String v = meta.get(RNG + e.getKey());
      String expected = e.getValue().seed() + ":";
      if (v == null || !v.startsWith(expected)) {
        throw new InvalidFileException(
            file.toString(), "random generator '" + e.getKey() + "' is " + v + ", expected seed "
                + e.getValue().seed());
      }
      offsets[i++] = Long.parseLong(v.substring(expected.length()));
    }
    ModelWeights.check(model, f.tensors(), file.toString(), MODEL);
    if (average != null) {
      if (!meta.containsKey(AVERAGE_DECAY)) {
        throw new InvalidFileException(file.toString(), "holds no moving average of the weights (" + AVERAGE
            + "*): its run kept none");
      }
      ModelWeights.check(model, f.tensors(), file.toString(), AVERAGE);
    }
    Map<String, Tensor> state = new LinkedHashMap<>();
    try {
      f.tensors().forEach((name, data) -> {
        if (name.startsWith(OPTIMIZER)) {
          state.put(name.substring(OPTIMIZER.length()), toTensor(data, optimizer));
        }
      });
      try {
        optimizer.checkState(state, steps);
      } catch (IllegalArgumentException e) {
        throw new InvalidFileException(file.toString(), e.getMessage().replaceAll("\\s*\n\\s*", " "));
      }
      ModelWeights.apply(model, f.tensors(), file.toString(), MODEL);
      optimizer.loadState(state, steps);
      if (average != null) {
        average.load(f.tensors(), file.toString(), AVERAGE);
      }
    } finally {
      state.values().forEach(Tensor::close);
    }
    i = 0;
    for (Generator g : rngs.values()) {
      g.setOffset(offsets[i++]);
    }
    return new Restored(epochs, steps, config(meta), meta);
  }

  /**
   * Where a model's weights are among the tensors of a file with this metadata: under "average." in a checkpoint of a
   * run that kept a moving average of them, else under "model." in a checkpoint (next to the optimizer's state), at the
   * top in a plain weights file ({@link ModelWeights#save}).
   */
  public static String weightPrefix(Map<String, String> metadata) {
    return metadata.containsKey(AVERAGE_DECAY) ? AVERAGE : metadata.containsKey(EPOCHS) ? MODEL : "";
  }

  /** The decay of the moving average of the weights a checkpoint with this metadata holds, or NaN: none. */
  public static double averageDecay(Map<String, String> metadata) {
    String v = metadata.get(AVERAGE_DECAY);
    return v == null ? Double.NaN : Double.parseDouble(v);
  }

  /**
   * What a checkpoint's metadata says of its run, nothing loaded: the epochs and optimizer steps done and the settings;
   * null for a model file's (no training state).
   */
  public static Restored recorded(Path file, Map<String, String> metadata) {
    if (!metadata.containsKey(EPOCHS)) {
      return null;
    }
    return new Restored((int) longField(file, metadata, EPOCHS), longField(file, metadata, STEPS), config(metadata),
        metadata);
  }

  /** The run's settings recorded in {@code file} (read before building the model, which they describe). */
  public static Map<String, String> recordedConfig(Path file) {
    return config(Safetensors.read(file).metadata());
  }

  private static Map<String, String> config(Map<String, String> meta) {
    Map<String, String> config = new LinkedHashMap<>();
    meta.forEach((k, v) -> {
      if (k.startsWith(CONFIG)) {
        config.put(k.substring(CONFIG.length()), v);
      }
    });
    return config;
  }

  /**
   * The newest checkpoint in {@code dir} (by modification time) that reads back whole; damaged ones
   * are reported in the log and passed over.
   */
  public static Path newestValid(Path dir) {
    List<Path> candidates;
    try (Stream<Path> files = Files.list(dir)) {
      candidates = files
          .filter(p -> p.getFileName().toString().endsWith(".safetensors"))
          .sorted(Comparator.comparing(TrainingCheckpoint::modified).reversed())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list checkpoints in " + dir + ": " + IoErrors.reason(e), e);
    }
    for (Path p : candidates) {
      try {
        Safetensors.read(p);
        return p;
      } catch (InvalidFileException e) {
        log.log(Level.WARNING, "skipping damaged checkpoint: " + e.getMessage());
      }
    }
    throw new InvalidFileException(dir.toString(), "no valid checkpoint (*.safetensors) in the directory");
  }

  private static long modified(Path p) {
    try {
      return Files.getLastModifiedTime(p).toMillis();
    } catch (IOException e) {
      return Long.MIN_VALUE;
    }
  }

  /** In the precision it was saved in: a float64 model's optimizer state must resume bit for bit too. */
  private static Tensor toTensor(TensorData d, Optimizer optimizer) {
    Backend backend = optimizer.parameters().values().iterator().next().value().backend();
    return d.dtype() == SafetensorsDtype.F64
        ? Tensor.of(backend, d.toDoubles(), d.shape())
        : Tensor.of(backend, d.toFloats(), d.shape());
  }

  /** A NaN or infinity in a weight or a moment would poison every step after the resume. */
  private static void requireFinite(Path file, String name, TensorData data) {
    switch (data.dtype()) {
      case F32, BF16, F16 -> {
        float[] v = data.toFloats();
        for (int i = 0; i < v.length; i++) {
          if (!Float.isFinite(v[i])) {
            throw nonFinite(file, name, i, v[i]);
          }
        }
      }
      case F64 -> {
        double[] v = data.toDoubles();
        for (int i = 0; i < v.length; i++) {
          if (!Double.isFinite(v[i])) {
            throw nonFinite(file, name, i, v[i]);
          }
        }
      }
      default -> {} // integers are always finite
    }
  }

  private static InvalidFileException nonFinite(Path file, String name, int index, double value) {
    return new InvalidFileException(file.toString(), "tensor '" + name + "' holds " + value + " at element " + index
        + ": a checkpoint of a diverged run, refused");
  }

  private static long longField(Path file, Map<String, String> meta, String key) {
    String v = meta.get(key);
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new InvalidFileException(file.toString(), "metadata " + key + " is " + v + ", expected an integer");
    }
  }
}
