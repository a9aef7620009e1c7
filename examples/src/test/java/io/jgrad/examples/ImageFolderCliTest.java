package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.data.LabeledData;
import io.jgrad.datasets.Digits;
import io.jgrad.testing.Fifos;
import io.jgrad.tools.ModelFile;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --dataset images} on a folder of class folders of PNGs (the bundled digits written out as files), then
 * {@code eval} and {@code predict} from the saved file.
 */
class ImageFolderCliTest {
  private static final String[] NAMES = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
      "nine"};

  @TempDir static Path dir;
  private static Path train;
  private static Path test;
  private static Path model;
  private static Map<String, String> trained;

  /** The first {@code count} examples of {@code data} as 28×28 grey PNGs, one folder per class, named in words. */
  static Path write(LabeledData data, int count, Path root) throws IOException {
    for (int i = 0; i < count; i++) {
      BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
      for (int p = 0; p < 784; p++) {
        img.getRaster().setSample(p % 28, p / 28, 0, Math.round(data.features()[i * 784 + p] * 255));
      }
      Path file = root.resolve(NAMES[data.labels()[i]]).resolve(i + ".png");
      Files.createDirectories(file.getParent());
      ImageIO.write(img, "png", file.toFile());
    }
    return root;
  }

  /** A small MLP's run on the folders, with these options after the shared ones. */
  private static CliRun run(String... more) {
    return CliRun.run(new String[] {"train", "--dataset", "images", "--data", train.toString(), "--hidden", "64",
        "--batch", "32", "--threads", "1", "--backend", "cpu", "--no-progress"}, more);
  }

  @BeforeAll
  static void trainOnTheFolder() throws IOException {
    train = write(Digits.load().train(), 1500, dir.resolve("train"));
    test = write(Digits.load().test(), 400, dir.resolve("test"));
    model = dir.resolve("digits.safetensors");
    CliRun r = run("--test-data", test.toString(), "--epochs", "4", "--save", model.toString());
    assertEquals(0, r.code(), r.err());
    trained = r.summary();
  }

  @Test
  void trainsOnTheFolderAndRecordsItsClassesAndShape() {
    assertEquals("images", trained.get("dataset"));
    assertTrue(Double.parseDouble(trained.get("test_accuracy")) >= 0.85, trained.toString());
    ModelFile description = ModelFile.read(model);
    // Classes in the sorted order of the folders' names, as torchvision's ImageFolder orders them.
    List<String> sorted = new ArrayList<>(List.of(NAMES));
    sorted.sort(null);
    assertEquals(sorted, description.classNames());
    assertEquals("[1, 28, 28]", Arrays.toString(description.architecture().inputShape()));
  }

  /** eval reads the test folder as train did: the same accuracy and loss to the bit. */
  @Test
  void evalScoresAFolderAsTrainDid() throws IOException {
    CliRun r = CliRun.run("eval", "--model", model.toString(), "--data", test.toString(), "--threads", "1",
        "--backend", "cpu");
    assertEquals(0, r.code(), r.err());
    Map<String, String> s = r.summary();
    assertEquals("images", s.get("dataset"));
    assertEquals("400", s.get("examples"));
    assertEquals(trained.get("test_accuracy"), s.get("accuracy"));
  }

  @Test
  void predictReadsTheFolderImagesAsTrainDid() throws IOException {
    Path sevens = test.resolve("seven");
    List<String> files;
    try (var listed = Files.list(sevens)) {
      files = listed.map(Path::toString).sorted().toList();
    }
    // The folder itself is an input: its images, in sorted order.
    CliRun r = CliRun.run("predict", "--model", model.toString(), "--backend", "cpu", sevens.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(files, r.lines().stream().map(l -> {
      try {
        return CliRun.fields(l).get("input");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }).toList());
    int right = 0;
    for (String line : r.lines()) {
      right += CliRun.fields(line).get("class").equals("seven") ? 1 : 0; // the top-level class, not the top list's
    }
    assertTrue(right >= 0.8 * files.size(), r.out());
  }

  /** Without a test folder a fifth is held out; a CNN trains on the folder as on the image sets. */
  @Test
  void aCnnTrainsOnAFolderWithAPartHeldOut() throws IOException {
    CliRun r = run("--model", "cnn", "--epochs", "3", "--test-split", "0.2");
    assertEquals(0, r.code(), r.err());
    assertTrue(Double.parseDouble(r.summary().get("test_accuracy")) >= 0.7, r.out());
  }

  /** --image-size scales every image; the model reads others at its size, and a resume keeps it. */
  @Test
  void imagesAreScaledToTheSizeGivenAndAResumeKeepsIt() throws IOException {
    Path small = dir.resolve("small.safetensors");
    CliRun r = run("--test-data", test.toString(), "--epochs", "1", "--image-size", "14", "--save",
        small.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals("[1, 14, 14]", Arrays.toString(ModelFile.read(small).architecture().inputShape()));
    CliRun eval = CliRun.run("eval", "--model", small.toString(), "--data", test.toString(), "--backend", "cpu");
    assertEquals(0, eval.code(), eval.err());
    assertEquals(r.summary().get("test_accuracy"), eval.summary().get("accuracy"));
    CliRun contradicted = CliRun.run("train", "--resume", small.toString(), "--data", train.toString(), "--epochs",
        "2", "--image-size", "28x28");
    assertEquals("jgrad train: --image-size 28x28 contradicts " + small + ", a run with --image-size 14x14; leave "
        + "--image-size out to continue that run", contradicted.errorLine());
    CliRun resumed = CliRun.run("train", "--resume", small.toString(), "--data", train.toString(), "--test-data",
        test.toString(), "--epochs", "2", "--threads", "1", "--backend", "cpu", "--no-progress");
    assertEquals(0, resumed.code(), resumed.err());
    assertEquals("2", resumed.summary().get("epochs"));
  }

  /** The JIT warm-up takes the first image's shape and changes nothing: the run without it ends with the same bits. */
  @Test
  void theWarmUpLeavesAFoldersRunAsItIs() throws IOException {
    CliRun r = run("--test-data", test.toString(), "--epochs", "4", "--warm-up", "0");
    assertEquals(0, r.code(), r.err());
    assertEquals(trained.get("train_loss"), r.summary().get("train_loss"));
    assertEquals(trained.get("test_loss"), r.summary().get("test_loss"));
  }

  /** A named pipe among the images is left out, as any file that is not a regular one, not read (it would block). */
  @Test
  void aPipeInAClassFolderIsLeftOut() throws Exception {
    Path root = write(Digits.load().test(), 40, dir.resolve("piped"));
    Fifos.make(root.resolve("seven").resolve("pipe.png"));
    CliRun r = CliRun.run("train", "--dataset", "images", "--data", root.toString(), "--epochs", "0", "--backend",
        "cpu", "--no-progress");
    assertEquals(0, r.code(), r.err());
  }

  @Test
  void misusedImageOptionsAreOneLineErrors() throws IOException {
    Path lonely = dir.resolve("lonely");
    Files.createDirectories(lonely.resolve("cat"));
    BufferedImage img = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY);
    ImageIO.write(img, "png", lonely.resolve("cat").resolve("1.png").toFile());
    Path table = Files.writeString(dir.resolve("t.csv"), "a,b\n1,0\n2,1\n3,0\n4,1\n5,0\n");
    String[][] cases = {
        {"--dataset", "images"},
        {"--dataset", "images", "--data", train.toString(), "--image-size", "0"},
        {"--dataset", "images", "--data", train.toString(), "--image-size", "28x"},
        {"--image-size", "28"},
        {"--test-split", "0.1"},
        {"--dataset", "images", "--data", train.toString(), "--label-column", "a"},
        {"--dataset", "csv", "--data", table.toString(), "--image-size", "28"},
        {"--dataset", "images", "--data", lonely.toString()},
        {"--dataset", "images", "--data", train.toString(), "--test-data", lonely.toString()},
    };
    String[] expected = {
        "--dataset images needs --data DIR (a folder holding one folder of images per class, named after it)",
        "--image-size must be a side (28) or HEIGHTxWIDTH (32x48) of whole pixels, got '0'",
        "--image-size must be a side (28) or HEIGHTxWIDTH (32x48) of whole pixels, got '28x'",
        "--image-size is for --dataset images (the digits files say their size)",
        "--test-split is for --dataset csv, images or npz (the digits files say their labels and test part)",
        "--label-column is for --dataset csv (an image folder's classes are its folders)",
        "--image-size is for --dataset images; --dataset csv is a table",
        lonely + ": one class folder (cat); a classifier needs two at least",
        lonely.resolve("cat") + ": a class the model does not know (its classes: eight, five, four, nine, one, "
            + "seven, six, three, two, zero)",
    };
    for (int i = 0; i < cases.length; i++) {
      List<String> args = new ArrayList<>(List.of("train", "--epochs", "1", "--backend", "cpu"));
      args.addAll(List.of(cases[i]));
      CliRun r = CliRun.run(args.toArray(new String[0]));
      assertEquals(1, r.code(), String.join(" ", cases[i]) + "\n" + r.err());
      assertEquals("jgrad train: " + expected[i], r.errorLine(), String.join(" ", cases[i]));
    }
    CliRun noFolder = CliRun.run("eval", "--model", model.toString());
    assertEquals("jgrad eval: " + model + " was trained on an image folder: pass the one to evaluate on as --data DIR "
        + "(one folder of images per class)", noFolder.errorLine());
  }
}
