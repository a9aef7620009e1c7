package io.jgrad.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * What went wrong in a failed file operation, in words for a one-line error. The JDK's file exceptions for the most
 * common failures carry only the path as their message ({@code NoSuchFileException: /proc/.x.tmp}), the cause being
 * the exception's class; a message built from {@code getMessage()} then names a file and not what happened to it.
 */
public final class IoErrors {
  private IoErrors() {}

  /** "FILE: REASON" for a file system failure ("/data/.m.tmp: permission denied"), else the exception's message. */
  public static String reason(IOException e) {
    if (e instanceof FileSystemException f && f.getFile() != null) {
      return f.getFile() + ": " + why(e);
    }
    return why(e);
  }

  /** The reason alone ("permission denied"), for a message that already names the file. */
  public static String why(IOException e) {
    if (e instanceof FileSystemException f) {
      return f.getReason() != null ? f.getReason() : kind(f);
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  private static String kind(FileSystemException f) {
    if (f instanceof NoSuchFileException) {
      return "no such file or folder";
    }
    if (f instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (f instanceof FileAlreadyExistsException) {
      return "already exists";
    }
    if (f instanceof NotDirectoryException) {
      return "not a folder";
    }
    if (f instanceof DirectoryNotEmptyException) {
      return "folder not empty";
    }
    return f.getClass().getSimpleName();
  }
}
