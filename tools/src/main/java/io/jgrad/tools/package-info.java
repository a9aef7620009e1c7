/**
 * Training tools a {@link io.jgrad.train.Trainer} user adds in one line each: a progress bar or progress lines
 * ({@link io.jgrad.tools.ProgressListener}), a JSON-lines metrics file ({@link io.jgrad.tools.MetricsFile}), training
 * curves as a PNG ({@link io.jgrad.tools.CurvePlotListener}) and a checkpoint after every epoch
 * ({@link io.jgrad.tools.CheckpointWriter}). The {@code jgrad} command line uses the same classes.
 *
 * <pre>{@code
 * trainer.listener(ProgressListener.onConsole())
 *     .listener(new MetricsFile(Path.of("run.jsonl")))
 *     .listener(new CurvePlotListener(Path.of("curves.png"), "my run"));
 * }</pre>
 */
package io.jgrad.tools;
