// Fused, in-place optimizer steps (PyTorch's update rules, per Backend.sgdStep and Backend.adamStep).
// Shapes: param, grad, velocity, m, v, copy all [n].
// copy is null, or the param's 16-bit copy (half.cuh's Storage copyType: bf16 or fp16) that autocast's GEMMs read:
// the kernel stores the updated float param rounded into it too, so no cast pass follows the step.
// The arithmetic is in double, rounded to float when stored: hyperparameters such as 1 − β2 = 0.001 are not
// representable in float (0.0010000467). On GPUs with fast FP64 (an H100) that costs little next to the memory
// traffic; on consumer GPUs (1/32-rate FP64) it was not measured.
#include "half.cuh"
#include "ops.cuh"

// ---- kernels ----

// velocity is null when momentum == 0.
extern "C" __global__ void sgd_step(
    float* param, int copyType, void* copy, const float* grad, float* velocity, double lr, double momentum,
    double dampening, double weightDecay, int nesterov, int firstStep, long long n) {
  FOR_EACH_INDEX(i, n) {
    double p = param[i];
    double g = grad[i] + weightDecay * p;
    if (momentum != 0.0) {
      float v = (float) (firstStep ? g : momentum * velocity[i] + (1.0 - dampening) * g);
      velocity[i] = v;
      g = nesterov ? g + momentum * v : v;
    }
    float updated = (float) (p - lr * g);
    param[i] = updated;
    if (copy != nullptr) {
      store_from_float(static_cast<Storage>(copyType), copy, i, updated);
    }
  }
}

// correction1 = 1 − β1^step and correction2 = 1 − β2^step, computed once on the host.
extern "C" __global__ void adam_step(
    float* param, int copyType, void* copy, const float* grad, float* m, float* v, double lr, double beta1,
    double beta2, double eps, double weightDecay, int decoupled, double correction1, double correction2,
    long long n) {
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
    float updated = (float) (p - lr * (mi / correction1) / (sqrt(vi / correction2) + eps));
    param[i] = updated;
    if (copy != nullptr) {
      store_from_float(static_cast<Storage>(copyType), copy, i, updated);
    }
  }
}
