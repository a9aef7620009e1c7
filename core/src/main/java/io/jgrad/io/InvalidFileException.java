package io.jgrad.io;

import java.util.Objects;

/**
 * A file that is missing, unreadable or not in the format its reader expects. The message is always one
 * line, {@code "<file>: <what is wrong, where, and what was expected>"}, so a command line can print it
 * as it is, without a stack trace.
 */
public final class InvalidFileException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Hostile files put arbitrary text (names, JSON) into details; keep messages short and on one line. */
  private static final int MAX_DETAIL_CHARS = 400;

  private final String file;

  public InvalidFileException(String file, String detail) {
    this(file, detail, null);
  }

  public InvalidFileException(String file, String detail, Throwable cause) {
    super(Objects.requireNonNull(file, "file") + ": " + oneLine(detail), cause);
    this.file = file;
  }

  /** The file as it was named to the reader (a path, or a resource name). */
  public String file() {
    return file;
  }

  private static String oneLine(String detail) {
    String flat = detail.replaceAll("\\p{Cntrl}+", " ").strip();
    return flat.length() <= MAX_DETAIL_CHARS ? flat : flat.substring(0, MAX_DETAIL_CHARS) + "...";
  }
}
