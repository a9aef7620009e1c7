package io.jgrad.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.io.InvalidFileException;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputFilesTest {
  @TempDir Path dir;

  @Test
  void anImageIsScaledToTheInputAndTurnedGrey() throws IOException {
    // 8×4 pixels: left half white, right half black; read as 1×2×4 it is 2 rows of [1, 1, 0, 0]
    BufferedImage img = new BufferedImage(8, 4, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, 4, 4);
    g.dispose();
    Path png = dir.resolve("half.png");
    ImageIO.write(img, "png", png.toFile());
    InputFiles.Examples e = InputFiles.read(List.of(png), new int[] {1, 2, 4});
    assertEquals(List.of(png.toString()), e.names());
    assertArrayEquals(new float[] {1, 1, 0, 0, 1, 1, 0, 0}, e.features(), 1e-6f);
  }

  /** A folder stands for the images in it, at any depth, in sorted order; hidden ones and other files left out. */
  @Test
  void aFolderIsReadAsItsImages() throws IOException {
    Files.createDirectories(dir.resolve("photos/sub"));
    Files.createDirectories(dir.resolve("photos/.cache"));
    for (String name : new String[] {"photos/b.png", "photos/sub/a.png", "photos/.cache/c.png", "photos/.d.png"}) {
      BufferedImage img = new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY);
      img.getRaster().setSample(0, 0, 0, name.length());
      ImageIO.write(img, "png", dir.resolve(name).toFile());
    }
    Files.writeString(dir.resolve("photos/notes.txt"), "not an image");
    InputFiles.Examples e = InputFiles.read(List.of(dir.resolve("photos")), new int[] {1, 1, 1});
    assertEquals(List.of(dir.resolve("photos/b.png").toString(), dir.resolve("photos/sub/a.png").toString()),
        e.names());
    assertArrayEquals(new float[] {12 / 255f, 16 / 255f}, e.features());
  }

  @Test
  void aGreyImageKeepsItsStoredValues() throws IOException {
    BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
    img.getRaster().setSample(0, 0, 0, 51);
    img.getRaster().setSample(1, 0, 0, 128);
    Path png = dir.resolve("grey.png");
    ImageIO.write(img, "png", png.toFile());
    assertArrayEquals(new float[] {0.2f, 128 / 255f}, InputFiles.read(List.of(png), new int[] {1, 1, 2}).features(),
        1e-6f);
  }

  @Test
  void anRgbImageGivesThreeChannelPlanes() throws IOException {
    BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
    img.setRGB(0, 0, 0xff0000);
    img.setRGB(1, 0, 0x0000ff);
    Path png = dir.resolve("rb.png");
    ImageIO.write(img, "png", png.toFile());
    float[] x = InputFiles.read(List.of(png), new int[] {3, 1, 2}).features();
    assertArrayEquals(new float[] {1, 0, /* green */ 0, 0, /* blue */ 0, 1}, x, 1e-6f);
  }

  @Test
  void csvRowsAfterAHeaderAndIdxImagesAreExamplesInOrder() throws IOException {
    Path csv = Files.writeString(dir.resolve("rows.csv"), "a,b,c,d\n0.5,1,0,0.25\n\n1,1,1,1\n");
    Path idx = dir.resolve("images-idx3-ubyte");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(0x00000803);
      out.writeInt(1); // images
      out.writeInt(2); // rows
      out.writeInt(2); // cols
      out.write(new byte[] {0, (byte) 255, 51, 102});
    }
    Files.write(idx, bytes.toByteArray());
    InputFiles.Examples e = InputFiles.read(List.of(csv, idx), new int[] {1, 2, 2});
    assertEquals(List.of(csv + "#0", csv + "#1", idx + "#0"), e.names());
    assertArrayEquals(new float[] {0.5f, 1, 0, 0.25f, 1, 1, 1, 1, 0, 1, 0.2f, 0.4f}, e.features(), 1e-6f);
  }

  @Test
  void csvCellsMayBeQuotedAndPixelsMustBeInTheModelsUnits() throws IOException {
    Path quoted = Files.writeString(dir.resolve("quoted.csv"), "\"a\",\"b\"\n\"0.5\", \" 1 \"\n");
    assertArrayEquals(new float[] {0.5f, 1}, InputFiles.read(List.of(quoted), new int[] {2}).features());
    Path bytes = Files.writeString(dir.resolve("bytes.csv"), "0,0.5\n0,255\n");
    assertArrayEquals(new float[] {0, 0.5f, 0, 255},
        InputFiles.read(List.of(bytes), new int[] {2}, InputFiles.CsvUnits.ANY).features());
    InvalidFileException e = assertThrows(InvalidFileException.class,
        () -> InputFiles.read(List.of(bytes), new int[] {2}, InputFiles.CsvUnits.PIXELS));
    assertEquals(bytes + ": line 2, value 2 is 255.0, outside the pixels in [0, 1] the model was trained on (divide "
        + "0–255 values by 255)", e.getMessage());
    Path nan = Files.writeString(dir.resolve("nan.csv"), "0,1\n0,NaN\n");
    e = assertThrows(InvalidFileException.class, () -> InputFiles.read(List.of(nan), new int[] {2}));
    assertEquals(nan + ": line 2, value 2 is NaN, not a finite number", e.getMessage());
    e = assertThrows(InvalidFileException.class,
        () -> InputFiles.read(List.of(nan), new int[] {2}, InputFiles.CsvUnits.PIXELS));
    assertEquals(nan + ": line 2, value 2 is NaN, not a finite number", e.getMessage());
    Path negative = Files.writeString(dir.resolve("negative.csv"), "-0.1,1\n");
    assertThrows(InvalidFileException.class,
        () -> InputFiles.read(List.of(negative), new int[] {2}, InputFiles.CsvUnits.PIXELS));
  }

  @Test
  void badInputsAreOneLineErrorsNamingTheFile() throws IOException {
    Path csv = Files.writeString(dir.resolve("short.csv"), "1,2,3\n");
    InvalidFileException e = assertThrows(InvalidFileException.class,
        () -> InputFiles.read(List.of(csv), new int[] {1, 2, 2}));
    assertEquals(csv + ": line 1 has 3 values, the model reads 4", e.getMessage());
    Path fake = Files.writeString(dir.resolve("fake.png"), "not a png");
    e = assertThrows(InvalidFileException.class, () -> InputFiles.read(List.of(fake), new int[] {1, 2, 2}));
    assertTrue(e.getMessage().startsWith(fake + ": not an image format"), e.getMessage());
    Path missing = dir.resolve("missing.csv");
    e = assertThrows(InvalidFileException.class, () -> InputFiles.read(List.of(missing), new int[] {4}));
    assertEquals(missing + ": no such file", e.getMessage());
    Path labelled = Files.writeString(dir.resolve("labelled.csv"), "label,a,b,c,d\n3,1,2,3,4\n");
    e = assertThrows(InvalidFileException.class, () -> InputFiles.read(List.of(labelled), new int[] {4}));
    assertEquals(labelled + ": line 2 has 5 values, the model reads 4 (a label column? give the features alone)",
        e.getMessage());
    Path folder = Files.createDirectories(dir.resolve("no-images"));
    Files.writeString(folder.resolve("notes.txt"), "text");
    e = assertThrows(InvalidFileException.class, () -> InputFiles.read(List.of(folder), new int[] {4}));
    assertEquals(folder + ": no images (PNG, JPEG, GIF or BMP) in this folder", e.getMessage());
    Path text = Files.writeString(dir.resolve("text.csv"), "1,2,3,4\n1,2,x,4\n");
    e = assertThrows(InvalidFileException.class, () -> InputFiles.read(List.of(text), new int[] {4}));
    assertEquals(text + ": line 2, value 3 is 'x', not a number", e.getMessage());
    Path species = Files.writeString(dir.resolve("species.csv"), "a,b,c,d,e\n1,2,3,4,setosa\n");
    e = assertThrows(InvalidFileException.class, () -> InputFiles.read(List.of(species), new int[] {4}));
    assertEquals(species + ": line 2, value 5 is 'setosa', not a number (a label column? give the features alone)",
        e.getMessage());
  }

  /** A model of a table without a header: its columns are indices, read in order. */
  private static InputFiles.TableColumns labelled(String label) {
    return new InputFiles.TableColumns(List.of("0", "1"), List.of(label));
  }

  /** A table's model finds its columns by the header's names, in any order, and leaves the others out. */
  @Test
  void aTablesColumnsAreFoundByTheHeadersNames() throws IOException {
    InputFiles.TableColumns columns = new InputFiles.TableColumns(List.of("x", "y"), List.of("species"));
    Path reordered = Files.writeString(dir.resolve("reordered.csv"), "id,y,species,x\n\"7, a\",2,setosa,1\n8,4,b,3\n");
    assertArrayEquals(new float[] {1, 2, 3, 4},
        InputFiles.read(List.of(reordered), new int[] {2}, InputFiles.CsvUnits.ANY, columns).features());
    Path lacking = Files.writeString(dir.resolve("lacking.csv"), "y,z\n1,2\n");
    InvalidFileException e = assertThrows(InvalidFileException.class,
        () -> InputFiles.read(List.of(lacking), new int[] {2}, InputFiles.CsvUnits.ANY, columns));
    assertEquals(lacking + ": no column 'x' (the model reads x, y)", e.getMessage());
    Path ragged = Files.writeString(dir.resolve("ragged.csv"), "y,x\n1,2\n3\n");
    e = assertThrows(InvalidFileException.class,
        () -> InputFiles.read(List.of(ragged), new int[] {2}, InputFiles.CsvUnits.ANY, columns));
    assertEquals(ragged + ": line 3 has 1 values, the header 2", e.getMessage());
    Path bare = Files.writeString(dir.resolve("bare2.csv"), "1,2\n3,4\n"); // no header: in order
    assertArrayEquals(new float[] {1, 2, 3, 4},
        InputFiles.read(List.of(bare), new int[] {2}, InputFiles.CsvUnits.ANY, columns).features());
  }

  /**
   * A model that one-hot encodes a column of text reads it by the header's name into its features (color_red, …); a
   * text that is none of its categories, or a file without a header, is refused.
   */
  /** Missing cells take the model's fill values: a column of text its most frequent category's one-hot features. */
  @Test
  void missingCellsTakeTheModelsFillValuesOrAreRefusedWithoutThem() throws IOException {
    List<String> names = List.of("size", "color_blue", "color_red");
    Map<String, List<String>> colors = Map.of("color", List.of("blue", "red"));
    InputFiles.TableColumns imputed = new InputFiles.TableColumns(names, List.of("species"), colors,
        new float[] {2.5f, 0, 1});
    Path rows = Files.writeString(dir.resolve("gaps.csv"), "color,species,size\n,a,NA\nblue,b,\nNaN,,4\n");
    assertArrayEquals(new float[] {2.5f, 0, 1, 2.5f, 1, 0, 4, 0, 1},
        InputFiles.read(List.of(rows), new int[] {3}, InputFiles.CsvUnits.ANY, imputed).features());
    InputFiles.TableColumns refusing = new InputFiles.TableColumns(names, List.of("species"), colors, new float[0]);
    InvalidFileException e = assertThrows(InvalidFileException.class,
        () -> InputFiles.read(List.of(rows), new int[] {3}, InputFiles.CsvUnits.ANY, refusing));
    assertEquals(rows + ": line 2, column 'size' is missing, and the model has no value to fill in (it was trained "
        + "without --impute)", e.getMessage());
    Path bare = Files.writeString(dir.resolve("bare-gaps.csv"), "1,2\n,3\n");
    assertArrayEquals(new float[] {1, 2, 0.5f, 3}, InputFiles.read(List.of(bare), new int[] {2},
        InputFiles.CsvUnits.ANY, new InputFiles.TableColumns(List.of("0", "1"), List.of("-1"), Map.of(),
            new float[] {0.5f, 0.25f})).features());
  }

  @Test
  void aColumnOfTextIsOneHotEncodedAsTheModelWasTrained() throws IOException {
    InputFiles.TableColumns columns = new InputFiles.TableColumns(List.of("size", "color_blue", "color_red"),
        List.of("species"), Map.of("color", List.of("blue", "red")), new float[0]);
    Path rows = Files.writeString(dir.resolve("colors.csv"), "color,species,size\nred,a,1\n\"blue\",b,2\n");
    assertArrayEquals(new float[] {1, 0, 1, 2, 1, 0},
        InputFiles.read(List.of(rows), new int[] {3}, InputFiles.CsvUnits.ANY, columns).features());
    Path purple = Files.writeString(dir.resolve("purple.csv"), "size,color\n1,purple\n");
    InvalidFileException e = assertThrows(InvalidFileException.class,
        () -> InputFiles.read(List.of(purple), new int[] {3}, InputFiles.CsvUnits.ANY, columns));
    assertEquals(purple + ": line 2, column 'color' is 'purple', not one of the categories the model was trained on "
        + "(blue, red)", e.getMessage());
    Path bare = Files.writeString(dir.resolve("bare-colors.csv"), "1,red\n2,blue\n"); // its first row: a header
    e = assertThrows(InvalidFileException.class,
        () -> InputFiles.read(List.of(bare), new int[] {3}, InputFiles.CsvUnits.ANY, columns));
    assertEquals(bare + ": no column 'size' (the model reads size, color)", e.getMessage());
    Path numbers = Files.writeString(dir.resolve("numbers.csv"), "1,2\n");
    e = assertThrows(InvalidFileException.class,
        () -> InputFiles.read(List.of(numbers), new int[] {3}, InputFiles.CsvUnits.ANY, columns));
    assertEquals(numbers + ": line 1 is a row without a header: the model one-hot encodes the columns color, which "
        + "are found by the header's names", e.getMessage());
    // Six columns out of text order: a map that lost their order would keep it by chance once in 720.
    Map<String, List<String>> six = new java.util.LinkedHashMap<>();
    List<String> names = List.of("zeta", "alpha", "mu", "beta", "omega", "kappa");
    names.forEach(name -> six.put(name, List.of("v")));
    InputFiles.TableColumns ordered = new InputFiles.TableColumns(names.stream().map(n -> n + "_v").toList(),
        List.of("y"), six, new float[0]);
    e = assertThrows(InvalidFileException.class,
        () -> InputFiles.read(List.of(numbers), new int[] {6}, InputFiles.CsvUnits.ANY, ordered));
    assertEquals(numbers + ": line 1 is a row without a header: the model one-hot encodes the columns zeta, alpha, mu, "
        + "beta, omega, kappa, which are found by the header's names", e.getMessage()); // in the model's order
  }

  /**
   * A table's model reads rows with or without their label: the label column (by the header's name or by index) is
   * left out of rows one value longer than the input, and a first row of data with a text label is not a header.
   */
  @Test
  void aTablesLabelColumnIsLeftOutOfRowsThatHoldIt() throws IOException {
    Path named = Files.writeString(dir.resolve("named.csv"), "x,species,y\n1,setosa,2\n3,4\n");
    assertArrayEquals(new float[] {1, 2, 3, 4},
        InputFiles.read(List.of(named), new int[] {2}, InputFiles.CsvUnits.ANY, labelled("species")).features());
    Path bare = Files.writeString(dir.resolve("bare.csv"), "1,2,setosa\n3,4,virginica\n5,6\n");
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6},
        InputFiles.read(List.of(bare), new int[] {2}, InputFiles.CsvUnits.ANY, labelled("-1")).features());
    Path first = Files.writeString(dir.resolve("first.csv"), "7,1,2\n8,3,4\n");
    assertArrayEquals(new float[] {1, 2, 3, 4},
        InputFiles.read(List.of(first), new int[] {2}, InputFiles.CsvUnits.ANY, labelled("0")).features());
    // A cell whose text is the label's index is a value, not the header naming the label column.
    Path zero = Files.writeString(dir.resolve("zero.csv"), "5,0,2\n6,3,4\n");
    assertArrayEquals(new float[] {0, 2, 3, 4},
        InputFiles.read(List.of(zero), new int[] {2}, InputFiles.CsvUnits.ANY, labelled("0")).features());
    InvalidFileException e = assertThrows(InvalidFileException.class,
        () -> InputFiles.read(List.of(bare), new int[] {2}, InputFiles.CsvUnits.ANY, labelled("species")));
    assertEquals(bare + ": rows of 3 values hold the features and a label, but the model's label column 'species' is "
        + "not in a header row", e.getMessage());
  }

  /** A .tsv file, or a .csv file of semicolons, reads as the same rows with commas; an empty first cell stays one. */
  @Test
  void tabsAndSemicolonsDelimitAsTheFirstLineDoes() throws IOException {
    InputFiles.TableColumns columns = new InputFiles.TableColumns(List.of("x", "y"), List.of("species"),
        Map.of(), new float[] {7, 8});
    Path tabs = Files.writeString(dir.resolve("rows.tsv"), "y\tspecies\tx\n2\ta\t1\n\tb\t3\n");
    assertArrayEquals(new float[] {1, 2, 3, 8},
        InputFiles.read(List.of(tabs), new int[] {2}, InputFiles.CsvUnits.ANY, columns).features());
    Path semicolons = Files.writeString(dir.resolve("rows.csv"), "y;species;x\n2;a;1\n;b;3\n");
    assertArrayEquals(new float[] {1, 2, 3, 8},
        InputFiles.read(List.of(semicolons), new int[] {2}, InputFiles.CsvUnits.ANY, columns).features());
  }

  /** A model of several targets reads rows with all its target columns (by index or name) or none of them. */
  @Test
  void severalTargetColumnsAreLeftOutOfRowsThatHoldThem() throws IOException {
    InputFiles.TableColumns byIndex = new InputFiles.TableColumns(List.of("1", "3"), List.of("2", "0"));
    Path bare = Files.writeString(dir.resolve("targets.csv"), "10,1,20,2\n30,3,40,4\n5,6\n");
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6},
        InputFiles.read(List.of(bare), new int[] {2}, InputFiles.CsvUnits.ANY, byIndex).features());
    Path headed = Files.writeString(dir.resolve("headed.csv"), "rent,x,price,y\n10,1,20,2\n");
    assertArrayEquals(new float[] {1, 2}, InputFiles.read(List.of(headed), new int[] {2}, InputFiles.CsvUnits.ANY,
        new InputFiles.TableColumns(List.of("x", "y"), List.of("price", "rent"))).features());
    Path oneShort = Files.writeString(dir.resolve("one-short.csv"), "1,2,3\n");
    InvalidFileException e = assertThrows(InvalidFileException.class,
        () -> InputFiles.read(List.of(oneShort), new int[] {2}, InputFiles.CsvUnits.ANY, byIndex));
    assertEquals(oneShort + ": line 1 has 3 values, the model reads 2 (target columns? give the features alone)",
        e.getMessage());
  }
}
