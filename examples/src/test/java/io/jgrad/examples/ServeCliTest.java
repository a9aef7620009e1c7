package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jgrad serve} as a user starts it, in a JVM of its own on a free loopback port: it prints where it listens,
 * answers as {@code predict} prints, and stops on a TERM signal. The HTTP surface itself is tested in the tools
 * module ({@code PredictionServerTest}).
 */
class ServeCliTest {
  @TempDir static Path dir;
  private static Path model;

  @BeforeAll
  static void trainATable() throws IOException {
    Path table = Files.writeString(dir.resolve("levels.csv"), CsvCategoriesCliTest.rows(200, 7));
    model = dir.resolve("levels.safetensors");
    CliRun r = CliRun.run("train", "--dataset", "csv", "--data", table.toString(), "--hidden", "8", "--epochs", "2",
        "--threads", "1", "--backend", "cpu", "--no-progress", "--save", model.toString());
    assertEquals(0, r.code(), r.err());
  }

  @Test
  void itServesWhatPredictPrintsUntilStopped() throws Exception {
    Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
        "io.jgrad.examples.Jgrad", "serve", "--model", model.toString(), "--port", "0", "--threads", "1",
        "--backend", "cpu"))
        .redirectError(dir.resolve("serve.err").toFile())
        .start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String first = out.readLine();
      assertTrue(first != null, "no line from jgrad serve: " + Files.readString(dir.resolve("serve.err")));
      Map<String, String> serving = CliRun.fields(first);
      assertEquals("serving", serving.get("event"));
      assertTrue(serving.get("url").matches("http://127\\.0\\.0\\.1:\\d+"), first);

      HttpResponse<String> r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(serving.get("url") + "/predict"))
              .POST(HttpRequest.BodyPublishers.ofString("{\"instances\": [{\"x\": 1.25, \"color\": \"red\"}, "
                  + "{\"color\": \"blue\", \"x\": -0.5}]}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      Path rows = Files.writeString(dir.resolve("rows.csv"), "x,color\n1.25,red\n-0.5,blue\n");
      CliRun predict = CliRun.run("predict", "--model", model.toString(), rows.toString(), "--threads", "1",
          "--backend", "cpu");
      assertEquals(0, predict.code(), predict.err());
      // predict's lines less their "input" field, as the server's predictions
      String expected = predict.lines().stream().map(l -> l.replaceFirst("\"input\":\"[^\"]*\",", ""))
          .reduce((a, b) -> a + "," + b).orElseThrow();
      assertEquals("{\"predictions\":[" + expected + "]}", r.body().strip());
    } finally {
      p.destroy(); // SIGTERM: the shutdown hook stops the server
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "jgrad serve did not stop on SIGTERM");
    }
  }

  @Test
  void aPortInUseOrOutOfRangeIsOneLine() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      CliRun r = CliRun.run("serve", "--model", model.toString(), "--port", Integer.toString(port), "--threads", "1",
          "--backend", "cpu");
      assertEquals(1, r.code());
      assertTrue(r.errorLine().startsWith("jgrad serve: cannot listen on 127.0.0.1:" + port + ": "), r.errorLine());
      assertTrue(r.errorLine().endsWith("(another --port, or 0 for a free one)"), r.errorLine());
    }
    CliRun r = CliRun.run("serve", "--model", model.toString(), "--port", "70000");
    assertEquals("jgrad serve: --port must be in 0..65535, got 70000", r.errorLine());
    CliRun missing = CliRun.run("serve", "--model", dir.resolve("none.safetensors").toString(), "--port", "0");
    assertEquals(1, missing.code());
    assertTrue(missing.errorLine().startsWith("jgrad serve: " + dir.resolve("none.safetensors")), missing.errorLine());
  }
}
