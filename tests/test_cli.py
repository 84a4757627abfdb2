"""``python -m skmomentum``: options checked by argparse, --version, the table."""

import subprocess
import sys

import pytest

import skmomentum
from skmomentum.__main__ import main


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--max-iter", "0"], "--max-iter: must be at least 1, got 0"),
        (["--max-iter", "-5"], "--max-iter: must be at least 1"),
        (["--max-iter", "ten"], "--max-iter: 'ten' is not an integer"),
        (["--solvers", "lbfgs"], "invalid choice: 'lbfgs'"),
        (["--solvers"], "expected at least one argument"),
    ],
)
def test_bad_options_are_argparse_errors(capsys, argv, message):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "usage: python -m skmomentum" in err
    assert "Traceback" not in err


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"skmomentum {skmomentum.__version__}"


def test_the_module_runs_as_a_program_and_exits_2_on_bad_options():
    result = subprocess.run(
        [sys.executable, "-m", "skmomentum", "--max-iter", "0"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "must be at least 1" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_short_run_prints_one_row_per_solver(capsys):
    main(["--max-iter", "2", "--solvers", "gd", "momentum"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("digits: 1437 train / 360 test")
    rows = [line.split() for line in lines[2:]]
    assert [row[0] for row in rows] == ["gd", "momentum"]
    for row in rows:
        assert row[1] == "2"  # epochs
        assert 0.0 <= float(row[3]) <= 1.0  # accuracy
