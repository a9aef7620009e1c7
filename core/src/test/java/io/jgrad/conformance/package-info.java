/**
 * The backend conformance suite, shipped in core's test-jar: {@link io.jgrad.conformance.BackendConformanceTest} checks
 * every kernel of the {@link io.jgrad.Backend} SPI against float64 computations written here, and each backend module
 * runs it by extending the class in a few lines.
 */
package io.jgrad.conformance;
