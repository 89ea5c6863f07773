"""Every command of the README runs as written, so the README cannot drift from the tool.

How the README is read (the convention a README edit must follow):

- A fenced block whose info string starts with ``bash``, ``sh`` or ``shell`` holds shell commands;
  a ``python`` block holds Python. Other blocks (output, tables) are not run.
- Each line of a shell block is one command (a trailing backslash joins the next line; blank lines
  and ``#`` comments are skipped). The commands run in README order, each in a fresh ``bash`` with
  ``-o pipefail``, in one temporary copy of the repository (a later command may read what an earlier
  one wrote, as when a reader follows the README), with the project's virtualenv first on ``PATH``
  (as after ``source .venv/bin/activate``) and no stdin. A command fails the test when it exits
  non-zero. Nothing needs the network.
- Install steps are checked, not run (they would need the network, and this test already runs in
  what ``.ci/setup`` installs, which has every extra): ``python3 -m venv``, any ``pip install``,
  ``sudo`` or ``apt-get`` lines, ``bash .ci/setup``. A ``pip install`` must install from the clone
  (``-e .`` or ``-e '.[extra]'`` with an extra that pyproject.toml declares), never a name no index
  has. In a line of ``&&``-joined steps, the steps that are not installs run.
- A block that needs what a test cannot have (a server, files a reader downloads) or that would run
  this test suite itself is preceded by ``<!-- readme-test: skip: REASON -->``; the reason is
  required and shown in the test's output.
- Python blocks run with the virtualenv's Python, in the copy.

The first command of the README (set-up and the example map) must leave a fresh clone clean when run
twice: ``test_the_first_command_twice_leaves_a_fresh_clone_clean``.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from dataclasses import dataclass
from pathlib import Path

from geo.batch import RECORD_FIELDS
from geo.cli import _parser

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
SHELL = ("bash", "sh", "shell")
FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.M | re.S)
MARK = re.compile(r"<!--\s*readme-test:\s*skip:\s*(\S.*?)\s*-->\s*$")
INSTALL = re.compile(r"^(sudo\s|apt(-get)?\s|\S*python3?\s+-m\s+venv\s|\S*pip3?\s+install\s|bash\s+\.ci/setup\b)")
#: Left out of the copy: big, private to this checkout, or rebuilt by the commands themselves.
NOT_COPIED = shutil.ignore_patterns(".git", ".venv", "__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis",
                                    "*.egg-info", "build", "dist")
TIMEOUT = 900


@dataclass(frozen=True)
class Block:
    language: str
    body: str
    line: int
    #: Why the block is not run, or "" when it is.
    skip: str


def readme_blocks(text: str) -> list[Block]:
    blocks = []
    for match in FENCE.finditer(text):
        before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1]
        marked = MARK.search(before)
        language = (match.group(1).split() or [""])[0]
        blocks.append(Block(language, match.group(2), text.count("\n", 0, match.start()) + 1,
                            marked.group(1) if marked else ""))
    return blocks


def shell_commands(body: str) -> list[str]:
    """The commands of a shell block: continuation lines joined, blanks and comments left out."""
    commands = []
    for line in body.replace("\\\n", " ").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            commands.append(line.strip())
    return commands


def split_installs(command: str) -> tuple[list[str], str]:
    """(install steps, what remains to run) of a command; steps are ``&&``-joined."""
    steps = [step.strip() for step in command.split(" && ")]
    installs = [step for step in steps if INSTALL.match(step)]
    return installs, " && ".join(step for step in steps if step not in installs)


def check_install(step: str, extras: set[str]) -> None:
    """A ``pip install`` in the README installs the clone, with extras the project declares."""
    match = re.search(r"\bpip3?\s+install\s+(.*)", step)
    if not match:
        return
    words = shlex.split(match.group(1))
    targets = [w for i, w in enumerate(words) if not w.startswith("-") or (i and words[i - 1] == "-e")]
    targets = [w for w in targets if not w.startswith("-")]
    assert targets, step
    for target in targets:
        found = re.fullmatch(r"\.(?:\[([\w,-]+)\])?", target)
        assert found, f"{step!r}: install from the clone (pip install -e '.[extra]'), not {target!r}"
        assert "-e" in words, f"{step!r}: an editable install of the clone (-e), as the set-up command does"
        for extra in (found.group(1) or "").split(","):
            assert not extra or extra in extras, f"{step!r}: pyproject.toml declares no extra {extra!r}"


def project_extras() -> set[str]:
    with open(ROOT / "pyproject.toml", "rb") as stream:
        return set(tomllib.load(stream)["project"]["optional-dependencies"])


def copy_of_the_repository(target: Path) -> Path:
    """A copy of the working tree with a ``.venv/bin`` that is this test's virtualenv."""
    shutil.copytree(ROOT, target, ignore=NOT_COPIED, symlinks=True)
    (target / ".venv").mkdir()
    (target / ".venv" / "bin").symlink_to(sysconfig.get_path("scripts"), target_is_directory=True)
    return target


def environment(copy: Path) -> dict[str, str]:
    """The shell of a reader who activated the virtualenv, running the copy's code (not this
    checkout's: PYTHONPATH comes before the editable install)."""
    env = {k: v for k, v in os.environ.items() if k not in ("GEO_GAZETTEER", "GEO_GAZETTEER_DIR", "GEO_NO_WORLD")}
    env["PATH"] = f"{copy / '.venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(copy / ".venv")
    env["PYTHONPATH"] = str(copy)
    return env


def run_shell(command: str, copy: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=copy, env=environment(copy),
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=TIMEOUT)


def test_the_readme_test_convention_is_followed():
    blocks = readme_blocks(README.read_text(encoding="utf-8"))
    shell = [b for b in blocks if b.language in SHELL]
    assert len(shell) >= 10, "the README's shell blocks were not found: is the fence syntax still ```bash?"
    text = README.read_text(encoding="utf-8")
    assert text.count("readme-test:") == sum(1 for b in blocks if b.skip), "a readme-test mark is not before a block"
    for block in blocks:
        assert block.language in (*SHELL, "python", "text", ""), f"README.md:{block.line}: unknown block {block}"


def test_every_command_of_the_readme_runs(tmp_path):
    copy = copy_of_the_repository(tmp_path / "repository")
    extras = project_extras()
    ran, skipped, failures = 0, [], []
    for block in readme_blocks(README.read_text(encoding="utf-8")):
        if block.skip:
            skipped.append(f"README.md:{block.line}: {block.skip}")
            continue
        if block.language == "python":
            result = subprocess.run([sys.executable, "-c", block.body], cwd=copy, env=environment(copy),
                                    stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=TIMEOUT)
            ran += 1
            if result.returncode != 0:
                failures.append(f"README.md:{block.line}: the Python block failed:\n{result.stderr[-2000:]}")
            continue
        if block.language not in SHELL:
            continue
        for command in shell_commands(block.body):
            installs, rest = split_installs(command)
            for step in installs:
                check_install(step, extras)
            if not rest:
                continue
            result = run_shell(rest, copy)
            ran += 1
            if result.returncode != 0:
                failures.append(f"README.md:{block.line}: {rest}\n  exit {result.returncode}: "
                                f"{result.stderr.strip()[-2000:]}")
    print(f"{ran} README commands run; not run: {skipped}")
    assert not failures, "\n\n".join(failures)
    assert ran >= 20


def test_every_command_and_column_is_in_the_readme():
    text = README.read_text(encoding="utf-8")
    commands_section = text.split("\n## Commands\n", 1)[1].split("\n## ", 1)[0]
    parser = _parser()
    top = next(a for a in parser._actions if a.dest == "command")
    for name, sub in top.choices.items():
        nested = [a for a in sub._actions if a.dest == "gazetteer_command"]
        names = [f"geo {name} {action}" for action in nested[0].choices] if nested else [f"geo {name}"]
        for full in names:
            assert f"`{full} " in commands_section or f"`{full}`" in commands_section, f"{full} not in ## Commands"
    columns = text.split("### The columns", 1)[1].split("\n### ", 1)[0]
    for field in RECORD_FIELDS:
        assert f"`{field}`" in columns, f"output column {field} is not documented"
    for word in ("evaluate", "suggest", "export", "--no-world", "--png", "source .venv/bin/activate"):
        assert word in text


def test_png_needs_are_said_where_png_is_shown():
    """Where a README block uses --png, the same block installs the extra and Debian's Chromium,
    in the words of the command's own error message."""
    from geo.maps.snapshot import NEEDS_CHROMIUM, NEEDS_PLAYWRIGHT

    blocks = [b.body for b in readme_blocks(README.read_text(encoding="utf-8")) if "--png" in b.body]
    assert blocks
    for body in blocks:
        assert "pip install -e '.[png]'" in body and "apt-get install chromium" in body
    assert "pip install -e '.[png]'" in NEEDS_PLAYWRIGHT and "apt-get install chromium" in NEEDS_CHROMIUM


def first_command() -> str:
    block = next(b for b in readme_blocks(README.read_text(encoding="utf-8")) if b.language in SHELL)
    return shell_commands(block.body)[0]


def test_the_first_command_twice_leaves_a_fresh_clone_clean(tmp_path):
    """Acceptance of issue 18: the set-up command rewrites the tracked maps/examples.html, which must
    come out byte-identical (element ids derived from the content), and leave nothing else behind."""
    command = first_command()
    installs, rest = split_installs(command)
    assert installs == ["python3 -m venv .venv", ".venv/bin/pip install -q -e ."], command
    assert rest.startswith(".venv/bin/geo map ") and "--out maps/examples.html" in rest, rest
    clone = tmp_path / "clone"
    inside = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--is-inside-work-tree"], capture_output=True,
                            text=True)
    if inside.returncode == 0:
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True, timeout=300)
    else:  # an unpacked source archive: the copy itself is the reference
        copy_of_the_repository(clone)
        shutil.rmtree(clone / ".venv")
        author = ["-c", "user.name=readme", "-c", "user.email=readme@example.org"]
        for step in (["init", "-q"], ["add", "-A"], [*author, "commit", "-qm", "the copy"]):
            subprocess.run(["git", *step], cwd=clone, check=True, capture_output=True)
    (clone / ".venv").mkdir()
    (clone / ".venv" / "bin").symlink_to(sysconfig.get_path("scripts"), target_is_directory=True)
    page = clone / "maps" / "examples.html"
    outputs = []
    for _ in range(2):
        result = run_shell(rest, clone)
        assert result.returncode == 0, result.stderr
        outputs.append(page.read_bytes())
    assert outputs[0] == outputs[1], "two runs of the first README command wrote different maps/examples.html"
    status = subprocess.run(["git", "status", "--porcelain"], cwd=clone, capture_output=True, text=True, check=True)
    assert status.stdout == "", (
        "the first README command left the clone dirty (a stale maps/examples.html: run it and commit the map):\n"
        + status.stdout
    )
