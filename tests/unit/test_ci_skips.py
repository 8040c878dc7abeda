"""In CI a skipped test fails the run (tests/conftest.py hooks), locally it does not."""

import os
import subprocess
import sys

import pytest

from pilotage.settings import PROJECT_ROOT

SAMPLE = '''
import pytest

def test_runs():
    assert True

def test_cannot_run_here():
    pytest.skip("Chromium absent")

@pytest.mark.xfail(reason="known bug", strict=True)
def test_known_bug():
    assert False
'''


def run_sample(tmp_path, ci: str | None) -> subprocess.CompletedProcess:
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    (tmp_path / "test_sample.py").write_text(SAMPLE, encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if key != "CI"}
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.conftest", "-p", "no:cacheprovider", "-c",
         str(tmp_path / "pytest.ini"), str(tmp_path)],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120,
    )


def test_in_ci_a_skip_fails_the_run_and_is_named(tmp_path):
    result = run_sample(tmp_path, "true")
    assert result.returncode == pytest.ExitCode.TESTS_FAILED, result.stdout
    assert "skipped tests fail the run in CI" in result.stdout
    assert "SKIPPED test_sample.py::test_cannot_run_here: Skipped: Chromium absent" in result.stdout
    assert "SKIPPED test_sample.py::test_known_bug" not in result.stdout  # an xfail is not a skip


@pytest.mark.parametrize("ci", [None, "false"])
def test_outside_ci_a_skip_is_only_reported(tmp_path, ci):
    result = run_sample(tmp_path, ci)
    assert result.returncode == pytest.ExitCode.OK, result.stdout
    assert "1 passed, 1 skipped, 1 xfailed" in result.stdout
