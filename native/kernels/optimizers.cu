// Fused, in-place optimizer steps (PyTorch's update rules, per Backend.sgdStep and Backend.adamStep).
// Shapes: param, grad, velocity, m, v all [n].
// The arithmetic is in double, rounded to float when stored: hyperparameters such as 1 − β2 = 0.001 are not
// representable in float (0.0010000467). On GPUs with fast FP64 (an H100) that costs little next to the memory
// traffic; on consumer GPUs (1/32-rate FP64) it was not measured.
#include "ops.cuh"

// ---- kernels ----

// velocity is null when momentum == 0.
extern "C" __global__ void sgd_step(
    float* param, const float* grad, float* velocity, double lr, double momentum, double dampening,
    double weightDecay, int nesterov, int firstStep, long long n) {
  FOR_EACH_INDEX(i, n) {
    double p = param[i];
    double g = grad[i] + weightDecay * p;
    if (momentum != 0.0) {
      float v = (float) (firstStep ? g : momentum * velocity[i] + (1.0 - dampening) * g);
      velocity[i] = v;
      g = nesterov ? g + momentum * v : v;
    }
    param[i] = (float) (p - lr * g);
  }
}

// correction1 = 1 − β1^step and correction2 = 1 − β2^step, computed once on the host.
extern "C" __global__ void adam_step(
    float* param, const float* grad, float* m, float* v, double lr, double beta1, double beta2, double eps,
    double weightDecay, int decoupled, double correction1, double correction2, long long n) {
  FOR_EACH_INDEX(i, n) {
    double p = param[i];
    double g = grad[i];
    if (decoupled) {
      p *= 1.0 - lr * weightDecay;
    } else {
      g += weightDecay * p;
    }
    float mi = (float) (beta1 * m[i] + (1.0 - beta1) * g);
    float vi = (float) (beta2 * v[i] + (1.0 - beta2) * g * g);
    m[i] = mi;
    v[i] = vi;
    param[i] = (float) (p - lr * (mi / correction1) / (sqrt(vi / correction2) + eps));
  }
}
