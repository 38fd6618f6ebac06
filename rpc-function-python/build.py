"""Builds a Python function's component; every Python function's build
command in spin.toml runs it, in the function's directory (its `workdir`):

    python3 ../rpc-function-python/build.py NAME.wasm

The first build makes a virtualenv, `.venv`, and installs the function's
requirements.txt into it (spin-sdk and componentize-py, pinned, and this
package by its relative path); later builds install again only when
requirements.txt, or a package it names by path, has changed. Then
componentize-py makes NAME.wasm of `app.py` (its `IncomingHandler`),
CPython, and what the virtualenv holds.
"""

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

VENV = Path(".venv")
BIN = VENV / "bin"
# A digest of what was installed: requirements.txt and the packages it names by path.
INSTALLED = VENV / "installed-requirements.sha256"


def main(output):
    if not (BIN / "python").exists():
        print(
            "build.py: making .venv and installing requirements.txt (first build only)",
            file=sys.stderr,
        )
        venv.create(VENV, with_pip=True)
    digest = requirements_digest(Path("requirements.txt"))
    if not INSTALLED.exists() or INSTALLED.read_text() != digest:
        pip = [BIN / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        if run(pip + ["-r", "requirements.txt"]) != 0:
            sys.exit("build.py: installing requirements.txt failed; to start afresh, delete .venv")
        INSTALLED.write_text(digest)
    # componentize-py finds spin_sdk and the rest in the active virtualenv.
    active = dict(
        os.environ,
        VIRTUAL_ENV=str(VENV.resolve()),
        PATH=f"{BIN.resolve()}{os.pathsep}{os.environ['PATH']}",
    )
    componentize = [BIN / "componentize-py", "-w", "spin-http", "componentize", "app", "-o", output]
    sys.exit(run(componentize, env=active))


def requirements_digest(requirements):
    """A digest of `requirements` and of the files of each local package it
    names (a line that is a path: `../rpc-function-python`, `-e ./lib`)."""
    digest = hashlib.sha256(requirements.read_bytes())
    for line in requirements.read_text().splitlines():
        words = line.split("#")[0].split()
        if words and words[-1].startswith((".", "/")):
            for path in package_files(Path(words[-1])):
                digest.update(str(path).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def package_files(package):
    """The files of a local package, but for hidden ones and caches."""
    for path in sorted(package.rglob("*")):
        parts = path.relative_to(package).parts
        if path.is_file() and not any(part.startswith((".", "__pycache__")) for part in parts):
            yield path


def run(command, env=None):
    return subprocess.run([str(word) for word in command], env=env).returncode


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python3 build.py NAME.wasm (in the function's directory)")
    main(sys.argv[1])
