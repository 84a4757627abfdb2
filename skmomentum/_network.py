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
from ._losses import LOSS_FUNCTIONS


def n_params(layer_units):
    """Length of the flat buffer for ``layer_units = [n_in, h1, ..., n_out]``."""
    return sum((a + 1) * b for a, b in pairwise(layer_units))


def unpack(flat, layer_units):
    """Per-layer ``(coefs, intercepts)`` views into the flat vector ``flat``."""
    coefs, intercepts, start = [], [], 0
    for fan_in, fan_out in pairwise(layer_units):
        stop = start + fan_in * fan_out
        coefs.append(flat[start:stop].reshape(fan_in, fan_out))
        intercepts.append(flat[stop : stop + fan_out])
        start = stop + fan_out
    return coefs, intercepts


def init_params(layer_units, activation, dtype, random_state):
    """Glorot-uniform initialisation, as scikit-learn's MLP does.

    Each layer draws coefficients then intercepts from
    ``U(-b, b)`` with ``b = sqrt(factor / (fan_in + fan_out))``, ``factor``
    2 for the logistic activation and 6 otherwise.
    """
    flat = np.empty(n_params(layer_units), dtype=dtype)
    factor = 2.0 if activation == "logistic" else 6.0
    for W, b in zip(*unpack(flat, layer_units)):
        bound = np.sqrt(factor / (W.shape[0] + W.shape[1]))
        W[...] = random_state.uniform(-bound, bound, W.shape)
        b[...] = random_state.uniform(-bound, bound, b.shape)
    return flat


def pack(coefs, intercepts, dtype):
    """A new flat vector holding ``coefs`` and ``intercepts`` (any arrays)."""
    parts = []
    for W, b in zip(coefs, intercepts):
        parts += [np.ravel(W), np.ravel(b)]
    return np.concatenate(parts).astype(dtype, copy=False)


def forward(coefs, intercepts, activation, X):
    """Output-layer logits of the network for the rows of ``X``."""
    A = X
    hidden = ACTIVATIONS[activation]
    for i, (W, b) in enumerate(zip(coefs, intercepts)):
        Z = np.asarray(A @ W)
        Z += b
        if i < len(coefs) - 1:
            A = hidden(Z)
    return Z


class NetworkObjective:
    """Loss and gradient of the network on one batch, with reused buffers.

    This is the objective handed to solvers (``loss_and_grad`` and ``loss``
    of a flat parameter vector). ``set_batch`` points it at a batch; the
    activation, delta and gradient buffers are allocated once for the largest
    batch and sliced for smaller ones.

    The hot path allocates nothing: every matrix product and ufunc writes
    into a preallocated buffer, the per-layer views of a parameter vector are
    cached while the same array is passed again (the training loop updates
    one array in place), and so are the buffer slices of each batch size.

    Parameters
    ----------
    layer_units : list of int
        ``[n_features, hidden..., n_outputs]``.
    activation : str
        Hidden activation name.
    out_activation : {"logistic", "softmax"}
        Output activation.
    loss : {"log_loss", "squared_error"}
        Loss name.
    alpha : float
        L2 penalty; the loss adds ``0.5 * alpha * ||W||**2 / sum(weights)``
        over coefficient matrices (not intercepts), as scikit-learn does.
    dtype : numpy dtype
        float32 or float64.
    max_batch_size : int
        Size of the largest batch ``set_batch`` will receive (a larger one
        grows the buffers).
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
    ):
        self.layer_units = list(layer_units)
        self.activation = activation
        self.out_activation = out_activation
        self.loss_function = LOSS_FUNCTIONS[loss]
        self.alpha = alpha
        self.dtype = np.dtype(dtype)
        self._hidden, self._derivative = TRAINING[activation]
        self._grad = np.empty(n_params(layer_units), dtype=dtype)
        self._grad_coefs, self._grad_intercepts = unpack(self._grad, layer_units)
        # The penalty gradient (alpha / weight_sum) * W, zero on intercepts.
        self._penalty_grad = np.zeros_like(self._grad) if alpha else None
        self._penalty_coefs = (
            unpack(self._penalty_grad, layer_units)[0] if alpha else None
        )
        self._flat = None  # the parameter array whose views are cached
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
        """Views of the buffers for a batch of ``n`` rows (cached per ``n``)."""
        views = self._slices.get(n)
        if views is None:
            if n > self._capacity:
                self._allocate(n)
            if len(self._slices) > 8:
                self._slices.clear()
            views = self._slices[n] = (
                [A[:n] for A in self._activations],
                [D[:n] for D in self._deltas],
                [S[:n] for S in self._scratch],
                self._proba[:n],
                self._rows[:n],
                np.ones(n, dtype=self.dtype),
            )
        return views

    def _views(self, flat):
        """Per-layer views of ``flat``, cached while ``flat`` is the same array."""
        if flat is not self._flat:
            coefs, intercepts = unpack(flat, self.layer_units)
            self._flat, self._coefs, self._intercepts = flat, coefs, intercepts
            self._coefs_T = [W.T for W in coefs]
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
        n = X.shape[0]
        if sample_weight is None:
            self.weight_sum = float(n)
            # Equal weights are one float: the loss functions scale by it.
            self._w = 1.0 / n
        else:
            if mean_weight is None:
                mean_weight = float(sample_weight.mean())
            self.weight_sum = n * float(mean_weight)
            self._w = (sample_weight / self.weight_sum).astype(self.dtype, copy=False)
        if Y.dtype != self.dtype:  # compact (e.g. uint8 one-hot) targets
            Y = Y.astype(self.dtype)
        self._X, self._Y, self._n = X, Y, n
        self._sparse = sp.issparse(X)
        self._same_dtype = getattr(X, "dtype", None) == self.dtype
        return self

    def loss(self, flat):
        """Penalised weighted mean loss of the current batch at ``flat``."""
        return self.loss_and_grad(flat)[0]

    def loss_and_grad(self, flat):
        """Loss and gradient (a reused buffer) of the current batch at ``flat``."""
        coefs, intercepts = self._views(flat)
        activations, deltas, scratch, P, rows, ones = self._buffers(self._n)
        X, n, last = self._X, self._n, len(coefs) - 1
        # np.dot has less call overhead than np.matmul but needs every
        # operand in the output's dtype (as it is whenever we are training).
        mm = np.dot if self._same_dtype and flat.dtype == self.dtype else np.matmul

        # Forward pass: Z = A @ W + b, hidden activations in place.
        A = X
        for i in range(last + 1):
            Z = activations[i]
            if i == 0 and self._sparse:
                Z[...] = X @ coefs[0]
            else:
                mm(A, coefs[i], out=Z)
            np.add(Z, intercepts[i], out=Z)
            if i < last:
                A = self._hidden(Z, scratch[i])
        loss = self.loss_function(
            Z, self._Y, self._w, self.out_activation, P, deltas[last], rows
        )

        # L2 penalty: (alpha / weight_sum) * W into a buffer that is zero on
        # the intercepts, so its dot with ``flat`` is twice the penalty.
        penalty = self._penalty_grad
        if self.alpha:
            scale = self.alpha / self.weight_sum
            for W, out in zip(coefs, self._penalty_coefs):
                np.multiply(W, scale, out=out)
            loss += 0.5 * float(np.vdot(flat, penalty))

        # Backward pass: transposed views go to BLAS as flags, not copies.
        grad_coefs, grad_intercepts = self._grad_coefs, self._grad_intercepts
        for i in range(last, -1, -1):
            A_prev = X if i == 0 else activations[i - 1]
            if i == 0 and self._sparse:
                grad_coefs[0][...] = A_prev.T @ deltas[0]
            elif n == 1:  # an outer product: broadcasting beats a GEMM call
                np.multiply(A_prev.T, deltas[i], out=grad_coefs[i])
            else:
                mm(A_prev.T, deltas[i], out=grad_coefs[i])
            # Column sums as a matrix-vector product (faster than a reduce).
            mm(ones, deltas[i], out=grad_intercepts[i])
            if i > 0:
                if coefs[i].shape[1] == 1:  # one output: an outer product
                    np.multiply(deltas[i], self._coefs_T[i], out=deltas[i - 1])
                else:
                    mm(deltas[i], self._coefs_T[i], out=deltas[i - 1])
                self._derivative(A_prev, deltas[i - 1], scratch[i - 1])
        if self.alpha:
            np.add(self._grad, penalty, out=self._grad)
        return loss, self._grad

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
        losses = [self.loss_function(Z[j], Y, w, out, P, delta) for j in range(c)]
        return np.array(losses) + 0.5 * self.alpha * penalty / self.weight_sum
