"""The server process never loads PyMuPDF: it holds the GIL and would stall every live socket."""

import subprocess
import sys


def test_creating_the_app_does_not_import_pymupdf(tmp_path):
    probe = (
        "import os, sys; os.environ['DATA_DIR'] = sys.argv[1]; "
        "from composition.app import create_app; create_app(); "
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('pymupdf', 'fitz')); "
        "print(','.join(heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, str(tmp_path)], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip() == "", f"the server process imported {result.stdout.strip()}"
