package io.jgrad.spi;

import io.jgrad.Backend;
import io.jgrad.Backends;
import io.jgrad.DType;

/**
 * An opaque block of {@link #length()} elements of one {@link DType} owned by one {@link Backend}.
 * Core never looks inside: only the backend that allocated a buffer reads or writes it. Backends subclass this
 * to carry their own handle (a Java array, a device pointer).
 */
public abstract class Buffer {
  private final DType dtype;
  private final long length;

  protected Buffer(DType dtype, long length) {
    this.dtype = dtype;
    this.length = length;
  }

  public final DType dtype() {
    return dtype;
  }

  /** Number of elements. */
  public final long length() {
    return length;
  }

  public final long bytes() {
    return length * dtype.bytes();
  }
}
