// Host harness of optimizers.cu (OptimizerHostTest): each stdin line runs STEPS fused steps on N elements under
// cuda_host.h with the param's 16-bit copy (half.cuh Storage code TYPE: 1 = bf16, 2 = fp16) and prints, after each
// step, the N param bits then the N copy bits. Floats are raw bits, hyperparameters decimal doubles.
//   s TYPE N STEPS LR MOMENTUM DAMPENING WD NESTEROV 0 P[N] G[STEPS·N]    sgd_step (velocity when MOMENTUM ≠ 0)
//   a TYPE N STEPS LR BETA1 BETA2 EPS WD DECOUPLED   P[N] G[STEPS·N]    adam_step
#include "cuda_host.h"
#include "optimizers.cu"

static unsigned next() {
  unsigned v;
  if (scanf("%u", &v) != 1) exit(2);
  return v;
}

static double real() {
  double v;
  if (scanf("%lf", &v) != 1) exit(2);
  return v;
}

int main() {
  char kind;
  int type, n, steps;
  while (scanf(" %c %d %d %d", &kind, &type, &n, &steps) == 4) {
    double h[6];
    for (double& x : h) x = real();
    std::vector<float> p(n), g(steps * n), first(n, 0.f), second(n, 0.f);
    std::vector<bits16> copy(n, 0xFFFF);
    for (auto& x : p) x = __uint_as_float(next());
    for (auto& x : g) x = __uint_as_float(next());
    for (int s = 0; s < steps; s++) {
      const float* gs = g.data() + (long long) s * n;
      host_launch(dim3{2, 1, 1}, dim3{32, 1, 1}, [&] {
        if (kind == 's') {
          sgd_step(p.data(), type, copy.data(), gs, h[1] != 0 ? first.data() : nullptr, h[0], h[1], h[2], h[3],
                   (int) h[4], s == 0, n);
        } else {
          adam_step(p.data(), type, copy.data(), gs, first.data(), second.data(), h[0], h[1], h[2], h[3], h[4],
                    (int) h[5], 1 - pow(h[1], s + 1), 1 - pow(h[2], s + 1), n);
        }
      });
      for (float x : p) printf("%u\n", __float_as_uint(x));
      for (bits16 c : copy) printf("%u\n", (unsigned) c);
    }
  }
  return 0;
}
