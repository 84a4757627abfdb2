"""The benchmark script runs end to end (tiny sizes; no timing assertions)."""

import pathlib
import subprocess
import sys

SCRIPT = pathlib.Path(__file__).parents[1] / "benchmarks" / "bench_vs_sklearn.py"


def test_benchmark_script_prints_the_table():
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--sizes", "tiny", "--repeats", "1"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "BLAS:" in out
    header = next(line for line in out.splitlines() if line.startswith("| workload"))
    for column in ("s/epoch", "vs sklearn", "vs floor", "peak MiB", "test acc"):
        assert column in header
    rows = [line for line in out.splitlines() if line.startswith("| ")][1:]
    # A-D in float64 and float32 next to scikit-learn, E in float64 only.
    assert len(rows) == 4 * 3 + 2
    for name in ("A digits", "B tabular", "C image", "D wide", "E batch 1"):
        assert any(row.startswith(f"| {name}") for row in rows), name
    assert sum("skmomentum" in row and "float32" in row for row in rows) == 4
