package io.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.UnaryOp;
import io.jgrad.spi.BinaryOp;
import io.jgrad.spi.ReduceOp;
import io.jgrad.spi.StepGuard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What the Java launchers and the CUDA sources must agree on, checked without a GPU: op codes (Java passes
 * {@code ordinal()}), block constants, the softmax-CE error word's "no bad row" value, one PTX module per .cu file,
 * and every launched kernel name.
 */
class KernelSourceTest {
  static final Path KERNELS = Path.of("..", "native", "kernels");
  static final Path SOURCES = Path.of("src", "main", "java", "io", "jgrad", "cuda");

  @Test
  void opEnumsListJavasConstantsInOrder() throws IOException {
    String ops = Files.readString(KERNELS.resolve("ops.cuh"));
    assertEquals(names(UnaryOp.values()), cudaEnum(ops, "UnaryOp"));
    assertEquals(names(BinaryOp.values()), cudaEnum(ops, "BinaryOp"));
    assertEquals(names(ReduceOp.values()), cudaEnum(ops, "ReduceOp"));
  }

  @Test
  void blockConstantsMatchTheKernels() throws IOException {
    assertEquals(Grid.BLOCK_MAX_THREADS, define("block.cuh", "BLOCK_MAX_THREADS"));
    assertEquals(Grid.BIAS_COLS, define("bias_activation.cu", "BA_COLS"));
    assertEquals(Grid.BIAS_ROWS, define("bias_activation.cu", "BA_ROWS"));
    assertEquals(Grid.GEMM_TILE, define("gemm.cu", "TILE_M"));
    assertEquals(Grid.GEMM_TILE, define("gemm.cu", "TILE_N"));
    assertEquals(Grid.GEMM_THREADS_PER_SIDE * Grid.GEMM_THREADS_PER_SIDE, define("gemm.cu", "THREADS"));
    assertEquals(Grid.THREADS, define("gemm.cu", "THREADS"));
    assertEquals(Grid.GEMM_LARGE_TILE, define("gemm.cu", "LARGE_TILE"));
    assertEquals(TiledGemm.SPLIT_ALIGN, define("gemm.cu", "SPLIT_ALIGN"));
    assertEquals(BinaryKernels.MAX_RANK, define("binary.cu", "MAX_RANK"));
    assertEquals(Grid.TENSOR_GEMM_TILE, define("tensor_gemm.cuh", "HG_TILE"));
    assertEquals(Grid.THREADS, define("tensor_gemm.cuh", "HG_THREADS"));
    assertEquals(TensorGemm.SPLIT_ALIGN, define("tensor_gemm.cuh", "HG_SPLIT_ALIGN"));
  }

  /** Launchers pass Storage.ordinal() as half.cuh's Storage code. */
  @Test
  void storageCodesMatchHalfCuh() throws IOException {
    Matcher m =
        Pattern.compile("enum class Storage \\{([^}]*)\\}").matcher(Files.readString(KERNELS.resolve("half.cuh")));
    assertTrue(m.find(), "enum class Storage in half.cuh");
    String[] entries = m.group(1).split(",");
    assertEquals(Storage.values().length, entries.length);
    for (Storage s : Storage.values()) {
      assertEquals(s.name() + " = " + s.ordinal(), entries[s.ordinal()].trim());
    }
  }

  /** conv.cu's Conv and pool.cu's Pool are the 14 ints ConvGeometry.fields() passes, in that order. */
  @Test
  void windowStructsHoldTheFourteenFieldsInOrder() throws IOException {
    List<String> fields = List.of("n", "c", "h", "w", "kh", "kw", "sh", "sw", "ph", "pw", "dh", "dw", "oh", "ow");
    assertEquals(fields, structFields("conv.cu", "Conv"));
    assertEquals(fields, structFields("pool.cu", "Pool"));
    assertEquals(fields.size(), new ConvGeometry(1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1).fields().length);
  }

  private static List<String> structFields(String file, String name) throws IOException {
    Matcher m =
        Pattern.compile("struct " + name + " \\{([^}]*)\\}").matcher(Files.readString(KERNELS.resolve(file)));
    assertTrue(m.find(), "struct " + name + " in " + file);
    return Arrays.stream(m.group(1).replaceAll("//[^\\n]*", "").replace("int ", "").split("[,;]"))
        .map(String::trim).filter(f -> !f.isEmpty()).collect(Collectors.toList());
  }

  @Test
  void reduceSizesItsPartialsAsJavaDoes() throws IOException {
    assertTrue(Files.readString(KERNELS.resolve("reduce.cu"))
        .contains("static_assert(sizeof(Partial) == " + ReduceKernels.PARTIAL_BYTES + ","));
  }

  /** training_step.cu's list constants and guard offsets are TrainingStepKernels' and StepGuard's. */
  @Test
  void theTrainingStepKernelsShareJavasLayout() throws IOException {
    String file = "training_step.cu";
    assertEquals(TrainingStepKernels.LIST_MAX, define(file, "LIST_MAX"));
    assertEquals(TrainingStepKernels.CHUNK, define(file, "CHUNK"));
    assertEquals(TrainingStepKernels.LIST_THREADS, define(file, "LIST_THREADS"));
    assertEquals(List.of("ptr[4][LIST_MAX]", "length[LIST_MAX]", "chunkStart[LIST_MAX + 1]", "count"),
        structFields(file, "TensorList").stream().map(f -> f.replace("long long ", "")).toList());
    assertEquals(TrainingStepKernels.LIST_LONGS, 4 * TrainingStepKernels.LIST_MAX + 2 * TrainingStepKernels.LIST_MAX
        + 2);
    assertEquals(List.of("ptr[LIST_MAX]", "type[LIST_MAX]"),
        structFields(file, "CopyList").stream().map(f -> f.replace("long long ", "")).toList());
    assertEquals(TrainingStepKernels.COPY_LONGS, 2 * TrainingStepKernels.LIST_MAX);
    String[] header = {"APPLY", "SCALE", "APPLIED_STEPS", "LOSS_SUM", "LOSS_SUM_LOW", "LAST_LOSS", "SKIPPED",
        "SKIPPED_IN_A_ROW", "STOPPED", "BAD_STEP", "BAD_LOSS", "LOSS_SCALE", "CLEAN_STEPS", "OVERFLOWS", "HEADER"};
    int[] offsets = {StepGuard.APPLY, StepGuard.SCALE, StepGuard.APPLIED_STEPS, StepGuard.LOSS_SUM,
        StepGuard.LOSS_SUM_LOW, StepGuard.LAST_LOSS, StepGuard.SKIPPED, StepGuard.SKIPPED_IN_A_ROW, StepGuard.STOPPED,
        StepGuard.BAD_STEP, StepGuard.BAD_LOSS, StepGuard.LOSS_SCALE, StepGuard.CLEAN_STEPS, StepGuard.OVERFLOWS,
        StepGuard.HEADER};
    for (int i = 0; i < header.length; i++) {
      assertEquals(offsets[i], define(file, "G_" + header[i]), header[i]);
    }
    for (StepGuard.Block b : StepGuard.Block.values()) {
      assertEquals(b.ordinal(), define(file, "G_" + b.name()), b.name());
    }
    assertEquals(StepGuard.NORM_EPS, decimal(file, "NORM_EPS"));
    assertEquals(StepGuard.BACKOFF, decimal(file, "G_BACKOFF"));
    assertEquals(StepGuard.GROWTH, decimal(file, "G_GROWTH"));
  }

  @Test
  void theNoBadLabelWordMatchesTheKernel() throws IOException {
    assertEquals(SoftmaxCrossEntropyKernels.NO_BAD_ROW, define("softmax_cross_entropy.cu", "NO_BAD_ROW"));
  }

  @Test
  void everyCudaFileHasAPtxModule() throws IOException {
    try (Stream<Path> files = Files.list(KERNELS)) {
      List<String> cu =
          files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cu"))
              .map(n -> n.replace(".cu", ".ptx")).sorted().collect(Collectors.toList());
      List<String> modules =
          Arrays.stream(PtxModule.values()).map(PtxModule::resource).sorted().collect(Collectors.toList());
      assertEquals(cu, modules);
    }
  }

  /** Each {@code context.kernel(PtxModule.X, "name")} in the launchers names an entry of X's PTX. */
  @Test
  void everyLaunchedKernelIsInItsModule() throws IOException {
    Pattern call = Pattern.compile("kernel\\(PtxModule\\.(\\w+), \"(\\w+)\"\\)");
    int found = 0;
    try (Stream<Path> files = Files.list(SOURCES)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Matcher m = call.matcher(Files.readString(file));
        while (m.find()) {
          String ptx = PtxModule.valueOf(m.group(1)).source();
          assertTrue(ptx.contains(".entry " + m.group(2) + "("), m.group(2) + " is not in " + m.group(1));
          found++;
        }
      }
    }
    assertEquals(26, found, "kernels launched from Java");  // TensorGemmVariantTest checks the sm_80 entries
  }

  /** Each {@code new StorageKernels(context, PtxModule.X, "name")} names three entries of X: name, name_bf16, name_f16. */
  @Test
  void everyStorageVariantIsInItsModule() throws IOException {
    Pattern call = Pattern.compile("new StorageKernels\\(context, PtxModule\\.(\\w+), \"(\\w+)\"\\)");
    int found = 0;
    try (Stream<Path> files = Files.list(SOURCES)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Matcher m = call.matcher(Files.readString(file));
        while (m.find()) {
          String ptx = PtxModule.valueOf(m.group(1)).source();
          for (Storage s : Storage.values()) {
            String name = m.group(2) + s.suffix();
            assertTrue(ptx.contains(".entry " + name + "("), name + " is not in " + m.group(1));
          }
          found++;
        }
      }
    }
    assertEquals(11, found, "kernels launched in three storage types");
  }

  private static List<String> names(Enum<?>[] values) {
    return Arrays.stream(values).map(Enum::name).collect(Collectors.toList());
  }

  private static List<String> cudaEnum(String source, String name) {
    Matcher m = Pattern.compile("enum class " + name + " \\{([^}]*)\\}").matcher(source);
    assertTrue(m.find(), "enum class " + name + " in ops.cuh");
    return Arrays.stream(m.group(1).split(",")).map(String::trim).collect(Collectors.toList());
  }

  private static int define(String file, String name) throws IOException {
    Matcher m = Pattern.compile("#define " + name + " (\\d+)").matcher(Files.readString(KERNELS.resolve(file)));
    assertTrue(m.find(), "#define " + name + " in " + file);
    return Integer.parseInt(m.group(1));
  }

  /** A #define of a floating-point literal (1e-6, 0.5, 2.0). */
  private static double decimal(String file, String name) throws IOException {
    Matcher m = Pattern.compile("#define " + name + " ([0-9.eE+-]+)\\s")
        .matcher(Files.readString(KERNELS.resolve(file)));
    assertTrue(m.find(), "#define " + name + " in " + file);
    return Double.parseDouble(m.group(1));
  }

}
