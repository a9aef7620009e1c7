/** Data sets that travel inside the jar, so a first model trains with no download: {@link Digits}. */
package io.jgrad.datasets;
