package io.jgrad;

import io.jgrad.spi.Buffer;

/**
 * A backend buffer shared by a tensor, its views (reshape) and the autograd graph's saved references. Reference
 * counted: the buffer goes back to the backend when the last holder lets go, so closing a tensor whose value a pending
 * backward still needs is safe.
 */
final class Storage {
  private final Backend backend;
  private final Buffer buffer;
  private int references = 1;

  Storage(Backend backend, Buffer buffer) {
    this.backend = backend;
    this.buffer = buffer;
  }

  Buffer buffer() {
    return buffer;
  }

  /** Whether another tensor (a view) or the graph holds this storage too. */
  synchronized boolean isShared() {
    return references > 1;
  }

  synchronized void retain() {
    if (references == 0) {
      throw new IllegalStateException("storage already released");
    }
    references++;
  }

  synchronized void release() {
    if (--references == 0) {
      backend.free(buffer);
    }
  }
}
