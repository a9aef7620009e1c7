package io.jgrad.examples.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jgrad.io.Safetensors;
import io.jgrad.io.SafetensorsFile;
import io.jgrad.io.TensorData;
import io.jgrad.train.TrainingCheckpoint;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety, end to end: {@code jgrad train --save} runs as a child JVM and is killed with SIGKILL at seeded random
 * moments (while starting or loading the checkpoint, at a random training step, and inside a checkpoint write), then
 * resumed with {@code --resume DIR} until it finishes. The result must be bit-identical to a run that was never
 * interrupted, and after every kill the newest complete checkpoint must load and hold no fewer epochs than before.
 */
class CrashResumeTest {
  private static final int EPOCHS = 5;
  private static final String[] TRAIN = {"train", "--hidden", "32", "--epochs", Integer.toString(EPOCHS), "--batch",
      "256", "--threads", "1", "--backend", "cpu", "--no-progress", "--seed", "7"};
  /** Kills before the final, uninterrupted resume, two of each kind; each life adds at most one epoch. */
  private static final int KILLS = 6;
  /** A kill at a save can lose the race to the rename; a few extra tries make one land inside a write. */
  private static final int EXTRA_TRIES = 5;
  /** Progress lines on stderr per epoch (one per tenth of the 32 steps, and the last). */
  private static final int LINES_PER_EPOCH = 11;
  /** A child normally finishes in seconds; this bounds a hung one. */
  private static final long CHILD_TIMEOUT_SECONDS = 60;

  @TempDir Path dir;

  @Test
  void killedAndResumedRunEndsBitIdenticalToAnUninterruptedOne() throws Exception {
    Path straight = dir.resolve("straight");
    Files.createDirectories(straight);
    Process reference = start(straight, "reference"); // runs beside the crashing one, to halve the test's time

    Path crashed = dir.resolve("crashed");
    Files.createDirectories(crashed);
    SplittableRandom rng = new SplittableRandom(20240611L);
    int kills = 0;
    int midSave = 0;
    int lastEpoch = 0;
    for (int life = 0; life < KILLS || midSave == 0 && life < KILLS + EXTRA_TRIES; life++) {
      List<Path> tempsBefore = tempFiles(crashed);
      Process child = start(crashed, "life" + life);
      int kind = life < KILLS ? life % 3 : 1;
      boolean killed = switch (kind) {
        // At a random step of this life's second epoch: one epoch of progress, its checkpoint complete.
        case 0 -> killAtLine(child, crashed.resolve("life" + life + ".err"), LINES_PER_EPOCH + 1 + rng.nextInt(10));
        case 1 -> killAtSave(child, crashed);
        // While the JVM starts, the data loads or the checkpoint is read back.
        default -> killAfter(child, rng.nextInt(1_500));
      };
      kills += killed ? 1 : 0;
      // A kill inside a write leaves its temporary file behind (until a later save removes it).
      midSave += killed && !tempsBefore.containsAll(tempFiles(crashed)) ? 1 : 0;
      assertTrue(lastEpoch == 0 || Files.exists(checkpoint(crashed)),
          "the checkpoint of epoch " + lastEpoch + " was lost");
      if (Files.exists(checkpoint(crashed))) {
        SafetensorsFile f = Safetensors.read(TrainingCheckpoint.newestValid(crashed));
        int epoch = Integer.parseInt(f.metadata().get("jgrad.epochs"));
        assertTrue(epoch >= lastEpoch, "epoch " + epoch + " after " + lastEpoch);
        lastEpoch = epoch;
      }
    }
    assertTrue(kills >= KILLS && midSave > 0, kills + " kills, " + midSave + " inside a checkpoint write");
    Process last = start(crashed, "last");
    assertEquals(0, finish(last), log(crashed, "last"));
    assertEquals(0, finish(reference), log(straight, "reference"));

    SafetensorsFile expected = Safetensors.read(checkpoint(straight));
    SafetensorsFile actual = Safetensors.read(checkpoint(crashed));
    assertEquals(Integer.toString(EPOCHS), actual.metadata().get("jgrad.epochs"));
    assertEquals(expected.metadata().get("jgrad.optimizer_steps"), actual.metadata().get("jgrad.optimizer_steps"));
    assertEquals(expected.tensors().keySet(), actual.tensors().keySet());
    for (String name : expected.tensors().keySet()) {
      assertArrayEquals(bits(expected.tensors().get(name)), bits(actual.tensors().get(name)), name);
    }
    System.out.printf("crash-resume: %d kills (%d inside a checkpoint write), resumed from epoch %d at the end%n",
        kills, midSave, lastEpoch);
  }

  private static Path checkpoint(Path runDir) {
    return runDir.resolve("ckpt.safetensors");
  }

  /** Starts {@code jgrad train} in a fresh JVM, as the {@code jgrad} script would, with output to files. */
  private static Process start(Path runDir, String name) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
        "io.jgrad.examples.Jgrad"));
    cmd.addAll(List.of(TRAIN));
    cmd.addAll(List.of("--save", checkpoint(runDir).toString()));
    if (Files.exists(checkpoint(runDir))) {
      cmd.addAll(List.of("--resume", runDir.toString()));
    }
    return new ProcessBuilder(cmd)
        .redirectOutput(runDir.resolve(name + ".out").toFile())
        .redirectError(runDir.resolve(name + ".err").toFile())
        .start();
  }

  private static int finish(Process p) throws InterruptedException {
    if (!p.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      fail("jgrad train did not finish in " + CHILD_TIMEOUT_SECONDS + " s");
    }
    return p.exitValue();
  }

  /** Kills the child {@code millis} after its start; false if it had already finished. */
  private static boolean killAfter(Process p, long millis) throws InterruptedException {
    p.waitFor(millis, TimeUnit.MILLISECONDS);
    return kill(p);
  }

  /** Kills the child when its stderr holds {@code lines} progress lines: a seeded training step. */
  private static boolean killAtLine(Process p, Path err, int lines) throws IOException, InterruptedException {
    while (p.isAlive() && Files.readAllLines(err).stream().filter(l -> l.contains(" step ")).count() < lines) {
      Thread.sleep(5);
    }
    return kill(p);
  }

  private static boolean kill(Process p) throws InterruptedException {
    boolean alive = p.isAlive();
    p.destroyForcibly().waitFor(); // SIGKILL on Linux: no shutdown hooks, no finally blocks
    return alive;
  }

  /**
   * Kills the child the moment its first checkpoint write in this life creates its temporary file, so the kill lands
   * between creating and renaming it (or just after, if the write wins the race).
   */
  private static boolean killAtSave(Process p, Path runDir) throws IOException, InterruptedException {
    try (WatchService watch = FileSystems.getDefault().newWatchService()) {
      runDir.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
      boolean seen = false;
      while (!seen && p.isAlive()) {
        WatchKey key = watch.poll(100, TimeUnit.MILLISECONDS);
        if (key == null) {
          continue;
        }
        for (WatchEvent<?> e : key.pollEvents()) {
          if (e.context() instanceof Path created && created.toString().endsWith(".tmp")) {
            seen = true;
          }
        }
        key.reset();
      }
      return kill(p);
    }
  }

  private static List<Path> tempFiles(Path runDir) throws IOException {
    try (Stream<Path> files = Files.list(runDir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList();
    }
  }

  private static int[] bits(TensorData t) {
    float[] v = t.toFloats();
    int[] bits = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      bits[i] = Float.floatToRawIntBits(v[i]);
    }
    return bits;
  }

  private static String log(Path runDir, String name) throws IOException {
    return Files.readString(runDir.resolve(name + ".err"));
  }
}
