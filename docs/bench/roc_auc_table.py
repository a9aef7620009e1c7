"""The ranking figures of a two-class table beside scikit-learn's (docs/benchmarks.md, "Ranking: ROC AUC and average
precision").

  write OUT.csv      scikit-learn's breast cancer table (569 rows, 30 measurements, `diagnosis` benign/malignant)
  cv TABLE.csv       5-fold cross-validated ROC AUC, average precision and accuracy of scikit-learn's standardised
                     logistic regression and MLPClassifier (512, 256), StratifiedKFold(shuffle=True, random_state=0)
  check PRED.csv TABLE.csv COLUMN POSITIVE
                     roc_auc_score and average_precision_score of `jgrad predict --format csv`'s probability_POSITIVE
                     against TABLE's COLUMN, what `jgrad eval` on TABLE reports

Run: /usr/bin/python3 docs/bench/roc_auc_table.py write|cv|check ...
"""
import csv
import json
import sys

import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def write(out):
    d = load_breast_cancer()
    with open(out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow([n.replace(" ", "_") for n in d.feature_names] + ["diagnosis"])
        for x, t in zip(d.data, d.target):
            w.writerow(list(x) + [d.target_names[t]])


def read(table, column):
    with open(table) as f:
        rows = list(csv.DictReader(f))
    names = [n for n in rows[0] if n != column]
    return np.array([[float(r[n]) for n in names] for r in rows]), [r[column] for r in rows]


def cv(table):
    x, labels = read(table, "diagnosis")
    y = np.array([1 if v == "malignant" else 0 for v in labels])  # the second class in text order, as jgrad's
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    models = {"logistic_regression": LogisticRegression(max_iter=5000),
              "mlp_classifier": MLPClassifier((512, 256), max_iter=500, random_state=0)}
    for name, model in models.items():
        r = cross_validate(make_pipeline(StandardScaler(), model), x, y, cv=folds,
                           scoring=["roc_auc", "average_precision", "accuracy"])
        line = {"model": name}
        for s in ["roc_auc", "average_precision", "accuracy"]:
            line[s] = float(r["test_" + s].mean())
            line[s + "_std"] = float(r["test_" + s].std())
        print(json.dumps(line))


def check(pred, table, column, positive):
    with open(table) as f:
        truth = [r[column] == positive for r in csv.DictReader(f)]
    with open(pred) as f:
        p = [float(r["probability_" + positive]) for r in csv.DictReader(f)]
    print(json.dumps({"roc_auc": roc_auc_score(truth, p), "average_precision": average_precision_score(truth, p)}))


if __name__ == "__main__":
    {"write": write, "cv": cv, "check": check}[sys.argv[1]](*sys.argv[2:])
