"""The network as plain maths on one flat parameter buffer.

Layer ``i`` owns ``coefs[i]`` of shape ``(fan_in, fan_out)`` followed by
``intercepts[i]`` of shape ``(fan_out,)``, stored back to back in one
contiguous vector; ``unpack`` returns views into it, so a solver step on the
flat vector updates every layer at once.
"""

from itertools import pairwise

import numpy as np
import scipy.sparse as sp

from ._activations import ACTIVATIONS, TRAINING
from ._array_api import array_ops, namespace_and_device, ops_for
from ._losses import LOSS_FUNCTIONS, check_out_activation


def n_params(layer_units):
    """Length of the flat buffer for ``layer_units = [n_in, h1, ..., n_out]``."""
    return sum((a + 1) * b for a, b in pairwise(layer_units))


def unpack(flat, layer_units):
    """Per-layer ``(coefs, intercepts)`` views into the flat vector ``flat``.

    Slicing and reshaping a contiguous vector give views in numpy, torch,
    CuPy and array-api-strict alike (the standard leaves it open).
    """
    reshape = np.reshape if isinstance(flat, np.ndarray) else None
    if reshape is None:
        reshape = namespace_and_device(flat)[0].reshape
    coefs, intercepts, start = [], [], 0
    for fan_in, fan_out in pairwise(layer_units):
        stop = start + fan_in * fan_out
        coefs.append(reshape(flat[start:stop], (fan_in, fan_out)))
        intercepts.append(flat[stop : stop + fan_out])
        start = stop + fan_out
    return coefs, intercepts


def init_params(layer_units, activation, dtype, random_state, xp=None, device=None):
    """Glorot-uniform initialisation, as scikit-learn's MLP does.

    Each layer draws coefficients then intercepts from
    ``U(-b, b)`` with ``b = sqrt(factor / (fan_in + fan_out))``, ``factor``
    2 for the logistic activation and 6 otherwise. The draws always come
    from numpy's ``random_state`` (the array API has no random numbers), so
    every namespace starts from the same weights; with ``xp`` (an array-API
    namespace) they are then moved to ``device`` as ``dtype`` of ``xp``.
    """
    generic = not array_ops(xp).is_numpy
    flat = np.empty(n_params(layer_units), dtype=np.float64 if generic else dtype)
    factor = 2.0 if activation == "logistic" else 6.0
    for W, b in zip(*unpack(flat, layer_units)):
        bound = np.sqrt(factor / (W.shape[0] + W.shape[1]))
        W[...] = random_state.uniform(-bound, bound, W.shape)
        b[...] = random_state.uniform(-bound, bound, b.shape)
    if generic:  # rounding float64 draws to float32 here or in numpy is the same
        return xp.asarray(flat, dtype=dtype, device=device)
    return flat


def pack(coefs, intercepts, dtype):
    """A new flat vector holding ``coefs`` and ``intercepts`` (any arrays)."""
    ops = ops_for(*coefs, *intercepts)
    if ops.is_numpy:
        parts = []
        for W, b in zip(coefs, intercepts):
            parts += [np.ravel(W), np.ravel(b)]
        return np.concatenate(parts).astype(dtype, copy=False)
    return ops.astype(_concat_layers(ops.xp, coefs, intercepts), dtype)


def _concat_layers(xp, coefs, intercepts):
    parts = []
    for W, b in zip(coefs, intercepts):
        parts += [xp.reshape(W, (-1,)), xp.reshape(b, (-1,))]
    return xp.concat(parts)


def forward(coefs, intercepts, activation, X):
    """Output-layer logits of the network for the rows of ``X``.

    Any array namespace (that of the parameters); sparse ``X`` with numpy.
    """
    ops = ops_for(*coefs)
    A = X
    hidden = ACTIVATIONS[activation]
    for i, (W, b) in enumerate(zip(coefs, intercepts)):
        Z = A @ W
        if ops.is_numpy:
            Z = np.asarray(Z)  # sparse @ dense can give np.matrix
        Z = ops.add(Z, b, out=Z)
        if i < len(coefs) - 1:
            A = hidden(Z, ops)
    return Z


class NetworkObjective:
    """Loss and gradient of the network on one batch, with reused buffers.

    This is the objective handed to solvers (``loss_and_grad`` and ``loss``
    of a flat parameter vector). ``set_batch`` points it at a batch; the
    activation, delta and gradient buffers are allocated once for the largest
    batch and sliced for smaller ones.

    With numpy the hot path allocates nothing: every matrix product and ufunc
    writes into a preallocated buffer, the per-layer views of a parameter
    vector are cached while the same array is passed again (the training loop
    updates one array in place), and so are the buffer slices of each batch
    size. With another array-API namespace (``xp``: torch, CuPy,
    array-api-strict) the same formulas run on the batch's device and return
    new arrays, the standard having no ``out=``.

    Parameters
    ----------
    layer_units : list of int
        ``[n_features, hidden..., n_outputs]``.
    activation : str
        Hidden activation name.
    out_activation : {"logistic", "softmax", "identity", "exp"}
        Output activation (one that ``loss`` is defined for).
    loss : {"log_loss", "squared_error", "poisson"}
        Loss name.
    alpha : float
        L2 penalty; the loss adds ``0.5 * alpha * ||W||**2 / sum(weights)``
        over coefficient matrices (not intercepts), as scikit-learn does.
    dtype : dtype
        float32 or float64 (of ``xp``).
    max_batch_size : int
        Size of the largest batch ``set_batch`` will receive (a larger one
        grows the buffers).
    xp : namespace, default=None
        The array namespace of the parameters and batches; None for numpy.
    device : device, default=None
        Where ``xp``'s arrays live.
    """

    def __init__(
        self,
        layer_units,
        activation,
        out_activation,
        loss,
        alpha,
        dtype,
        max_batch_size,
        xp=None,
        device=None,
    ):
        check_out_activation(loss, out_activation)
        self.layer_units = list(layer_units)
        self.activation = activation
        self.out_activation = out_activation
        self.loss_function = LOSS_FUNCTIONS[loss]
        self.alpha = alpha
        self._ops = ops = array_ops(xp, device)
        self._hidden, self._derivative = TRAINING[activation]
        self._flat = None  # the parameter array whose views are cached
        self._slices = {}
        # Boundaries of the flat vector's segments, coefficients (penalised)
        # and intercepts in turn: [0, end of W1, end of b1, end of W2, ...].
        # Without a penalty, one empty penalised segment and then everything.
        sizes = [n for a, b in pairwise(layer_units) for n in (a * b, b)]
        self.l2_bounds = np.cumsum([0] + (sizes if alpha else [0, sum(sizes)]))
        if not ops.is_numpy:
            self.dtype = dtype
            # 1 on coefficients, 0 on intercepts: the penalty's gradient is
            # (alpha / weight_sum) * mask * params.
            mask = np.ones(n_params(layer_units))
            for b in unpack(mask, layer_units)[1]:
                b[...] = 0
            self._penalty_mask = xp.asarray(mask, dtype=dtype, device=device)
            return
        self.dtype = np.dtype(dtype)
        self._grad = np.empty(n_params(layer_units), dtype=dtype)
        self._grad_coefs, self._grad_intercepts = unpack(self._grad, layer_units)
        # Scratch for the penalty's gradient (alpha / weight_sum) * W, made
        # on first use: a fused solver adds that term itself and never asks.
        self._penalty_coefs = None
        self._allocate(max_batch_size)

    def _allocate(self, max_batch_size):
        dtype, units = self.dtype, self.layer_units
        self._capacity = max_batch_size
        self._activations = [np.empty((max_batch_size, u), dtype) for u in units[1:]]
        self._deltas = [np.empty_like(A) for A in self._activations]
        # Scratch for the hidden derivative (ReLU's step) and the loss (row sums).
        self._scratch = [np.empty_like(A) for A in self._activations[:-1]]
        self._proba = np.empty((max_batch_size, units[-1]), dtype=dtype)
        self._rows = np.empty((max_batch_size, 1), dtype=dtype)
        self._slices = {}

    def _buffers(self, n):
        """Views of the buffers for a batch of ``n`` rows (cached per ``n``).

        Outside numpy there are no buffers: lists of None for the results.
        """
        views = self._slices.get(n)
        if views is None:
            if len(self._slices) > 8:
                self._slices.clear()
            views = self._slices[n] = self._new_buffers(n)
        if self._ops.is_numpy:
            return views
        n_layers = len(self.layer_units) - 1
        fresh = [[None] * n_layers, [None] * n_layers, [None] * (n_layers - 1)]
        return (*fresh, *views[3:])

    def _new_buffers(self, n):
        if not self._ops.is_numpy:
            ones = self._ops.xp.ones(n, dtype=self.dtype, device=self._ops.device)
            return None, None, None, None, None, ones
        if n > self._capacity:
            self._allocate(n)
        return (
            [A[:n] for A in self._activations],
            [D[:n] for D in self._deltas],
            [S[:n] for S in self._scratch],
            self._proba[:n],
            self._rows[:n],
            np.ones(n, dtype=self.dtype),
        )

    def _views(self, flat):
        """Per-layer views of ``flat``, cached while ``flat`` is the same array.

        Also picks the matrix product for ``flat`` (``self._mm``): np.dot has
        less call overhead than np.matmul but needs every operand in the
        output's dtype, as they are whenever we are training.
        """
        if flat is not self._flat:
            coefs, intercepts = unpack(flat, self.layer_units)
            self._flat, self._coefs, self._intercepts = flat, coefs, intercepts
            self._coefs_T = [W.T for W in coefs]
            self._flat_dtype = flat.dtype
        same = self._same_dtype and self._flat_dtype == self.dtype
        self._mm = self._ops.dot if same else self._ops.matmul
        return self._coefs, self._intercepts

    def set_batch(self, X, Y, sample_weight=None, mean_weight=None):
        """Use rows ``X`` with targets ``Y`` (``(n, n_outputs)``).

        ``Y`` of another dtype than the objective's (say uint8 one-hot
        targets, an eighth of the memory) is converted for the batch.

        The loss is ``sum(sample_weight * loss_i) / (n * mean_weight)``, plus
        the penalty over the same denominator. ``mean_weight`` defaults to the
        batch's own mean weight, which makes it the weighted mean (integer
        weights act as repeated rows). The training loop passes the mean over
        the whole training set instead, so each mini-batch loss is an unbiased
        estimate of the full weighted mean and a weight still matters with one
        sample per batch.
        """
        n, ops = X.shape[0], self._ops
        if sample_weight is None:
            self.weight_sum = float(n)
            # Equal weights are one float: the loss functions scale by it.
            self._w = 1.0 / n
        else:
            if mean_weight is None:
                mean_weight = float(ops.mean(sample_weight))
            self.weight_sum = n * float(mean_weight)
            self._w = ops.astype(sample_weight / self.weight_sum, self.dtype)
        if Y.dtype != self.dtype:  # compact (e.g. uint8 one-hot) targets
            Y = ops.astype(Y, self.dtype)
        self._X, self._Y, self._n = X, Y, n
        self._sparse = not isinstance(X, np.ndarray) and sp.issparse(X)
        self._same_dtype = getattr(X, "dtype", None) == self.dtype
        return self

    def loss(self, flat):
        """Penalised weighted mean loss of the current batch at ``flat``.

        A forward pass only: the checks of the training loop and gradient-free
        solvers need no gradient.
        """
        return self._forward(flat)[0]

    def data_loss(self, flat):
        """The weighted mean loss of the current batch at ``flat``, no L2 term."""
        return self._forward(flat, penalty=False)[0]

    def loss_and_grad(self, flat):
        """Loss and gradient (a reused buffer with numpy) of the batch at ``flat``."""
        loss, batch = self._forward(flat)
        grad = self._backward(*batch)
        if not self.alpha:
            return loss, grad
        l2_scale = self.alpha / self.weight_sum
        if not self._ops.is_numpy:
            return loss, grad + flat * (self._penalty_mask * l2_scale)
        if self._penalty_coefs is None:
            self._penalty_coefs = [np.empty_like(W) for W in self._grad_coefs]
        coefs, grad_coefs = self._coefs, self._grad_coefs  # (views of ``flat``)
        for W, W_grad, penalty in zip(coefs, grad_coefs, self._penalty_coefs):
            W_grad += np.multiply(W, l2_scale, out=penalty)
        return loss, grad

    def loss_and_data_grad(self, flat):
        """Loss, the data term's gradient and the L2 penalty's scale at ``flat``.

        The gradient of the loss is the returned gradient plus
        ``l2_scale * flat`` on the coefficients, the even-numbered segments
        between the boundaries ``l2_bounds`` (an ``l2_scale`` of 0 means no
        penalty). Solvers with a fused update kernel add that term in the
        kernel's single pass over the parameters, instead of two more passes
        here (:mod:`skmomentum.solvers._kernels`).
        """
        loss, batch = self._forward(flat)
        grad = self._backward(*batch)
        return loss, grad, self.alpha / self.weight_sum if self.alpha else 0.0

    def _forward(self, flat, penalty=True):
        """The (penalised) loss and what the backward pass needs."""
        ops = self._ops
        coefs, intercepts = self._views(flat)
        activations, deltas, scratch, P, rows, ones = self._buffers(self._n)
        X, last = self._X, len(coefs) - 1
        mm = self._mm

        # Z = A @ W + b, hidden activations in place with numpy.
        A = X
        for i in range(last + 1):
            Z = activations[i]
            if i == 0 and self._sparse:
                Z[...] = X @ coefs[0]
            else:
                Z = mm(A, coefs[i], out=Z)
            Z = activations[i] = ops.add(Z, intercepts[i], out=Z)
            if i < last:
                A, scratch[i] = self._hidden(Z, scratch[i], ops)
                activations[i] = A
        loss, deltas[last] = self.loss_function(
            Z, self._Y, self._w, self.out_activation, P, deltas[last], rows, ops
        )
        if self.alpha and penalty:  # as scikit-learn: 0.5 * alpha * sum ||W||^2 / n
            squares = 0.0
            for W in coefs:
                squares += ops.vdot(W, W)
            loss += (0.5 * self.alpha) * float(squares) / self.weight_sum
        return loss, (activations, deltas, scratch, ones)

    def _backward(self, activations, deltas, scratch, ones):
        """The data term's gradient, from the buffers of :meth:`_forward`."""
        ops = self._ops
        X, n, last, mm = self._X, self._n, len(activations) - 1, self._mm
        # Transposed views go to BLAS as flags, not copies.
        if ops.is_numpy:
            grad_coefs, grad_intercepts = self._grad_coefs, self._grad_intercepts
        else:
            grad_coefs, grad_intercepts = [None] * (last + 1), [None] * (last + 1)
        for i in range(last, -1, -1):
            A_prev = X if i == 0 else activations[i - 1]
            if i == 0 and self._sparse:
                grad_coefs[0][...] = A_prev.T @ deltas[0]
            elif n == 1:  # an outer product: broadcasting beats a GEMM call
                grad_coefs[i] = ops.multiply(A_prev.T, deltas[i], out=grad_coefs[i])
            else:
                grad_coefs[i] = mm(A_prev.T, deltas[i], out=grad_coefs[i])
            # Column sums as a matrix-vector product (faster than a reduce).
            grad_intercepts[i] = mm(ones, deltas[i], out=grad_intercepts[i])
            if i > 0:
                W_T = self._coefs_T[i]
                if W_T.shape[0] == 1:  # one output: an outer product
                    delta = ops.multiply(deltas[i], W_T, out=deltas[i - 1])
                else:
                    delta = mm(deltas[i], W_T, out=deltas[i - 1])
                deltas[i - 1] = self._derivative(A_prev, delta, scratch[i - 1], ops)
        if ops.is_numpy:
            return self._grad
        return _concat_layers(ops.xp, grad_coefs, grad_intercepts)

    # Population evaluation for gradient-free solvers (skmomentum.solvers.Genetic).
    _LOSSES_MAX_ELEMENTS = 2**21  # activations held at once by ``losses``

    def losses(self, population):
        """Penalised loss of the current batch for every row of ``population``.

        Gives the same numbers as calling :meth:`loss` on each row, but
        evaluates many candidates per batch with stacked matrix products
        (``np.matmul`` over a leading population axis), in chunks that keep
        at most about ``2**21`` activations in memory.

        Parameters
        ----------
        population : ndarray of shape (n_candidates, n_params)
            One flat parameter vector per row.

        Returns
        -------
        losses : ndarray of shape (n_candidates,)
            Loss of each candidate, float64.
        """
        if not self._ops.is_numpy:
            raise TypeError(
                "Population losses (the Genetic solver) need numpy arrays; "
                "fit with array_api_dispatch off or with numpy inputs, or pick a "
                "gradient solver."
            )
        population = np.asarray(population, dtype=self.dtype)
        per_candidate = self._n * sum(self.layer_units[1:])
        chunk = max(1, self._LOSSES_MAX_ELEMENTS // max(per_candidate, 1))
        out = np.empty(len(population))
        for start in range(0, len(population), chunk):
            block = population[start : start + chunk]
            out[start : start + len(block)] = self._stacked_losses(block)
        return out

    def _stacked_losses(self, block):
        c, n = len(block), self._n
        hidden = ACTIVATIONS[self.activation]
        layers = list(pairwise(self.layer_units))
        penalty = np.zeros(c)
        start, A = 0, self._X
        for i, (fan_in, fan_out) in enumerate(layers):
            stop = start + fan_in * fan_out
            W = block[:, start:stop].reshape(c, fan_in, fan_out)
            if self.alpha:
                flat_W = block[:, start:stop]
                penalty += np.einsum("ij,ij->i", flat_W, flat_W)
            if i == 0 and sp.issparse(A):
                Z = np.empty((c, n, fan_out), dtype=self.dtype)
                for j in range(c):
                    Z[j] = A @ W[j]
            else:
                Z = np.matmul(A, W)
            Z += block[:, None, stop : stop + fan_out]
            if i < len(layers) - 1:
                A = hidden(Z)
            start = stop + fan_out
        P = np.empty((n, self.layer_units[-1]), dtype=self.dtype)
        delta = np.empty_like(P)
        Y, w, out = self._Y, self._w, self.out_activation
        losses = [self.loss_function(Z[j], Y, w, out, P, delta)[0] for j in range(c)]
        return np.array(losses) + 0.5 * self.alpha * penalty / self.weight_sum
