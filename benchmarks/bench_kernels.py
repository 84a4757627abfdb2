"""Each fused update kernel against the numpy formulas of the same rule.

Times one update of every gradient rule on the parameter vectors of the
benchmark's workloads C (512-256-1, 131,585 parameters) and D (2048-1024-10,
2.1M), float64 and float32, the L2 penalty folded into the kernel (the
numpy formulas get the full gradient, as the numpy path does; its penalty
passes are not counted). Needs numba (the ``speed`` extra).

Run::

    python benchmarks/bench_kernels.py
"""

import timeit

import numpy as np

from skmomentum._network import NetworkObjective
from skmomentum.solvers import SGD, Adam, Momentum, Nesterov, RMSprop, _gradient

SOLVERS = [SGD(0.01), Momentum(0.01), Nesterov(0.01), RMSprop(0.001), Adam(0.001)]


def best_us(update, number):
    return min(timeit.repeat(update, number=number, repeat=5)) / number * 1e6


def main():
    kernels = _gradient._load_kernels()
    if kernels is None:
        raise SystemExit("numba is not installed: pip install 'skmomentum[speed]'")
    for units in ([512, 256, 1], [2048, 1024, 10]):
        objective = NetworkObjective(
            units, "relu", "logistic", "log_loss", 1e-4, np.float64, 1
        )
        bounds, n = objective.l2_bounds, int(objective.l2_bounds[-1])
        number = max(1, 4_000_000 // n)
        for dtype in (np.float64, np.float32):
            cells = []
            for solver in SOLVERS:
                w = np.random.RandomState(0).rand(n).astype(dtype)
                g = w * dtype(0.01)
                state = solver.init_state(w)
                state.t = 3  # past the first steps (Adam's bias corrections)

                def fused(solver=solver, w=w, g=g, state=state, bounds=bounds):
                    solver._kernel(kernels, w, g, state, 0.01, 1e-4, bounds)

                fused()  # load the compiled kernel
                scratch = np.empty_like(w)

                def formulas(solver=solver, w=w, g=g, state=state, scratch=scratch):
                    solver._numpy(w, g, state, 0.01, scratch)

                kernel_us, numpy_us = best_us(fused, number), best_us(formulas, number)
                name = type(solver).__name__
                cells.append(f"{name} {kernel_us:.0f} vs {numpy_us:.0f}")
            label = f"{n:>9,} params {dtype.__name__}"
            print(f"{label}: us per update, kernel vs numpy: " + "; ".join(cells))


if __name__ == "__main__":
    main()
