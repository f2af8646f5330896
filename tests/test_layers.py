"""The packages import downward only (pyproject.toml's import-linter contract), so a feature never
reaches back up into another and the app's wiring stays above them all."""

import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def test_no_package_imports_a_layer_above_it():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-logo", "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_audit_record_is_a_leaf_importing_no_feature():
    """Every service calls audit.record: importing nothing of theirs is what keeps it out of circles."""
    code = "import sys, audit.service; print(sorted({m.split('.')[0] for m in sys.modules}))"
    loaded = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    for feature in ("accounts", "councils", "meetings", "documents", "annotations", "composition"):
        assert f"'{feature}'" not in loaded.stdout
