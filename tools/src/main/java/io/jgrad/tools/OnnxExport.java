package io.jgrad.tools;

import io.jgrad.Conv2dOptions;
import io.jgrad.Tensor;
import io.jgrad.Window2d;
import io.jgrad.io.AtomicFiles;
import io.jgrad.nn.Activation;
import io.jgrad.nn.AdaptiveAvgPool2d;
import io.jgrad.nn.BasicBlock;
import io.jgrad.nn.BatchNorm2d;
import io.jgrad.nn.Conv2d;
import io.jgrad.nn.Dropout;
import io.jgrad.nn.Flatten;
import io.jgrad.nn.Linear;
import io.jgrad.nn.MaxPool2d;
import io.jgrad.nn.Module;
import io.jgrad.nn.Parameter;
import io.jgrad.nn.Sequential;
import io.jgrad.nn.Unflatten;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A model file as an ONNX model, for ONNX Runtime, TensorRT, OpenVINO, a browser: the network in inference mode with
 * what {@link Predictor} does around it, so that the ONNX model takes the raw inputs {@code predict} takes and gives
 * what it prints.
 *
 * <p>The graph: input {@code input}, float [N, …the model's input shape] (pixels in [0, 1] as [N, C, H, W] for images,
 * the features in the recorded order for a table, text columns one-hot encoded, NaN where a value is missing if the
 * model was trained with imputation); its fill values (IsNaN, Where); the training set's standardisation (Sub, Div);
 * the layers (Gemm with transB, Conv, BatchNormalization with the running statistics, MaxPool, a residual block's
 * Add, GlobalAveragePool, Flatten, the activations, GELU in its tanh form as jgrad computes it; Dropout left out);
 * then {@code logits} and {@code probabilities} (Softmax) for a classifier, each label's {@code probabilities}
 * (Sigmoid) beside the {@code logits} for a multi-label model, or {@code value} in the target's units for a
 * regression model. The model file's metadata (classes, input columns, standardisation) is carried as the ONNX
 * model's metadata_props. Operator set 13 (ONNX 1.8, IR version 7), which runtimes from 2020 on load.
 */
public final class OnnxExport {
  /** The ONNX operator set written: every operator used here has had its present meaning since. */
  public static final int OPSET = 13;
  private static final int IR_VERSION = 7;
  private static final int FLOAT = 1;
  private static final int INT64 = 7;
  private static final int ATTRIBUTE_FLOAT = 1;
  private static final int ATTRIBUTE_INT = 2;
  private static final int ATTRIBUTE_INTS = 7;

  private final List<Protobuf> nodes = new ArrayList<>();
  private final List<Protobuf> initializers = new ArrayList<>();
  private int nextName;

  private OnnxExport() {}

  /** Writes the ONNX model of {@code predictor}'s model file to {@code target}, atomically. */
  public static void write(Predictor predictor, Path target) throws IOException {
    byte[] model = of(predictor.description(), predictor.model());
    AtomicFiles.write(target, out -> out.write(model));
  }

  /**
   * The ONNX model's bytes.
   *
   * @param model the network {@code description} builds, its weights loaded
   * @throws IllegalArgumentException naming a layer ONNX is not given for here
   */
  public static byte[] of(ModelFile description, Module model) {
    if (!(model instanceof Sequential layers)) {
      throw new IllegalArgumentException("ONNX export takes a Sequential network, not a "
          + model.getClass().getSimpleName());
    }
    OnnxExport graph = new OnnxExport();
    int[] inputShape = description.architecture().inputShape();
    String x = graph.standardised(graph.filled("input", description.fill()), inputShape, description.mean(),
        description.std());
    int rank = inputShape.length + 1;
    for (int i = 0; i < layers.size(); i++) {
      Module layer = layers.get(i);
      if (layer instanceof Linear && rank != 2) {
        x = graph.node("Flatten", List.of(x), Attribute.integer("axis", 1));
        rank = 2;
      }
      x = graph.layer(i, layer, x);
      rank = layer instanceof Flatten ? 2 : layer instanceof Unflatten u ? u.shape().length + 1 : rank;
    }
    List<String> outputs = new ArrayList<>();
    if (description.isRegression()) {
      double[] scale = description.targetScale().std();
      double[] shift = description.targetScale().mean();
      String scaled = graph.node("Mul", List.of(x, graph.constant("target_std", new int[] {scale.length},
          floats(scale))));
      graph.node("Add", List.of(scaled, graph.constant("target_mean", new int[] {shift.length}, floats(shift))),
          "value");
      outputs.add("value");
    } else if (description.isMultiLabel()) {
      graph.node("Identity", List.of(x), "logits");
      graph.node("Sigmoid", List.of("logits"), "probabilities");
      outputs.add("logits");
      outputs.add("probabilities");
    } else {
      graph.node("Identity", List.of(x), "logits");
      // A calibrated model's probabilities are those of its logits divided by its temperature, as predict's.
      String scores = description.temperature() == 1 ? "logits" : graph.node("Div", List.of("logits",
          graph.constant("temperature", new int[] {1}, new float[] {(float) description.temperature()})));
      graph.node("Softmax", List.of(scores), "probabilities", Attribute.integer("axis", 1));
      outputs.add("logits");
      outputs.add("probabilities");
    }
    return graph.model(inputShape, outputs, description.architecture().classes(), description.metadata());
  }

  /**
   * x with each NaN feature replaced by its fill value (Where, IsNaN), where the model fills missing values ({@link
   * ModelFile#fill}): a table's missing number, and a missing category as NaN in each of its column's features.
   */
  private String filled(String x, float[] fill) {
    if (fill.length == 0) {
      return x;
    }
    String missing = node("IsNaN", List.of(x));
    return node("Where", List.of(missing, constant("input_fill", new int[] {fill.length}, fill), x));
  }

  /** (x − mean) / std per channel (an image's plane, or a table's column), as {@link Predictor} standardises. */
  private String standardised(String x, int[] inputShape, double[] mean, double[] std) {
    if (mean == null || mean.length == 0) {
      return x;
    }
    // The statistics broadcast over the dimensions after the channel: [C, 1, 1] for images, [F] for a table.
    int[] dims = new int[inputShape.length];
    Arrays.fill(dims, 1);
    dims[0] = mean.length;
    String centred = node("Sub", List.of(x, constant("input_mean", dims, floats(mean))));
    return node("Div", List.of(centred, constant("input_std", dims, floats(std))));
  }

  private String layer(int i, Module layer, String x) {
    String name = Integer.toString(i);
    if (layer instanceof Linear linear) {
      List<String> in = new ArrayList<>(List.of(x, parameter(name + ".weight", linear.weight())));
      if (linear.bias() != null) {
        in.add(parameter(name + ".bias", linear.bias()));
      }
      return node("Gemm", in, Attribute.integer("transB", 1));
    }
    if (layer instanceof Activation activation) {
      return activation(activation, x);
    }
    if (layer instanceof Dropout) {
      return x; // the identity in inference
    }
    if (layer instanceof Conv2d conv) {
      return conv(name, conv, x);
    }
    if (layer instanceof BatchNorm2d norm) {
      return batchNorm(name, norm, x);
    }
    if (layer instanceof BasicBlock block) {
      String h = node("Relu", List.of(batchNorm(name + ".bn1", block.bn1(), conv(name + ".conv1", block.conv1(), x))));
      String y = batchNorm(name + ".bn2", block.bn2(), conv(name + ".conv2", block.conv2(), h));
      Sequential down = block.downsample();
      String shortcut = down == null ? x : batchNorm(name + ".downsample.1", (BatchNorm2d) down.get(1),
          conv(name + ".downsample.0", (Conv2d) down.get(0), x));
      return node("Relu", List.of(node("Add", List.of(y, shortcut))));
    }
    if (layer instanceof AdaptiveAvgPool2d) {
      return node("GlobalAveragePool", List.of(x));
    }
    if (layer instanceof MaxPool2d pool) {
      Window2d w = pool.window();
      if (w.dilationH() != 1 || w.dilationW() != 1) {
        throw new IllegalArgumentException("ONNX export: a dilated max-pool (" + w + ") is not exported");
      }
      return node("MaxPool", List.of(x), Attribute.ints("kernel_shape", w.kernelH(), w.kernelW()),
          Attribute.ints("strides", w.strideH(), w.strideW()), Attribute.ints("pads", w.padH(), w.padW(), w.padH(),
          w.padW()));
    }
    if (layer instanceof Flatten) {
      return node("Flatten", List.of(x), Attribute.integer("axis", 1));
    }
    if (layer instanceof Unflatten unflatten) {
      return node("Reshape", List.of(x, int64s(name + ".shape", batched(-1, unflatten.shape()))));
    }
    throw new IllegalArgumentException("ONNX export: layer " + i + " (" + layer.getClass().getSimpleName()
        + ") has no ONNX form here");
  }

  private String conv(String name, Conv2d conv, String x) {
    List<String> in = new ArrayList<>(List.of(x, parameter(name + ".weight", conv.weight())));
    if (conv.bias() != null) {
      in.add(parameter(name + ".bias", conv.bias()));
    }
    Conv2dOptions o = conv.options();
    long[] kernel = Arrays.stream(conv.weight().value().shape().dims()).skip(2).mapToLong(d -> d).toArray();
    return node("Conv", in, Attribute.ints("kernel_shape", kernel), Attribute.ints("strides", o.strideH(), o.strideW()),
        Attribute.ints("pads", o.padH(), o.padW(), o.padH(), o.padW()),
        Attribute.ints("dilations", o.dilationH(), o.dilationW()), Attribute.integer("group", o.groups()));
  }

  /** Inference's batch norm, with the running statistics. */
  private String batchNorm(String name, BatchNorm2d norm, String x) {
    Map<String, Parameter> p = norm.namedParameters();
    return node("BatchNormalization", List.of(x, parameter(name + ".weight", p.get("weight")),
        parameter(name + ".bias", p.get("bias")), parameter(name + ".running_mean", norm.runningMean()),
        parameter(name + ".running_var", norm.runningVar())), Attribute.real("epsilon", BatchNorm2d.EPS));
  }

  private String activation(Activation activation, String x) {
    return switch (activation.op()) {
      case RELU -> node("Relu", List.of(x));
      case LEAKY_RELU -> node("LeakyRelu", List.of(x), Attribute.real("alpha", activation.alpha()));
      case ELU -> node("Elu", List.of(x), Attribute.real("alpha", activation.alpha()));
      case TANH -> node("Tanh", List.of(x));
      case SIGMOID -> node("Sigmoid", List.of(x));
      case GELU -> {
        // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), the form jgrad's kernels compute (PyTorch's approximate="tanh")
        String cube = node("Mul", List.of(x, node("Mul", List.of(x, x))));
        String inner = node("Add", List.of(x, node("Mul", List.of(cube, scalar(0.044715)))));
        String t = node("Tanh", List.of(node("Mul", List.of(inner, scalar(Math.sqrt(2 / Math.PI))))));
        yield node("Mul", List.of(node("Mul", List.of(x, scalar(0.5))), node("Add", List.of(t, scalar(1)))));
      }
      default -> throw new IllegalArgumentException("ONNX export: the activation " + activation.op()
          + " is not exported");
    };
  }

  /** An operator's attribute: a name and a value of one of three kinds. */
  private record Attribute(String name, int type, double real, long[] ints) {
    static Attribute integer(String name, long value) {
      return new Attribute(name, ATTRIBUTE_INT, 0, new long[] {value});
    }

    static Attribute ints(String name, long... values) {
      return new Attribute(name, ATTRIBUTE_INTS, 0, values);
    }

    static Attribute ints(String name, int... values) {
      return ints(name, Arrays.stream(values).mapToLong(v -> v).toArray());
    }

    static Attribute real(String name, double value) {
      return new Attribute(name, ATTRIBUTE_FLOAT, value, null);
    }

    Protobuf proto() {
      Protobuf a = new Protobuf().string(1, name).varint(20, type);
      switch (type) {
        case ATTRIBUTE_FLOAT -> a.fixed32(2, Float.floatToRawIntBits((float) real));
        case ATTRIBUTE_INT -> a.varint(3, ints[0]);
        default -> Arrays.stream(ints).forEach(v -> a.varint(8, v));
      }
      return a;
    }
  }

  private String node(String op, List<String> inputs, Attribute... attributes) {
    return node(op, inputs, op.toLowerCase(Locale.ROOT) + "_" + nextName++, attributes);
  }

  private String node(String op, List<String> inputs, String output, Attribute... attributes) {
    Protobuf n = new Protobuf();
    inputs.forEach(in -> n.string(1, in));
    n.string(2, output).string(3, output).string(4, op);
    for (Attribute a : attributes) {
      n.message(5, a.proto());
    }
    nodes.add(n);
    return output;
  }

  private String parameter(String name, Parameter p) {
    return parameter(name, p.value());
  }

  private String parameter(String name, Tensor t) {
    return constant(name, t.shape().dims(), t.toFloatArray());
  }

  private String scalar(double value) {
    return constant("c" + nextName++, new int[0], new float[] {(float) value});
  }

  private String constant(String name, int[] dims, float[] values) {
    ByteBuffer raw = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    raw.asFloatBuffer().put(values);
    tensor(name, Arrays.stream(dims).mapToLong(d -> d).toArray(), FLOAT, raw.array());
    return name;
  }

  private String int64s(String name, long[] values) {
    ByteBuffer raw = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    raw.asLongBuffer().put(values);
    tensor(name, new long[] {values.length}, INT64, raw.array());
    return name;
  }

  private void tensor(String name, long[] dims, int type, byte[] raw) {
    Protobuf t = new Protobuf();
    for (long d : dims) {
      t.varint(1, d);
    }
    initializers.add(t.varint(2, type).string(8, name).bytes(9, raw));
  }

  private static float[] floats(double[] values) {
    float[] f = new float[values.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) values[i];
    }
    return f;
  }

  private byte[] model(int[] inputShape, List<String> outputs, int width, Map<String, String> metadata) {
    Protobuf graph = new Protobuf();
    nodes.forEach(n -> graph.message(1, n));
    graph.string(2, "jgrad");
    initializers.forEach(t -> graph.message(5, t));
    graph.message(11, valueInfo("input", batched(0, inputShape)));
    for (String out : outputs) {
      graph.message(12, valueInfo(out, new long[] {0, width}));
    }
    Protobuf model = new Protobuf().varint(1, IR_VERSION).string(2, "jgrad").string(3, "0.1.0")
        .message(7, graph).message(8, new Protobuf().string(1, "").varint(2, OPSET));
    metadata.forEach((k, v) -> model.message(14, new Protobuf().string(1, k).string(2, v)));
    return model.toByteArray();
  }

  /** {@code shape} after a leading batch dimension {@code batch} (0: symbolic in a value's shape; −1: Reshape's "any"). */
  private static long[] batched(long batch, int[] shape) {
    long[] dims = new long[shape.length + 1];
    dims[0] = batch;
    for (int d = 0; d < shape.length; d++) {
      dims[d + 1] = shape[d];
    }
    return dims;
  }

  /** A float tensor's name and shape; a 0 in {@code dims} is the batch, left symbolic as "N". */
  private static Protobuf valueInfo(String name, long[] dims) {
    Protobuf shape = new Protobuf();
    for (long d : dims) {
      shape.message(1, d == 0 ? new Protobuf().string(2, "N") : new Protobuf().varint(1, d));
    }
    Protobuf tensor = new Protobuf().varint(1, FLOAT).message(2, shape);
    return new Protobuf().string(1, name).message(2, new Protobuf().message(1, tensor));
  }
}
