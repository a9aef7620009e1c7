package io.jgrad.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * One line of a CSV file split at its commas (or another {@link #delimiter}) without copying its cells: a number is
 * read straight from the line's characters, and a cell becomes text only when asked (a label, a header, an error). A
 * cell in double quotes (RFC 4180: delimiters inside, {@code ""} for a quote) is unquoted into text as the line is
 * split. Cells are stripped of whitespace. {@link CsvDataset} reads tables with it, and {@code predict} its input
 * files. One instance serves line after line.
 */
public final class CsvLine {
  /** The delimiters {@link #sniff} tells apart: comma, semicolon (a spreadsheet's where decimals take a comma), tab. */
  private static final String DELIMITERS = ",;\t|";

  /** 10^0 … 10^10: each exact in float (5^10 < 2^24). */
  private static final float[] POWERS_OF_TEN = {1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f, 1e8f, 1e9f, 1e10f};

  /** Mantissas up to 2^24 are exact in float. */
  private static final long EXACT_MANTISSA = 1 << 24;

  /** The texts pandas' {@code read_csv} reads as a missing value by default, besides an empty cell. */
  private static final Set<String> MISSING = Set.of("#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan",
      "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null");

  private final char delimiter;
  private String line = "";
  private int count;
  private int[] start = new int[16];
  private int[] end = new int[16];
  private String[] quoted = new String[16];

  /** A line of comma-separated cells. */
  public CsvLine() {
    this(',');
  }

  /** A line of cells separated by {@code delimiter}. */
  public CsvLine(char delimiter) {
    if (delimiter == '"' || Character.isLetterOrDigit(delimiter) || delimiter == '\n' || delimiter == '\r') {
      throw new IllegalArgumentException("a cell delimiter cannot be '" + delimiter + "'");
    }
    this.delimiter = delimiter;
  }

  /**
   * The delimiter of a file whose first line is {@code firstLine} (its header, or its first row): whichever of comma,
   * semicolon, tab and bar it holds most often outside double quotes, a comma where none is there or two tie, as
   * Python's {@code csv.Sniffer} would settle it for a table whose every row has as many cells.
   */
  public static char sniff(String firstLine) {
    int[] counts = new int[DELIMITERS.length()];
    boolean quoted = false;
    for (int i = 0; i < firstLine.length(); i++) {
      char ch = firstLine.charAt(i);
      if (ch == '"') {
        quoted = !quoted;
      } else if (!quoted && DELIMITERS.indexOf(ch) >= 0) {
        counts[DELIMITERS.indexOf(ch)]++;
      }
    }
    int best = 0;
    for (int d = 1; d < counts.length; d++) {
      best = counts[d] > counts[best] ? d : best;
    }
    return DELIMITERS.charAt(best);
  }

  /** What separates this line's cells. */
  public char delimiter() {
    return delimiter;
  }

  /** Splits {@code text}; returns false where a quoted cell is not closed on the line. */
  public boolean split(String text) {
    line = text;
    count = 0;
    int n = text.length();
    int i = 0;
    while (true) {
      int s = skipSpace(i, n);
      int e;
      if (s < n && text.charAt(s) == '"') {
        StringBuilder cell = new StringBuilder();
        int j = s + 1;
        for (; ; j++) {
          if (j >= n) {
            return false;
          }
          char ch = text.charAt(j);
          if (ch == '"' && j + 1 < n && text.charAt(j + 1) == '"') {
            cell.append('"');
            j++;
          } else if (ch == '"') {
            break;
          } else {
            cell.append(ch);
          }
        }
        e = text.indexOf(delimiter, j + 1);
        e = e < 0 ? n : e;
        cell.append(text, j + 1, e); // what follows the closing quote, as a spreadsheet keeps it
        add(-1, -1, cell.toString().strip());
      } else {
        e = text.indexOf(delimiter, s);
        e = e < 0 ? n : e;
        int stripped = e;
        while (stripped > s && Character.isWhitespace(text.charAt(stripped - 1))) {
          stripped--;
        }
        add(s, stripped, null);
      }
      if (e >= n) {
        return true;
      }
      i = e + 1;
    }
  }

  private int skipSpace(int i, int n) {
    while (i < n && Character.isWhitespace(line.charAt(i)) && line.charAt(i) != delimiter) { // a tab may delimit
      i++;
    }
    return i;
  }

  private void add(int s, int e, String text) {
    if (count == start.length) {
      start = Arrays.copyOf(start, 2 * count);
      end = Arrays.copyOf(end, 2 * count);
      quoted = Arrays.copyOf(quoted, 2 * count);
    }
    start[count] = s;
    end[count] = e;
    quoted[count] = text;
    count++;
  }

  /**
   * {@code text} as a CSV cell delimited by commas (RFC 4180, what {@link #split} reads back): as it is, or in double
   * quotes, its quotes doubled, where it holds a comma, a quote or a line break.
   */
  public static String quote(String text) {
    return text.matches("[^\",\r\n]*") ? text : "\"" + text.replace("\"", "\"\"") + "\"";
  }

  /** The cells of the line split last. */
  public int size() {
    return count;
  }

  /** Cell i as text, unquoted and stripped. */
  public String text(int i) {
    return quoted[i] != null ? quoted[i] : line.substring(start[i], end[i]);
  }

  /** Cell i's value, NaN where it is not a decimal number (as for "NaN"): unboxed, as a table has millions. */
  public float value(int i) {
    if (quoted[i] == null) {
      float v = plainDecimal(line, start[i], end[i]);
      if (!Float.isNaN(v)) {
        return v;
      }
    }
    Float v = number(text(i));
    return v == null ? Float.NaN : v;
  }

  /** Every cell as text. */
  public List<String> texts() {
    List<String> all = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      all.add(text(i));
    }
    return all;
  }

  /** Whether a cell's text marks a missing value as pandas reads one: empty, {@code NA}, {@code NaN}, {@code null}… */
  public static boolean isMissing(String cell) {
    return cell.isEmpty() || MISSING.contains(cell);
  }

  /** The cell's value, or null where it is not a decimal number (Java's "1f" and "0x1p3" are not). */
  public static Float number(String cell) {
    char last = cell.isEmpty() ? 'x' : Character.toLowerCase(cell.charAt(cell.length() - 1));
    int signs = cell.startsWith("-") || cell.startsWith("+") ? 1 : 0;
    if (last == 'f' || last == 'd' || cell.regionMatches(true, signs, "0x", 0, 2)) {
      return null;
    }
    try {
      return Float.parseFloat(cell);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * {@code s[from, to)} as {@link Float#parseFloat} reads it, where it is a plain decimal (a sign, digits with at most
   * one point, an exponent) whose digits make an integer up to 2^24 scaled by 10^-10 … 10^10: both are exact in float,
   * so one float multiplication or division rounds the value correctly. NaN for anything else, which the caller parses
   * in full.
   */
  static float plainDecimal(CharSequence s, int from, int to) {
    int i = from;
    boolean negative = false;
    if (signAt(s, i, to)) {
      negative = s.charAt(i++) == '-';
    }
    long mantissa = 0;
    int exponent = 0;
    int digits = 0;
    boolean point = false;
    for (; i < to; i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        digits++;
        if (mantissa > EXACT_MANTISSA) {
          return Float.NaN;
        }
        mantissa = 10 * mantissa + (c - '0');
        if (point) {
          exponent--;
        }
      } else if (c == '.' && !point) {
        point = true;
      } else {
        break;
      }
    }
    if (digits == 0) {
      return Float.NaN;
    }
    if (i < to && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      i++;
      boolean negativeExponent = false;
      if (signAt(s, i, to)) {
        negativeExponent = s.charAt(i++) == '-';
      }
      int written = 0;
      int expDigits = 0;
      for (; i < to && s.charAt(i) >= '0' && s.charAt(i) <= '9' && written < 100; i++) {
        written = 10 * written + (s.charAt(i) - '0');
        expDigits++;
      }
      if (expDigits == 0) {
        return Float.NaN;
      }
      exponent += negativeExponent ? -written : written;
    }
    if (i != to || mantissa > EXACT_MANTISSA || exponent < -10 || exponent > 10) {
      return Float.NaN;
    }
    float magnitude = exponent >= 0 ? mantissa * POWERS_OF_TEN[exponent] : mantissa / POWERS_OF_TEN[-exponent];
    return negative ? -magnitude : magnitude;
  }

  private static boolean signAt(CharSequence s, int i, int to) {
    return i < to && (s.charAt(i) == '-' || s.charAt(i) == '+');
  }
}
