// Row gather for a dataset kept in device memory: dst row r = src row indices[from + r], for r < count. Rows are
// rowLength 32-bit words, so one kernel serves float32 features and int32 labels. The indices come from an epoch's
// shuffled order, uploaded once per epoch; the kernel reads them on the device, so filling a batch needs no host
// work or wait. Indices are not checked (the loader draws them as a permutation of the rows).
// Shapes: src [rows, rowLength], indices [>= from + count], dst [count, rowLength].
#include "ops.cuh"

// ---- kernels ----

extern "C" __global__ void gather_rows32(const unsigned* src, long long rowLength, const int* indices, long long from,
                                         long long count, unsigned* dst) {
  FOR_EACH_INDEX(i, count * rowLength) {
    long long r = i / rowLength;
    long long c = i - r * rowLength;
    dst[i] = src[(long long) indices[from + r] * rowLength + c];
  }
}
