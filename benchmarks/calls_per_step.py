"""Python-level calls per training step on the overhead-bound workloads.

A step of a small network (workload A: digits, 64-64-10, batch 32; E: batch
size 1) is bound by the fixed cost of each call, not by arithmetic. This
counts the calls cProfile sees over a whole ``fit`` (Python functions and
builtins, not the numpy ufuncs they call) and divides by the number of
training steps. Issue 16 took A from 52.2 to 46.2 and E from 45.4 to 40.4.

Run::

    python benchmarks/calls_per_step.py
"""

import cProfile
import pstats
import warnings

from bench_vs_sklearn import load, make_ours, workloads


def main():
    warnings.simplefilter("ignore")
    for w in workloads("full", quick=False):
        if w.key not in ("A", "E"):
            continue
        X, _, y, _ = load(w)
        model = make_ours(w, w.epochs)
        model.fit(X, y)  # warm: imports and caches
        profile = cProfile.Profile()
        profile.runcall(model.fit, X, y)
        calls = pstats.Stats(profile).total_calls
        steps = w.epochs * -(-len(X) // w.batch_size)
        print(f"{w.name}: {calls / steps:.1f} calls per step ({calls} over {steps})")


if __name__ == "__main__":
    main()
