// Host harness of the 16-bit element-wise kernels (Elementwise16HostTest): each stdin line runs one kernel on one
// element (or one small matrix) under cuda_host.h and prints the results' raw bits, one per line. TYPE is a
// half.cuh Storage code (1 = bf16, 2 = fp16); values are raw bits of that type, alpha float bits.
//   u TYPE OP ALPHA X          unary_forward_*            g TYPE OP ALPHA SAVED DY   unary_backward_*
//   b TYPE OP A B              binary_same_shape_*        c FROM TO BITS             cast
//   i TO VALUE                 cast_int32 (VALUE a signed decimal int)
//   a TYPE ACT ALPHA R C X[R·C] BIAS[C] DY[R·C]   bias_activation_forward_* then _backward_* on its output:
//                                                  prints y[R·C], dx[R·C], dbias[C]
//   m TYPE ACT ALPHA R C X[R·C] BIAS[C] MASK[R·C] DY[R·C]   the same through bias_activation_masked_*
#include "cuda_host.h"
#include "bias_activation.cu"
#include "binary.cu"
#include "cast.cu"
#include "unary.cu"

#include <type_traits>

static unsigned next() {
  unsigned v;
  if (scanf("%u", &v) != 1) exit(2);
  return v;
}

template <typename T>
static std::vector<T> values(int n) {
  std::vector<T> v(n);
  for (auto& x : v) x.bits = (bits16) next();
  return v;
}

template <typename T>
static void run(char kind, int op) {
  dim3 one{1, 1, 1};
  if (kind == 'u') {
    float alpha = __uint_as_float(next());
    T x{(bits16) next()}, y{};
    host_launch(one, one, [&] {
      if (std::is_same<T, Bf16>::value) unary_forward_bf16(op, alpha, (const Bf16*) &x, (Bf16*) &y, 1);
      else unary_forward_f16(op, alpha, (const F16*) &x, (F16*) &y, 1);
    });
    printf("%u\n", (unsigned) y.bits);
  } else if (kind == 'g') {
    float alpha = __uint_as_float(next());
    T saved{(bits16) next()}, dy{(bits16) next()}, dx{};
    host_launch(one, one, [&] {
      if (std::is_same<T, Bf16>::value) unary_backward_bf16(op, alpha, (Bf16*) &saved, (Bf16*) &dy, (Bf16*) &dx, 1);
      else unary_backward_f16(op, alpha, (F16*) &saved, (F16*) &dy, (F16*) &dx, 1);
    });
    printf("%u\n", (unsigned) dx.bits);
  } else if (kind == 'b') {
    T a{(bits16) next()}, b{(bits16) next()}, out{};
    host_launch(one, one, [&] {
      if (std::is_same<T, Bf16>::value) binary_same_shape_bf16(op, (Bf16*) &a, (Bf16*) &b, (Bf16*) &out, 1);
      else binary_same_shape_f16(op, (F16*) &a, (F16*) &b, (F16*) &out, 1);
    });
    printf("%u\n", (unsigned) out.bits);
  } else {
    float alpha = __uint_as_float(next());
    int rows = (int) next(), cols = (int) next();
    auto x = values<T>(rows * cols);
    auto bias = values<T>(cols);
    auto mask = kind == 'm' ? values<T>(rows * cols) : std::vector<T>();
    auto dy = values<T>(rows * cols);
    std::vector<T> y(rows * cols), dx(rows * cols), dbias(cols);
    bool bf16 = std::is_same<T, Bf16>::value;
    host_launch(dim3{2, 1, 1}, dim3{32, 1, 1}, [&] {
      if (kind == 'm' && bf16)
        bias_activation_masked_forward_bf16(op, alpha, (Bf16*) x.data(), (Bf16*) bias.data(), (Bf16*) mask.data(),
                                            (Bf16*) y.data(), rows, cols);
      else if (kind == 'm')
        bias_activation_masked_forward_f16(op, alpha, (F16*) x.data(), (F16*) bias.data(), (F16*) mask.data(),
                                           (F16*) y.data(), rows, cols);
      else if (bf16)
        bias_activation_forward_bf16(op, alpha, (Bf16*) x.data(), (Bf16*) bias.data(), (Bf16*) y.data(), rows, cols);
      else bias_activation_forward_f16(op, alpha, (F16*) x.data(), (F16*) bias.data(), (F16*) y.data(), rows, cols);
    });
    host_launch(dim3{(unsigned) ((cols + BA_COLS - 1) / BA_COLS), 1, 1}, dim3{BA_COLS, BA_ROWS, 1}, [&] {
      if (kind == 'm' && bf16)
        bias_activation_masked_backward_bf16(op, alpha, (Bf16*) y.data(), (Bf16*) mask.data(), (Bf16*) dy.data(),
                                             (Bf16*) dx.data(), (Bf16*) dbias.data(), rows, cols);
      else if (kind == 'm')
        bias_activation_masked_backward_f16(op, alpha, (F16*) y.data(), (F16*) mask.data(), (F16*) dy.data(),
                                            (F16*) dx.data(), (F16*) dbias.data(), rows, cols);
      else if (bf16)
        bias_activation_backward_bf16(op, alpha, (Bf16*) y.data(), (Bf16*) dy.data(), (Bf16*) dx.data(),
                                      (Bf16*) dbias.data(), rows, cols);
      else bias_activation_backward_f16(op, alpha, (F16*) y.data(), (F16*) dy.data(), (F16*) dx.data(),
                                        (F16*) dbias.data(), rows, cols);
    });
    for (auto& v : y) printf("%u\n", (unsigned) v.bits);
    for (auto& v : dx) printf("%u\n", (unsigned) v.bits);
    for (auto& v : dbias) printf("%u\n", (unsigned) v.bits);
  }
}

int main() {
  char kind;
  int type, op;
  while (scanf(" %c %d %d", &kind, &type, &op) == 3) {
    if (kind == 'i') {  // "i TO VALUE": type is TO, op is the int
      int in[1] = {op};
      unsigned out[1] = {0};
      bits16 out16 = 0;
      void* dst = type == 0 ? (void*) out : (void*) &out16;
      host_launch(dim3{1, 1, 1}, dim3{1, 1, 1}, [&] { cast_int32(in, type, dst, 1); });
      printf("%u\n", type == 0 ? out[0] : (unsigned) out16);
    } else if (kind == 'c') {  // "c FROM TO BITS": type is FROM, op is TO
      unsigned bits = next();
      unsigned in[1] = {bits}, out[1] = {0};
      bits16 in16 = (bits16) bits, out16 = 0;
      const void* src = type == 0 ? (const void*) in : (const void*) &in16;
      void* dst = op == 0 ? (void*) out : (void*) &out16;
      host_launch(dim3{1, 1, 1}, dim3{1, 1, 1}, [&] { cast(type, src, op, dst, 1); });
      printf("%u\n", op == 0 ? out[0] : (unsigned) out16);
    } else if (type == static_cast<int>(Storage::BFLOAT16)) {
      run<Bf16>(kind, op);
    } else {
      run<F16>(kind, op);
    }
  }
  return 0;
}
