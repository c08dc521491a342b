"""Run the notebooks from the download, as a reader with only the zip would.

``make download-check`` runs this after ``make book``: it unpacks
``_build/html/d2l-conv-notebooks.zip`` into an empty folder, runs the first
line of its HOW-TO-RUN.txt there (a fresh venv, the lock, the package) with
the Python named on the command line in place of ``python3.11``, then runs
every notebook of the zip under nbval in that venv, strictly, with the
repository's sanitizer. Nothing of the repository is on that venv's path.

Usage: python tests/download_check.py [--python python3.12] [--work DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "chapters" / "_site"))

import book_downloads  # noqa: E402

ZIP = ROOT / "_build" / "html" / book_downloads.ZIP_NAME
SANITIZE = ROOT / "tests" / "nbval_sanitize.cfg"


def _run(command: str | list, cwd: Path, **kwargs) -> None:
    print(f"$ {command if isinstance(command, str) else ' '.join(command)}", flush=True)
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, **kwargs)
    print(f"  ({time.perf_counter() - started:.0f} s)", flush=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default="python3.11")
    parser.add_argument("--work", default=str(ROOT / "_build" / "download-check"))
    args = parser.parse_args(argv)

    work = Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    with zipfile.ZipFile(ZIP) as archive:
        archive.extractall(work)
    folder = work / book_downloads.FOLDER
    install, _ = (folder / "HOW-TO-RUN.txt").read_text().splitlines()
    _run(install.replace("python3.11", args.python, 1), folder, shell=True)

    # A reader's shell: no MPLBACKEND (figures must display inline), and no
    # PYTHONPATH leading back to the repository.
    env = {k: v for k, v in os.environ.items() if k not in ("MPLBACKEND", "PYTHONPATH")}
    notebooks = sorted(p.name for p in (folder / "chapters").glob("*.ipynb"))
    pytest = [
        str(folder / ".venv" / "bin" / "pytest"),
        "-q",
        "-p",
        "no:cacheprovider",
        "-o",
        "addopts=",
        "--nbval",
        "--nbval-current-env",
        "--nbval-sanitize-with",
        str(SANITIZE),
        *(f"chapters/{n}" for n in notebooks),
    ]
    _run(pytest, folder, env=env)
    print(f"download-check: {len(notebooks)} notebooks ran from the zip alone")
    return 0


if __name__ == "__main__":
    sys.exit(main())
