package io.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Launch geometry, checked on the host: every kernel's indexing relies on these numbers. */
class GridTest {

  @Test
  void elementwiseCoversEveryElementAndCapsTheGrid() {
    assertTrue(Grid.elementwise(0).isEmpty());
    assertEquals(new Grid(1, 1, 1, 256, 1, 1), Grid.elementwise(1));
    assertEquals(1, Grid.elementwise(256).gridX());
    assertEquals(2, Grid.elementwise(257).gridX());
    assertEquals(Grid.MAX_BLOCKS, Grid.elementwise(10_000_000_000L).gridX());
  }

  @Test
  void blockPerItemUsesAPowerOfTwoFromAWarpToTheSharedMemorySize() {
    assertEquals(32, Grid.blockPerItem(5, 1).blockX());
    assertEquals(32, Grid.blockPerItem(5, 32).blockX());
    assertEquals(64, Grid.blockPerItem(5, 33).blockX());
    assertEquals(256, Grid.blockPerItem(5, 1023).blockX());
    assertEquals(5, Grid.blockPerItem(5, 10).gridX());
    assertEquals(Grid.MAX_BLOCKS, Grid.blockPerItem(1L << 40, 10).gridX());
    assertTrue(Grid.blockPerItem(0, 10).isEmpty());
  }

  @Test
  void biasColumnsGiveOneBlockPer32Columns() {
    assertEquals(new Grid(1, 1, 1, 32, 8, 1), Grid.biasColumns(1));
    assertEquals(2, Grid.biasColumns(33).gridX());
    assertTrue(Grid.biasColumns(0).isEmpty());
  }

  @Test
  void gemmTilesPutRowsOnXColumnsOnYAndTheBatchOnZ() {
    assertEquals(new Grid(2, 1, 3, 16, 16, 1), Grid.gemmTiles(65, 64, 3));
    assertEquals(new Grid(1, 17, 1, 16, 16, 1), Grid.gemmTiles(1, 1023 + 64, 1));
    assertFalse(Grid.gemmTiles(1, 1, 1).isEmpty());
    assertTrue(Grid.gemmTiles(0, 5, 1).isEmpty());
    assertThrows(IllegalArgumentException.class, () -> Grid.gemmTiles(1, 1, Grid.MAX_GRID_YZ + 1));
  }

  @Test
  void gemmLargeTilesAreOneDimensionalBlocksOf128By128() {
    assertEquals(new Grid(2, 1, 3, 256, 1, 1), Grid.gemmLargeTiles(129, 128, 3));
    assertEquals(32_769, Grid.gemmLargeTiles(4_194_305, 3, 1).gridX());
    assertEquals(Grid.MAX_GRID_YZ, Grid.gemmLargeTiles(1, Grid.GEMM_LARGE_TILE * Grid.MAX_GRID_YZ, 1).gridY());
    assertThrows(
        IllegalArgumentException.class, () -> Grid.gemmLargeTiles(1, Grid.GEMM_LARGE_TILE * Grid.MAX_GRID_YZ + 1, 1));
  }

  /** A quarter of a block per multiprocessor: 33 tiles of 128×128 on an H100's 132. */
  @Test
  void theTiledGemmTakesLargeTilesOnceTheyReachAQuarterOfTheMultiprocessors() {
    assertTrue(TiledGemm.prefersLarge(1024, 1024, 1, 132));   // 64 tiles
    assertTrue(TiledGemm.prefersLarge(128, 128, 33, 132));    // 33, by the batch
    assertFalse(TiledGemm.prefersLarge(784, 512, 1, 132));    // 28
    assertFalse(TiledGemm.prefersLarge(128, 4096, 1, 132));   // 32
    assertTrue(TiledGemm.prefersLarge(1, 1, 1, 3));           // a tiny device: any product
    assertTrue(TiledGemm.prefersLarge(Integer.MAX_VALUE, Integer.MAX_VALUE, 65_535, 132));  // no overflow
  }

  /** An MLP layer at batch 128 on an H100: 16 tiles of 64×64 leave 116 of 132 multiprocessors idle. */
  @Test
  void aProductThatLeavesMultiprocessorsIdleIsSplitAlongK() {
    assertEquals(9, TiledGemm.splits(128, 512, 784, 1, Grid.GEMM_TILE, 132));  // 16 tiles → 9 chunks of 96
    assertEquals(96, TiledGemm.chunk(784, 9));
    assertEquals(1, TiledGemm.splits(4096, 4096, 4096, 1, Grid.GEMM_LARGE_TILE, 132));  // the device is full
    assertEquals(1, TiledGemm.splits(128, 512, 100, 1, Grid.GEMM_TILE, 132));  // K too short for two chunks of 64
    assertEquals(2, TiledGemm.splits(128, 512, 128, 1, Grid.GEMM_TILE, 132));
    assertEquals(1, TiledGemm.splits(64, 64, 4096, 200, Grid.GEMM_TILE, 132));  // the batch fills the device
    // Rounding chunks up to 16 can leave fewer than asked, never an empty one: 9 asked, chunks of 80, 8 used.
    assertEquals(80, TiledGemm.chunk(584, 9));
    assertEquals(8, TiledGemm.splits(128, 512, 584, 1, Grid.GEMM_TILE, 132));
    assertEquals(1, TiledGemm.splits(Integer.MAX_VALUE, Integer.MAX_VALUE, 1 << 20, 65_535, Grid.GEMM_TILE, 132));
    assertEquals(132, TiledGemm.splits(1, 1, Integer.MAX_VALUE, 1, Grid.GEMM_TILE, 132));  // no int overflow
    assertEquals(16_268_816, TiledGemm.chunk(Integer.MAX_VALUE, 132));
  }

  /** A whole-tensor sum on an H100 (132 multiprocessors) gets 8 blocks per multiprocessor, each ≥ 16,384 long. */
  @Test
  void aLongReductionWithFewOutputsIsCutIntoChunks() {
    assertEquals(1056, ReduceKernels.chunks(1, 100_000_000, 132));
    assertEquals(6, ReduceKernels.chunks(1, 98_309, 132));   // no chunk under 16,384
    assertEquals(2, ReduceKernels.chunks(6, 40_000, 132));
    assertEquals(1, ReduceKernels.chunks(1, 32_767, 132));   // two chunks would be too short
    assertEquals(1, ReduceKernels.chunks(132, 1 << 20, 132));  // the outputs fill the device
    assertEquals(1, ReduceKernels.chunks(0, 1 << 20, 132));
    assertEquals(9, ReduceKernels.chunks(131, 1 << 20, 132));
  }

  /** Rows on x: m = 4,194,241 needs 65,536 row tiles, one past y's limit, where the kernel once looked for them. */
  @Test
  void gemmTilesTakeEveryIntRowCountAndRefuseTooManyColumnTiles() {
    assertEquals(65_536, Grid.gemmTiles(4_194_241, 1, 1).gridX());
    assertEquals(33_554_432, Grid.gemmTiles(Integer.MAX_VALUE, 1, 1).gridX());
    assertEquals(Grid.MAX_GRID_YZ, Grid.gemmTiles(1, Grid.GEMM_TILE * Grid.MAX_GRID_YZ, 1).gridY());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Grid.gemmTiles(1, Grid.GEMM_TILE * Grid.MAX_GRID_YZ + 1, 1));
    assertTrue(e.getMessage().contains("column tiles"), e.getMessage());
  }
}
