package io.jgrad.interop;

import io.jgrad.data.LabeledData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/** Reads an nd4j/DL4J {@link DataSetIterator} into a {@link LabeledData}, for jgrad's {@code DataLoader}. */
public final class Nd4jDataSets {
  private Nd4jDataSets() {}

  /**
   * Every example of {@code iterator}, which is reset first where it supports it. Features B × … become rows of
   * float32 (extra dimensions flattened in c order). Labels are either B × C scores, one-hot or soft, whose class is
   * the row's argmax (numClasses = C), or one integer class index per example, B or B × 1 (numClasses = the largest
   * index + 1, so a class no example has past the largest is not counted).
   *
   * @throws IllegalArgumentException in one line naming the batch, for masks, shapes that change between batches,
   *     labels that are neither, or an iterator with no examples
   */
  public static LabeledData toLabeledData(DataSetIterator iterator) {
    if (iterator.resetSupported()) {
      iterator.reset();
    }
    List<float[]> features = new ArrayList<>();
    List<int[]> labels = new ArrayList<>();
    int featureSize = -1;
    int labelWidth = -1;
    for (int b = 0; iterator.hasNext(); b++) {
      DataSet batch = iterator.next();
      INDArray x = batch.getFeatures();
      INDArray y = batch.getLabels();
      if (batch.hasMaskArrays()) {
        throw batchError(b, "has mask arrays (sequence data); jgrad examples are fixed-size rows");
      }
      if (x.rank() < 2 || y.rank() < 1 || y.rank() > 2 || y.size(0) != x.size(0)) {
        throw batchError(b, "features " + Arrays.toString(x.shape()) + " and labels " + Arrays.toString(y.shape())
            + " are not B × … and B × C or B");
      }
      int f = Math.toIntExact(Arrays.stream(x.shape()).skip(1).reduce(1, Math::multiplyExact));
      int w = y.rank() == 2 ? Math.toIntExact(y.size(1)) : 1;
      if (b > 0 && (f != featureSize || w != labelWidth)) {
        throw batchError(b, "has " + f + " features and " + w + " label columns; batch 0 had " + featureSize
            + " and " + labelWidth);
      }
      featureSize = f;
      labelWidth = w;
      features.add(Nd4jTensors.rowMajor(x).data().asFloat());
      labels.add(classes(Nd4jTensors.rowMajor(y).data().asDouble(), w, b));
    }
    int[] allLabels = labels.stream().flatMapToInt(Arrays::stream).toArray();
    if (allLabels.length == 0) {
      throw new IllegalArgumentException("toLabeledData: the iterator has no examples");
    }
    int numClasses = labelWidth > 1 ? labelWidth : Arrays.stream(allLabels).max().getAsInt() + 1;
    return new LabeledData(concat(features, allLabels.length * featureSize), allLabels, featureSize, numClasses);
  }

  /** The class of each row of {@code y} (B × width, row-major): its argmax, or its value when width is 1. */
  private static int[] classes(double[] y, int width, int batch) {
    int[] out = new int[y.length / width];
    for (int i = 0; i < out.length; i++) {
      if (width == 1) {
        if (y[i] != Math.rint(y[i])) {
          throw batchError(batch, "label " + y[i] + " of example " + i + " is not a class index");
        }
        out[i] = (int) y[i];
      } else {
        int best = 0;
        for (int c = 1; c < width; c++) {
          if (y[i * width + c] > y[i * width + best]) {
            best = c;
          }
        }
        out[i] = best;
      }
    }
    return out;
  }

  private static float[] concat(List<float[]> parts, int length) {
    float[] out = new float[length];
    int at = 0;
    for (float[] part : parts) {
      System.arraycopy(part, 0, out, at, part.length);
      at += part.length;
    }
    return out;
  }

  private static IllegalArgumentException batchError(int batch, String what) {
    return new IllegalArgumentException("toLabeledData: batch " + batch + " " + what);
  }
}
