package io.jgrad.conformance;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

/**
 * Prefixes a family's failure with the suite that ran it (CpuConformanceTest, CudaConformanceTest…): the reports name
 * a family by its nested class, which every backend shares.
 */
final class NamesTheSuite implements TestExecutionExceptionHandler {
  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
    if (failure instanceof TestAbortedException || !(context.getRequiredTestInstance() instanceof KernelConformance k)) {
      throw failure;
    }
    throw new AssertionError(k.suite.getClass().getSimpleName() + ": " + failure.getMessage(), failure);
  }
}
