package io.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jcuda.driver.CUdeviceptr;
import org.junit.jupiter.api.Test;

/** The address read from JCuda's pointers (no device needed): a null pointer is 0, and byte offsets add up. */
class DeviceAddressTest {
  @Test
  void readsTheNativePointerPlusItsByteOffset() {
    assertTrue(DeviceAddress.available(), "JCuda's pointer fields are readable");
    CUdeviceptr none = new CUdeviceptr();
    assertEquals(0, DeviceAddress.of(none));
    assertEquals(96, DeviceAddress.of(none.withByteOffset(64).withByteOffset(32)));
  }
}
