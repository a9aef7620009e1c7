package io.jgrad.nn;

import io.jgrad.Checkpoint;
import io.jgrad.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Sequential} run in k segments with gradient checkpointing: every segment but the last keeps only its input
 * and is recomputed in backward (the last would be recomputed at once, so it runs normally, as in PyTorch's
 * checkpoint_sequential). Peak activation memory falls from n layers' worth to about k + n/k; the price is one more
 * forward of all but the last segment. Parameter names are the plain stack's ("0.weight"), so checkpoints are
 * interchangeable.
 */
public final class CheckpointedSequential extends Module {
  private final List<Sequential> segments = new ArrayList<>();

  CheckpointedSequential(Sequential stack, int k) {
    int n = stack.size();
    if (k < 1 || k > n) {
      throw new IllegalArgumentException("checkpoint segments must be in [1, " + n + "] for " + n + " layers, got "
          + k);
    }
    List<Module> layers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      layers.add(stack.get(i));
      registerModule(Integer.toString(i), stack.get(i));
    }
    int from = 0;
    for (int s = 1; s <= k; s++) {
      // At most n: a pair kept whole may already have taken the layers this segment would have had.
      int to = s == k ? n : Math.min(n, Math.max(from + 1, (int) Math.round((double) s * n / k)));
      // Never split a pair that runs as one op (a Linear and its activation, batch norm and its pooling).
      while (to < n && Sequential.fuses(layers.get(to - 1), layers.get(to))) {
        to++;
      }
      if (from < to) {
        segments.add(new Sequential(layers.subList(from, to).toArray(new Module[0])));
      }
      from = to;
    }
  }

  @Override
  protected String settings() {
    return "segments=" + segments.size();
  }

  /** How many segments the stack was cut into. */
  public int segments() {
    return segments.size();
  }

  @Override
  public Tensor forward(Tensor x) {
    Tensor h = x;
    for (int s = 0; s < segments.size(); s++) {
      Sequential segment = segments.get(s);
      boolean last = s == segments.size() - 1;
      h = last ? segment.forward(h) : Checkpoint.apply(segment::forward, h);
    }
    return h;
  }
}
