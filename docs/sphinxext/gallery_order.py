"""Order of the gallery: the tutorial's path, not the alphabet."""

ORDER = [
    "plot_ewma.py",
    "plot_ravine.py",
    "plot_gradient_check.py",
    "plot_dogs_vs_cats_digits.py",
    "plot_solver_comparison.py",
    "plot_tabular_pipeline.py",
    "plot_regression.py",
    "plot_out_of_core.py",
    "plot_deploy_onnx.py",
]


class TutorialOrder:
    """Sort key for ``within_subsection_order``; unknown files come last."""

    def __init__(self, src_dir):
        self.src_dir = src_dir

    def __call__(self, filename):
        if filename in ORDER:
            return (ORDER.index(filename), filename)
        return (len(ORDER), filename)

    def __repr__(self):
        return f"<{type(self).__name__}>"
