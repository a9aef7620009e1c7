package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The GPU bundle runs cuda-backend's tests without the source tree: every test that reads {@code native/} must be
 * excluded in its script, or the bundle fails on a machine that has the tools that test uses (it once did, with g++).
 */
class GpuBundleScriptTest {
  private static final Path SCRIPT = Path.of("src", "bundle", "run-gpu-tests.sh");
  /** --exclude-classname '.*\.(A|B|C)' */
  private static final Pattern EXCLUDED = Pattern.compile("--exclude-classname '\\.\\*\\\\\\.\\(([A-Za-z0-9|]+)\\)'");
  private static final Path CUDA_TESTS = Path.of("..", "cuda-backend", "src", "test", "java", "io", "jgrad", "cuda");

  @Test
  void everyTestThatReadsTheSourceTreeIsExcluded() throws IOException {
    Matcher m = EXCLUDED.matcher(Files.readString(SCRIPT));
    assertTrue(m.find(), "no --exclude-classname '.*\\.(A|B)' in " + SCRIPT);
    List<String> excluded = List.of(m.group(1).split("\\|"));
    List<String> readers;
    try (Stream<Path> files = Files.list(CUDA_TESTS)) {
      readers = files.filter(GpuBundleScriptTest::readsNativeSources)
          .map(f -> f.getFileName().toString().replace(".java", ""))
          .filter(name -> name.endsWith("Test"))
          .sorted()
          .toList();
    }
    assertTrue(readers.contains("PtxBuildTest"), readers.toString()); // the scan finds what it is meant to
    assertEquals(readers, excluded.stream().sorted().toList());
  }

  private static boolean readsNativeSources(Path file) {
    try {
      String text = Files.readString(file);
      return text.contains("Path.of(\"..\", \"native\"") || text.contains("KernelSourceTest.KERNELS")
          || text.contains("HostKernel.build") || text.contains("HostKernel.HOST");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
