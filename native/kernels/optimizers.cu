// Fused, in-place optimizer steps (PyTorch's update rules, per Backend.sgdStep and Backend.adamStep).
// Shapes: param, grad, velocity, m, v all [n].
#include "ops.cuh"

// ---- kernels ----

// velocity is null when momentum == 0.
extern "C" __global__ void sgd_step(
    float* param, const float* grad, float* velocity, float lr, float momentum, float dampening, float weightDecay,
    int nesterov, int firstStep, long long n) {
  FOR_EACH_INDEX(i, n) {
    float g = grad[i] + weightDecay * param[i];
    if (momentum != 0.f) {
      float v = firstStep ? g : momentum * velocity[i] + (1.f - dampening) * g;
      velocity[i] = v;
      g = nesterov ? g + momentum * v : v;
    }
    param[i] -= lr * g;
  }
}

// correction1 = 1 − β1^step and correction2 = 1 − β2^step, computed once on the host in double.
extern "C" __global__ void adam_step(
    float* param, const float* grad, float* m, float* v, float lr, float beta1, float beta2, float eps,
    float weightDecay, int decoupled, float correction1, float correction2, long long n) {
  FOR_EACH_INDEX(i, n) {
    float p = param[i];
    float g = grad[i];
    if (decoupled) {
      p -= lr * weightDecay * p;
    } else {
      g += weightDecay * p;
    }
    float mi = beta1 * m[i] + (1.f - beta1) * g;
    float vi = beta2 * v[i] + (1.f - beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    param[i] = p - lr * (mi / correction1) / (sqrtf(vi / correction2) + eps);
  }
}
