package io.jgrad.train;

import io.jgrad.Tensor;
import io.jgrad.data.DataLoader;

/**
 * A batch's place in the group of batches whose gradients add up before one optimizer step ({@link
 * Trainer#accumulate}): whether it opens the group (the gradients are zeroed first) and closes it (the step follows
 * it), and the examples of the whole group. Each batch's mean loss counts by its share of those examples, so the group
 * steps as one batch of all of them would, the epoch's last and shorter group included.
 */
record AccumulationPart(boolean opens, boolean closes, int groupExamples) {
  /** A batch stepped on alone. */
  static AccumulationPart whole(int examples) {
    return new AccumulationPart(true, true, examples);
  }

  /** Batch {@code index} of {@code train}'s epochs, in groups of {@code batches}. */
  static AccumulationPart of(DataLoader train, int index, int batches) {
    int first = index - index % batches;
    int last = Math.min(first + batches, train.batchesPerEpoch()) - 1;
    int examples = 0;
    for (int b = first; b <= last; b++) {
      examples += train.batchRows(b);
    }
    return new AccumulationPart(index == first, index == last, examples);
  }

  /**
   * A batch's mean loss as its part of the group's: times its share of the group's examples; the loss itself for a
   * batch alone (no op, so that a step without accumulation runs as it always has).
   */
  Tensor weigh(Tensor batchLoss, int examples) {
    return examples == groupExamples ? batchLoss : batchLoss.mul((double) examples / groupExamples);
  }
}
