package io.jgrad.tools;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.jgrad.io.InvalidFileException;
import io.jgrad.train.MultiLabelReport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A model file served over HTTP ({@code jgrad serve}), as TensorFlow Serving and KServe serve one:
 *
 * <ul>
 *   <li>{@code POST /predict} with {@code {"instances": [ … ]}} ({@link PredictionRequest}: arrays of input values, or
 *       a table's columns by name) answers {@code {"predictions": [ … ]}}, one object per instance with the fields
 *       {@code jgrad predict} prints ({@link PredictionFields}); the body may instead be one image file ({@code
 *       Content-Type: image/png}, {@code image/jpeg}, …), scaled to the model's input as {@code predict} scales it;
 *       {@code POST /predict?explain=true} adds each instance's integrated gradients, as {@code predict --explain}
 *       ({@link IntegratedGradients}; {@code &steps=N} points of the path, 50 unless given), and {@code
 *       ?threshold=T} decides a two-class model's second class, or a multi-label model's labels, where their
 *       probability is above T;
 *   <li>{@code GET /} describes the model: its input shape, classes or targets, columns and categories;
 *   <li>{@code GET /health} answers {@code {"status": "ok"}}.
 * </ul>
 *
 * A refused request is {@code {"error": "one line"}} with 400 (bad input), 404, 405, 413 (a body over {@link
 * #MAX_BODY_BYTES}) or 415 (another content type). Requests are answered one at a time, each one's instances as one
 * batch through the model: the backend's kernels already spread a batch over every core, and a {@link Predictor} is
 * used by one thread at a time.
 */
public final class PredictionServer implements AutoCloseable {
  /** The most steps a request may ask an explanation to integrate over: 20 times Captum's default. */
  static final int MAX_EXPLAIN_STEPS = 1000;

  /** The largest request body read: 64 MiB (an image file, or some 10 million values as JSON). */
  public static final int MAX_BODY_BYTES = 64 << 20;

  /**
   * Content types read as JSON: its own, and those clients send it under unasked (curl's {@code -d} says
   * application/x-www-form-urlencoded), as TensorFlow Serving reads them.
   */
  private static final Set<String> JSON_TYPES = Set.of("application/json", "application/x-www-form-urlencoded",
      "text/plain");

  private final HttpServer http;
  private final Predictor predictor;
  private final int topK;
  private final Map<String, Object> description;

  private PredictionServer(HttpServer http, Predictor predictor, String name, int topK) {
    this.http = http;
    this.predictor = predictor;
    this.topK = topK;
    this.description = describe(predictor.description(), name);
  }

  /**
   * Serves {@code predictor}'s model at {@code address} (port 0: a free one, see {@link #address}) until {@link
   * #close}; {@code name} names it in {@code GET /}.
   *
   * @throws IOException where the address cannot be listened on (in use, or not this machine's)
   */
  public static PredictionServer start(Predictor predictor, String name, InetSocketAddress address, int topK)
      throws IOException {
    if (topK < 1) {
      throw new IllegalArgumentException("top-k must be >= 1, got " + topK);
    }
    PredictionServer server = new PredictionServer(HttpServer.create(address, 0), predictor, name, topK);
    server.http.createContext("/", server::handle);
    // No executor: the server's own thread answers, one request at a time, without handing each to another thread
    // (batch 1, p50 0.48–0.52 ms against 0.55–0.64 ms through a one-thread executor).
    server.http.start();
    return server;
  }

  /** Where it listens: the port chosen where 0 was asked for. */
  public InetSocketAddress address() {
    return http.getAddress();
  }

  /** Stops listening at once (a request being answered is cut off). */
  @Override
  public void close() {
    http.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      try {
        route(exchange);
      } catch (RuntimeException | OutOfMemoryError e) {
        // The model's own failure (a backend out of memory): said, and the server answers the next request.
        error(exchange, 500, String.valueOf(e.getMessage()));
      }
    }
  }

  private void route(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String method = exchange.getRequestMethod();
    switch (path) {
      case "/predict" -> {
        if (allowed(exchange, method, "POST")) {
          predict(exchange);
        }
      }
      case "/", "/health" -> {
        if (allowed(exchange, method, "GET")) {
          respond(exchange, 200, path.equals("/") ? description : Map.of("status", "ok"));
        }
      }
      default -> error(exchange, 404, "no " + path + " here: POST /predict, GET / or GET /health");
    }
  }

  private static boolean allowed(HttpExchange exchange, String method, String expected) throws IOException {
    if (method.equals(expected) || method.equals("HEAD") && expected.equals("GET")) {
      return true;
    }
    exchange.getResponseHeaders().set("Allow", expected);
    error(exchange, 405, method + " " + exchange.getRequestURI().getPath() + ": only " + expected);
    return false;
  }

  private void predict(HttpExchange exchange) throws IOException {
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    type = type == null ? "application/json" : type.toLowerCase(Locale.ROOT).split(";")[0].strip();
    boolean image = type.startsWith("image/");
    if (!image && !JSON_TYPES.contains(type)) {
      error(exchange, 415, "Content-Type " + type + ": send application/json ({\"instances\": [...]}) or an image "
          + "file (image/png, image/jpeg, …)");
      return;
    }
    byte[] body = body(exchange);
    if (body == null) {
      error(exchange, 413, "the body is larger than " + MAX_BODY_BYTES + " bytes: send fewer instances a request");
      return;
    }
    ModelFile model = predictor.description();
    Asked asked;
    try {
      asked = Asked.of(exchange.getRequestURI().getRawQuery(), model);
    } catch (IllegalArgumentException e) {
      error(exchange, 400, e.getMessage());
      return;
    }
    float[] x;
    try {
      x = image ? InputFiles.image("the request's image", body, model.architecture().inputShape())
          : PredictionRequest.instances(body, model);
    } catch (IllegalArgumentException | InvalidFileException e) { // a damaged image is the latter
      error(exchange, 400, e.getMessage());
      return;
    }
    List<Map<String, Object>> predictions = new ArrayList<>();
    int rows = x.length / model.architecture().featureSize();
    if (model.isRegression()) {
      float[] values = predictor.values(x);
      for (int i = 0; i < rows; i++) {
        predictions.add(PredictionFields.values(model.classNames(), values, i));
      }
    } else if (model.isMultiLabel()) {
      float[] probabilities = predictor.labelProbabilities(x);
      for (int i = 0; i < rows; i++) {
        predictions.add(PredictionFields.labels(model.classNames(), probabilities, i,
            Double.isNaN(asked.threshold()) ? MultiLabelReport.THRESHOLD : asked.threshold()));
      }
    } else {
      (Double.isNaN(asked.threshold()) ? predictor.predict(x) : predictor.predict(x, asked.threshold()))
          .forEach(p -> predictions.add(PredictionFields.of(p, topK)));
    }
    if (asked.explainSteps() > 0) {
      List<List<IntegratedGradients.Attribution>> explained = IntegratedGradients.explain(predictor, x,
          asked.explainSteps());
      for (int i = 0; i < rows; i++) {
        predictions.get(i).putAll(PredictionFields.attributions(explained.get(i), model.inputColumns()));
      }
    }
    respond(exchange, 200, Map.of("predictions", predictions));
  }

  /**
   * What a request's query asks besides the predictions: {@code explain=true} (with {@code steps}, the integration's
   * points, {@link IntegratedGradients#DEFAULT_STEPS} unless given) and a {@code threshold} (a two-class model's second
   * class, a multi-label model's labels, predicted above it; NaN where not asked, the model's own decision).
   */
  record Asked(int explainSteps, double threshold) {
    static Asked of(String query, ModelFile model) {
      Map<String, String> asked = new HashMap<>();
      for (String pair : query == null || query.isEmpty() ? new String[0] : query.split("&")) {
        int eq = pair.indexOf('=');
        asked.put(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : pair.substring(eq + 1));
      }
      return new Asked(explainSteps(asked), threshold(asked.get("threshold"), model));
    }

    private static int explainSteps(Map<String, String> asked) {
      String explain = asked.getOrDefault("explain", "false");
      if (!explain.equals("true") && !explain.equals("false")) {
        throw new IllegalArgumentException("explain=" + explain + ": expected true or false");
      }
      String steps = asked.get("steps");
      if (explain.equals("false")) {
        if (steps != null) {
          throw new IllegalArgumentException("steps is for explain=true");
        }
        return 0;
      }
      if (steps == null) {
        return IntegratedGradients.DEFAULT_STEPS;
      }
      try {
        int n = Integer.parseInt(steps);
        if (n >= 1 && n <= MAX_EXPLAIN_STEPS) {
          return n;
        }
      } catch (NumberFormatException e) {
        // said below
      }
      throw new IllegalArgumentException("steps=" + steps + ": expected a whole number from 1 to "
          + MAX_EXPLAIN_STEPS);
    }

    private static double threshold(String threshold, ModelFile model) {
      if (threshold == null) {
        return Double.NaN;
      }
      if (model.isRegression() || !model.isMultiLabel() && model.architecture().classes() != 2) {
        throw new IllegalArgumentException("threshold is for a model of two classes or of labels; this one "
            + (model.isRegression() ? "fits values" : "has " + model.architecture().classes() + " classes"));
      }
      try {
        double t = Double.parseDouble(threshold);
        if (t > 0 && t < 1) {
          return t;
        }
      } catch (NumberFormatException e) {
        // said below
      }
      throw new IllegalArgumentException("threshold=" + threshold + ": expected a probability in (0, 1)");
    }
  }

  /**
   * The request's body, or null where it passes {@link #MAX_BODY_BYTES}. A body too large is still read (and dropped)
   * up to four times the limit, so that the client, still sending, reads the 413 rather than a reset connection.
   */
  private static byte[] body(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
      if (bytes.length <= MAX_BODY_BYTES) {
        return bytes;
      }
      byte[] drop = new byte[1 << 16];
      for (long dropped = 0; dropped < 3L * MAX_BODY_BYTES; ) {
        int n = in.read(drop);
        if (n < 0) {
          break;
        }
        dropped += n;
      }
      return null;
    }
  }

  private static Map<String, Object> describe(ModelFile model, String name) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("model", name);
    d.put("task", model.isRegression() ? "regression" : model.isMultiLabel() ? "multilabel" : "classification");
    d.put("input_shape", model.architecture().inputShape());
    d.put(model.isRegression() ? "targets" : model.isMultiLabel() ? "labels" : "classes", model.classNames());
    if (!model.featureNames().isEmpty()) {
      d.put("columns", model.featureNames());
    }
    if (!model.categories().isEmpty()) {
      d.put("categories", model.categories());
    }
    d.put("fills_missing", model.fill().length != 0);
    return d;
  }

  private static void error(HttpExchange exchange, int status, String message) throws IOException {
    respond(exchange, status, Map.of("error", message));
  }

  private static void respond(HttpExchange exchange, int status, Map<String, ?> fields) throws IOException {
    byte[] json = (JsonLine.of(fields) + "\n").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : json.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(json);
      }
    }
  }
}
