package io.jgrad.examples;

import io.jgrad.Backend;
import io.jgrad.Generator;
import io.jgrad.nn.Activation;
import io.jgrad.nn.Dropout;
import io.jgrad.nn.Linear;
import io.jgrad.nn.Module;
import io.jgrad.nn.Sequential;
import java.util.ArrayList;
import java.util.List;

/**
 * The multi-layer perceptron {@code jgrad train} builds: [Linear, activation, Dropout] per hidden width, then Linear.
 */
public final class Mlp {
  private Mlp() {}

  /**
   * @param checkpointSegments 0 for a plain stack, else the number of checkpointed segments
   */
  public static Module build(Backend backend, int inputs, int[] hidden, String activation, double dropout, int classes,
      int checkpointSegments, Generator init, Generator dropoutRng) {
    List<Module> layers = new ArrayList<>();
    int width = inputs;
    for (int h : hidden) {
      layers.add(new Linear(backend, width, h, init));
      layers.add(Activation.named(activation));
      if (dropout > 0) {
        layers.add(new Dropout(dropout, dropoutRng));
      }
      width = h;
    }
    layers.add(new Linear(backend, width, classes, init));
    Sequential stack = new Sequential(layers.toArray(new Module[0]));
    return checkpointSegments > 0 ? stack.checkpointed(checkpointSegments) : stack;
  }
}
