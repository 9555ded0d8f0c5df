"""What the lock (``uv.lock``) holds, read with the standard library only.

``make venv`` runs this file before anything is installed (``python3 -m signoff.lockfile
uv-requirement``) to bootstrap the locked version of uv with pip, hash-checked; the tests use
:func:`uncovered` to prove that every dependency ``pyproject.toml`` names is in the lock.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def normalize(name: str) -> str:
    """A distribution name as the lock spells it (PEP 503: lower case, runs of ``-_.`` → ``-``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def load(path: Path) -> dict:
    with open(path, "rb") as file:
        return tomllib.load(file)


def locked_packages(lock: dict) -> dict[str, dict]:
    """The lock's packages by normalised name (the last entry of a name the lock forks by
    Python version; :func:`locked_versions` has them all)."""
    return {normalize(package["name"]): package for package in lock["package"]}


def locked_versions(lock: dict) -> dict[str, set[str]]:
    """Every version the lock holds of each package: more than one where it forks by Python
    version (``limits`` wants an older ``deprecated`` before Python 3.12)."""
    versions: dict[str, set[str]] = {}
    for package in lock["package"]:
        versions.setdefault(normalize(package["name"]), set()).add(package.get("version", ""))
    return versions


def uv_requirement(lock: dict) -> str:
    """A pip requirement line for the locked uv with the hashes of all its files, so that
    ``pip install --require-hashes`` installs exactly the uv the lock names."""
    package = locked_packages(lock).get("uv")
    if package is None:
        raise SystemExit("uv.lock has no uv: add uv to the dev group of pyproject.toml")
    files = [*package.get("wheels", []), *([package["sdist"]] if "sdist" in package else [])]
    hashes = " ".join(f"--hash={file['hash']}" for file in files)
    return f"uv=={package['version']} {hashes}"


def declared(pyproject: dict) -> list[str]:
    """Every requirement ``pyproject.toml`` names: the project's and its dependency groups'."""
    requirements = list(pyproject["project"].get("dependencies", []))
    for group in pyproject.get("dependency-groups", {}).values():
        requirements += [item for item in group if isinstance(item, str)]
    for extra in pyproject["project"].get("optional-dependencies", {}).values():
        requirements += extra
    return requirements


def main(argv: list[str]) -> int:
    if argv[1:] == ["uv-requirement"]:
        print(uv_requirement(load(ROOT / "uv.lock")))
        return 0
    print("usage: python3 -m signoff.lockfile uv-requirement", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
