package io.jgrad.examples;

import io.jgrad.Backend;
import io.jgrad.tools.JsonLine;
import io.jgrad.tools.PredictionServer;
import io.jgrad.tools.Predictor;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code jgrad serve}: a model file over HTTP ({@link PredictionServer}) until the process is stopped. Prints one JSON
 * line with the address once it listens.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Serve a model file over HTTP: POST /predict answers what predict prints, as JSON.",
    footer = {"%nPOST /predict takes {\"instances\": [...]} (TensorFlow Serving's and KServe's form): each instance an "
        + "array of the model's input values (an image's pixels in [0, 1], nested arrays flattened) or a table's "
        + "columns by name ({\"size\": 3.5, \"color\": \"red\"}); or one image file as the body (Content-Type: "
        + "image/png, image/jpeg, ...). It answers {\"predictions\": [...]}, one object per instance; POST "
        + "/predict?explain=true adds each one's attributions, as predict --explain (&steps=N: the integration's "
        + "points, 50 by default). GET / describes "
        + "the model, GET /health answers {\"status\":\"ok\"}. A bad request is {\"error\": \"...\"} with a 4xx "
        + "status.",
        "%n  curl -s localhost:8080/predict -d '{\"instances\": [{\"size\": 3.5, \"color\": \"red\"}]}'",
        "  curl -s localhost:8080/predict -H 'Content-Type: image/png' --data-binary @digit.png"})
final class ServeCommand implements Callable<Integer> {

  @Mixin ModelFileOption modelFile;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "the address to listen on (default: "
      + "${DEFAULT-VALUE}, this machine alone; 0.0.0.0 for every network it is on)")
  String host;

  @Option(names = "--port", defaultValue = "8080", description = "the port (default: ${DEFAULT-VALUE}; 0: a free one, "
      + "printed)")
  int port;

  @Option(names = "--top-k", defaultValue = "3", description = "list the K likeliest classes (default: "
      + "${DEFAULT-VALUE}; a classifier's)")
  int topK;

  @Mixin BackendChoice backendChoice;

  @Override
  public Integer call() throws IOException, InterruptedException {
    OptionChecks.atLeast("--top-k", topK, 1);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("--port must be in 0..65535, got " + port);
    }
    InetSocketAddress address = new InetSocketAddress(host, port);
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("--host " + host + ": no such address");
    }
    try (Backend backend = backendChoice.open();
        Predictor predictor = Predictor.load(modelFile.path, backend)) {
      PredictionServer server;
      try {
        server = PredictionServer.start(predictor, modelFile.path.toString(), address, topK);
      } catch (BindException e) {
        throw new IllegalArgumentException("cannot listen on " + host + ":" + port + ": " + e.getMessage()
            + (port != 0 ? " (another --port, or 0 for a free one)" : ""), e);
      }
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        server.close(); // Ctrl-C or a TERM signal: stop listening before the model is closed
        stopped.countDown();
      }, "jgrad-serve-stop"));
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("event", "serving");
      line.put("url", "http://" + hostForUrl(server.address()) + ":" + server.address().getPort());
      line.put("model", modelFile.path.toString());
      line.put("backend", backend.name());
      System.out.println(JsonLine.of(line));
      System.out.flush();
      stopped.await();
    }
    return 0;
  }

  /** The address as a URL names it: an IPv6 one in brackets. */
  private static String hostForUrl(InetSocketAddress address) {
    String h = address.getAddress().getHostAddress();
    return h.contains(":") ? "[" + h + "]" : h;
  }
}
