package io.jgrad.data;

import static io.jgrad.internal.TensorAccess.buffer;

import io.jgrad.Backend;
import io.jgrad.DType;
import io.jgrad.Shape;
import io.jgrad.Tensor;
import io.jgrad.spi.Buffer;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.IntFunction;

/**
 * A dataset held in a backend's memory ({@link BatchAssembly#RESIDENT}, {@link BatchAssembly#AUTO}): features and
 * labels are read in place where the backend wraps host arrays ({@link Backend#wrap}: the CPU backends), else uploaded
 * once; each epoch uploads its order once, and each batch is two {@link Backend#gather} calls into tensors from the
 * backend's pool, so the host neither copies rows twice nor waits for the device. The batches equal the host loader's,
 * row for row.
 */
final class ResidentBatches implements AutoCloseable {
  private final Backend backend;
  private final int size;
  private final int featureSize;
  private final Buffer features;
  private final Buffer labels;
  /** The buffer each epoch's order is uploaded into; null where the data is read in place (see {@link #epoch}). */
  private final Buffer order;

  /**
   * Takes features and labels (freed on {@link #close}, or here where the order's buffer cannot be allocated);
   * {@code inPlace}: they wrap the data, and so will each epoch's order.
   */
  private ResidentBatches(Backend backend, LabeledData data, Buffer features, Buffer labels, boolean inPlace) {
    this.backend = backend;
    this.size = data.size();
    this.featureSize = data.featureSize();
    try {
      this.order = inPlace ? null : backend.allocate(DType.INT32, size);
    } catch (RuntimeException e) {
      backend.free(features);
      backend.free(labels);
      throw e;
    }
    this.features = features;
    this.labels = labels;
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
    Buffer l = backend.wrap(data.labels());
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
    long bytes = ((long) data.size() * data.featureSize() + 2L * data.size()) * Float.BYTES;
    if (data.size() == 0 || bytes > backend.memoryCapacity().freeBytes() / 2) {
      return null;
    }
    Buffer f = backend.allocate(DType.FLOAT32, (long) data.size() * data.featureSize());
    Buffer l = null;
    try {
      backend.upload(f, data.features());
      l = backend.allocate(DType.INT32, data.size());
      backend.upload(l, data.labels());
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
    Buffer indices;
    if (order == null) {
      // In place, the epoch reads its own order array: iterators of two epochs never share one, as on the host path.
      // The view is freed after the epoch's last batch (one left behind by an iterator not run to its end holds none
      // of the backend's memory).
      indices = backend.wrap(epochOrder);
    } else {
      // Stream order makes this safe on a device: the previous epoch's gathers, queued before, still read the old order.
      backend.upload(order, epochOrder);
      indices = order;
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
          y = Tensor.empty(backend, DType.INT32, Shape.of(rows));
        } catch (RuntimeException e) {
          x.close();
          throw e;
        }
        backend.gather(features, featureSize, indices, from, rows, buffer(x));
        backend.gather(labels, 1, indices, from, rows, buffer(y));
        if (indices != order && next == count) {
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
    if (order != null) {
      backend.free(order);
    }
  }
}
