package io.jgrad.conformance;

import io.jgrad.UnaryOp;
import java.util.function.DoubleUnaryOperator;

/**
 * One row of the unary op table: the op's reference function and derivative written independently of any backend,
 * with the input range to test and the kinks to keep away from (a finite-precision input next to a kink may land on
 * either side of it).
 *
 * @param derivative dy/dx as a function of x; null when the op has no gradient
 */
public record UnaryCase(
    UnaryOp op,
    double alpha,
    double low,
    double high,
    double[] kinks,
    DoubleUnaryOperator function,
    DoubleUnaryOperator derivative) {}
