"""Displays: loss curves of fitted estimators and optimisation paths.

They follow scikit-learn's Display convention
(:class:`sklearn.metrics.RocCurveDisplay` and friends): a class method
builds the display from a fitted object (``from_estimator``,
``from_result``), ``plot(ax=None, ...)`` draws it and returns the display,
which then holds the matplotlib artists (``line_``, ...), ``ax_`` and
``figure_``. matplotlib is imported only inside ``plot``; install it with
the ``plots`` extra (``pip install skmomentum[plots]``).
"""

import numpy as np

# Marks an Axes that a display has already drawn on (contour, twin axis), so
# that several displays plotted onto one Axes share those parts.
_CONTOUR_MARK = "_skmomentum_contour"
_SCORE_AX_MARK = "_skmomentum_score_ax"


def _check_matplotlib(caller):
    """Import pyplot, or raise an ImportError saying how to install it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            f"{caller} requires matplotlib, which is not installed. Install it "
            "with `pip install matplotlib` or `pip install skmomentum[plots]`."
        ) from exc
    return plt


def _axes(plt, ax):
    if ax is None:
        _, ax = plt.subplots()
    return ax, ax.figure


def _curve(values, what):
    if values is None:
        return None
    curve = np.asarray(values, dtype=np.float64)
    if curve.ndim != 1:
        raise ValueError(f"{what} must be a 1-D sequence, got shape {curve.shape}.")
    return curve


class LossCurveDisplay:
    """Training loss curve of an estimator, with its validation curve.

    Build it with :meth:`from_estimator`; call :meth:`plot` with the same
    ``ax`` to put several estimators on one axes. The training loss is drawn
    as a solid line against the epoch. A validation *loss*
    (``validation_loss_curve_``, recorded by the validation callback) shares
    the axis and is drawn dashed in the same colour; a validation *accuracy*
    (``validation_scores_``, recorded with ``early_stopping=True``) goes on a
    second y-axis on the right, dotted.

    Parameters
    ----------
    loss_curve : array-like of shape (n_epochs,)
        Training loss of every epoch.
    validation_curve : array-like of shape (n_epochs,), default=None
        Validation loss or score of every epoch, if any.
    validation_kind : {"loss", "score"}, default="loss"
        What ``validation_curve`` holds: a loss (same axis as the training
        loss) or an accuracy (second axis).
    name : str, default=None
        Label of the curves in the legend: the training curve is labelled
        ``name``, or ``"name (training)"`` and ``"name (validation)"`` when a
        validation curve is drawn too.

    Attributes
    ----------
    line_ : matplotlib.lines.Line2D
        The training loss curve.
    validation_line_ : matplotlib.lines.Line2D or None
        The validation curve, or None when there is none or it was not drawn.
    lines_ : list of matplotlib.lines.Line2D
        The lines drawn by the last call to :meth:`plot`.
    ax_ : matplotlib.axes.Axes
        Axes with the training curve.
    score_ax_ : matplotlib.axes.Axes or None
        The second y-axis holding a validation accuracy, or None.
    figure_ : matplotlib.figure.Figure
        Figure containing the curves.

    See Also
    --------
    OptimizationPathDisplay : Path of :func:`~skmomentum.minimize` over a
        contour plot.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_iris
    >>> from skmomentum import MLPMomentumClassifier
    >>> from skmomentum.display import LossCurveDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> adam = MLPMomentumClassifier((8,), solver="adam", max_iter=20,
    ...                              random_state=0).fit(X, y)
    >>> gd = MLPMomentumClassifier((8,), solver="gd", max_iter=20,
    ...                            random_state=0).fit(X, y)
    >>> display = LossCurveDisplay.from_estimator(adam, name="adam")
    >>> display = LossCurveDisplay.from_estimator(gd, ax=display.ax_, name="gd")
    >>> len(display.ax_.get_lines())
    2
    """

    def __init__(
        self, loss_curve, *, validation_curve=None, validation_kind="loss", name=None
    ):
        self.loss_curve = loss_curve
        self.validation_curve = validation_curve
        self.validation_kind = validation_kind
        self.name = name

    @classmethod
    def from_estimator(
        cls,
        estimator,
        *,
        ax=None,
        name=None,
        validation=True,
        line_kwargs=None,
        validation_kwargs=None,
    ):
        """Plot the loss curves of a fitted estimator.

        Parameters
        ----------
        estimator : estimator with ``loss_curve_``
            A fitted :class:`~skmomentum.MLPMomentumClassifier` (or
            :class:`sklearn.neural_network.MLPClassifier`, or a
            :class:`~sklearn.pipeline.Pipeline` ending in one).
        ax : matplotlib.axes.Axes, default=None
            Axes to draw on; a new figure is created when None. Pass the
            ``ax_`` of an earlier display to compare estimators.
        name : str, default=None
            Legend label; by default the estimator's solver (for example
            ``"Momentum"``) or class name.
        validation : bool, default=True
            Also draw the validation curve: ``validation_loss_curve_`` when
            the estimator has one, else ``validation_scores_`` (accuracy,
            on a second y-axis) when it is not None.
        line_kwargs : dict, default=None
            Keyword arguments for the training curve's ``ax.plot``.
        validation_kwargs : dict, default=None
            Keyword arguments for the validation curve's ``ax.plot``.

        Returns
        -------
        display : LossCurveDisplay
            The display, drawn.

        Raises
        ------
        ValueError
            If the estimator has no ``loss_curve_`` (it is not fitted, or it
            was fitted by a solver that records none).
        """
        _check_matplotlib(f"{cls.__name__}.from_estimator")
        final = estimator.steps[-1][1] if hasattr(estimator, "steps") else estimator
        if getattr(final, "loss_curve_", None) is None:
            raise ValueError(
                f"{type(final).__name__} has no loss_curve_: fit it before "
                "plotting its loss curve."
            )
        validation_curve, kind = None, "loss"
        if getattr(final, "validation_loss_curve_", None) is not None:
            validation_curve = final.validation_loss_curve_
        elif getattr(final, "validation_scores_", None) is not None:
            validation_curve, kind = final.validation_scores_, "score"
        if name is None:
            solver = getattr(final, "solver_", None) or getattr(final, "solver", None)
            if solver is not None and not isinstance(solver, str):
                name = type(solver).__name__
            elif isinstance(solver, str):
                name = solver
            else:
                name = type(final).__name__
        display = cls(
            final.loss_curve_,
            validation_curve=validation_curve,
            validation_kind=kind,
            name=name,
        )
        return display.plot(
            ax=ax,
            validation=validation,
            line_kwargs=line_kwargs,
            validation_kwargs=validation_kwargs,
        )

    def plot(
        self,
        ax=None,
        *,
        name=None,
        validation=True,
        line_kwargs=None,
        validation_kwargs=None,
    ):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, default=None
            Axes to draw on; a new figure is created when None.
        name : str, default=None
            Legend label, overriding the ``name`` given at construction.
        validation : bool, default=True
            Also draw the validation curve when there is one.
        line_kwargs : dict, default=None
            Keyword arguments for the training curve's ``ax.plot``.
        validation_kwargs : dict, default=None
            Keyword arguments for the validation curve's ``ax.plot``.

        Returns
        -------
        display : LossCurveDisplay
            This display, with ``line_``, ``validation_line_``, ``lines_``,
            ``ax_``, ``score_ax_`` and ``figure_`` set.

        Raises
        ------
        ValueError
            If ``validation_kind`` is neither "loss" nor "score", or a curve
            is not 1-D.
        """
        plt = _check_matplotlib(f"{type(self).__name__}.plot")
        if self.validation_kind not in ("loss", "score"):
            raise ValueError(
                f'validation_kind must be "loss" or "score", got '
                f"{self.validation_kind!r}."
            )
        loss = _curve(self.loss_curve, "loss_curve")
        val = _curve(self.validation_curve, "validation_curve")
        name = self.name if name is None else name
        ax, figure = _axes(plt, ax)

        draw_validation = validation and val is not None
        if name is None:
            label = "training"
        else:
            label = f"{name} (training)" if draw_validation else name
        kwargs = {"label": label}
        kwargs.update(line_kwargs or {})
        (self.line_,) = ax.plot(np.arange(1, loss.size + 1), loss, **kwargs)
        self.lines_ = [self.line_]
        self.validation_line_ = None
        self.score_ax_ = getattr(ax, _SCORE_AX_MARK, None)

        if draw_validation:
            label = "validation" if name is None else f"{name} (validation)"
            vkwargs = {"color": self.line_.get_color(), "label": label}
            if self.validation_kind == "loss":
                target = ax
                vkwargs.update(linestyle="--")
            else:
                if self.score_ax_ is None:
                    self.score_ax_ = ax.twinx()
                    self.score_ax_.set_ylabel("validation accuracy")
                    setattr(ax, _SCORE_AX_MARK, self.score_ax_)
                target = self.score_ax_
                vkwargs.update(linestyle=":", label=f"{label} accuracy")
            vkwargs.update(validation_kwargs or {})
            (self.validation_line_,) = target.plot(
                np.arange(1, val.size + 1), val, **vkwargs
            )
            self.lines_.append(self.validation_line_)

        ax.set_xlabel("epoch")
        ax.set_ylabel("loss")
        handles = list(ax.get_lines())
        if self.score_ax_ is not None:
            handles += list(self.score_ax_.get_lines())
        if any(not h.get_label().startswith("_") for h in handles):
            ax.legend(handles=handles, labels=[h.get_label() for h in handles])
        self.ax_, self.figure_ = ax, figure
        return self


def _evaluate_on_grid(fun, xx, yy):
    """``fun`` at every grid point: one vectorised call if ``fun`` allows it."""
    try:
        with np.errstate(all="ignore"):
            z = np.asarray(fun(np.stack([xx, yy])), dtype=np.float64)
        if z.shape == xx.shape:
            return z
    except Exception:  # fun need not accept a grid
        pass
    points = np.column_stack([xx.ravel(), yy.ravel()])
    z = np.array([float(fun(p.copy())) for p in points], dtype=np.float64)
    return z.reshape(xx.shape)


def _default_levels(z, n_levels):
    finite = z[np.isfinite(z)]
    if finite.size == 0:
        return n_levels
    # Quantiles spread the contour lines evenly over the picture, whatever
    # the function's scale (a ravine's values span orders of magnitude).
    levels = np.unique(np.quantile(finite, np.linspace(0, 1, n_levels + 2)[1:-1]))
    return levels if levels.size >= 2 else n_levels


class OptimizationPathDisplay:
    """The path of an optimiser over the contour plot of a 2-D function.

    Build it with :meth:`from_result` from the result of
    :func:`~skmomentum.minimize`; the contour of ``fun`` is drawn once per
    axes, so several paths plotted onto the same ``ax`` share it.

    Parameters
    ----------
    path : array-like of shape (n_iterates, 2)
        The iterates, starting point first (``result.path``).
    fun : callable
        ``fun(x) -> float`` for ``x`` of shape ``(2,)``. A function that
        also accepts a stacked grid of shape ``(2, n, m)`` (most numpy
        expressions in ``x[0]`` and ``x[1]`` do) is evaluated in one call.
    name : str, default=None
        Legend label of the path.

    Attributes
    ----------
    line_ : matplotlib.lines.Line2D
        The path: one marker per iterate, joined by lines.
    start_ : matplotlib.lines.Line2D
        Marker of the starting point.
    contour_ : matplotlib.contour.QuadContourSet or None
        The contour lines, or None when the axes already had them.
    ax_ : matplotlib.axes.Axes
        Axes with the plot.
    figure_ : matplotlib.figure.Figure
        Figure containing the plot.

    See Also
    --------
    LossCurveDisplay : Loss curves of fitted estimators.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skmomentum import minimize
    >>> from skmomentum.display import OptimizationPathDisplay
    >>> def ravine(x):
    ...     return 0.5 * (x[0] ** 2 + 20 * x[1] ** 2)
    >>> result = minimize(ravine, [-8.0, 1.5], solver="momentum", max_iter=50)
    >>> display = OptimizationPathDisplay.from_result(result, ravine,
    ...                                               name="momentum")
    >>> display.line_.get_xydata().shape
    (51, 2)
    """

    def __init__(self, path, fun, *, name=None):
        self.path = path
        self.fun = fun
        self.name = name

    @classmethod
    def from_result(
        cls,
        result,
        fun,
        *,
        ax=None,
        name=None,
        contour=None,
        xlim=None,
        ylim=None,
        levels=20,
        resolution=200,
        line_kwargs=None,
        contour_kwargs=None,
    ):
        """Plot the path of a :func:`~skmomentum.minimize` result.

        Parameters
        ----------
        result : scipy.optimize.OptimizeResult
            A result with ``path`` of shape ``(nit + 1, 2)``.
        fun : callable
            The function that was minimised.
        ax : matplotlib.axes.Axes, default=None
            Axes to draw on; a new figure is created when None.
        name : str, default=None
            Legend label of the path.
        contour : bool, default=None
            Draw the contour of ``fun``; None draws it unless this axes
            already has one from an earlier display.
        xlim, ylim : tuple of float, default=None
            Range of the contour; by default the path's range plus 10 %.
        levels : int or array-like, default=20
            Number of contour lines (placed at quantiles of ``fun`` over the
            grid, so they spread evenly) or their values.
        resolution : int, default=200
            Grid points per axis for the contour.
        line_kwargs : dict, default=None
            Keyword arguments for the path's ``ax.plot``.
        contour_kwargs : dict, default=None
            Keyword arguments for ``ax.contour``.

        Returns
        -------
        display : OptimizationPathDisplay
            The display, drawn.

        Raises
        ------
        ValueError
            If ``result`` has no ``path`` (it does not come from
            :func:`~skmomentum.minimize`).
        """
        _check_matplotlib(f"{cls.__name__}.from_result")
        path = getattr(result, "path", None)
        if path is None:
            raise ValueError(
                "result has no path attribute; pass the result of "
                "skmomentum.minimize, which records every iterate."
            )
        return cls(path, fun, name=name).plot(
            ax=ax,
            contour=contour,
            xlim=xlim,
            ylim=ylim,
            levels=levels,
            resolution=resolution,
            line_kwargs=line_kwargs,
            contour_kwargs=contour_kwargs,
        )

    def plot(
        self,
        ax=None,
        *,
        name=None,
        contour=None,
        xlim=None,
        ylim=None,
        levels=20,
        resolution=200,
        line_kwargs=None,
        contour_kwargs=None,
    ):
        """Draw the contour (once per axes) and the path.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, default=None
            Axes to draw on; a new figure is created when None.
        name : str, default=None
            Legend label, overriding the ``name`` given at construction.
        contour : bool, default=None
            Draw the contour of ``fun``; None draws it unless this axes
            already has one from an earlier display.
        xlim, ylim : tuple of float, default=None
            Range of the contour; by default the path's range plus 10 %.
        levels : int or array-like, default=20
            Number of contour lines (placed at quantiles of ``fun`` over the
            grid) or their values.
        resolution : int, default=200
            Grid points per axis for the contour.
        line_kwargs : dict, default=None
            Keyword arguments for the path's ``ax.plot``.
        contour_kwargs : dict, default=None
            Keyword arguments for ``ax.contour``.

        Returns
        -------
        display : OptimizationPathDisplay
            This display, with ``line_``, ``start_``, ``contour_``, ``ax_``
            and ``figure_`` set.

        Raises
        ------
        ValueError
            If the path is not of shape ``(n_iterates, 2)``.
        """
        plt = _check_matplotlib(f"{type(self).__name__}.plot")
        path = np.asarray(self.path, dtype=np.float64)
        if path.ndim != 2 or path.shape[1] != 2 or path.shape[0] == 0:
            raise ValueError(
                "OptimizationPathDisplay draws paths in two dimensions: path must "
                f"have shape (n_iterates, 2), got {path.shape}."
            )
        name = self.name if name is None else name
        ax, figure = _axes(plt, ax)

        if contour is None:
            contour = not getattr(ax, _CONTOUR_MARK, False)
        self.contour_ = None
        if contour:
            finite = path[np.isfinite(path).all(axis=1)]
            lims = []
            for k, given in enumerate((xlim, ylim)):
                if given is not None:
                    lims.append(tuple(given))
                    continue
                lo, hi = finite[:, k].min(), finite[:, k].max()
                pad = 0.1 * (hi - lo) if hi > lo else max(1.0, abs(hi))
                lims.append((lo - pad, hi + pad))
            xs = np.linspace(*lims[0], resolution)
            ys = np.linspace(*lims[1], resolution)
            xx, yy = np.meshgrid(xs, ys)
            zz = _evaluate_on_grid(self.fun, xx, yy)
            if np.ndim(levels) == 0:
                levels = _default_levels(zz, int(levels))
            ckwargs = {"colors": "0.7", "linewidths": 0.8}
            ckwargs.update(contour_kwargs or {})
            self.contour_ = ax.contour(xx, yy, zz, levels=levels, **ckwargs)
            ax.set_xlim(lims[0])
            ax.set_ylim(lims[1])
            setattr(ax, _CONTOUR_MARK, True)

        kwargs = {"marker": "o", "markersize": 3, "linewidth": 1.2}
        if name is not None:
            kwargs["label"] = name
        kwargs.update(line_kwargs or {})
        (self.line_,) = ax.plot(path[:, 0], path[:, 1], **kwargs)
        (self.start_,) = ax.plot(
            path[0, 0],
            path[0, 1],
            marker="s",
            markersize=7,
            color=self.line_.get_color(),
            linestyle="none",
            label="_start",
        )
        ax.set_xlabel("$w_1$")
        ax.set_ylabel("$w_2$")
        if any(not h.get_label().startswith("_") for h in ax.get_lines()):
            ax.legend()
        self.ax_, self.figure_ = ax, figure
        return self


__all__ = ["LossCurveDisplay", "OptimizationPathDisplay"]
