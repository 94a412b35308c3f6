"""Every command and Python snippet the README shows runs as written, so the README cannot drift.

The README is parsed here, not copied: each line of a ```sh block (``\\`` continuations joined, comments
dropped) becomes one test, and so does each ```python block. A new command in the README is picked up
without touching this file. Each runs in a scratch folder of its own, holding copies of the clone's folders
the README's commands name (``packaging/``, ``benchmarks/`` ..., and ``.venv/bin/activate``) and no link at
all: whatever a command writes stays in the scratch folder, and files a reader left in the clone (the
README's own race.mp4, demo.toml, example.py) are neither seen nor touched. ``HOME`` and
``XDG_CONFIG_HOME`` are private to the test, and ``landscape-gui`` is on ``PATH`` as this checkout's app.
How a command is run depends on what it is (first matching rule):

- ``VAR=value`` before a command is put in its environment, and ``xvfb-run [-a] [-s ARGS]`` is dropped:
  the test already runs under Xvfb;
- ``scripts/test`` is this very suite: skipped. ``scripts/run ARGS`` is run as ``landscape-gui ARGS``:
  ``tests/test_scripts.py`` checks that scripts/run sets up ``.venv`` and hands its arguments to the app;
  ``.venv/bin/landscape-gui`` and ``.venv/bin/python`` are this checkout's app and interpreter;
- ``source .venv/bin/activate`` must put ``landscape-gui`` on ``PATH`` (skipped where there is no ``.venv``);
- ``pipx install .`` / ``pip install .``: ``tests/test_install.py`` builds the wheel and installs it into a
  fresh environment (here it would download the dependencies): skipped;
- ``landscape-gui`` with no argument or with a scenario file opens the window: it must show a window named
  "Landscape GUI" under Xvfb and keep running until stopped;
- ``landscape-gui export``: for real, at a tiny size (``--size 96x54 --fps 5 --duration 0.4``);
- scripts that take minutes (``benchmarks/*``, ``packaging/build-bundle``): executable, with a shebang, and
  ``--help`` works without installing anything;
- anything else (``landscape-gui trace ...``, any new subcommand, ``mkdir``/``cp``): for real, through bash,
  exit status 0 within :data:`TIMEOUT_S` seconds; the plain shell commands before it in its block (a
  ``mkdir`` before a ``cp``) run first.

A fenced block preceded by ``<!-- file: NAME -->`` is written to ``NAME`` in the scratch folder first (the
README's demo.toml, example.py), and a ```python block followed by a ```text block must print that text
(``...`` matches anything, as in doctest).
"""

from __future__ import annotations

import doctest
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
TIMEOUT_S = 120
SLOW_SCRIPTS = ("benchmarks/", "packaging/build-bundle")
TINY_EXPORT = {"--size": "96x54", "--fps": "5", "--duration": "0.4"}
SHELL_LANGS = {"sh", "bash", "shell", "console"}


@dataclass
class Block:
    lang: str
    text: str
    line: int  # 1-based line of the opening fence
    file: str | None  # from a preceding <!-- file: NAME --> comment


def readme_blocks(text: str) -> list[Block]:
    blocks, lines = [], text.splitlines()
    i, pending_file = 0, None
    while i < len(lines):
        marker = re.match(r"^<!--\s*file:\s*(\S+)\s*-->", lines[i].strip())
        fence = re.match(r"^(\s*)(```+|~~~+)\s*([\w+-]*)", lines[i])  # indented too, in a list item
        if marker:
            pending_file = marker.group(1)
        elif fence:
            indent, mark, lang = fence.groups()
            end = next(j for j in range(i + 1, len(lines)) if lines[j].strip().startswith(mark))
            body = "\n".join(line.removeprefix(indent) for line in lines[i + 1 : end]) + "\n"
            blocks.append(Block(lang.lower(), body, i + 1, pending_file))
            pending_file, i = None, end
        elif lines[i].strip():
            pending_file = None  # the marker names the block right after it
        i += 1
    return blocks


def shell_commands(blocks: list[Block]) -> list[tuple[int, str, int]]:
    """(README line, command, block number) for each command of each shell block."""
    out = []
    for n, b in enumerate(blocks):
        if b.lang not in SHELL_LANGS:
            continue
        joined, start = "", None
        for k, raw in enumerate(b.text.splitlines()):
            line = raw.removeprefix("$ ") if b.lang == "console" else raw
            if not joined and not line.strip():
                continue
            start = start if joined else b.line + 1 + k
            if line.rstrip().endswith("\\"):
                joined += line.rstrip()[:-1] + " "
                continue
            joined += line
            if shlex.split(joined, comments=True):
                out.append((start, joined.strip(), n))
            joined = ""
    return out


BLOCKS = readme_blocks(README.read_text("utf-8"))
COMMANDS = shell_commands(BLOCKS)
SNIPPETS = [(k, b) for k, b in enumerate(BLOCKS) if b.lang == "python"]


# -- the scratch folder ---------------------------------------------------------------------------------------
def named_folders(root: Path, commands: list[tuple[int, str, int]]) -> list[str]:
    """The clone's folders (relative paths) the commands name: a named folder itself, a named file's folder.
    Only folders: a file a reader left at the top of the clone (race.mp4) is never one of them."""
    found = set()
    for _, command, _ in commands:
        for word in shlex.split(command, comments=True):
            parts = Path(word).parts
            if not parts or word.startswith(("-", "/", "~", "$")) or parts[0] in (".git", ".venv", ".."):
                continue
            path = root.joinpath(*parts)
            folder = path if path.is_dir() else path.parent
            if folder != root and folder.is_dir() and root in folder.parents:
                found.add(folder.relative_to(root).as_posix())
    return sorted(f for f in found if not any(f.startswith(g + "/") for g in found))


def make_scratch(root: Path, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A folder that looks like the clone to the README's commands (copies, no links), a private HOME and
    ``landscape-gui`` on ``PATH``; ``root`` is the clone."""
    work = tmp_path / "clone"
    work.mkdir(parents=True)
    skip = shutil.ignore_patterns("__pycache__", ".venv*", "*.egg-info", ".pytest_cache")
    for folder in named_folders(root, COMMANDS):
        shutil.copytree(root / folder, work / folder, ignore=skip, ignore_dangling_symlinks=True)
    activate = root / ".venv" / "bin" / "activate"  # it names the clone's .venv by its absolute path
    if activate.is_file():
        (work / ".venv" / "bin").mkdir(parents=True)
        shutil.copyfile(activate, work / ".venv" / "bin" / "activate")
    for b in BLOCKS:
        if b.file:
            (work / b.file).write_text(b.text, "utf-8")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "landscape-gui"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m landscape_gui "$@"\n')
    shim.chmod(0o755)
    home = tmp_path / "home"
    home.mkdir()
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONPATH": str(ROOT),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
    }
    return work, env


@pytest.fixture
def scratch(tmp_path):
    return make_scratch(ROOT, tmp_path)


def _split(command: str) -> tuple[dict[str, str], list[str]]:
    """Environment assignments and the command's words, with an ``xvfb-run`` prefix dropped."""
    words = shlex.split(command, comments=True)
    env = {}
    while words and re.match(r"^[A-Za-z_]\w*=", words[0]):
        name, _, value = words.pop(0).partition("=")
        env[name] = value
    if words and words[0] == "xvfb-run":
        words.pop(0)
        while words and words[0].startswith("-"):
            flag = words.pop(0)
            if flag in (
                "-s",
                "--server-args",
                "-n",
                "--server-num",
                "-f",
                "--auth-file",
                "-e",
                "--error-file",
            ):
                words.pop(0)
    return env, words


def _app_words(words: list[str]) -> list[str]:
    """``scripts/run ARGS`` and ``.venv/bin/landscape-gui ARGS`` are the app: ``landscape-gui ARGS``."""
    if words and words[0] in ("scripts/run", "./scripts/run", ".venv/bin/landscape-gui"):
        return ["landscape-gui", *words[1:]]
    if words and words[0] in (".venv/bin/python", ".venv/bin/python3"):
        return [sys.executable, *words[1:]]
    return words


def _tiny(words: list[str]) -> list[str]:
    words = list(words)
    for flag, value in TINY_EXPORT.items():
        if flag == "--duration" and "--steps-per-frame" in words:
            continue
        if flag in words:
            words[words.index(flag) + 1] = value
        else:
            words += [flag, value]
    return words


def _opens_window(words: list[str]) -> bool:
    args = words[1:]
    return not args or (len(args) == 1 and args[0].endswith(".toml"))


def _window_names() -> str:
    out = subprocess.run(["xwininfo", "-root", "-tree"], capture_output=True, text=True, timeout=10)
    return out.stdout


def _check_window(words, cwd, env) -> None:
    if not os.environ.get("DISPLAY"):
        pytest.skip("no X display (the suite runs GUI commands under pytest-xvfb)")
    proc = subprocess.Popen(
        words, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 60
        seen = False
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.5)
            if shutil.which("xwininfo") is None:
                seen = time.monotonic() > deadline - 50  # no xwininfo: alive for 10 s counts
            elif '"Landscape GUI' in _window_names() and proc.poll() is None:
                seen = True
            if seen:
                time.sleep(1.0)
                break
        assert proc.poll() is None, (
            f"{' '.join(words)} exited ({proc.returncode}): {proc.communicate()[1][-2000:]}"
        )
        assert seen, f"{' '.join(words)}: no 'Landscape GUI' window within 60 s"
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.communicate()


def _check_slow_script(words, cwd, env) -> None:
    """A benchmark or the bundle build: it exists, runs as written (#! line, +x) and answers --help."""
    idx = next(i for i, w in enumerate(words) if w.startswith(SLOW_SCRIPTS))
    script = cwd / words[idx]
    assert script.is_file(), f"{words[idx]} does not exist"
    if idx == 0:  # run by its path: it must be executable and say which interpreter
        assert script.stat().st_mode & stat.S_IXUSR, f"{words[0]}: not executable (chmod +x)"
        assert script.read_text("utf-8").startswith("#!"), f"{words[0]}: no #! line"
    help_cmd = [*words[: idx + 1], "--help"]
    out = subprocess.run(help_cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, f"{' '.join(help_cmd)}: {out.stderr[-2000:]}"
    assert out.stdout.strip(), f"{' '.join(help_cmd)} printed nothing"


def test_the_readme_shows_commands_to_test():
    assert len(COMMANDS) >= 10, COMMANDS
    assert SNIPPETS, "the README's Python snippet is gone"


def _is_plain_shell(command: str) -> bool:
    """A command of the shell itself or of coreutils (mkdir, cp, export ...), not of this project."""
    words = _app_words(_split(command)[1])
    return bool(words) and not (
        words[0] in ("landscape-gui", "source", ".", sys.executable)
        or words[0].startswith(("scripts/", *SLOW_SCRIPTS))
    )


@pytest.mark.parametrize("line,command,block", COMMANDS, ids=[f"L{n}:{c[:60]}" for n, c, _ in COMMANDS])
def test_readme_command_runs_as_written(scratch, line, command, block):
    cwd, env = scratch
    extra_env, words = _split(command)
    env = {**env, **extra_env}
    assert words, f"README line {line}: nothing to run in {command!r}"
    if words[0] in ("scripts/test", "./scripts/test"):
        pytest.skip("scripts/test runs this very suite")
    if words[:2] == ["pipx", "install"] or words[:2] == ["pip", "install"] or words[1:3] == ["-m", "pip"]:
        pytest.skip("tests/test_install.py installs the wheel into a fresh environment (no download)")
    if words[0] in ("source", "."):
        if not (ROOT / ".venv" / "bin" / "activate").exists():
            pytest.skip("no .venv in this checkout (scripts/run or scripts/test makes it)")
        out = subprocess.run(
            ["bash", "-c", f"{command}\nlandscape-gui --help"], cwd=cwd, env=env, capture_output=True, text=True,
            timeout=TIMEOUT_S,
        )  # fmt: skip
        assert out.returncode == 0 and "usage: landscape-gui" in out.stdout, out.stderr[-2000:]
        return
    words = _app_words(words)
    if words[0] != "landscape-gui" and any(w.startswith(SLOW_SCRIPTS) for w in words[:2]):
        _check_slow_script(words, cwd, env)
        return
    if words[0] == "landscape-gui" and _opens_window(words):
        _check_window(words, cwd, env)
        return
    if words[0] == "landscape-gui" and words[1:2] == ["export"]:
        words = _tiny(words)
    # Through bash, as a reader's shell would (~, globs), after the block's plain shell commands before it
    # (a mkdir before a cp); the project's own commands before it do not change what this one needs.
    before = [c for ln, c, b in COMMANDS if b == block and ln < line and _is_plain_shell(c)]
    this = command if _is_plain_shell(command) else shlex.join(words)
    script = "set -e\n" + "\n".join([*before, this])
    out = subprocess.run(
        ["bash", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT_S
    )
    assert out.returncode == 0, f"README line {line}: {this}\n{out.stderr[-3000:]}"


@pytest.mark.parametrize("index,block", SNIPPETS, ids=[f"L{b.line}" for _, b in SNIPPETS])
def test_readme_python_snippet_runs_and_prints_what_the_readme_says(scratch, index, block):
    cwd, env = scratch
    script = cwd / "snippet.py"
    script.write_text(block.text, "utf-8")
    out = subprocess.run(
        [sys.executable, str(script)], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-3000:]
    following = BLOCKS[index + 1] if index + 1 < len(BLOCKS) else None
    if following is not None and following.lang == "text":
        checker = doctest.OutputChecker()
        assert checker.check_output(following.text, out.stdout, doctest.ELLIPSIS), (
            f"README line {following.line} says the snippet prints\n{following.text}\nbut it prints\n{out.stdout}"
        )


def test_files_a_reader_left_in_the_clone_change_nothing(tmp_path):
    """A clone in which the README was followed (race.mp4, an edited demo.toml, example.py at its top): the
    README's commands still pass, and those files are neither read nor written, through a link or not."""
    clone = tmp_path / "their-clone"
    for folder in named_folders(ROOT, COMMANDS):
        shutil.copytree(ROOT / folder, clone / folder, ignore=shutil.ignore_patterns("__pycache__", ".venv*"))
    planted = {
        "race.mp4": b"the reader's own video",
        "demo.toml": b'version = 1\ntitle = "my edited demo"\n',
        "example.py": b"print('my own example')\n",
        "basins.png": b"not even a png",
    }
    for name, data in planted.items():
        (clone / name).write_bytes(data)

    work, env = make_scratch(clone, tmp_path / "test")
    assert not [p for p in work.rglob("*") if p.is_symlink()], "the scratch folder holds a link"
    assert not (work / "race.mp4").exists() and not (work / "basins.png").exists()
    demo = next(b for b in BLOCKS if b.file == "demo.toml")
    assert (work / "demo.toml").read_text("utf-8") == demo.text

    # the commands that write race.mp4, demo.gif and basins.png, or read demo.toml and example.py
    touching = [c for c in COMMANDS if re.search(r"race\.mp4|demo\.(gif|toml)|basins\.png|example\.py", c[1])]
    assert len(touching) >= 4, touching
    for line, command, block in touching:
        test_readme_command_runs_as_written((work, env), line, command, block)
    assert (work / "race.mp4").stat().st_size > 1000
    for name, data in planted.items():
        assert (clone / name).read_bytes() == data, f"{name} in the clone was changed"


def test_the_linters_check_the_project_and_not_the_files_a_reader_left(tmp_path):
    """scripts/test runs ``ruff check .`` and ``ruff format --check .`` in the clone: a reader's example.py at
    its top (the README's own, as they typed it) failed the run on a clone where the README was followed. The
    linters read the project's code and docs ([tool.ruff] include) and nothing else, and still catch the
    project's own badly formatted code."""
    ruff = Path(sys.executable).with_name("ruff")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "example.py").write_text("import os\nprint( 'my own example' )\n", "utf-8")
    (tmp_path / "notes.md").write_text("# mine\n\n```python\nprint( 1 )\n```\n", "utf-8")
    code = tmp_path / "landscape_gui"
    code.mkdir()
    (code / "ok.py").write_text('print("fine")\n', "utf-8")

    def lint() -> list[int]:
        return [
            subprocess.run([ruff, *args, "."], cwd=tmp_path, capture_output=True, check=False).returncode
            for args in (["check", "--no-cache"], ["format", "--check", "--no-cache"])
        ]

    assert lint() == [0, 0]
    (code / "bad.py").write_text("import os\nprint( 'project code' )\n", "utf-8")
    assert lint() == [1, 1]
