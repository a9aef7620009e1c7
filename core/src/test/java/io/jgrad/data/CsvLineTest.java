package io.jgrad.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The line splitter and its number fast path, which must give {@link Float#parseFloat}'s bits or step aside. */
class CsvLineTest {
  /** The first line's most frequent delimiter outside quotes; a comma where none is there or two tie. */
  @Test
  void theDelimiterIsSniffedFromTheFirstLine() {
    assertEquals(',', CsvLine.sniff("a,b,c"));
    assertEquals(';', CsvLine.sniff("a;b;\"c,d,e\""));
    assertEquals('\t', CsvLine.sniff("price (usd)\trooms\tcity, state"));
    assertEquals('|', CsvLine.sniff("a|b|c"));
    assertEquals(',', CsvLine.sniff("a;b,c"));
    assertEquals(',', CsvLine.sniff("one column"));
  }

  /** Tabs, semicolons and bars split as commas do: empty cells kept, quotes holding the delimiter, spaces stripped. */
  @Test
  void otherDelimitersSplitAsCommasDo() {
    CsvLine tabs = new CsvLine('\t');
    assertTrue(tabs.split("\t 1.5 \t\"a\tb\"\t\t"));
    assertEquals(List.of("", "1.5", "a\tb", "", ""), tabs.texts());
    assertEquals(1.5f, tabs.value(1));
    CsvLine semicolons = new CsvLine(';');
    assertTrue(semicolons.split("x; \"1;2\" ;a,b"));
    assertEquals(List.of("x", "1;2", "a,b"), semicolons.texts());
    for (char bad : new char[] {'"', 'a', '7', '\n'}) {
      assertThrows(IllegalArgumentException.class, () -> new CsvLine(bad), String.valueOf(bad));
    }
  }

  /** A quoted cell reads back as the text it quotes; a plain one is left as it is. */
  @Test
  void quotedCellsSplitBackToTheirText() {
    List<String> texts = List.of("plain", "a,b", "say \"hi\"", "two\nlines", "", "1.5");
    assertEquals("plain", CsvLine.quote("plain"));
    assertEquals("\"say \"\"hi\"\"\"", CsvLine.quote("say \"hi\""));
    CsvLine cells = new CsvLine();
    assertTrue(cells.split(String.join(",", texts.stream().filter(t -> !t.contains("\n")).map(CsvLine::quote)
        .toList())));
    assertEquals(texts.stream().filter(t -> !t.contains("\n")).toList(), cells.texts());
    assertEquals("\"two\nlines\"", CsvLine.quote("two\nlines"));
  }

  @Test
  void plainDecimalsReadToParseFloatsBitsInEveryFormat() {
    Random random = new Random(20261206);
    String[] formats = {"%.1g", "%.3g", "%.6g", "%.7g", "%.8g", "%.9g", "%.4e", "%.7e", "%.2f", "%.5f", "%.0f", "%s"};
    int fast = 0;
    for (int i = 0; i < 200_000; i++) {
      double x = random.nextGaussian() * Math.pow(10, random.nextInt(16) - 8);
      String cell = String.format(Locale.ROOT, formats[i % formats.length], i % 12 == 11 ? (float) x : x);
      if (random.nextInt(8) == 0) {
        cell = cell.replace("e-0", "E-").replace("e+", "e");
      }
      float v = CsvLine.plainDecimal(cell, 0, cell.length());
      if (!Float.isNaN(v)) {
        fast++;
        assertEquals(Float.floatToRawIntBits(Float.parseFloat(cell)), Float.floatToRawIntBits(v), cell);
      }
    }
    assertTrue(fast > 100_000, fast + " of 200,000 on the fast path"); // the common cells are on it
    for (String cell : new String[] {"0", "-0", "+7", "1.", ".5", "-.25e+3", "16777216", "0.0000000001", "1e10",
        "000123.4500", "9.999999e-1"}) {
      float v = CsvLine.plainDecimal(cell, 0, cell.length());
      assertEquals(Float.floatToRawIntBits(Float.parseFloat(cell)), Float.floatToRawIntBits(v), cell);
    }
  }

  @Test
  void whatThePlainPathCannotProveExactIsLeftToTheFullParse() {
    for (String cell : new String[] {"16777217", "123456789", "1e11", "1e-11", "3.4e38", ".", "", "-", "1e", "1e+",
        "1f", "0x10", "NaN", "Infinity", "1,5", "1 5", "12a"}) {
      assertTrue(Float.isNaN(CsvLine.plainDecimal(cell, 0, cell.length())), cell);
    }
  }

  @Test
  void cellsAreStrippedAndQuotedOnesUnquoted() {
    CsvLine line = new CsvLine();
    assertTrue(line.split(" 1.5 ,\"a, \"\"b\"\"\" , ,\t-2e3,\"x\"y"));
    assertEquals(List.of("1.5", "a, \"b\"", "", "-2e3", "xy"), line.texts());
    assertEquals(1.5f, line.value(0));
    assertTrue(Float.isNaN(line.value(1)));
    assertTrue(Float.isNaN(line.value(2)));
    assertEquals(-2000f, line.value(3));
    assertTrue(line.split("\"7\",NaN,1f,0x10"));
    assertEquals(7f, line.value(0)); // a quoted number is a number
    assertTrue(Float.isNaN(line.value(1)));
    assertTrue(Float.isNaN(line.value(2)));
    assertTrue(Float.isNaN(line.value(3)));
    assertFalse(line.split("1,\"open"));
  }
}
