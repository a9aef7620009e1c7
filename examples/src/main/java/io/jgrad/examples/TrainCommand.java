package io.jgrad.examples;

import io.jgrad.Backend;
import io.jgrad.BackendOptions;
import io.jgrad.Generator;
import io.jgrad.LeakDetection;
import io.jgrad.LeakDetector;
import io.jgrad.data.Augmentation;
import io.jgrad.data.DataLoader;
import io.jgrad.data.Imputer;
import io.jgrad.data.NumpyDataset;
import io.jgrad.loss.BceWithLogitsLoss;
import io.jgrad.loss.CrossEntropyLoss;
import io.jgrad.loss.HuberLoss;
import io.jgrad.loss.L1Loss;
import io.jgrad.loss.Loss;
import io.jgrad.loss.MseLoss;
import io.jgrad.loss.QuantileLoss;
import io.jgrad.loss.Reduction;
import io.jgrad.nn.Module;
import io.jgrad.nn.Sequential;
import io.jgrad.optim.Optimizer;
import io.jgrad.optim.StepLR;
import io.jgrad.tools.Architecture;
import io.jgrad.tools.CheckpointWriter;
import io.jgrad.tools.CnnSpec;
import io.jgrad.tools.CsvMetricsFile;
import io.jgrad.tools.CurvePlot;
import io.jgrad.tools.CurvePlotListener;
import io.jgrad.tools.ImageArchitecture;
import io.jgrad.tools.JsonLine;
import io.jgrad.tools.MetricsFile;
import io.jgrad.tools.MlpSpec;
import io.jgrad.tools.ModelFile;
import io.jgrad.tools.Predictor;
import io.jgrad.tools.ProgressListener;
import io.jgrad.tools.ResNetSpec;
import io.jgrad.tools.TensorBoardWriter;
import io.jgrad.train.Distillation;
import io.jgrad.train.EarlyStopping;
import io.jgrad.train.ClassificationReport;
import io.jgrad.train.EpochMetrics;
import io.jgrad.train.Evaluation;
import io.jgrad.train.LrFinder;
import io.jgrad.train.Mixup;
import io.jgrad.train.Monitor;
import io.jgrad.train.MultiLabelReport;
import io.jgrad.train.NonFinitePolicy;
import io.jgrad.train.Precision;
import io.jgrad.train.QuantileReport;
import io.jgrad.train.ExponentialMovingAverage;
import io.jgrad.train.ReduceLrOnPlateau;
import io.jgrad.train.RegressionReport;
import io.jgrad.train.Trainer;
import io.jgrad.train.TrainingCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jgrad train}: an MLP or CNN ({@code --model}) classifier on MNIST-style or CIFAR-10 data, or an MLP classifier,
 * regressor or multi-label classifier ({@code --task}) on a CSV table. The defaults are a recipe that wins (inputs
 * standardised, AdamW, warmup + cosine learning rate, label smoothing 0.1 for classes, dropout 0.2); the last line on
 * stdout is a JSON summary.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train an MLP or CNN classifier, or an MLP regressor or multi-label classifier on a table.")
final class TrainCommand implements Callable<Integer> {
  /** StepLR's gamma unless --lr-gamma says otherwise. */
  static final double DEFAULT_LR_GAMMA = 0.1;

  /** The recorded setting that is not an option: how many epochs the schedule was planned for. */
  private static final String SCHEDULE_EPOCHS = "schedule_epochs";
  private static final String IMPUTE = "impute";
  /** The settings a checkpoint records a regression's loss and its quantile under, which eval reads back. */
  static final String LOSS = "loss";
  static final String QUANTILE = "quantile";
  private static final String HUBER_DELTA = "huber-delta";
  private static final double DEFAULT_HUBER_DELTA = 1;
  /** The median, scikit-learn's QuantileRegressor's default. */
  private static final double DEFAULT_QUANTILE = 0.5;

  /** The CNN's and the ResNet's peak learning rate under Adam/AdamW when --lr is not given. */
  static final double CONV_NET_ADAM_LR = 5e-3;

  /** The classes the JIT warm-up's network guesses for a table or an image folder, before it is read. */
  private static final int WARM_UP_CLASSES = 2;

  /** {@code --model}: a multi-layer perceptron, the convolutional net of {@link CnnSpec} or {@link ResNetSpec}'s. */
  enum ModelKind {
    MLP, CNN, RESNET
  }

  /**
   * {@code --task}: a table's label column holds classes, or values to fit (a regression target), or its label columns
   * each say whether one label applies (multi-label classification: any number of them at once).
   */
  enum Task {
    CLASSIFICATION, REGRESSION, MULTILABEL
  }

  /**
   * {@code --loss} of a regression: PyTorch's MSELoss, L1Loss or HuberLoss on the standardised targets, or the pinball
   * loss of a quantile.
   */
  enum RegressionLoss {
    MSE, L1, HUBER, QUANTILE
  }

  /** {@code --monitor}: what early stopping and --save-best watch, named as Keras' {@code monitor=} names it. */
  enum Watched {
    VAL_LOSS(Monitor.VALIDATION_LOSS, "loss"), VAL_ACCURACY(Monitor.VALIDATION_ACCURACY, "accuracy"),
    VAL_MACRO_F1(Monitor.VALIDATION_MACRO_F1, "macro F1"), VAL_ROC_AUC(Monitor.VALIDATION_ROC_AUC, "ROC AUC");

    final Monitor monitor;
    /** What it is, in a sentence. */
    final String words;

    Watched(Monitor monitor, String words) {
      this.monitor = monitor;
      this.words = words;
    }
  }

  /** {@code --sampler}: each epoch every training example once, shuffled; or drawn so that the classes come equally. */
  enum Sampler {
    SHUFFLE, BALANCED
  }

  /** {@code --augment}: random crops and flips of training images, or none, or as the data set wants. */
  enum Augment {
    AUTO, ON, OFF
  }

  @Option(names = "--dataset", description = "digits (bundled), mnist, fashion-mnist, cifar10; csv: a table of your "
      + "own, one example a row, a number or text (a category) in every column but the label's; or images: images of "
      + "your own, one folder of them per class, named after it (torchvision's ImageFolder); or npz: NumPy arrays of "
      + "your own in an .npz archive, x and y (or Keras' x_train, y_train, x_test, y_test), x a table (N, F) or images "
      + "(N, H, W), (N, H, W, C), (N, C, H, W) (default: digits)")
  Datasets dataset;

  @Option(names = "--data", description = "directory with the dataset's files (fashion-mnist: default "
      + "/usr/share/datasets/fashion-mnist), the CSV file to train on, the folder of class folders of images, or the "
      + ".npz archive (or a folder of .npy files, one an array named after its key)")
  Path data;

  @Option(names = "--label-column", paramLabel = "COLUMN", description = "csv: the label's column, by header name or "
      + "0-based index (default: the last); its values, text or integers, are the classes (with --task regression, "
      + "numbers to fit; several target columns comma-separated, fitted together by one MLP of as many outputs; with "
      + "--task multilabel, the label columns, comma-separated, each 1 or true where its label applies, else 0 or "
      + "false)")
  String labelColumn;

  @Option(names = "--task", description = "csv or npz: classification (the label column's values are classes) or "
      + "regression (they are numbers to fit: an MLP of one output a target column, trained on the mean squared error "
      + "(or --loss) of the standardised targets; the summary reports test RMSE, MAE and R² in the targets' units, "
      + "R² averaged over the targets and each target's own beside), or multilabel (each label column says whether "
      + "its label applies, any number at once: an MLP of one output a label, trained on binary cross-entropy, a "
      + "label predicted where its probability is above 0.5; the summary reports subset accuracy, Hamming loss, F1 "
      + "micro and macro, and each label's precision, recall and F1) (default: classification)")
  Task task;

  @Option(names = "--cv", paramLabel = "K", description = "csv or npz: K-fold cross-validation instead of one test "
      + "part, as scikit-learn's cross_validate: the examples shuffled into K folds (stratified for classes, as "
      + "StratifiedKFold; slices for regression, as KFold), a model trained on each K − 1 and tested on the one left, "
      + "a line each, then the test figures' means and standard deviations")
  Integer folds;

  @Option(names = "--ignore-columns", paramLabel = "COLUMNS", description = "csv: columns to leave out, by header "
      + "name or 0-based index, comma-separated (an identifier, free text, a column that leaks the label), as pandas' "
      + "drop(columns=...)")
  String ignoreColumns;

  @Option(names = "--loss", description = "--task regression: mse (the mean squared error), l1 (the mean absolute "
      + "error, PyTorch's L1Loss) or huber (squared within --huber-delta of the target, linear beyond, PyTorch's "
      + "HuberLoss): l1 and huber let a few gross errors in the targets pull the fit less; or quantile (the pinball loss "
      + "of --quantile: the model predicts that quantile of the target, not its mean; two models, at 0.1 and 0.9, bound "
      + "an 80%% prediction interval) (default: mse)")
  RegressionLoss regressionLoss;

  @Option(names = "--huber-delta", paramLabel = "DELTA", description = "--loss huber: the error where its square turns "
      + "linear, in standard deviations of the target (the targets are standardised) (default: 1, PyTorch's)")
  Double huberDelta;

  @Option(names = "--quantile", paramLabel = "Q", description = "--loss quantile: the quantile of the target to "
      + "predict, in (0, 1); the summary's test_coverage is the fraction of test targets at or below the prediction, "
      + "Q for a calibrated model (default: 0.5, the median)")
  Double quantile;

  @Option(names = "--impute", paramLabel = "STRATEGY", description = "csv: fill missing feature cells (empty, NA, NaN, "
      + "null, …) instead of refusing them, as scikit-learn's SimpleImputer: each column of numbers with its mean, "
      + "median or most-frequent value in the training rows, each column of text with its most frequent category; "
      + "the model keeps the values for eval and predict")
  Imputer.Strategy impute;

  @Option(names = "--test-data", paramLabel = "FILE", description = "csv: the table to test on, with the training "
      + "table's columns; images: the folder of class folders to test on; npz: the archive to test on, its x_test and "
      + "y_test or x and y (default: an npz archive's own x_test and y_test, else examples held out of --data by "
      + "--test-split)")
  Path testData;

  @Option(names = "--test-split", description = "csv, images or npz without --test-data: the fraction of --data's "
      + "examples held out for testing, the same ones whatever --seed (default: " + HeldOut.DEFAULT_FRACTION + ")")
  Double testSplit;

  @Option(names = "--image-size", paramLabel = "SIZE", description = "images: scale every image to SIZE pixels, a side "
      + "(28) or HEIGHTxWIDTH (32x48), bilinear (default: the size the images share; one of another size is an error)")
  String imageSize;

  @Option(names = "--model", defaultValue = "mlp",
      description = "mlp; cnn: 3x3 conv + BatchNorm + 2x2 max-pool + ReLU blocks of 32 and 64 channels (and 128 "
          + "for 32x32 images), then linear 128 + dropout + linear; or resnet: He et al.'s residual network for "
          + "CIFAR-10 (ResNet-20 by default: --depth), 3x3 conv + BatchNorm + ReLU, then three stages of residual "
          + "blocks of 16, 32 and 64 channels (the last two halving the sides), global average pooling, dropout and "
          + "linear (default: ${DEFAULT-VALUE})")
  ModelKind modelKind;

  @Option(names = "--depth", paramLabel = "LAYERS", description = "--model resnet: its layers with weights, 6n + 2 for "
      + "n residual blocks a stage: 8, 14, 20 (ResNet-20, the default), 32, 44, 56 or 110")
  Integer depth;

  @Option(names = "--augment", defaultValue = "auto",
      description = "random 4-pixel-padded crops and horizontal flips of training images: on, off, or auto (on for "
          + "cifar10 only) (default: ${DEFAULT-VALUE})")
  Augment augment;

  @Option(names = "--hidden", defaultValue = "512,256", split = ",",
      description = "hidden layer widths of the MLP (default: ${DEFAULT-VALUE})")
  int[] hidden;

  @Option(names = "--activation", defaultValue = "relu",
      description = "relu, leaky-relu, elu, gelu, tanh or sigmoid (default: ${DEFAULT-VALUE})")
  String activation;

  @Option(names = "--epochs", defaultValue = "10",
      description = "epochs in all, counting resumed ones (default: ${DEFAULT-VALUE})")
  int epochs;

  @Option(names = "--batch", defaultValue = "128", description = "mini-batch size (default: ${DEFAULT-VALUE})")
  int batch;

  @Option(names = "--optimizer", defaultValue = "adamw", description = "sgd, adam or adamw (default: ${DEFAULT-VALUE})")
  OptimizerChoice.Kind optimizer;

  @Option(names = "--lr", description = "peak learning rate (default: 0.05 for sgd, 0.001 for adam/adamw, 0.005 for "
      + "adam/adamw with --model cnn or resnet)")
  Double lr;

  @Option(names = "--momentum", defaultValue = "0.9", description = "SGD momentum (default: ${DEFAULT-VALUE})")
  double momentum;

  @Option(names = "--weight-decay", description = "weight decay (default: 0.01 for adamw, 0 otherwise)")
  Double weightDecay;

  @Option(names = "--schedule", defaultValue = "cosine",
      description = "cosine (with warmup), onecycle, constant; plateau: the rate lowered when the validation loss (or "
          + "--monitor) stops improving, as PyTorch's ReduceLROnPlateau (needs --val-split); or step: the rate "
          + "multiplied by --lr-gamma every --lr-step-epochs epochs, as PyTorch's StepLR (default: ${DEFAULT-VALUE})")
  OptimizerChoice.Schedule schedule;

  @Option(names = "--lr-step-epochs", paramLabel = "EPOCHS", description = "--schedule step: the epochs between two "
      + "reductions of the rate (StepLR's step_size)")
  Integer lrStepEpochs;

  @Option(names = "--lr-gamma", description = "--schedule step: what the rate is multiplied by (default: "
      + DEFAULT_LR_GAMMA + ", PyTorch's)")
  Double lrGamma;

  @Option(names = "--plateau-patience", paramLabel = "EPOCHS", description = "--schedule plateau: lower the rate after "
      + "more than this many epochs in a row without an improvement (default: "
      + ReduceLrOnPlateau.DEFAULT_PATIENCE + ", PyTorch's)")
  Integer plateauPatience;

  @Option(names = "--plateau-factor", description = "--schedule plateau: what the rate is multiplied by, in (0, 1) "
      + "(default: " + ReduceLrOnPlateau.DEFAULT_FACTOR + ", PyTorch's)")
  Double plateauFactor;

  @Option(names = "--label-smoothing", defaultValue = "0.1", description = "in [0, 1) (default: ${DEFAULT-VALUE})")
  double labelSmoothing;

  @Option(names = "--class-weights", paramLabel = "WEIGHTS", description = "weigh each class in the loss: balanced (a "
      + "class's weight n / (classes × its examples), as scikit-learn's), or one number a class, comma-separated, in "
      + "the classes' order; with --task multilabel, each label's present examples (PyTorch's BCEWithLogitsLoss "
      + "pos_weight): balanced (its absent / its present training examples), or one number a label (default: every "
      + "class 1)")
  String classWeights;

  @Option(names = "--sampler", defaultValue = "shuffle", description = "shuffle (each training example once an "
      + "epoch), or balanced: an epoch of as many examples drawn with replacement, each class as often, as PyTorch's "
      + "WeightedRandomSampler with one over the class's examples (a classifier; instead of --class-weights) "
      + "(default: ${DEFAULT-VALUE})")
  Sampler sampler;

  @Option(names = "--dropout", defaultValue = "0.2",
      description = "dropout after each hidden layer, in [0, 1) (default: ${DEFAULT-VALUE})")
  double dropout;

  @Option(names = "--clip-norm", defaultValue = "0",
      description = "clip gradients to this global norm (0: off, the default)")
  double clipNorm;

  @CommandLine.Mixin BackendChoice backendChoice;

  @Option(names = "--checkpoint-segments", defaultValue = "0",
      description = "gradient checkpointing: recompute the MLP in K segments in backward (0: off, the default)")
  int checkpointSegments;

  @Option(names = "--seed", defaultValue = "0",
      description = "weights, dropout and shuffling (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--metrics",
      description = "append one JSON object per epoch to this file (a CSV row if its name ends in .csv)")
  Path metrics;

  @Option(names = "--val-split", defaultValue = "0",
      description = "hold out this fraction of the training set for validation (0: none); --early-stop and --save-best "
          + "watch its loss, the test set is never used to choose")
  double valSplit;

  @Option(names = "--early-stop", defaultValue = "0", paramLabel = "PATIENCE",
      description = "stop after PATIENCE epochs without a better validation loss (or --monitor), and end with the best "
          + "epoch's weights (0: off; needs --val-split)")
  int earlyStop;

  @Option(names = "--monitor", description = "what --early-stop, --save-best and --schedule plateau watch: val-loss "
      + "(the validation loss, lower is better), val-accuracy (the validation accuracy, higher is better; a "
      + "multi-label model's subset accuracy), or a classifier's val-macro-f1 (the mean of the classes' F1) or "
      + "val-roc-auc (of two classes the second's, of more the mean of each against the rest), higher is better, for "
      + "rare classes, as Keras' monitor= (default: val-loss)")
  Watched monitor;

  @Option(names = "--plot", description = "write loss and accuracy curves to this PNG (with --find-lr, the range "
      + "test's loss against the rate)")
  Path plot;

  @Option(names = "--tensorboard", paramLabel = "DIR",
      description = "write the curves for TensorBoard into a new event file in DIR (made if missing): each epoch's "
          + "figures and every 50th step's loss; view with tensorboard --logdir DIR")
  Path tensorboard;

  @Option(names = "--save",
      description = "write a training checkpoint (weights + optimizer + RNG) here after each epoch")
  Path save;

  @Option(names = "--save-every", defaultValue = "1",
      description = "write --save every N epochs and after the last; {epoch} in its name keeps one file per save")
  int saveEvery;

  @Option(names = "--calibrate", paramLabel = "FILE", description = "after training, fit a temperature to the "
      + "validation part (Guo et al.'s temperature scaling: the logits divided by T before the softmax, T minimising "
      + "the validation examples' cross-entropy) and write the calibrated model to FILE, for eval, predict, serve and "
      + "export; the predictions stay the same, the probabilities move towards how often they are right (needs "
      + "--val-split; a classifier)")
  Path calibrate;

  @Option(names = "--save-best", description = "write a checkpoint here after each epoch with the best validation "
      + "loss (or --monitor) so far (needs --val-split)")
  Path saveBest;

  @Option(names = "--resume", description = "continue from a checkpoint file, or the newest valid one in a directory, "
      + "with the settings it recorded (an option given that contradicts them is an error)")
  Path resume;

  @Option(names = "--init-from", paramLabel = "MODEL", description = "start from a model file's weights (train's "
      + "--save or --save-best, jgrad import) instead of random ones, to fine-tune it: the network is the file's (its "
      + "--model, --hidden and --activation unless given, and then they must agree), its classes (or targets, labels) "
      + "must be the data's unless --new-head, and the inputs are standardised with the statistics it recorded, as its "
      + "weights were trained; the optimizer, the schedule and the epochs start afresh")
  Path initFrom;

  @Option(names = "--new-head", description = "--init-from: a new output layer for the data's classes (or targets, "
      + "labels), drawn afresh, the file's other layers kept: transfer learning to another task, as a PyTorch user "
      + "replaces a pretrained model's last Linear")
  boolean newHead;

  @Option(names = "--accumulate", defaultValue = "1", paramLabel = "K", description = "add up the gradients of K "
      + "batches before each optimizer step (Lightning's accumulate_grad_batches): the step of a batch of K times "
      + "--batch examples at the activation memory of one (default: ${DEFAULT-VALUE})")
  int accumulate;

  @Option(names = "--ema", defaultValue = "0", paramLabel = "DECAY", description = "keep an exponential moving average "
      + "of the weights, average += (1 − DECAY)·(weights − average) after every optimizer step (about the last "
      + "1/(1 − DECAY) steps' weights; often 0.999), score it after each epoch and keep it as the model, as timm's "
      + "ModelEmaV2, Keras' use_ema and PyTorch's AveragedModel with get_ema_multi_avg_fn do (0: off, the default)")
  double ema;

  @Option(names = "--mixup", defaultValue = "0", paramLabel = "ALPHA", description = "train on mixed examples, as "
      + "timm's Mixup(mixup_alpha=ALPHA): each batch blended with itself in mirrored order by a weight drawn from "
      + "Beta(ALPHA, ALPHA), the loss with both examples' classes in those shares (a classifier; often 0.2, or 1 "
      + "for an even blend) (0: off, the default)")
  double mixup;

  @Option(names = "--cutmix", defaultValue = "0", paramLabel = "ALPHA", description = "train on images with a box of "
      + "another's pasted in, as timm's Mixup(cutmix_alpha=ALPHA): each batch takes from its mirrored order a box of "
      + "about 1 − λ of the area, λ from Beta(ALPHA, ALPHA), the loss with both images' classes by the areas; with "
      + "--mixup, each batch takes one of the two, half the batches each (image data; often 1) (0: off, the default)")
  double cutmix;

  @Option(names = "--teacher", paramLabel = "MODEL", description = "knowledge distillation: a trained model file of the "
      + "data's classes (train's --save or --save-best) whose logits, softened by --distill-temperature, are targets "
      + "beside the labels, as PyTorch's knowledge-distillation tutorial: the loss w·T²·KL(teacher ‖ student) + "
      + "(1 − w)·cross-entropy; the inputs are standardised with the teacher's statistics")
  Path teacher;

  @Option(names = "--distill-temperature", paramLabel = "T", description = "--teacher: the temperature the logits "
      + "are divided by before the softmax (default: " + Distillation.DEFAULT_TEMPERATURE + ", the tutorial's)")
  Double distillTemperature;

  @Option(names = "--distill-weight", paramLabel = "W", description = "--teacher: the soft term's share of the loss, "
      + "in [0, 1] (default: " + Distillation.DEFAULT_WEIGHT + ", the tutorial's)")
  Double distillWeight;

  @Option(names = "--freeze", defaultValue = "0", paramLabel = "K", description = "keep the first K layers with "
      + "weights as they are while the others train (an MLP's Linear layers; a CNN's convolutions, each with its batch "
      + "norm, then its Linear layers; a ResNet's first convolution with its batch norm, then each residual block, "
      + "then its Linear layer): no gradient and no step for their weights, their batch norms on their running "
      + "statistics, as Keras' trainable=False; with --init-from and --new-head, K one less than the layers trains the "
      + "new output layer alone (linear probing) (default: ${DEFAULT-VALUE})")
  int freeze;

  @Option(names = "--precision", defaultValue = "fp32",
      description = "fp32, or mixed precision with bf16 or fp16 GEMMs (fp16 adds loss scaling) (default: ${DEFAULT-VALUE})")
  Precision precision;

  @Option(names = "--graphs", description = "record the training step into a CUDA graph once its batch shape repeats "
      + "and replay it, one launch per step (cuda backend; the CPU backends run each step as before; default: off, or "
      + "-D" + Trainer.GRAPHS_PROPERTY + "=true)")
  boolean graphs;

  @Option(names = "--leak-detection", description = "report tensors never closed: off, sampled (1 in "
      + LeakDetector.SAMPLING_INTERVAL + ") or all (default: off, or -Djgrad.leakDetection)")
  LeakDetection leakDetection;

  @Option(names = "--overwrite",
      description = "let --save replace an existing file this run did not --resume from (another run's checkpoint)")
  boolean overwrite;

  @Option(names = "--no-progress", description = "plain progress lines instead of a progress bar")
  boolean noProgress;

  @Option(names = "--find-lr", description = "train nothing to keep: run the learning-rate range test (fastai's "
      + "lr_find, PyTorch Lightning's Tuner.lr_find) on this run's model, optimizer and batches, 100 steps from 1e-7 to "
      + "10 or until the loss diverges, a JSON line a step, then suggested_lr (a tenth of the rate at the lowest "
      + "smoothed loss, fastai's lr_min) and steepest_lr (Lightning's) for --lr; --plot draws the curve")
  boolean findLr;

  /** --find-lr's range and steps, fastai's lr_find defaults. */
  private static final double FIND_LR_MIN = 1e-7;
  private static final double FIND_LR_MAX = 10;
  private static final int FIND_LR_STEPS = 100;

  @Option(names = "--on-nonfinite", defaultValue = "skip",
      description =
          "when the loss or a gradient is NaN/Inf: skip the step and warn, or stop (default: ${DEFAULT-VALUE})")
  NonFinitePolicy onNonFinite;

  @Option(names = "--max-skipped-steps", defaultValue = "" + Trainer.DEFAULT_MAX_SKIPPED_IN_A_ROW,
      description = "under --on-nonfinite skip, stop with exit code 1 after this many skipped steps in a row, keeping "
          + "the last checkpoint (default: ${DEFAULT-VALUE})")
  int maxSkippedSteps;

  @Option(names = "--warm-up", defaultValue = "50", paramLabel = "STEPS",
      description = "train a throwaway copy of the network for STEPS steps on synthetic data while the data set loads, "
          + "so that the JIT has compiled the CPU kernels before epoch 1 (0: off; cpu backends only; the run's "
          + "results are the same either way) (default: ${DEFAULT-VALUE})")
  int warmUpSteps;

  @Spec CommandSpec spec;

  /** The epochs the learning-rate schedule is planned over: --epochs, or on resume what the checkpoint recorded. */
  private int scheduleEpochs;

  /**
   * The model file whose statistics standardise the data: --init-from's, or on resuming a run that began from one, the
   * checkpoint's own; null where the run fits its own.
   */
  private ModelFile base;

  /** The setting a run started from a model file records (not an option: a resumed run has its weights already). */
  static final String INITIALIZED_FROM = "initialized_from";

  /** The model file this run, or the run it resumes, started from; null for random weights. */
  private String initializedFrom;

  @Override
  public Integer call() throws Exception {
    long start = System.nanoTime();
    scheduleEpochs = Math.max(1, epochs); // with --epochs 0 no step is taken; one epoch keeps the schedule well-formed
    if (newHead && initFrom == null) {
      throw new IllegalArgumentException("--new-head replaces the output layer of --init-from's model: give "
          + "--init-from");
    }
    if (teacher != null && initFrom != null) {
      throw new IllegalArgumentException("--teacher's statistics standardise the inputs, and --init-from's would too: "
          + "give one of them");
    }
    if (resume != null && initFrom != null) {
      throw new IllegalArgumentException("--init-from starts a new run from a model's weights; --resume continues a "
          + "run (its weights, optimizer and epochs): give one of them");
    }
    if (resume != null && resume.toString().isEmpty()) {
      throw new IllegalArgumentException("--resume: the path is empty"); // else it would resume from "." silently
    }
    Path resumeFile = resume == null ? null : adoptRecordedSettings();
    checkOptions();
    if (initFrom != null) {
      base = ModelFile.read(initFrom);
      adoptArchitecture(base);
      initializedFrom = initFrom.toString();
    } else if (teacher != null) { // the teacher's statistics, so that both read the same inputs (a resume's: the same)
      base = ModelFile.read(resumeFile != null ? resumeFile : teacher);
    } else if (resumeFile != null) {
      initializedFrom = TrainingCheckpoint.recordedConfig(resumeFile).get(INITIALIZED_FROM);
      base = initializedFrom == null ? null : ModelFile.read(resumeFile); // its statistics, not refitted ones
    }
    Precision mixed = precision;
    checkOutputs();
    Datasets ds = dataset;
    LeakDetection leaks =
        leakDetection != null ? leakDetection : LeakDetection.fromSystemProperty();
    try (Backend backend = openBackend(leaks);
        JitWarmUp warmUp = warmUp(backend, ds)) {
      if (folds != null) {
        List<TrainingData> parts = ds == Datasets.NPZ ? TrainingData.folds(npzFiles(), folds, preparation())
            : TrainingData.folds(csvFiles(), folds, preparation());
        parts.forEach(this::checkBase);
        warmUp.join();
        crossValidate(backend, parts, ds, mixed, start);
        return 0;
      }
      TrainingData split = ds == Datasets.CSV ? TrainingData.prepare(csvFiles(), preparation())
          : ds == Datasets.IMAGES ? TrainingData.prepare(imageFiles(), preparation())
          : ds == Datasets.NPZ ? TrainingData.prepare(npzFiles(), preparation())
          : TrainingData.prepare(ds, data, preparation());
      checkBase(split);
      warmUp.join(); // before any step of the run: the two would share the kernel threads
      if (labelColumn == null && split.labelColumn() != null) {
        // Recorded by the table's own name for it, so that eval and predict find it in a table of other column order.
        labelColumn = split.labelColumn();
      }
      if (ds == Datasets.IMAGES && imageSize == null) {
        // Recorded as read, so that a resumed run reads its folder at this size whatever the folder holds then.
        imageSize = split.inputShape()[1] + "x" + split.inputShape()[2];
      }
      System.out.println(JsonLine.of(run(backend, split, ds, mixed, resumeFile, start)));
    }
    return 0;
  }

  /**
   * --init-from's network: the file's kind, hidden widths and activation for the options not given; one given that
   * differs is an error (the weights are the file's).
   */
  private void adoptArchitecture(ModelFile file) {
    CommandLine.ParseResult given = spec.commandLine().getParseResult();
    Architecture a = file.architecture();
    MlpSpec mlp = a instanceof MlpSpec m ? m : null;
    ResNetSpec resnet = a instanceof ResNetSpec r ? r : null;
    ModelKind kind = mlp != null ? ModelKind.MLP : resnet != null ? ModelKind.RESNET : ModelKind.CNN;
    String held = initFrom + " holds " + (mlp != null ? "an MLP of hidden widths "
        + RecordedSettings.widths(mlp.hidden()) + " and " + mlp.activation()
        : resnet != null ? "a ResNet of depth " + resnet.depth() : "a CNN");
    if (depth != null && resnet == null) {
      throw new IllegalArgumentException("--depth is for --model resnet; " + held);
    }
    if (given.hasMatchedOption("--model") && modelKind != kind
        || mlp != null && given.hasMatchedOption("--hidden") && !Arrays.equals(hidden, mlp.hidden())
        || mlp != null && given.hasMatchedOption("--activation") && !activation.equals(mlp.activation())
        || resnet != null && depth != null && depth != resnet.depth()) {
      throw new IllegalArgumentException(held + ": leave " + (mlp != null ? "--model, --hidden and --activation"
          : resnet != null ? "--model and --depth" : "--model") + " out to fine-tune it");
    }
    modelKind = kind;
    if (mlp != null) {
      hidden = mlp.hidden();
      activation = mlp.activation();
    } else if (resnet != null) {
      depth = resnet.depth();
    }
  }

  private Monitor watched() {
    return watching().monitor;
  }

  private Watched watching() {
    return monitor != null ? monitor : Watched.VAL_LOSS;
  }

  private double distillTemperature() {
    return distillTemperature != null ? distillTemperature : Distillation.DEFAULT_TEMPERATURE;
  }

  private double distillWeight() {
    return distillWeight != null ? distillWeight : Distillation.DEFAULT_WEIGHT;
  }

  private double lrGamma() {
    return lrGamma != null ? lrGamma : DEFAULT_LR_GAMMA;
  }

  private int plateauPatience() {
    return plateauPatience != null ? plateauPatience : ReduceLrOnPlateau.DEFAULT_PATIENCE;
  }

  private double plateauFactor() {
    return plateauFactor != null ? plateauFactor : ReduceLrOnPlateau.DEFAULT_FACTOR;
  }

  private TrainingData.Preparation preparation() {
    // A new head's targets are other than the file's: their statistics are the data's.
    return new TrainingData.Preparation(valSplit, seed, base == null ? null : base.standardizer(),
        base == null || newHead ? null : base.targetScale(), teacher != null ? "--teacher" : "--init-from");
  }

  /**
   * With --init-from, refuses data the model file was not trained for: other inputs, or (without --new-head) other
   * classes or task; with --teacher, other inputs, classes or task than the teacher's.
   */
  private void checkBase(TrainingData split) {
    if (initFrom != null) {
      InitialWeights.check("--init-from", initFrom, base, split, task != null ? task : Task.CLASSIFICATION, newHead);
    } else if (teacher != null) {
      InitialWeights.check("--teacher", teacher, base, split, task != null ? task : Task.CLASSIFICATION, false);
    }
  }

  /** The share of the average's starting weights past which {@code --ema} warns (see {@link #warnIfShort}). */
  private static final double EMA_START_SHARE = 0.05;

  /** The figures of a run's summary that cross-validation averages over its folds, where the run has them. */
  private static final List<String> FOLD_FIGURES = List.of("test_accuracy", "test_loss", "test_macro_f1",
      "test_mse", "test_rmse", "test_mae", "test_r2", "test_subset_accuracy", "test_hamming_loss", "test_f1_micro",
      "test_f1_macro", "test_roc_auc", "test_average_precision");

  /**
   * {@code --cv}: a run on each fold, its summary printed as a line of {@code event:"fold"}, then the summary of all,
   * each test figure's mean over the folds, its standard deviation (numpy's, ddof 0) and the folds' values, as
   * scikit-learn's {@code cross_validate} scores a model.
   */
  private void crossValidate(Backend backend, List<TrainingData> parts, Datasets ds, Precision mixed, long start)
      throws Exception {
    List<Map<String, Object>> runs = new ArrayList<>();
    for (int f = 0; f < parts.size(); f++) {
      TrainingData fold = parts.get(f);
      Map<String, Object> run = run(backend, fold, ds, mixed, null, System.nanoTime());
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("event", "fold");
      line.put("fold", f + 1);
      line.put("train_examples", fold.train().size());
      line.put("test_examples", fold.test().size());
      run.forEach(line::putIfAbsent);
      System.out.println(JsonLine.of(line));
      runs.add(run);
    }
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("event", "summary");
    s.put("dataset", ds.label());
    s.put("backend", backend.name());
    s.put("folds", parts.size());
    s.put("epochs", runs.get(0).get("epochs"));
    for (String figure : FOLD_FIGURES) {
      if (runs.get(0).get(figure) instanceof Number) {
        double[] values = runs.stream().mapToDouble(r -> ((Number) r.get(figure)).doubleValue()).toArray();
        double mean = Arrays.stream(values).average().orElseThrow();
        s.put(figure, mean);
        s.put(figure + "_std", Math.sqrt(Arrays.stream(values).map(v -> (v - mean) * (v - mean)).average()
            .orElseThrow()));
        s.put(figure + "_folds", Arrays.stream(values).boxed().toList());
      }
    }
    s.put("samples_per_sec", runs.stream().mapToDouble(r -> ((Number) r.get("samples_per_sec")).doubleValue())
        .average().orElseThrow());
    s.put("wall_seconds", (System.nanoTime() - start) / 1e9);
    System.out.println(JsonLine.of(s));
  }

  /**
   * One run on {@code split}: the model built, trained for --epochs with the listeners the options ask for, and
   * scored; returns its summary (the last line of {@code train}'s output).
   */
  private Map<String, Object> run(Backend backend, TrainingData split, Datasets ds, Precision mixed, Path resumeFile,
      long start) throws Exception {
    Generator init = new Generator(seed);
    Generator dropoutRng = new Generator(seed + 1);
    boolean images = modelKind != ModelKind.MLP;
    int[] inputShape = split.inputShape();
    boolean regression = split.targetScale() != null;
    boolean multiLabel = task == Task.MULTILABEL;
    int classes = regression || multiLabel ? split.train().targetSize() : split.train().numClasses();
    Architecture architecture;
    Sequential stack;
    if (images) {
      ImageArchitecture spec = imageArchitecture(inputShape, classes);
      MemoryPlan.of(spec, batch, optimizer, momentum).checkFits(backend.memoryCapacity(), batch);
      architecture = spec;
      stack = spec.build(backend, init, dropoutRng);
    } else {
      MemoryPlan.of(split.train().featureSize(), hidden, classes, batch, optimizer, momentum)
          .checkFits(backend.memoryCapacity(), hidden, batch);
      MlpSpec spec = new MlpSpec(inputShape, hidden, activation, dropout, classes);
      architecture = spec;
      stack = spec.build(backend, init, dropoutRng);
    }
    ModelFile description = ModelFile.of(architecture, split.standardizer(), split.classNames(), ds.label())
        .withFeatureNames(split.featureNames()).withCategories(split.categories());
    if (split.imputer() != null) {
      description = description.withImputer(split.imputer());
    }
    if (regression) {
      description = description.regression(split.targetScale(), split.classNames());
    } else if (multiLabel) {
      description = description.multiLabel(split.classNames());
    }
    if (initFrom != null) {
      InitialWeights.copy(initFrom, stack, backend, newHead);
    }
    long trainable = FrozenLayers.freezeFirst(stack, freeze); // before a checkpoint's optimizer state is checked
    Module model = checkpointSegments > 0 ? stack.checkpointed(checkpointSegments) : stack;
    DataLoader.Layout layout = images ? DataLoader.Layout.EXAMPLE : DataLoader.Layout.FLAT;
    DataLoader.Builder training = DataLoader.builder(split.train()).batchSize(batch).shuffle(true).seed(seed)
        .layout(layout).augment(augmentation(ds));
    if (sampler == Sampler.BALANCED) {
      training.balanceClasses();
    }
    try (DataLoader train = training.build(backend);
        DataLoader test = DataLoader.builder(split.test()).batchSize(1000).layout(layout).build(backend);
        DataLoader validation = split.validation() == null ? null
            : DataLoader.builder(split.validation()).batchSize(1000).layout(layout).build(backend);
        Optimizer opt = optimizer(model, (train.batchesPerEpoch() + accumulate - 1) / accumulate);
        ExponentialMovingAverage average = ema > 0 && !findLr ? new ExponentialMovingAverage(model, ema) : null;
        Predictor taught = teacher == null ? null : Predictor.load(teacher, backend)) {
      Map<String, Generator> rngs = Map.of("dropout", dropoutRng);
      float[] weights = classWeights == null ? null : multiLabel
          ? new ClassWeights(classWeights).resolvePresent(split.train(), split.classNames())
          : new ClassWeights(classWeights).resolve(split.train(), split.classNames());
      Loss loss = regression ? regressionLoss() : multiLabel ? new BceWithLogitsLoss(Reduction.MEAN, weights)
          : new CrossEntropyLoss(Reduction.MEAN, labelSmoothing, weights);
      Trainer trainer = new Trainer(model, opt, loss)
          .clipNorm(clipNorm)
          .nonFinitePolicy(onNonFinite)
          .precision(mixed)
          .validation(validation)
          .maxSkippedInARow(maxSkippedSteps)
          .accumulate(accumulate)
          .rankValidation(watched().needsRanking())
          .mixup(mixing(inputShape))
          .distill(taught == null ? null : new Distillation(taught.model(), distillTemperature(), distillWeight()));
      if (graphs) {
        trainer.graphs(true);
      }
      ReduceLrOnPlateau plateau = schedule == OptimizerChoice.Schedule.PLATEAU
          ? ReduceLrOnPlateau.on(watched(), plateauPatience(), plateauFactor()) : null;
      if (plateau != null) {
        trainer.lrOnPlateau(plateau);
      }
      if (findLr) {
        Map<String, Object> readings = findLr(trainer.nonFinitePolicy(NonFinitePolicy.STOP), opt, train, ds, backend,
            start);
        model.close();
        return readings;
      }
      Map<String, String> resumed = Map.of(); // what the resumed checkpoint recorded: the best validation loss
      if (resumeFile != null) {
        TrainingCheckpoint.Restored restoredRun = TrainingCheckpoint.load(resumeFile, model, opt, average, rngs);
        trainer.setCompletedEpochs(restoredRun.epochs());
        resumed = restoredRun.metadata();
        if (plateau != null) {
          plateau.restore(resumed, opt);
        }
        if (epochs < trainer.completedEpochs()) {
          throw new IllegalArgumentException("--epochs " + epochs + " is the total, and " + resumeFile + " has done "
              + trainer.completedEpochs() + " already");
        }
        System.err.println("resumed from " + resumeFile + " after epoch " + trainer.completedEpochs());
      }
      if (average != null) {
        trainer.averageWeights(average);
        warnIfShort(average, (long) (train.batchesPerEpoch() + accumulate - 1) / accumulate
            * (epochs - trainer.completedEpochs()));
      }
      if (earlyStop > 0) {
        EarlyStopping stopping = EarlyStopping.on(watched(), earlyStop, 0).restoreBestWeights();
        stopping.restore(resumed, trainer.completedEpochs());
        trainer.earlyStopping(stopping);
      }
      Map<String, Object> context = new LinkedHashMap<>();
      context.put("dataset", ds.label());
      context.put("backend", backend.name());
      trainer.listener(noProgress ? ProgressListener.lines(System.out, System.err) : ProgressListener.onConsole());
      if (metrics != null && metrics.toString().endsWith(".csv")) {
        CsvMetricsFile csv = new CsvMetricsFile(metrics, context);
        // before an epoch is spent, not at its end
        csv.checkColumns(validation != null, validation != null && watched().needsRanking());
        trainer.listener(csv);
      } else if (metrics != null) {
        trainer.listener(new MetricsFile(metrics, context));
      }
      if (save != null) {
        CheckpointWriter writer = new CheckpointWriter(save, model, opt, rngs, config()).every(saveEvery)
            .metadata(description.metadata());
        if (validation != null) {
          writer.recordBest(watched(), 0).restoreBest(resumed);
        }
        if (plateau != null) {
          writer.recordPlateau(plateau);
        }
        trainer.listener(writer.average(average));
      }
      if (saveBest != null) {
        CheckpointWriter best = new CheckpointWriter(saveBest, model, opt, rngs, config())
            .onlyWhenBest(watched(), 0).restoreBest(resumed).metadata(description.metadata());
        if (plateau != null) {
          best.recordPlateau(plateau);
        }
        trainer.listener(best.average(average));
      }
      if (plot != null) {
        trainer.listener(new CurvePlotListener(plot, "jgrad train --dataset " + ds.label()));
      }
      if (tensorboard != null) {
        trainer.listener(new TensorBoardWriter(tensorboard));
      }
      List<EpochMetrics> history = trainer.fit(train, test, epochs);
      Map<String, Object> restored = new LinkedHashMap<>();
      // No last epoch's test figures that are the final model's: early stopping put back an earlier epoch's weights,
      // or no epoch ran (--epochs 0, or a resumed run at its total). The model as it ends is evaluated instead.
      if (trainer.restoredEpoch() > 0 || history.isEmpty()) {
        Evaluation last = Evaluation.of(model, loss, test);
        if (!regression && !multiLabel) {
          restored.put("test_accuracy", last.accuracy());
        }
        restored.put("test_loss", last.loss());
        if (trainer.restoredEpoch() > 0) {
          restored.put("best_epoch", trainer.restoredEpoch());
        }
      }
      Map<String, Object> summaryContext = new LinkedHashMap<>(context);
      summaryContext.put("precision", mixed.label()); // the summary's, not each metrics line's (a fixed prefix)
      if (weights != null) {
        List<Double> resolved = new ArrayList<>();
        for (float w : weights) {
          resolved.add((double) w);
        }
        summaryContext.put(multiLabel ? "pos_weight" : "class_weights", resolved);
      }
      if (impute != null) {
        summaryContext.put(IMPUTE, CliEnums.label(impute));
      }
      if (monitor != null) {
        summaryContext.put("monitor", CliEnums.label(monitor));
      }
      if (accumulate > 1) {
        summaryContext.put("accumulate", accumulate);
      }
      if (sampler == Sampler.BALANCED) {
        summaryContext.put("sampler", CliEnums.label(sampler));
      }
      if (average != null) {
        summaryContext.put("ema", ema);
      }
      if (mixup > 0) {
        summaryContext.put("mixup", mixup);
      }
      if (cutmix > 0) {
        summaryContext.put("cutmix", cutmix);
      }
      if (teacher != null) {
        summaryContext.put("teacher", teacher.toString());
        summaryContext.put("distill_temperature", distillTemperature());
        summaryContext.put("distill_weight", distillWeight());
      }
      if (freeze > 0) {
        summaryContext.put("freeze", freeze);
        summaryContext.put("trainable_parameters", trainable);
      }
      if (regression) {
        summaryContext.put(LOSS, CliEnums.label(lossKind()));
        if (lossKind() == RegressionLoss.HUBER) {
          summaryContext.put("huber_delta", huberDelta());
        }
        if (lossKind() == RegressionLoss.QUANTILE) {
          summaryContext.put(QUANTILE, quantile());
        }
      }
      if (trainer.replayedSteps() > 0) {
        summaryContext.put("replayed_steps", trainer.replayedSteps());
      }
      if (regression) { // in the targets' units, as eval reports them
        restored.putAll(RegressionFigures.of(RegressionReport.perTarget(model, test, split.targetScale()),
            lossKind() == RegressionLoss.QUANTILE ? QuantileReport.perTarget(model, test, split.targetScale(),
                quantile()) : List.of(), split.classNames(), "test_"));
      } else if (multiLabel) {
        restored.putAll(MultiLabelFigures.of(MultiLabelReport.of(model, test), split.classNames(), "test_"));
      }
      if (!regression && !multiLabel && !ds.known()) {
        // A data set of the user's own, where two classes are common: how the model ranks them, not only its accuracy.
        ClassificationReport report = ClassificationReport.of(model, new CrossEntropyLoss(Reduction.MEAN, 0), test);
        restored.put("test_macro_f1", report.macroF1());
        restored.put("test_roc_auc", report.rocAuc());
        restored.put("test_average_precision", report.averagePrecision());
      }
      if (calibrate != null) {
        restored.putAll(calibrated(description, stack, validation, test));
      }
      Map<String, Object> summary = summary(summaryContext, history, trainer.completedEpochs(), start, restored,
          !regression && !multiLabel);
      model.close();
      return summary;
    }
  }

  /** {@code --mixup} and {@code --cutmix}: how the batches are mixed, or null. */
  private Mixup mixing(int[] inputShape) {
    if (cutmix > 0 && (inputShape.length != 3 || inputShape[1] < 2 || inputShape[2] < 2)) {
      throw new IllegalArgumentException("--cutmix pastes a box of one image into another; this data's examples are "
          + "of shape " + Arrays.toString(inputShape) + ", not images: use --mixup");
    }
    if (cutmix == 0) {
      return mixup > 0 ? new Mixup(mixup, seed) : null;
    }
    return mixup == 0 ? Mixup.cutMix(cutmix, inputShape, seed) : new Mixup(mixup, seed).withCutMix(cutmix, inputShape);
  }

  /**
   * Says so when the starting weights would still weigh more than {@value #EMA_START_SHARE} of the average at the end
   * of this fit ({@code decay^steps}): a decay too near 1 for the run's length averages mostly its starting point.
   */
  private static void warnIfShort(ExponentialMovingAverage average, long steps) {
    double start = Math.pow(average.decay(), steps);
    if (steps > 0 && start > EMA_START_SHARE) {
      System.err.println(String.format(Locale.ROOT, "--ema %s leaves the starting weights %.2f of the average after "
          + "this run's %d steps (DECAY^steps): a smaller DECAY suits a run this short", average.decay(), start,
          steps));
    }
  }

  /**
   * {@code --calibrate}: the temperature fitted to the validation part's outputs, the model written with it, and the
   * test part's cross-entropy and calibration error without and with it (the predictions are the same).
   */
  private Map<String, Object> calibrated(ModelFile description, Module model, DataLoader validation, DataLoader test)
      throws IOException {
    Loss plain = new CrossEntropyLoss(Reduction.MEAN, 0);
    double t = ClassificationReport.of(model, plain, validation).fittedTemperature();
    description.withTemperature(t).save(calibrate, model);
    ClassificationReport before = ClassificationReport.of(model, plain, test);
    ClassificationReport after = before.tempered(t);
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("temperature", t);
    f.put("calibrated_model", calibrate.toString());
    f.put("test_nll_uncalibrated", before.loss());
    f.put("test_nll_calibrated", after.loss());
    f.put("test_ece_uncalibrated", before.calibrationError(ClassificationReport.CALIBRATION_BINS));
    f.put("test_ece_calibrated", after.calibrationError(ClassificationReport.CALIBRATION_BINS));
    return f;
  }

  /**
   * {@code --find-lr}: the range test ({@link LrFinder}) on this run's model, optimizer (its schedule set aside) and
   * training batches, a JSON line a step; returns the summary with its readings of the curve.
   */
  private Map<String, Object> findLr(Trainer trainer, Optimizer opt, DataLoader train, Datasets ds, Backend backend,
      long start) throws IOException {
    LrFinder.Result r = LrFinder.run(trainer, opt, train, FIND_LR_MIN, FIND_LR_MAX, FIND_LR_STEPS);
    double[] lrs = r.lrs();
    double[] losses = r.losses();
    double[] smoothed = r.smoothed();
    for (int i = 0; i < lrs.length; i++) {
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("event", "lr_find");
      line.put("step", i + 1);
      line.put("lr", lrs[i]);
      line.put("loss", losses[i]);
      line.put("smoothed_loss", smoothed[i]);
      System.out.println(JsonLine.of(line));
    }
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("event", "summary");
    s.put("dataset", ds.label());
    s.put("backend", backend.name());
    s.put("optimizer", CliEnums.label(optimizer));
    s.put("find_lr_steps", lrs.length);
    s.put("diverged", r.diverged());
    s.put("suggested_lr", r.suggestion());
    s.put("minimum_lr", r.minimumLr());
    s.put("steepest_lr", r.steepestLr());
    if (plot != null && lrs.length > 0) {
      CurvePlot.lrRangeTest(lrs, losses, smoothed, r.suggestion(), "jgrad train --find-lr --dataset " + ds.label()
          + " --optimizer " + CliEnums.label(optimizer), plot);
    }
    s.put("wall_seconds", (System.nanoTime() - start) / 1e9);
    return s;
  }

  /**
   * Takes the settings recorded in the checkpoint to resume for every option not given, and refuses an option that
   * contradicts them; returns the checkpoint file.
   */
  private Path adoptRecordedSettings() {
    Path file = Files.isDirectory(resume) ? TrainingCheckpoint.newestValid(resume) : resume;
    Map<String, String> recorded = TrainingCheckpoint.recordedConfig(file);
    String[] merged = RecordedSettings.merge(recorded, config(), spec, file);
    // before it: a new CommandLine injects a fresh spec into this command
    CliEnums.install(new CommandLine(this)).parseArgs(merged);
    String planned = recorded.get(SCHEDULE_EPOCHS);
    scheduleEpochs = planned != null ? Integer.parseInt(planned) : Math.max(1, epochs);
    if (scheduleEpochs < epochs && (schedule == OptimizerChoice.Schedule.COSINE
        || schedule == OptimizerChoice.Schedule.ONECYCLE)) {
      System.err.println("the " + CliEnums.label(schedule) + " learning-rate schedule of " + file + " was planned for "
          + scheduleEpochs + " epochs; the epochs after it run at its final rate");
    }
    return file;
  }

  /** Rejects option values that the library would reject later, or silently misread, naming the option. */
  private void checkOptions() {
    if (epochs < 0) {
      throw new IllegalArgumentException("--epochs must be >= 0, got " + epochs);
    }
    if (Arrays.stream(hidden).anyMatch(h -> h < 1)) {
      throw new IllegalArgumentException("--hidden widths must be >= 1, got " + Arrays.toString(hidden));
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("--dropout must be in [0, 1), got " + dropout);
    }
    if (!(valSplit >= 0 && valSplit < 1)) {
      throw new IllegalArgumentException("--val-split must be in [0, 1), got " + valSplit);
    }
    if (depth != null) {
      if (modelKind != ModelKind.RESNET && initFrom == null) { // --init-from's model kind is known once it is read
        throw new IllegalArgumentException("--depth is for --model resnet");
      }
      ResNetSpec.checkDepth(depth);
    }
    if (earlyStop < 0 || saveEvery < 1) {
      throw new IllegalArgumentException(earlyStop < 0 ? "--early-stop must be >= 0, got " + earlyStop
          : "--save-every must be >= 1, got " + saveEvery);
    }
    if (calibrate != null && (task == Task.REGRESSION || task == Task.MULTILABEL)) {
      throw new IllegalArgumentException("--calibrate fits a classifier's softmax temperature; --task "
          + CliEnums.label(task) + " has none");
    }
    if (valSplit == 0 && calibrate != null) {
      throw new IllegalArgumentException("--calibrate fits the temperature to held-out examples: give --val-split");
    }
    boolean plateau = schedule == OptimizerChoice.Schedule.PLATEAU;
    if (monitor != null && earlyStop == 0 && saveBest == null && !plateau) {
      throw new IllegalArgumentException("--monitor is for --early-stop, --save-best and --schedule plateau (what they "
          + "watch)");
    }
    if (!plateau && (plateauPatience != null || plateauFactor != null)) {
      throw new IllegalArgumentException((plateauPatience != null ? "--plateau-patience" : "--plateau-factor")
          + " is for --schedule plateau");
    }
    boolean step = schedule == OptimizerChoice.Schedule.STEP;
    if (!step && (lrStepEpochs != null || lrGamma != null)) {
      throw new IllegalArgumentException((lrStepEpochs != null ? "--lr-step-epochs" : "--lr-gamma")
          + " is for --schedule step");
    }
    if (step) {
      if (lrStepEpochs == null) {
        throw new IllegalArgumentException("--schedule step needs --lr-step-epochs (the epochs between two reductions "
            + "of the rate, StepLR's step_size)");
      }
      OptionChecks.atLeast("--lr-step-epochs", lrStepEpochs, 1);
      OptionChecks.finitePositive("--lr-gamma", lrGamma());
    }
    if (plateau) {
      OptionChecks.atLeast("--plateau-patience", plateauPatience(), 0);
      if (!(plateauFactor() > 0 && plateauFactor() < 1)) {
        throw new IllegalArgumentException("--plateau-factor must be in (0, 1), got " + plateauFactor());
      }
      if (valSplit == 0) {
        throw new IllegalArgumentException("--schedule plateau lowers the rate when the validation "
            + watching().words + " stops improving: give --val-split "
            + "(the test set never picks a rate)");
      }
    }
    if (monitor == Watched.VAL_ACCURACY && task == Task.REGRESSION) {
      throw new IllegalArgumentException("--monitor val-accuracy: --task regression has no accuracy; watch val-loss");
    }
    if (watched().needsRanking() && (task == Task.REGRESSION || task == Task.MULTILABEL)) {
      throw new IllegalArgumentException("--monitor " + CliEnums.label(monitor) + " ranks a classifier's validation "
          + "examples; --task " + CliEnums.label(task) + " has no classes to rank: watch val-loss");
    }
    if (valSplit == 0 && (earlyStop > 0 || saveBest != null)) {
      throw new IllegalArgumentException((earlyStop > 0 ? "--early-stop" : "--save-best") + " needs --val-split "
          + "(a fraction of the training set to watch; the test set never picks a model)");
    }
    OptionChecks.atLeast("--freeze", freeze, 0);
    OptionChecks.atLeast("--accumulate", accumulate, 1);
    if (!(mixup >= 0 && Double.isFinite(mixup))) {
      throw new IllegalArgumentException("--mixup must be > 0, Beta(ALPHA, ALPHA)'s parameter such as 0.2 (0: off), "
          + "got " + mixup);
    }
    if (!(cutmix >= 0 && Double.isFinite(cutmix))) {
      throw new IllegalArgumentException("--cutmix must be > 0, Beta(ALPHA, ALPHA)'s parameter such as 1 (0: off), "
          + "got " + cutmix);
    }
    if ((mixup > 0 || cutmix > 0) && (task == Task.REGRESSION || task == Task.MULTILABEL)) {
      throw new IllegalArgumentException((mixup > 0 ? "--mixup" : "--cutmix") + " blends a classifier's examples "
          + "with their classes; --task " + CliEnums.label(task) + " has none");
    }
    if (teacher == null && (distillTemperature != null || distillWeight != null)) {
      throw new IllegalArgumentException((distillTemperature != null ? "--distill-temperature" : "--distill-weight")
          + " is for --teacher");
    }
    if (teacher != null) {
      if (mixup > 0 || cutmix > 0) {
        throw new IllegalArgumentException("--teacher and " + (mixup > 0 ? "--mixup" : "--cutmix") + " both change "
            + "what the loss compares with: give one");
      }
      if (!(distillTemperature() > 0 && Double.isFinite(distillTemperature()))) {
        throw new IllegalArgumentException("--distill-temperature must be > 0, got " + distillTemperature());
      }
      if (!(distillWeight() >= 0 && distillWeight() <= 1)) {
        throw new IllegalArgumentException("--distill-weight must be in [0, 1], got " + distillWeight());
      }
    }
    if (ema != 0 && !(ema > 0 && ema < 1)) {
      throw new IllegalArgumentException("--ema must be in (0, 1), a decay such as 0.999 (0: off), got " + ema);
    }
    if (sampler == Sampler.BALANCED && (task == Task.REGRESSION || task == Task.MULTILABEL)) {
      throw new IllegalArgumentException("--sampler balanced draws the classes equally; --task " + CliEnums.label(task)
          + " has none");
    }
    if (sampler == Sampler.BALANCED && classWeights != null) {
      throw new IllegalArgumentException("--sampler balanced and --class-weights both make up for rare classes: give "
          + "one");
    }
    if (checkpointSegments < 0) {
      throw new IllegalArgumentException("--checkpoint-segments must be >= 0, got " + checkpointSegments);
    }
    if (data != null && dataset == null) {
      throw new IllegalArgumentException("--data " + data + " needs --dataset (mnist, fashion-mnist, cifar10, csv, "
          + "images or npz)");
    }
    if (dataset == null) {
      dataset = Datasets.DIGITS;
    }
    if (data != null && dataset == Datasets.DIGITS) {
      throw new IllegalArgumentException("--dataset digits is bundled and reads no --data (got --data " + data + ")");
    }
    checkOwnDataOptions();
    if ((regressionLoss != null || huberDelta != null || quantile != null) && task != Task.REGRESSION) {
      throw new IllegalArgumentException((regressionLoss != null ? "--loss" : huberDelta != null ? "--huber-delta"
          : "--quantile") + " is for --task regression (a classifier trains on cross-entropy)");
    }
    if (findLr && accumulate > 1) {
      throw new IllegalArgumentException("--find-lr steps after every batch: leave --accumulate out (a rate for "
          + "--accumulate " + accumulate + " is one for --batch " + (long) batch * accumulate + ")");
    }
    if (findLr) {
      String kept = save != null ? "--save" : saveBest != null ? "--save-best" : calibrate != null ? "--calibrate"
          : resume != null ? "--resume"
          : folds != null ? "--cv" : metrics != null ? "--metrics" : tensorboard != null ? "--tensorboard"
          : earlyStop > 0 ? "--early-stop" : null;
      if (kept != null) {
        throw new IllegalArgumentException(kept + " is for a training run; --find-lr trains nothing it keeps (run it, "
            + "then train with --lr set to its suggestion)");
      }
    }
    if (folds != null) {
      OptionChecks.atLeast("--cv", folds, 2);
      String oneRun = testData != null ? "--test-data" : testSplit != null ? "--test-split" : save != null ? "--save"
          : saveBest != null ? "--save-best" : calibrate != null ? "--calibrate" : resume != null ? "--resume"
          : metrics != null ? "--metrics"
          : plot != null ? "--plot" : tensorboard != null ? "--tensorboard" : null;
      if (oneRun != null) {
        throw new IllegalArgumentException(oneRun + " is for one run; --cv " + folds + " trains " + folds + " models, "
            + "each tested on its own fold");
      }
    }
    if (huberDelta != null) {
      if (lossKind() != RegressionLoss.HUBER) {
        throw new IllegalArgumentException("--huber-delta is for --loss huber");
      }
      OptionChecks.finitePositive("--huber-delta", huberDelta);
    }
    if (quantile != null) {
      if (lossKind() != RegressionLoss.QUANTILE) {
        throw new IllegalArgumentException("--quantile is for --loss quantile");
      }
      if (!(quantile > 0 && quantile < 1)) {
        throw new IllegalArgumentException("--quantile must be in (0, 1), got " + quantile);
      }
    }
    if (lr != null) {
      OptionChecks.finitePositive("--lr", lr);
    }
    if (weightDecay != null) {
      OptionChecks.finiteAtLeast("--weight-decay", weightDecay, 0);
    }
    OptionChecks.finiteAtLeast("--momentum", momentum, 0);
    if (classWeights != null) {
      new ClassWeights(classWeights).given(); // its form, before the data loads
    }
    OptionChecks.finiteAtLeast("--clip-norm", clipNorm, 0);
    OptionChecks.atLeast("--warm-up", warmUpSteps, 0);
    if (maxSkippedSteps < 1) {
      throw new IllegalArgumentException("--max-skipped-steps must be >= 1, got " + maxSkippedSteps);
    }
  }

  /**
   * The options of a data set of one's own: the test part's for a table or an image folder, the label column's and the
   * task's for a table alone, the image size's for a folder alone; a table trains an MLP.
   */
  private void checkOwnDataOptions() {
    String tableOnly = labelColumn != null ? "--label-column" : task != null ? "--task"
        : impute != null ? "--impute" : ignoreColumns != null ? "--ignore-columns" : folds != null ? "--cv" : null;
    String testPart = testData != null ? "--test-data" : testSplit != null ? "--test-split" : null;
    if (dataset.known()) {
      String stray = tableOnly != null ? tableOnly : testPart != null ? testPart
          : imageSize != null ? "--image-size" : null;
      if (stray != null) {
        throw new IllegalArgumentException(stray + " is for --dataset " + (tableOnly != null ? "csv"
            : testPart != null ? "csv, images or npz" : "images") + " (the " + dataset.label() + " files say their "
            + (stray.equals("--image-size") ? "size" : "labels and test part") + ")");
      }
      return;
    }
    if (dataset == Datasets.IMAGES && tableOnly != null) {
      throw new IllegalArgumentException(tableOnly + " is for --dataset csv (an image folder's classes are its "
          + "folders)");
    }
    if (dataset != Datasets.IMAGES && imageSize != null) {
      throw new IllegalArgumentException("--image-size is for --dataset images; " + (dataset == Datasets.CSV
          ? "--dataset csv is a table" : "an archive's arrays have their size"));
    }
    if (data == null) {
      throw new IllegalArgumentException(dataset == Datasets.CSV
          ? "--dataset csv needs --data FILE.csv (the table to train on)"
          : dataset == Datasets.NPZ ? "--dataset npz needs --data FILE.npz (the arrays to train on, x and y)"
          : "--dataset images needs --data DIR (a folder holding one folder of images per class, named after it)");
    }
    if (testData != null && testSplit != null) {
      throw new IllegalArgumentException("--test-data " + testData + " is the test part: --test-split "
          + testSplit + " would hold out another");
    }
    if (testSplit != null && !(testSplit > 0 && testSplit < 1)) {
      throw new IllegalArgumentException("--test-split must be in (0, 1), got " + testSplit);
    }
    if (dataset == Datasets.IMAGES) {
      imageSide(); // checked now, before the folder is read
      return;
    }
    if (dataset == Datasets.NPZ) {
      checkArrayOptions(tableOnly);
      return;
    }
    if (modelKind != ModelKind.MLP || augment == Augment.ON) {
      throw new IllegalArgumentException(imageOption() + " needs images; --dataset csv is a table: train an MLP on it "
          + "(--model mlp, the default)");
    }
    labels(); // a list of targets, or of columns left out, with an empty name is refused before the table is read
    ignoredColumns();
    checkTaskOptions();
  }

  /** The options a table's task refuses: class weights for values, label smoothing for other than exclusive classes. */
  private void checkTaskOptions() {
    if (task == Task.REGRESSION && classWeights != null) {
      throw new IllegalArgumentException("--class-weights is for classes; --task regression fits values");
    }
    if (task != null && task != Task.CLASSIFICATION
        && spec.commandLine().getParseResult().hasMatchedOption("--label-smoothing")) {
      throw new IllegalArgumentException(task == Task.REGRESSION ? "--label-smoothing is for classes; --task "
          + "regression fits values (its loss is the mean squared error)" : "--label-smoothing is for exclusive classes; "
          + "--task multilabel trains on each label's binary cross-entropy");
    }
  }

  /**
   * The options of a NumPy archive: a table's (--task) where its inputs are a table, an image set's (--model cnn or
   * resnet, --augment on) where they are images; a CSV table's columns are none of its.
   */
  private void checkArrayOptions(String tableOnly) {
    if (tableOnly != null && !tableOnly.equals("--task") && !tableOnly.equals("--cv")) {
      throw new IllegalArgumentException(tableOnly + " is for --dataset csv (an archive's labels are its y array)");
    }
    if (NumpyDataset.isImages(NpzFiles.inputs(data))) {
      if (task == Task.REGRESSION || task == Task.MULTILABEL) {
        throw new IllegalArgumentException("--task " + CliEnums.label(task) + " fits a table; " + data + " holds "
            + "images (a classifier's, --task classification)");
      }
    } else if (modelKind != ModelKind.MLP || augment == Augment.ON) {
      throw new IllegalArgumentException(imageOption() + " needs images; " + data + " holds a table (N, F): train an "
          + "MLP on it (--model mlp, the default)");
    }
    checkTaskOptions();
  }

  /** {@code --image-size} as [height, width], or {0, 0} where it is not given. */
  private int[] imageSide() {
    if (imageSize == null) {
      return new int[] {0, 0};
    }
    String[] parts = imageSize.split("x", -1);
    try {
      int height = Integer.parseInt(parts[0]);
      int width = parts.length == 2 ? Integer.parseInt(parts[1]) : parts.length == 1 ? height : -1;
      if (height >= 1 && width >= 1) {
        return new int[] {height, width};
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new IllegalArgumentException("--image-size must be a side (28) or HEIGHTxWIDTH (32x48) of whole pixels, "
        + "got '" + imageSize + "'");
  }

  private ImageFiles imageFiles() {
    int[] side = imageSide();
    return new ImageFiles(data, testData, heldOutFraction(), side[0], side[1]);
  }

  private RegressionLoss lossKind() {
    return regressionLoss != null ? regressionLoss : RegressionLoss.MSE;
  }

  private double huberDelta() {
    return huberDelta != null ? huberDelta : DEFAULT_HUBER_DELTA;
  }

  private double quantile() {
    return quantile != null ? quantile : DEFAULT_QUANTILE;
  }

  /** The criterion of a regression, on the standardised targets. */
  private Loss regressionLoss() {
    return switch (lossKind()) {
      case MSE -> new MseLoss();
      case L1 -> new L1Loss();
      case HUBER -> new HuberLoss(huberDelta(), Reduction.MEAN);
      case QUANTILE -> new QuantileLoss(quantile());
    };
  }

  /**
   * How many label columns a row of the table holds: the targets or labels --label-column names for regression or
   * multi-label classification, else one.
   */
  private int labels() {
    return task != null && task != Task.CLASSIFICATION && labelColumn != null
        ? CsvFiles.columns("--label-column", labelColumn).size() : 1;
  }

  /** The columns --ignore-columns leaves out; none without it. */
  private List<String> ignoredColumns() {
    return ignoreColumns == null ? List.of() : CsvFiles.columns("--ignore-columns", ignoreColumns);
  }

  private NpzFiles npzFiles() {
    return new NpzFiles(data, testData, testSplit, task != null ? task : Task.CLASSIFICATION);
  }

  private CsvFiles csvFiles() {
    return new CsvFiles(data, testData, heldOutFraction(), labelColumn, task != null ? task : Task.CLASSIFICATION,
        impute, ignoredColumns());
  }

  /** The fraction of --data held out for testing: none with --test-data, else --test-split or its default. */
  private double heldOutFraction() {
    return testData != null ? 0 : testSplit != null ? testSplit : HeldOut.DEFAULT_FRACTION;
  }

  /**
   * Every output is checked before the data loads (see {@link OutputPaths}); a --save path that already holds a file
   * this run does not resume from is another run's checkpoint, kept unless --overwrite says otherwise.
   */
  private void checkOutputs() {
    new OutputPaths().add("--save", save).add("--save-best", saveBest).add("--calibrate", calibrate)
        .add("--metrics", metrics)
        .addPng("--plot", plot).addFolder("--tensorboard", tensorboard);
    keepOtherRuns("--save", save);
    keepOtherRuns("--save-best", saveBest);
  }

  private void keepOtherRuns(String option, Path checkpoint) {
    if (checkpoint != null && Files.exists(checkpoint) && !overwrite && !resumesFrom(checkpoint)) {
      throw new IllegalArgumentException(option + " " + checkpoint + " already holds a file this run does not resume "
          + "from (another run's checkpoint?): pass --resume " + checkpoint + " to continue that run, or --overwrite "
          + "to replace it");
    }
  }

  /** Whether --resume names {@code file} itself or the folder it is in. */
  private boolean resumesFrom(Path file) {
    if (resume == null) {
      return false;
    }
    try {
      Path target = file.toRealPath();
      Path from = resume.toRealPath();
      return from.equals(target) || Files.isDirectory(from) && from.equals(target.getParent());
    } catch (IOException e) {
      return false;
    }
  }

  /** --augment resolved: auto augments CIFAR-10 only (Fashion-MNIST and digits lose accuracy to flips and crops). */
  private Augmentation augmentation(Datasets ds) {
    boolean on = augment == Augment.ON || (augment == Augment.AUTO && ds == Datasets.CIFAR10);
    return on ? Augmentation.CROP_AND_FLIP : Augmentation.NONE;
  }

  /** The run's optimizer and schedule, for epochs of {@code stepsPerEpoch} optimizer steps. */
  private Optimizer optimizer(Module model, long stepsPerEpoch) {
    Optimizer opt = choice().build(model.namedParameters(), scheduleEpochs * stepsPerEpoch);
    if (schedule == OptimizerChoice.Schedule.STEP) {
      opt.setSchedule(new StepLR(peakLr(), lrStepEpochs * stepsPerEpoch, lrGamma()));
    }
    return opt;
  }

  /**
   * The settings a checkpoint records, by option name, with the values in effect (defaults resolved), so that a resume
   * continues the same run (see {@link RecordedSettings}).
   */
  private Map<String, String> config() {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("dataset", CliEnums.label(dataset));
    c.put("model", CliEnums.label(modelKind));
    if (modelKind == ModelKind.RESNET) {
      c.put("depth", Integer.toString(resNetDepth()));
    }
    c.put("augment", CliEnums.label(augment));
    c.put("hidden", RecordedSettings.widths(hidden));
    c.put("activation", activation);
    c.put("dropout", Double.toString(dropout));
    c.put("optimizer", CliEnums.label(optimizer));
    c.put("lr", Double.toString(peakLr()));
    if (optimizer == OptimizerChoice.Kind.SGD) {
      c.put("momentum", Double.toString(momentum));
    }
    c.put("weight-decay", Double.toString(weightDecay()));
    c.put("schedule", CliEnums.label(schedule));
    if (schedule == OptimizerChoice.Schedule.STEP || lrStepEpochs != null || lrGamma != null) {
      c.put("lr-step-epochs", String.valueOf(lrStepEpochs));
      c.put("lr-gamma", Double.toString(lrGamma()));
    }
    if (schedule == OptimizerChoice.Schedule.PLATEAU || plateauPatience != null || plateauFactor != null) {
      c.put("plateau-patience", Integer.toString(plateauPatience()));
      c.put("plateau-factor", Double.toString(plateauFactor()));
    }
    c.put(SCHEDULE_EPOCHS, Integer.toString(scheduleEpochs));
    if (task == null || task == Task.CLASSIFICATION) {
      c.put("label-smoothing", Double.toString(labelSmoothing));
    }
    if (classWeights != null) {
      c.put("class-weights", classWeights);
    }
    if (impute != null) {
      c.put(IMPUTE, CliEnums.label(impute));
    }
    if (ignoreColumns != null) {
      c.put(CsvFiles.IGNORE_COLUMNS, String.join(",", ignoredColumns()));
    }
    // A checkpoint from before these were recorded trained every layer, stepped every batch and shuffled.
    c.put("freeze", Integer.toString(freeze));
    c.put("accumulate", Integer.toString(accumulate));
    c.put("sampler", CliEnums.label(sampler));
    c.put("ema", Double.toString(ema));
    c.put("mixup", Double.toString(mixup));
    c.put("cutmix", Double.toString(cutmix));
    if (teacher != null) {
      c.put("teacher", teacher.toString());
      c.put("distill-temperature", Double.toString(distillTemperature()));
      c.put("distill-weight", Double.toString(distillWeight()));
    }
    c.put("clip-norm", Double.toString(clipNorm));
    c.put("batch", Integer.toString(batch));
    c.put("val-split", Double.toString(valSplit));
    c.put("seed", Long.toString(seed));
    if (initializedFrom != null) {
      c.put(INITIALIZED_FROM, initializedFrom);
    }
    if (monitor != null) { // a resumed run's early stopping and save-best go on watching it
      c.put("monitor", CliEnums.label(monitor));
    }
    c.put("precision", precision.label()); // a checkpoint from before it was recorded resumes in fp32, the default then
    // eval reads the label column from here; the files are named again on resume. Before --resume has filled in the
    // data set, what was given stands for itself.
    boolean table = dataset == Datasets.CSV;
    if (table || labelColumn != null) {
      c.put(CsvFiles.LABEL_COLUMN, labelColumn != null ? labelColumn : CsvFiles.LAST_COLUMN);
    }
    if (table || dataset == Datasets.NPZ || task != null) {
      c.put(CsvFiles.TASK, CliEnums.label(task != null ? task : Task.CLASSIFICATION));
    }
    // A checkpoint from before --loss was recorded resumes with mse, the only loss then.
    if (task == Task.REGRESSION || regressionLoss != null) {
      c.put(LOSS, CliEnums.label(lossKind()));
    }
    if (lossKind() == RegressionLoss.HUBER || huberDelta != null) {
      c.put(HUBER_DELTA, Double.toString(huberDelta()));
    }
    if (lossKind() == RegressionLoss.QUANTILE || quantile != null) {
      c.put(QUANTILE, Double.toString(quantile()));
    }
    // An archive may hold its test part (x_test, y_test), where a test split is refused: it records one given alone.
    boolean ownData = dataset != null && !dataset.known() && dataset != Datasets.NPZ;
    if (ownData && testData == null || testSplit != null) {
      c.put("test-split", Double.toString(testSplit != null ? testSplit : HeldOut.DEFAULT_FRACTION));
    }
    if (imageSize != null) {
      int[] side = imageSide();
      c.put("image-size", side[0] + "x" + side[1]);
    }
    return c;
  }

  /**
   * The chosen backend; on a CPU backend with C2 kept for the kernels ({@link JitDirectives}), measured on training
   * runs. A command that only evaluates is over before C2 would reach the bookkeeping, so it installs none.
   */
  private Backend openBackend(LeakDetection leaks) {
    Backend backend = backendChoice.open(BackendOptions.defaults().withLeakDetection(leaks));
    JitDirectives.installFor(backend);
    return backend;
  }

  /**
   * The JIT warm-up of {@link JitWarmUp}, started now, for the network and recipe of this run on examples shaped as
   * {@code ds}'s files are; none with --warm-up 0, on a device backend (whose kernels are not Java), or for a network
   * that takes more than a quarter of the memory the backend has free.
   */
  private JitWarmUp warmUp(Backend backend, Datasets ds) {
    // A table's width is its first row's, less the label, and an image folder's shape its first image's; their classes
    // are known once they are read, and the warm-up's guess changes only the output layer's width, whose products are
    // small either way.
    int[] shape = ds.known() ? ds.inputShape(ds.featureSize())
        : ds == Datasets.IMAGES ? imageFiles().firstShape()
        : ds == Datasets.NPZ ? npzFiles().firstShape()
        : new int[] {CsvFiles.cellsInFirstRow(data) - labels() - ignoredColumns().size()};
    int features = shape == null ? 0 : Arrays.stream(shape).reduce(1, Math::multiplyExact);
    if (warmUpSteps == 0 || !backend.name().startsWith("cpu") || features < 1) {
      return JitWarmUp.none();
    }
    int classes = ds.known() ? ds.classNames.size() : WARM_UP_CLASSES;
    boolean images = modelKind != ModelKind.MLP;
    MemoryPlan plan = images ? MemoryPlan.of(imageArchitecture(shape, classes), batch, optimizer, momentum)
        : MemoryPlan.of(features, hidden, classes, batch, optimizer, momentum);
    if (!plan.fitsIn(backend.memoryCapacity(), 0.25)) {
      return JitWarmUp.none(); // its copy beside the loading data would crowd the run; the run reports what is too big
    }
    Supplier<Module> network = () -> images
        ? imageArchitecture(shape, classes).build(backend, new Generator(1), new Generator(2))
        : new MlpSpec(shape, hidden, activation, dropout, classes).build(backend, new Generator(1), new Generator(2));
    JitWarmUp.Recipe recipe = new JitWarmUp.Recipe(network,
        model -> choice().build(model.namedParameters(), warmUpSteps), new CrossEntropyLoss(Reduction.MEAN,
        labelSmoothing), precision, batch, shape, classes, images ? DataLoader.Layout.EXAMPLE : DataLoader.Layout.FLAT);
    return JitWarmUp.start(backend, recipe, warmUpSteps);
  }

  /** --model cnn's or resnet's network for images of {@code shape}. */
  private ImageArchitecture imageArchitecture(int[] shape, int classes) {
    return modelKind == ModelKind.RESNET ? new ResNetSpec(shape, resNetDepth(), dropout, classes)
        : new CnnSpec(shape, dropout, classes);
  }

  private int resNetDepth() {
    return depth == null ? ResNetSpec.DEFAULT_DEPTH : depth;
  }

  /** The option that asked for images: --model cnn or resnet, or --augment on. */
  private String imageOption() {
    return modelKind != ModelKind.MLP ? "--model " + CliEnums.label(modelKind) : "--augment on";
  }

  private OptimizerChoice choice() {
    return new OptimizerChoice(optimizer, lr != null ? lr : defaultLr(), momentum, weightDecay, schedule);
  }

  /**
   * The convolutional networks' own default under Adam/AdamW, or null for the optimizer's: 10 epochs of the CNN on
   * Fashion-MNIST reach 0.9314 and 0.9309 at 5e-3 (seeds 0, 1) against 0.9258–0.9265 at 1e-3, 3 of ResNet-20 0.9245
   * against 0.9217 (docs/benchmarks.md, "CPU: the CNN", "CPU: the ResNet").
   */
  private Double defaultLr() {
    return modelKind != ModelKind.MLP && optimizer != OptimizerChoice.Kind.SGD ? CONV_NET_ADAM_LR : null;
  }

  private double peakLr() {
    return choice().peakLr();
  }

  private double weightDecay() {
    return choice().resolvedWeightDecay();
  }

  /**
   * @param restored the test figures of the weights early stopping put back, replacing the last epoch's, and a
   *     regression model's fit
   * @param classifier whether the model picks one class an example, whose summary has its accuracy (a regression
   *     or multi-label model's has its own figures in {@code restored})
   */
  private static Map<String, Object> summary(Map<String, Object> context, List<EpochMetrics> history, int epochs,
      long start, Map<String, Object> restored, boolean classifier) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("event", "summary");
    s.putAll(context);
    s.put("epochs", epochs);
    EpochMetrics last = history.isEmpty() ? null : history.get(history.size() - 1);
    if (classifier) {
      s.put("test_accuracy", last == null ? null : last.testAccuracy());
    }
    s.put("test_loss", last == null ? null : last.testLoss());
    s.put("train_loss", last == null ? null : last.trainLoss());
    s.put("samples_per_sec", history.stream().mapToDouble(EpochMetrics::samplesPerSec).average().orElse(Double.NaN));
    s.put("peak_activation_bytes", history.stream().mapToLong(EpochMetrics::peakActivationBytes).max().orElse(0));
    s.put("wall_seconds", (System.nanoTime() - start) / 1e9);
    s.putAll(restored);
    return s;
  }
}
