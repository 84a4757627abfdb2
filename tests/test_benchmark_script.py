"""The benchmark script runs end to end (tiny sizes; no timing assertions)."""

import pathlib
import subprocess
import sys

import skmomentum

SCRIPT = pathlib.Path(__file__).parents[1] / "benchmarks" / "bench_vs_sklearn.py"
NAMES = ["A digits", "B tabular", "B-df DataFrame", "C image", "D wide", "E batch 1"]


def test_benchmark_script_prints_both_tables():
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
    names = list(NAMES)
    if hasattr(skmomentum, "MLPMomentumRegressor"):
        names.append("R regression")
    else:
        assert "R regression skipped" in out
    headers = [
        i for i, line in enumerate(out.splitlines()) if line.startswith("| workload")
    ]
    assert len(headers) == 2
    lines = out.splitlines()
    detail = lines[headers[0] : headers[1]]
    summary = lines[headers[1] :]
    for column in ("s/epoch", "vs sklearn", "vs floor", "peak MiB", "test score"):
        assert column in detail[0]
    for column in ("skmomentum f64 / f32", "target", "GEMM floor", "scores agree"):
        assert column in summary[0]
    rows = [line for line in detail[2:] if line.startswith("| ")]
    # Every workload: scikit-learn float64 next to ours in float64 and float32.
    assert len(rows) == 3 * len(names)
    assert sum("skmomentum" in row and "float32" in row for row in rows) == len(names)
    summary_rows = [line for line in summary[2:] if line.startswith("| ")]
    assert [row.split("|")[1].strip() for row in summary_rows] == names


def test_benchmark_script_refuses_unknown_workloads():
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--workloads", "A,Z"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "unknown workloads ['Z']" in result.stderr
