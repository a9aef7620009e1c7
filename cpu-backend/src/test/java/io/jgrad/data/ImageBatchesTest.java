package io.jgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.Backend;
import io.jgrad.Backends;
import io.jgrad.testing.ReferenceBackendTest;
import java.util.Arrays;
import java.util.Iterator;
import org.junit.jupiter.api.Test;

/** Image batches keep [B, C, H, W] when asked, and seeded augmentation crops and flips them without touching the data. */
class ImageBatchesTest extends ReferenceBackendTest {
  /** 6 images [2, 3, 4]: element value = 1000·example + index, so every pixel says where it came from. */
  private static LabeledData images() {
    float[] x = new float[6 * 24];
    for (int i = 0; i < x.length; i++) {
      x[i] = 1000 * (i / 24) + i % 24 + 1;
    }
    return new LabeledData(x, new int[] {0, 1, 2, 0, 1, 2}, 24, 3, new int[] {2, 3, 4});
  }

  @Test
  void batchesAreFlatByDefaultAndKeepTheImageShapeInExampleLayout() {
    try (DataLoader flat = DataLoader.builder(images()).batchSize(4).build(backend);
        DataLoader shaped = DataLoader.builder(images()).batchSize(4).layout(DataLoader.Layout.EXAMPLE).build(backend)) {
      assertArrayEquals(new int[] {4, 24}, flat.epoch(0).next().features().shape().dims());
      Batch b = shaped.epoch(0).next();
      assertArrayEquals(new int[] {4, 2, 3, 4}, b.features().shape().dims());
      assertEquals(images().features()[30], b.features().toFloatArray()[30]);
    }
  }

  @Test
  void augmentationIsSeededPerExampleEpochAndSeedAndLeavesTheDataAlone() {
    LabeledData data = images();
    float[] before = data.features().clone();
    Augmentation aug = new Augmentation(1, true);
    float[] epoch0 = all(data, aug, 7, 0, backend);
    assertArrayEquals(epoch0, all(data, aug, 7, 0, backend), "same seed and epoch");
    assertFalse(Arrays.equals(epoch0, all(data, aug, 7, 1, backend)), "another epoch draws anew");
    assertFalse(Arrays.equals(epoch0, all(data, aug, 8, 0, backend)), "another seed draws anew");
    try (Backend cpu = Backends.create("cpu")) {
      assertArrayEquals(epoch0, all(data, aug, 7, 0, cpu), "the same on every backend");
    }
    assertArrayEquals(before, data.features(), "the dataset is never modified");
    // Each augmented example holds only its own pixels (or padding zeros), shifted by at most one and maybe mirrored.
    for (int e = 0; e < 6; e++) {
      for (int i = 0; i < 24; i++) {
        float v = epoch0[e * 24 + i];
        assertTrue(v == 0 || (int) (v - 1) / 1000 == e, "example " + e + " element " + i + " is " + v);
      }
    }
    assertArrayEquals(data.features(), all(data, Augmentation.NONE, 7, 0, backend), "NONE copies");
  }

  @Test
  void aFlipAloneMirrorsEachRowOrLeavesIt() {
    LabeledData data = images();
    float[] out = all(data, new Augmentation(0, true), 3, 0, backend);
    int flipped = 0;
    for (int e = 0; e < 6; e++) {
      boolean mirrored = out[e * 24] == data.features()[e * 24 + 3];
      flipped += mirrored ? 1 : 0;
      for (int row = 0; row < 6; row++) {
        for (int x = 0; x < 4; x++) {
          assertEquals(data.features()[e * 24 + row * 4 + (mirrored ? 3 - x : x)], out[e * 24 + row * 4 + x]);
        }
      }
    }
    assertTrue(flipped > 0 && flipped < 6, flipped + " of 6 flipped");
  }

  @Test
  void augmentationNeedsImages() {
    LabeledData flat = new LabeledData(new float[6], new int[] {0, 1, 0}, 2, 2);
    DataLoader.Builder builder = DataLoader.builder(flat).batchSize(2).augment(Augmentation.CROP_AND_FLIP);
    assertThrows(IllegalArgumentException.class, () -> builder.build(backend));
  }

  /** Every example of epoch {@code epoch}, in dataset order (no shuffle), as one array. */
  private static float[] all(LabeledData data, Augmentation aug, long seed, int epoch, Backend on) {
    float[] out = new float[data.features().length];
    try (DataLoader loader = DataLoader.builder(data).batchSize(4).seed(seed).augment(aug).build(on)) {
      int at = 0;
      for (Iterator<Batch> it = loader.epoch(epoch); it.hasNext(); ) {
        try (Batch b = it.next()) {
          float[] f = b.features().toFloatArray();
          System.arraycopy(f, 0, out, at, f.length);
          at += f.length;
        }
      }
    }
    return out;
  }
}
