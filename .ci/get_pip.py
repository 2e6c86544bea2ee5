"""Install pip into a venv created with --without-pip (Debian's python3 lacks ensurepip
unless python3-venv is installed). Downloads the pip wheel from PyPI and runs it in place."""

import json
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path


def main(venv_python: str) -> None:
    with urllib.request.urlopen("https://pypi.org/pypi/pip/json", timeout=60) as response:
        release = json.load(response)
    wheel = next(f for f in release["urls"] if f["filename"].endswith(".whl"))
    target = Path(tempfile.mkdtemp()) / wheel["filename"]
    urllib.request.urlretrieve(wheel["url"], target)
    subprocess.check_call([venv_python, f"{target}/pip", "install", "-q", str(target)])


if __name__ == "__main__":
    main(sys.argv[1])
