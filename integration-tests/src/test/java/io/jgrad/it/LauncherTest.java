package io.jgrad.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/target/jgrad as a user runs it: help says only what was asked, it works through symbolic links, an old
 * Java is one clear line, and on a JDK that warns about native access (22+) it does not.
 */
@DisabledOnOs(OS.WINDOWS)
class LauncherTest {
  private static final Path LAUNCHER = Path.of("..", "examples", "target", "jgrad").toAbsolutePath().normalize();
  private static final String INCUBATOR = "WARNING: Using incubator modules: jdk.incubator.vector";

  @TempDir Path dir;

  @Test
  void helpPrintsTheUsageAndNothingElse() throws Exception {
    for (String help : List.of("--help", "-h")) {
      Run run = run(Map.of(), LAUNCHER.toString(), help);
      assertEquals(0, run.code, run.err);
      assertTrue(run.out.startsWith("Usage: jgrad"), run.out);
      assertEquals("", run.err);
    }
    Run train = run(Map.of(), LAUNCHER.toString(), "train", "--help");
    assertTrue(train.out.startsWith("Usage: jgrad train"), train.out);
    assertEquals("", train.err);
  }

  @Test
  void worksThroughAChainOfSymbolicLinks() throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path absolute = Files.createSymbolicLink(dir.resolve("jgrad-absolute"), LAUNCHER);
    Path relative = Files.createSymbolicLink(bin.resolve("jgrad"), Path.of("..", "jgrad-absolute"));
    Run run = run(Map.of(), relative.toString(), "backends");
    assertEquals(0, run.code, run.err);
    assertTrue(run.out.contains("cpu: SIMD kernels (jdk.incubator.vector"), run.out);
    assertEquals(INCUBATOR, run.err.strip(), "only the JVM's own notice of the module the launcher adds");
    assertTrue(Files.isSymbolicLink(absolute));
  }

  @Test
  void aJavaOlderThan17IsOneLine() throws Exception {
    Path jdk = Files.createDirectories(dir.resolve("jdk-11/bin"));
    Path java = Files.writeString(jdk.resolve("java"), "#!/bin/sh\nexit 0\n");
    assertTrue(java.toFile().setExecutable(true));
    Files.writeString(dir.resolve("jdk-11/release"), "JAVA_VERSION=\"11.0.25\"\n");
    Run run = run(Map.of("JAVA_HOME", dir.resolve("jdk-11").toString()), LAUNCHER.toString(), "train");
    assertEquals(1, run.code);
    assertEquals("", run.out);
    assertEquals("jgrad: needs Java 17 or newer; " + java + " is Java 11.0.25 (set JAVA_HOME to a newer JDK)",
        run.err.strip());
  }

  /** JCuda loads its library when "cuda" is probed; JDK 22+ warns four lines about it unless native access is on. */
  @Test
  void aJdkThatGuardsNativeAccessPrintsNoWarning() throws Exception {
    Optional<Path> jdk = jdkAtLeast(22);
    assumeTrue(jdk.isPresent(), "no JDK 22 or newer in /usr/lib/jvm");
    Run run = run(Map.of("JAVA_HOME", jdk.get().toString()), LAUNCHER.toString(), "backends");
    assertEquals(0, run.code, run.err);
    assertTrue(run.out.startsWith("cuda: "), run.out);
    assertEquals(INCUBATOR, run.err.strip());
  }

  private static Optional<Path> jdkAtLeast(int feature) throws IOException {
    Path jvms = Path.of("/usr/lib/jvm");
    if (!Files.isDirectory(jvms)) {
      return Optional.empty();
    }
    try (Stream<Path> all = Files.list(jvms)) {
      return all.filter(home -> Files.isExecutable(home.resolve("bin/java")) && feature(home) >= feature).findFirst();
    }
  }

  private static int feature(Path home) {
    try {
      for (String line : Files.readAllLines(home.resolve("release"))) {
        if (line.startsWith("JAVA_VERSION=\"")) {
          return Integer.parseInt(line.substring(14).split("[.\"]")[0]);
        }
      }
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
    return 0;
  }

  private record Run(int code, String out, String err) {}

  private Run run(Map<String, String> env, String... command) throws IOException, InterruptedException {
    assumeTrue(Files.isExecutable(LAUNCHER), LAUNCHER + " is built by examples' package phase");
    ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(List.of(command)))
        .redirectOutput(dir.resolve("out").toFile())
        .redirectError(dir.resolve("err").toFile());
    pb.environment().remove("JDK_JAVA_OPTIONS");
    pb.environment().remove("JGRAD_JAVA_OPTS");
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().putAll(env);
    Process p = pb.start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the launcher did not finish");
    return new Run(p.exitValue(), Files.readString(dir.resolve("out"), StandardCharsets.UTF_8),
        Files.readString(dir.resolve("err"), StandardCharsets.UTF_8));
  }
}
