package io.jgrad.data;

import io.jgrad.Tensor;

/**
 * One mini-batch on a backend: features B×F (float32) and labels B (int32), or a regression set's targets B×T
 * (float32). Closing it frees both.
 *
 * @param index the batch's position in its epoch
 */
public record Batch(Tensor features, Tensor labels, int index) implements AutoCloseable {
  public int size() {
    return labels.dim(0);
  }

  @Override
  public void close() {
    features.close();
    labels.close();
  }
}
