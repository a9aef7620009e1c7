package io.jgrad.cpu;

import io.jgrad.DType;
import io.jgrad.spi.ReducedFloats;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 GEMM in the Vector API, after Goto and van de Geijn ("Anatomy of high-performance matrix multiplication",
 * 2008): B is packed into KC×NR panels and A into MR×KC panels, zero-padded at the edges, and a register-blocked
 * micro-kernel multiplies one A panel by one B panel into an MR×NR tile of C held in 12 vector registers (16 where
 * vectors are 512 bits). Transposes are absorbed by the packing, so NN, NT, TN and TT run the same kernel. The threads
 * of a {@link WorkerTeam} pack the operands together and then take blocks of C from a counter ({@link #packed},
 * {@link #sharedA}).
 *
 * <p>Only loaded when jdk.incubator.vector is present (see {@link CpuBackend}).
 */
final class VectorGemm {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  /** The class of S's vectors; {@link #microKernel6} says why it is cast to. */
  private static final Class<? extends Vector<Float>> VECTOR_CLASS = S.vectorType();
  /**
   * Micro-tile rows: MR rows × 2 vectors of accumulators. With 256-bit vectors (16 registers), 6 rows: 12 accumulators,
   * two B vectors and two broadcasts fill them, and each step's indexing is spread over 12 FMAs (4×16 spent the same
   * integer work on 8 and ran at about 90% of the FMA rate): 1.00–1.15× over 4×16. With 512-bit vectors (32
   * registers), 8 rows: 16 FMAs a step, and the MLP's 128-row products end on a whole tile; 2048³ 1.09×, the MLP step
   * 1.07× over 6 rows on JDK 17 (docs/benchmarks.md, "Decisions (CPU kernels)").
   */
  private static final int MR = L >= 16 ? 8 : 6;
  private static final int NR = 2 * L;
  /**
   * K block: long, so that a tile of C is added to once per KC steps; its B panel (KC×NR) streams from L2 past each A
   * panel as fast as a 256-step one stays in L1. 1024 where vectors are 256 bits (chosen on a 512 KB L2); 2048 where
   * they are 512 bits, whose processors have 1 MB of L2 or more: 2048³ 1.02–1.03× over 1024 on a 1 MB L2, 512 and 384
   * slower (docs/benchmarks.md, "Decisions (CPU kernels)").
   */
  private static final int KC = L >= 16 ? 2048 : 1024;
  /**
   * Row block: the packed MC×KC A block (192 KB at KC 1024) stays in L2 beside a B panel and the MC×NC block of C
   * (96 KB); MC 96 crowds a 512 KB L2 (KC 1024 with MC 48: 1.09–1.12× on two threads; with KC 2048 on a 1 MB L2, MC 32
   * and 64 measured no faster).
   */
  private static final int MC = 48;
  /** Column block: the KC×NC B block (2 MB) streams from L3 past the A block; NC 128 to 2048 measured no faster. */
  private static final int NC = 512;
  /**
   * Below about 4M multiply-adds (~100 µs on one core) waking a second thread costs more than it saves: with 2^18, the
   * MLP's 10-wide output layer (128×10×256) ran 5× slower on two threads than on one.
   */
  private static final long PARALLEL_WORK = 1L << 22;
  /**
   * Wide C whose whole packed A fits this many floats (512 KB, this machine's L2; the MLP's 128-row products and its
   * weight gradients all do) is computed by {@link #sharedA}.
   */
  private static final int A_BLOCK = 1 << 17;
  /**
   * {@link #packed} packs A and B whole when each fits this many floats (16 MB: 2048×2048), else a span of K, and of
   * rows or columns, at a time: the bound on the memory its buffers keep.
   */
  private static final int PACKED = 1 << 22;
  /** Columns of C per block in {@link #sharedA}: two micro-tiles (one was slower, four no faster). */
  private static final int CHUNK = 2 * NR;
  /** Columns of B that one thread packs at a time while the threads pack together (whole panels). */
  private static final int B_PIECE = NR;
  /**
   * Steps of a transposed B (Bᵀ stored N×K, as Linear's weight in the forward pass) packed at a time: the block's part
   * of the panel (64 × NR floats, 8 KB at NR 32) stays in L1 while each of the NR rows of Bᵀ is read along it. Packing
   * a whole column of the panel at a time wrote one float per 128-byte row of a 100 KB panel, which left L1 between
   * columns: the MLP's 512×784 weight packed in 106–139 µs against 205–275 µs on one core; the MLP step 1.01–1.04× on
   * JDK 17 (window pairs in one JVM). With 512- or 256-bit vectors whole panels go through {@link #transpose16} or
   * {@link #transpose8} instead.
   */
  private static final int TRANSPOSE_STEPS = 64;
  /**
   * The in-register transposes' permutes (lane c from lane c ^ h) and blend masks (the lanes with bit h set, clear);
   * {@link #transpose8} uses those of h &lt; 8.
   */
  private static final VectorShuffle<Float> SWAP8 = VectorShuffle.fromOp(S, c -> (c ^ 8) & (L - 1));
  private static final VectorShuffle<Float> SWAP4 = VectorShuffle.fromOp(S, c -> (c ^ 4) & (L - 1));
  private static final VectorShuffle<Float> SWAP2 = VectorShuffle.fromOp(S, c -> (c ^ 2) & (L - 1));
  private static final VectorShuffle<Float> SWAP1 = VectorShuffle.fromOp(S, c -> (c ^ 1) & (L - 1));
  private static final VectorMask<Float> SET8 = VectorMask.fromLong(S, lanesWithBit(8));
  private static final VectorMask<Float> CLEAR8 = SET8.not();
  private static final VectorMask<Float> SET4 = VectorMask.fromLong(S, lanesWithBit(4));
  private static final VectorMask<Float> CLEAR4 = SET4.not();
  private static final VectorMask<Float> SET2 = VectorMask.fromLong(S, lanesWithBit(2));
  private static final VectorMask<Float> CLEAR2 = SET2.not();
  private static final VectorMask<Float> SET1 = VectorMask.fromLong(S, lanesWithBit(1));
  private static final VectorMask<Float> CLEAR1 = SET1.not();
  /**
   * {@link #interleave8}'s last permute (L = 16): output lane 8s + 4r2 + 2r1 + r0 takes lane 8r2 + 4r1 + 2r0 + s.
   * Built for any L, used only where L is 16.
   */
  private static final VectorShuffle<Float> STEP_ON_TOP =
      VectorShuffle.fromOp(S, l -> ((l & 7) << 1 | l >> 3) & (L - 1));

  /**
   * At most this many rows of A times a transposed B (Bᵀ stored N×K: Linear's weight in the forward pass) are dot
   * products of A's rows with Bᵀ's, read where they lie ({@link #rowsDotTransposed}): one example through a layer, as
   * {@code predict} and a server run it, packed Bᵀ (the whole weight) first and read it once, so the packing cost three
   * times the product (784→512: 150 µs a call, of 197 µs for the MLP's three layers).
   */
  private static final int DOT_ROWS = 4;

  /** Rows of a tile that {@link #microKernel4InPlace} computes in one call. */
  private static final int IN_PLACE_ROWS = 4;
  /** Rows of A per piece: whole panels, close to B_PIECE. */
  private static final int A_PIECE = 3 * MR;

  /** Scratch, one per thread of the team, allocated once. */
  private static final class Workspace {
    /** The B panels of one {@link #sharedA} column block, from {@link AlignedFloats#OFFSET} on. */
    final float[] b = AlignedFloats.allocate(KC * CHUNK);
    /** One MR×NR tile, rounded up to whole {@link #microKernel4InPlace} row groups (8 rows where MR is 6). */
    final float[] tile = new float[roundUp(MR, IN_PLACE_ROWS) * NR];
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
    /** A already packed by {@link #pack} (null: pack a or a16 here); then a and a16 are null. */
    float[] prepackedA;
    /** B already packed by its owner ({@link PackedB}; null: pack b or b16 here); then b and b16 are null. */
    float[] prepackedB;
    /** 16-bit A and B instead of a and b (null for float32): packing widens them, so the kernel runs unchanged. */
    short[] a16;
    short[] b16;
    DType type16;
    float beta;
    float[] c;
    int offC;
    /** The K block: at most KC, the blocks of K about equal (see blockSize). */
    int kcStep;
    /** What {@link #packed} packs at a time: all of K, M and N unless A or B would exceed its bound. */
    int kSpan;
    int mSpan;
    int nSpan;
  }

  private final WorkerTeam team;
  /** The most floats packedA and packedB each keep: PACKED, smaller in tests. */
  private final int packedFloats;
  private final Workspace[] workspaces;
  private final Operands op = new Operands();
  private final WorkerTeam.Task packed = this::packed;
  private final WorkerTeam.Task sharedA = this::sharedA;
  private final WorkerTeam.Task rowsDotTransposed = this::rowsDotTransposed;
  /**
   * A and B packed K block by K block, shared by the threads. Grown on demand up to PACKED floats each, never shrunk,
   * as a caching allocator keeps its blocks: a steady-state GEMM allocates nothing. B from {@link AlignedFloats#OFFSET}
   * on, as every array of B panels here: the micro-kernel's vector loads.
   */
  private float[] packedA = new float[A_BLOCK];
  private float[] packedB = new float[0];
  /** The next block of C for whichever thread asks first. */
  private final AtomicInteger nextBlock = new AtomicInteger();
  /** The next piece of A or B to pack. */
  private final AtomicInteger nextPiece = new AtomicInteger();

  VectorGemm(WorkerTeam team) {
    this(team, PACKED);
  }

  VectorGemm(WorkerTeam team, int packedFloats) {
    this.team = team;
    this.packedFloats = packedFloats;
    this.workspaces = new Workspace[team.threads()];
    for (int i = 0; i < workspaces.length; i++) {
      workspaces[i] = new Workspace();
    }
  }

  /** One row-major C[m×n] = alpha·op(A)·op(B) + beta·C, operands starting at the given offsets. */
  synchronized void gemm(
      boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int offA, float[] b, int offB, float beta,
      float[] c, int offC) {
    op.a16 = null;
    op.b16 = null;
    run(ta, tb, m, n, k, alpha, a, offA, b, offB, beta, c, offC);
  }

  /**
   * The same product of 16-bit A and B ({@code type}: BFLOAT16 or FLOAT16) into a float32 C. The packing widens each
   * element exactly as it copies it (it copies every element anyway), so the kernel and its float32 accumulation are
   * the float32 path's.
   */
  synchronized void gemm(
      DType type, boolean ta, boolean tb, int m, int n, int k, float alpha, short[] a, int offA, short[] b, int offB,
      float beta, float[] c, int offC) {
    op.a16 = a;
    op.b16 = b;
    op.type16 = type;
    try {
      run(ta, tb, m, n, k, alpha, null, offA, null, offB, beta, c, offC);
    } finally {
      op.a16 = null;
      op.b16 = null;
    }
  }

  /**
   * op(A) packed whole, in the layout the micro-kernel reads, for several products with the same A: a convolution's
   * weights against each sample of a batch (64×288 for the Fashion CNN's second layer: a pack of 18 K floats that every
   * sample repeated).
   */
  static final class PackedA {
    private float[] panels = new float[0];
    private int m;
    private int k;
  }

  /** Packs op(A) [m×k] into {@code into}, growing its array if it is too small. */
  synchronized void pack(boolean ta, int m, int k, float[] a, int offA, PackedA into) {
    int kcStep = blockSize(k, KC, 1);
    int mPad = roundUp(m, MR);
    if (into.panels.length < mPad * k) {
      into.panels = new float[mPad * k];
    }
    into.m = m;
    into.k = k;
    op.ta = ta;
    op.m = m;
    op.k = k;
    op.a = a;
    op.offA = offA;
    op.a16 = null;
    for (int pc = 0; pc < k; pc += kcStep) {
      packA(op, 0, m, pc, Math.min(kcStep, k - pc), into.panels, pc * mPad);
    }
    op.a = null;
  }

  /** C[m×n] = alpha·A·op(B) + beta·C for an A packed by {@link #pack} (m×k). */
  synchronized void gemm(PackedA a, boolean tb, int n, float alpha, float[] b, int offB, float beta, float[] c,
      int offC) {
    op.a16 = null;
    op.b16 = null;
    op.prepackedA = a.panels;
    try {
      run(false, tb, a.m, n, a.k, alpha, null, 0, b, offB, beta, c, offC);
    } finally {
      op.prepackedA = null;
    }
  }

  /**
   * op(B) [k×n] packed by its owner in the layout the micro-kernel reads, for a B that is cheaper to build in place
   * than to copy: a convolution's weight gradient fills it from a channels-last copy of its input, where its column
   * matrix would need a transposing pack ({@link ConvKernels}). Panels of {@link #panelWidth} columns, K in the GEMM's
   * own blocks; {@link #at} says where each step of a panel goes.
   */
  static final class PackedB {
    private float[] panels = new float[0];
    private int k;
    private int n;
    private int kcStep;
    private int nPad;

    /** Sizes it for op(B) [k×n], growing its array if it is too small; every step must then be filled. */
    void reset(int k, int n) {
      this.k = k;
      this.n = n;
      kcStep = blockSize(k, KC, 1);
      nPad = roundUp(n, NR);
      panels = AlignedFloats.atLeast(panels, nPad * k);
    }

    /** Where op(B)[p, j .. j + NR) goes, for j a multiple of NR. */
    int at(int p, int j) {
      int pc = p < kcStep ? 0 : p / kcStep * kcStep; // one K block mostly: no division a step
      return AlignedFloats.OFFSET + pc * nPad + j * Math.min(kcStep, k - pc) + (p - pc) * NR;
    }

    float[] panels() {
      return panels;
    }
  }

  /** The columns of a {@link PackedB} panel. */
  static int panelWidth() {
    return NR;
  }

  /** The rows of a micro-tile. */
  static int tileRows() {
    return MR;
  }

  /** C[m×n] = alpha·op(A)·B + beta·C for a B packed by its owner (k×n). */
  synchronized void gemm(boolean ta, int m, float alpha, float[] a, int offA, PackedB b, float beta, float[] c,
      int offC) {
    op.a16 = null;
    op.b16 = null;
    op.prepackedB = b.panels;
    try {
      run(ta, false, m, b.n, b.k, alpha, a, offA, null, 0, beta, c, offC);
    } finally {
      op.prepackedB = null;
    }
  }

  private void run(
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
    op.kcStep = blockSize(k, KC, 1);
    boolean parallel = (long) m * n * k >= PARALLEL_WORK && team.threads() > 1;
    if (k == 0) {
      scaleC(op, 0, m, 0, n);
    } else if (m <= DOT_ROWS && tb && (m == 1 || !ta) && op.prepackedA == null && op.prepackedB == null
        && op.a16 == null) {
      if (parallel) {
        team.run(rowsDotTransposed);
      } else {
        rowsDotTransposed(0, 1);
      }
    } else if ((n <= NR || m <= 2 * MR) && (long) m * n * k < PARALLEL_WORK && k <= KC && op.prepackedA == null
        && op.prepackedB == null && op.a16 == null) {
      inPlace();
    } else if (parallel && m < n && roundUp(m, MR) * k <= A_BLOCK && op.prepackedB == null) {
      team.run(sharedA);
    } else {
      long widest = Math.max(roundUp(m, MR), roundUp(n, NR));
      op.kSpan = (int) Math.min(k, Math.max(1, packedFloats / (widest * op.kcStep)) * op.kcStep);
      // A or B packed beforehand is whole: its spans are of K alone.
      op.mSpan = op.prepackedA != null ? m : Math.min(m, Math.max(MR, packedFloats / op.kSpan / MR * MR));
      op.nSpan = op.prepackedB != null ? n : Math.min(n, Math.max(NR, packedFloats / op.kSpan / NR * NR));
      if (op.prepackedA == null && packedA.length < roundUp(op.mSpan, MR) * op.kSpan) {
        packedA = new float[roundUp(op.mSpan, MR) * op.kSpan];
      }
      if (op.prepackedB == null) {
        packedB = AlignedFloats.atLeast(packedB, roundUp(op.nSpan, NR) * op.kSpan);
      }
      if (parallel) {
        team.run(packed);
      } else {
        packed(0, 1);
      }
    }
    op.a = null; // hold no caller arrays between calls
    op.b = null;
    op.c = null;
  }

  /**
   * The threads pack all of A together (see {@link #packTogether}), then take CHUNK-column blocks of C, each packing
   * its own B panels. A is packed once, where a fixed column split packed it once per thread.
   */
  private void sharedA(int part, int parts) {
    Workspace w = workspaces[part];
    int kcStep = op.kcStep;
    int mPad = roundUp(op.m, MR);
    packTogether(0, op.m, 0, 0, 0, op.k);
    team.await(); // A packed
    float[] panelsA = op.prepackedA != null ? op.prepackedA : packedA;
    int chunks = ceilDiv(op.n, CHUNK);
    for (int c; (c = nextBlock.getAndIncrement()) < chunks; ) {
      int jc = c * CHUNK;
      int nc = Math.min(CHUNK, op.n - jc);
      scaleC(op, 0, op.m, jc, jc + nc);
      for (int pc = 0; pc < op.k; pc += kcStep) {
        int kc = Math.min(kcStep, op.k - pc);
        packB(op, pc, kc, jc, nc, w.b, AlignedFloats.OFFSET);
        macroKernel(op, panelsA, pc * mPad, w.tile, w.b, AlignedFloats.OFFSET, 0, op.m, jc, nc, kc, pc == 0);
      }
    }
    team.await(); // nobody takes from the counters any more
    if (part == 0) {
      nextPiece.set(0);
      nextBlock.set(0);
    }
  }

  /**
   * C = alpha·A·Bᵀ + beta·C for at most {@link #DOT_ROWS} rows of A, as dot products of A's rows (contiguous: not
   * transposed, or one row) with Bᵀ's rows, each B row read once for every row of A; the threads take columns of C in
   * whole vectors' worth. Its sums run along K in vector lanes, so its last bits can differ from the tiled path's.
   */
  private void rowsDotTransposed(int part, int parts) {
    int m = op.m;
    int n = op.n;
    int k = op.k;
    int per = roundUp(ceilDiv(n, parts), L);
    int j0 = Math.min(n, part * per);
    int j1 = Math.min(n, j0 + per);
    int bound = S.loopBound(k);
    float[] a = op.a;
    float[] b = op.b;
    float[] c = op.c;
    for (int j = j0; j < j1; j++) {
      int bRow = op.offB + j * k;
      FloatVector s0 = FloatVector.zero(S);
      FloatVector s1 = s0;
      FloatVector s2 = s0;
      FloatVector s3 = s0;
      int p = 0;
      for (; p < bound; p += L) {
        FloatVector bv = FloatVector.fromArray(S, b, bRow + p);
        s0 = FloatVector.fromArray(S, a, op.offA + p).fma(bv, s0);
        if (m > 1) {
          s1 = FloatVector.fromArray(S, a, op.offA + k + p).fma(bv, s1);
          if (m > 2) {
            s2 = FloatVector.fromArray(S, a, op.offA + 2 * k + p).fma(bv, s2);
            if (m > 3) {
              s3 = FloatVector.fromArray(S, a, op.offA + 3 * k + p).fma(bv, s3);
            }
          }
        }
      }
      for (int i = 0; i < m; i++) {
        FloatVector si = i == 0 ? s0 : i == 1 ? s1 : i == 2 ? s2 : s3;
        float sum = si.reduceLanes(VectorOperators.ADD);
        int aRow = op.offA + i * k;
        for (int q = p; q < k; q++) {
          sum = Math.fma(a[aRow + q], b[bRow + q], sum);
        }
        int at = op.offC + i * n + j;
        c[at] = op.beta == 0 ? op.alpha * sum : op.beta * c[at] + op.alpha * sum;
      }
    }
  }

  /**
   * A product too small to share between threads, in one K block, whose packed panels would each be read once or
   * twice: one panel of columns (n ≤ NR) or two of rows (m ≤ 2·MR). The tiles read A where it lies, and B too where it
   * is stored K×N in whole panels, rather than copies, which cost as much as the arithmetic here: the MLP's output
   * layer's 128×10×256 NT spent half its time packing A for 10 columns. Where panels are read many times (128³), the
   * packed path's 8-row kernel on aligned panels is faster (docs/benchmarks.md, "The output layer's products in
   * place"). The same tiles, sums and stores as the packed path, so the same bits.
   */
  private void inPlace() {
    int m = op.m;
    int n = op.n;
    int k = op.k;
    float[] tile = workspaces[0].tile;
    boolean bInPlace = !op.tb && n % NR == 0;
    float[] panelsB = op.b;
    int bStep = n;
    if (!bInPlace) {
      packedB = AlignedFloats.atLeast(packedB, roundUp(n, NR) * k);
      packB(op, 0, k, 0, n, packedB, AlignedFloats.OFFSET);
      panelsB = packedB;
      bStep = NR;
    }
    int aRow = op.ta ? 1 : k; // between rows of op(A)
    int aStep = op.ta ? m : 1; // between its steps
    scaleC(op, 0, m, 0, n);
    boolean store = op.beta == 0;
    for (int jr = 0; jr < n; jr += NR) {
      int bOff = bInPlace ? op.offB + jr : AlignedFloats.OFFSET + jr * k;
      for (int ir = 0; ir < m; ir += MR) {
        int mr = Math.min(MR, m - ir);
        int nr = Math.min(NR, n - jr);
        if (MR == 8 && nr <= L) {
          microKernel8InPlaceNarrow(op.a, op.offA + ir * aRow, aRow, aStep, mr, panelsB, bOff, bStep, k, tile);
        } else {
          for (int r = 0; r < mr; r += IN_PLACE_ROWS) {
            microKernel4InPlace(op.a, op.offA + (ir + r) * aRow, aRow, aStep, Math.min(IN_PLACE_ROWS, mr - r),
                panelsB, bOff, bStep, k, tile, r * NR);
          }
        }
        intoC(op, tile, op.offC + ir * n + jr, mr, nr, store);
      }
    }
  }

  /**
   * The general path. The threads pack all of A and B together (pieces of one K block from a counter), then take
   * blocks of C from a counter: MC rows by up to NC columns, each through every K block while it is in cache. One
   * barrier after the packing; a block of C is one thread's from start to end, so results do not depend on the
   * number of threads. At least 4 blocks per thread where C allows, so that the last ones even out a slow core. A or
   * B too large to keep packed whole is done in spans (see PACKED).
   */
  private void packed(int part, int parts) {
    for (int m0 = 0; m0 < op.m; m0 += op.mSpan) {
      for (int n0 = 0; n0 < op.n; n0 += op.nSpan) {
        for (int k0 = 0; k0 < op.k; k0 += op.kSpan) {
          span(part, parts, m0, Math.min(op.m, m0 + op.mSpan), n0, Math.min(op.n, n0 + op.nSpan), k0,
              Math.min(op.k, k0 + op.kSpan));
        }
      }
    }
  }

  /** C[m0:m1, n0:n1] from the product over K[k0:k1], which scales C by beta if it is the first. */
  private void span(int part, int parts, int m0, int m1, int n0, int n1, int k0, int k1) {
    Workspace w = workspaces[part];
    int kcStep = op.kcStep;
    int mPad = roundUp(m1 - m0, MR);
    int nPad = roundUp(n1 - n0, NR);
    int mcStep = blockSize(m1 - m0, MC, MR);
    int rowBlocks = ceilDiv(m1 - m0, mcStep);
    int ncStep = roundUp(ceilDiv(n1 - n0, Math.max(ceilDiv(n1 - n0, NC), ceilDiv(4 * parts, rowBlocks))), NR);
    int blocks = rowBlocks * ceilDiv(n1 - n0, ncStep);
    packTogether(m0, m1, n0, n1, k0, k1);
    await(parts); // this span of A and B packed, and no one takes a piece any more
    if (part == 0) {
      nextPiece.set(0); // nobody takes a piece before the next span's first await
    }
    // Packed here, A holds this span's K blocks from 0; packed beforehand, all of K (and all of M: m0 is 0). So B.
    float[] panelsA = op.prepackedA != null ? op.prepackedA : packedA;
    int aBase = op.prepackedA != null ? k0 * mPad : 0;
    float[] panelsB = op.prepackedB != null ? op.prepackedB : packedB;
    int bBase = AlignedFloats.OFFSET + (op.prepackedB != null ? k0 * nPad : 0);
    for (int u; (u = nextBlock.getAndIncrement()) < blocks; ) {
      int i = u % rowBlocks * mcStep;
      int mc = Math.min(mcStep, m1 - m0 - i);
      int j = u / rowBlocks * ncStep;
      int nc = Math.min(ncStep, n1 - n0 - j);
      if (k0 == 0) {
        scaleC(op, m0 + i, m0 + i + mc, n0 + j, n0 + j + nc);
      }
      for (int pc = k0; pc < k1; pc += kcStep) {
        int kc = Math.min(kcStep, k1 - pc);
        macroKernel(op, panelsA, aBase + (pc - k0) * mPad + i * kc, w.tile, panelsB, bBase + (pc - k0) * nPad + j * kc,
            m0 + i, mc, n0 + j, nc, kc, pc == 0);
      }
    }
    await(parts); // every block of C done, and no one takes a block any more
    if (part == 0) {
      nextBlock.set(0); // nobody takes a block before the next span's first await, or the next call
    }
  }

  /**
   * Packs op(A)[m0:m1, k0:k1] into packedA and op(B)[k0:k1, n0:n1] into packedB, K block by K block (block pc of A at
   * (pc − k0)·mPad, of B at (pc − k0)·nPad), a piece (A_PIECE rows or B_PIECE columns of one K block) at a time from
   * the counter, so that every thread of the call packs its share.
   */
  private void packTogether(int m0, int m1, int n0, int n1, int k0, int k1) {
    int kcStep = op.kcStep;
    int mPad = roundUp(m1 - m0, MR);
    int nPad = roundUp(n1 - n0, NR);
    int kBlocks = ceilDiv(k1 - k0, kcStep);
    int aPieces = op.prepackedA != null ? 0 : ceilDiv(m1 - m0, A_PIECE);
    int bPieces = op.prepackedB != null ? 0 : ceilDiv(n1 - n0, B_PIECE);
    for (int u; (u = nextPiece.getAndIncrement()) < (aPieces + bPieces) * kBlocks; ) {
      int pc = k0 + u % kBlocks * kcStep;
      int kc = Math.min(kcStep, k1 - pc);
      int piece = u / kBlocks;
      if (piece < aPieces) {
        int i = piece * A_PIECE;
        packA(op, m0 + i, Math.min(A_PIECE, m1 - m0 - i), pc, kc, packedA, (pc - k0) * mPad + i * kc);
      } else {
        int j = (piece - aPieces) * B_PIECE;
        packB(op, pc, kc, n0 + j, Math.min(B_PIECE, n1 - n0 - j), packedB,
            AlignedFloats.OFFSET + (pc - k0) * nPad + j * kc);
      }
    }
  }

  private void await(int parts) {
    if (parts > 1) {
      team.await();
    }
  }

  /**
   * The step that cuts extent into as few blocks of at most max as possible, all about equal and a multiple of unit:
   * k = 1100 runs as 2 × 550 rather than 1024 + 76, whose 76-step block would pay a whole pass over C for little work.
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
   * C[ic:ic+mc, jc:jc+nc] += the packed A block at ap[aOff] times the packed B block at bp[bOff], or = when this is
   * the first K block of a beta = 0 product (its C is not read, so NaN in the old C never leaks in); tile is scratch.
   */
  private static void macroKernel(Operands op, float[] ap, int aOff, float[] tile, float[] bp, int bOff, int ic, int mc,
      int jc, int nc, int kc, boolean firstK) {
    boolean store = firstK && op.beta == 0;
    for (int jr = 0; jr < nc; jr += NR) {
      int nr = Math.min(NR, nc - jr);
      for (int ir = 0; ir < mc; ir += MR) {
        int mr = Math.min(MR, mc - ir);
        int cOff = op.offC + (ic + ir) * op.n + jc + jr;
        // One micro-kernel call for every tile (MR is a constant: the JIT keeps one branch), writing to scratch; small
        // methods then move the tile into C. A second call site ran C1 code that boxed every vector (for edge tiles:
        // 2 MB of garbage per MLP step), or made C2 spill the accumulators (a storing kernel beside the adding one:
        // 4–6× slower).
        if (MR == 8) {
          microKernel8(ap, aOff + ir * kc, bp, bOff + jr * kc, kc, tile);
        } else {
          microKernel6(ap, aOff + ir * kc, bp, bOff + jr * kc, kc, tile);
        }
        intoC(op, tile, cOff, mr, nr, store);
      }
    }
  }

  /**
   * C[mr×nr] at cOff = alpha·tile (store) or += alpha·tile; a whole tile in vectors, an edge tile element by element.
   */
  private static void intoC(Operands op, float[] tile, int cOff, int mr, int nr, boolean store) {
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
   * The 6×NR tile t = Ap·Bp over kc steps (MR = 6): Ap holds 6 values per step, Bp NR. Kept small and on its own so the
   * JIT compiles it as one unit with the accumulators in registers (inlined into a long method it ran 20× slower). The
   * loop counts B's index: C2 hoists the range checks of the loop variable's loads out of the loop (with B's offset
   * advanced beside a step counter, JDK 17 checked both B loads every step: 2.5–4.4% of a one-thread GEMM) and checks
   * A's six loads with two compares a step. Counting steps instead (B's index the counter times NR), JDK 25's C2
   * hoisted all six broadcasts and spilled an accumulator (see MR). Unrolled, by hand or by -XX:LoopUnrollLimit, C2
   * spills the accumulators: half speed. The closing stores cast each accumulator to the species' vector class: a loop
   * phi's type is the declared FloatVector, and JDK 17's C2 then takes the store's species from a virtual call, guarded
   * by the type profile, and in some JVMs missed the store intrinsic and ran the Java fallback lane by lane (5–9% of a
   * GEMM's JFR samples; with 8 rows the CNN's step 1.35× slower). The cast (one compare) gives C2 the exact class
   * without a profile.
   */
  private static void microKernel6(float[] ap, int aOff, float[] bp, int bOff, int kc, float[] t) {
    FloatVector zero = FloatVector.zero(S);
    FloatVector c00 = zero;
    FloatVector c01 = zero;
    FloatVector c10 = zero;
    FloatVector c11 = zero;
    FloatVector c20 = zero;
    FloatVector c21 = zero;
    FloatVector c30 = zero;
    FloatVector c31 = zero;
    FloatVector c40 = zero;
    FloatVector c41 = zero;
    FloatVector c50 = zero;
    FloatVector c51 = zero;
    int bEnd = bOff + kc * NR;
    int ai = aOff;
    for (int bi = bOff; bi < bEnd; bi += NR, ai += 6) {
      FloatVector b0 = FloatVector.fromArray(S, bp, bi);
      FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
      FloatVector a = FloatVector.broadcast(S, ap[ai]);
      c00 = a.fma(b0, c00);
      c01 = a.fma(b1, c01);
      a = FloatVector.broadcast(S, ap[ai + 1]);
      c10 = a.fma(b0, c10);
      c11 = a.fma(b1, c11);
      a = FloatVector.broadcast(S, ap[ai + 2]);
      c20 = a.fma(b0, c20);
      c21 = a.fma(b1, c21);
      a = FloatVector.broadcast(S, ap[ai + 3]);
      c30 = a.fma(b0, c30);
      c31 = a.fma(b1, c31);
      a = FloatVector.broadcast(S, ap[ai + 4]);
      c40 = a.fma(b0, c40);
      c41 = a.fma(b1, c41);
      a = FloatVector.broadcast(S, ap[ai + 5]);
      c50 = a.fma(b0, c50);
      c51 = a.fma(b1, c51);
    }
    ((FloatVector) VECTOR_CLASS.cast(c00)).intoArray(t, 0 * NR);
    ((FloatVector) VECTOR_CLASS.cast(c01)).intoArray(t, 0 * NR + L);
    ((FloatVector) VECTOR_CLASS.cast(c10)).intoArray(t, 1 * NR);
    ((FloatVector) VECTOR_CLASS.cast(c11)).intoArray(t, 1 * NR + L);
    ((FloatVector) VECTOR_CLASS.cast(c20)).intoArray(t, 2 * NR);
    ((FloatVector) VECTOR_CLASS.cast(c21)).intoArray(t, 2 * NR + L);
    ((FloatVector) VECTOR_CLASS.cast(c30)).intoArray(t, 3 * NR);
    ((FloatVector) VECTOR_CLASS.cast(c31)).intoArray(t, 3 * NR + L);
    ((FloatVector) VECTOR_CLASS.cast(c40)).intoArray(t, 4 * NR);
    ((FloatVector) VECTOR_CLASS.cast(c41)).intoArray(t, 4 * NR + L);
    ((FloatVector) VECTOR_CLASS.cast(c50)).intoArray(t, 5 * NR);
    ((FloatVector) VECTOR_CLASS.cast(c51)).intoArray(t, 5 * NR + L);
  }

  /** {@link #microKernel6} with 8 rows (MR = 8): 16 accumulators, which 512-bit vectors' 32 registers hold. */
  private static void microKernel8(float[] ap, int aOff, float[] bp, int bOff, int kc, float[] t) {
    FloatVector zero = FloatVector.zero(S);
    FloatVector c00 = zero;
    FloatVector c01 = zero;
    FloatVector c10 = zero;
    FloatVector c11 = zero;
    FloatVector c20 = zero;
    FloatVector c21 = zero;
    FloatVector c30 = zero;
    FloatVector c31 = zero;
    FloatVector c40 = zero;
    FloatVector c41 = zero;
    FloatVector c50 = zero;
    FloatVector c51 = zero;
    FloatVector c60 = zero;
    FloatVector c61 = zero;
    FloatVector c70 = zero;
    FloatVector c71 = zero;
    int bEnd = bOff + kc * NR;
    int ai = aOff;
    for (int bi = bOff; bi < bEnd; bi += NR, ai += 8) {
      FloatVector b0 = FloatVector.fromArray(S, bp, bi);
      FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
      FloatVector a = FloatVector.broadcast(S, ap[ai]);
      c00 = a.fma(b0, c00);
      c01 = a.fma(b1, c01);
      a = FloatVector.broadcast(S, ap[ai + 1]);
      c10 = a.fma(b0, c10);
      c11 = a.fma(b1, c11);
      a = FloatVector.broadcast(S, ap[ai + 2]);
      c20 = a.fma(b0, c20);
      c21 = a.fma(b1, c21);
      a = FloatVector.broadcast(S, ap[ai + 3]);
      c30 = a.fma(b0, c30);
      c31 = a.fma(b1, c31);
      a = FloatVector.broadcast(S, ap[ai + 4]);
      c40 = a.fma(b0, c40);
      c41 = a.fma(b1, c41);
      a = FloatVector.broadcast(S, ap[ai + 5]);
      c50 = a.fma(b0, c50);
      c51 = a.fma(b1, c51);
      a = FloatVector.broadcast(S, ap[ai + 6]);
      c60 = a.fma(b0, c60);
      c61 = a.fma(b1, c61);
      a = FloatVector.broadcast(S, ap[ai + 7]);
      c70 = a.fma(b0, c70);
      c71 = a.fma(b1, c71);
    }
    ((FloatVector) VECTOR_CLASS.cast(c00)).intoArray(t, 0 * NR);
    ((FloatVector) VECTOR_CLASS.cast(c01)).intoArray(t, 0 * NR + L);
    ((FloatVector) VECTOR_CLASS.cast(c10)).intoArray(t, 1 * NR);
    ((FloatVector) VECTOR_CLASS.cast(c11)).intoArray(t, 1 * NR + L);
    ((FloatVector) VECTOR_CLASS.cast(c20)).intoArray(t, 2 * NR);
    ((FloatVector) VECTOR_CLASS.cast(c21)).intoArray(t, 2 * NR + L);
    ((FloatVector) VECTOR_CLASS.cast(c30)).intoArray(t, 3 * NR);
    ((FloatVector) VECTOR_CLASS.cast(c31)).intoArray(t, 3 * NR + L);
    ((FloatVector) VECTOR_CLASS.cast(c40)).intoArray(t, 4 * NR);
    ((FloatVector) VECTOR_CLASS.cast(c41)).intoArray(t, 4 * NR + L);
    ((FloatVector) VECTOR_CLASS.cast(c50)).intoArray(t, 5 * NR);
    ((FloatVector) VECTOR_CLASS.cast(c51)).intoArray(t, 5 * NR + L);
    ((FloatVector) VECTOR_CLASS.cast(c60)).intoArray(t, 6 * NR);
    ((FloatVector) VECTOR_CLASS.cast(c61)).intoArray(t, 6 * NR + L);
    ((FloatVector) VECTOR_CLASS.cast(c70)).intoArray(t, 7 * NR);
    ((FloatVector) VECTOR_CLASS.cast(c71)).intoArray(t, 7 * NR + L);
  }

  /**
   * Rows tOff/NR .. +4 of a tile, t = op(A)·op(B) over kc steps, from operands where they lie: row r of op(A) step p at
   * a[aOff + r·aRow + p·aStep], step p of B's two vectors at b[bOff + p·bStep]. The same fused multiply-adds in the
   * same order as {@link #microKernel8}'s, so the same sums. Four rows, 8 accumulators: the strides are not constants,
   * so every load keeps its range check, and 4 broadcasts a step with 8 FMAs still leave the FMAs the bound. Fewer
   * than 4 rows (an edge) repeat the last one ({@link #rowOf}).
   */
  private static void microKernel4InPlace(float[] a, int aOff, int aRow, int aStep, int rows, float[] b, int bOff,
      int bStep, int kc, float[] t, int tOff) {
    int a0 = rowOf(aOff, 0, rows, aRow);
    int a1 = rowOf(aOff, 1, rows, aRow);
    int a2 = rowOf(aOff, 2, rows, aRow);
    int a3 = rowOf(aOff, 3, rows, aRow);
    FloatVector zero = FloatVector.zero(S);
    FloatVector c00 = zero;
    FloatVector c01 = zero;
    FloatVector c10 = zero;
    FloatVector c11 = zero;
    FloatVector c20 = zero;
    FloatVector c21 = zero;
    FloatVector c30 = zero;
    FloatVector c31 = zero;
    int ai = 0;
    int bi = bOff;
    for (int p = 0; p < kc; p++, ai += aStep, bi += bStep) {
      FloatVector b0 = FloatVector.fromArray(S, b, bi);
      FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
      FloatVector x = FloatVector.broadcast(S, a[a0 + ai]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      x = FloatVector.broadcast(S, a[a1 + ai]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      x = FloatVector.broadcast(S, a[a2 + ai]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      x = FloatVector.broadcast(S, a[a3 + ai]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
    }
    ((FloatVector) VECTOR_CLASS.cast(c00)).intoArray(t, tOff);
    ((FloatVector) VECTOR_CLASS.cast(c01)).intoArray(t, tOff + L);
    ((FloatVector) VECTOR_CLASS.cast(c10)).intoArray(t, tOff + NR);
    ((FloatVector) VECTOR_CLASS.cast(c11)).intoArray(t, tOff + NR + L);
    ((FloatVector) VECTOR_CLASS.cast(c20)).intoArray(t, tOff + 2 * NR);
    ((FloatVector) VECTOR_CLASS.cast(c21)).intoArray(t, tOff + 2 * NR + L);
    ((FloatVector) VECTOR_CLASS.cast(c30)).intoArray(t, tOff + 3 * NR);
    ((FloatVector) VECTOR_CLASS.cast(c31)).intoArray(t, tOff + 3 * NR + L);
  }

  /**
   * {@link #microKernel4InPlace} for a panel whose columns fit one vector (the MLP's 10 classes): 8 rows × 1 vector,
   * 8 accumulators, where two vectors of 4 rows would spend half their multiply-adds on padding. The tile's first
   * vector of each row is written.
   */
  private static void microKernel8InPlaceNarrow(float[] a, int aOff, int aRow, int aStep, int rows, float[] b,
      int bOff, int bStep, int kc, float[] t) {
    int a0 = rowOf(aOff, 0, rows, aRow);
    int a1 = rowOf(aOff, 1, rows, aRow);
    int a2 = rowOf(aOff, 2, rows, aRow);
    int a3 = rowOf(aOff, 3, rows, aRow);
    int a4 = rowOf(aOff, 4, rows, aRow);
    int a5 = rowOf(aOff, 5, rows, aRow);
    int a6 = rowOf(aOff, 6, rows, aRow);
    int a7 = rowOf(aOff, 7, rows, aRow);
    FloatVector zero = FloatVector.zero(S);
    FloatVector c0 = zero;
    FloatVector c1 = zero;
    FloatVector c2 = zero;
    FloatVector c3 = zero;
    FloatVector c4 = zero;
    FloatVector c5 = zero;
    FloatVector c6 = zero;
    FloatVector c7 = zero;
    int ai = 0;
    int bi = bOff;
    for (int p = 0; p < kc; p++, ai += aStep, bi += bStep) {
      FloatVector b0 = FloatVector.fromArray(S, b, bi);
      c0 = FloatVector.broadcast(S, a[a0 + ai]).fma(b0, c0);
      c1 = FloatVector.broadcast(S, a[a1 + ai]).fma(b0, c1);
      c2 = FloatVector.broadcast(S, a[a2 + ai]).fma(b0, c2);
      c3 = FloatVector.broadcast(S, a[a3 + ai]).fma(b0, c3);
      c4 = FloatVector.broadcast(S, a[a4 + ai]).fma(b0, c4);
      c5 = FloatVector.broadcast(S, a[a5 + ai]).fma(b0, c5);
      c6 = FloatVector.broadcast(S, a[a6 + ai]).fma(b0, c6);
      c7 = FloatVector.broadcast(S, a[a7 + ai]).fma(b0, c7);
    }
    ((FloatVector) VECTOR_CLASS.cast(c0)).intoArray(t, 0);
    ((FloatVector) VECTOR_CLASS.cast(c1)).intoArray(t, NR);
    ((FloatVector) VECTOR_CLASS.cast(c2)).intoArray(t, 2 * NR);
    ((FloatVector) VECTOR_CLASS.cast(c3)).intoArray(t, 3 * NR);
    ((FloatVector) VECTOR_CLASS.cast(c4)).intoArray(t, 4 * NR);
    ((FloatVector) VECTOR_CLASS.cast(c5)).intoArray(t, 5 * NR);
    ((FloatVector) VECTOR_CLASS.cast(c6)).intoArray(t, 6 * NR);
    ((FloatVector) VECTOR_CLASS.cast(c7)).intoArray(t, 7 * NR);
  }

  /**
   * Where row r of an in-place kernel's A starts: rows past an edge tile's last ({@code rows}) repeat it, so that no
   * index passes op(A)'s end (their sums are never stored).
   */
  private static int rowOf(int aOff, int r, int rows, int aRow) {
    return aOff + Math.min(r, rows - 1) * aRow;
  }

  /**
   * Packs op(A)[ic:ic+mc, pc:pc+kc] into dst from dstOff on as MR-row panels, each laid out step by step (MR values
   * per k), zero-padded. Each loop order reads A along its rows: A by rows of op(A), Aᵀ (stored K×M) by steps.
   */
  private static void packA(Operands op, int ic, int mc, int pc, int kc, float[] dst, int dstOff) {
    if (op.a16 != null) {
      packA16(op, ic, mc, pc, kc, dst, dstOff);
      return;
    }
    for (int ir = 0; ir < mc; ir += MR) {
      int base = dstOff + ir * kc;
      int mr = Math.min(MR, mc - ir);
      if (!op.ta) {
        int src = op.offA + (ic + ir) * op.k + pc;
        int p0 = 0;
        if (MR == 8 && mr == MR) {
          // A whole panel of 512-bit vectors: 16 steps at a time through registers (see interleave8).
          for (; p0 + L <= kc; p0 += L) {
            interleave8(op.a, src + p0, op.k, dst, base + p0 * MR);
          }
        }
        for (int r = 0; r < mr; r++) {
          for (int p = p0; p < kc; p++) {
            dst[base + p * MR + r] = op.a[src + r * op.k + p];
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
    if (op.b16 != null) {
      packB16(op, pc, kc, jc, nc, dst, dstOff);
      return;
    }
    for (int jr = 0; jr < nc; jr += NR) {
      int base = dstOff + jr * kc;
      int nr = Math.min(NR, nc - jr);
      if (!op.tb && nr == NR) {
        // Two vector copies a step: System.arraycopy of 16 floats ran at half their speed (its call costs more than
        // the copy at this length), and the MLP's NN and TN products pack B every call.
        int src = op.offB + pc * op.n + jc + jr;
        for (int p = 0; p < kc; p++) {
          FloatVector.fromArray(S, op.b, src + p * op.n).intoArray(dst, base + p * NR);
          FloatVector.fromArray(S, op.b, src + p * op.n + L).intoArray(dst, base + p * NR + L);
        }
      } else if (!op.tb) {
        for (int p = 0; p < kc; p++) {
          System.arraycopy(op.b, op.offB + (pc + p) * op.n + jc + jr, dst, base + p * NR, nr);
        }
      } else if (nr == NR && (L == 16 || L == 8)) {
        // op(B)[p, j] is B[j, p] when B is stored transposed (N×K): L×L blocks, each half of the panel, in
        // registers; the steps past the last whole block one by one.
        int src = op.offB + (jc + jr) * op.k + pc;
        int p = 0;
        for (; p + L <= kc; p += L) {
          if (L == 16) {
            transpose16(op.b, src + p, op.k, dst, base + p * NR, NR);
            transpose16(op.b, src + L * op.k + p, op.k, dst, base + p * NR + L, NR);
          } else {
            transpose8(op.b, src + p, op.k, dst, base + p * NR, NR);
            transpose8(op.b, src + L * op.k + p, op.k, dst, base + p * NR + L, NR);
          }
        }
        for (; p < kc; p++) {
          for (int j = 0; j < NR; j++) {
            dst[base + p * NR + j] = op.b[src + j * op.k + p];
          }
        }
      } else {
        for (int p0 = 0; p0 < kc; p0 += TRANSPOSE_STEPS) {
          int p1 = Math.min(kc, p0 + TRANSPOSE_STEPS);
          for (int j = 0; j < nr; j++) {
            // op(B)[p, j] is B[j, p] when B is stored transposed (N×K).
            int src = op.offB + (jc + jr + j) * op.k + pc;
            for (int p = p0; p < p1; p++) {
              dst[base + p * NR + j] = op.b[src + p];
            }
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

  /**
   * dst[d + p·ldDst + r] = b[src + r·ld + p] for r, p &lt; 16 (L = 16): sixteen rows of a stored Bᵀ loaded as vectors
   * and transposed in registers, in four butterfly stages. Stage h pairs rows i and i + h (bit h of i clear) and swaps
   * their off-diagonal h×h blocks: row i takes row i + h's lanes c ^ h where bit h of c is set, row i + h takes row i's
   * lanes c ^ h where it is clear. Each output a permute and a blend (one shuffle over two vectors ran at a third of
   * the scalar copy's speed on JDK 17: not intrinsified). Written out stage by stage, as {@link #transpose8} is: the
   * vectors stay in locals, since an array of them, or a helper taking two and returning one, can leave them boxed.
   */
  static void transpose16(float[] b, int src, int ld, float[] dst, int d, int ldDst) {
    FloatVector v0 = FloatVector.fromArray(S, b, src + 0 * ld);
    FloatVector v1 = FloatVector.fromArray(S, b, src + 1 * ld);
    FloatVector v2 = FloatVector.fromArray(S, b, src + 2 * ld);
    FloatVector v3 = FloatVector.fromArray(S, b, src + 3 * ld);
    FloatVector v4 = FloatVector.fromArray(S, b, src + 4 * ld);
    FloatVector v5 = FloatVector.fromArray(S, b, src + 5 * ld);
    FloatVector v6 = FloatVector.fromArray(S, b, src + 6 * ld);
    FloatVector v7 = FloatVector.fromArray(S, b, src + 7 * ld);
    FloatVector v8 = FloatVector.fromArray(S, b, src + 8 * ld);
    FloatVector v9 = FloatVector.fromArray(S, b, src + 9 * ld);
    FloatVector v10 = FloatVector.fromArray(S, b, src + 10 * ld);
    FloatVector v11 = FloatVector.fromArray(S, b, src + 11 * ld);
    FloatVector v12 = FloatVector.fromArray(S, b, src + 12 * ld);
    FloatVector v13 = FloatVector.fromArray(S, b, src + 13 * ld);
    FloatVector v14 = FloatVector.fromArray(S, b, src + 14 * ld);
    FloatVector v15 = FloatVector.fromArray(S, b, src + 15 * ld);
    FloatVector a0 = v0.blend(v8.rearrange(SWAP8), SET8);
    FloatVector a8 = v8.blend(v0.rearrange(SWAP8), CLEAR8);
    FloatVector a1 = v1.blend(v9.rearrange(SWAP8), SET8);
    FloatVector a9 = v9.blend(v1.rearrange(SWAP8), CLEAR8);
    FloatVector a2 = v2.blend(v10.rearrange(SWAP8), SET8);
    FloatVector a10 = v10.blend(v2.rearrange(SWAP8), CLEAR8);
    FloatVector a3 = v3.blend(v11.rearrange(SWAP8), SET8);
    FloatVector a11 = v11.blend(v3.rearrange(SWAP8), CLEAR8);
    FloatVector a4 = v4.blend(v12.rearrange(SWAP8), SET8);
    FloatVector a12 = v12.blend(v4.rearrange(SWAP8), CLEAR8);
    FloatVector a5 = v5.blend(v13.rearrange(SWAP8), SET8);
    FloatVector a13 = v13.blend(v5.rearrange(SWAP8), CLEAR8);
    FloatVector a6 = v6.blend(v14.rearrange(SWAP8), SET8);
    FloatVector a14 = v14.blend(v6.rearrange(SWAP8), CLEAR8);
    FloatVector a7 = v7.blend(v15.rearrange(SWAP8), SET8);
    FloatVector a15 = v15.blend(v7.rearrange(SWAP8), CLEAR8);
    FloatVector b0 = a0.blend(a4.rearrange(SWAP4), SET4);
    FloatVector b4 = a4.blend(a0.rearrange(SWAP4), CLEAR4);
    FloatVector b1 = a1.blend(a5.rearrange(SWAP4), SET4);
    FloatVector b5 = a5.blend(a1.rearrange(SWAP4), CLEAR4);
    FloatVector b2 = a2.blend(a6.rearrange(SWAP4), SET4);
    FloatVector b6 = a6.blend(a2.rearrange(SWAP4), CLEAR4);
    FloatVector b3 = a3.blend(a7.rearrange(SWAP4), SET4);
    FloatVector b7 = a7.blend(a3.rearrange(SWAP4), CLEAR4);
    FloatVector b8 = a8.blend(a12.rearrange(SWAP4), SET4);
    FloatVector b12 = a12.blend(a8.rearrange(SWAP4), CLEAR4);
    FloatVector b9 = a9.blend(a13.rearrange(SWAP4), SET4);
    FloatVector b13 = a13.blend(a9.rearrange(SWAP4), CLEAR4);
    FloatVector b10 = a10.blend(a14.rearrange(SWAP4), SET4);
    FloatVector b14 = a14.blend(a10.rearrange(SWAP4), CLEAR4);
    FloatVector b11 = a11.blend(a15.rearrange(SWAP4), SET4);
    FloatVector b15 = a15.blend(a11.rearrange(SWAP4), CLEAR4);
    FloatVector c0 = b0.blend(b2.rearrange(SWAP2), SET2);
    FloatVector c2 = b2.blend(b0.rearrange(SWAP2), CLEAR2);
    FloatVector c1 = b1.blend(b3.rearrange(SWAP2), SET2);
    FloatVector c3 = b3.blend(b1.rearrange(SWAP2), CLEAR2);
    FloatVector c4 = b4.blend(b6.rearrange(SWAP2), SET2);
    FloatVector c6 = b6.blend(b4.rearrange(SWAP2), CLEAR2);
    FloatVector c5 = b5.blend(b7.rearrange(SWAP2), SET2);
    FloatVector c7 = b7.blend(b5.rearrange(SWAP2), CLEAR2);
    FloatVector c8 = b8.blend(b10.rearrange(SWAP2), SET2);
    FloatVector c10 = b10.blend(b8.rearrange(SWAP2), CLEAR2);
    FloatVector c9 = b9.blend(b11.rearrange(SWAP2), SET2);
    FloatVector c11 = b11.blend(b9.rearrange(SWAP2), CLEAR2);
    FloatVector c12 = b12.blend(b14.rearrange(SWAP2), SET2);
    FloatVector c14 = b14.blend(b12.rearrange(SWAP2), CLEAR2);
    FloatVector c13 = b13.blend(b15.rearrange(SWAP2), SET2);
    FloatVector c15 = b15.blend(b13.rearrange(SWAP2), CLEAR2);
    FloatVector e0 = c0.blend(c1.rearrange(SWAP1), SET1);
    FloatVector e1 = c1.blend(c0.rearrange(SWAP1), CLEAR1);
    FloatVector e2 = c2.blend(c3.rearrange(SWAP1), SET1);
    FloatVector e3 = c3.blend(c2.rearrange(SWAP1), CLEAR1);
    FloatVector e4 = c4.blend(c5.rearrange(SWAP1), SET1);
    FloatVector e5 = c5.blend(c4.rearrange(SWAP1), CLEAR1);
    FloatVector e6 = c6.blend(c7.rearrange(SWAP1), SET1);
    FloatVector e7 = c7.blend(c6.rearrange(SWAP1), CLEAR1);
    FloatVector e8 = c8.blend(c9.rearrange(SWAP1), SET1);
    FloatVector e9 = c9.blend(c8.rearrange(SWAP1), CLEAR1);
    FloatVector e10 = c10.blend(c11.rearrange(SWAP1), SET1);
    FloatVector e11 = c11.blend(c10.rearrange(SWAP1), CLEAR1);
    FloatVector e12 = c12.blend(c13.rearrange(SWAP1), SET1);
    FloatVector e13 = c13.blend(c12.rearrange(SWAP1), CLEAR1);
    FloatVector e14 = c14.blend(c15.rearrange(SWAP1), SET1);
    FloatVector e15 = c15.blend(c14.rearrange(SWAP1), CLEAR1);
    e0.intoArray(dst, d + 0 * ldDst);
    e1.intoArray(dst, d + 1 * ldDst);
    e2.intoArray(dst, d + 2 * ldDst);
    e3.intoArray(dst, d + 3 * ldDst);
    e4.intoArray(dst, d + 4 * ldDst);
    e5.intoArray(dst, d + 5 * ldDst);
    e6.intoArray(dst, d + 6 * ldDst);
    e7.intoArray(dst, d + 7 * ldDst);
    e8.intoArray(dst, d + 8 * ldDst);
    e9.intoArray(dst, d + 9 * ldDst);
    e10.intoArray(dst, d + 10 * ldDst);
    e11.intoArray(dst, d + 11 * ldDst);
    e12.intoArray(dst, d + 12 * ldDst);
    e13.intoArray(dst, d + 13 * ldDst);
    e14.intoArray(dst, d + 14 * ldDst);
    e15.intoArray(dst, d + 15 * ldDst);
  }

  /** {@link #transpose16} for 256-bit vectors (L = 8): an 8×8 block in three stages. */
  static void transpose8(float[] b, int src, int ld, float[] dst, int d, int ldDst) {
    FloatVector v0 = FloatVector.fromArray(S, b, src + 0 * ld);
    FloatVector v1 = FloatVector.fromArray(S, b, src + 1 * ld);
    FloatVector v2 = FloatVector.fromArray(S, b, src + 2 * ld);
    FloatVector v3 = FloatVector.fromArray(S, b, src + 3 * ld);
    FloatVector v4 = FloatVector.fromArray(S, b, src + 4 * ld);
    FloatVector v5 = FloatVector.fromArray(S, b, src + 5 * ld);
    FloatVector v6 = FloatVector.fromArray(S, b, src + 6 * ld);
    FloatVector v7 = FloatVector.fromArray(S, b, src + 7 * ld);
    FloatVector a0 = v0.blend(v4.rearrange(SWAP4), SET4);
    FloatVector a4 = v4.blend(v0.rearrange(SWAP4), CLEAR4);
    FloatVector a1 = v1.blend(v5.rearrange(SWAP4), SET4);
    FloatVector a5 = v5.blend(v1.rearrange(SWAP4), CLEAR4);
    FloatVector a2 = v2.blend(v6.rearrange(SWAP4), SET4);
    FloatVector a6 = v6.blend(v2.rearrange(SWAP4), CLEAR4);
    FloatVector a3 = v3.blend(v7.rearrange(SWAP4), SET4);
    FloatVector a7 = v7.blend(v3.rearrange(SWAP4), CLEAR4);
    FloatVector c0 = a0.blend(a2.rearrange(SWAP2), SET2);
    FloatVector c2 = a2.blend(a0.rearrange(SWAP2), CLEAR2);
    FloatVector c1 = a1.blend(a3.rearrange(SWAP2), SET2);
    FloatVector c3 = a3.blend(a1.rearrange(SWAP2), CLEAR2);
    FloatVector c4 = a4.blend(a6.rearrange(SWAP2), SET2);
    FloatVector c6 = a6.blend(a4.rearrange(SWAP2), CLEAR2);
    FloatVector c5 = a5.blend(a7.rearrange(SWAP2), SET2);
    FloatVector c7 = a7.blend(a5.rearrange(SWAP2), CLEAR2);
    FloatVector e0 = c0.blend(c1.rearrange(SWAP1), SET1);
    FloatVector e1 = c1.blend(c0.rearrange(SWAP1), CLEAR1);
    FloatVector e2 = c2.blend(c3.rearrange(SWAP1), SET1);
    FloatVector e3 = c3.blend(c2.rearrange(SWAP1), CLEAR1);
    FloatVector e4 = c4.blend(c5.rearrange(SWAP1), SET1);
    FloatVector e5 = c5.blend(c4.rearrange(SWAP1), CLEAR1);
    FloatVector e6 = c6.blend(c7.rearrange(SWAP1), SET1);
    FloatVector e7 = c7.blend(c6.rearrange(SWAP1), CLEAR1);
    e0.intoArray(dst, d + 0 * ldDst);
    e1.intoArray(dst, d + 1 * ldDst);
    e2.intoArray(dst, d + 2 * ldDst);
    e3.intoArray(dst, d + 3 * ldDst);
    e4.intoArray(dst, d + 4 * ldDst);
    e5.intoArray(dst, d + 5 * ldDst);
    e6.intoArray(dst, d + 6 * ldDst);
    e7.intoArray(dst, d + 7 * ldDst);
  }

  /**
   * dst[d + p·8 + r] = a[src + r·ld + p] for r &lt; 8, p &lt; 16 (L = 16): 16 steps of an 8-row A panel, as 8 vectors
   * each holding two steps. Viewed as bits, row r (the vector) and step p = 2m + s (the lane) go to vector m and lane
   * 8s + r: three butterfly stages (as {@link #transpose16}'s) exchange r's bits with m's, leaving lane 8·r2 + 4·r1 +
   * 2·r0 + s, and one permute per vector puts s on top. Element by element the pack ran two memory operations a float,
   * about 5% of a 2048³ product's time on two threads.
   */
  static void interleave8(float[] a, int src, int ld, float[] dst, int d) {
    FloatVector v0 = FloatVector.fromArray(S, a, src);
    FloatVector v1 = FloatVector.fromArray(S, a, src + ld);
    FloatVector v2 = FloatVector.fromArray(S, a, src + 2 * ld);
    FloatVector v3 = FloatVector.fromArray(S, a, src + 3 * ld);
    FloatVector v4 = FloatVector.fromArray(S, a, src + 4 * ld);
    FloatVector v5 = FloatVector.fromArray(S, a, src + 5 * ld);
    FloatVector v6 = FloatVector.fromArray(S, a, src + 6 * ld);
    FloatVector v7 = FloatVector.fromArray(S, a, src + 7 * ld);
    // r0 with m0 (lane bit 1)
    FloatVector a0 = v0.blend(v1.rearrange(SWAP2), SET2);
    FloatVector a1 = v1.blend(v0.rearrange(SWAP2), CLEAR2);
    FloatVector a2 = v2.blend(v3.rearrange(SWAP2), SET2);
    FloatVector a3 = v3.blend(v2.rearrange(SWAP2), CLEAR2);
    FloatVector a4 = v4.blend(v5.rearrange(SWAP2), SET2);
    FloatVector a5 = v5.blend(v4.rearrange(SWAP2), CLEAR2);
    FloatVector a6 = v6.blend(v7.rearrange(SWAP2), SET2);
    FloatVector a7 = v7.blend(v6.rearrange(SWAP2), CLEAR2);
    // r1 with m1 (lane bit 2)
    FloatVector b0 = a0.blend(a2.rearrange(SWAP4), SET4);
    FloatVector b2 = a2.blend(a0.rearrange(SWAP4), CLEAR4);
    FloatVector b1 = a1.blend(a3.rearrange(SWAP4), SET4);
    FloatVector b3 = a3.blend(a1.rearrange(SWAP4), CLEAR4);
    FloatVector b4 = a4.blend(a6.rearrange(SWAP4), SET4);
    FloatVector b6 = a6.blend(a4.rearrange(SWAP4), CLEAR4);
    FloatVector b5 = a5.blend(a7.rearrange(SWAP4), SET4);
    FloatVector b7 = a7.blend(a5.rearrange(SWAP4), CLEAR4);
    // r2 with m2 (lane bit 3)
    FloatVector c0 = b0.blend(b4.rearrange(SWAP8), SET8);
    FloatVector c4 = b4.blend(b0.rearrange(SWAP8), CLEAR8);
    FloatVector c1 = b1.blend(b5.rearrange(SWAP8), SET8);
    FloatVector c5 = b5.blend(b1.rearrange(SWAP8), CLEAR8);
    FloatVector c2 = b2.blend(b6.rearrange(SWAP8), SET8);
    FloatVector c6 = b6.blend(b2.rearrange(SWAP8), CLEAR8);
    FloatVector c3 = b3.blend(b7.rearrange(SWAP8), SET8);
    FloatVector c7 = b7.blend(b3.rearrange(SWAP8), CLEAR8);
    c0.rearrange(STEP_ON_TOP).intoArray(dst, d);
    c1.rearrange(STEP_ON_TOP).intoArray(dst, d + L);
    c2.rearrange(STEP_ON_TOP).intoArray(dst, d + 2 * L);
    c3.rearrange(STEP_ON_TOP).intoArray(dst, d + 3 * L);
    c4.rearrange(STEP_ON_TOP).intoArray(dst, d + 4 * L);
    c5.rearrange(STEP_ON_TOP).intoArray(dst, d + 5 * L);
    c6.rearrange(STEP_ON_TOP).intoArray(dst, d + 6 * L);
    c7.rearrange(STEP_ON_TOP).intoArray(dst, d + 7 * L);
  }

  /**
   * dst[dOff + j·rows + i] = x[off + i·cols + j] for a rows×cols matrix: L×L blocks in registers ({@link #transpose16},
   * {@link #transpose8}) where vectors are 512 or 256 bits, the edges and narrower vectors element by element.
   */
  static void transpose(float[] x, int off, int rows, int cols, float[] dst, int dOff) {
    boolean blocks = L == 16 || L == 8;
    int rowsInBlocks = blocks ? rows / L * L : 0;
    int colsInBlocks = blocks ? cols / L * L : 0;
    for (int i = 0; i < rowsInBlocks; i += L) {
      for (int j = 0; j < colsInBlocks; j += L) {
        if (L == 16) {
          transpose16(x, off + i * cols + j, cols, dst, dOff + j * rows + i, rows);
        } else {
          transpose8(x, off + i * cols + j, cols, dst, dOff + j * rows + i, rows);
        }
      }
      for (int r = i; r < i + L; r++) {
        for (int j = colsInBlocks; j < cols; j++) {
          dst[dOff + j * rows + r] = x[off + r * cols + j];
        }
      }
    }
    for (int i = rowsInBlocks; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        dst[dOff + j * rows + i] = x[off + i * cols + j];
      }
    }
  }

  /** The lanes c of a vector whose bit h is set, as a mask's bits. */
  private static long lanesWithBit(int h) {
    long bits = 0;
    for (int c = 0; c < L; c++) {
      if ((c & h) != 0) {
        bits |= 1L << c;
      }
    }
    return bits;
  }

  /**
   * {@link #packA} of a 16-bit A, widening each element as it is copied: the same loop orders, each reading A along
   * its rows.
   */
  private static void packA16(Operands op, int ic, int mc, int pc, int kc, float[] dst, int dstOff) {
    boolean bf16 = op.type16 == DType.BFLOAT16;
    short[] a = op.a16;
    for (int ir = 0; ir < mc; ir += MR) {
      int base = dstOff + ir * kc;
      int mr = Math.min(MR, mc - ir);
      if (!op.ta) {
        for (int r = 0; r < mr; r++) {
          int src = op.offA + (ic + ir + r) * op.k + pc;
          for (int p = 0; p < kc; p++) {
            dst[base + p * MR + r] = widen(a[src + p], bf16);
          }
        }
      } else {
        for (int p = 0; p < kc; p++) {
          // op(A)[i, p] is A[p, i] when A is stored transposed (K×M).
          int src = op.offA + (pc + p) * op.m + ic + ir;
          for (int r = 0; r < mr; r++) {
            dst[base + p * MR + r] = widen(a[src + r], bf16);
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
   * {@link #packB} of a 16-bit B, widening each element as it is copied: a step of an NR-column panel is a row of B,
   * widened by {@link VectorReducedFloats#widen} (a vector at a time, as the float32 path's two vector copies).
   */
  private static void packB16(Operands op, int pc, int kc, int jc, int nc, float[] dst, int dstOff) {
    boolean bf16 = op.type16 == DType.BFLOAT16;
    short[] b = op.b16;
    for (int jr = 0; jr < nc; jr += NR) {
      int base = dstOff + jr * kc;
      int nr = Math.min(NR, nc - jr);
      if (!op.tb) {
        int src = op.offB + pc * op.n + jc + jr;
        for (int p = 0; p < kc; p++) {
          VectorReducedFloats.widen(op.type16, b, src + p * op.n, dst, base + p * NR, nr);
        }
      } else {
        for (int p0 = 0; p0 < kc; p0 += TRANSPOSE_STEPS) {
          int p1 = Math.min(kc, p0 + TRANSPOSE_STEPS);
          for (int j = 0; j < nr; j++) {
            // op(B)[p, j] is B[j, p] when B is stored transposed (N×K).
            int src = op.offB + (jc + jr + j) * op.k + pc;
            for (int p = p0; p < p1; p++) {
              dst[base + p * NR + j] = widen(b[src + p], bf16);
            }
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

  private static float widen(short bits, boolean bf16) {
    return bf16 ? Float.intBitsToFloat(bits << 16) : ReducedFloats.fromFloat16(bits);
  }
}
