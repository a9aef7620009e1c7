package io.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed PTX: loadable by drivers from CUDA 12.0 on (.version ≤ 8.0), targeting the module's architecture,
 * assembled by ptxas for sm_75 (where the target allows), sm_80 and sm_90, and what native/build-ptx.sh makes from
 * today's sources. The tool checks skip, saying so, where nvcc or ptxas is not on PATH.
 */
class PtxBuildTest {
  static final Path BUILD_SCRIPT = Path.of("..", "native", "build-ptx.sh");
  /** The newest PTX ISA that the CUDA 12.0 driver JIT accepts. */
  static final double MAX_PTX_VERSION = 8.0;

  @Test
  void ptxVersionIsLoadableByCuda12Drivers() {
    for (PtxModule m : PtxModule.values()) {
      Matcher v = Pattern.compile("(?m)^\\.version (\\d+\\.\\d+)$").matcher(m.source());
      assertTrue(v.find(), m.resource() + " has no .version line");
      assertTrue(Double.parseDouble(v.group(1)) <= MAX_PTX_VERSION, m.resource() + ": .version " + v.group(1));
      assertTrue(m.source().contains(".target sm_" + m.minimumArch() + "\n"),
          m.resource() + " must target sm_" + m.minimumArch());
    }
  }

  @Test
  void ptxasAssemblesEveryModuleForSm75Sm80AndSm90(@TempDir Path tmp) throws Exception {
    assumeTrue(HostTool.onPath("ptxas"), "ptxas is not on PATH: skipping the assembly check");
    for (PtxModule m : PtxModule.values()) {
      Path ptx = tmp.resolve(m.resource());
      Files.writeString(ptx, m.source());
      for (int sm : List.of(75, 80, 90)) {
        if (sm < m.minimumArch()) {
          continue;
        }
        String arch = "sm_" + sm;
        HostTool r =
            HostTool.run(null, "ptxas", "-arch=" + arch, ptx.toString(), "-o", tmp.resolve("out.cubin").toString());
        assertEquals(0, r.exitCode(), "ptxas -arch=" + arch + " " + m.resource() + ":\n" + r.output());
      }
    }
  }

  @Test
  void committedPtxMatchesAFreshBuild(@TempDir Path tmp) throws Exception {
    assumeTrue(HostTool.onPath("nvcc"), "nvcc is not on PATH: skipping the committed-PTX check");
    HostTool built = HostTool.run(null, "bash", BUILD_SCRIPT.toString(), tmp.toString());
    assertEquals(0, built.exitCode(), built.output());
    for (PtxModule m : PtxModule.values()) {
      String fresh = Files.readString(tmp.resolve(m.resource()));
      assumeTrue(
          compilerLine(fresh).equals(compilerLine(m.source())),
          "nvcc differs from the one that built the committed PTX (" + compilerLine(m.source()) + ")");
      assertEquals(fresh, m.source(), m.resource() + " is stale: run native/build-ptx.sh and commit the result");
    }
  }

  private static String compilerLine(String ptx) {
    return ptx.lines().filter(l -> l.startsWith("// Cuda compilation tools")).findFirst().orElse("?");
  }
}
