package io.jgrad.cuda;

import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuInit;

import jcuda.CudaException;
import jcuda.driver.JCudaDriver;

/**
 * The one place that first touches CUDA's native libraries. JCuda throws {@link UnsatisfiedLinkError} (and later
 * {@link NoClassDefFoundError}) when libcuda.so.1 is missing — Errors that must not escape into {@code
 * Backends.auto()} — so this class catches {@link LinkageError} and turns every failure into one line.
 */
final class CudaProbe {
  private CudaProbe() {}

  /** Null when a CUDA device answers; otherwise why not, in one line. */
  static String unavailableReason() {
    String missing = JcudaNatives.missingReason(
        System.getProperty("os.name"), System.getProperty("os.arch"), CudaProbe.class.getClassLoader());
    if (missing != null) {
      return missing;
    }
    try {
      JCudaDriver.setExceptionsEnabled(true);
      cuInit(0);
      int[] count = new int[1];
      cuDeviceGetCount(count);
      return count[0] > 0 ? null : "no CUDA device";
    } catch (LinkageError e) {
      return "no CUDA driver (libcuda.so.1 not found)";
    } catch (CudaException e) {
      return "no CUDA device (" + firstLine(e.getMessage()) + ")";
    }
  }

  private static String firstLine(String message) {
    return message == null ? "cuInit failed" : message.lines().findFirst().orElse("cuInit failed");
  }
}
