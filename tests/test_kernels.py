"""The three paths of every update rule give bit-identical results.

A rule runs as numpy ``out=`` ufuncs (small vectors, or no numba), as a fused
numba kernel (large vectors), or with plain in-place operators on any other
array-API array. Forcing each path in turn on the same gradients, the
weights and every state buffer must agree bit for bit, in float32 and
float64, over several steps and for lengths that leave a remainder after
the vectorised part of a loop.
"""

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from skmomentum.solvers import (
    GD,
    SGD,
    Adam,
    MiniBatchGD,
    Momentum,
    Nesterov,
    RMSprop,
    _gradient,
)

SOLVERS = [
    GD(0.1),
    MiniBatchGD(0.05),
    SGD(0.01),
    Momentum(0.1, momentum=0.9),
    Momentum(0.1, momentum=0.8, ewma=True),
    Momentum(0.1, momentum=0.7, ewma=True, bias_correction=True),
    Nesterov(0.1, momentum=0.9),
    RMSprop(0.01, rho=0.9),
    Adam(0.01),
    # numpy float64 hyperparameters (as np.linspace gives a grid search)
    # must not turn float32 updates into float64 arithmetic on any path.
    Adam(0.01, beta_1=np.float64(0.85), beta_2=np.float64(0.995)),
    Nesterov(np.float64(0.1), momentum=np.float64(0.9)),
]
DTYPES = [np.float32, np.float64]
LENGTHS = [1, 7, 1037]
N_STEPS = 5


def gradients(n, dtype):
    """Steps of varied scale, with exact zeros (0 / (0 + eps) in RMSprop/Adam)."""
    rng = np.random.RandomState(n)
    out = []
    for step in range(N_STEPS):
        g = rng.standard_normal(n) * 10.0 ** rng.uniform(-4, 2, n)
        g[rng.rand(n) < 0.1] = 0.0
        out.append((g * (step + 1)).astype(dtype))
    return out


def buffers(state):
    return {k: v for k, v in vars(state).items() if k not in ("t", "lr_scale")}


def run_numpy(solver, w0, grads, monkeypatch, threshold):
    monkeypatch.setattr(_gradient, "_KERNEL_MIN_SIZE", threshold)
    w = w0.copy()
    state = solver.init_state(w)
    for g in grads:
        solver.update(w, g, state)
    return w, state


def run_namespace(solver, w0, grads, to_xp):
    w = to_xp(w0.copy())
    state = solver.init_state(w)
    for g in grads:
        solver.update(w, to_xp(g), state)
    return w, state


def assert_same(w, state, w_ref, state_ref, to_numpy=np.asarray, w_atol=0.0):
    if w_atol:
        np.testing.assert_allclose(to_numpy(w), w_ref, rtol=0, atol=w_atol)
    else:
        assert_array_equal(to_numpy(w), w_ref, strict=True)
    for name, ref in buffers(state_ref).items():
        if isinstance(ref, np.ndarray) and name != "scratch":
            assert_array_equal(to_numpy(getattr(state, name)), ref, strict=True)


@pytest.mark.parametrize("n", LENGTHS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("solver", SOLVERS, ids=repr)
def test_kernel_path_equals_numpy_path(solver, dtype, n, monkeypatch):
    pytest.importorskip("numba")
    w0 = np.random.RandomState(1).standard_normal(n).astype(dtype)
    grads = gradients(n, dtype)
    w_np, s_np = run_numpy(solver, w0, grads, monkeypatch, threshold=1 << 62)
    w_k, s_k = run_numpy(solver, w0, grads, monkeypatch, threshold=0)
    assert s_np.scratch is not None  # the numpy path ran ...
    assert s_k.scratch is None  # ... and the kernel path never needed scratch
    assert_same(w_k, s_k, w_np, s_np)


@pytest.mark.parametrize("n", LENGTHS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("solver", SOLVERS, ids=repr)
def test_generic_path_equals_numpy_path(solver, dtype, n, monkeypatch):
    xp = pytest.importorskip("array_api_strict")
    w0 = np.random.RandomState(1).standard_normal(n).astype(dtype)
    grads = gradients(n, dtype)
    w_np, s_np = run_numpy(solver, w0, grads, monkeypatch, threshold=1 << 62)
    w_x, s_x = run_namespace(solver, w0, grads, xp.asarray)
    assert type(w_x) is type(xp.asarray(0.0))
    assert w_x.dtype == xp.asarray(w0).dtype
    assert_same(w_x, s_x, w_np, s_np, to_numpy=np.from_dlpack)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("solver", SOLVERS, ids=repr)
def test_torch_path_equals_numpy_path(solver, dtype, monkeypatch):
    torch = pytest.importorskip("torch")
    n = 1037
    w0 = np.random.RandomState(1).standard_normal(n).astype(dtype)
    grads = gradients(n, dtype)
    w_np, s_np = run_numpy(solver, w0, grads, monkeypatch, threshold=1 << 62)
    w_t, s_t = run_namespace(solver, w0, grads, lambda a: torch.from_numpy(a.copy()))
    assert isinstance(w_t, torch.Tensor)
    assert w_t.dtype == torch.from_numpy(w0).dtype
    # torch's CPU sqrt is not correctly rounded (1 ulp off IEEE sqrt for
    # ~17% of float32 inputs here), so RMSprop's and Adam's steps can differ
    # in their last bit; the averages, which need no root, agree exactly.
    atol = 4 * np.finfo(dtype).eps if isinstance(solver, (RMSprop, Adam)) else 0.0
    assert_same(w_t, s_t, w_np, s_np, to_numpy=lambda t: t.numpy(), w_atol=atol)


def test_state_is_created_in_the_parameters_namespace():
    xp = pytest.importorskip("array_api_strict")
    w = xp.zeros(3, dtype=xp.float32)
    state = Adam().init_state(w)
    for buf in (state.exp_avg, state.exp_avg_sq):
        assert type(buf) is type(w)
        assert buf.dtype == xp.float32


def test_small_vectors_never_load_the_kernels(monkeypatch):
    # Digits-size networks and the test suite must not pay numba's import
    # and compile time.
    def fail():
        raise AssertionError("kernels loaded for a small vector")

    monkeypatch.setattr(_gradient, "_load_kernels", fail)
    w = np.zeros(_gradient._KERNEL_MIN_SIZE - 1)
    for solver in SOLVERS:
        solver.update(w, np.ones_like(w), solver.init_state(w))


def test_without_numba_large_vectors_take_the_numpy_path(monkeypatch):
    monkeypatch.setattr(_gradient, "_load_kernels", lambda: None)
    monkeypatch.setattr(_gradient, "_KERNEL_MIN_SIZE", 0)
    w = np.zeros(5)
    state = Nesterov(0.1).init_state(w)
    Nesterov(0.1).update(w, np.ones(5), state)
    assert state.scratch is not None
    assert_array_equal(w, np.full(5, -((0.9 * 1.0 + 1.0) * 0.1)))


@pytest.mark.parametrize(
    "make",
    [
        lambda w: (w[::2], np.ones(w[::2].shape, w.dtype)),  # strided
        lambda w: (w, np.ones(w.shape, np.float32)),  # mixed dtypes
    ],
    ids=["strided", "mixed-dtypes"],
)
def test_arrays_the_kernels_cannot_take_use_the_numpy_path(make, monkeypatch):
    pytest.importorskip("numba")
    monkeypatch.setattr(_gradient, "_KERNEL_MIN_SIZE", 0)
    w, g = make(np.zeros(10))
    state = Momentum(0.1).init_state(w)
    Momentum(0.1).update(w, g, state)
    assert state.scratch is not None
    assert_array_equal(w, np.full(w.shape, -0.1))


def run_network_steps(solver, dtype, alpha, threshold, monkeypatch, params_dtype=None):
    """A few training steps of a small network with ``solver.step``."""
    from skmomentum._network import NetworkObjective, init_params

    monkeypatch.setattr(_gradient, "_KERNEL_MIN_SIZE", threshold)
    rng = np.random.RandomState(0)
    units = [7, 13, 3]
    objective = NetworkObjective(units, "relu", "softmax", "log_loss", alpha, dtype, 9)
    params = init_params(units, "relu", params_dtype or dtype, np.random.RandomState(1))
    state = solver.init_state(params)
    losses = []
    for n in (9, 9, 4):  # the last batch smaller, as an epoch's tail
        X = rng.standard_normal((n, units[0])).astype(dtype)
        Y = np.eye(units[-1], dtype=dtype)[rng.randint(units[-1], size=n)]
        losses.append(solver.step(params, state, objective.set_batch(X, Y)))
    return params, state, losses


@pytest.mark.parametrize("alpha", [0.0, 0.3])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("solver", SOLVERS, ids=repr)
def test_l2_penalty_folded_into_the_kernel_equals_numpy_path(
    solver, dtype, alpha, monkeypatch
):
    # The kernel path asks the network for the data gradient and adds the
    # penalty's gradient in its own pass; the numpy path gets the full one.
    pytest.importorskip("numba")
    w_np, s_np, loss_np = run_network_steps(solver, dtype, alpha, 1 << 62, monkeypatch)
    w_k, s_k, loss_k = run_network_steps(solver, dtype, alpha, 0, monkeypatch)
    assert s_np.scratch is not None and s_k.scratch is None
    assert loss_k == loss_np
    assert_same(w_k, s_k, w_np, s_np)


def test_fused_step_takes_the_numpy_path_for_a_gradient_it_cannot_take(monkeypatch):
    # float64 weights, a float32 objective: its gradient buffer does not fit
    # the kernels, so the step asks for the full gradient and stays on numpy.
    pytest.importorskip("numba")
    solver = Nesterov(0.1)
    run = [
        run_network_steps(solver, np.float32, 0.3, threshold, monkeypatch, np.float64)
        for threshold in (1 << 62, 0)
    ]
    (w_np, s_np, loss_np), (w_k, s_k, loss_k) = run
    assert s_k.scratch is not None
    assert loss_k == loss_np
    assert_same(w_k, s_k, w_np, s_np)
