package io.jgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class StandardizerTest {
  @Test
  void globalStatisticsComeFromTheTrainingSetOnly() {
    LabeledData train = new LabeledData(new float[] {1, 3, 5, 7}, new int[] {0, 1}, 2, 2);
    LabeledData test = new LabeledData(new float[] {4, 9}, new int[] {1}, 2, 2);
    Standardizer standardizer = new TrainTestSplit(train, test).standardize(1);
    double std = Math.sqrt(5);
    assertArrayEquals(new double[] {4}, standardizer.mean());
    assertArrayEquals(new double[] {std}, standardizer.std());
    assertArrayEquals(new float[] {(float) (-3 / std), (float) (-1 / std), (float) (1 / std), (float) (3 / std)}, train.features());
    assertArrayEquals(new float[] {0, (float) (5 / std)}, test.features());
  }

  @Test
  void channelsArePlanesOfEachExample() {
    // Two examples of two channels of two features: channel 0 is {1, 1, 3, 3}, channel 1 constant 5.
    LabeledData train = new LabeledData(new float[] {1, 1, 5, 5, 3, 3, 5, 5}, new int[] {0, 0}, 4, 1);
    Standardizer standardizer = Standardizer.fit(train, 2);
    assertArrayEquals(new double[] {2, 5}, standardizer.mean());
    assertArrayEquals(new double[] {1, 1}, standardizer.std());
    standardizer.applyInPlace(train);
    assertArrayEquals(new float[] {-1, -1, 0, 0, 1, 1, 0, 0}, train.features());
  }

  /**
   * The statistics and the standardised values bit for bit as the index loop computes them (each channel summed in
   * array order), on values whose double sums round differently in any other order.
   */
  @Test
  void statisticsAndValuesAreThoseOfTheIndexLoopBitForBit() {
    int rows = 37;
    int channels = 3;
    int featureSize = channels * 11;
    float[] x = new float[rows * featureSize];
    java.util.Random r = new java.util.Random(5);
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(9) - 4));
    }
    int plane = featureSize / channels;
    double[] mean = new double[channels];
    double[] std = new double[channels];
    for (int i = 0; i < x.length; i++) {
      mean[(i % featureSize) / plane] += x[i];
    }
    for (int c = 0; c < channels; c++) {
      mean[c] /= (double) rows * plane;
    }
    for (int i = 0; i < x.length; i++) {
      double d = x[i] - mean[(i % featureSize) / plane];
      std[(i % featureSize) / plane] += d * d;
    }
    float[] expected = new float[x.length];
    for (int c = 0; c < channels; c++) {
      std[c] = Math.sqrt(std[c] / ((double) rows * plane));
    }
    for (int i = 0; i < x.length; i++) {
      int c = (i % featureSize) / plane;
      expected[i] = (float) ((x[i] - mean[c]) / std[c]);
    }
    LabeledData data = new LabeledData(x, new int[rows], featureSize, 1);
    Standardizer fitted = Standardizer.fit(data, channels);
    assertArrayEquals(mean, fitted.mean(), 0.0);
    assertArrayEquals(std, fitted.std(), 0.0);
    fitted.applyInPlace(data);
    assertArrayEquals(expected, data.features(), 0f);
  }

  /**
   * A regression set's targets: each column its own statistics (columns (1, 3) and (10, 30): means 2 and 20, stds 1
   * and 10), and the inverse maps standardised values back.
   */
  @Test
  void targetColumnsAreStandardisedEachOnItsOwnAndMappedBack() {
    float[] targets = {1, 10, 3, 30};
    Standardizer s = Standardizer.fit(targets, 2, 2);
    assertArrayEquals(new double[] {2, 20}, s.mean());
    assertArrayEquals(new double[] {1, 10}, s.std());
    s.applyInPlace(targets);
    assertArrayEquals(new float[] {-1, -1, 1, 1}, targets);
    float[] outputs = {0.5f, -2, 0, 0};
    s.invertInPlace(outputs);
    assertArrayEquals(new float[] {2.5f, 0, 2, 20}, outputs);
  }

  @Test
  void rejectsChannelsThatDoNotDivideTheFeatures() {
    LabeledData data = new LabeledData(new float[3], new int[] {0}, 3, 1);
    assertThrows(IllegalArgumentException.class, () -> Standardizer.fit(data, 2));
  }
}
