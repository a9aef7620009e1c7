package io.jgrad.tools;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.jgrad.data.CsvLine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The examples of a {@link PredictionServer} request as the model's raw input rows (N × features, as {@link
 * Predictor#predict} takes them): TensorFlow Serving's and KServe's row format, {@code {"instances": [ … ]}}, each
 * instance either an array of the example's values in the model's input order (nested arrays flattened: an image as
 * [C][H][W] or [H][W] pixels in [0, 1]) or, for a model of a table, an object of its columns by name (a number, or
 * the text of a column of categories; other names left out, as {@code predict} leaves other columns). A missing value
 * (null, an absent column, or a text pandas reads as missing) takes the model's fill value ({@link ModelFile#fill})
 * where it was trained with {@code --impute}, and is refused otherwise. Every refusal is an {@link
 * IllegalArgumentException} of one line naming the instance and the value.
 */
final class PredictionRequest {
  private static final JsonFactory JSON = new JsonFactory();
  private static final String FORM = "expected a JSON object {\"instances\": [...]}, each instance an array of the "
      + "model's input values or an object of a table's columns by name";

  private final ModelFile model;
  private final InputFiles.TableColumns table;
  private final int features;
  private final float[] fill;
  /** For each feature, the column of text and the category it is the one-hot feature of; null for a number's. */
  private final String[][] oneHot;

  private PredictionRequest(ModelFile model) {
    this.model = model;
    this.table = InputFiles.TableColumns.of(model, List.of()); // no label: an instance is its features alone
    this.features = model.architecture().featureSize();
    this.fill = model.fill();
    this.oneHot = table.oneHot();
  }

  /** The instances of a JSON body, N × features values. */
  static float[] instances(byte[] body, ModelFile model) {
    return new PredictionRequest(model).parse(body);
  }

  private float[] parse(byte[] body) {
    List<float[]> rows = new ArrayList<>();
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException(FORM);
      }
      boolean found = false;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (!field.equals("instances")) {
          p.skipChildren();
          continue;
        }
        if (value != JsonToken.START_ARRAY) {
          throw new IllegalArgumentException("\"instances\" must be an array of examples");
        }
        found = true;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
          int i = rows.size();
          rows.add(t == JsonToken.START_ARRAY ? values(p, i) : t == JsonToken.START_OBJECT ? columns(p, i)
              : refuse(i, "is " + p.getText() + ": an array of values or an object of columns was expected"));
        }
      }
      if (!found) {
        throw new IllegalArgumentException(FORM);
      }
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage().lines().findFirst().orElse(""), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("\"instances\" is empty: nothing to predict");
    }
    float[] x = new float[rows.size() * features];
    for (int i = 0; i < rows.size(); i++) {
      System.arraycopy(rows.get(i), 0, x, i * features, features);
    }
    return x;
  }

  /** An instance given as an array (nested arrays flattened), the parser at its opening bracket. */
  private float[] values(JsonParser p, int instance) throws IOException {
    float[] row = new float[features];
    int n = 0;
    int depth = 1;
    while (depth > 0) {
      JsonToken t = p.nextToken();
      if (t == JsonToken.START_ARRAY) {
        depth++;
      } else if (t == JsonToken.END_ARRAY) {
        depth--;
      } else if (n >= features) {
        refuse(instance, "has more than the " + features + " values the model reads");
      } else if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
        row[n++] = p.getFloatValue();
      } else if (t == JsonToken.VALUE_NULL) {
        row[n] = missing(instance, "value " + n, n);
        n++;
      } else {
        refuse(instance, "value " + n + " is " + p.getText() + ", not a number");
      }
    }
    if (n != features) {
      refuse(instance, "has " + n + " values, the model reads " + features);
    }
    return row;
  }

  /** An instance given as an object of a table's columns by name, the parser at its opening brace. */
  private float[] columns(JsonParser p, int instance) throws IOException {
    if (!table.named()) {
      refuse(instance, "is an object, but the model has no named columns: give its " + features + " values as an "
          + "array");
    }
    Map<String, Object> cells = new HashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      if (t == JsonToken.START_ARRAY || t == JsonToken.START_OBJECT) {
        p.skipChildren();
        cells.put(name, List.of());
      } else {
        cells.put(name, t == JsonToken.VALUE_NULL ? null : t == JsonToken.VALUE_STRING ? p.getText()
            : t.isNumeric() ? (Object) p.getFloatValue() : p.getText());
      }
    }
    float[] row = new float[features];
    for (int i = 0; i < features; i++) {
      String column = oneHot[i] != null ? oneHot[i][0] : model.featureNames().get(i);
      Object cell = cells.get(column);
      String where = "column '" + column + "'";
      if (cell == null || cell instanceof String s && CsvLine.isMissing(s)) {
        row[i] = missing(instance, where, i);
      } else if (oneHot[i] != null) {
        List<String> known = model.categories().get(column);
        if (!(cell instanceof String text) || !known.contains(text)) {
          refuse(instance, where + " is " + describe(cell) + ", not one of the categories the model was trained on ("
              + String.join(", ", known) + ")");
          return row;
        }
        row[i] = text.equals(oneHot[i][1]) ? 1 : 0;
      } else if (cell instanceof Float v) {
        row[i] = v;
      } else if (cell instanceof String s && CsvLine.number(s) != null && Float.isFinite(CsvLine.number(s))) {
        row[i] = CsvLine.number(s); // a number written as text, as a CSV cell is
      } else {
        refuse(instance, where + " is " + describe(cell) + ", not a number");
      }
    }
    return row;
  }

  /** The fill value of feature {@code i}, or the refusal of a model trained without. */
  private float missing(int instance, String where, int i) {
    if (fill.length == 0) {
      refuse(instance, where + " is missing, and the model has no value to fill in (it was trained without "
          + "--impute)");
    }
    return fill[i];
  }

  private static String describe(Object cell) {
    return cell instanceof String s ? "'" + s + "'" : cell instanceof List ? "an array or object" : cell.toString();
  }

  private static float[] refuse(int instance, String what) {
    throw new IllegalArgumentException("instance " + instance + " " + what);
  }
}
