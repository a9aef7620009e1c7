package io.jgrad.cuda;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips each test of a class that needs a CUDA device, with the probe's reason, where none answers. It disables
 * tests, not the class, so that every skipped test is reported with the reason; and a disabled test runs none of
 * its class's @BeforeEach/@AfterEach (the conformance suite's would fail with no backend opened).
 */
final class RequiresGpu implements ExecutionCondition {
  /** Why no device answers, or null when one does; probed once per test run. */
  static final String REASON = new CudaProvider().unavailableReason();

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    if (REASON == null || context.getTestMethod().isEmpty()) {
      return ConditionEvaluationResult.enabled("a CUDA device answers");
    }
    return ConditionEvaluationResult.disabled("GPU test skipped: " + REASON);
  }
}
