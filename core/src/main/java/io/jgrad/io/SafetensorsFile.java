package io.jgrad.io;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The content of a safetensors file: tensors by name in the order of the file's header, and the
 * {@code __metadata__} strings (including {@code jgrad.crc32c} when jgrad wrote the file).
 */
public record SafetensorsFile(Map<String, TensorData> tensors, Map<String, String> metadata) {
  public SafetensorsFile {
    tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
  }
}
