package io.jgrad.conformance;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jgrad.Backend;
import io.jgrad.spi.Buffer;
import io.jgrad.spi.Conv2dGeometry;
import io.jgrad.DType;
import io.jgrad.Window2d;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The convolution kernels of {@link Backend} (forward, backward to the input, backward to the weight and bias)
 * against float64 sums over every tap, at odd shapes, outputs poisoned with NaN.
 */
public abstract class ConvolutionConformance extends CnnConformance {
  /** Odd shapes, every option: padding, stride, dilation, groups (depthwise too), 1×1, and one large enough to tile. */
  private static final Conv2dGeometry[] CONVS = {
    new Conv2dGeometry(2, 3, 7, 5, 4, 1, Window2d.of(3, 1, 1)),
    new Conv2dGeometry(1, 4, 9, 8, 6, 2, new Window2d(3, 2, 2, 1, 1, 0, 2, 1)),
    new Conv2dGeometry(3, 1, 5, 5, 1, 1, Window2d.of(1, 1, 0)),
    new Conv2dGeometry(2, 3, 6, 7, 3, 3, Window2d.of(3, 2, 1)),
    new Conv2dGeometry(1, 2, 4, 3, 5, 1, Window2d.of(4, 1, 2)),
    new Conv2dGeometry(5, 16, 13, 11, 33, 1, Window2d.of(3, 1, 1)),
    new Conv2dGeometry(3, 6, 10, 9, 4, 2, Window2d.of(5, 2, 2)),
    // "Same" convolutions of stride 1 through im2col (more than 32 taps): dilated, a 1×3 window, and padding wider
    // than the image, where some taps see no input row or column at all.
    new Conv2dGeometry(2, 4, 7, 6, 3, 1, new Window2d(3, 3, 1, 1, 2, 2, 2, 2)),
    new Conv2dGeometry(1, 12, 4, 5, 2, 1, new Window2d(1, 3, 1, 1, 0, 1, 1, 1)),
    new Conv2dGeometry(2, 2, 3, 2, 3, 1, Window2d.of(5, 1, 2)),
    // Short columns of stride 1 on rows of 16 outputs or more (an image net's first layer): rows that are not a
    // multiple of a vector, dilation with uneven padding, rows of exactly 16, and a 2×2 kernel (4 taps: a whole block
    // of three and one more) on 9 output channels (blocks of four and of two, and one more), and three channels of
    // 2×2 (12 taps).
    new Conv2dGeometry(3, 1, 9, 29, 5, 1, Window2d.of(3, 1, 1)),
    new Conv2dGeometry(2, 1, 5, 20, 9, 1, Window2d.of(2, 1, 0)),
    new Conv2dGeometry(2, 3, 5, 18, 4, 1, Window2d.of(2, 1, 1)),
    new Conv2dGeometry(2, 3, 6, 37, 4, 1, new Window2d(3, 3, 1, 1, 1, 2, 2, 1)),
    new Conv2dGeometry(2, 2, 4, 16, 3, 1, Window2d.of(3, 1, 1)),
    // 3×3 windows of stride 1 on one or two channels and an even number of output channels (the CPU's weight gradient
    // from dy's rows): no padding, and a batch whose runs of samples exceed one group of eight.
    new Conv2dGeometry(2, 2, 9, 20, 2, 1, Window2d.of(3, 1, 0)),
    new Conv2dGeometry(130, 1, 4, 17, 6, 1, Window2d.of(3, 1, 1)),
    // Whole vectors of channels (the CPU's weight gradient from a channels-last copy): a "same" convolution, stride,
    // dilation and uneven padding over two panels and more, and more output positions than one K block of the CPU's
    // GEMM (2,256 on a 1×2 window); 16 and 48 channels, an odd number of 16-float vectors (a panel of 32 columns
    // spanning two taps, and the last ending past the columns), a ResNet's downsampling block on 16 of stride 2.
    new Conv2dGeometry(2, 32, 5, 6, 7, 1, Window2d.of(3, 1, 1)),
    new Conv2dGeometry(3, 16, 9, 7, 5, 1, Window2d.of(3, 2, 1)),
    new Conv2dGeometry(2, 48, 5, 4, 3, 1, Window2d.of(3, 1, 1)),
    new Conv2dGeometry(1, 64, 7, 6, 5, 1, new Window2d(3, 2, 2, 1, 1, 0, 2, 1)),
    new Conv2dGeometry(1, 32, 48, 48, 2, 1, new Window2d(1, 2, 1, 1, 0, 0, 1, 1)),
    // The CPU's direct convolutions (more than 32 taps, one group, planes that are no whole number of 32-wide GEMM
    // tiles and that they compute with little waste) beyond those above: a "same" 3×3 on 5 channels; stride 2 on an
    // odd width, and on even widths, whose planes are split into even and odd columns in vectors and a scalar tail,
    // with even and odd padding (the phases swap) and 9 output channels (a tile of 8 and one more); strides 2 and 1
    // with dilations 2 and 1; padding wider than the window reaches (3 for a 3×3), where rows keep their own padding
    // and the input gradient is no convolution of dy; dilation with uneven padding. The weight gradient of 16 channels
    // over a batch of 40 (runs of samples within each of 16 chunks), and of 32 channels into 40 outputs (five groups of
    // eight where vectors are 512 bits, the GEMM's below) and into 72 (the GEMM's).
    new Conv2dGeometry(2, 5, 12, 23, 9, 1, Window2d.of(3, 1, 1)),
    new Conv2dGeometry(1, 16, 15, 29, 4, 1, Window2d.of(3, 2, 1)),
    new Conv2dGeometry(1, 16, 24, 30, 5, 1, Window2d.of(3, 2, 1)),
    new Conv2dGeometry(1, 8, 10, 30, 9, 1, new Window2d(3, 5, 2, 2, 1, 2, 1, 1)),
    new Conv2dGeometry(1, 16, 13, 20, 3, 1, new Window2d(3, 2, 2, 1, 1, 0, 2, 1)),
    new Conv2dGeometry(2, 4, 5, 20, 3, 1, Window2d.of(3, 1, 3)),
    new Conv2dGeometry(1, 4, 9, 22, 3, 1, new Window2d(3, 3, 1, 1, 2, 1, 2, 1)),
    new Conv2dGeometry(40, 16, 5, 6, 8, 1, Window2d.of(3, 1, 1)),
    new Conv2dGeometry(1, 32, 6, 5, 40, 1, Window2d.of(3, 1, 1)),
    new Conv2dGeometry(1, 32, 6, 5, 72, 1, Window2d.of(3, 1, 1)),
    // The direct convolution's samples copied together, rows interleaved: a ResNet's 7×7 in runs of four and a last
    // run of one, and 14×14 in runs of eight with a last of three.
    new Conv2dGeometry(5, 16, 7, 7, 9, 1, Window2d.of(3, 1, 1)),
    new Conv2dGeometry(11, 4, 14, 14, 8, 1, Window2d.of(3, 1, 1)),
    // The CPU's input gradient of stride 2 through dx's four phases (a plane halved, rows of 24 and more): a ResNet's
    // downsampling 3×3 with samples side by side, a dilated 3×3 sample by sample, and a 2×2 window without padding.
    new Conv2dGeometry(2, 4, 6, 28, 5, 1, Window2d.of(3, 2, 1)),
    new Conv2dGeometry(1, 3, 8, 32, 2, 1, Window2d.of(3, 2, 2, 2)),
    new Conv2dGeometry(3, 5, 4, 24, 3, 1, Window2d.of(2, 2, 0)),
    // The CPU's weight gradient from dy's rows interleaved eight at a time (whole vectors of positions and a tail) in
    // tiles of three vectors of columns: a group of eight output channels and a group of four, three samples in one
    // run; a 1×5 window on 16 channels, five vectors of columns (a last tile of two).
    new Conv2dGeometry(3, 16, 12, 11, 12, 1, Window2d.of(3, 1, 1)),
    new Conv2dGeometry(2, 16, 6, 9, 10, 1, new Window2d(1, 5, 1, 1, 0, 2, 1, 1)),
  };

  protected ConvolutionConformance(BackendConformanceTest suite) {
    super(suite);
  }

  /** Every tap of a convolution as {output index, input index, weight index}: y[out] += w[weight]·x[in]. */
  private static List<int[]> convTaps(Conv2dGeometry g) {
    Window2d k = g.window();
    int oh = g.outHeight();
    int ow = g.outWidth();
    int cg = g.inChannels() / g.groups();
    int og = g.outChannels() / g.groups();
    List<int[]> taps = new ArrayList<>();
    for (int b = 0; b < g.batch(); b++) {
      for (int o = 0; o < g.outChannels(); o++) {
        for (int i = 0; i < oh; i++) {
          for (int j = 0; j < ow; j++) {
            for (int c = 0; c < cg; c++) {
              for (int p = 0; p < k.kernelH(); p++) {
                for (int q = 0; q < k.kernelW(); q++) {
                  int h = i * k.strideH() - k.padH() + p * k.dilationH();
                  int w = j * k.strideW() - k.padW() + q * k.dilationW();
                  if (h >= 0 && h < g.height() && w >= 0 && w < g.width()) {
                    int in = ((b * g.inChannels() + o / og * cg + c) * g.height() + h) * g.width() + w;
                    taps.add(new int[] {((b * g.outChannels() + o) * oh + i) * ow + j, in,
                      ((o * cg + c) * k.kernelH() + p) * k.kernelW() + q});
                  }
                }
              }
            }
          }
        }
      }
    }
    return taps;
  }

  @EachFloatType
  void conv2dForwardWithAndWithoutBias(DType dtype) {
    assumeSupported(dtype);
    for (Conv2dGeometry g : CONVS) {
      double[] x = values(dtype, (int) g.inputSize());
      double[] w = values(dtype, (int) g.weightSize());
      double[] bias = values(dtype, g.outChannels());
      for (boolean withBias : new boolean[] {true, false}) {
        double[] expected = new double[(int) g.outputSize()];
        double[] magnitude = new double[expected.length];
        int plane = g.outHeight() * g.outWidth();
        for (int out = 0; out < expected.length && withBias; out++) {
          expected[out] = bias[out / plane % g.outChannels()];
          magnitude[out] = Math.abs(expected[out]);
        }
        for (int[] t : convTaps(g)) {
          expected[t[0]] += w[t[2]] * x[t[1]];
          magnitude[t[0]] += Math.abs(w[t[2]] * x[t[1]]);
        }
        Buffer y = poisoned(dtype, expected.length);
        backend.conv2d(g, put(dtype, x), put(dtype, w), withBias ? put(dtype, bias) : null, y);
        tolerance().assertSumsClose(dtype, "conv2d " + g + (withBias ? " with bias" : ""), expected, magnitude,
            get(y));
      }
    }
  }

  @EachFloatType
  void conv2dBackwardInput(DType dtype) {
    assumeSupported(dtype);
    for (Conv2dGeometry g : CONVS) {
      double[] dy = values(dtype, (int) g.outputSize());
      double[] w = values(dtype, (int) g.weightSize());
      double[] expected = new double[(int) g.inputSize()];
      double[] magnitude = new double[expected.length];
      for (int[] t : convTaps(g)) {
        expected[t[1]] += dy[t[0]] * w[t[2]];
        magnitude[t[1]] += Math.abs(dy[t[0]] * w[t[2]]);
      }
      Buffer dx = poisoned(dtype, expected.length);
      backend.conv2dBackwardInput(g, put(dtype, dy), put(dtype, w), dx);
      tolerance().assertSumsClose(dtype, "conv2dBackwardInput " + g, expected, magnitude, get(dx));
    }
  }

  @EachFloatType
  void conv2dBackwardWeightAndBias(DType dtype) {
    assumeSupported(dtype);
    for (Conv2dGeometry g : CONVS) {
      double[] x = values(dtype, (int) g.inputSize());
      double[] dy = values(dtype, (int) g.outputSize());
      double[] expected = new double[(int) g.weightSize()];
      double[] magnitude = new double[expected.length];
      for (int[] t : convTaps(g)) {
        expected[t[2]] += dy[t[0]] * x[t[1]];
        magnitude[t[2]] += Math.abs(dy[t[0]] * x[t[1]]);
      }
      double[] expectedBias = new double[g.outChannels()];
      double[] biasMagnitude = new double[g.outChannels()];
      int plane = g.outHeight() * g.outWidth();
      for (int out = 0; out < dy.length; out++) {
        expectedBias[out / plane % g.outChannels()] += dy[out];
        biasMagnitude[out / plane % g.outChannels()] += Math.abs(dy[out]);
      }
      Buffer dw = poisoned(dtype, expected.length);
      Buffer dbias = poisoned(dtype, g.outChannels());
      backend.conv2dBackwardWeight(g, put(dtype, x), put(dtype, dy), dw, dbias);
      tolerance().assertSumsClose(dtype, "conv2dBackwardWeight " + g, expected, magnitude, get(dw));
      tolerance().assertSumsClose(dtype, "conv2dBackwardWeight bias " + g, expectedBias, biasMagnitude, get(dbias));
      Buffer dwOnly = poisoned(dtype, expected.length);
      backend.conv2dBackwardWeight(g, put(dtype, x), put(dtype, dy), dwOnly, null);
      tolerance().assertSumsClose(dtype, "conv2dBackwardWeight without bias " + g, expected, magnitude, get(dwOnly));
    }
  }

  @Test
  void conv2dBuffersOfTheWrongSizeAreErrors() {
    Conv2dGeometry g = CONVS[0];
    Buffer x = backend.allocate(DType.FLOAT32, g.inputSize());
    Buffer w = backend.allocate(DType.FLOAT32, g.weightSize() - 1);
    Buffer y = backend.allocate(DType.FLOAT32, g.outputSize());
    assertThrows(IllegalArgumentException.class, () -> backend.conv2d(g, x, w, null, y), "short weight");
    assertThrows(IllegalArgumentException.class, () -> backend.conv2dBackwardInput(g, y, w, x), "short weight");
  }
}
