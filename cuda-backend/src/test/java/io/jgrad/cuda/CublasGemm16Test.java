package io.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jcuda.driver.CUdeviceptr;
import org.junit.jupiter.api.Test;

/** The product cuBLAS cannot compute is refused by name before any cuBLAS call (no GPU needed). */
class CublasGemm16Test {
  @Test
  void anFp16ProductIntoBf16IsRefusedNamingBothTypes() {
    CublasGemm16 cublas = new CublasGemm16(null);
    CUdeviceptr p = new CUdeviceptr();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> cublas.run(Storage.FLOAT16, false, false, 1, 2, 2, 2, 1f, p, 0, p, 0, 0f, Storage.BFLOAT16, p, 0));
    assertEquals("gemm: cublasGemmEx writes C as FLOAT16 or FLOAT32, not BFLOAT16", e.getMessage());
  }
}
