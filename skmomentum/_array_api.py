"""The one seam between the network maths and array namespaces.

The formulas in ``_network``, ``_losses`` and ``_activations`` are written
once, against an *ops* object: ``ops.exp(Z, out=P)``, ``ops.matmul(A, W,
out=Z)``, ... and always use the returned array. Two kinds of ops exist:

- ``NUMPY_OPS`` hands each call to numpy with ``out=`` (its attributes are
  the numpy functions themselves), so the numpy path writes into
  preallocated buffers and allocates nothing, exactly as before.
- ``ArrayOps(xp, device)`` serves any other array-API namespace (torch,
  CuPy, array-api-strict): the standard has no ``out=``, so every call
  returns a new array and ``out`` is ignored (the generic path passes None).

Which one applies follows scikit-learn: numpy unless
``sklearn.set_config(array_api_dispatch=True)`` and the inputs are arrays of
another namespace (:func:`sklearn.utils._array_api.get_namespace_and_device`).
"""

import functools
from types import SimpleNamespace

import numpy as np
import scipy.sparse as sp
from scipy.special import expit, log_expit, log_softmax, xlogy
from sklearn.utils._array_api import (
    _is_numpy_namespace,
    _max_precision_float_dtype,
    get_namespace_and_device,
    move_to,
)


@functools.cache
def _ones_column(k, dtype):
    ones = np.ones((k, 1), dtype=dtype)
    ones.flags.writeable = False
    return ones


def _row_sums(x, out=None):
    # A matrix-vector product beats a reduce; np.dot wants one dtype throughout.
    dot = np.dot if out is None or out.dtype == x.dtype else np.matmul
    return dot(x, _ones_column(x.shape[1], x.dtype), out=out)


def _astype(x, dtype):
    return x.astype(dtype, copy=False)


def _softplus(x, out=None):
    return np.logaddexp(0, x, out=out)


def _relu(x, out=None):
    return np.maximum(x, 0, out=out)


# numpy's functions, ``out=`` honoured: the in-place fast path. Instance
# attributes of a plain namespace, so that they are the numpy functions
# themselves (no method binding, no wrapper call).
NUMPY_OPS = SimpleNamespace(
    is_numpy=True,
    xp=np,
    device=None,
    add=np.add,
    subtract=np.subtract,
    multiply=np.multiply,
    divide=np.divide,
    exp=np.exp,
    log=np.log,
    tanh=np.tanh,
    square=np.square,
    expit=expit,
    xlogy=xlogy,
    matmul=np.matmul,
    # np.dot has less call overhead than np.matmul but needs every operand
    # in the output's dtype; callers pick it only when that holds.
    dot=np.dot,
    # The reductions as ufunc methods: np.sum / np.max add a Python wrapper.
    # Callers always pass ``axis`` (add.reduce defaults to axis=0).
    sum=np.add.reduce,
    max=np.maximum.reduce,
    vdot=np.vdot,
    mean=np.mean,
    astype=_astype,
    relu=_relu,
    # ``0 < x``, the 0/1 step of ReLU: a partial is called from C, where a
    # Python wrapper of ``np.greater(x, 0)`` costs a frame every step.
    positive_step=functools.partial(np.less, 0),
    row_sums=_row_sums,
    softplus=_softplus,
    log_expit=log_expit,
    log_softmax=log_softmax,
)


class ArrayOps:
    """The same operations for any array-API namespace, returning new arrays.

    Parameters
    ----------
    xp : namespace
        An array-API namespace (``array_api_compat`` wraps torch and CuPy).
    device : device
        Where new arrays are created.
    """

    is_numpy = False

    def __init__(self, xp, device):
        self.xp = xp
        self.device = device

    # Operators accept Python scalars on either side in every namespace.
    def add(self, a, b, out=None):
        return a + b

    def subtract(self, a, b, out=None):
        return a - b

    def multiply(self, a, b, out=None):
        return a * b

    def divide(self, a, b, out=None):
        return a / b

    def exp(self, x, out=None):
        return self.xp.exp(x)

    def log(self, x, out=None):
        return self.xp.log(x)

    def tanh(self, x, out=None):
        return self.xp.tanh(x)

    def square(self, x, out=None):
        return x * x

    def expit(self, x, out=None):
        # 1 / (1 + inf) is 0: no NaN for very negative x.
        return 1.0 / (1.0 + self.xp.exp(-x))

    def xlogy(self, x, y, out=None):
        # x * log(y), 0 where x == 0 (log of 1 there avoids log(0) warnings).
        return x * self.xp.log(self.xp.where(x == 0, 1.0, y))

    def softplus(self, x, out=None):
        return self.xp.logaddexp(self.xp.zeros_like(x), x)

    def relu(self, x, out=None):
        # x times its 0/1 step, as in training: NaN propagates, as numpy's
        # maximum does (scalar arguments to maximum are not portable).
        return x * self.positive_step(x)

    def positive_step(self, x, out=None):
        """1.0 where ``x > 0`` else 0.0, in ``x``'s dtype."""
        return self.xp.astype(x > 0, x.dtype)

    def matmul(self, a, b, out=None):
        return a @ b

    dot = matmul

    def sum(self, x, axis=None, keepdims=False, out=None):
        return self.xp.sum(x, axis=axis, keepdims=keepdims)

    def max(self, x, axis=None, keepdims=False, out=None):
        return self.xp.max(x, axis=axis, keepdims=keepdims)

    def row_sums(self, x, out=None):
        return self.xp.sum(x, axis=1, keepdims=True)

    def vdot(self, a, b):
        return self.xp.sum(a * b)

    def log_expit(self, x):
        return -self.softplus(-x)

    def log_softmax(self, x, axis=1):
        shifted = x - self.xp.max(x, axis=axis, keepdims=True)
        total = self.xp.sum(self.xp.exp(shifted), axis=axis, keepdims=True)
        return shifted - self.xp.log(total)

    def mean(self, x):
        return self.xp.mean(x)

    def astype(self, x, dtype):
        return self.xp.astype(x, dtype, copy=False)


def namespace_and_device(*arrays):
    """``(xp, device)`` of ``arrays`` by scikit-learn's rules.

    numpy (``device`` None) unless ``array_api_dispatch`` is on and the arrays
    belong to another namespace; mixed namespaces or devices raise
    scikit-learn's error. Sparse matrices and None are skipped.
    """
    xp, _, device = get_namespace_and_device(*arrays)
    return xp, device


def array_ops(xp=None, device=None):
    """The ops for namespace ``xp`` on ``device`` (numpy's for None or numpy)."""
    if xp is None or _is_numpy_namespace(xp):
        return NUMPY_OPS
    return ArrayOps(xp, device)


def ops_for(*arrays):
    """The ops matching the namespace and device of ``arrays``."""
    return array_ops(*namespace_and_device(*arrays))


def float_dtypes(xp, device):
    """Float dtypes input may keep, widest first (float32 only on devices
    without float64, such as Apple's MPS)."""
    widest = _max_precision_float_dtype(xp, device)
    return [xp.float32] if widest == xp.float32 else [xp.float64, xp.float32]


def all_finite(array):
    """Whether every element of ``array`` (any namespace) is finite."""
    if isinstance(array, np.ndarray):
        return bool(np.isfinite(array).all())
    xp, _ = namespace_and_device(array)
    return bool(xp.all(xp.isfinite(array)))


def to_numpy(array):
    """``array`` as a numpy array on the CPU (None and sparse pass through)."""
    if array is None or isinstance(array, np.ndarray) or sp.issparse(array):
        return array
    if _is_numpy_namespace(namespace_and_device(array)[0]):  # lists, DataFrames
        return array
    return move_to(array, xp=np, device="cpu")


class Placement:
    """Where a fit trains: numpy, or the namespace and device of its ``X``.

    The estimators prepare labels, weights, splits and batch orders in numpy
    (scikit-learn's ``LabelBinarizer`` and ``train_test_split`` are numpy
    tools, and random numbers come from a numpy ``RandomState``), then move
    what training touches -- data, targets, weights, parameters -- to the
    device once; every batch is then gathered on the device.
    """

    def __init__(self, X):
        self.xp, self.device = namespace_and_device(X)
        self.is_numpy = _is_numpy_namespace(self.xp)

    def to_device(self, array):
        """numpy ``array`` moved to the device (None passes through)."""
        if self.is_numpy or array is None:
            return array
        return self.xp.asarray(array, device=self.device)

    def dtype(self, np_dtype):
        """The namespace's dtype of the same name as numpy's ``np_dtype``."""
        return np_dtype if self.is_numpy else getattr(self.xp, np.dtype(np_dtype).name)

    def copy(self, array):
        """A copy of ``array``, in its namespace and on its device."""
        if self.is_numpy:
            return array.copy()
        return self.xp.asarray(array, copy=True)


def labels_like(labels, reference):
    """Numeric ``labels`` (numpy) moved to the namespace and device of
    ``reference``, as scikit-learn's array-API classifiers return them;
    string labels stay numpy."""
    xp, device = namespace_and_device(reference)
    if _is_numpy_namespace(xp) or labels.dtype.kind not in "biuf":
        return labels
    return xp.asarray(labels, device=device)


def copy_array(array):
    """A copy of ``array`` in its namespace and on its device."""
    if isinstance(array, np.ndarray):
        return array.copy()
    return namespace_and_device(array)[0].asarray(array, copy=True)
