/** Numerical gradient checking: {@link io.jgrad.check.GradCheck}. */
package io.jgrad.check;
