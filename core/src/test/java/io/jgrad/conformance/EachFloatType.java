package io.jgrad.conformance;

import io.jgrad.DType;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Runs a conformance test once per floating dtype; the test skips dtypes its backend does not support. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@ParameterizedTest(name = "{0}")
@EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
@interface EachFloatType {}
