// Host harness of training_step.cu (TrainingStepHostTest): each stdin command runs the kernels under cuda_host.h
// with the grid TrainingStepKernels launches and prints the results as raw float bits, one per line. A command
// starts with a letter and the TensorList Java built (LIST_LONGS numbers, addresses 0: the harness puts its own
// arrays there); floats are raw bits.
//   s LIST  X[t][·] for each tensor                          sum_squares_chunks + _combine: prints the sums
//   a LIST  DECOUPLED COPY GUARD3  P G M V for each tensor    adam_steps: prints P M V (C) of each tensor
//   m LIST  NESTEROV FIRST MOMENTUM DAMPENING COPY GUARD3  P G V    sgd_steps: prints P V (C) of each tensor
//   g P L LAYEROF[P] SUMS[P] LOSS EXAMPLES MAXNORM MAXSKIP STATE[14 + 4L]   step_guard: prints the state
//   G P L LAYEROF[P] SUMS[P] LOSS EXAMPLES MAXNORM MAXSKIP GROWTH STATE[14 + 4L]   step_guard with loss scaling
//       when GROWTH > 0 (the growth interval): prints the state, then loss_scale[0] (it starts as 0xFFFFFFFF bits,
//       and the kernel gets a null loss_scale when GROWTH is 0)
// GUARD3 = apply, scale, applied-steps floats (bits); the other hyperparameters are TrainingStepHostTest's constants.
// COPY: the half.cuh Storage code of every tensor's 16-bit copy C (0: no copies); each C starts as 0xFFFF patterns.
// A and M: a and m with the rate given, LR AT LR_AT before LIST: LR by value and, when AT is 1, LR_AT in the memory
// lr_at points at (null when AT is 0); doubles as raw bits.
#include "cuda_host.h"
#include "training_step.cu"

static long long next() {
  long long v;
  if (scanf("%lld", &v) != 1) exit(2);
  return v;
}

static float nextFloat() { return __uint_as_float((unsigned) next()); }

static double nextDouble() {
  long long bits = next();
  double v;
  memcpy(&v, &bits, sizeof v);
  return v;
}

static void print(const std::vector<float>& v) {
  for (float x : v) printf("%u\n", __float_as_uint(x));
}

static TensorList readList() {
  TensorList list;
  long long* fields = (long long*) &list;
  for (size_t i = 0; i < sizeof(TensorList) / sizeof(long long); i++) fields[i] = next();
  return list;
}

// kinds arrays per tensor, read from stdin, their addresses put into the list.
static std::vector<std::vector<std::vector<float>>> readTensors(TensorList& list, int kinds) {
  std::vector<std::vector<std::vector<float>>> data(list.count, std::vector<std::vector<float>>(kinds));
  for (int t = 0; t < list.count; t++) {
    for (int k = 0; k < kinds; k++) {
      data[t][k].resize(list.length[t] + 1);  // + 1: a length-0 tensor still has an address
      for (long long i = 0; i < list.length[t]; i++) data[t][k][i] = nextFloat();
      list.ptr[k][t] = (long long) data[t][k].data();
    }
  }
  return data;
}

// Each tensor's 16-bit copy of Storage type (none when 0), 0xFFFF patterns to start, its address put into copies.
static std::vector<std::vector<bits16>> makeCopies(const TensorList& list, int type, CopyList& copies) {
  std::vector<std::vector<bits16>> data(list.count);
  for (int t = 0; t < LIST_MAX; t++) copies.ptr[t] = copies.type[t] = 0;
  for (int t = 0; type != 0 && t < list.count; t++) {
    data[t].assign(list.length[t] + 1, 0xFFFF);
    copies.ptr[t] = (long long) data[t].data();
    copies.type[t] = type;
  }
  return data;
}

static void print(const std::vector<bits16>& copy) {
  for (size_t i = 0; i + 1 < copy.size(); i++) printf("%u\n", (unsigned) copy[i]);
}

static std::vector<float> readGuard() {
  std::vector<float> guard(G_HEADER, 0.0f);
  guard[G_APPLY] = nextFloat();
  guard[G_SCALE] = nextFloat();
  guard[G_APPLIED_STEPS] = nextFloat();
  return guard;
}

template <typename Body>
static void launchChunks(const TensorList& list, Body body) {
  unsigned blocks = (unsigned) list.chunkStart[list.count];
  if (blocks > 0) host_launch(dim3{blocks, 1, 1}, dim3{LIST_THREADS, 1, 1}, body);
}

int main() {
  char kind;
  while (scanf(" %c", &kind) == 1) {
    double lrAdam = 0.01, lrSgd = 0.05, lrAt = NAN;
    const double* at = nullptr;
    if (kind == 'A' || kind == 'M') {
      lrAdam = lrSgd = nextDouble();
      if (next()) at = &lrAt;
      lrAt = nextDouble();  // read either way: the input has a fixed shape
      kind = kind == 'A' ? 'a' : 'm';
    }
    if (kind == 's') {
      TensorList list = readList();
      auto data = readTensors(list, 1);
      std::vector<double> partial(list.chunkStart[list.count] + 1);
      std::vector<float> out(list.count + 1, NAN);
      launchChunks(list, [&] { sum_squares_chunks(list, partial.data()); });
      host_launch(dim3{1, 1, 1}, dim3{LIST_MAX, 1, 1}, [&] { sum_squares_combine(list, partial.data(), out.data(), 1); });
      print(std::vector<float>(out.begin() + 1, out.end()));
    } else if (kind == 'a') {
      TensorList list = readList();
      int decoupled = (int) next();
      int copyType = (int) next();
      std::vector<float> guard = readGuard();
      auto data = readTensors(list, 4);
      CopyList copies;
      auto copy = makeCopies(list, copyType, copies);
      launchChunks(list, [&] {
        adam_steps(list, copies, lrAdam, 0.9, 0.999, 1e-8, 0.05, decoupled, guard.data(), at);
      });
      for (int t = 0; t < list.count; t++) {
        for (int k : {0, 2, 3}) print(std::vector<float>(data[t][k].begin(), data[t][k].end() - 1));
        print(copy[t]);
      }
    } else if (kind == 'm') {
      TensorList list = readList();
      int nesterov = (int) next();
      int first = (int) next();
      float momentum = nextFloat();
      float dampening = nextFloat();
      int copyType = (int) next();
      std::vector<float> guard = readGuard();
      auto data = readTensors(list, 3);
      CopyList copies;
      auto copy = makeCopies(list, copyType, copies);
      launchChunks(list, [&] {
        sgd_steps(list, copies, lrSgd, momentum, dampening, 0.01, nesterov, first, guard.data(), at);
      });
      for (int t = 0; t < list.count; t++) {
        for (int k : {0, 2}) print(std::vector<float>(data[t][k].begin(), data[t][k].end() - 1));
        print(copy[t]);
      }
    } else if (kind == 'g' || kind == 'G') {
      int count = (int) next();
      int layers = (int) next();
      std::vector<int> layerOf(count + 1);
      std::vector<float> sums(count + 1);
      for (int p = 0; p < count; p++) layerOf[p] = (int) next();
      for (int p = 0; p < count; p++) sums[p] = nextFloat();
      float loss = nextFloat();
      int examples = (int) next();
      double maxNorm = nextFloat();
      int maxSkip = (int) next();
      int growth = kind == 'G' ? (int) next() : 0;
      std::vector<float> state(G_HEADER + 4 * layers);
      for (float& s : state) s = nextFloat();
      float lossScale = __uint_as_float(0xFFFFFFFFu);
      float* scaleAt = growth > 0 ? &lossScale : nullptr;
      host_launch(dim3{1, 1, 1}, dim3{256, 1, 1}, [&] {
        step_guard(sums.data(), layerOf.data(), count, layers, &loss, examples, maxNorm, maxSkip, state.data(),
                   scaleAt, growth);
      });
      print(state);
      if (kind == 'G') printf("%u\n", __float_as_uint(lossScale));
    } else {
      return 3;
    }
  }
  return 0;
}
