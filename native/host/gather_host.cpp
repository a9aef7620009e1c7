// Host harness of gather.cu (GatherHostTest): each stdin case runs gather_rows32 under cuda_host.h with the grid
// given and prints dst's COUNT·ROWLENGTH words, one per line. All numbers are decimal; words are raw 32-bit patterns.
//   ROWS ROWLENGTH N FROM COUNT GRIDX BLOCKX  SRC[ROWS·ROWLENGTH]  INDICES[N]
#include "cuda_host.h"
#include "gather.cu"

static long long next() {
  long long v;
  if (scanf("%lld", &v) != 1) exit(2);
  return v;
}

int main() {
  long long rows;
  while (scanf("%lld", &rows) == 1) {
    long long rowLength = next(), n = next(), from = next(), count = next();
    unsigned gridX = (unsigned) next(), blockX = (unsigned) next();
    std::vector<unsigned> src(rows * rowLength + 1);
    for (long long i = 0; i < rows * rowLength; i++) src[i] = (unsigned) next();
    std::vector<int> indices(n + 1);
    for (long long i = 0; i < n; i++) indices[i] = (int) next();
    // Guard words past dst's end: a kernel writing one would show as a changed last line.
    std::vector<unsigned> dst(count * rowLength + 1, 0xDEADBEEFu);
    host_launch(dim3{gridX, 1, 1}, dim3{blockX, 1, 1},
                [&] { gather_rows32(src.data(), rowLength, indices.data(), from, count, dst.data()); });
    for (unsigned w : dst) printf("%u\n", w);
  }
  return 0;
}
