package io.jgrad.cpu;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 GEMM in the Vector API, after Goto and van de Geijn ("Anatomy of high-performance matrix multiplication",
 * 2008): B is packed into KC×NR panels and A into MR×KC panels, zero-padded at the edges, and a register-blocked
 * micro-kernel multiplies one A panel by one B panel into an MR×NR tile of C held in 8 vector registers. Transposes
 * are absorbed by the packing, so NN, NT, TN and TT run the same kernel. The threads of a {@link WorkerTeam} share
 * one packed operand and take blocks of C from a counter (see {@link #part}).
 *
 * <p>Only loaded when jdk.incubator.vector is present (see {@link CpuBackend}).
 */
final class VectorGemm {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  /**
   * Micro-tile rows: 4 rows × 2 vectors = 8 accumulators. Measured here with 256-bit vectors (16 registers), one
   * thread, 1024³, thread CPU time, on JDK 17 and 25 alike: 4×16 about 60 GFLOP/s, 8×8 54, 5×16 51, 3×24 40, and the
   * 12-accumulator tiles 6×16 and 4×24 about 30. Why the 12-accumulator tiles lose (disassembled, see
   * docs/benchmarks.md): on JDK 17 a 6×16 kernel that adds its six rows to C here pushes C2 past its inlining node
   * budget (NodeCountInliningCutoff) and the last row's vectors are boxed, one allocation per step; written to a
   * scratch tile instead it runs as fast as 4×16, no faster. On JDK 25 C2 issues all of a step's broadcasts at the
   * top of the loop and keeps one accumulator on the stack (a load, FMA and store per step): half speed. The 4×16
   * loop alone runs at this machine's measured FMA peak (about 85 GFLOP/s per core), so a larger tile has little to
   * gain here anyway.
   */
  private static final int MR = 4;
  private static final int NR = 2 * L;
  /** K block: an MR×KC A panel (4 KB) stays in L1 while the B panels stream past. */
  private static final int KC = 256;
  /** Row block: the packed MC×KC A block (96 KB) stays in L2. */
  private static final int MC = 96;
  /**
   * Column block: the packed KC×NC B block (512 KB), streamed from L2 and L3 past the A block. Sized for a 1 MB L2;
   * on this machine's 512 KB L2, NC 128 and 256 measured no faster (docs/benchmarks.md).
   */
  private static final int NC = 512;
  /**
   * Below about 4M multiply-adds (~100 µs on one core) waking a second thread costs more than it saves on this
   * shared machine: with 2^18, the MLP's 10-wide output layer (128×10×256) ran 5× slower on two threads than on one.
   */
  private static final long PARALLEL_WORK = 1L << 22;
  /**
   * Wide C whose whole packed A fits this many floats (512 KB, this machine's L2; the MLP's 128-row products and its
   * weight gradients all do) is computed by {@link #sharedA}.
   */
  private static final int A_BLOCK = 1 << 17;
  /**
   * C wider than NC whose packed A fits this many floats (16 MB: 2048×2048) packs A once and keeps it for every column
   * block, where it was packed again for each: 1.03× at 1024³ and 1.08× at 2048³ on one thread.
   */
  private static final int KEEP_A = 1 << 22;
  /** Columns of C per block in {@link #sharedA}: two micro-tiles (one was slower, four no faster). */
  private static final int CHUNK = 2 * NR;

  /** Packing buffers, one per thread of the team, allocated once: a steady-state GEMM allocates nothing. */
  private static final class Workspace {
    final float[] a = new float[MC * KC];
    final float[] b = new float[KC * NC];
    final float[] tile = new float[MR * NR];
  }

  /** The operands of the call in progress: one reused object, since calls are serialized. */
  private static final class Operands {
    boolean ta;
    boolean tb;
    int m;
    int n;
    int k;
    float alpha;
    float[] a;
    int offA;
    float[] b;
    int offB;
    float beta;
    float[] c;
    int offC;
    /** A is packed once into packedA and kept for every column block (see KEEP_A). */
    boolean keepA;
  }

  private final WorkerTeam team;
  private final Workspace[] workspaces;
  private final Operands op = new Operands();
  private final WorkerTeam.Task part = this::part;
  /** The KC×NC block of B that all threads share when they split C by rows. */
  private final float[] sharedB = new float[KC * NC];
  /**
   * All of A, packed K block by K block: shared by the threads when they split C by columns, and kept across column
   * blocks otherwise (see KEEP_A). Grown on demand, never shrunk, as a caching allocator would keep it.
   */
  private float[] packedA = new float[A_BLOCK];
  /** The next block of C for whichever thread asks first. */
  private final AtomicInteger nextBlock = new AtomicInteger();
  /** The next piece of A to pack, in {@link #packedA}. */
  private final AtomicInteger nextPiece = new AtomicInteger();

  VectorGemm(WorkerTeam team) {
    this.team = team;
    this.workspaces = new Workspace[team.threads()];
    for (int i = 0; i < workspaces.length; i++) {
      workspaces[i] = new Workspace();
    }
  }

  /** One row-major C[m×n] = alpha·op(A)·op(B) + beta·C, operands starting at the given offsets. */
  synchronized void gemm(
      boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int offA, float[] b, int offB, float beta,
      float[] c, int offC) {
    op.ta = ta;
    op.tb = tb;
    op.m = m;
    op.n = n;
    op.k = k;
    op.alpha = alpha;
    op.a = a;
    op.offA = offA;
    op.b = b;
    op.offB = offB;
    op.beta = beta;
    op.c = c;
    op.offC = offC;
    op.keepA = n > NC && (long) roundUp(m, MR) * k <= KEEP_A;
    if (op.keepA && packedA.length < roundUp(m, MR) * k) {
      packedA = new float[roundUp(m, MR) * k];
    }
    if ((long) m * n * k < PARALLEL_WORK || team.threads() == 1) {
      block(op, workspaces[0], op.keepA ? packedA : null, 0, m, 0, n);
    } else {
      team.run(part);
    }
    op.a = null; // hold no caller arrays between calls
    op.b = null;
    op.c = null;
  }

  /**
   * One thread's share of C. Where they can, the threads take blocks from a counter rather than fixed halves: on a
   * shared machine one core often runs at 60% of the other's speed for seconds, and a fixed split waits for the slow
   * one (docs/benchmarks.md). Tall C (m ≥ n): {@link #sharedB}. Wide C with a small A (the MLP's products): {@link
   * #sharedA}. Wide C with a long A: fixed column halves, each thread packing its own part of B and all of A.
   */
  private void part(int part, int parts) {
    if (op.m >= op.n) {
      sharedB(part, parts);
    } else if ((op.m + MR - 1L) / MR * MR * op.k <= A_BLOCK) {
      sharedA(part, parts);
    } else {
      int tiles = ceilDiv(op.n, NR);
      int from = Math.min(op.n, (int) ((long) tiles * part / parts) * NR);
      int to = Math.min(op.n, (int) ((long) tiles * (part + 1) / parts) * NR);
      if (from < to) {
        block(op, workspaces[part], null, 0, op.m, from, to);
      }
    }
  }

  /**
   * The threads pack all of A together (16-row, one-K-block pieces from the counter), then take CHUNK-column blocks
   * of C, each packing its own B panels. A is packed once, where a fixed column split packed it once per thread.
   */
  private void sharedA(int part, int parts) {
    Workspace w = workspaces[part];
    int kcStep = blockSize(op.k, KC, 1);
    int mPad = roundUp(op.m, MR);
    int pieceRows = 4 * MR;
    int pieces = ceilDiv(op.m, pieceRows);
    int kBlocks = ceilDiv(op.k, kcStep);
    for (int u; (u = nextPiece.getAndIncrement()) < pieces * kBlocks; ) {
      int ir = u % pieces * pieceRows;
      int pc = u / pieces * kcStep;
      int kc = Math.min(kcStep, op.k - pc);
      packA(op, ir, Math.min(pieceRows, op.m - ir), pc, kc, packedA, pc * mPad + ir * kc);
    }
    team.await(); // A packed
    int chunks = ceilDiv(op.n, CHUNK);
    for (int c; (c = nextBlock.getAndIncrement()) < chunks; ) {
      int jc = c * CHUNK;
      int nc = Math.min(CHUNK, op.n - jc);
      scaleC(op, 0, op.m, jc, jc + nc);
      for (int pc = 0; pc < op.k; pc += kcStep) {
        int kc = Math.min(kcStep, op.k - pc);
        packB(op, pc, kc, jc, nc, w.b, 0);
        macroKernel(op, packedA, pc * mPad, w.tile, w.b, 0, op.m, jc, nc, kc, pc == 0);
      }
    }
    team.await(); // nobody takes from the counters any more
    if (part == 0) {
      nextPiece.set(0);
      nextBlock.set(0);
    }
  }

  private void sharedB(int part, int parts) {
    Workspace w = workspaces[part];
    int mPad = roundUp(op.m, MR);
    int mcStep = blockSize(op.m, MC, MR);
    int rowBlocks = ceilDiv(op.m, mcStep);
    for (int i = part; i < rowBlocks; i += parts) {
      scaleC(op, i * mcStep, Math.min(op.m, (i + 1) * mcStep), 0, op.n);
    }
    int kcStep = blockSize(op.k, KC, 1);
    for (int jc = 0; jc < op.n; jc += NC) {
      int nc = Math.min(NC, op.n - jc);
      for (int pc = 0; pc < op.k; pc += kcStep) {
        int kc = Math.min(kcStep, op.k - pc);
        int panels = ceilDiv(nc, NR);
        int p0 = panels * part / parts;
        int p1 = panels * (part + 1) / parts;
        packB(op, pc, kc, jc + p0 * NR, Math.min(nc, p1 * NR) - p0 * NR, sharedB, p0 * NR * kc);
        team.await(); // B block complete
        for (int i; (i = nextBlock.getAndIncrement()) < rowBlocks; ) {
          int ic = i * mcStep;
          int mc = Math.min(mcStep, op.m - ic);
          float[] ap = op.keepA ? packedA : w.a;
          int aOff = op.keepA ? pc * mPad + ic * kc : 0;
          if (!op.keepA || jc == 0) {
            packA(op, ic, mc, pc, kc, ap, aOff);
          }
          macroKernel(op, ap, aOff, w.tile, sharedB, ic, mc, jc, nc, kc, pc == 0);
        }
        team.await(); // everyone is done with this B block and the counter
        if (part == 0) {
          nextBlock.set(0); // nobody takes a row block before the next B block's first await
        }
      }
    }
  }

  /**
   * C[i0:i1, j0:j1] in full: scaled by beta once, then every K block added. With allA, A is packed there in the first
   * column block and read from there in the others.
   */
  private static void block(Operands op, Workspace w, float[] allA, int i0, int i1, int j0, int j1) {
    scaleC(op, i0, i1, j0, j1);
    int kcStep = blockSize(op.k, KC, 1);
    int mcStep = blockSize(i1 - i0, MC, MR);
    for (int jc = j0; jc < j1; jc += NC) {
      int nc = Math.min(NC, j1 - jc);
      for (int pc = 0; pc < op.k; pc += kcStep) {
        int kc = Math.min(kcStep, op.k - pc);
        packB(op, pc, kc, jc, nc, w.b, 0);
        for (int ic = i0; ic < i1; ic += mcStep) {
          int mc = Math.min(mcStep, i1 - ic);
          float[] ap = allA != null ? allA : w.a;
          int aOff = allA != null ? pc * roundUp(i1 - i0, MR) + (ic - i0) * kc : 0;
          if (allA == null || jc == j0) {
            packA(op, ic, mc, pc, kc, ap, aOff);
          }
          macroKernel(op, ap, aOff, w.tile, w.b, ic, mc, jc, nc, kc, pc == 0);
        }
      }
    }
  }

  /**
   * The step that cuts extent into as few blocks of at most max as possible, all about equal and a multiple of unit:
   * k = 784 runs as 4 × 196 rather than 3 × 256 + 16, whose 16-step block paid a whole pass over C for little work.
   */
  private static int blockSize(int extent, int max, int unit) {
    int blocks = Math.max(1, ceilDiv(extent, max));
    int step = ceilDiv(extent, blocks);
    return roundUp(step, unit);
  }

  private static int roundUp(int x, int unit) {
    return ceilDiv(x, unit) * unit;
  }

  private static int ceilDiv(int x, int d) {
    return (x + d - 1) / d;
  }

  /**
   * C ·= beta before the K blocks add to it. beta = 0: nothing, since the first K block stores into C instead of adding
   * (NaN in the old C never leaks in), unless there is no K block (k = 0), when C is zeroed here.
   */
  private static void scaleC(Operands op, int i0, int i1, int j0, int j1) {
    if (op.beta == 1 || op.beta == 0 && op.k > 0) {
      return;
    }
    for (int i = i0; i < i1; i++) {
      int row = op.offC + i * op.n;
      if (op.beta == 0) {
        Arrays.fill(op.c, row + j0, row + j1, 0f);
      } else {
        int j = j0;
        for (; j < j0 + S.loopBound(j1 - j0); j += L) {
          FloatVector.fromArray(S, op.c, row + j).mul(op.beta).intoArray(op.c, row + j);
        }
        for (; j < j1; j++) {
          op.c[row + j] *= op.beta;
        }
      }
    }
  }

  /**
   * C[ic:ic+mc, jc:jc+nc] += the packed A block at ap[aOff] times the packed B block bp, or = when this is the first K
   * block of a beta = 0 product (its C is not read, so NaN in the old C never leaks in); tile is scratch.
   */
  private static void macroKernel(Operands op, float[] ap, int aOff, float[] tile, float[] bp, int ic, int mc, int jc,
      int nc, int kc, boolean firstK) {
    boolean store = firstK && op.beta == 0;
    for (int jr = 0; jr < nc; jr += NR) {
      int nr = Math.min(NR, nc - jr);
      for (int ir = 0; ir < mc; ir += MR) {
        int mr = Math.min(MR, mc - ir);
        int cOff = op.offC + (ic + ir) * op.n + jc + jr;
        // One micro-kernel call for every tile, writing to scratch; small methods then move the tile into C. A second
        // call site ran C1 code that boxed every vector (for edge tiles: 2 MB of garbage per MLP step), or made C2
        // spill the accumulators (a storing kernel beside the adding one: 4–6× slower).
        microKernel(ap, aOff + ir * kc, bp, jr * kc, kc, tile);
        if (mr == MR && nr == NR) {
          if (store) {
            storeTile(tile, op.c, cOff, op.n, op.alpha);
          } else {
            addTile(tile, op.c, cOff, op.n, op.alpha);
          }
        } else {
          for (int r = 0; r < mr; r++) {
            for (int j = 0; j < nr; j++) {
              int i = cOff + r * op.n + j;
              op.c[i] = (store ? 0 : op.c[i]) + op.alpha * tile[r * NR + j];
            }
          }
        }
      }
    }
  }

  /** C[MR×NR] = alpha·tile. */
  private static void storeTile(float[] tile, float[] c, int cOff, int ldc, float alpha) {
    for (int r = 0; r < MR; r++) {
      int i = cOff + r * ldc;
      FloatVector.fromArray(S, tile, r * NR).mul(alpha).intoArray(c, i);
      FloatVector.fromArray(S, tile, r * NR + L).mul(alpha).intoArray(c, i + L);
    }
  }

  /** C[MR×NR] += alpha·tile. */
  private static void addTile(float[] tile, float[] c, int cOff, int ldc, float alpha) {
    FloatVector al = FloatVector.broadcast(S, alpha);
    for (int r = 0; r < MR; r++) {
      int i = cOff + r * ldc;
      FloatVector.fromArray(S, tile, r * NR).fma(al, FloatVector.fromArray(S, c, i)).intoArray(c, i);
      FloatVector.fromArray(S, tile, r * NR + L).fma(al, FloatVector.fromArray(S, c, i + L)).intoArray(c, i + L);
    }
  }

  /**
   * The MR×NR tile t = Ap·Bp over kc steps: Ap holds MR values per step, Bp NR. Kept small and on its own so the JIT
   * compiles it as one unit with the accumulators in registers (inlined into a long method it ran 20× slower). Every
   * index is the loop counter times a constant: JDK 17's C2 then hoists the range checks out of the loop, where with
   * offsets advanced by the loop it checked both B loads every step (3–6% of the GEMM). Unrolled, by hand or by
   * -XX:LoopUnrollLimit, C2 spills the accumulators: half speed.
   */
  private static void microKernel(float[] ap, int aOff, float[] bp, int bOff, int kc, float[] t) {
    FloatVector c00 = FloatVector.zero(S);
    FloatVector c01 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S);
    FloatVector c11 = FloatVector.zero(S);
    FloatVector c20 = FloatVector.zero(S);
    FloatVector c21 = FloatVector.zero(S);
    FloatVector c30 = FloatVector.zero(S);
    FloatVector c31 = FloatVector.zero(S);
    for (int p = 0; p < kc; p++) {
      FloatVector b0 = FloatVector.fromArray(S, bp, bOff + p * NR);
      FloatVector b1 = FloatVector.fromArray(S, bp, bOff + p * NR + L);
      FloatVector a = FloatVector.broadcast(S, ap[aOff + p * MR]);
      c00 = a.fma(b0, c00);
      c01 = a.fma(b1, c01);
      a = FloatVector.broadcast(S, ap[aOff + p * MR + 1]);
      c10 = a.fma(b0, c10);
      c11 = a.fma(b1, c11);
      a = FloatVector.broadcast(S, ap[aOff + p * MR + 2]);
      c20 = a.fma(b0, c20);
      c21 = a.fma(b1, c21);
      a = FloatVector.broadcast(S, ap[aOff + p * MR + 3]);
      c30 = a.fma(b0, c30);
      c31 = a.fma(b1, c31);
    }
    c00.intoArray(t, 0);
    c01.intoArray(t, L);
    c10.intoArray(t, NR);
    c11.intoArray(t, NR + L);
    c20.intoArray(t, 2 * NR);
    c21.intoArray(t, 2 * NR + L);
    c30.intoArray(t, 3 * NR);
    c31.intoArray(t, 3 * NR + L);
  }

  /**
   * Packs op(A)[ic:ic+mc, pc:pc+kc] into dst from dstOff on as MR-row panels, each laid out step by step (MR values
   * per k), zero-padded. Each loop order reads A along its rows: A by rows of op(A), Aᵀ (stored K×M) by steps.
   */
  private static void packA(Operands op, int ic, int mc, int pc, int kc, float[] dst, int dstOff) {
    for (int ir = 0; ir < mc; ir += MR) {
      int base = dstOff + ir * kc;
      int mr = Math.min(MR, mc - ir);
      if (!op.ta) {
        for (int r = 0; r < mr; r++) {
          int src = op.offA + (ic + ir + r) * op.k + pc;
          for (int p = 0; p < kc; p++) {
            dst[base + p * MR + r] = op.a[src + p];
          }
        }
      } else {
        for (int p = 0; p < kc; p++) {
          // op(A)[i, p] is A[p, i] when A is stored transposed (K×M).
          int src = op.offA + (pc + p) * op.m + ic + ir;
          for (int r = 0; r < mr; r++) {
            dst[base + p * MR + r] = op.a[src + r];
          }
        }
      }
      for (int r = mr; r < MR; r++) {
        for (int p = 0; p < kc; p++) {
          dst[base + p * MR + r] = 0f;
        }
      }
    }
  }

  /**
   * Packs op(B)[pc:pc+kc, jc:jc+nc] into dst from dstOff on as NR-column panels, each laid out step by step (NR
   * values per k), zero-padded. Each loop order reads B along its rows: B by steps, Bᵀ (stored N×K) by columns of
   * op(B).
   */
  private static void packB(Operands op, int pc, int kc, int jc, int nc, float[] dst, int dstOff) {
    for (int jr = 0; jr < nc; jr += NR) {
      int base = dstOff + jr * kc;
      int nr = Math.min(NR, nc - jr);
      if (!op.tb) {
        for (int p = 0; p < kc; p++) {
          System.arraycopy(op.b, op.offB + (pc + p) * op.n + jc + jr, dst, base + p * NR, nr);
        }
      } else {
        for (int j = 0; j < nr; j++) {
          // op(B)[p, j] is B[j, p] when B is stored transposed (N×K).
          int src = op.offB + (jc + jr + j) * op.k + pc;
          for (int p = 0; p < kc; p++) {
            dst[base + p * NR + j] = op.b[src + p];
          }
        }
      }
      if (nr < NR) {
        for (int p = 0; p < kc; p++) {
          Arrays.fill(dst, base + p * NR + nr, base + (p + 1) * NR, 0f);
        }
      }
    }
  }
}
