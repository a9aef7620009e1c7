"""PyTorch CPU reference for `jgrad train --dataset csv --task multilabel`: training and test CSV tables of numbers with
a header and the 0/1 labels in the last --labels columns, read with numpy, each feature standardised with the training
part's mean and std, then torch_recipe.py's recipe with one output a label and BCEWithLogitsLoss (the same MLP, 512-256
with dropout 0.2, AdamW, warmup + cosine; batch --batch), a label predicted where sigmoid(output) > 0.5. One JSON line
per epoch; the summary gives scikit-learn's figures on the test part (subset accuracy, Hamming loss, F1 micro and
macro, each label's F1), a one-vs-rest logistic regression's subset accuracy on the same parts beside them, and
samples_per_sec as the mean over epochs (as `jgrad train`'s). --pos-weight balanced weighs each label's present
examples by its absent / present training examples (BCEWithLogitsLoss's pos_weight, `--class-weights balanced`).

Run: LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 docs/bench/torch_multilabel.py \
         --train TRAIN.csv --test TEST.csv --labels 5 [--pos-weight balanced] [--epochs 10] [--batch 128]
         [--threads 2]
"""
import json

import numpy as np
import torch
from sklearn.metrics import accuracy_score, f1_score, hamming_loss, precision_score, recall_score
from torch import nn

from torch_recipe import arguments
from torch_regression import read, standardised, train_mlp


def main():
    def extra(ap):
        ap.add_argument("--train", required=True)
        ap.add_argument("--test", required=True)
        ap.add_argument("--batch", type=int, default=128)
        ap.add_argument("--labels", type=int, required=True)
        ap.add_argument("--pos-weight", choices=("none", "balanced"), default="none")
    args = arguments(extra)
    x_train, y_train = read(args.train, args.labels)
    x_test, y_test = read(args.test, args.labels)
    with open(args.train) as f:
        names = f.readline().strip().split(",")[-args.labels:]
    x_train, x_test = standardised(x_train, x_test)
    present = y_train.sum(axis=0)
    pos_weight = torch.from_numpy(((len(y_train) - present) / present).astype(np.float32))
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=pos_weight if args.pos_weight == "balanced" else None)
    model, rates = train_mlp(args, "multilabel", x_train, y_train, args.labels, loss_fn)
    with torch.no_grad():
        predicted = (torch.sigmoid(model(torch.from_numpy(x_test))) > 0.5).numpy().astype(int)
    truth = y_test.astype(int)
    summary = {"bench": "multilabel", "event": "summary", "backend": "torch", "threads": args.threads,
               "torch": torch.__version__, "epochs": args.epochs,
               "test_subset_accuracy": accuracy_score(truth, predicted),
               "test_hamming_loss": hamming_loss(truth, predicted),
               "test_f1_micro": f1_score(truth, predicted, average="micro", zero_division=0),
               "test_f1_macro": f1_score(truth, predicted, average="macro", zero_division=0),
               "test_f1_per_label": dict(zip(names, f1_score(truth, predicted, average=None,
                                                             zero_division=0).tolist())),
               "test_recall_macro": recall_score(truth, predicted, average="macro", zero_division=0),
               "test_precision_macro": precision_score(truth, predicted, average="macro", zero_division=0),
               "pos_weight": pos_weight.tolist() if args.pos_weight == "balanced" else None,
               "samples_per_sec": round(sum(rates) / len(rates))}
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    linear = OneVsRestClassifier(LogisticRegression(max_iter=1000)).fit(x_train, y_train.astype(int))
    summary["logistic_regression_subset_accuracy"] = accuracy_score(truth, linear.predict(x_test))
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
