package io.jgrad.data;

import static io.jgrad.data.IdxReaderTest.assertError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jgrad.io.Mutations;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistDatasetTest {
  @TempDir Path dir;

  /** Two 1x2 training images and one test image, some files gzip and some raw, as users mix them. */
  @BeforeEach
  void writeDataset() throws IOException {
    write("train-images-idx3-ubyte.gz", Mutations.gzip(IdxFiles.images(2, 1, 2, new byte[] {0, (byte) 255, 51, 102})));
    write("train-labels-idx1-ubyte", IdxFiles.labels(2, new byte[] {3, 9}));
    write("t10k-images-idx3-ubyte", IdxFiles.images(1, 1, 2, new byte[] {(byte) 204, 0}));
    write("t10k-labels-idx1-ubyte.gz", Mutations.gzip(IdxFiles.labels(1, new byte[] {0})));
  }

  @Test
  void loadsBothPartsScaledToUnit() {
    assertLoaded(MnistDataset.load(dir));
  }

  @Test
  void loadsFromTheClassPath() throws IOException {
    Path root = Files.createDirectories(dir.resolve("jar/data/digits"));
    try (var files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        Files.copy(f, root.resolve(f.getFileName()));
      }
    }
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.resolve("jar").toUri().toURL()}, null)) {
      assertLoaded(MnistDataset.loadResources(loader, "data/digits"));
    }
  }

  @Test
  void missingFileNamesTheFileAndTheDirectory() throws IOException {
    Files.delete(dir.resolve("t10k-labels-idx1-ubyte.gz"));
    assertError(
        dir.resolve("t10k-labels-idx1-ubyte") + "[.gz]: missing: neither t10k-labels-idx1-ubyte.gz nor t10k-labels-idx1-ubyte is in " + dir,
        () -> MnistDataset.load(dir));
    assertError(dir.resolve("nowhere") + ": no such directory", () -> MnistDataset.load(dir.resolve("nowhere")));
  }

  @Test
  void imageAndLabelCountsMustAgree() throws IOException {
    Path labels = write("train-labels-idx1-ubyte", IdxFiles.labels(3, new byte[] {3, 9, 1}));
    assertError(labels + ": 3 labels, but train-images-idx3-ubyte holds 2 images", () -> MnistDataset.load(dir));
  }

  @Test
  void trainAndTestImagesMustHaveTheSameSize() throws IOException {
    write("t10k-images-idx3-ubyte", IdxFiles.images(1, 1, 1, new byte[] {1}));
    assertError("t10k-images-idx3-ubyte: images have 1 pixels, train images 2", () -> MnistDataset.load(dir));
  }

  private static void assertLoaded(TrainTestSplit split) {
    assertArrayEquals(new float[] {0, 1, 0.2f, 0.4f}, split.train().features());
    assertArrayEquals(new int[] {3, 9}, split.train().labels());
    assertArrayEquals(new float[] {0.8f, 0}, split.test().features());
    assertArrayEquals(new int[] {0}, split.test().labels());
    assertEquals(2, split.train().featureSize());
    assertEquals(10, split.train().numClasses());
  }

  private Path write(String name, byte[] bytes) throws IOException {
    return Files.write(dir.resolve(name), bytes);
  }
}
