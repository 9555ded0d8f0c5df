"""The lock covers what pyproject.toml names, the venv holds the lock, and the warnings policy
stays a policy (pyproject.toml, [tool.pytest.ini_options] filterwarnings)."""

from __future__ import annotations

import importlib
import importlib.metadata
import os
import subprocess
import sys
import textwrap
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from signoff.lockfile import (
    ROOT,
    declared,
    load,
    locked_packages,
    locked_versions,
    normalize,
    uv_requirement,
)
from tests.conftest import OWN_PACKAGES

PYPROJECT = load(ROOT / "pyproject.toml")
LOCK = load(ROOT / "uv.lock")
UV = Path(sys.executable).parent / "uv"


def test_every_dependency_pyproject_names_is_in_the_lock_at_a_version_it_allows():
    locked = locked_packages(LOCK)
    problems = []
    for line in declared(PYPROJECT):
        requirement = Requirement(line)
        package = locked.get(normalize(requirement.name))
        if package is None:
            problems.append(f"{line}: not in uv.lock")
        elif not requirement.specifier.contains(package["version"], prereleases=True):
            problems.append(f"{line}: uv.lock has {package['version']}")
    assert not problems, "run `make lock` and commit uv.lock:\n" + "\n".join(problems)


def test_uv_says_the_lock_matches_pyproject():
    result = subprocess.run([str(UV), "lock", "--check", "--offline"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_the_venv_holds_the_locked_versions_and_nothing_else():
    locked = locked_versions(LOCK)
    installed = {normalize(dist.metadata["Name"]): dist.version
                 for dist in importlib.metadata.distributions()}
    differing = {name: (version, sorted(locked.get(name, ())))
                 for name, version in installed.items() if version not in locked.get(name, ())}
    assert differing == {}, "installed vs locked; run `make venv`"


def test_the_bootstrap_installs_the_locked_uv_by_its_hashes():
    line = uv_requirement(LOCK)
    assert line.startswith(f"uv=={locked_packages(LOCK)['uv']['version']} --hash=sha256:")
    assert line.count("--hash=sha256:") == len(locked_packages(LOCK)["uv"]["wheels"]) + 1


# --- warnings ------------------------------------------------------------------------------


def run_as(module: str, code: str) -> None:
    """Run ``code`` as if it were in ``module``: a warning it raises is attributed there."""
    exec(compile(textwrap.dedent(code), module.replace(".", "/") + ".py", "exec"),
         {"__name__": module})


@pytest.mark.parametrize("package", OWN_PACKAGES)
def test_signoffs_own_deprecation_warning_is_an_error(package: str):
    with pytest.raises(DeprecationWarning):
        run_as(f"{package}.probe", "import warnings\n"
               "warnings.warn('old', DeprecationWarning, stacklevel=1)")


@contextmanager
def the_suites_filters() -> Iterator[None]:
    """The ``filterwarnings`` lines of pyproject.toml, applied as pytest applies them (a later
    line wins), whatever mode this run is in."""
    with warnings.catch_warnings():
        warnings.resetwarnings()
        for line in PYPROJECT["tool"]["pytest"]["ini_options"]["filterwarnings"]:
            action, message, category, module = (line.split(":") + [""] * 4)[:4]
            if category:
                where, _, name = category.rpartition(".")
                category_class = getattr(importlib.import_module(where or "builtins"), name)
            else:
                category_class = Warning
            warnings.filterwarnings(action, message, category_class, module)
        yield


def test_a_librarys_warning_is_ignored_only_where_its_filter_names_it():
    from cryptography.utils import CryptographyDeprecationWarning

    code = ("import warnings\nfrom cryptography.utils import CryptographyDeprecationWarning\n"
            "warnings.warn('DSA is deprecated and support will be removed',"
            " CryptographyDeprecationWarning, stacklevel=1)")
    with the_suites_filters():
        run_as("pyhanko.sign.signers.pdf_cms", code)  # the named library: ignored
        with pytest.raises(CryptographyDeprecationWarning):
            run_as("approvals.keys", code)  # the same warning in Signoff's code: an error
        with pytest.raises(CryptographyDeprecationWarning):
            run_as("pyhanko.sign.signers.pdf_cms", code.replace("DSA", "RSA"))  # another message


def test_every_ignore_names_its_module_message_and_category():
    filters = PYPROJECT["tool"]["pytest"]["ini_options"]["filterwarnings"]
    assert filters[0] == "error"
    for line in filters[1:]:
        action, message, category, module = (line.split(":") + [""] * 4)[:4]
        assert action == "ignore", line
        assert message and category and module, f"a blanket ignore: {line}"
        assert not any(module.startswith(own) for own in OWN_PACKAGES), line


def test_the_upgrade_run_shows_a_librarys_warning_and_still_fails_on_signoffs(
        tmp_path: Path):
    """``make upgrade-deps`` runs the suite with SIGNOFF_WARNINGS=report: a warning inside a
    library is listed in the summary instead of failing its test; Signoff's own still fail."""
    test_file = tmp_path / "test_probe.py"
    test_file.write_text(textwrap.dedent('''
        import warnings
        from tests.test_dependencies import run_as

        def test_library():
            run_as("somelib.core", "import warnings\\n"
                   "warnings.warn('somelib will change', FutureWarning, stacklevel=1)")

        def test_signoff():
            run_as("web.probe", "import warnings\\n"
                   "warnings.warn('old', DeprecationWarning, stacklevel=1)")
    '''))
    for mode, outcome in (("report", "1 failed, 1 passed"), ("", "2 failed")):
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir",
             str(ROOT), "-c", str(ROOT / "pyproject.toml"), "--confcutdir", str(ROOT),
             "-p", "tests.conftest", str(test_file)],
            cwd=ROOT, capture_output=True, text=True, timeout=300,
            env={**os.environ, "SIGNOFF_WARNINGS": mode})
        assert outcome in result.stdout, result.stdout
        if mode:
            assert "somelib will change" in result.stdout  # listed in the warnings summary
            assert "FAILED" in result.stdout and "test_signoff" in result.stdout

