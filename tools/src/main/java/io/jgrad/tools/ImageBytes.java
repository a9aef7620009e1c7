package io.jgrad.tools;

import io.jgrad.io.InvalidFileException;
import io.jgrad.io.IoErrors;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Objects;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStreamImpl;

/**
 * An image file read into pixel planes ({@link #planes}): its bytes in memory as the stream javax.imageio decodes from,
 * the header's size checked before the pixels are decoded, then scaled and laid out channel by channel. ImageIO's own
 * stream over a file reads it a few bytes at a time (a 28×28 PNG decoded in 93 µs from its file, 26 µs from its bytes
 * in memory, reading them included), and each of its streams registers with Java2D's Disposer, a synchronized table
 * that threads decoding side by side queue on; this one does neither.
 */
final class ImageBytes extends ImageInputStreamImpl {
  /** The most pixels an image may have: 2²⁸, a 16,384 × 16,384 photograph (a gigabyte as 32-bit pixels). */
  static final long MAX_PIXELS = 1L << 28;

  private final byte[] bytes;

  private ImageBytes(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * An image's pixels in its own channels, planes first, each value a byte as stored: one plane for an 8-bit grey image,
   * else three (red, green, blue).
   */
  record Planes(int width, int height, boolean grey, byte[] values) {
    /**
     * Writes the pixels in [0, 1] to {@code x[offset …]} as {@code channels} planes: a grey image's one plane in each,
     * a colour image's three as they are or, for one channel, their ITU-R 601 luma (PIL's "L").
     */
    void unit(int channels, float[] x, int offset) {
      int plane = width * height;
      if (grey) {
        for (int p = 0; p < plane; p++) {
          float v = (values[p] & 0xff) / 255f;
          for (int c = 0; c < channels; c++) {
            x[offset + c * plane + p] = v;
          }
        }
        return;
      }
      for (int p = 0; p < plane; p++) {
        int r = values[p] & 0xff;
        int g = values[plane + p] & 0xff;
        int b = values[2 * plane + p] & 0xff;
        if (channels == 1) {
          x[offset + p] = (float) ((0.299 * r + 0.587 * g + 0.114 * b) / 255);
        } else {
          x[offset + p] = r / 255f;
          x[offset + plane + p] = g / 255f;
          x[offset + 2 * plane + p] = b / 255f;
        }
      }
    }
  }

  /** Types that drawing at their own size into the same kind of image leaves as they are: 8-bit and opaque. */
  private static final Set<Integer> PLAIN_TYPES = Set.of(BufferedImage.TYPE_BYTE_GRAY, BufferedImage.TYPE_3BYTE_BGR,
      BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_BGR);

  /**
   * The image in {@code file} scaled (bilinear) to {@code height} × {@code width} pixels, over black where it is
   * transparent; at its own size where they are 0.
   */
  static Planes planes(Path file, int height, int width) {
    return planes(file.toString(), read(file), height, width);
  }

  /** {@link #planes(Path, int, int)} of an image file's bytes, {@code name} naming it in an error. */
  static Planes planes(String name, byte[] bytes, int height, int width) {
    BufferedImage source = decode(name, bytes);
    int h = height > 0 ? height : source.getHeight();
    int w = width > 0 ? width : source.getWidth();
    // An 8-bit grey image (MNIST-style PNGs) is scaled grey to grey: Java2D gives TYPE_BYTE_GRAY a linear colour
    // space, so drawing it into RGB would brighten every pixel (a stored 128 reads back as about 186).
    boolean grey = source.getType() == BufferedImage.TYPE_BYTE_GRAY;
    BufferedImage sized = source.getWidth() == w && source.getHeight() == h && PLAIN_TYPES.contains(source.getType())
        ? source : scaled(source, h, w, grey);
    int plane = w * h;
    if (grey) { // one band of bytes: its data elements are the plane
      return new Planes(w, h, true, (byte[]) sized.getRaster().getDataElements(0, 0, w, h, null));
    }
    int[] rgb = sized.getRGB(0, 0, w, h, null, 0, w);
    byte[] values = new byte[3 * plane];
    for (int p = 0; p < plane; p++) {
      values[p] = (byte) (rgb[p] >> 16);
      values[plane + p] = (byte) (rgb[p] >> 8);
      values[2 * plane + p] = (byte) rgb[p];
    }
    return new Planes(w, h, false, values);
  }

  private static BufferedImage scaled(BufferedImage source, int height, int width, boolean grey) {
    BufferedImage scaled = new BufferedImage(width, height, grey ? BufferedImage.TYPE_BYTE_GRAY
        : BufferedImage.TYPE_INT_RGB);
    Graphics2D g = scaled.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(source, 0, 0, width, height, null);
    } finally {
      g.dispose();
    }
    return scaled;
  }

  /**
   * The image in {@code file}; one line naming the file where it is none javax.imageio reads, or where its header
   * claims more pixels than {@link #MAX_PIXELS} (a damaged or hostile header would otherwise have the decoder allocate
   * them, and the run end out of memory).
   */
  private static BufferedImage decode(String name, byte[] bytes) {
    try (ImageBytes in = new ImageBytes(bytes)) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw notAnImage(name);
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
        if (pixels > MAX_PIXELS) {
          throw new InvalidFileException(name, "an image of " + reader.getWidth(0) + "x"
              + reader.getHeight(0) + " pixels, more than " + MAX_PIXELS + " (its header may be damaged)");
        }
        return reader.read(0);
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      throw unreadable(name, e);
    }
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new InvalidFileException(file.toString(), "unreadable image: " + IoErrors.reason(e), e);
    }
  }

  private static InvalidFileException notAnImage(String name) {
    return new InvalidFileException(name, "not an image format this JVM reads (PNG, JPEG, GIF, BMP)");
  }

  /** A decoder's failure (a truncated or corrupt file) as one line naming the file; ours pass as they are. */
  private static InvalidFileException unreadable(String name, Exception e) {
    return e instanceof InvalidFileException invalid ? invalid
        : new InvalidFileException(name, "unreadable image: " + e.getMessage(), e);
  }

  @Override
  public int read() throws IOException {
    checkClosed();
    bitOffset = 0;
    return streamPos < bytes.length ? bytes[(int) streamPos++] & 0xff : -1;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    checkClosed();
    Objects.checkFromIndexSize(off, len, b.length);
    bitOffset = 0;
    if (len == 0) {
      return 0;
    }
    if (streamPos >= bytes.length) {
      return -1;
    }
    int n = (int) Math.min(len, bytes.length - streamPos);
    System.arraycopy(bytes, (int) streamPos, b, off, n);
    streamPos += n;
    return n;
  }

  @Override
  public long length() {
    return bytes.length;
  }
}
