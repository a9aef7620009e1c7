package io.jgrad.examples;

import io.jgrad.nn.BatchNorm1d;
import io.jgrad.nn.BatchNorm2d;
import io.jgrad.nn.LayerNorm;
import io.jgrad.nn.Module;
import io.jgrad.nn.Parameter;
import io.jgrad.nn.Sequential;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code train --freeze K}: the first K layers with weights of a network kept as they are ({@link Module#freeze()})
 * while the layers after them train. A layer with weights is a Linear or a convolution; a norm belongs to the layer
 * before it, so a CNN's block freezes with its batch norm.
 */
final class FrozenLayers {
  private FrozenLayers() {}

  /**
   * Freezes the first {@code count} layers of {@code network}; returns the elements left to train.
   *
   * @throws IllegalArgumentException naming --freeze where {@code count} leaves no layer to train
   */
  static long freezeFirst(Sequential network, int count) {
    List<List<Module>> layers = layers(network);
    if (count >= layers.size()) {
      throw new IllegalArgumentException("--freeze " + count + " leaves nothing to train: the network has "
          + layers.size() + " layers with weights; give at most " + (layers.size() - 1));
    }
    layers.subList(0, count).forEach(layer -> layer.forEach(Module::freeze));
    return network.parameters().stream().filter(Parameter::requiresGrad).mapToLong(p -> p.value().size()).sum();
  }

  /** The network's children with parameters, a layer each, a norm joined to the layer before it. */
  private static List<List<Module>> layers(Sequential network) {
    List<List<Module>> layers = new ArrayList<>();
    for (Module m : network.children().values()) {
      if (m.namedParameters().isEmpty()) {
        continue;
      }
      boolean norm = m instanceof BatchNorm1d || m instanceof BatchNorm2d || m instanceof LayerNorm;
      if (norm && !layers.isEmpty()) {
        layers.get(layers.size() - 1).add(m);
      } else {
        layers.add(new ArrayList<>(List.of(m)));
      }
    }
    return layers;
  }
}
