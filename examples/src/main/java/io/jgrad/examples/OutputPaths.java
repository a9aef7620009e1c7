package io.jgrad.examples;

import io.jgrad.io.AtomicFiles;
import io.jgrad.io.IoErrors;
import io.jgrad.tools.CurvePlot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The files a command will write, checked together before it does any work, so that a bad path fails in one line at
 * once instead of after a whole training run (losing its summary) or, worse, by overwriting the wrong file. Each must
 * be writable where it lands (through symlinks: its folder takes a new file, tried by {@link AtomicFiles#probe}), not be
 * something other than a regular file, and not be the same file as another output.
 */
final class OutputPaths {
  private final Map<String, Path> destinations = new LinkedHashMap<>();

  /**
   * Adds the output of {@code option} (ignored when null).
   *
   * @throws IllegalArgumentException naming the option and the path, if it cannot be written or another output already
   *     lands on the same file
   */
  OutputPaths add(String option, Path path) {
    if (path == null) {
      return this;
    }
    if (path.toString().isEmpty()) {
      throw new IllegalArgumentException(option + ": the path is empty");
    }
    Path destination;
    try {
      destination = AtomicFiles.destination(path);
    } catch (IOException e) {
      throw new IllegalArgumentException(option + " " + e.getMessage());
    }
    Path folder = destination.getParent();
    if (!Files.isDirectory(folder)) {
      throw new IllegalArgumentException(option + " " + path + ": the folder " + folder + " does not exist");
    }
    if (!Files.isWritable(folder)) {
      throw new IllegalArgumentException(option + " " + path + ": the folder " + folder + " is not writable");
    }
    try {
      AtomicFiles.probe(destination);
    } catch (IOException e) {
      throw new IllegalArgumentException(option + " " + path + ": the folder " + folder + " refuses new files ("
          + IoErrors.why(e) + ")");
    }
    Path key = canonical(destination);
    destinations.forEach((other, otherKey) -> {
      if (otherKey.equals(key)) {
        throw new IllegalArgumentException(option + " " + path + " and " + other + " name the same file " + key
            + ": each output needs its own");
      }
    });
    destinations.put(option + " " + path, key);
    return this;
  }

  /** Adds a chart's output: as {@link #add}, and its name must end in .png (see {@link CurvePlot#requirePng}). */
  OutputPaths addPng(String option, Path path) {
    if (path != null) {
      try {
        CurvePlot.requirePng(path);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(option + " " + e.getMessage());
      }
    }
    return add(option, path);
  }

  /**
   * Adds a folder a command writes new files into (made, with its parents, where missing): it must be a folder that
   * takes new files, or the nearest folder above it that exists must be writable.
   *
   * @throws IllegalArgumentException naming the option and the path otherwise
   */
  OutputPaths addFolder(String option, Path folder) {
    if (folder == null) {
      return this;
    }
    if (folder.toString().isEmpty()) {
      throw new IllegalArgumentException(option + ": the path is empty");
    }
    Path absolute = folder.toAbsolutePath();
    if (Files.exists(absolute)) {
      if (!Files.isDirectory(absolute)) {
        throw new IllegalArgumentException(option + " " + folder + ": not a folder (a file of that name exists)");
      }
      try {
        AtomicFiles.probe(absolute.resolve("events"));
      } catch (IOException e) {
        throw new IllegalArgumentException(option + " " + folder + ": the folder refuses new files ("
            + IoErrors.why(e) + ")");
      }
      return this;
    }
    Path above = absolute.getParent();
    while (above != null && !Files.exists(above)) {
      above = above.getParent();
    }
    if (above == null || !Files.isDirectory(above) || !Files.isWritable(above)) {
      throw new IllegalArgumentException(option + " " + folder + ": cannot be made" + (above == null ? ""
          : " (" + above + (Files.isDirectory(above) ? " is not writable)" : " is not a folder)")));
    }
    return this;
  }

  /** The file's identity: its folder's real path (symlinked folders resolved) and its name. */
  private static Path canonical(Path destination) {
    try {
      return destination.getParent().toRealPath().resolve(destination.getFileName());
    } catch (IOException e) {
      return destination.normalize();
    }
  }
}
