package io.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * TensorGemm's sm_80 variants against tensor_gemm_sm80.cu's entries (names, tile shapes, pipeline depth, shared
 * memory) and the committed PTX, and its rule for splitting K. Runs without a GPU.
 */
class TensorGemmVariantTest {
  private static final Pattern ENTRY = Pattern.compile(
      "HGEMM_PIPELINED_ENTRY\\((\\w+), Mma::(\\w+), (\\d+), (\\d+), (\\d+), (\\d+), (\\d+), (\\d+), (true|false)\\)");

  @Test
  void everyVariantHasABf16AndAnFp16EntryOfItsShape() throws Exception {
    String source = Files.readString(KernelSourceTest.KERNELS.resolve("tensor_gemm_sm80.cu"));
    Map<String, int[]> entries = new HashMap<>();
    Matcher m = ENTRY.matcher(source);
    while (m.find()) {
      int[] shape = new int[7];
      for (int i = 0; i < 6; i++) {
        shape[i] = Integer.parseInt(m.group(3 + i));
      }
      shape[6] = m.group(9).equals("true") ? 1 : 0;
      entries.put(m.group(1), shape);
      assertEquals(m.group(1).startsWith("hgemm_bf16_") ? "BF16_K16" : "F16_K16", m.group(2), m.group(1));
    }
    assertEquals(2 * TensorGemm.Variant.values().length, entries.size(), "entries: " + entries.keySet());
    String ptx = PtxModule.TENSOR_GEMM_SM80.source();
    for (TensorGemm.Variant v : TensorGemm.Variant.values()) {
      for (Storage input : List.of(Storage.BFLOAT16, Storage.FLOAT16)) {
        int[] shape = entries.get(v.entry(input));
        assertTrue(shape != null, v.entry(input) + " is not in tensor_gemm_sm80.cu");
        assertEquals(List.of(v.tileM, v.tileN, v.tileK, v.warpTile, v.warpTile, v.stages, v.prefetch ? 1 : 0),
            List.of(shape[0], shape[1], shape[2], shape[3], shape[4], shape[5], shape[6]), v.entry(input));
        assertTrue(ptx.contains(".entry " + v.entry(input) + "("), v.entry(input) + " is not in the PTX");
      }
      // An A100 lets a block opt in to 163 KB, the least of the sm_80-class data-centre GPUs.
      assertTrue(v.sharedBytes() <= 163 * 1024, v.label + " needs more shared memory than an A100 has");
    }
    // The default and the fallback TensorGemm takes where a device has less also fit sm_86/sm_89's 99 KB.
    assertTrue(TensorGemm.Variant.DEFAULT.sharedBytes() <= 99 * 1024);
    assertTrue(TensorGemm.Variant.TILE_128X128.sharedBytes() <= 99 * 1024);
    assertEquals(165_888, TensorGemm.Variant.TILE_128X256_K64.sharedBytes());
    assertEquals(92_160, TensorGemm.Variant.DEFAULT.sharedBytes());
    assertEquals(256, TensorGemm.Variant.DEFAULT.threads());
    assertEquals(128, TensorGemm.Variant.TILE_128X128.threads());
    assertEquals(128, TensorGemm.Variant.TILE_64X64.threads());
    assertEquals(30_720, TensorGemm.Variant.TILE_64X64.sharedBytes());
  }

  @Test
  void theVariantPropertyNamesALabel() {
    String before = System.getProperty(TensorGemm.VARIANT_PROPERTY);
    try {
      System.clearProperty(TensorGemm.VARIANT_PROPERTY);
      assertEquals(TensorGemm.Variant.DEFAULT, TensorGemm.Variant.fromProperty());
      System.setProperty(TensorGemm.VARIANT_PROPERTY, "128x256k64");
      assertEquals(TensorGemm.Variant.TILE_128X256_K64, TensorGemm.Variant.fromProperty());
      System.setProperty(TensorGemm.VARIANT_PROPERTY, "32x32");
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, TensorGemm.Variant::fromProperty);
      assertTrue(e.getMessage().contains("'32x32'") && e.getMessage().contains("128x256p"), e.getMessage());
    } finally {
      if (before == null) {
        System.clearProperty(TensorGemm.VARIANT_PROPERTY);
      } else {
        System.setProperty(TensorGemm.VARIANT_PROPERTY, before);
      }
    }
  }

  @Test
  void smallTilesTakeProductsThatWouldFillLessThanHalfTheDevice() {
    assertTrue(TensorGemm.prefersSmallTiles(2, 1, 132));     // batch 128: 128×512 in 128×256 tiles
    assertTrue(TensorGemm.prefersSmallTiles(65, 1, 132));
    assertFalse(TensorGemm.prefersSmallTiles(66, 1, 132));
    assertFalse(TensorGemm.prefersSmallTiles(128, 1, 132));  // the MLP's 1024×4096 at batch 1024
    assertFalse(TensorGemm.prefersSmallTiles(2, 40, 132));   // a batch of small matrices fills it
  }

  @Test
  void kIsSplitOnlyWhenWholeWavesOfBlocksAreSaved() {
    // 4096³ in 128×256 tiles: 512 blocks, four waves on 132 multiprocessors: no split.
    assertEquals(1, TensorGemm.splits(512, 1, 4096, 132));
    // The MLP's 1024×4096 outputs: 128 blocks, one wave short of 132; splitting would make two half waves.
    assertEquals(1, TensorGemm.splits(128, 1, 4096, 132));
    // A batch-128 layer (2 tiles, K 784): three chunks of 272, the most that stay over 256 long.
    assertEquals(3, TensorGemm.splits(2, 1, 784, 132));
    // 32 tiles, K 4096: four chunks of 1024 fill 128 of the 132 slots.
    assertEquals(4, TensorGemm.splits(32, 1, 4096, 132));
    // K too short to split, and an empty K.
    assertEquals(1, TensorGemm.splits(1, 1, 300, 132));
    assertEquals(1, TensorGemm.splits(1, 1, 0, 132));
    // A batch that already fills the device.
    assertEquals(1, TensorGemm.splits(2, 200, 4096, 132));
  }
}
