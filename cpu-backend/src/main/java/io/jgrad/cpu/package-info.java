/**
 * The CPU backends. {@link io.jgrad.cpu.CpuScalarBackend} ("cpu-scalar") is the reference: plain Java loops, float32
 * and float64, written for clarity; it is the oracle every faster kernel is compared with. Both backends keep their
 * arrays in an {@link io.jgrad.cpu.ArrayPool} so that a steady-state training step allocates nothing.
 */
package io.jgrad.cpu;
