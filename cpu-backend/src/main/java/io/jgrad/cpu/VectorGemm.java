package io.jgrad.cpu;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 GEMM in the Vector API, after Goto and van de Geijn ("Anatomy of high-performance matrix multiplication",
 * 2008): B is packed into KC×NR panels and A into MR×KC panels, zero-padded at the edges, and a register-blocked
 * micro-kernel multiplies one A panel by one B panel into an MR×NR tile of C held in 8 vector registers. Transposes
 * are absorbed by the packing, so NN, NT, TN and TT run the same kernel. The C matrix is split between threads by
 * rows or columns; each thread packs its own panels into its own workspace.
 *
 * <p>Only loaded when jdk.incubator.vector is present (see {@link CpuBackend}).
 */
final class VectorGemm {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  /**
   * Micro-tile rows: 4 rows × 2 vectors = 8 accumulators. Measured here with 256-bit vectors (16 registers): 6 rows
   * (12 accumulators + 2 B vectors + 1 broadcast) left C2 spilling and ran at a third of this speed.
   */
  private static final int MR = 4;
  private static final int NR = 2 * L;
  /** K block: an MR×KC A panel (4 KB) stays in L1 while the B panels stream past. */
  private static final int KC = 256;
  /** Row block: the packed MC×KC A block (96 KB) stays in L2. */
  private static final int MC = 96;
  /** Column block: the packed KC×NC B block (512 KB) fits a Zen 4 core's 1 MB L2 beside the A block. */
  private static final int NC = 512;
  /** Below about 64³ multiply-adds a second thread costs more than it saves. */
  private static final long PARALLEL_WORK = 1L << 18;

  /** Per-thread packing buffers, allocated once per thread: a steady-state GEMM allocates no arrays. */
  private static final class Workspace {
    final float[] a = new float[MC * KC];
    final float[] b = new float[KC * NC];
    final float[] tile = new float[MR * NR];
  }

  private final ThreadLocal<Workspace> workspace = ThreadLocal.withInitial(Workspace::new);
  private final ExecutorService pool;
  private final int threads;

  VectorGemm(ExecutorService pool, int threads) {
    this.pool = pool;
    this.threads = threads;
  }

  /** One row-major C[m×n] = alpha·op(A)·op(B) + beta·C, operands starting at the given offsets. */
  void gemm(
      boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int offA, float[] b, int offB, float beta,
      float[] c, int offC) {
    Operands op = new Operands(ta, tb, m, n, k, alpha, a, offA, b, offB, beta, c, offC);
    int parts = (long) m * n * k < PARALLEL_WORK ? 1 : threads;
    // Split the longer side of C, in whole micro-tiles, so every part gets full tiles to chew on.
    boolean byRows = m >= n;
    int unit = byRows ? MR : NR;
    int tiles = ((byRows ? m : n) + unit - 1) / unit;
    parts = Math.max(1, Math.min(parts, tiles));
    if (parts == 1) {
      block(op, 0, m, 0, n);
      return;
    }
    List<Future<?>> running = new ArrayList<>(parts - 1);
    int done = 0;
    for (int t = 0; t < parts; t++) {
      int from = done;
      int to = Math.min(byRows ? m : n, (int) ((long) tiles * (t + 1) / parts) * unit);
      done = to;
      Runnable part = byRows ? () -> block(op, from, to, 0, n) : () -> block(op, 0, m, from, to);
      if (t < parts - 1) {
        running.add(pool.submit(part));
      } else {
        part.run();
      }
    }
    await(running);
  }

  private record Operands(
      boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int offA, float[] b, int offB, float beta,
      float[] c, int offC) {}

  private static void await(List<Future<?>> running) {
    try {
      for (Future<?> f : running) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("gemm: interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("gemm: a worker failed", e.getCause());
    }
  }

  /** C[i0:i1, j0:j1] in full: scaled by beta once, then every K block added. */
  private void block(Operands op, int i0, int i1, int j0, int j1) {
    scaleC(op, i0, i1, j0, j1);
    Workspace w = workspace.get();
    for (int jc = j0; jc < j1; jc += NC) {
      int nc = Math.min(NC, j1 - jc);
      for (int pc = 0; pc < op.k; pc += KC) {
        int kc = Math.min(KC, op.k - pc);
        packB(op, pc, kc, jc, nc, w.b);
        for (int ic = i0; ic < i1; ic += MC) {
          int mc = Math.min(MC, i1 - ic);
          packA(op, ic, mc, pc, kc, w.a);
          macroKernel(op, w, ic, mc, jc, nc, kc);
        }
      }
    }
  }

  /** beta = 0 overwrites C (so NaN in the old C never leaks in); otherwise C ·= beta before accumulating. */
  private static void scaleC(Operands op, int i0, int i1, int j0, int j1) {
    if (op.beta == 1) {
      return;
    }
    for (int i = i0; i < i1; i++) {
      int row = op.offC + i * op.n;
      for (int j = j0; j < j1; j++) {
        op.c[row + j] = op.beta == 0 ? 0 : op.beta * op.c[row + j];
      }
    }
  }

  private static void macroKernel(Operands op, Workspace w, int ic, int mc, int jc, int nc, int kc) {
    for (int jr = 0; jr < nc; jr += NR) {
      int nr = Math.min(NR, nc - jr);
      for (int ir = 0; ir < mc; ir += MR) {
        int mr = Math.min(MR, mc - ir);
        int cOff = op.offC + (ic + ir) * op.n + jc + jr;
        // An edge tile is computed in full into scratch, then only its part inside C is added. One call site for
        // both, so the JIT compiles one micro-kernel: a second site for edges ran C1 code that boxed every vector
        // (2 MB of garbage per MLP training step, whose 10-wide output layer is all edge tiles).
        boolean full = mr == MR && nr == NR;
        if (!full) {
          Arrays.fill(w.tile, 0f);
        }
        microKernel(w.a, ir * kc, w.b, jr * kc, kc, full ? op.c : w.tile, full ? cOff : 0, full ? op.n : NR,
            op.alpha);
        if (!full) {
          for (int r = 0; r < mr; r++) {
            for (int j = 0; j < nr; j++) {
              op.c[cOff + r * op.n + j] += w.tile[r * NR + j];
            }
          }
        }
      }
    }
  }

  /**
   * C[MR×NR] += alpha·Ap·Bp over kc steps: Ap holds MR values per step, Bp NR. Kept small and on its own so the JIT
   * compiles it as one unit with the accumulators in registers (inlined into a long method it ran 20× slower).
   */
  private static void microKernel(float[] ap, int aOff, float[] bp, int bOff, int kc, float[] c, int cOff, int ldc,
      float alpha) {
    FloatVector c00 = FloatVector.zero(S);
    FloatVector c01 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S);
    FloatVector c11 = FloatVector.zero(S);
    FloatVector c20 = FloatVector.zero(S);
    FloatVector c21 = FloatVector.zero(S);
    FloatVector c30 = FloatVector.zero(S);
    FloatVector c31 = FloatVector.zero(S);
    for (int p = 0; p < kc; p++, aOff += MR, bOff += NR) {
      FloatVector b0 = FloatVector.fromArray(S, bp, bOff);
      FloatVector b1 = FloatVector.fromArray(S, bp, bOff + L);
      FloatVector a = FloatVector.broadcast(S, ap[aOff]);
      c00 = a.fma(b0, c00);
      c01 = a.fma(b1, c01);
      a = FloatVector.broadcast(S, ap[aOff + 1]);
      c10 = a.fma(b0, c10);
      c11 = a.fma(b1, c11);
      a = FloatVector.broadcast(S, ap[aOff + 2]);
      c20 = a.fma(b0, c20);
      c21 = a.fma(b1, c21);
      a = FloatVector.broadcast(S, ap[aOff + 3]);
      c30 = a.fma(b0, c30);
      c31 = a.fma(b1, c31);
    }
    FloatVector al = FloatVector.broadcast(S, alpha);
    addRow(c00, c01, al, c, cOff, 0);
    addRow(c10, c11, al, c, cOff, ldc);
    addRow(c20, c21, al, c, cOff, 2 * ldc);
    addRow(c30, c31, al, c, cOff, 3 * ldc);
  }

  /** C[row, 0:NR] += alpha·(v0 | v1). */
  private static void addRow(FloatVector v0, FloatVector v1, FloatVector alpha, float[] c, int cOff, int row) {
    int i = cOff + row;
    v0.fma(alpha, FloatVector.fromArray(S, c, i)).intoArray(c, i);
    v1.fma(alpha, FloatVector.fromArray(S, c, i + L)).intoArray(c, i + L);
  }

  /** Packs op(A)[ic:ic+mc, pc:pc+kc] as MR-row panels, each laid out step by step (MR values per k), zero-padded. */
  private static void packA(Operands op, int ic, int mc, int pc, int kc, float[] dst) {
    for (int ir = 0; ir < mc; ir += MR) {
      int base = ir * kc;
      for (int r = 0; r < MR; r++) {
        int i = ic + ir + r;
        boolean inside = ir + r < mc;
        for (int p = 0; p < kc; p++) {
          // op(A)[i, p] is A[p, i] when A is stored transposed (K×M).
          float v = !inside ? 0f : op.ta ? op.a[op.offA + (pc + p) * op.m + i] : op.a[op.offA + i * op.k + pc + p];
          dst[base + p * MR + r] = v;
        }
      }
    }
  }

  /** Packs op(B)[pc:pc+kc, jc:jc+nc] as NR-column panels, each laid out step by step (NR values per k). */
  private static void packB(Operands op, int pc, int kc, int jc, int nc, float[] dst) {
    for (int jr = 0; jr < nc; jr += NR) {
      int base = jr * kc;
      int nr = Math.min(NR, nc - jr);
      for (int p = 0; p < kc; p++) {
        int o = base + p * NR;
        if (!op.tb) {
          System.arraycopy(op.b, op.offB + (pc + p) * op.n + jc + jr, dst, o, nr);
        } else {
          // op(B)[p, j] is B[j, p] when B is stored transposed (N×K).
          for (int j = 0; j < nr; j++) {
            dst[o + j] = op.b[op.offB + (jc + jr + j) * op.k + pc + p];
          }
        }
        for (int j = nr; j < NR; j++) {
          dst[o + j] = 0f;
        }
      }
    }
  }
}
