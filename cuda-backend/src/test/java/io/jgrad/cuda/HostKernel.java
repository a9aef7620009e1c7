package io.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A harness from {@code native/host}, built with g++ against {@code native/kernels} and cuda_host.h (the host CUDA
 * emulator), then fed lines on stdin. The tests that use it skip where g++ is not on PATH.
 */
final class HostKernel {
  static final Path HOST = Path.of("..", "native", "host");

  private final Path binary;
  private final Path dir;

  private HostKernel(Path binary, Path dir) {
    this.binary = binary;
    this.dir = dir;
  }

  /** Compiles native/host/{@code source} into {@code dir}. */
  static HostKernel build(String source, Path dir) throws Exception {
    Path binary = dir.resolve(source.replace(".cpp", ""));
    HostTool built = HostTool.run(null, "g++", "-std=c++20", "-O1", "-pthread",
        "-I", KernelSourceTest.KERNELS.toString(), "-I", HOST.toString(), HOST.resolve(source).toString(),
        "-o", binary.toString());
    assertEquals(0, built.exitCode(), "g++ " + source + ":\n" + built.output());
    return new HostKernel(binary, dir);
  }

  /**
   * Runs the harness on {@code input} and returns its whitespace-separated outputs. The input goes through a file:
   * a harness answers as it reads, and a pipe written in full before its output is read would fill and deadlock.
   */
  long[] run(String input) throws Exception {
    Path in = Files.createTempFile(dir, "input", ".txt");
    Files.writeString(in, input, StandardCharsets.US_ASCII);
    Process p = new ProcessBuilder(binary.toString()).redirectInput(in.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), binary.getFileName() + " timed out");
    Files.delete(in);
    assertEquals(0, p.exitValue(), binary.getFileName() + ":\n" + output);
    String out = output.trim();
    if (out.isEmpty()) {
      return new long[0];
    }
    String[] words = out.split("\\s+");
    long[] values = new long[words.length];
    for (int i = 0; i < words.length; i++) {
      values[i] = Long.parseLong(words[i]);
    }
    return values;
  }
}
