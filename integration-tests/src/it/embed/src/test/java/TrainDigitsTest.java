import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.Backend;
import io.jgrad.Backends;
import io.jgrad.Tensor;
import io.jgrad.cpu.CpuBackend;
import io.jgrad.datasets.Digits;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's TrainDigits, run as a user's project runs it: against jgrad's installed jars. */
class TrainDigitsTest {

  @Test
  void trainsSavesReloadsAndPredicts() throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream out = System.out;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      TrainDigits.main(new String[0]);
    } finally {
      System.setOut(out);
    }
    String text = captured.toString(StandardCharsets.UTF_8);
    System.out.print(text);

    Matcher accuracy = Pattern.compile("epoch 2: test accuracy (\\d[.,]\\d+)").matcher(text);
    assertTrue(accuracy.find(), text);
    assertTrue(Double.parseDouble(accuracy.group(1).replace(',', '.')) > 0.9, text);
    assertTrue(Files.size(Path.of("digits.safetensors")) > 784 * 256 * 4, "the saved model");

    Matcher prediction = Pattern.compile("test digit \\d: predicted (\\d), label (\\d)").matcher(text);
    int seen = 0;
    int right = 0;
    while (prediction.find()) {
      seen++;
      right += prediction.group(1).equals(prediction.group(2)) ? 1 : 0;
    }
    assertEquals(10, seen, text);
    assertTrue(right >= 8, "the reloaded model got " + right + " of 10 right: " + text);
  }

  /** The jars came from the installed repository, each with its module name. */
  @Test
  void theJarsAreTheInstalledOnesAndNameTheirModules() throws Exception {
    for (Class<?> c : List.of(Tensor.class, CpuBackend.class, Digits.class)) {
      Path jar = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
      assertTrue(jar.toString().contains("it-repo"), jar + " is not from the installed repository");
      ModuleReference module = ModuleFinder.of(jar).findAll().iterator().next();
      assertEquals(c.getPackageName(), module.descriptor().name(), jar.toString());
    }
  }

  /** The surefire argLine the README shows gives the SIMD kernels. */
  @Test
  void theJvmFlagGivesTheSimdKernels() {
    try (Backend cpu = Backends.create("cpu")) {
      assertTrue(cpu.describe().startsWith("cpu: SIMD kernels"), cpu.describe());
    }
  }
}
