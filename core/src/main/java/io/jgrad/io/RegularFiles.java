package io.jgrad.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Inputs are regular files, checked before they are opened: opening a FIFO for reading blocks until a writer appears
 * (forever, for a resume pointed at one), and a device or directory is never a data set or a checkpoint. A symlink
 * counts as what it points to.
 */
public final class RegularFiles {
  private RegularFiles() {}

  /**
   * @return the file's size in bytes
   * @throws InvalidFileException naming the file if it is missing, unreadable or not a regular file
   */
  public static long require(Path file) {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw new InvalidFileException(file.toString(), "no such file", e);
    } catch (IOException e) {
      throw new InvalidFileException(file.toString(), "cannot read: " + e, e);
    }
    if (!a.isRegularFile()) {
      throw new InvalidFileException(file.toString(), "not a regular file (" + kind(a) + "): refused");
    }
    return a.size();
  }

  private static String kind(BasicFileAttributes a) {
    return a.isDirectory() ? "a directory" : "a FIFO, socket or device";
  }
}
