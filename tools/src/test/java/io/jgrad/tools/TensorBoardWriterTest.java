package io.jgrad.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.train.EpochMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The event files are TensorBoard's byte for byte, and a run's file holds each epoch's and every N-th step's figures at
 * the step count they belong to. The files are read back here by a reader of the format written from its definition
 * (TFRecord framing, the Event and Summary messages), which checks each record's CRCs.
 */
class TensorBoardWriterTest extends ScalarBackendTest {
  /**
   * TensorBoard 2.21's {@code RecordWriter} on the same two events ({@code docs/bench/tensorboard_events.py
   * reference}): the version event at wall time 1764892800.25, and train/loss 0.6725655528704325, test/accuracy
   * 0.8989 at step 4690, wall time 1764892811.5.
   */
  private static final String TENSORBOARD_BYTES = "1800000000000000a37f4b220900001020884cda411a0d627261696e2e4576656e"
      + "743a32249c34f63700000000000000e7e8ca59090000e022884cda4110d2242a290a110a0a747261696e2f6c6f737315422d2c3f0a14"
      + "0a0d746573742f6163637572616379154f1e663fa73843d8";

  @Test
  void recordsAreTensorBoardsBytes() {
    Map<String, Double> scalars = new LinkedHashMap<>();
    scalars.put("train/loss", 0.6725655528704325);
    scalars.put("test/accuracy", 0.8989);
    ByteBuffer ours = ByteBuffer.allocate(TENSORBOARD_BYTES.length() / 2);
    ours.put(EventFile.record(EventFile.versionEvent(1764892800.25)));
    ours.put(EventFile.record(EventFile.scalarsEvent(1764892811.5, 4690, scalars)));
    assertEquals(TENSORBOARD_BYTES, HexFormat.of().formatHex(ours.array()));
  }

  @Test
  void aRunWritesEpochFiguresAndStepLossesAtTheStepsTaken() throws IOException {
    Path folder = dir.resolve("runs/toy"); // made, parents too, as SummaryWriter makes its log_dir
    List<EpochMetrics> history;
    TensorBoardWriter writer = new TensorBoardWriter(folder).everySteps(2);
    try (ToyRun run = new ToyRun(backend)) {
      history = run.trainer.listener(writer).fit(run.train, run.test, 2);
    }
    assertTrue(writer.file().getFileName().toString().startsWith("events.out.tfevents."), writer.file().toString());
    List<Event> events = read(writer.file());
    assertEquals(EventFile.FILE_VERSION, events.get(0).fileVersion);

    // 96 examples in batches of 16: 6 steps an epoch, a step loss after steps 2, 4, 6 of each, then the epoch's figures
    List<Long> stepLossSteps = new ArrayList<>();
    for (Event e : events) {
      if (e.scalars.containsKey("train/step_loss")) {
        stepLossSteps.add(e.step);
        assertTrue(e.scalars.get("train/step_loss") > 0 && e.scalars.size() == 1, e.scalars.toString());
      }
    }
    assertEquals(List.of(2L, 4L, 6L, 8L, 10L, 12L), stepLossSteps);
    for (EpochMetrics m : history) {
      Event e = events.stream().filter(ev -> ev.scalars.containsKey("epoch") && ev.scalars.get("epoch") == m.epoch())
          .findFirst().orElseThrow();
      assertEquals(6L * m.epoch(), e.step);
      assertEquals((float) m.trainLoss(), e.scalars.get("train/loss"));
      assertEquals((float) m.testLoss(), e.scalars.get("test/loss"));
      assertEquals((float) m.testAccuracy(), e.scalars.get("test/accuracy"));
      assertEquals((float) m.lr(), e.scalars.get("lr"));
      assertEquals((float) m.samplesPerSec(), e.scalars.get("samples_per_sec"));
      assertEquals(0f, e.scalars.get("skipped_steps"));
      assertEquals(m.gradNorms().size(), e.scalars.keySet().stream().filter(t -> t.startsWith("grad_norm/")).count());
      m.gradNorms().forEach((layer, norm) -> assertEquals(norm.floatValue(), e.scalars.get("grad_norm/" + layer)));
      assertTrue(!e.scalars.containsKey("validation/loss"), "no validation data: no validation curve");
    }
    // a wall time now, not zero or garbage
    double wall = events.get(events.size() - 1).wallTime;
    assertEquals(System.currentTimeMillis() / 1000.0, wall, 600);
  }

  @Test
  void aSecondWriterInTheSameFolderWritesItsOwnFile() {
    Path a = new TensorBoardWriter(dir).file();
    Path b = new TensorBoardWriter(dir).file();
    assertNotEquals(a, b);
    assertEquals(a.getParent(), b.getParent());
  }

  @Test
  void aFolderThatIsAFileIsOneLineNamingIt() throws IOException {
    Path file = Files.writeString(dir.resolve("notes.txt"), "keep me");
    UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> new TensorBoardWriter(file));
    assertTrue(e.getMessage().startsWith("cannot write TensorBoard events to " + file + ": "), e.getMessage());
    assertEquals("keep me", Files.readString(file));
    assertThrows(IllegalArgumentException.class, () -> new TensorBoardWriter(dir).everySteps(-1));
  }

  @Test
  void aRegressionRunHasNoAccuracyCurveAndNoStepLossesWhenAskedForNone() throws IOException {
    TensorBoardWriter writer = new TensorBoardWriter(dir).everySteps(0);
    writer.epochStarted(1, 1, 10);
    writer.stepFinished(1, 9, null); // never read: no step losses asked for
    double nan = Double.NaN;
    writer.epochFinished(new EpochMetrics(1, 0.5, 0.25, nan, nan, nan, nan, nan, 1e-3, 100, 1, 0, 0, Map.of()));
    List<Event> events = read(writer.file());
    assertEquals(2, events.size());
    assertEquals(10, events.get(1).step);
    assertEquals(List.of("train/loss", "test/loss", "lr", "samples_per_sec", "skipped_steps", "epoch"),
        new ArrayList<>(events.get(1).scalars.keySet()));
  }

  /** A fit that ranks its validation data ({@code Trainer.rankValidation}) gets those figures' curves too. */
  @Test
  void aRankedRunHasItsValidationRankingCurves() throws IOException {
    TensorBoardWriter writer = new TensorBoardWriter(dir).everySteps(0);
    writer.epochStarted(1, 1, 10);
    writer.epochFinished(new EpochMetrics(1, 0.5, 0.25, 0.75, 0.375, 0.625, 0.5625, 0.875, 1e-3, 100, 1, 0, 0,
        Map.of()));
    Map<String, Float> scalars = read(writer.file()).get(1).scalars;
    assertEquals(0.5625f, scalars.get("validation/macro_f1"));
    assertEquals(0.875f, scalars.get("validation/roc_auc"));
    assertEquals(0.625f, scalars.get("validation/accuracy"));
  }

  /** What a test needs of an Event: its wall time, step, file version and scalars. */
  private static final class Event {
    double wallTime;
    long step;
    String fileVersion;
    final Map<String, Float> scalars = new LinkedHashMap<>();
  }

  /** Every record of {@code file}, each one's length and data checked against its masked CRC-32C. */
  private static List<Event> read(Path file) throws IOException {
    ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    List<Event> events = new ArrayList<>();
    while (in.hasRemaining()) {
      byte[] length = new byte[8];
      in.get(length);
      assertEquals(EventFile.maskedCrc(length, 0, 8), in.getInt(), "length CRC");
      byte[] data = new byte[(int) ByteBuffer.wrap(length).order(ByteOrder.LITTLE_ENDIAN).getLong()];
      in.get(data);
      assertEquals(EventFile.maskedCrc(data, 0, data.length), in.getInt(), "data CRC");
      events.add(event(ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN)));
    }
    return events;
  }

  private static Event event(ByteBuffer in) {
    Event e = new Event();
    while (in.hasRemaining()) {
      long key = varint(in);
      int field = (int) (key >>> 3);
      switch (field) {
        case 1 -> e.wallTime = in.getDouble();
        case 2 -> e.step = varint(in);
        case 3 -> e.fileVersion = new String(bytes(in));
        case 5 -> summary(ByteBuffer.wrap(bytes(in)).order(ByteOrder.LITTLE_ENDIAN), e.scalars);
        default -> throw new AssertionError("unexpected Event field " + field);
      }
    }
    return e;
  }

  private static void summary(ByteBuffer in, Map<String, Float> scalars) {
    while (in.hasRemaining()) {
      assertEquals(1 << 3 | 2, varint(in), "Summary.value");
      ByteBuffer value = ByteBuffer.wrap(bytes(in)).order(ByteOrder.LITTLE_ENDIAN);
      assertEquals(1 << 3 | 2, varint(value), "Value.tag");
      String tag = new String(bytes(value));
      assertEquals(2 << 3 | 5, varint(value), "Value.simple_value");
      assertTrue(scalars.put(tag, value.getFloat()) == null, "one value per tag: " + tag);
      assertTrue(!value.hasRemaining());
    }
  }

  private static byte[] bytes(ByteBuffer in) {
    byte[] b = new byte[(int) varint(in)];
    in.get(b);
    return b;
  }

  private static long varint(ByteBuffer in) {
    long v = 0;
    for (int shift = 0;; shift += 7) {
      byte b = in.get();
      v |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        return v;
      }
    }
  }
}
