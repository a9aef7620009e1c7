package io.jgrad.examples.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * nd4j is optional: no main source outside io.jgrad.interop may name nd4j or the interop classes, or a user without
 * nd4j would meet a NoClassDefFoundError. Reads the sources of every module (tests run in examples/). Core's
 * module-info.java names both by right: it exports the package and reads nd4j with {@code requires static}, optional.
 */
class Nd4jIsolationTest {
  private static final Path INTEROP = Path.of("io", "jgrad", "interop");

  @Test
  void onlyTheInteropPackageNamesNd4j() throws IOException {
    List<Path> roots;
    try (Stream<Path> modules = Files.list(Path.of(".."))) {
      roots = modules.map(m -> m.resolve("src/main/java")).filter(Files::isDirectory).toList();
    }
    assertTrue(roots.size() >= 4, "expected the main sources of core, both backends and examples, found " + roots);
    for (Path root : roots) {
      try (Stream<Path> files = Files.walk(root)) {
        List<Path> offenders = files
            .filter(f -> f.toString().endsWith(".java") && !root.relativize(f).startsWith(INTEROP))
            .filter(f -> !f.getFileName().toString().equals("module-info.java"))
            .filter(f -> read(f).contains("org.nd4j") || read(f).contains("io.jgrad.interop"))
            .toList();
        assertEquals(List.of(), offenders);
      }
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
