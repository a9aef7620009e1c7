package io.jgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.io.InvalidFileException;
import io.jgrad.io.Mutations;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A CSV table read as pandas and LabelEncoder would read it, or refused in one line naming the line and column. */
class CsvDatasetTest {
  @TempDir Path dir;

  private Path file(String... lines) throws IOException {
    Path f = dir.resolve("table.csv");
    Files.writeString(f, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    return f;
  }

  private String refusal(Path f, String labelColumn) {
    return assertThrows(InvalidFileException.class, () -> CsvDataset.read(f, labelColumn)).getMessage();
  }

  @Test
  void aHeaderedTableWithTextLabelsInTheLastColumn() throws IOException {
    Path f = file("sepal,petal,species", "5.1,1.4,setosa", "", "6.3,6.0,virginica", "5.9,4.2,versicolor",
        "4.9,1.5,setosa");
    CsvDataset t = CsvDataset.read(f, null);
    assertEquals(List.of("sepal", "petal"), t.featureNames());
    assertEquals("species", t.labelColumn());
    assertEquals(List.of("setosa", "versicolor", "virginica"), t.classNames()); // text order, as LabelEncoder's
    assertArrayEquals(new float[] {5.1f, 1.4f, 6.3f, 6.0f, 5.9f, 4.2f, 4.9f, 1.5f}, t.data().features());
    assertArrayEquals(new int[] {0, 2, 1, 0}, t.data().labels());
    assertEquals(2, t.data().featureSize());
    assertEquals(3, t.data().numClasses());
  }

  @Test
  void integerLabelsAreClassesInNumericOrderAndTheLabelColumnIsFoundByNameOrIndex() throws IOException {
    Path f = file("grade,x,y", "10,1,2", "9,3,4", "-1,5,6", "10,7,8");
    for (String column : new String[] {"grade", "GRADE", "0", "-3"}) {
      CsvDataset t = CsvDataset.read(f, column);
      assertEquals(List.of("-1", "9", "10"), t.classNames(), column);
      assertArrayEquals(new int[] {2, 1, 0, 2}, t.data().labels(), column);
      assertEquals(List.of("x", "y"), t.featureNames(), column);
      assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, t.data().features(), column);
    }
  }

  @Test
  void aTableWithoutHeaderNamesItsColumnsByIndex() throws IOException {
    Path f = file("0.5,1,a", "0.25,2,b");
    CsvDataset t = CsvDataset.read(f, null);
    assertEquals(List.of("0", "1"), t.featureNames());
    assertEquals("2", t.labelColumn());
    assertArrayEquals(new float[] {0.5f, 1, 0.25f, 2}, t.data().features());
    CsvDataset byIndex = CsvDataset.read(file("1,0.5,7", "0,0.25,8"), "0");
    assertEquals(List.of("1", "2"), byIndex.featureNames());
    assertArrayEquals(new int[] {1, 0}, byIndex.data().labels());
  }

  @Test
  void quotedCellsAByteOrderMarkAndSpacesAreRead() throws IOException {
    Path f = file("\uFEFF\"width, cm\", \"height\" ,label", "\"1.5\", 2 ,\"a \"\"b\"\"\"", "3,4,c");
    CsvDataset t = CsvDataset.read(f, null);
    assertEquals(List.of("width, cm", "height"), t.featureNames());
    assertEquals("label", t.labelColumn());
    assertEquals(List.of("a \"b\"", "c"), t.classNames());
    assertArrayEquals(new float[] {1.5f, 2, 3, 4}, t.data().features());
  }

  @Test
  void fixedClassesMapLabelsToTheirIndicesAndRefuseOthers() throws IOException {
    Path f = file("x,label", "1,b", "2,a");
    CsvDataset t = CsvDataset.read(f, null, List.of("c", "b", "a"));
    assertEquals(List.of("c", "b", "a"), t.classNames());
    assertArrayEquals(new int[] {1, 2}, t.data().labels());
    assertEquals(3, t.data().numClasses());
    InvalidFileException e = assertThrows(InvalidFileException.class,
        () -> CsvDataset.read(f, null, List.of("a", "c")));
    assertEquals(f + ": line 2, label 'b' is not one of the classes a, c", e.getMessage());
  }

  @Test
  void badCellsAreRefusedNamingLineAndColumn() throws IOException {
    assertEquals(dir.resolve("table.csv") + ": line 3, column 'x' is empty: a missing value (filled in only by a model "
        + "trained with --impute, or an Imputer)", refusal(file("x,y,label", "1,2,a", ",2,b"), null));
    assertEquals(dir.resolve("table.csv") + ": line 3, column 'y' is 'red', not a number (its first row holds a number; "
        + "a column of categories holds text from its first row; the label is taken from the last column, 'label')",
        refusal(file("x,y,label", "1,2,a", "1,red,b"), null));
    assertEquals(dir.resolve("table.csv") + ": line 3, column 'y' is 'red', not a number (its first row holds a number; "
        + "a column of categories holds text from its first row)", refusal(file("x,y,label", "1,2,a", "1,red,b"),
        "label"));
    assertEquals(dir.resolve("table.csv") + ": line 3, column 'x' is NaN, not a finite number",
        refusal(file("x,label", "1,a", "NaN,b"), null));
    assertEquals(dir.resolve("table.csv") + ": line 3, column 'x' is '1f', not a number (its first row holds a number; "
        + "a column of categories holds text from its first row; the label is taken from the last column, 'label')",
        refusal(file("x,label", "1,a", "1f,b"), null));
    assertEquals(dir.resolve("table.csv") + ": line 4, has 2 cells, the header 3",
        refusal(file("x,y,label", "1,2,a", "3,4,b", "5,c"), null));
    assertEquals(dir.resolve("table.csv") + ": line 2, has 3 cells, the first row 2",
        refusal(file("1,a", "2,3,b"), null));
    assertEquals(dir.resolve("table.csv") + ": line 2, the label ('label') is empty (a row without its label cannot "
        + "be trained or scored on: drop it)", refusal(file("x,label", "1,", "2,b"), null));
    assertEquals(dir.resolve("table.csv") + ": line 2, a quoted cell runs past the end of the line (cells spanning "
        + "lines are not read)", refusal(file("x,label", "1,\"a", "b\""), null));
  }

  @Test
  void aLabelColumnThatIsNotThereIsRefused() throws IOException {
    Path f = file("x,y,label", "1,2,a", "3,4,b");
    assertEquals(f + ": no column 'class' in the header (x, y, label)", refusal(f, "class"));
    assertEquals(f + ": label column 3 is outside the 3 columns (0..2, or -1 for the last)", refusal(f, "3"));
    assertEquals(f + ": label column -4 is outside the 3 columns (0..2, or -1 for the last)", refusal(f, "-4"));
    Path bare = file("1,2,0", "3,4,1");
    assertEquals(bare + ": no header row to find the label column 'label' in: name it by its 0-based index",
        refusal(bare, "label"));
  }

  @Test
  void labelsThatAreNotClassesAreRefused() throws IOException {
    assertEquals(dir.resolve("table.csv") + ": label column 'label' (the last; none was named) holds one class "
        + "only ('a'): nothing to classify", refusal(file("x,label", "1,a", "2,a"), null));
    assertEquals(dir.resolve("table.csv") + ": label column 'price' (the last; none was named) holds non-integer "
        + "numbers ('2.5'): a continuous target, not classes (read it as a regression target)",
        refusal(file("x,price", "1,2", "2,2.5", "3,2"), null));
    StringBuilder ids = new StringBuilder("x,id");
    for (int i = 0; i < 10; i++) {
      ids.append('\n').append(i).append(",row").append(i);
    }
    assertEquals(dir.resolve("table.csv") + ": label column 'id' (the last; none was named) has a different value in "
        + "each of its 10 rows: an identifier or a continuous target, not classes (name the label column, or read it "
        + "as a regression target)",
        refusal(file(ids.toString()), null));
    assertEquals(dir.resolve("table.csv") + ": no rows of data", refusal(file("x,label", ""), null));
    assertEquals(dir.resolve("table.csv") + ": the first row has 1 cell: a label and at least one feature are needed "
        + "(cells are separated by commas, semicolons, tabs or bars)", refusal(file("x label", "1 a"), null));
  }

  /** Seeded corruptions of a valid table: each reads to a consistent table or is refused in one line. */
  @Test
  void mutatedTablesReadOrAreRefusedInOneLine() throws IOException {
    byte[] valid = String.join("\n", "a,\"b, c\",label", "1.5,2,x", "3,-4e2,y", "5,6,x", "7,8,\"y\"")
        .getBytes(StandardCharsets.UTF_8);
    Random random = new Random(20261206);
    Path f = dir.resolve("fuzzed.csv");
    int errors = 0;
    for (int i = 0; i < 500; i++) {
      Files.write(f, Mutations.mutate(valid, random));
      // every other case keeps missing cells, whose NaNs an imputer then fills
      CsvDataset.Missing missing = i % 2 == 0 ? CsvDataset.Missing.REFUSED : CsvDataset.Missing.AS_NAN;
      try {
        CsvDataset t = CsvDataset.read(f, null, null, Map.of(), missing);
        assertEquals(t.featureNames().size(), t.data().featureSize(), "case " + i);
        assertEquals(t.classNames().size(), t.data().numClasses(), "case " + i);
        for (float v : t.data().features()) {
          assertTrue(Float.isFinite(v) || missing == CsvDataset.Missing.AS_NAN && Float.isNaN(v), "case " + i);
        }
      } catch (InvalidFileException e) {
        errors++;
        assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
      }
    }
    assertTrue(errors > 100, errors + " errors"); // the error paths ran, not only harmless mutations
  }

  @Test
  void bytesThatAreNotUtf8AreRefused() throws IOException {
    Path latin1 = dir.resolve("latin1.csv");
    Files.write(latin1, "x,label\n1,caf\u00e9\n2,b\n".getBytes(StandardCharsets.ISO_8859_1));
    assertEquals(latin1 + ": not UTF-8 text (a CSV file is read as UTF-8)", refusal(latin1, null));
  }

  /** A model's columns taken from a table by name, in the model's order; a headerless table of as many, in order. */
  @Test
  void selectTakesTheNamedColumnsInTheirOrder() throws IOException {
    CsvDataset t = CsvDataset.read(file("id,y,label,x", "7,2,a,1", "8,4,b,3"), "label");
    CsvDataset picked = t.select(List.of("x", "y"));
    assertEquals(List.of("x", "y"), picked.featureNames());
    assertArrayEquals(new float[] {1, 2, 3, 4}, picked.data().features());
    assertArrayEquals(new int[] {0, 1}, picked.data().labels());
    assertEquals("no column 'z' (the columns read are x, z)",
        assertThrows(IllegalArgumentException.class, () -> t.select(List.of("x", "z"))).getMessage());
    CsvDataset bare = CsvDataset.read(file("1,2,a", "3,4,b"), null);
    assertArrayEquals(new float[] {1, 2, 3, 4}, bare.select(List.of("x", "y")).data().features());
    assertEquals("no header row to find the columns by, and 2 features where 3 are read",
        assertThrows(IllegalArgumentException.class, () -> bare.select(List.of("x", "y", "z"))).getMessage());
  }

  /** A regression table: the target column's numbers are each row's value, found by name or index, kept by select. */
  @Test
  void aRegressionTableCarriesItsTargetColumnsValues() throws IOException {
    Path f = file("rooms,price,age", "3,250000.5,10", "\"4\",-1e3,2", "2,7,0.5");
    for (String column : new String[] {"price", "1", "-2"}) {
      CsvDataset t = CsvDataset.readRegression(f, column);
      assertTrue(t.data().isRegression(), column);
      assertArrayEquals(new float[] {250000.5f, -1000, 7}, t.data().targets(), column);
      assertArrayEquals(new float[] {3, 10, 4, 2, 2, 0.5f}, t.data().features(), column);
      assertEquals(List.of("rooms", "age"), t.featureNames(), column);
      assertEquals("price", t.labelColumn(), column);
      assertEquals(List.of("price"), t.labelColumns(), column);
      assertEquals(List.of(), t.classNames(), column);
    }
    CsvDataset picked = CsvDataset.readRegression(f, "price").select(List.of("age", "rooms"));
    assertArrayEquals(new float[] {10, 3, 2, 4, 0.5f, 2}, picked.data().features());
    assertArrayEquals(new float[] {250000.5f, -1000, 7}, picked.data().targets());
    // One distinct value a row and non-integers, which a classification refuses, are what a target holds.
    assertEquals(1, CsvDataset.readRegression(file("x,y", "1,5", "2,5"), null).data().targetSize());
  }

  /**
   * Several target columns (scikit-learn's multi-output regression): named or by index in any order and mixed, each row
   * carries their values in the order asked for, and every other column is a feature.
   */
  @Test
  void aRegressionTableOfSeveralTargetsCarriesThemInTheOrderAsked() throws IOException {
    Path f = file("rooms,price,age,rent", "3,250000.5,10,900", "4,-1e3,2,1200.25", "2,7,0.5,NA");
    assertEquals(f + ": line 4, the target ('rent') is 'NA', not a number", assertThrows(InvalidFileException.class,
        () -> CsvDataset.readRegression(f, List.of("rent", "price"), Map.of(), CsvDataset.Missing.AS_NAN))
        .getMessage());
    Path g = file("rooms,price,age,rent", "3,250000.5,10,900", "4,-1e3,2,1200.25", "2,7,0.5,0");
    for (List<String> columns : List.of(List.of("rent", "price"), List.of("3", "1"), List.of("-1", "price"))) {
      CsvDataset t = CsvDataset.readRegression(g, columns, Map.of(), CsvDataset.Missing.REFUSED);
      assertEquals(2, t.data().targetSize(), columns.toString());
      assertArrayEquals(new float[] {900, 250000.5f, 1200.25f, -1000, 0, 7}, t.data().targets(), columns.toString());
      assertArrayEquals(new float[] {3, 10, 4, 2, 2, 0.5f}, t.data().features(), columns.toString());
      assertEquals(List.of("rooms", "age"), t.featureNames(), columns.toString());
      assertEquals(List.of("rent", "price"), t.labelColumns(), columns.toString());
      assertEquals("a table of 2 target columns: see labelColumns()",
          assertThrows(IllegalStateException.class, t::labelColumn).getMessage());
      assertArrayEquals(new float[] {900, 250000.5f, 1200.25f, -1000, 0, 7},
          t.select(List.of("age", "rooms")).data().targets(), columns.toString());
    }
    // Without a header: the indices name the targets, the other columns are features in their order.
    CsvDataset bare = CsvDataset.readRegression(file("1,2,3,4", "5,6,7,8"), List.of("0", "2"), Map.of(),
        CsvDataset.Missing.REFUSED);
    assertEquals(List.of("0", "2"), bare.labelColumns());
    assertEquals(List.of("1", "3"), bare.featureNames());
    assertArrayEquals(new float[] {1, 3, 5, 7}, bare.data().targets());
    assertArrayEquals(new float[] {2, 4, 6, 8}, bare.data().features());
  }

  /**
   * A multi-label table (scikit-learn's label indicator matrix): each label column marks its label present with 1 or
   * true and absent with 0 or false, as pandas writes numbers or booleans; each row carries them as 0/1 targets in the
   * order asked for, and anything else in a label column is one line naming it.
   */
  @Test
  void aMultiLabelTableCarriesEachLabelsPresenceInTheOrderAsked() throws IOException {
    Path f = file("size,sports,color,news", "1.5,1,red,False", "2,0,blue,TRUE", "-3,1.0,red,0");
    CsvDataset t = CsvDataset.readMultiLabel(f, List.of("news", "sports"), Map.of(), CsvDataset.Missing.REFUSED,
        List.of());
    assertEquals(2, t.data().targetSize());
    assertArrayEquals(new float[] {0, 1, 1, 0, 0, 1}, t.data().targets());
    assertEquals(List.of("size", "color_blue", "color_red"), t.featureNames());
    assertEquals(List.of("news", "sports"), t.labelColumns());
    assertEquals(List.of(), t.classNames());
    assertEquals(f + ": column 1 ('sports') is named twice as a label", assertThrows(InvalidFileException.class,
        () -> CsvDataset.readMultiLabel(f, List.of("sports", "1"), Map.of(), CsvDataset.Missing.REFUSED, List.of()))
        .getMessage());
    assertEquals(f + ": column 3 ('news') is both a label and left out", assertThrows(InvalidFileException.class,
        () -> CsvDataset.readMultiLabel(f, List.of("news"), Map.of(), CsvDataset.Missing.REFUSED, List.of("news")))
        .getMessage());
    for (String cell : new String[] {"2", "yes", ""}) { // (the same file's path, rewritten)
      Path g = file("size,sports", "1.5,1", "2," + cell);
      assertEquals(g + ": line 3, the label ('sports') is " + (cell.isEmpty() ? "empty" : "'" + cell + "'")
          + ": a multi-label table marks a label present with 1 (or true) and absent with 0 (or false)",
          assertThrows(InvalidFileException.class, () -> CsvDataset.readMultiLabel(g, List.of("sports"), Map.of(),
              CsvDataset.Missing.AS_NAN, List.of())).getMessage(), cell);
    }
  }

  /**
   * A table delimited by semicolons (a spreadsheet's where decimals take a comma), tabs or bars reads as the same table
   * with commas: the delimiter is the first line's, as pandas' sep=None sniffs it.
   */
  @Test
  void semicolonTabAndBarDelimitedTablesReadAsCommaDelimitedOnes() throws IOException {
    String[] rows = {"size,color,note,label", "1.5,red,\"x\",a", ",blue,,b", "3,red,\"y\",a"};
    CsvDataset commas = CsvDataset.read(file(rows), null, null, Map.of(), CsvDataset.Missing.AS_NAN);
    for (String delimiter : new String[] {";", "\t", "|"}) {
      String[] other = new String[rows.length];
      for (int i = 0; i < rows.length; i++) {
        other[i] = rows[i].replace(",", delimiter);
      }
      other[1] = other[1].replace("\"x\"", "\"x" + delimiter + "z\""); // the delimiter inside quotes is text
      other[3] = other[3].replace("\"y\"", "\"y" + delimiter + "z\"");
      CsvDataset t = CsvDataset.read(file(other), null, null, Map.of(), CsvDataset.Missing.AS_NAN);
      assertEquals(List.of("size", "color_blue", "color_red", "note_x" + delimiter + "z", "note_y" + delimiter + "z"),
          t.featureNames(), delimiter);
      assertEquals(commas.classNames(), t.classNames(), delimiter);
      assertArrayEquals(commas.data().labels(), t.data().labels(), delimiter);
      float[] x = t.data().features();
      assertArrayEquals(new float[] {1.5f, 0, 1}, Arrays.copyOfRange(x, 0, 3), delimiter);
      assertTrue(Float.isNaN(x[5]), delimiter); // the empty cell of line 3, kept apart from its neighbours
    }
    // Decimal commas in a table of semicolons: one line, not a column of categories or an identifier.
    Path decimals = file("size;label", "1,5;a", "2,25;b");
    assertEquals(decimals + ": line 2, column 'size' is '1,5': a decimal comma? numbers are read with a decimal point "
        + "(1.5), as pandas reads them by default", refusal(decimals, null));
    Path later = file("size;label", "1.5;a", "2,25;b");
    assertEquals(later + ": line 3, column 'size' is '2,25': a decimal comma? numbers are read with a decimal point "
        + "(1.5), as pandas reads them by default", refusal(later, null));
  }

  /**
   * Columns left out (pandas' drop(columns=...)): an identifier that would be refused, text that would be one-hot
   * encoded, by name or index; the rest reads as the table without them.
   */
  @Test
  void ignoredColumnsAreLeftOutAsIfTheTableLackedThem() throws IOException {
    StringBuilder rows = new StringBuilder("id,size,note,label");
    StringBuilder without = new StringBuilder("size,label");
    for (int i = 0; i < 12; i++) {
      rows.append("\nrow").append(i).append(',').append(i * 0.5).append(",n").append(i % 3).append(',').append(i % 2);
      without.append('\n').append(i * 0.5).append(',').append(i % 2);
    }
    Path f = file(rows.toString());
    assertEquals(f + ": column 'id' has a different text in each of its 12 rows: an identifier or free text, not "
        + "categories (drop the column)", refusal(f, "label"));
    CsvDataset expected = CsvDataset.read(Files.writeString(dir.resolve("without.csv"), without + "\n"), "label");
    for (List<String> ignored : List.of(List.of("id", "note"), List.of("0", "-2"), List.of("note", "0", "id"))) {
      CsvDataset t = CsvDataset.read(f, "label", null, Map.of(), CsvDataset.Missing.REFUSED, ignored);
      assertEquals(List.of("size"), t.featureNames(), ignored.toString());
      assertArrayEquals(expected.data().features(), t.data().features(), ignored.toString());
      assertArrayEquals(expected.data().labels(), t.data().labels(), ignored.toString());
      assertEquals(Map.of(), t.categories(), ignored.toString());
    }
    CsvDataset values = CsvDataset.readRegression(f, List.of("size"), Map.of(), CsvDataset.Missing.REFUSED,
        List.of("id"));
    assertEquals(List.of("note_n0", "note_n1", "note_n2", "label"), values.featureNames());
    assertEquals(f + ": column 3 ('label') is both the label and left out", assertThrows(InvalidFileException.class,
        () -> CsvDataset.read(f, "label", null, Map.of(), CsvDataset.Missing.REFUSED, List.of("label")))
        .getMessage());
    assertEquals(f + ": every column is a label or left out: at least one feature is needed", assertThrows(
        InvalidFileException.class, () -> CsvDataset.read(f, "label", null, Map.of(), CsvDataset.Missing.REFUSED,
            List.of("id", "size", "note"))).getMessage());
    assertEquals(f + ": no column 'ID2' in the header (id, size, note, label)", assertThrows(
        InvalidFileException.class, () -> CsvDataset.read(f, "label", null, Map.of(), CsvDataset.Missing.REFUSED,
            List.of("ID2"))).getMessage());
  }

  /** More targets than the reader's first buffer holds, over a few rows: every value in its place. */
  @Test
  void manyTargetColumnsAreAllCarried() throws IOException {
    int targets = 150;
    StringBuilder header = new StringBuilder("x");
    List<String> columns = new ArrayList<>();
    for (int t = 0; t < targets; t++) {
      header.append(",t").append(t);
      columns.add("t" + t);
    }
    String[] lines = new String[4];
    lines[0] = header.toString();
    for (int row = 0; row < 3; row++) {
      StringBuilder line = new StringBuilder(Integer.toString(row));
      for (int t = 0; t < targets; t++) {
        line.append(',').append(row * 1000 + t);
      }
      lines[row + 1] = line.toString();
    }
    CsvDataset table = CsvDataset.readRegression(file(lines), columns, Map.of(), CsvDataset.Missing.REFUSED);
    float[] y = table.data().targets();
    assertEquals(3 * targets, y.length);
    for (int i = 0; i < y.length; i++) {
      assertEquals((i / targets) * 1000 + i % targets, y[i], 0, "value " + i);
    }
    assertArrayEquals(new float[] {0, 1, 2}, table.data().features());
  }

  @Test
  void targetColumnsNamedTwiceOrLeavingNoFeatureAreRefused() throws IOException {
    Path f = file("x,a,b", "1,2,3");
    assertEquals(f + ": column 2 ('b') is named twice as a target", assertThrows(InvalidFileException.class,
        () -> CsvDataset.readRegression(f, List.of("b", "-1"), Map.of(), CsvDataset.Missing.REFUSED)).getMessage());
    assertEquals(f + ": every column is a target: at least one feature is needed", assertThrows(
        InvalidFileException.class, () -> CsvDataset.readRegression(f, List.of("x", "a", "b"), Map.of(),
            CsvDataset.Missing.REFUSED)).getMessage());
    assertEquals(f + ": no column 'c' in the header (x, a, b)", assertThrows(InvalidFileException.class,
        () -> CsvDataset.readRegression(f, List.of("a", "c"), Map.of(), CsvDataset.Missing.REFUSED)).getMessage());
    assertEquals("no target column named", assertThrows(IllegalArgumentException.class,
        () -> CsvDataset.readRegression(f, List.of(), Map.of(), CsvDataset.Missing.REFUSED)).getMessage());
  }

  @Test
  void aTargetThatIsNotANumberIsRefusedNamingLineAndColumn() throws IOException {
    String table = dir.resolve("table.csv").toString();
    assertEquals(table + ": line 3, the target ('price') is empty", assertThrows(InvalidFileException.class,
        () -> CsvDataset.readRegression(file("x,price", "1,2", "2,"), null)).getMessage());
    assertEquals(table + ": line 2, the target ('price') is 'cheap', not a number", assertThrows(
        InvalidFileException.class, () -> CsvDataset.readRegression(file("x,price", "1,cheap"), null)).getMessage());
    assertEquals(table + ": line 2, the target ('price') is NaN, not a finite number", assertThrows(
        InvalidFileException.class, () -> CsvDataset.readRegression(file("x,price", "1,NaN"), null)).getMessage());
    assertEquals(table + ": line 3, column 'x' is 'a', not a number (its first row holds a number; a column of "
        + "categories holds text from its first row)", assertThrows(InvalidFileException.class,
            () -> CsvDataset.readRegression(file("x,price", "1,1", "a,2"), "price")).getMessage());
  }

  /**
   * A column whose first row holds text is a column of categories, one-hot encoded as pandas' get_dummies and
   * scikit-learn's OneHotEncoder do: one 0/1 feature a category, in text order, named column_category.
   */
  @Test
  void aColumnOfTextIsOneHotEncoded() throws IOException {
    Path f = file("size,color,label", "1,red,a", "2,blue,b", "3,\"red\",a", "4,green,b");
    CsvDataset t = CsvDataset.read(f, "label");
    assertEquals(Map.of("color", List.of("blue", "green", "red")), t.categories());
    assertEquals(List.of("size", "color_blue", "color_green", "color_red"), t.featureNames());
    assertArrayEquals(new float[] {1, 0, 0, 1, 2, 1, 0, 0, 3, 0, 0, 1, 4, 0, 1, 0}, t.data().features());
    assertArrayEquals(new int[] {0, 1, 0, 1}, t.data().labels());
    CsvDataset values = CsvDataset.readRegression(f, "size");
    assertEquals(List.of("color_blue", "color_green", "color_red", "label_a", "label_b"), values.featureNames());
    assertEquals(List.of("color", "label"), List.copyOf(values.categories().keySet()));
    assertArrayEquals(new float[] {1, 2, 3, 4}, values.data().targets());
    // A model's columns picked by name: the categories' features travel like any other.
    assertArrayEquals(new float[] {1, 1, 0, 2, 1, 3, 0, 4}, t.select(List.of("color_red", "size")).data().features());
  }

  /** A trained model's categories: its features in their order, a text among none of them refused. */
  @Test
  void fixedCategoriesKeepTheirOrderAndRefuseOthers() throws IOException {
    Map<String, List<String>> trained = Map.of("color", List.of("red", "blue", "7"));
    CsvDataset t = CsvDataset.read(file("size,color,label", "1,7,a", "2,blue,b"), "label", List.of("a", "b"), trained);
    assertEquals(List.of("size", "color_red", "color_blue", "color_7"), t.featureNames());
    assertArrayEquals(new float[] {1, 0, 0, 1, 2, 0, 1, 0}, t.data().features()); // "7" a category, not a number
    Path other = file("size,color,label", "1,red,a", "2,purple,b");
    assertEquals(other + ": line 3, column 'color' is 'purple', not one of its categories (red, blue, 7)",
        assertThrows(InvalidFileException.class,
            () -> CsvDataset.read(other, "label", List.of("a", "b"), trained)).getMessage());
  }

  @Test
  void columnsOfTextThatAreNotCategoriesAreRefused() throws IOException {
    StringBuilder names = new StringBuilder("x,name,label");
    for (int i = 0; i < 10; i++) {
      names.append('\n').append(i).append(",person").append(i).append(',').append(i % 2);
    }
    assertEquals(dir.resolve("table.csv") + ": column 'name' has a different text in each of its 10 rows: an "
        + "identifier or free text, not categories (drop the column)", refusal(file(names.toString()), null));
    StringBuilder many = new StringBuilder("code,label");
    for (int i = 0; i < 2 * (CsvDataset.MAX_CATEGORIES + 1); i++) {
      many.append("\nc").append(i / 2).append(',').append(i % 2);
    }
    assertEquals(dir.resolve("table.csv") + ": column 'code' has 1001 different texts, more categories than are "
        + "one-hot encoded (1000): drop it or encode it as numbers", refusal(file(many.toString()), null));
    assertEquals(dir.resolve("table.csv") + ": line 3, column 'color' is empty: a missing value (filled in only by a "
        + "model trained with --impute, or an Imputer)", refusal(file("color,label", "red,a", ",b"), null));
    assertEquals(dir.resolve("table.csv") + ": line 3, column 'color' is 'NA': a missing value (filled in only by a "
        + "model trained with --impute, or an Imputer)", refusal(file("color,label", "red,a", "NA,b"), null));
  }

  /**
   * Kept as NaN, missing cells are pandas' NA texts and empty ones; a column of categories has NaN in each of its
   * features where its cell is missing, and a column's kind is its first present cell's.
   */
  @Test
  void missingCellsReadAsNaNWhereAsked() throws IOException {
    Path f = file("x,color,y,label", ",NA,1,a", "2,red,,b", "NaN,blue,null,a", "4,,5,b");
    CsvDataset t = CsvDataset.read(f, null, null, Map.of(), CsvDataset.Missing.AS_NAN);
    assertEquals(List.of("x", "color_blue", "color_red", "y"), t.featureNames());
    float n = Float.NaN;
    assertArrayEquals(new float[] {n, n, n, 1, 2, 0, 1, n, n, 1, 0, n, 4, n, n, 5}, t.data().features());
    assertEquals(List.of("a", "b"), t.classNames());
    // fixed categories (a model's) read the same way
    CsvDataset fixed = CsvDataset.read(f, "label", List.of("a", "b"), Map.of("color", List.of("red", "blue", "green")),
        CsvDataset.Missing.AS_NAN);
    assertArrayEquals(new float[] {n, n, n, n, 1, 2, 1, 0, 0, n, n, 0, 1, 0, n, 4, n, n, n, 5},
        fixed.data().features());
    CsvDataset regression = CsvDataset.readRegression(file("x,t", "1,0.5", "NA,1.5"), "t", Map.of(),
        CsvDataset.Missing.AS_NAN);
    assertArrayEquals(new float[] {1, n}, regression.data().features());
  }

  @Test
  void withMissingCellsKeptAColumnMissingEverywhereAndAMissingLabelAreStillRefused() throws IOException {
    Path empty = file("x,gone,label", "1,,a", "2,NA,b");
    assertEquals(empty + ": column 'gone' is missing in every row: nothing to learn from or fill it with (drop the "
        + "column)", assertThrows(InvalidFileException.class,
            () -> CsvDataset.read(empty, null, null, Map.of(), CsvDataset.Missing.AS_NAN)).getMessage());
    Path unlabelled = file("x,label", "1,a", "2,");
    assertEquals(unlabelled + ": line 3, the label ('label') is empty (a row without its label cannot be trained or "
        + "scored on: drop it)", assertThrows(InvalidFileException.class,
            () -> CsvDataset.read(unlabelled, null, null, Map.of(), CsvDataset.Missing.AS_NAN)).getMessage());
    Path infinite = file("x,label", "1,a", "-Infinity,b");
    assertEquals(infinite + ": line 3, column 'x' is -Infinity, not a finite number", assertThrows(
        InvalidFileException.class, () -> CsvDataset.read(infinite, null, null, Map.of(), CsvDataset.Missing.AS_NAN))
        .getMessage());
  }

  @Test
  void aMissingFileSaysSo() {
    Path absent = dir.resolve("absent.csv");
    assertEquals(absent + ": no such file", refusal(absent, null));
  }
}
