package io.jgrad.io;

import io.jgrad.spi.ReducedFloats;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One NumPy array as {@code np.save} writes it: the {@code .npy} format (versions 1.0, 2.0 and 3.0), a magic string, a
 * header that is a Python dict literal ({@code {'descr': '<f4', 'fortran_order': False, 'shape': (60000, 784), }})
 * and the elements' bytes. Numbers of every width NumPy writes (booleans, signed and unsigned integers of 1–8 bytes,
 * float16/32/64, either byte order) and fixed-width text ({@code <U}, {@code |S}) are read; an array of Python
 * objects (a pickle) or a structured array is refused with one line. A Fortran-ordered array is read into C order, so
 * that element i is always the i-th in row-major order.
 */
public final class NpyArray {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

  /** A header longer than this is no array's (NumPy's own reader refuses beyond 10,000 bytes by default). */
  private static final int MAX_HEADER_BYTES = 1 << 20;

  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
  private static final Pattern TYPE = Pattern.compile("([<>|=])([biufUS])(\\d+)");

  /** What an element is. */
  public enum Kind {
    BOOL, SIGNED, UNSIGNED, FLOAT,
    /** Fixed-width text: NumPy's {@code U} (UTF-32) and {@code S} (bytes, read as ASCII). */
    TEXT
  }

  /**
   * An array's header: what its elements are and its shape, as the file gives them.
   *
   * @param descr NumPy's type string ({@code "<f4"}, {@code "|u1"}, {@code "<U5"})
   * @param itemSize bytes an element
   */
  public record Header(String descr, Kind kind, int itemSize, ByteOrder order, boolean fortranOrder, int[] shape) {
    public Header {
      shape = shape.clone();
    }

    @Override
    public int[] shape() {
      return shape.clone();
    }

    /** Elements in all: the product of the shape (1 for a scalar's empty shape). */
    public long elements() {
      long n = 1;
      for (int d : shape) {
        n *= d;
      }
      return n;
    }

    /** The shape as NumPy prints it: {@code (60000, 28, 28)}, {@code (5,)}. */
    public String shapeText() {
      return NpyArray.shapeText(shape);
    }
  }

  private final String source;
  private final Header header;
  /** The elements in C (row-major) order. */
  private final ByteBuffer data;

  private NpyArray(String source, Header header, ByteBuffer data) {
    this.source = source;
    this.header = header;
    this.data = data;
  }

  /** Reads the {@code .npy} file {@code file}. */
  public static NpyArray read(Path file) {
    RegularFiles.require(file);
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      return read(file.toString(), in);
    } catch (IOException e) {
      throw new InvalidFileException(file.toString(), "cannot read: " + IoErrors.reason(e), e);
    }
  }

  /**
   * Reads one array from {@code in}, positioned at its magic string, to its last element.
   *
   * @param source the file (or an archive's entry, {@code "train.npz:x"}) for messages
   */
  public static NpyArray read(String source, InputStream in) throws IOException {
    Header header = readHeader(source, in);
    long bytes = header.elements() * header.itemSize();
    if (bytes > Integer.MAX_VALUE - 8) {
      throw new InvalidFileException(source, "an array of shape " + header.shapeText() + " holds " + bytes
          + " bytes: more than the 2 GiB one array is read into");
    }
    byte[] raw = in.readNBytes((int) bytes);
    if (raw.length < bytes) {
      throw new InvalidFileException(source, "truncated: its header gives shape " + header.shapeText() + " of "
          + header.descr() + ", " + bytes + " bytes, and " + raw.length + " follow");
    }
    ByteBuffer data = ByteBuffer.wrap(header.fortranOrder() && header.shape.length > 1
        ? toRowMajor(raw, header.shape, header.itemSize()) : raw).order(header.order());
    return new NpyArray(source, header, data);
  }

  /** Reads an array's header from {@code in}, positioned at its magic string, leaving it at the first element. */
  public static Header readHeader(String source, InputStream in) throws IOException {
    byte[] prefix = in.readNBytes(MAGIC.length + 2);
    if (prefix.length < MAGIC.length + 2 || !Arrays.equals(Arrays.copyOf(prefix, MAGIC.length), MAGIC)) {
      throw new InvalidFileException(source, "not a NumPy .npy array (no \\x93NUMPY magic string at its start)");
    }
    int major = prefix[MAGIC.length] & 0xFF;
    if (major < 1 || major > 3) {
      throw new InvalidFileException(source, ".npy format version " + major + "." + (prefix[MAGIC.length + 1] & 0xFF)
          + ": versions 1.0, 2.0 and 3.0 are read");
    }
    byte[] lengthBytes = in.readNBytes(major == 1 ? 2 : 4);
    if (lengthBytes.length < (major == 1 ? 2 : 4)) {
      throw new InvalidFileException(source, "truncated in its header");
    }
    ByteBuffer length = ByteBuffer.wrap(lengthBytes).order(ByteOrder.LITTLE_ENDIAN);
    long headerLength = major == 1 ? length.getShort() & 0xFFFF : length.getInt() & 0xFFFFFFFFL;
    if (headerLength > MAX_HEADER_BYTES) {
      throw new InvalidFileException(source, "a header of " + headerLength + " bytes: no array's");
    }
    byte[] text = in.readNBytes((int) headerLength);
    if (text.length < headerLength) {
      throw new InvalidFileException(source, "truncated in its header");
    }
    Charset charset = major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1;
    return parseHeader(source, new String(text, charset).strip());
  }

  private static Header parseHeader(String source, String dict) {
    if (dict.contains("'descr': [") || dict.contains("'descr':[")) {
      throw new InvalidFileException(source, "a structured array (fields of several types): save each field as an "
          + "array of its own");
    }
    Matcher descr = DESCR.matcher(dict);
    Matcher fortran = FORTRAN.matcher(dict);
    Matcher shape = SHAPE.matcher(dict);
    if (!dict.startsWith("{") || !descr.find() || !fortran.find() || !shape.find()) {
      throw new InvalidFileException(source, "a .npy header without descr, fortran_order and shape: " + dict);
    }
    String type = descr.group(1);
    if (type.endsWith("O")) {
      throw new InvalidFileException(source, "an array of Python objects ('" + type + "', read only with "
          + "allow_pickle): save it as numbers or fixed-width text (np.asarray(a, dtype=str))");
    }
    Matcher parts = TYPE.matcher(type);
    if (!parts.matches() || parts.group(3).length() > 6) { // no element is a megabyte wide
      throw new InvalidFileException(source, "elements of type '" + type + "': booleans, integers, floats and "
          + "fixed-width text are read");
    }
    char code = parts.group(2).charAt(0);
    int count = Integer.parseInt(parts.group(3));
    Kind kind = switch (code) {
      case 'b' -> Kind.BOOL;
      case 'i' -> Kind.SIGNED;
      case 'u' -> Kind.UNSIGNED;
      case 'f' -> Kind.FLOAT;
      default -> Kind.TEXT;
    };
    int itemSize = code == 'U' ? 4 * count : count;
    boolean widthKnown = switch (kind) {
      case BOOL -> count == 1;
      case SIGNED, UNSIGNED -> count == 1 || count == 2 || count == 4 || count == 8;
      case FLOAT -> count == 2 || count == 4 || count == 8;
      case TEXT -> count >= 1;
    };
    if (!widthKnown) {
      throw new InvalidFileException(source, "elements of type '" + type + "': not a width NumPy writes");
    }
    ByteOrder order = parts.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    String dims = shape.group(1).strip();
    int[] dimensions;
    try {
      dimensions = dims.isEmpty() ? new int[0] : Arrays.stream(dims.split(","))
          .map(String::strip).filter(d -> !d.isEmpty()).map(d -> d.endsWith("L") ? d.substring(0, d.length() - 1) : d)
          .mapToInt(Integer::parseInt).toArray();
    } catch (NumberFormatException e) {
      throw new InvalidFileException(source, "shape (" + dims + "): not whole numbers of at most 2^31 - 1", e);
    }
    if (Arrays.stream(dimensions).anyMatch(d -> d < 0)) {
      throw new InvalidFileException(source, "shape (" + dims + ") has a negative dimension");
    }
    try { // the bytes it claims, counted without overflow before anything is read
      long bytes = itemSize;
      for (int d : dimensions) {
        bytes = Math.multiplyExact(bytes, d);
      }
    } catch (ArithmeticException e) {
      throw new InvalidFileException(source, "shape (" + dims + ") of '" + type + "' claims more than 2^63 bytes", e);
    }
    return new Header(type, kind, itemSize, order, fortran.group(1).equals("True"), dimensions);
  }

  /** Column-major bytes of {@code shape} in row-major order. */
  private static byte[] toRowMajor(byte[] raw, int[] shape, int itemSize) {
    byte[] out = new byte[raw.length];
    int rank = shape.length;
    int[] index = new int[rank];
    long[] fortranStride = new long[rank];
    long stride = 1;
    for (int d = 0; d < rank; d++) {
      fortranStride[d] = stride;
      stride *= shape[d];
    }
    long elements = stride;
    for (long i = 0; i < elements; i++) { // i: row-major position, index its digits
      long from = 0;
      for (int d = 0; d < rank; d++) {
        from += index[d] * fortranStride[d];
      }
      System.arraycopy(raw, (int) (from * itemSize), out, (int) (i * itemSize), itemSize);
      for (int d = rank - 1; d >= 0 && ++index[d] == shape[d]; d--) {
        index[d] = 0;
      }
    }
    return out;
  }

  /** Where the array was read from, for messages. */
  public String source() {
    return source;
  }

  public Header header() {
    return header;
  }

  public int[] shape() {
    return header.shape();
  }

  public Kind kind() {
    return header.kind();
  }

  /** Elements in all. */
  public int size() {
    return (int) header.elements();
  }

  /** Element {@code i} in row-major order as a double (a 64-bit integer beyond 2^53 rounded). */
  public double value(int i) {
    int at = i * header.itemSize();
    return switch (header.kind()) {
      case BOOL -> data.get(at) != 0 ? 1 : 0;
      case SIGNED -> switch (header.itemSize()) {
        case 1 -> data.get(at);
        case 2 -> data.getShort(at);
        case 4 -> data.getInt(at);
        default -> data.getLong(at);
      };
      case UNSIGNED -> switch (header.itemSize()) {
        case 1 -> data.get(at) & 0xFF;
        case 2 -> data.getShort(at) & 0xFFFF;
        case 4 -> data.getInt(at) & 0xFFFFFFFFL;
        default -> unsigned(data.getLong(at));
      };
      case FLOAT -> switch (header.itemSize()) {
        case 2 -> ReducedFloats.fromFloat16(data.getShort(at));
        case 4 -> data.getFloat(at);
        default -> data.getDouble(at);
      };
      case TEXT -> throw new IllegalStateException(source + " holds text ('" + header.descr() + "'), not numbers");
    };
  }

  /** Every element as a float, in row-major order. */
  public float[] floats() {
    float[] out = new float[size()];
    if (header.kind() == Kind.UNSIGNED && header.itemSize() == 1) { // images: the common case, read without dispatch
      for (int i = 0; i < out.length; i++) {
        out[i] = data.get(i) & 0xFF;
      }
      return out;
    }
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) value(i);
    }
    return out;
  }

  /** Element {@code i} of a text array, its trailing NULs (NumPy's padding) left out. */
  public String text(int i) {
    if (header.kind() != Kind.TEXT) {
      throw new IllegalStateException(source + " holds numbers ('" + header.descr() + "'), not text");
    }
    int width = header.itemSize();
    byte[] bytes = new byte[width];
    data.get(i * width, bytes);
    boolean utf32 = header.descr().charAt(1) == 'U';
    String s = new String(bytes, utf32 ? Charset.forName(data.order() == ByteOrder.BIG_ENDIAN ? "UTF-32BE"
        : "UTF-32LE") : StandardCharsets.US_ASCII);
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == '\0') {
      end--;
    }
    return s.substring(0, end);
  }

  private static double unsigned(long v) {
    return v >= 0 ? v : (double) (v >>> 1) * 2 + (v & 1);
  }

  /** A shape as NumPy prints it. */
  public static String shapeText(int[] shape) {
    if (shape.length == 1) {
      return "(" + shape[0] + ",)";
    }
    return "(" + String.join(", ", Arrays.stream(shape).mapToObj(Integer::toString).toList()) + ")";
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s: %s %s", source, header.descr(), header.shapeText());
  }
}
