package io.jgrad.examples.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.Backend;
import io.jgrad.Backends;
import io.jgrad.Generator;
import io.jgrad.examples.CliRun;
import io.jgrad.examples.OptimizerChoice;
import io.jgrad.nn.Linear;
import io.jgrad.optim.Optimizer;
import io.jgrad.testing.Fifos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The project's own hostile inputs to every command: values that make no sense, sizes past what the machine holds,
 * and run shapes at the edges. Each must end in one line naming what is wrong (exit 1), or succeed when it is legal;
 * never a stack trace, a hang or a silent success.
 */
class HostileInputTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      xor --steps -1                          | jgrad xor: --steps must be >= 0, got -1
      xor --lr Infinity                       | jgrad xor: --lr must be a finite number > 0, got Infinity
      regression --steps -5                   | jgrad regression: --steps must be >= 0, got -5
      regression --lr -1                      | jgrad regression: --lr must be a finite number > 0, got -1.0
      bench gemm --sizes 64,0                 | jgrad bench gemm: --sizes values must be >= 1, got 0
      bench gemm --trace -1                   | jgrad bench gemm: --trace must be a finite number > 0, got -1.0
      bench memory --width 0                  | jgrad bench memory: --width must be >= 1, got 0
      bench memory --steps -3                 | jgrad bench memory: --steps must be >= 1, got -3
      bench train --batch -1                  | jgrad bench train: --batch must be >= 1, got -1
      bench train --hidden 64,-2              | jgrad bench train: --hidden values must be >= 1, got -2
      bench train --threads 1000000           | jgrad bench train: threads must be at most
      train --weight-decay Infinity           | jgrad train: --weight-decay must be a finite number >= 0, got Infinity
      train --hidden 100000,100000            | jgrad train: --hidden 100000,100000 needs about
      """)
  void everyCommandRefusesNumbersThatMakeNoSense(String command, String expected) {
    CliRun r = CliRun.run(command.split(" +"));
    assertEquals(1, r.code(), r.out() + r.err());
    assertEquals(1, r.errorLine().lines().count(), r.err());
    assertTrue(r.errorLine().startsWith(expected), r.err());
  }

  @Test
  void anEmptyResumePathIsAnError() {
    CliRun r = CliRun.run("train", "--no-progress", "--resume", "");
    assertEquals(1, r.code(), r.err());
    assertEquals("jgrad train: --resume: the path is empty", r.errorLine());
  }

  /** One batch per epoch, one epoch: a run of one step, which every schedule must accept (it used to fail in one). */
  @ParameterizedTest
  @EnumSource(OptimizerChoice.Schedule.class)
  void aRunOfOneStepIsLegal(OptimizerChoice.Schedule schedule) {
    try (Backend cpu = Backends.create("cpu-scalar")) {
      Linear layer = new Linear(cpu, 3, 2, new Generator(1));
      try (Optimizer opt = new OptimizerChoice(OptimizerChoice.Kind.ADAMW, null, 0.9, null, schedule)
          .build(layer.namedParameters(), 1)) {
        assertTrue(opt.lr() > 0);
      } finally {
        layer.close();
      }
    }
  }

  @Test
  void aDivergedRunStopsWithoutSavingItsWeights() {
    Path ckpt = dir.resolve("run.safetensors");
    CliRun r = CliRun.run("train", "--no-progress", "--backend", "cpu", "--hidden", "8", "--epochs", "2",
        "--optimizer", "sgd", "--lr", "1e30", "--schedule", "constant", "--max-skipped-steps", "5", "--save",
        ckpt.toString());
    assertEquals(1, r.code(), r.err());
    assertTrue(r.errorLine().startsWith("jgrad train: 5 steps in a row skipped as non-finite (limit 5)"), r.err());
    assertFalse(Files.exists(ckpt), "the diverged epoch was saved");
  }

  /** A small run on the bundled digits, of one epoch unless {@code more} says --epochs. */
  private static CliRun train(String... more) {
    String[] base = {"train", "--no-progress", "--backend", "cpu", "--hidden", "8", "--batch", "1000", "--dropout",
        "0"};
    if (!Arrays.asList(more).contains("--epochs")) {
      base = Arrays.copyOf(base, base.length + 2);
      base[base.length - 2] = "--epochs";
      base[base.length - 1] = "1";
    }
    return CliRun.run(base, more);
  }

  private static void assertOneLine(CliRun r, String expected) {
    assertEquals(1, r.code(), r.out() + r.err());
    assertEquals(1, r.errorLine().lines().count(), r.err());
    assertTrue(r.errorLine().startsWith("jgrad train: " + expected), r.errorLine());
    assertFalse(r.out().contains("epoch 1/1"), "it trained before refusing");
  }

  @Test
  void outputPathsAreCheckedBeforeTraining() throws Exception {
    Path jpg = dir.resolve("x.jpg");
    assertOneLine(train("--plot", jpg.toString()), "--plot " + jpg + ": unsupported image format; charts are "
        + "written as PNG, so the name must end in .png");
    assertFalse(Files.exists(jpg) || Files.exists(dir.resolve("x.jpg.png")));
    Path nowhere = dir.resolve("missing").resolve("c.png");
    assertOneLine(train("--plot", nowhere.toString()), "--plot " + nowhere + ": the folder " + nowhere.getParent()
        + " does not exist");
    if (Files.isDirectory(Path.of("/proc/self"))) { // a folder that takes no new file, for root too
      Path proc = Path.of("/proc/m.safetensors");
      assertOneLine(train("--save", proc.toString()), "--save " + proc + ": the folder /proc ");
    }
    Path notes = Files.writeString(dir.resolve("notes.txt"), "keep");
    assertOneLine(train("--tensorboard", notes.toString()), "--tensorboard " + notes + ": not a folder (a file of "
        + "that name exists)");
    assertEquals("keep", Files.readString(notes));
    Path under = notes.resolve("runs");
    assertOneLine(train("--tensorboard", under.toString()), "--tensorboard " + under + ": cannot be made (" + notes
        + " is not a folder)");
    Path same = dir.resolve("same.out");
    assertOneLine(train("--save", same.toString(), "--metrics", same.toString()), "--metrics " + same + " and --save "
        + same + " name the same file");
    Path link = Files.createSymbolicLink(dir.resolve("link.jsonl"), same);
    assertOneLine(train("--save", same.toString(), "--metrics", link.toString()), "--metrics " + link + " and --save "
        + same + " name the same file");
    assertOneLine(train("--save", dir.toString()), "--save " + dir + ": not a regular file");
    assertOneLine(train("--resume", ""), "--resume: the path is empty");
  }

  @Test
  void fifosAreNeitherReadNorReplaced() throws Exception {
    Path fifo = Fifos.make(dir.resolve("pipe.safetensors"));
    CliRun save = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> train("--save", fifo.toString()));
    assertOneLine(save, "--save " + fifo + ": not a regular file");
    CliRun resume = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> train("--resume", fifo.toString()));
    assertOneLine(resume, fifo + ": not a regular file (a FIFO, socket or device): refused");
    assertFalse(Files.isRegularFile(fifo), "the FIFO was replaced");
  }

  /**
   * --save replaces only what this run resumed from: another run's checkpoint needs --overwrite; a symlink is written
   * through; a resume folder whose newest entry is a FIFO resumes from the newest real checkpoint, without blocking.
   */
  @Test
  void checkpointsOfOtherRunsAreKeptAndLinksWrittenThrough() throws Exception {
    Path runs = Files.createDirectories(dir.resolve("runs"));
    Path first = runs.resolve("first.safetensors");
    assertEquals(0, train("--save", first.toString()).code());
    byte[] before = Files.readAllBytes(first);
    assertOneLine(train("--seed", "7", "--save", first.toString()), "--save " + first + " already holds a file this "
        + "run does not resume from");
    assertArrayEquals(before, Files.readAllBytes(first), "the other run's checkpoint was touched");

    Path link = Files.createSymbolicLink(dir.resolve("latest.safetensors"), first);
    CliRun overwritten = train("--seed", "7", "--save", link.toString(), "--overwrite");
    assertEquals(0, overwritten.code(), overwritten.err());
    assertTrue(Files.isSymbolicLink(link), "the link was replaced by a file");
    assertFalse(Arrays.equals(before, Files.readAllBytes(first)), "not written through the link");

    Fifos.make(runs.resolve("zzz-newest.safetensors"));
    CliRun resumed = assertTimeoutPreemptively(Duration.ofSeconds(120),
        () -> train("--seed", "7", "--epochs", "2", "--resume", runs.toString(), "--save", first.toString()));
    assertEquals(0, resumed.code(), resumed.err());
    assertTrue(resumed.err().contains("resumed from " + first + " after epoch 1"), resumed.err());
  }

  /** A real OutOfMemoryError, in a child JVM with a 32 MB heap: one line naming the limit and how to raise it. */
  @Test
  void runningOutOfMemoryIsOneLine() throws Exception {
    Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx32m", "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
        "io.jgrad.examples.Jgrad", "bench", "memory", "--backend", "cpu-scalar", "--threads", "1", "--width", "4096",
        "--depth", "4"))
        .redirectErrorStream(true)
        .start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child JVM did not finish");
    String output = new String(p.getInputStream().readAllBytes());
    assertEquals(1, p.exitValue(), output);
    List<String> lines = output.lines().filter(l -> l.startsWith("jgrad")).toList();
    assertEquals(1, lines.size(), output);
    assertTrue(lines.get(0).startsWith("jgrad bench: out of memory (Java heap space) with a heap limit of "), output);
    assertTrue(lines.get(0).contains("JGRAD_JAVA_OPTS=-Xmx"), output);
    assertFalse(output.contains("\tat "), "a stack trace:\n" + output);
  }
}
