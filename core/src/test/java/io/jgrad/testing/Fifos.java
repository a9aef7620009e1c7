package io.jgrad.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Named pipes for hostile-input tests: made with mkfifo; a test skips, saying why, where there is none. */
public final class Fifos {
  private Fifos() {}

  /** Creates a FIFO at {@code path}, or skips the calling test. */
  public static Path make(Path path) throws Exception {
    Process p;
    try {
      p = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
    } catch (java.io.IOException e) {
      assumeTrue(false, "mkfifo is not available here: " + e.getMessage());
      throw e;
    }
    assumeTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 && Files.exists(path),
        "mkfifo could not make " + path);
    return path;
  }
}
