package io.jgrad.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replaces a file so that, whatever happens, the path holds either the complete old content or the
 * complete new content: write a temporary file in the same directory, force it to disk, rename it over
 * the target atomically, then force the directory so the rename itself survives a power cut.
 *
 * <p>A crash before the rename leaves the old file untouched (and possibly a stale {@code .NAME.*.tmp}
 * beside it, which no reader looks at); the next successful write of the same file removes such leftovers.
 *
 * <p>A symlink is written through: the file it points to is replaced and the link stays. A target that exists but is
 * not a regular file (a directory, a FIFO, a device) is refused, never replaced.
 */
public final class AtomicFiles {

  /** Writes a file's whole content; the stream is closed by {@link #write}. */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  /** The suffix of a write's temporary file. */
  private static final String TEMPORARY = ".tmp";
  /** The suffix of {@link #probe}'s file. */
  private static final String PROBE = ".probe";

  private AtomicFiles() {}

  /** Atomically replaces (or creates) {@code target} with what {@code content} writes. */
  public static void write(Path target, Content content) throws IOException {
    write(target, content, () -> {});
  }

  /** As {@link #write(Path, Content)}; {@code beforeRename} runs between fsync and rename (tests crash there). */
  static void write(Path target, Content content, Runnable beforeRename) throws IOException {
    Path absolute = destination(target);
    Path dir = absolute.getParent();
    Path temp = beside(absolute, TEMPORARY);
    boolean renamed = false;
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        // Not closed here: closing the stream would close the channel before force().
        OutputStream out = Channels.newOutputStream(channel);
        content.writeTo(out);
        out.flush();
        channel.force(true);
      }
      beforeRename.run();
      Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      renamed = true;
      forceDirectory(dir);
      deleteLeftovers(dir, "." + absolute.getFileName() + ".");
    } finally {
      if (!renamed) {
        Files.deleteIfExists(temp);
      }
    }
  }

  /**
   * Atomically appends {@code bytes} to {@code target} (created if absent): the old content and the new bytes go to a
   * temporary file that replaces it, so a full disk or a crash leaves the file as it was, never half a line. Meant for
   * small files that grow a line at a time (metrics): each append copies the file.
   */
  public static void append(Path target, byte[] bytes) throws IOException {
    append(target, bytes, () -> {});
  }

  /** As {@link #append(Path, byte[])}; {@code beforeRename} as in {@link #write(Path, Content, Runnable)}. */
  static void append(Path target, byte[] bytes, Runnable beforeRename) throws IOException {
    Path file = destination(target);
    byte[] old = Files.exists(file) ? Files.readAllBytes(file) : new byte[0];
    write(file, out -> {
      out.write(old);
      out.write(bytes);
    }, beforeRename);
  }

  /**
   * Creates and removes a file where a {@link #write} of {@code target} would create its temporary one ({@code
   * .NAME.*.probe}: not {@code .tmp}, which marks a write in progress), so that a folder the permission bits call
   * writable but that refuses new files (procfs, a read-only mount seen by root, a full inode table, a security
   * policy) fails before a long run rather than at its first save. One a crash leaves is removed as a write's are.
   *
   * @throws IOException naming what refused it ({@link IoErrors#reason} words it)
   */
  public static void probe(Path target) throws IOException {
    Path file = beside(destination(target), PROBE);
    Files.newByteChannel(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
    Files.delete(file);
  }

  /**
   * A new name beside {@code absolute} ending in {@code suffix}: the same folder, since a rename across file systems is
   * not atomic.
   */
  private static Path beside(Path absolute, String suffix) {
    return absolute.getParent().resolve(
        "." + absolute.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + suffix);
  }

  /**
   * Where writing {@code target} lands: the absolute path, or for a symlink (a chain of them, or one whose target does
   * not exist yet) the file it finally points to.
   *
   * @throws IOException if that exists and is not a regular file, or the links loop
   */
  public static Path destination(Path target) throws IOException {
    Path path = target.toAbsolutePath();
    for (int hops = 0; Files.isSymbolicLink(path); hops++) {
      if (hops == 40) {
        throw new IOException(target + ": too many levels of symbolic links");
      }
      path = path.getParent().resolve(Files.readSymbolicLink(path)).toAbsolutePath().normalize();
    }
    if (Files.exists(path) && !Files.isRegularFile(path)) {
      throw new IOException(target + (path.equals(target.toAbsolutePath()) ? "" : " (→ " + path + ")")
          + ": not a regular file (a directory, FIFO or device): refused to replace it");
    }
    return path;
  }

  /** Removes the temporary files of earlier writes of this file that a crash interrupted. Best effort. */
  private static void deleteLeftovers(Path dir, String prefix) {
    try (DirectoryStream<Path> stale = Files.newDirectoryStream(dir, p -> {
      String name = p.getFileName().toString();
      return name.startsWith(prefix) && (name.endsWith(TEMPORARY) || name.endsWith(PROBE));
    })) {
      for (Path p : stale) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // A leftover that cannot be removed now is harmless: no reader looks at it, and a later write tries again.
    }
  }

  private static void forceDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Some platforms (Windows) cannot open a directory; the rename is still atomic, only its
      // durability across a power cut then rests on the file system's own journal.
    }
  }
}
