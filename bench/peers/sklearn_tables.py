"""The scikit-learn data sets the leaderboard uses, written as CSV files the way a user
would export them: one column a feature (scikit-learn's feature names), the label last
(class names as text where scikit-learn has them). Only data sets bundled with
scikit-learn (nothing is downloaded). Prints one JSON line:
{"files": {name: path}, "sklearn": version}.

    python sklearn_tables.py --dir DIR iris wine breast-cancer diabetes digits
"""
import argparse
import csv
import json
import os

import sklearn
from sklearn import datasets

# name: (loader, label column, whether the classes are written as their names)
TABLES = {
    "iris": (lambda: datasets.load_iris(), "species", True),
    "wine": (lambda: datasets.load_wine(), "cultivar", True),
    "breast-cancer": (lambda: datasets.load_breast_cancer(), "diagnosis", True),
    # The raw measurements (age in years, sex 1/2, …), as the original table has them,
    # not scikit-learn's default of centred and scaled columns.
    "diabetes": (lambda: datasets.load_diabetes(scaled=False), "progression", False),
    "digits": (lambda: datasets.load_digits(), "digit", False),
}


def cell(value):
    """A number as a CSV cell: integers without a decimal point, others to 10 digits."""
    number = float(value)
    return str(int(number)) if number.is_integer() else format(number, ".10g")


def write(name, folder):
    load, label, named = TABLES[name]
    bunch = load()
    path = os.path.join(folder, f"{name}.csv")
    with open(path, "w", newline="") as f:
        out = csv.writer(f)
        out.writerow([*bunch.feature_names, label])
        for features, target in zip(bunch.data, bunch.target):
            out.writerow([*(cell(v) for v in features), bunch.target_names[target] if named else cell(target)])
    return path


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("names", nargs="+", choices=sorted(TABLES))
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    print(json.dumps({"files": {name: write(name, args.dir) for name in args.names}, "sklearn": sklearn.__version__}), flush=True)


main()
