package io.jgrad.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.io.InvalidFileException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderTest {
  @TempDir Path dir;

  /** A grey image {@code width} wide whose pixel i (row by row) holds {@code first + i}. */
  private Path grey(String file, int width, int height, int first) throws IOException {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    for (int i = 0; i < width * height; i++) {
      img.getRaster().setSample(i % width, i / width, 0, first + i);
    }
    return write(img, file, "png");
  }

  private Path rgb(String file, int width, int height, int rgb) throws IOException {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int i = 0; i < width * height; i++) {
      img.setRGB(i % width, i / width, rgb);
    }
    return write(img, file, "png");
  }

  private Path write(BufferedImage img, String file, String format) throws IOException {
    Path path = dir.resolve(file);
    Files.createDirectories(path.getParent());
    ImageIO.write(img, format, path.toFile());
    return path;
  }

  private static float[] unit(int first, int count) {
    float[] x = new float[count];
    for (int i = 0; i < count; i++) {
      x[i] = (first + i) / 255f;
    }
    return x;
  }

  @Test
  void classesAreTheSortedFoldersAndGreyPixelsAreReadAsStored() throws IOException {
    // Written out of order: the classes and each class's files come back sorted by name.
    Path b2 = grey("set/zebra/b.png", 3, 2, 100);
    Path a1 = grey("set/ant/2.png", 3, 2, 10);
    Path a0 = grey("set/ant/1.png", 3, 2, 0);
    Path nested = grey("set/zebra/a/deeper.png", 3, 2, 200); // a/deeper.png sorts before b.png
    ImageFolder folder = ImageFolder.read(dir.resolve("set"));
    assertEquals(List.of("ant", "zebra"), folder.classNames());
    assertEquals(List.of(a0, a1, nested, b2), folder.files());
    assertArrayEquals(new int[] {1, 2, 3}, folder.inputShape());
    assertArrayEquals(new int[] {0, 0, 1, 1}, folder.data().labels());
    assertEquals(2, folder.data().numClasses());
    float[] expected = new float[24];
    int[] firsts = {0, 10, 200, 100};
    for (int i = 0; i < 4; i++) {
      System.arraycopy(unit(firsts[i], 6), 0, expected, 6 * i, 6);
    }
    assertArrayEquals(expected, folder.data().features()); // exactly: the bytes over 255, as predict reads them
  }

  /** What predict gives for the same file is what training saw. */
  @Test
  void anImageIsReadAsPredictReadsIt() throws IOException {
    Path a = rgb("set/a/x.png", 4, 3, 0x336699);
    grey("set/b/y.png", 4, 3, 7);
    ImageFolder folder = ImageFolder.read(dir.resolve("set"));
    int[] shape = folder.inputShape();
    assertArrayEquals(new int[] {3, 3, 4}, shape); // one colour image: every image gets three channels
    float[] fromPredict = InputFiles.read(List.of(a), shape).features();
    float[] first = Arrays.copyOf(folder.data().features(), fromPredict.length);
    assertArrayEquals(fromPredict, first);
    assertEquals(0x33 / 255f, first[0]);
    assertEquals(0x66 / 255f, first[12]);
    assertEquals(0x99 / 255f, first[24]);
    float[] grey = Arrays.copyOfRange(folder.data().features(), 36, 72);
    assertEquals(7 / 255f, grey[0]); // a grey image's value in each of the three planes
    assertEquals(7 / 255f, grey[12]);
    assertEquals(7 / 255f, grey[24]);
  }

  @Test
  void hiddenAndOtherFilesAreLeftOut() throws IOException {
    grey("set/a/1.png", 2, 2, 0);
    grey("set/b/1.png", 2, 2, 0);
    grey("set/.ipynb_checkpoints/1.png", 2, 2, 0); // not a class
    grey("set/a/.hidden/2.png", 2, 2, 0);
    grey("set/a/.3.png", 2, 2, 0);
    Files.writeString(dir.resolve("set/a/notes.txt"), "not an image");
    Files.writeString(dir.resolve("set/readme.md"), "a file beside the class folders");
    ImageFolder folder = ImageFolder.read(dir.resolve("set"));
    assertEquals(List.of("a", "b"), folder.classNames());
    assertEquals(2, folder.data().size());
  }

  @Test
  void imagesOfMoreThanOneSizeNeedASizeToScaleTo() throws IOException {
    Path small = grey("set/a/1.png", 2, 2, 0);
    Path wide = rgb("set/b/1.png", 4, 2, 0xffffff);
    InvalidFileException e = assertThrows(InvalidFileException.class, () -> ImageFolder.read(dir.resolve("set")));
    assertEquals(dir.resolve("set") + ": images of more than one size (" + small + " is 2 wide and 2 high, " + wide
        + " 4 wide and 2 high): give one size to scale them all to (train's --image-size)", e.getMessage());
    ImageFolder scaled = ImageFolder.read(dir.resolve("set"), 1, 2);
    assertArrayEquals(new int[] {3, 1, 2}, scaled.inputShape());
    assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1}, Arrays.copyOfRange(scaled.data().features(), 6, 12));
  }

  @Test
  void aModelsClassesAndShapeReadAnotherFolder() throws IOException {
    grey("test/zebra/1.png", 4, 4, 0); // zebra alone: a model's folder need not hold every class
    ImageFolder folder = ImageFolder.read(dir.resolve("test"), List.of("ant", "bee", "zebra"), new int[] {3, 2, 2});
    assertArrayEquals(new int[] {2}, folder.data().labels());
    assertEquals(3, folder.data().numClasses());
    assertArrayEquals(new int[] {3, 2, 2}, folder.inputShape());
    grey("test/wasp/1.png", 4, 4, 0);
    InvalidFileException e = assertThrows(InvalidFileException.class,
        () -> ImageFolder.read(dir.resolve("test"), List.of("ant", "bee", "zebra"), new int[] {3, 2, 2}));
    assertEquals(dir.resolve("test/wasp") + ": a class the model does not know (its classes: ant, bee, zebra)",
        e.getMessage());
  }

  @Test
  void aFolderThatIsNoImageFolderIsOneLine() throws IOException {
    Path set = dir.resolve("set");
    assertEquals(set + ": no such directory", refusal(set));
    Files.writeString(dir.resolve("file"), "x");
    assertEquals(dir.resolve("file") + ": not a directory (an image folder holds one folder of images per class)",
        refusal(dir.resolve("file")));
    grey("set/1.png", 2, 2, 0); // an image beside, not inside, class folders
    assertEquals(set + ": no class folders: an image folder holds one folder of images per class, named after it ("
        + set.resolve("cat").resolve("1.png") + ")", refusal(set));
    grey("set/cat/1.png", 2, 2, 0);
    assertEquals(set + ": one class folder (cat); a classifier needs two at least", refusal(set));
    Files.createDirectories(set.resolve("dog"));
    Files.writeString(set.resolve("dog/1.txt"), "x");
    assertEquals(set.resolve("dog") + ": no images (PNG, JPEG, GIF or BMP) in this class folder", refusal(set));
    Path broken = Files.writeString(set.resolve("dog/2.png"), "not a PNG at all");
    assertEquals(broken + ": not an image format this JVM reads (PNG, JPEG, GIF, BMP)", refusal(set));
  }

  /** A cut-off file and a folder linking to itself are one line each, naming the file or folder. */
  @Test
  void aTruncatedImageOrALinkLoopIsOneLine() throws IOException {
    Path whole = grey("set/a/1.png", 16, 16, 0);
    grey("set/b/1.png", 16, 16, 0);
    byte[] bytes = Files.readAllBytes(whole);
    Files.write(whole, Arrays.copyOf(bytes, bytes.length / 2));
    String cut = refusal(dir.resolve("set"));
    assertTrue(cut.startsWith(whole + ": unreadable image: "), cut);
    assertEquals(1, cut.lines().count());
    Files.write(whole, bytes);
    Path loop = Files.createSymbolicLink(dir.resolve("set/b/loop"), dir.resolve("set/b"));
    String looped = refusal(dir.resolve("set"));
    assertEquals(dir.resolve("set/b") + ": cannot list it: " + loop + " links to a folder it is in",
        looped);
    Files.delete(loop);
    assertEquals(2, ImageFolder.read(dir.resolve("set")).data().size());
  }

  /** A header claiming 100,000 × 100,000 pixels is refused from the header, before the decoder allocates them. */
  @Test
  void aHeaderClaimingHugeDimensionsIsRefusedBeforeDecoding() throws IOException {
    Path png = grey("huge.png", 4, 4, 0);
    byte[] b = Files.readAllBytes(png);
    ByteBuffer.wrap(b, 16, 8).putInt(100_000).putInt(100_000); // IHDR's width and height
    CRC32 crc = new CRC32();
    crc.update(b, 12, 17); // the chunk's type and data
    ByteBuffer.wrap(b, 29, 4).putInt((int) crc.getValue());
    Files.write(png, b);
    InvalidFileException e = assertThrows(InvalidFileException.class, () -> InputFiles.image(png, new int[] {1, 4, 4}));
    assertEquals(png + ": an image of 100000x100000 pixels, more than 268435456 (its header may be damaged)",
        e.getMessage());
  }

  /**
   * 400 byte-mutated PNGs (grey and colour; bytes flipped, runs overwritten, cut short): each is read, or refused in one
   * line naming it, within the time limit; never another exception, never a hang.
   */
  @Test
  void mutatedImagesAreReadOrRefusedInOneLine() throws IOException {
    byte[][] sources = {Files.readAllBytes(grey("g.png", 9, 7, 3)), Files.readAllBytes(rgb("c.png", 6, 5, 0x12ab34))};
    Random random = new Random(42);
    int refused = 0;
    long start = System.nanoTime();
    for (int i = 0; i < 400; i++) {
      byte[] b = sources[i % 2].clone();
      int edits = 1 + random.nextInt(6);
      for (int e = 0; e < edits; e++) {
        int at = random.nextInt(b.length);
        b[at] = (byte) (random.nextInt(3) == 0 ? 0xff : random.nextInt(256));
      }
      if (random.nextInt(5) == 0) {
        b = Arrays.copyOf(b, random.nextInt(b.length));
      }
      Path file = Files.write(dir.resolve("m" + i + ".png"), b);
      try {
        InputFiles.image(file, new int[] {3, 4, 4});
      } catch (InvalidFileException e) {
        assertTrue(e.getMessage().startsWith(file + ": ") && e.getMessage().lines().count() == 1, e.getMessage());
        refused++;
      }
    }
    assertTrue(refused > 50, refused + " refused"); // the mutations reach the decoder, not only the pixels
    assertTrue(System.nanoTime() - start < 60e9, "400 small images took over a minute");
  }

  private static String refusal(Path root) {
    return assertThrows(InvalidFileException.class, () -> ImageFolder.read(root)).getMessage();
  }

  /** More values than one Java array holds is one line, before the array is tried. */
  @Test
  void aFolderTooLargeForOneArrayIsOneLine() throws IOException {
    grey("set/a/1.png", 2, 2, 0);
    grey("set/b/1.png", 2, 2, 0);
    InvalidFileException e = assertThrows(InvalidFileException.class,
        () -> ImageFolder.read(dir.resolve("set"), List.of("a", "b"), new int[] {3, 30000, 30000}));
    assertEquals(dir.resolve("set") + ": 2 images of [3, 30000, 30000] are 5400000000 values, more than one Java "
        + "array holds (2147483639): give a smaller size to scale them to (train's --image-size)", e.getMessage());
  }

  @Test
  void theFirstShapeIsAGuessFromOneHeader() throws IOException {
    assertNull(ImageFolder.firstShape(dir.resolve("absent"), 0, 0));
    rgb("set/b/1.png", 5, 3, 0);
    grey("set/a/1.png", 4, 2, 0);
    assertArrayEquals(new int[] {1, 2, 4}, ImageFolder.firstShape(dir.resolve("set"), 0, 0));
    assertArrayEquals(new int[] {1, 8, 9}, ImageFolder.firstShape(dir.resolve("set"), 8, 9));
  }

  @Test
  void aJpegIsReadToo() throws IOException {
    BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY); // black: exact through JPEG
    write(img, "set/a/1.jpg", "jpg");
    grey("set/b/1.png", 8, 8, 0);
    ImageFolder folder = ImageFolder.read(dir.resolve("set"));
    assertArrayEquals(new int[] {1, 8, 8}, folder.inputShape()); // a grey JPEG is grey
    assertEquals(0f, folder.data().features()[0]);
  }
}
