package io.jgrad.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jgrad.DType;
import io.jgrad.spi.ReducedFloats;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BF16 and F16 safetensors both ways with PyTorch: torch_16bit.safetensors was written from torch tensors by
 * torch_16bit.py (beside it), and a file written here is loaded back by that script when python3 with torch is on
 * the machine (the test says so and skips that half where it is not).
 */
class Safetensors16BitTest {
  private static final float[] VALUES = {0f, -0f, 1f, -2.5f, 3.140625f, 1e-3f, 65504f, -1e-7f,
    Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1f / 3, 7f};

  @Test
  void filesPyTorchWroteLoadWithTheirDtypesAndBits() throws Exception {
    Map<String, TensorData> t = Safetensors.read(resource("torch_16bit.safetensors")).tensors();
    assertArrayEquals(VALUES, t.get("w_f32").toFloats(), 0f, "the float32 originals");
    for (DType dtype : new DType[] {DType.BFLOAT16, DType.FLOAT16}) {
      TensorData d = t.get(dtype == DType.BFLOAT16 ? "w_bf16" : "w_f16");
      assertEquals(dtype == DType.BFLOAT16 ? SafetensorsDtype.BF16 : SafetensorsDtype.F16, d.dtype());
      assertArrayEquals(new int[] {2, 6}, d.shape());
      assertArrayEquals(bits(dtype), d.toShortBits(), dtype + ": torch's rounding is ours, bit for bit");
      float[] widened = new float[VALUES.length];
      for (int i = 0; i < widened.length; i++) {
        widened[i] = ReducedFloats.fromBits(dtype, bits(dtype)[i]);
      }
      assertArrayEquals(widened, d.toFloats(), 0f, dtype + " widened to float32");
    }
  }

  @Test
  void filesWrittenHereLoadInPyTorch(@TempDir Path dir) throws Exception {
    Map<String, TensorData> out = new LinkedHashMap<>();
    out.put("w_bf16", TensorData.ofShortBits(DType.BFLOAT16, new int[] {2, 6}, bits(DType.BFLOAT16)));
    out.put("w_f16", TensorData.ofShortBits(DType.FLOAT16, new int[] {2, 6}, bits(DType.FLOAT16)));
    out.put("w_f32", TensorData.ofFloats(new int[] {2, 6}, VALUES));
    Path file = dir.resolve("jgrad_16bit.safetensors");
    Safetensors.write(file, out, Map.of());
    Map<String, TensorData> back = Safetensors.read(file).tensors();
    assertArrayEquals(bits(DType.BFLOAT16), back.get("w_bf16").toShortBits(), "BF16 round trip");
    assertArrayEquals(bits(DType.FLOAT16), back.get("w_f16").toShortBits(), "F16 round trip");

    Path script = resource("torch_16bit.py");
    Process p;
    try {
      // The system python first: a pyenv or venv python3 earlier on PATH often lacks torch.
      String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
      p = new ProcessBuilder(python, script.toString(), "check", file.toString()).redirectErrorStream(true).start();
    } catch (IOException e) {
      assumeTrue(false, "no python3 here: " + e.getMessage());
      return;
    }
    assertEquals(true, p.waitFor(120, TimeUnit.SECONDS), "python3 finished");
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assumeTrue(!output.contains("No module named 'torch'"), "python3 has no torch here");
    assertEquals(0, p.exitValue(), output);
  }

  private static short[] bits(DType dtype) {
    short[] b = new short[VALUES.length];
    for (int i = 0; i < b.length; i++) {
      b[i] = ReducedFloats.toBits(dtype, VALUES[i]);
    }
    return b;
  }

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(Safetensors16BitTest.class.getResource(name).toURI());
  }
}
