package io.jgrad.train;

import io.jgrad.Tensor;
import io.jgrad.nn.Parameter;
import io.jgrad.optim.GradClip;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Per-layer gradient norms after each backward: warns once per layer when a layer's norm falls under {@link
 * #VANISHING} or rises above {@link #EXPLODING}, and reports whether every gradient is finite (the trainer skips the
 * step otherwise). A layer is a parameter's module path: "0.weight" and "0.bias" are layer "0".
 */
public final class GradNormMonitor {
  public static final double VANISHING = 1e-7;
  public static final double EXPLODING = 1e3;

  private static final Logger log = System.getLogger(GradNormMonitor.class.getName());

  private final Map<String, Parameter> params;
  private final Map<String, Double> norms = new LinkedHashMap<>();
  private final Set<String> warned = new HashSet<>();
  private final List<String> warnings = new ArrayList<>();

  public GradNormMonitor(Map<String, Parameter> params) {
    this.params = params;
  }

  /**
   * Measures every layer's gradient norm. Returns null when all are finite, otherwise the layers (in forward order)
   * whose gradients hold a NaN or an infinity.
   */
  public String inspect() {
    List<String> names = new ArrayList<>();
    List<Tensor> grads = new ArrayList<>();
    params.forEach((name, p) -> {
      if (p.grad() != null) {
        names.add(name);
        grads.add(p.grad());
      }
    });
    double[] sums = GradClip.sumsOfSquares(grads);
    Map<String, Double> squares = new LinkedHashMap<>();
    for (int i = 0; i < sums.length; i++) {
      squares.merge(layer(names.get(i)), sums[i], Double::sum);
    }
    Map<String, Double> layerNorms = new LinkedHashMap<>();
    squares.forEach((layer, sq) -> layerNorms.put(layer, Math.sqrt(sq)));
    return observe(layerNorms);
  }

  /**
   * Takes layer norms measured elsewhere (the device guard's, read once per refresh) as {@link #inspect()} takes its
   * own: warns about vanishing and exploding layers and makes them {@link #norms()}. Returns the non-finite layers as
   * {@link #inspect()} does.
   */
  String observe(Map<String, Double> layerNorms) {
    norms.clear();
    norms.putAll(layerNorms);
    return warnAbout(layerNorms);
  }

  /** Warns, once per layer, about the vanishing and exploding norms among these; returns the non-finite layers. */
  String warnAbout(Map<String, Double> layerNorms) {
    StringBuilder bad = new StringBuilder();
    layerNorms.forEach((layer, norm) -> {
      if (!Double.isFinite(norm)) {
        bad.append(bad.length() == 0 ? "" : ", ").append(layer);
      } else if (norm < VANISHING && warned.add(layer + "/vanishing")) {
        warn("vanishing gradient: layer " + layer + " has gradient norm " + norm + " (< " + VANISHING + ")");
      } else if (norm > EXPLODING && warned.add(layer + "/exploding")) {
        warn("exploding gradient: layer " + layer + " has gradient norm " + norm + " (> " + EXPLODING + ")");
      }
    });
    return bad.length() == 0 ? null : bad.toString();
  }

  private void warn(String message) {
    warnings.add(message);
    log.log(Level.WARNING, message);
  }

  /** Every warning given so far (each layer's vanishing or exploding gradient once), oldest first. */
  public List<String> warnings() {
    return List.copyOf(warnings);
  }

  /** The L2 norm of all gradients as one vector, from the last {@link #inspect()}'s layer norms. */
  public double globalNorm() {
    double squares = 0;
    for (double n : norms.values()) {
      squares += n * n;
    }
    return Math.sqrt(squares);
  }

  /** The norms measured by the last {@link #inspect()}, by layer, in forward order. */
  public Map<String, Double> norms() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(norms));
  }

  static String layer(String parameterName) {
    int dot = parameterName.lastIndexOf('.');
    return dot < 0 ? parameterName : parameterName.substring(0, dot);
  }
}
