/**
 * Not API: helpers the backends implement kernels with. They may use the SPI's types ({@code io.jgrad}); no API
 * package depends on them in a cycle. The module descriptor exports this package to the backend modules only; on the
 * class path it is reachable, as OkHttp's {@code internal} packages are, but it may change in any release.
 */
package io.jgrad.internal;
