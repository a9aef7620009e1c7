package io.jgrad.spi;

import io.jgrad.Backend;
import io.jgrad.Transposed;
import java.util.Objects;

/**
 * The arguments of one {@link Backend#gemm} call: for each b &lt; batch, C_b = alpha·op(A_b)·op(B_b) + beta·C_b,
 * row-major. op(A_b) is M×K (A_b is stored K×M when {@link Transposed#first()}), op(B_b) is K×N (stored N×K when
 * {@link Transposed#second()}), C_b is M×N. Matrix b of X starts at element b·strideX; a stride of 0 broadcasts one
 * matrix over the batch.
 *
 * <p>Built by name, the defaults being one plain product C = A·B: {@code GemmArgs.of(m, n, k, a, b,
 * c).transposed(Transposed.SECOND).batched(batch, strideA, strideB, strideC).scaled(alpha, beta)}.
 */
public record GemmArgs(
    Transposed transpose,
    int batch,
    int m,
    int n,
    int k,
    double alpha,
    Buffer a,
    long strideA,
    Buffer b,
    long strideB,
    double beta,
    Buffer c,
    long strideC) {

  public GemmArgs {
    Objects.requireNonNull(transpose, "gemm: transpose");
  }

  /** C = A·B for an M×K A and a K×N B: nothing transposed, one matrix, alpha 1, beta 0. */
  public static GemmArgs of(int m, int n, int k, Buffer a, Buffer b, Buffer c) {
    return new GemmArgs(Transposed.NONE, 1, m, n, k, 1.0, a, 0, b, 0, 0.0, c, 0);
  }

  /** The same product with these operands read transposed. */
  public GemmArgs transposed(Transposed t) {
    return new GemmArgs(t, batch, m, n, k, alpha, a, strideA, b, strideB, beta, c, strideC);
  }

  /** The same product over {@code batch} matrices, matrix i of X at element i·strideX (0: one matrix for all). */
  public GemmArgs batched(int batch, long strideA, long strideB, long strideC) {
    return new GemmArgs(transpose, batch, m, n, k, alpha, a, strideA, b, strideB, beta, c, strideC);
  }

  /** C = alpha·op(A)·op(B) + beta·C; beta = 0 ignores C's old contents (NaN included). */
  public GemmArgs scaled(double alpha, double beta) {
    return new GemmArgs(transpose, batch, m, n, k, alpha, a, strideA, b, strideB, beta, c, strideC);
  }

  /** Whether A is stored K×M and read transposed. */
  public boolean transA() {
    return transpose.first();
  }

  /** Whether B is stored N×K and read transposed. */
  public boolean transB() {
    return transpose.second();
  }
}
