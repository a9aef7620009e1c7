package io.jgrad.tools;

import io.jgrad.data.LabeledData;
import io.jgrad.io.InvalidFileException;
import io.jgrad.io.IoErrors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Labelled images in torchvision's ImageFolder layout: one folder per class under the root, named as the class
 * ({@code root/cat/001.png}, {@code root/dog/park/7.jpg}), read as pixels in [0, 1], channel planes first — the units
 * {@link InputFiles} reads an image to predict on in, through the same decoding and scaling, so a model trained on a
 * folder predicts on its files as it saw them.
 *
 * <p>As ImageFolder does: the classes in the sorted order of their folders' names, each folder searched in depth
 * (links followed), the files of an image suffix (PNG, JPEG, GIF, BMP) in sorted order, other files left out, and a
 * class folder without images refused. Unlike it, hidden files and folders (a name starting with a dot: {@code
 * .DS_Store}, {@code .ipynb_checkpoints}) are left out rather than made a class. The images are one channel where every
 * one is stored as 8-bit grey, three (RGB) otherwise; they share one size, unless a size to scale them to (bilinear)
 * is given.
 *
 * @param data the images and their classes' indices, each example of shape [C, H, W]
 * @param classNames class i's name: its folder's
 * @param files example i's file
 */
public record ImageFolder(LabeledData data, List<String> classNames, List<Path> files) {

  public ImageFolder {
    classNames = List.copyOf(classNames);
    files = List.copyOf(files);
  }

  /** One example's shape, [channels, height, width]. */
  public int[] inputShape() {
    return data.exampleShape();
  }

  /** Every image under {@code root}, at the size they share. */
  public static ImageFolder read(Path root) {
    return read(root, null, null, 0, 0);
  }

  /** Every image under {@code root}, scaled to {@code height} × {@code width} pixels. */
  public static ImageFolder read(Path root, int height, int width) {
    if (height < 1 || width < 1) {
      throw new IllegalArgumentException("an image size of " + height + "x" + width + " pixels (height x width)");
    }
    return read(root, null, null, height, width);
  }

  /**
   * Every image under {@code root} as a model of these classes and input shape [C, H, W] reads it (a test set, or a
   * folder to evaluate on): each class folder must be one of the model's classes, though not every class needs one,
   * and each image is scaled to the model's size and channels.
   */
  public static ImageFolder read(Path root, List<String> classNames, int[] inputShape) {
    if (inputShape.length != 3) {
      throw new IllegalArgumentException(root + ": the model's input " + Arrays.toString(inputShape)
          + " is not an image [channels, height, width]");
    }
    return read(root, classNames, inputShape.clone(), 0, 0);
  }

  /**
   * The shape the images under {@code root} would be read at (at their own size where {@code height} and {@code width}
   * are 0), as the first image alone says, or null where there is none to read: a guess made before the reading, which
   * reports what is wrong.
   */
  public static int[] firstShape(Path root, int height, int width) {
    try {
      for (Path folder : classFolders(root)) {
        List<Path> images = images(folder);
        if (!images.isEmpty()) {
          ImageBytes.Planes first = ImageBytes.planes(images.get(0), height, width);
          return new int[] {first.grey() ? 1 : 3, first.height(), first.width()};
        }
      }
    } catch (RuntimeException e) {
      // the reading that follows says what is wrong
    }
    return null;
  }

  private static ImageFolder read(Path root, List<String> known, int[] modelShape, int height, int width) {
    List<Path> folders = classFolders(root);
    List<String> names = folders.stream().map(f -> f.getFileName().toString()).toList();
    if (names.isEmpty()) {
      throw new InvalidFileException(root.toString(), "no class folders: an image folder holds one folder of images "
          + "per class, named after it (" + root.resolve("cat").resolve("1.png") + ")");
    }
    List<String> classes = known != null ? known : names;
    if (known == null && names.size() < 2) {
      throw new InvalidFileException(root.toString(), "one class folder (" + names.get(0) + "); a classifier needs "
          + "two at least");
    }
    List<Path> files = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    for (int f = 0; f < folders.size(); f++) {
      int label = classes.indexOf(names.get(f));
      if (label < 0) {
        throw new InvalidFileException(folders.get(f).toString(), "a class the model does not know (its classes: "
            + String.join(", ", classes) + ")");
      }
      List<Path> images = images(folders.get(f));
      if (images.isEmpty()) {
        throw new InvalidFileException(folders.get(f).toString(), "no images (PNG, JPEG, GIF or BMP) in this class "
            + "folder");
      }
      files.addAll(images);
      images.forEach(i -> labels.add(label));
    }
    int[] y = labels.stream().mapToInt(Integer::intValue).toArray();
    int[] shape = modelShape;
    float[] x;
    if (modelShape != null) {
      x = floats(root, files.size(), modelShape, (i, out, at) -> ImageBytes.planes(files.get(i), modelShape[1],
          modelShape[2]).unit(modelShape[0], out, at));
    } else {
      // The channels and, without a size given, the size are the images' own: each is decoded once, as it is stored.
      ImageBytes.Planes[] images = new ImageBytes.Planes[files.size()];
      IntStream.range(0, images.length).parallel()
          .forEach(i -> images[i] = ImageBytes.planes(files.get(i), height, width));
      for (int i = 1; i < images.length; i++) {
        if (images[i].width() != images[0].width() || images[i].height() != images[0].height()) {
          throw new InvalidFileException(root.toString(), "images of more than one size (" + files.get(0) + " is "
              + size(images[0]) + ", " + files.get(i) + " " + size(images[i]) + "): give one size to scale them all "
              + "to (train's --image-size)");
        }
      }
      boolean grey = Arrays.stream(images).allMatch(ImageBytes.Planes::grey);
      int[] own = {grey ? 1 : 3, images[0].height(), images[0].width()};
      x = floats(root, images.length, own, (i, out, at) -> images[i].unit(own[0], out, at));
      shape = own;
    }
    return new ImageFolder(new LabeledData(x, y, x.length / files.size(), classes.size(), shape), classes, files);
  }

  /** The longest array a JVM allocates (a few words below 2³¹ − 1, for the array's header). */
  private static final long MAX_VALUES = Integer.MAX_VALUE - 8;

  /** Writes image i's pixels in [0, 1] to {@code out[at …]}. */
  private interface ImageWriter {
    void write(int i, float[] out, int at);
  }

  /** {@code count} images of {@code shape}, written side by side on every core. */
  private static float[] floats(Path root, int count, int[] shape, ImageWriter image) {
    long values = (long) count * shape[0] * shape[1] * shape[2];
    if (values > MAX_VALUES) {
      throw new InvalidFileException(root.toString(), count + " images of " + Arrays.toString(shape) + " are " + values
          + " values, more than one Java array holds (" + MAX_VALUES + "): give a smaller size to scale them to "
          + "(train's --image-size)");
    }
    int features = shape[0] * shape[1] * shape[2];
    float[] x = new float[(int) values];
    IntStream.range(0, count).parallel().forEach(i -> image.write(i, x, i * features));
    return x;
  }

  private static String size(ImageBytes.Planes image) {
    return image.width() + " wide and " + image.height() + " high";
  }

  /** The folders directly under {@code root} that are not hidden, in sorted order. */
  private static List<Path> classFolders(Path root) {
    if (!Files.isDirectory(root)) {
      throw new InvalidFileException(root.toString(), Files.exists(root) ? "not a directory (an image folder holds "
          + "one folder of images per class)" : "no such directory");
    }
    try (Stream<Path> entries = Files.list(root)) {
      return entries.filter(p -> !hidden(p) && Files.isDirectory(p)).sorted().toList();
    } catch (IOException | UncheckedIOException e) {
      throw new InvalidFileException(root.toString(), "cannot list it: " + reason(e), e);
    }
  }

  /** The image files under {@code folder}, at any depth, in sorted order of their paths; FIFOs and the like left out. */
  static List<Path> images(Path folder) {
    try (Stream<Path> all = Files.walk(folder, FileVisitOption.FOLLOW_LINKS)) {
      return all.filter(p -> InputFiles.isImageName(p) && Files.isRegularFile(p)
              && Stream.iterate(folder.relativize(p), q -> q != null, Path::getParent).noneMatch(ImageFolder::hidden))
          .sorted().toList();
    } catch (IOException | UncheckedIOException e) {
      throw new InvalidFileException(folder.toString(), "cannot list it: " + reason(e), e);
    }
  }

  private static boolean hidden(Path p) {
    Path name = p.getFileName();
    return name != null && name.toString().startsWith(".");
  }

  private static String reason(Exception e) {
    IOException io = e instanceof UncheckedIOException u ? u.getCause() : (IOException) e;
    return io instanceof FileSystemLoopException loop ? loop.getFile() + " links to a folder it is in"
        : IoErrors.reason(io);
  }

}
