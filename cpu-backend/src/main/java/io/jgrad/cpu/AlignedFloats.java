package io.jgrad.cpu;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;

/**
 * Float arrays whose element {@link #OFFSET} starts a 64-byte cache line, for the GEMM's packed B panels: the
 * micro-kernel loads them 64 bytes at a time, and a load that straddles two lines costs two. Java gives no array
 * addresses, but HotSpot's G1 collector allocates an array of half a heap region or more ("humongous") at the start of
 * a region of its own, and moves it, if ever, only to another region's start: its elements begin one array header
 * past a region boundary, 16 bytes with compressed class pointers and 12 with compact object headers. So an array is
 * padded to that size where it is smaller (if half a region is at most {@link #MAX_PADDED_BYTES}) and used from
 * element OFFSET on. Where the collector is not G1, the header's size is not known, or jdk.management is absent, OFFSET is 0
 * and no array is padded: the panels then fall where the heap puts them, as before, which is slower and never wrong.
 * The 128×512×784 forward product of the MLP on two cores of an AVX-512 Xeon: 211–215 GFLOP/s at the other offsets,
 * 226–230 at this one (JDK 17); 227–229 and 253 on JDK 25; with compact object headers 227 and 244 at OFFSET 13.
 */
final class AlignedFloats {
  /** The element that starts a cache line in an array from {@link #allocate}; 0 where unknown. */
  static final int OFFSET;
  /** Floats that make an array humongous, or 0 where arrays are not padded (G1's regions too large, or unknown). */
  private static final int HUMONGOUS_FLOATS;
  /** The most a padded array may take: half a region of a large heap (16 MB regions and up) is not spent on it. */
  static final int MAX_PADDED_BYTES = 4 << 20;
  private static final int LINE = 64;

  static {
    int[] layout = Layout.read();
    OFFSET = layout[0];
    HUMONGOUS_FLOATS = layout[1];
  }

  private AlignedFloats() {}

  /** An array of at least {@code floats} + {@link #OFFSET} elements, padded to humongous size where that is known. */
  static float[] allocate(int floats) {
    return new float[Math.max(floats + OFFSET, HUMONGOUS_FLOATS)];
  }

  /** {@code current} if it holds {@code floats} from {@link #OFFSET} on, else a new array from {@link #allocate}. */
  static float[] atLeast(float[] current, int floats) {
    return current.length >= OFFSET + floats ? current : allocate(floats);
  }

  /** Reads the VM's options, touching jdk.management only where the boot layer has it. */
  private static final class Layout {
    private static final int[] UNKNOWN = {0, 0};

    static int[] read() {
      if (ModuleLayer.boot().findModule("jdk.management").isEmpty()) {
        return UNKNOWN;
      }
      try {
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        if (vm == null || !flag(vm, "UseG1GC")) {
          return UNKNOWN;
        }
        int header = flag(vm, "UseCompactObjectHeaders") ? 12 : flag(vm, "UseCompressedClassPointers") ? 16 : -1;
        long region = Long.parseLong(vm.getVMOption("G1HeapRegionSize").getValue());
        if (header < 0 || region < 2 * LINE) {
          return UNKNOWN;
        }
        // Half a region in elements past the header: the array object is then larger than half a region. With large
        // regions only the arrays that are that large anyway start on a line.
        int humongous = region / 2 > MAX_PADDED_BYTES ? 0 : (int) (region / 2 / Float.BYTES);
        return new int[] {(LINE - header) / Float.BYTES, humongous};
      } catch (RuntimeException | LinkageError e) {
        return UNKNOWN; // not HotSpot, or an option it does not have under this name
      }
    }

    /** A boolean option's value; false where this VM has no such option (UseCompactObjectHeaders before JDK 24). */
    private static boolean flag(HotSpotDiagnosticMXBean vm, String name) {
      try {
        VMOption option = vm.getVMOption(name);
        return Boolean.parseBoolean(option.getValue());
      } catch (IllegalArgumentException e) {
        return false;
      }
    }
  }
}
