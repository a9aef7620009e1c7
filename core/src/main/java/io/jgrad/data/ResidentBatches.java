package io.jgrad.data;

import static io.jgrad.internal.TensorAccess.buffer;

import io.jgrad.Backend;
import io.jgrad.DType;
import io.jgrad.Shape;
import io.jgrad.Tensor;
import io.jgrad.spi.Buffer;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * A dataset held in a backend's memory ({@link BatchAssembly#RESIDENT}, {@link BatchAssembly#AUTO}): features and
 * labels are read in place where the backend wraps host arrays ({@link Backend#wrap}: the CPU backends), else uploaded
 * once; each epoch reads its order in place or uploads it once, into a buffer of its own, and each batch is two {@link
 * Backend#gather} calls into tensors from the backend's pool, so the host neither copies rows twice nor waits for the
 * device. The batches equal the host loader's, row for row, also for iterators of several epochs read in turn.
 */
final class ResidentBatches implements AutoCloseable {
  private final Backend backend;
  private final int size;
  private final int featureSize;
  private final Buffer features;
  /** Class labels (int32), or a regression set's targets (float32, {@link #labelWidth} a row). */
  private final Buffer labels;
  /** 1 for class labels; targets per example for regression data. */
  private final int labelWidth;
  private final DType labelType;
  /** Whether features and labels wrap the data, and so each epoch's order wraps its array. */
  private final boolean inPlace;
  /**
   * The orders of epochs whose last batch has not been taken, each freed after it (an epoch's order is its own: two
   * epochs' iterators read in turn must not read one buffer); those of iterators left before their end, on close.
   */
  private final Set<Buffer> openOrders = Collections.newSetFromMap(new IdentityHashMap<>());

  /** Takes features and labels (freed on {@link #close}); {@code inPlace}: they wrap the data. */
  private ResidentBatches(Backend backend, LabeledData data, Buffer features, Buffer labels, boolean inPlace) {
    this.backend = backend;
    this.size = data.size();
    this.featureSize = data.featureSize();
    this.features = features;
    this.labels = labels;
    this.labelWidth = data.isRegression() ? data.targetSize() : 1;
    this.labelType = data.isRegression() ? DType.FLOAT32 : DType.INT32;
    this.inPlace = inPlace;
  }

  /** The data read in place by {@code backend}, or null where it cannot wrap host arrays (or there is no data). */
  static ResidentBatches inPlace(Backend backend, LabeledData data) {
    if (data.size() == 0) {
      return null;
    }
    Buffer f = backend.wrap(data.features());
    if (f == null) {
      return null;
    }
    Buffer l = data.isRegression() ? backend.wrap(data.targets()) : backend.wrap(data.labels());
    if (l == null) {
      backend.free(f);
      return null;
    }
    return new ResidentBatches(backend, data, f, l, true);
  }

  /**
   * The data read in place where {@code backend} can, else uploaded; null where the upload would take more than half
   * of the backend's free memory.
   */
  static ResidentBatches uploadIfItFits(Backend backend, LabeledData data) {
    ResidentBatches shared = inPlace(backend, data);
    if (shared != null) {
      return shared;
    }
    int width = data.isRegression() ? data.targetSize() : 1;
    long bytes = ((long) data.size() * (data.featureSize() + width) + data.size()) * Float.BYTES;
    if (data.size() == 0 || bytes > backend.memoryCapacity().freeBytes() / 2) {
      return null;
    }
    Buffer f = backend.allocate(DType.FLOAT32, (long) data.size() * data.featureSize());
    Buffer l = null;
    try {
      backend.upload(f, data.features());
      if (data.isRegression()) {
        l = backend.allocate(DType.FLOAT32, (long) data.size() * width);
        backend.upload(l, data.targets());
      } else {
        l = backend.allocate(DType.INT32, data.size());
        backend.upload(l, data.labels());
      }
    } catch (RuntimeException e) {
      backend.free(f);
      if (l != null) {
        backend.free(l);
      }
      throw e;
    }
    return new ResidentBatches(backend, data, f, l, false);
  }

  /**
   * The batches of one epoch in {@code epochOrder}, from batch {@code first} to {@code count} − 1; each batch's
   * tensors are created in the caller's current scope, shaped by {@code shape} (rows ↦ feature dims).
   */
  Iterator<Batch> epoch(int[] epochOrder, int first, int count, int batchSize, IntFunction<int[]> shape) {
    if (first >= count) {
      return Collections.emptyIterator();
    }
    Buffer indices;
    if (inPlace) {
      indices = backend.wrap(epochOrder); // a view: left unfreed by an iterator not run to its end, it holds no memory
    } else {
      indices = backend.allocate(DType.INT32, size);
      try {
        backend.upload(indices, epochOrder);
      } catch (RuntimeException e) {
        backend.free(indices);
        throw e;
      }
      openOrders.add(indices);
    }
    return new Iterator<>() {
      private int next = first;

      @Override
      public boolean hasNext() {
        return next < count;
      }

      @Override
      public Batch next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        int index = next++;
        long from = (long) index * batchSize;
        int rows = (int) Math.min(batchSize, size - from);
        Tensor x = Tensor.empty(backend, DType.FLOAT32, Shape.of(shape.apply(rows)));
        Tensor y;
        try {
          y = Tensor.empty(backend, labelType, labelType == DType.INT32 ? Shape.of(rows) : Shape.of(rows, labelWidth));
        } catch (RuntimeException e) {
          x.close();
          throw e;
        }
        backend.gather(features, featureSize, indices, from, rows, buffer(x));
        backend.gather(labels, labelWidth, indices, from, rows, buffer(y));
        if (next == count) {
          // On a device, stream order keeps this safe: the gathers queued above read indices before any later reuse.
          openOrders.remove(indices);
          backend.free(indices);
        }
        return new Batch(x, y, index);
      }
    };
  }

  @Override
  public void close() {
    backend.free(features);
    backend.free(labels);
    openOrders.forEach(backend::free);
    openOrders.clear();
  }
}
