package io.jgrad.data;

/**
 * The images of an IDX file: {@code count} images of {@code rows × cols} unsigned bytes, row-major, one
 * after another (count × rows × cols). {@code pixels} is the decoded array itself, not a copy.
 */
public record IdxImages(int rows, int cols, byte[] pixels) {
  public IdxImages {
    if (rows <= 0 || cols <= 0 || pixels.length % (rows * cols) != 0) {
      throw new IllegalArgumentException(pixels.length + " pixels are not whole " + rows + "x" + cols + " images");
    }
  }

  public int count() {
    return pixels.length / (rows * cols);
  }

  /** Pixels as floats in [0, 1] (byte / 255), in the same layout. */
  public float[] scaledToUnit() {
    float[] scaled = new float[pixels.length];
    for (int i = 0; i < pixels.length; i++) {
      scaled[i] = (pixels[i] & 0xff) / 255f;
    }
    return scaled;
  }
}
