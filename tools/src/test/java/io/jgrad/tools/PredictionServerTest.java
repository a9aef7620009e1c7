package io.jgrad.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.Generator;
import io.jgrad.data.Imputer;
import io.jgrad.data.Standardizer;
import io.jgrad.nn.Module;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The server on a loopback port: each answer is what the Predictor (and so {@code jgrad predict}) gives the same
 * examples, printed as {@link PredictionFields}; each refusal is a status and one line.
 */
class PredictionServerTest extends ScalarBackendTest {
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  /** A table's model: size, and color one-hot (blue, red); trained with imputation where {@code fill} is given. */
  private Predictor tableModel(float[] fill) throws IOException {
    MlpSpec spec = new MlpSpec(new int[] {3}, new int[] {8}, "relu", 0, 2);
    ModelFile description = ModelFile.of(spec, Standardizer.of(3, new double[] {1, 0.5, 0.5},
        new double[] {2, 0.5, 0.5}), List.of("no", "yes"), "csv")
        .withFeatureNames(List.of("size", "color_blue", "color_red"))
        .withCategories(Map.of("color", List.of("blue", "red")));
    return saved(fill == null ? description : description.withImputer(Imputer.of(fill)),
        spec.build(backend, new Generator(3), new Generator(4)));
  }

  private Predictor saved(ModelFile description, Module model) throws IOException {
    Path file = dir.resolve("m.safetensors");
    description.save(file, model);
    model.close();
    return Predictor.load(file, backend);
  }

  private static PredictionServer serve(Predictor p) throws IOException {
    return PredictionServer.start(p, "m.safetensors", new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 2);
  }

  private static HttpResponse<String> post(PredictionServer s, String type, byte[] body) throws Exception {
    return post(s, "/predict", type, body);
  }

  private static HttpResponse<String> post(PredictionServer s, String path, String type, byte[] body)
      throws Exception {
    HttpRequest request = HttpRequest.newBuilder(url(s, path)).header("Content-Type", type)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(PredictionServer s, String json) throws Exception {
    return post(s, "application/json", json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static URI url(PredictionServer s, String path) {
    return URI.create("http://127.0.0.1:" + s.address().getPort() + path);
  }

  /** The response {@code jgrad predict}'s fields would make for these predictions. */
  private static String expected(List<Prediction> predictions, int topK) {
    List<Map<String, Object>> fields = new ArrayList<>();
    predictions.forEach(p -> fields.add(PredictionFields.of(p, topK)));
    return JsonLine.of(Map.of("predictions", fields)) + "\n";
  }

  @Test
  void arraysAndNamedColumnsAnswerAsThePredictorDoes() throws Exception {
    try (Predictor p = tableModel(null); PredictionServer s = serve(p)) {
      HttpResponse<String> r = post(s, "{\"instances\": [[1.5, 0, 1], [-2, 1, 0]]}");
      assertEquals(200, r.statusCode(), r.body());
      assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
      assertEquals(expected(p.predict(new float[] {1.5f, 0, 1, -2, 1, 0}), 2), r.body());
      // by name, in any order, other names left out, a number as text as a CSV cell holds it
      HttpResponse<String> named = post(s, "{\"instances\": [{\"color\": \"red\", \"size\": 1.5, \"id\": 7}, "
          + "{\"size\": \"-2\", \"color\": \"blue\"}]}");
      assertEquals(r.body(), named.body());
      // curl -d's content type, unasked: read as JSON
      HttpResponse<String> curl = post(s, "application/x-www-form-urlencoded",
          "{\"instances\": [[1.5, 0, 1], [-2, 1, 0]]}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      assertEquals(r.body(), curl.body());
    }
  }

  /**
   * ?explain=true: each prediction with its integrated gradients by column, what predict --explain prints for the same
   * rows (IntegratedGradients over the same steps); bad parameters are a 400 and one line.
   */
  @Test
  void explainAddsEachInstancesAttributions() throws Exception {
    try (Predictor p = tableModel(null); PredictionServer s = serve(p)) {
      byte[] body = "{\"instances\": [[1.5, 0, 1], {\"size\": -2, \"color\": \"blue\"}]}".getBytes(
          java.nio.charset.StandardCharsets.UTF_8);
      HttpResponse<String> r = post(s, "/predict?explain=true&steps=20", "application/json", body);
      assertEquals(200, r.statusCode(), r.body());
      float[] x = {1.5f, 0, 1, -2, 1, 0};
      List<List<IntegratedGradients.Attribution>> explained = IntegratedGradients.explain(p, x, 20);
      List<Map<String, Object>> fields = new ArrayList<>();
      List<Prediction> predictions = p.predict(x);
      for (int i = 0; i < 2; i++) {
        Map<String, Object> f = PredictionFields.of(predictions.get(i), 2);
        f.putAll(PredictionFields.attributions(explained.get(i), p.description().inputColumns()));
        fields.add(f);
      }
      assertEquals(JsonLine.of(Map.of("predictions", fields)) + "\n", r.body());
      assertTrue(r.body().contains("\"attributions\":{\"size\":"), r.body());
      assertEquals(post(s, "{\"instances\": [[1.5, 0, 1]]}").body(),
          post(s, "/predict?explain=false", "application/json", "{\"instances\": [[1.5, 0, 1]]}".getBytes(
              java.nio.charset.StandardCharsets.UTF_8)).body());
      assertRefused(post(s, "/predict?explain=yes", "application/json", body), 400,
          "explain=yes: expected true or false");
      assertRefused(post(s, "/predict?explain=true&steps=0", "application/json", body), 400,
          "steps=0: expected a whole number from 1 to 1000");
      assertRefused(post(s, "/predict?steps=5", "application/json", body), 400, "steps is for explain=true");
    }
  }

  /** ?threshold=T: a two-class model's second class where its probability is above T, as Predictor.predict(x, T). */
  @Test
  void aThresholdDecidesATwoClassModelsClass() throws Exception {
    try (Predictor p = tableModel(null); PredictionServer s = serve(p)) {
      float[] x = {1.5f, 0, 1, -2, 1, 0, 0.5f, 1, 0};
      String body = "{\"instances\": [[1.5, 0, 1], [-2, 1, 0], [0.5, 1, 0]]}";
      List<String> answers = new ArrayList<>();
      for (double t : new double[] {0.05, 0.5, 0.95}) {
        HttpResponse<String> r = post(s, "/predict?threshold=" + t, "application/json",
            body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(expected(p.predict(x, t), 2), r.body());
        answers.add(r.body());
      }
      assertEquals(post(s, body).body(), answers.get(1)); // 0.5: the likelier class
      assertTrue(answers.get(0).split("\"class\":\"yes\"").length > answers.get(2).split("\"class\":\"yes\"")
          .length, answers.toString());
      assertRefused(post(s, "/predict?threshold=1", "application/json", body.getBytes(
          java.nio.charset.StandardCharsets.UTF_8)), 400, "threshold=1: expected a probability in (0, 1)");
    }
  }

  @Test
  void missingValuesTakeTheModelsFillValuesOrAreRefused() throws Exception {
    try (Predictor p = tableModel(new float[] {2.5f, 0, 1}); PredictionServer s = serve(p)) {
      HttpResponse<String> r = post(s, "{\"instances\": [{\"color\": null}, [null, null, null], {\"size\": \"NA\", "
          + "\"color\": \"blue\"}]}");
      assertEquals(200, r.statusCode(), r.body());
      assertEquals(expected(p.predict(new float[] {2.5f, 0, 1, 2.5f, 0, 1, 2.5f, 1, 0}), 2), r.body());
    }
    try (Predictor p = tableModel(null); PredictionServer s = serve(p)) {
      HttpResponse<String> r = post(s, "{\"instances\": [[1, 0, 1], {\"color\": \"red\"}]}");
      assertEquals(400, r.statusCode());
      assertEquals("{\"error\":\"instance 1 column 'size' is missing, and the model has no value to fill in (it was "
          + "trained without --impute)\"}\n", r.body());
    }
  }

  @Test
  void anImageBodyIsScaledAsPredictScalesAFile() throws Exception {
    MlpSpec spec = new MlpSpec(new int[] {1, 4, 4}, new int[] {6}, "relu", 0, 3);
    ModelFile description = ModelFile.of(spec, Standardizer.of(16, new double[] {0.5}, new double[] {0.25}),
        List.of("x", "y", "z"), "images");
    BufferedImage picture = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
    Random random = new Random(5);
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 8; x++) {
        picture.setRGB(x, y, random.nextInt(1 << 24));
      }
    }
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(picture, "png", png);
    Path file = java.nio.file.Files.write(dir.resolve("picture.png"), png.toByteArray());
    try (Predictor p = saved(description, spec.build(backend, new Generator(1), new Generator(2)));
        PredictionServer s = serve(p)) {
      HttpResponse<String> r = post(s, "image/png", png.toByteArray());
      assertEquals(200, r.statusCode(), r.body());
      assertEquals(expected(p.predict(InputFiles.image(file, new int[] {1, 4, 4})), 2), r.body());
      HttpResponse<String> damaged = post(s, "image/png", java.util.Arrays.copyOf(png.toByteArray(), 40));
      assertEquals(400, damaged.statusCode());
      assertTrue(damaged.body().startsWith("{\"error\":\"the request's image: unreadable image: "), damaged.body());
    }
  }

  @Test
  void aRegressionModelAnswersValuesAndGetDescribesTheModel() throws Exception {
    MlpSpec spec = new MlpSpec(new int[] {2}, new int[] {4}, "tanh", 0, 1);
    ModelFile description = ModelFile.of(spec, Standardizer.of(2, new double[] {0, 0}, new double[] {1, 1}),
        List.of("price"), "csv").regression(Standardizer.of(1, new double[] {100}, new double[] {20}),
            List.of("price"));
    try (Predictor p = saved(description, spec.build(backend, new Generator(1), new Generator(2)));
        PredictionServer s = serve(p)) {
      HttpResponse<String> r = post(s, "{\"instances\": [[0.5, -1], [2, 3]]}");
      float[] values = p.values(new float[] {0.5f, -1, 2, 3});
      assertEquals(JsonLine.of(Map.of("predictions", List.of(PredictionFields.values(List.of("price"), values, 0),
          PredictionFields.values(List.of("price"), values, 1)))) + "\n", r.body());
      HttpResponse<String> d = CLIENT.send(HttpRequest.newBuilder(url(s, "/")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals("{\"model\":\"m.safetensors\",\"task\":\"regression\",\"input_shape\":[2],\"targets\":[\"price\"],"
          + "\"fills_missing\":false}\n", d.body());
      HttpResponse<String> health = CLIENT.send(HttpRequest.newBuilder(url(s, "/health")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals("{\"status\":\"ok\"}\n", health.body());
    }
  }

  @Test
  void aMultiLabelModelAnswersEachLabelsProbabilityAndGetDescribesTheModel() throws Exception {
    MlpSpec spec = new MlpSpec(new int[] {2}, new int[] {4}, "tanh", 0, 2);
    List<String> labels = List.of("sports", "news");
    ModelFile description = ModelFile.of(spec, Standardizer.of(2, new double[] {0, 0}, new double[] {1, 1}), null,
        "csv").multiLabel(labels);
    try (Predictor p = saved(description, spec.build(backend, new Generator(1), new Generator(2)));
        PredictionServer s = serve(p)) {
      HttpResponse<String> r = post(s, "{\"instances\": [[0.5, -1], [2, 3]]}");
      float[] probabilities = p.labelProbabilities(new float[] {0.5f, -1, 2, 3});
      assertEquals(JsonLine.of(Map.of("predictions", List.of(PredictionFields.labels(labels, probabilities, 0),
          PredictionFields.labels(labels, probabilities, 1)))) + "\n", r.body());
      assertTrue(r.body().contains("\"probabilities\":{\"sports\":"), r.body());
      HttpResponse<String> d = CLIENT.send(HttpRequest.newBuilder(url(s, "/")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals("{\"model\":\"m.safetensors\",\"task\":\"multilabel\",\"input_shape\":[2],"
          + "\"labels\":[\"sports\",\"news\"],\"fills_missing\":false}\n", d.body());
    }
  }

  @Test
  void badRequestsAreAStatusAndOneLine() throws Exception {
    try (Predictor p = tableModel(null); PredictionServer s = serve(p)) {
      assertRefused(post(s, "{\"instances\": [[1, 0]]}"), 400, "instance 0 has 2 values, the model reads 3");
      assertRefused(post(s, "{\"instances\": [[1, 0, 1, 4]]}"), 400, "instance 0 has more than the 3 values the model "
          + "reads");
      assertRefused(post(s, "{\"instances\": [{\"size\": 1, \"color\": \"green\"}]}"), 400, "instance 0 column "
          + "'color' is 'green', not one of the categories the model was trained on (blue, red)");
      assertRefused(post(s, "{\"instances\": [{\"size\": \"big\", \"color\": \"red\"}]}"), 400, "instance 0 column "
          + "'size' is 'big', not a number");
      assertRefused(post(s, "{\"instances\": [[1, \"a\", 0]]}"), 400, "instance 0 value 1 is a, not a number");
      assertRefused(post(s, "{\"instances\": []}"), 400, "\"instances\" is empty: nothing to predict");
      assertRefused(post(s, "{\"rows\": [[1, 0, 1]]}"), 400, "expected a JSON object {\"instances\": [...]}, each "
          + "instance an array of the model's input values or an object of a table's columns by name");
      HttpResponse<String> broken = post(s, "{\"instances\": [[1, 0, 1]");
      assertEquals(400, broken.statusCode());
      assertTrue(broken.body().startsWith("{\"error\":\"not JSON: "), broken.body());
      assertRefused(post(s, "text/csv", "1,0,1".getBytes()), 415, "Content-Type text/csv: send application/json "
          + "({\"instances\": [...]}) or an image file (image/png, image/jpeg, …)");
      assertRefused(post(s, "application/json", new byte[PredictionServer.MAX_BODY_BYTES + 1]), 413, "the body is "
          + "larger than 67108864 bytes: send fewer instances a request");
      HttpResponse<String> get = CLIENT.send(HttpRequest.newBuilder(url(s, "/predict")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertRefused(get, 405, "GET /predict: only POST");
      assertEquals("POST", get.headers().firstValue("Allow").orElse(""));
      assertRefused(CLIENT.send(HttpRequest.newBuilder(url(s, "/v1/models")).build(),
          HttpResponse.BodyHandlers.ofString()), 404, "no /v1/models here: POST /predict, GET / or GET /health");
      // after all that, it still answers
      assertEquals(200, post(s, "{\"instances\": [[1, 0, 1]]}").statusCode());
    }
  }

  @Test
  void closingStopsListening() throws Exception {
    URI gone;
    try (Predictor p = tableModel(null); PredictionServer s = serve(p)) {
      gone = url(s, "/health");
    }
    assertThrows(ConnectException.class, () -> CLIENT.send(HttpRequest.newBuilder(gone).build(),
        HttpResponse.BodyHandlers.ofString()));
  }

  private static void assertRefused(HttpResponse<String> r, int status, String message) {
    assertEquals(status, r.statusCode(), r.body());
    assertEquals(JsonLine.of(Map.of("error", message)) + "\n", r.body());
  }
}
