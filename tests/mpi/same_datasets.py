#!/usr/bin/python3
"""Exit 0 when two migflow result files hold identical datasets (values, shapes, types)
and the same root attributes, except those that describe how the run was executed."""
import sys

import h5py
import numpy as np

# Attributes that may differ between runs of the same scenario and seed: how the run was
# executed, and which build ran it (build_*: an MPI build and a serial one name different
# MPI libraries, a rebuilt tree another commit; the datasets must still agree).
EXECUTION_ATTRS = {"threads", "ranks", "wall_seconds"}


def execution_attr(key):
    return key in EXECUTION_ATTRS or key.startswith("build_")


def items(f):
    out = {}
    f.visititems(lambda name, obj: out.__setitem__(name, obj))
    return out


def same_value(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b)


def compare(path_a, path_b):
    problems = []
    with h5py.File(path_a, "r") as fa, h5py.File(path_b, "r") as fb:
        ia, ib = items(fa), items(fb)
        for name in sorted(set(ia) ^ set(ib)):
            problems.append(f"{name}: only in {'the first' if name in ia else 'the second'} file")
        datasets = 0
        for name in sorted(set(ia) & set(ib)):
            if not isinstance(ia[name], h5py.Dataset):
                continue
            datasets += 1
            if not same_value(ia[name][()], ib[name][()]):
                problems.append(f"{name}: values differ")
        for key in sorted(set(fa.attrs) | set(fb.attrs)):
            if execution_attr(key):
                continue
            if key not in fa.attrs or key not in fb.attrs or not same_value(fa.attrs[key], fb.attrs[key]):
                problems.append(f"root attribute {key} differs")
        if datasets == 0:
            problems.append("no datasets compared")
    return problems


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: same_datasets.py A.h5 B.h5")
    problems = compare(sys.argv[1], sys.argv[2])
    for p in problems:
        print(f"{sys.argv[1]} vs {sys.argv[2]}: {p}")
    sys.exit(1 if problems else 0)
