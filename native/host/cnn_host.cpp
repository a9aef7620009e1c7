// Host harness of conv.cu, pool.cu and batchnorm.cu (CnnKernelsHostTest): each run reads one command from stdin,
// runs the kernels under cuda_host.h with small grids (so grid-stride loops wrap) and prints the outputs as raw
// float bits (argmax as integers), one per line.
//   im2col G X | col2im G DCOL | maxpool G X | maxpoolback G DY ARGMAX | avgpool G PAD X | avgpoolback G PAD DY
//   bnstats N C HW MOMENTUM X RUNNINGMEAN RUNNINGVAR | bnforward N C HW EPS X MEAN VAR GAMMA BETA
//   bnbackward N C HW EPS BATCHSTATISTICS X DY MEAN VAR GAMMA
// G is the 14 ints of conv.cu's Conv; arrays are their element counts' worth of raw bits; EPS and MOMENTUM are
// decimal numbers, BATCHSTATISTICS 1 or 0.
#include "cuda_host.h"
#include "conv.cu"
#include "pool.cu"
#include "batchnorm.cu"

#include <string>

static std::vector<float> floats(long long n) {
  std::vector<float> v(n);
  for (auto& f : v) {
    unsigned bits;
    if (scanf("%u", &bits) != 1) exit(2);
    f = __uint_as_float(bits);
  }
  return v;
}

static void print(const std::vector<float>& v) {
  for (float f : v) printf("%u\n", __float_as_uint(f));
}

static const dim3 GRID{3, 1, 1};
static const dim3 BLOCK{64, 1, 1};

int main() {
  char word[32];
  if (scanf("%31s", word) != 1) return 2;
  std::string op = word;
  if (op.rfind("bn", 0) == 0) {
    int n, c, hw;
    if (scanf("%d %d %d", &n, &c, &hw) != 3) return 2;
    long long size = (long long) n * c * hw;
    if (op == "bnstats") {
      double momentum;
      if (scanf("%lf", &momentum) != 1) return 2;
      auto x = floats(size), rm = floats(c), rv = floats(c);
      std::vector<float> mean(c), var(c);
      host_launch(dim3{2, 1, 1}, BLOCK, [&] {
        batchnorm_stats(x.data(), n, c, hw, momentum, mean.data(), var.data(), rm.data(), rv.data());
      });
      print(mean); print(var); print(rm); print(rv);
    } else if (op == "bnforward") {
      float eps;
      if (scanf("%f", &eps) != 1) return 2;
      auto x = floats(size), mean = floats(c), var = floats(c), gamma = floats(c), beta = floats(c);
      std::vector<float> y(size);
      host_launch(GRID, BLOCK, [&] {
        batchnorm_forward(x.data(), mean.data(), var.data(), eps, gamma.data(), beta.data(), y.data(), n, c, hw);
      });
      print(y);
    } else {
      float eps;
      int batchStatistics;
      if (scanf("%f %d", &eps, &batchStatistics) != 2) return 2;
      auto x = floats(size), dy = floats(size), mean = floats(c), var = floats(c), gamma = floats(c);
      std::vector<float> dx(size), dgamma(c), dbeta(c);
      host_launch(dim3{2, 1, 1}, BLOCK, [&] {
        batchnorm_backward(batchStatistics, x.data(), dy.data(), mean.data(), var.data(), eps, gamma.data(),
                           dx.data(), dgamma.data(), dbeta.data(), n, c, hw);
      });
      print(dx); print(dgamma); print(dbeta);
    }
    return 0;
  }
  Conv g;
  int* fields = &g.n;
  for (int i = 0; i < 14; i++) if (scanf("%d", &fields[i]) != 1) return 2;
  Pool p;
  std::memcpy(&p, &g, sizeof p);
  long long in = (long long) g.n * g.c * g.h * g.w;
  long long out = (long long) g.n * g.c * g.oh * g.ow;
  long long col = (long long) g.n * g.c * g.kh * g.kw * g.oh * g.ow;
  int pad = 0;
  if (op.rfind("avgpool", 0) == 0 && scanf("%d", &pad) != 1) return 2;
  if (op == "im2col") {
    auto x = floats(in);
    std::vector<float> c(col);
    host_launch(GRID, BLOCK, [&] { im2col(g, x.data(), c.data()); });
    print(c);
  } else if (op == "col2im") {
    auto d = floats(col);
    std::vector<float> dx(in);
    host_launch(GRID, BLOCK, [&] { col2im(g, d.data(), dx.data()); });
    print(dx);
  } else if (op == "maxpool") {
    auto x = floats(in);
    std::vector<float> y(out);
    std::vector<int> at(out);
    host_launch(GRID, BLOCK, [&] { max_pool_forward(p, x.data(), y.data(), at.data()); });
    print(y);
    for (int a : at) printf("%d\n", a);
  } else if (op == "maxpoolback") {
    auto dy = floats(out);
    std::vector<int> at(out);
    for (auto& a : at) if (scanf("%d", &a) != 1) return 2;
    std::vector<float> dx(in);
    host_launch(GRID, BLOCK, [&] { max_pool_backward(p, dy.data(), at.data(), dx.data()); });
    print(dx);
  } else if (op == "avgpool") {
    auto x = floats(in);
    std::vector<float> y(out);
    host_launch(GRID, BLOCK, [&] { avg_pool_forward(p, pad, x.data(), y.data()); });
    print(y);
  } else if (op == "avgpoolback") {
    auto dy = floats(out);
    std::vector<float> dx(in);
    host_launch(GRID, BLOCK, [&] { avg_pool_backward(p, pad, dy.data(), dx.data()); });
    print(dx);
  } else {
    return 3;
  }
  return 0;
}
