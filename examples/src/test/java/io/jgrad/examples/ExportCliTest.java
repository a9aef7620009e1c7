package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jgrad export}: a trained model file written as ONNX (what it holds is proved in tools' OnnxExportTest). */
class ExportCliTest {
  @TempDir static Path dir;
  private static Path model;

  @BeforeAll
  static void train() {
    model = dir.resolve("digits.safetensors");
    CliRun r = CliRun.run("train", "--epochs", "1", "--hidden", "16", "--threads", "1", "--backend", "cpu",
        "--no-progress", "--save", model.toString());
    assertEquals(0, r.code(), r.err());
  }

  @Test
  void writesTheOnnxFileAndSaysWhatItHolds() throws IOException {
    Path onnx = dir.resolve("digits.onnx");
    CliRun r = CliRun.run("export", "--model", model.toString(), "--output", onnx.toString());
    assertEquals(0, r.code(), r.err());
    Map<String, String> line = r.summary();
    assertEquals("export", line.get("event"));
    assertEquals(Long.toString(Files.size(onnx)), line.get("bytes"));
    assertTrue(r.out().contains("\"input_shape\":[1,28,28],\"outputs\":[\"logits\",\"probabilities\"]"), r.out());
    byte[] bytes = Files.readAllBytes(onnx);
    assertEquals(0x08, bytes[0]); // field 1 (ir_version), a varint: a protobuf ModelProto
    assertTrue(Files.size(onnx) > 4 * (784 * 16 + 16 * 10)); // the weights are in it
  }

  @Test
  void badOutputsAreOneLineAndTheModelFileIsKept() throws IOException {
    byte[] before = Files.readAllBytes(model);
    CliRun self = CliRun.run("export", "--model", model.toString(), "--output", model.toString());
    assertEquals(1, self.code());
    assertEquals("jgrad export: --output " + model + " is the model file itself: write the ONNX model beside it",
        self.errorLine());
    assertEquals(before.length, Files.readAllBytes(model).length);
    Path nowhere = dir.resolve("missing").resolve("m.onnx");
    CliRun missing = CliRun.run("export", "--model", model.toString(), "--output", nowhere.toString());
    assertEquals("jgrad export: --output " + nowhere + ": the folder " + nowhere.getParent() + " does not exist",
        missing.errorLine());
    Path notAModel = Files.writeString(dir.resolve("t.csv"), "a,b\n1,2\n");
    CliRun wrong = CliRun.run("export", "--model", notAModel.toString(), "--output", dir.resolve("x.onnx").toString());
    assertEquals(1, wrong.code());
    assertTrue(wrong.errorLine().startsWith("jgrad export: " + notAModel + ": "), wrong.errorLine());
    assertFalse(Files.exists(dir.resolve("x.onnx")));
  }
}
