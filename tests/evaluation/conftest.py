"""Make the repository's ``evaluation`` package importable: it is not installed with permitdb."""

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    # Appended, not prepended: this test folder is itself a namespace-package candidate named
    # "evaluation", and a regular package anywhere on the path wins over it.
    sys.path.append(str(REPO))
