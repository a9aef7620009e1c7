package io.jgrad.io;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * A NumPy {@code .npz} archive as {@code np.savez} and {@code np.savez_compressed} write it: a zip file holding one
 * {@code .npy} array ({@link NpyArray}) an entry, named {@code <key>.npy} after the keyword it was saved under; or a
 * folder of such files, one array a file named after its key, as {@code np.save("X_train.npy", X_train)} leaves them
 * (or an archive unzipped). An array is read when it is asked for, and its header alone when only its shape is.
 */
public final class NpzArchive {
  private static final String SUFFIX = ".npy";

  private final Path file;
  /** The arrays' keys, in the archive's order (a folder's: sorted). */
  private final List<String> keys;
  private final boolean folder;

  private NpzArchive(Path file, List<String> keys, boolean folder) {
    this.file = file;
    this.keys = Collections.unmodifiableList(keys);
    this.folder = folder;
  }

  /** Lists the arrays of the archive {@code file}, or of the {@code .npy} files of the folder {@code file}. */
  public static NpzArchive open(Path file) {
    if (Files.isDirectory(file)) {
      return folder(file);
    }
    RegularFiles.require(file);
    List<String> keys = new ArrayList<>();
    try (ZipFile zip = new ZipFile(file.toFile())) {
      for (ZipEntry entry : Collections.list(zip.entries())) {
        if (!entry.isDirectory() && entry.getName().endsWith(SUFFIX)) {
          keys.add(entry.getName().substring(0, entry.getName().length() - SUFFIX.length()));
        }
      }
    } catch (ZipException e) {
      throw new InvalidFileException(file.toString(), "not a NumPy .npz archive (a zip file of .npy arrays, as "
          + "np.savez writes): " + e.getMessage(), e);
    } catch (IOException e) {
      throw new InvalidFileException(file.toString(), "cannot read: " + IoErrors.reason(e), e);
    }
    if (keys.isEmpty()) {
      throw new InvalidFileException(file.toString(), "holds no .npy array (a zip file, not one np.savez wrote)");
    }
    return new NpzArchive(file, keys, false);
  }

  private static NpzArchive folder(Path dir) {
    List<String> keys;
    try (Stream<Path> files = Files.list(dir)) {
      keys = files.map(f -> f.getFileName().toString())
          .filter(name -> name.endsWith(SUFFIX) && !name.startsWith("."))
          .map(name -> name.substring(0, name.length() - SUFFIX.length())).sorted().toList();
    } catch (IOException e) {
      throw new InvalidFileException(dir.toString(), "cannot list: " + IoErrors.reason(e), e);
    }
    if (keys.isEmpty()) {
      throw new InvalidFileException(dir.toString(), "holds no .npy file (a folder of arrays as np.save writes them, "
          + "one a file named after its key: X_train.npy, y_train.npy, ...)");
    }
    return new NpzArchive(dir, keys, true);
  }

  public Path file() {
    return file;
  }

  /** The arrays' keys, as they were saved ({@code np.savez(f, x=..., y=...)}: x, y). */
  public List<String> keys() {
    return keys;
  }

  public boolean has(String key) {
    return keys.contains(key);
  }

  /** The array saved as {@code key}. */
  public NpyArray array(String key) {
    return read(key, in -> NpyArray.read(source(key), in));
  }

  /** The header of the array saved as {@code key}: its type and shape, its elements not read. */
  public NpyArray.Header header(String key) {
    return read(key, in -> NpyArray.readHeader(source(key), in));
  }

  /** How an array of the archive is named in messages: {@code train.npz:x}, or a folder's file. */
  public String source(String key) {
    return folder ? file.resolve(key + SUFFIX).toString() : file + ":" + key;
  }

  private interface Reading<T> {
    T from(InputStream in) throws IOException;
  }

  private <T> T read(String key, Reading<T> reading) {
    if (!has(key)) {
      throw new InvalidFileException(file.toString(), "holds no array '" + key + "' (its arrays: "
          + String.join(", ", keys) + ")");
    }
    if (folder) {
      Path array = file.resolve(key + SUFFIX);
      RegularFiles.require(array);
      try (InputStream in = new BufferedInputStream(Files.newInputStream(array), 1 << 16)) {
        return reading.from(in);
      } catch (IOException e) {
        throw new InvalidFileException(source(key), "cannot read: " + IoErrors.reason(e), e);
      }
    }
    try (ZipFile zip = new ZipFile(file.toFile());
        InputStream in = new BufferedInputStream(zip.getInputStream(zip.getEntry(key + SUFFIX)), 1 << 16)) {
      return reading.from(in);
    } catch (IOException e) {
      throw new InvalidFileException(source(key), "cannot read: " + IoErrors.reason(e), e);
    }
  }
}
