/**
 * Training tools a {@link io.jgrad.train.Trainer} user adds in one line each, and what comes after training.
 *
 * <p>Listeners: a progress bar or progress lines ({@link io.jgrad.tools.ProgressListener}), metrics as JSON lines
 * ({@link io.jgrad.tools.MetricsFile}) or CSV ({@link io.jgrad.tools.CsvMetricsFile}), training curves as a PNG
 * ({@link io.jgrad.tools.CurvePlotListener}), and checkpoints every n epochs or at each best validation loss
 * ({@link io.jgrad.tools.CheckpointWriter}). Early stopping with restore-best and the validation split are core's
 * ({@link io.jgrad.train.EarlyStopping}, {@link io.jgrad.data.ValidationSplit}).
 *
 * <p>Inference: a model file carries its architecture ({@link io.jgrad.tools.Architecture}, e.g.
 * {@link io.jgrad.tools.MlpSpec}), the input standardisation and the class names ({@link io.jgrad.tools.ModelFile});
 * {@link io.jgrad.tools.Predictor} loads it alone and predicts on raw inputs, read from images, IDX or CSV files by
 * {@link io.jgrad.tools.InputFiles}; {@link io.jgrad.tools.IntegratedGradients} says how much each input moved a
 * prediction, and {@link io.jgrad.tools.PermutationImportance} how much a model leans on each column of a table. A
 * calibrated model's temperature travels in its file ({@link io.jgrad.tools.ModelFile#temperature}). The {@code jgrad}
 * command line uses the same classes.
 *
 * <p>Data: a folder of images, one folder per class, as training data ({@link io.jgrad.tools.ImageFolder}, read in the
 * units {@link io.jgrad.tools.InputFiles} reads an image to predict on).
 *
 * <pre>{@code
 * trainer.validation(valLoader)
 *     .earlyStopping(EarlyStopping.on(Monitor.VALIDATION_LOSS, 3, 0).restoreBestWeights())
 *     .listener(ProgressListener.onConsole())
 *     .listener(new MetricsFile(Path.of("run.jsonl")))
 *     .listener(new CurvePlotListener(Path.of("curves.png"), "my run"));
 * }</pre>
 */
package io.jgrad.tools;
