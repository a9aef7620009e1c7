package io.jgrad.tools;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;

/**
 * A TensorBoard event file: {@code Event} messages (a wall time, a step, a {@code Summary} of scalars) in TFRecord
 * framing — each record the data's length, that length's masked CRC-32C, the data and its masked CRC-32C — appended
 * one whole record per write, as TensorFlow's and PyTorch's writers do: a run killed mid-write leaves its last record
 * cut short, which TensorBoard's reader stops at, and every earlier one readable.
 */
final class EventFile {
  /** The version TensorBoard expects in a file's first event. */
  static final String FILE_VERSION = "brain.Event:2";

  private static final AtomicInteger FILES = new AtomicInteger();
  private static final int MASK_DELTA = 0xa282ead8;

  private final Path path;

  private EventFile(Path path) {
    this.path = path;
  }

  /**
   * Creates a new event file in {@code folder} (made if missing), named as TensorBoard's writers name theirs ({@code
   * events.out.tfevents.SECONDS.HOST.PID.N}, which its loader looks for), holding the version event.
   */
  static EventFile create(Path folder, double wallTime) throws IOException {
    Files.createDirectories(folder);
    String name = String.format("events.out.tfevents.%010d.%s.%d.%d", (long) wallTime, host(),
        ProcessHandle.current().pid(), FILES.getAndIncrement());
    EventFile file = new EventFile(folder.resolve(name));
    Files.write(file.path, record(versionEvent(wallTime)), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    return file;
  }

  Path path() {
    return path;
  }

  /** Appends one event of {@code scalars} (tag → value, in their order) at {@code step}. */
  void scalars(double wallTime, long step, Map<String, Double> scalars) throws IOException {
    Files.write(path, record(scalarsEvent(wallTime, step, scalars)), StandardOpenOption.APPEND);
  }

  static byte[] versionEvent(double wallTime) {
    return new Protobuf().fixed64(1, Double.doubleToRawLongBits(wallTime)).string(3, FILE_VERSION).toByteArray();
  }

  /** An event whose summary holds each scalar as a {@code simple_value} (float, as TensorBoard keeps scalars). */
  static byte[] scalarsEvent(double wallTime, long step, Map<String, Double> scalars) {
    Protobuf summary = new Protobuf();
    scalars.forEach((tag, value) -> summary.message(1,
        new Protobuf().string(1, tag).fixed32(2, Float.floatToRawIntBits(value.floatValue()))));
    return new Protobuf().fixed64(1, Double.doubleToRawLongBits(wallTime)).varint(2, step).message(5, summary)
        .toByteArray();
  }

  /** {@code data} framed as one TFRecord. */
  static byte[] record(byte[] data) {
    ByteBuffer out = ByteBuffer.allocate(data.length + 16).order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(data.length);
    out.putInt(maskedCrc(out.array(), 0, 8));
    out.put(data);
    out.putInt(maskedCrc(data, 0, data.length));
    return out.array();
  }

  /** CRC-32C rotated and offset, as TFRecord stores it (a CRC of data that holds CRCs is then not degenerate). */
  static int maskedCrc(byte[] bytes, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, offset, length);
    int c = (int) crc.getValue();
    return ((c >>> 15) | (c << 17)) + MASK_DELTA;
  }

  /** The machine's name as a file name's part; "localhost" where it has none that fits. */
  private static String host() {
    try {
      String name = InetAddress.getLocalHost().getHostName();
      return name.matches("[A-Za-z0-9._-]+") ? name : "localhost";
    } catch (IOException e) {
      return "localhost";
    }
  }
}
