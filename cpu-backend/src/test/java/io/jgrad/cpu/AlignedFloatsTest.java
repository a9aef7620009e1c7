package io.jgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.testing.ChildJvm;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What {@link AlignedFloats} decides from the VM's options, in child JVMs given each option: the first element on a
 * line past G1's 16-byte array header (element 12), no offset and no padding under another collector or without
 * jdk.management, arrays padded to half a region (the threshold of G1's humongous allocation) unless that is more than
 * {@link AlignedFloats#MAX_PADDED_BYTES}. Whether the arrays then start on a line, Java cannot say: the GEMM's figures
 * do (docs/benchmarks.md).
 */
class AlignedFloatsTest {

  @Test
  void arraysHoldTheRequestedElementsFromTheOffsetOn() {
    assertTrue(AlignedFloats.OFFSET >= 0 && AlignedFloats.OFFSET < 16, "offset " + AlignedFloats.OFFSET);
    for (int n : new int[] {0, 1, 1000, 1 << 20}) {
      assertTrue(AlignedFloats.allocate(n).length >= n + AlignedFloats.OFFSET, "n " + n);
    }
  }

  @Test
  void anArrayThatHoldsTheElementsPastTheOffsetIsKeptAndOneThatDoesNotIsReplaced() {
    float[] fits = new float[AlignedFloats.OFFSET + 100];
    assertSame(fits, AlignedFloats.atLeast(fits, 100));
    float[] grown = AlignedFloats.atLeast(fits, 101);
    assertNotSame(fits, grown);
    assertTrue(grown.length >= AlignedFloats.OFFSET + 101, "length " + grown.length);
  }

  @Test
  void g1WithItsDefaultHeaderStartsAtElement12AndPadsToHalfARegion() throws Exception {
    assertEquals("offset 12, padded to 262144", child("-XX:+UseG1GC", "-XX:G1HeapRegionSize=2m"));
    assertEquals("offset 12, padded to 524288", child("-XX:+UseG1GC", "-XX:G1HeapRegionSize=4m"));
  }

  @Test
  void regionsOfMoreThanTwiceThePaddingLimitAreNotPaddedTo() throws Exception {
    assertEquals("offset 12, padded to 0", child("-XX:+UseG1GC", "-XX:G1HeapRegionSize=16m"));
  }

  @Test
  void otherCollectorsOrNoJdkManagementLeaveArraysAsTheyAre() throws Exception {
    assertEquals("offset 0, padded to 0", child("-XX:+UseSerialGC"));
    assertEquals("offset 0, padded to 0", child("-XX:+UseParallelGC"));
    assertEquals("offset 0, padded to 0",
        child("-XX:+UseG1GC", "--limit-modules", "java.base,java.management,jdk.incubator.vector"));
  }

  /** Runs {@link #main} in a JVM with these options and returns what it printed. */
  private static String child(String... options) throws Exception {
    List<String> jvm = new ArrayList<>(List.of(options));
    jvm.addAll(List.of("--add-modules", "jdk.incubator.vector"));
    return ChildJvm.run(jvm, AlignedFloatsTest.class).out().strip();
  }

  /** Prints the offset and the padded length of a one-element array (its own length where not padded: 0 then). */
  public static void main(String[] args) {
    int padded = AlignedFloats.allocate(1).length;
    System.out.println("offset " + AlignedFloats.OFFSET + ", padded to "
        + (padded > 1 + AlignedFloats.OFFSET ? padded : 0));
  }
}
