package io.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * A launch taken through JCuda's native binding to a driver: native/host/null_driver.c, built with gcc as
 * libcuda.so.1 and loaded by a child JVM that runs {@link LaunchProbe}. The driver is handed the table of the
 * kernel's argument block, each entry pointing at the argument's bytes as the kernel declares them, and a compiled
 * launch allocates nothing on the Java heap (building JCuda pointer arrays cost 648 bytes for these five
 * arguments). Skips where gcc is not on PATH.
 */
@EnabledOnOs(value = OS.LINUX, architectures = "amd64")
class KernelLaunchHostTest {
  @TempDir
  Path dir;

  @Test
  void theDriverReadsEachArgumentThroughTheBlocksTable() throws Exception {
    assumeTrue(HostTool.onPath("gcc"), "gcc not on PATH");
    HostTool built = HostTool.run(null, "gcc", "-shared", "-fPIC", "-O1", "-Wall", "-Werror",
        "-Wl,-soname,libcuda.so.1", HostKernel.HOST.resolve("null_driver.c").toString(),
        "-o", dir.resolve("libcuda.so.1").toString());
    assertEquals(0, built.exitCode(), built.output());

    List<String> lines = probe();
    List<String> expected = new ArrayList<>();
    expected.add(hex(4, b -> b.putInt(LaunchProbe.I32)));
    expected.add(hex(4, b -> b.putFloat((float) LaunchProbe.F32)));
    expected.add(hex(8, b -> b.putLong(0)));
    expected.add(hex(8, b -> b.putLong(LaunchProbe.ADDRESS)));
    expected.add(hex(8, b -> b.putLong(LaunchProbe.I64)));
    expected.add(hex(8, b -> b.putDouble(LaunchProbe.F64)));
    expected.add(hex(4 * LaunchProbe.INTS.length, b -> b.asIntBuffer().put(LaunchProbe.INTS)));
    expected.add(hex(8 * LaunchProbe.LONGS.length, b -> b.asLongBuffer().put(LaunchProbe.LONGS)));
    for (int i = 0; i < expected.size(); i++) {
      assertEquals("arg " + i + " " + expected.get(i), lines.get(i));
    }
    assertEquals("launches 1 extra 0", lines.get(expected.size()));
    assertEquals("grid [3, 2, 1, 256, 1, 1, 0]", lines.get(expected.size() + 1));

    Matcher compiled = Pattern.compile("round 1 heap_bytes_per_launch (\\S+) ns_per_launch \\S+")
        .matcher(lines.get(expected.size() + 3));
    assertTrue(compiled.matches(), lines.get(expected.size() + 3));
    assertTrue(Double.parseDouble(compiled.group(1)) < 1, "heap bytes per launch: " + compiled.group(1));
  }

  private List<String> probe() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    // Standard error apart: newer JDKs warn there when JCuda loads its library.
    Path errors = dir.resolve("stderr.txt");
    ProcessBuilder pb = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED",
        "-XX:ErrorFile=" + dir.resolve("hs_err_%p.log"), "-cp", System.getProperty("java.class.path"),
        LaunchProbe.class.getName()).redirectError(errors.toFile());
    pb.environment().put("LD_LIBRARY_PATH", dir.toString());
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the probe timed out");
    assertEquals(0, p.exitValue(), output + Files.readString(errors));
    return output.lines().toList();
  }

  private static String hex(int bytes, java.util.function.Consumer<ByteBuffer> fill) {
    ByteBuffer b = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    fill.accept(b);
    return HexFormat.of().formatHex(b.array());
  }
}
