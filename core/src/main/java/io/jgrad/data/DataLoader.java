package io.jgrad.data;

import io.jgrad.Backend;
import io.jgrad.Tensor;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Mini-batches of a {@link LabeledData} as tensors on a backend: features, and labels (int32 [B]) or a regression
 * set's targets (float32 [B, T]). Shuffling is seeded per epoch (the order of epoch e depends only on (seed, e)), so a
 * resumed run sees the same batches as an uninterrupted one. On a backend whose
 * buffers are host arrays (the CPU backends) each batch is gathered straight from the dataset into its tensor ({@link
 * BatchAssembly#AUTO}); elsewhere, while the caller trains on one batch, a background thread gathers the next one's
 * rows on the host, which are then uploaded. Augmentation ({@link Builder#augment}) always runs on that thread. Batches
 * are [B, F] ({@link Layout#FLAT}, what an MLP takes) unless {@link Builder#layout} asks for each example's own shape
 * ([B, C, H, W] for images, what a CNN takes). With {@link BatchAssembly#RESIDENT} a device keeps the dataset too and
 * each batch is gathered there. Every way gives the same rows in the same order.
 */
public final class DataLoader implements AutoCloseable {
  private final LabeledData data;
  private final int batchSize;
  private final boolean shuffle;
  /** Each row's weight when each epoch samples rows ({@link Builder#sampleWeights}); null to visit every row once. */
  private final double[] sampleWeights;
  private final boolean dropLast;
  private final long seed;
  private final Backend backend;
  private final ExecutorService prefetcher;
  private final Layout layout;
  private final Augmentation augmentation;
  private final BatchAssembly assembly;
  /** The dataset on the backend once the first epoch has wrapped or uploaded it; null until then, or on the host path. */
  private ResidentBatches resident;
  private boolean residentTried;

  /** The shape of a batch's features. */
  public enum Layout {
    /** [B, F]: every example flattened. */
    FLAT,
    /** [B, …exampleShape]: [B, C, H, W] for images. */
    EXAMPLE
  }

  /** Host-side rows of one batch, gathered off the training thread: labels, or targets (regression) rows × T. */
  private record HostBatch(float[] features, int[] labels, float[] targets, int rows, int index) {}

  /**
   * Starts the settings of a loader over {@code data}: {@code DataLoader.builder(train).batchSize(128).shuffle(true)
   * .seed(0).build(backend)}. Defaults as PyTorch's: batch size 1, no shuffling, the last short batch kept, seed 0.
   */
  public static Builder builder(LabeledData data) {
    return new Builder(data);
  }

  private DataLoader(Builder b, Backend backend) {
    if (b.batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, got " + b.batchSize);
    }
    if (!b.augmentation.isNone() && b.data.exampleShape().length != 3) {
      throw new IllegalArgumentException("augmentation needs image examples [C, H, W], got shape "
          + Arrays.toString(b.data.exampleShape()));
    }
    this.data = b.data;
    this.batchSize = b.batchSize;
    this.shuffle = b.shuffle;
    this.sampleWeights = b.sampleWeights;
    this.dropLast = b.dropLast;
    this.seed = b.seed;
    this.layout = b.layout;
    this.augmentation = b.augmentation;
    this.assembly = b.assembly;
    this.backend = backend;
    this.prefetcher = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "jgrad-prefetch");
      t.setDaemon(true);
      return t;
    });
  }

  public int batchesPerEpoch() {
    return dropLast ? data.size() / batchSize : (data.size() + batchSize - 1) / batchSize;
  }

  /** The examples in batch {@code index} of an epoch: the batch size, but for a last, partial batch. */
  public int batchRows(int index) {
    if (index < 0 || index >= batchesPerEpoch()) {
      throw new IndexOutOfBoundsException("batch " + index + " of " + batchesPerEpoch());
    }
    return Math.min(batchSize, data.size() - index * batchSize);
  }

  public LabeledData data() {
    return data;
  }

  /**
   * The batches of epoch {@code epoch} from batch {@code first} on (to resume mid-epoch). Each batch's tensors are
   * created in the caller's current scope; close them or let the scope do it.
   */
  public Iterator<Batch> epoch(int epoch, int first) {
    int[] order = order(epoch);
    int count = batchesPerEpoch();
    ResidentBatches onBackend = resident();
    if (onBackend != null) {
      return onBackend.epoch(order, first, count, batchSize, this::batchShape);
    }
    // Two host buffers in turn: one is gathered in the background while the other is uploaded, so a steady epoch
    // allocates no new arrays (upload copies, so a buffer is free again once its batch has been handed out).
    HostBatch[] buffers = new HostBatch[2];
    return new Iterator<>() {
      private int next = first;
      private CompletableFuture<HostBatch> pending = next < count ? gather(epoch, order, next, buffers) : null;

      @Override
      public boolean hasNext() {
        return next < count;
      }

      @Override
      public Batch next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        HostBatch host = pending.join();
        next++;
        pending = next < count ? gather(epoch, order, next, buffers) : null;
        return upload(host);
      }
    };
  }

  public Iterator<Batch> epoch(int epoch) {
    return epoch(epoch, 0);
  }

  /**
   * Epoch {@code epoch}'s batches for a for-each loop, as PyTorch's {@code for x, y in loader}: {@code for (Batch b :
   * loader.batches(e)) { try (b) { … } }}. Each loop over it is the epoch from its first batch ({@link #epoch(int)}).
   */
  public Iterable<Batch> batches(int epoch) {
    return () -> epoch(epoch);
  }

  /** The dataset on the backend, wrapped or uploaded on first use, where the assembly says so ({@link BatchAssembly}). */
  private ResidentBatches resident() {
    if (!residentTried && augmentation.isNone()) {
      residentTried = true;
      resident = switch (assembly) {
        case HOST -> null;
        case RESIDENT -> ResidentBatches.uploadIfItFits(backend, data);
        case AUTO -> ResidentBatches.inPlace(backend, data);
      };
    }
    return resident;
  }

  /** The example order of an epoch: a seeded Fisher–Yates shuffle, or 0..n−1. */
  int[] order(int epoch) {
    SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
    return sampleWeights != null ? Shuffle.weighted(sampleWeights, data.size(), rng)
        : shuffle ? Shuffle.permutation(data.size(), rng) : Shuffle.identity(data.size());
  }

  private CompletableFuture<HostBatch> gather(int epoch, int[] order, int index, HostBatch[] buffers) {
    return CompletableFuture.supplyAsync(() -> {
      int from = index * batchSize;
      int rows = Math.min(batchSize, data.size() - from);
      int f = data.featureSize();
      boolean regression = data.isRegression();
      int t = regression ? data.targetSize() : 0;
      HostBatch reuse = buffers[index % 2];
      boolean fits = reuse != null && reuse.rows() == rows;
      float[] features = fits ? reuse.features() : new float[rows * f];
      int[] labels = regression ? null : fits ? reuse.labels() : new int[rows];
      float[] targets = !regression ? null : fits ? reuse.targets() : new float[rows * t];
      int[] shape = data.exampleShape();
      for (int r = 0; r < rows; r++) {
        int example = order[from + r];
        if (augmentation.isNone()) {
          System.arraycopy(data.features(), example * f, features, r * f, f);
        } else {
          augmentation.apply(data.features(), example * f, shape, Augmentation.draw(seed, epoch, example), features,
              r * f);
        }
        if (regression) {
          System.arraycopy(data.targets(), example * t, targets, r * t, t);
        } else {
          labels[r] = data.labels()[example];
        }
      }
      buffers[index % 2] = new HostBatch(features, labels, targets, rows, index);
      return buffers[index % 2];
    }, prefetcher);
  }

  private Batch upload(HostBatch host) {
    int rows = host.rows();
    Tensor x = Tensor.of(backend, host.features(), batchShape(rows));
    Tensor y = host.targets() != null ? Tensor.of(backend, host.targets(), rows, data.targetSize())
        : Tensor.of(backend, host.labels(), rows);
    return new Batch(x, y, host.index());
  }

  private int[] batchShape(int rows) {
    if (layout == Layout.FLAT) {
      return new int[] {rows, data.featureSize()};
    }
    int[] example = data.exampleShape();
    int[] dims = new int[example.length + 1];
    dims[0] = rows;
    System.arraycopy(example, 0, dims, 1, example.length);
    return dims;
  }

  @Override
  public void close() {
    prefetcher.shutdownNow();
    if (resident != null) {
      resident.close();
      resident = null;
    }
  }

  /** A DataLoader's settings, each named at the call site. */
  public static final class Builder {
    private final LabeledData data;
    private int batchSize = 1;
    private boolean shuffle;
    private double[] sampleWeights;
    private boolean dropLast;
    private long seed;
    private Layout layout = Layout.FLAT;
    private Augmentation augmentation = Augmentation.NONE;
    private BatchAssembly assembly = BatchAssembly.fromSystemProperty();

    private Builder(LabeledData data) {
      this.data = data;
    }

    /** Rows per batch, at least 1. */
    public Builder batchSize(int rows) {
      this.batchSize = rows;
      return this;
    }

    /** Whether each epoch visits the rows in a new order (seeded by (seed, epoch)). */
    public Builder shuffle(boolean on) {
      this.shuffle = on;
      return this;
    }

    /**
     * Each epoch draws as many rows as the data holds, with replacement, row i with probability proportional to {@code
     * weights[i]}, as PyTorch's {@code WeightedRandomSampler(weights, len(data))} (seeded by (seed, epoch); shuffling
     * is then moot). One weight a row, each finite and at least 0, not all 0.
     */
    public Builder sampleWeights(double[] weights) {
      if (weights.length != data.size()) {
        throw new IllegalArgumentException("sample weights: " + weights.length + " for " + data.size() + " rows");
      }
      double sum = 0;
      for (double w : weights) {
        if (!(w >= 0) || Double.isInfinite(w)) {
          throw new IllegalArgumentException("sample weights must be finite and >= 0, got " + w);
        }
        sum += w;
      }
      if (!(sum > 0)) {
        throw new IllegalArgumentException("sample weights are all 0: no row can be drawn");
      }
      this.sampleWeights = weights.clone();
      return this;
    }

    /**
     * Samples each epoch's rows so that every class is drawn as often (each row weighted by one over its class's rows),
     * the usual use of PyTorch's {@code WeightedRandomSampler} for imbalanced classes. Classification data only.
     */
    public Builder balanceClasses() {
      if (data.isRegression()) {
        throw new IllegalArgumentException("balanced classes: the data has targets, not classes");
      }
      int[] counts = data.classCounts();
      double[] weights = new double[data.size()];
      for (int i = 0; i < weights.length; i++) {
        weights[i] = 1.0 / counts[data.labels()[i]];
      }
      return sampleWeights(weights);
    }

    /** Whether an epoch's last batch, when shorter than the batch size, is left out. */
    public Builder dropLast(boolean on) {
      this.dropLast = on;
      return this;
    }

    /** The shuffling seed. */
    public Builder seed(long value) {
      this.seed = value;
      return this;
    }

    /** The batches' shape: FLAT [B, F] (the default) or EXAMPLE [B, …exampleShape]. */
    public Builder layout(Layout value) {
      this.layout = value;
      return this;
    }

    /** Augments every example as it is gathered (training data, images only: see {@link Augmentation}). */
    public Builder augment(Augmentation value) {
      this.augmentation = value;
      return this;
    }

    /** Where batches are assembled; by default as the system property {@value BatchAssembly#PROPERTY} says. */
    public Builder assembly(BatchAssembly value) {
      this.assembly = value;
      return this;
    }

    /** A loader whose batches are tensors on {@code backend}. */
    public DataLoader build(Backend backend) {
      return new DataLoader(this, backend);
    }
  }
}
