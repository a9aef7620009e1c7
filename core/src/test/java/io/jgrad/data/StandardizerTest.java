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

  @Test
  void rejectsChannelsThatDoNotDivideTheFeatures() {
    LabeledData data = new LabeledData(new float[3], new int[] {0}, 3, 1);
    assertThrows(IllegalArgumentException.class, () -> Standardizer.fit(data, 2));
  }
}
