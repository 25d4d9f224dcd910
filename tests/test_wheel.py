"""The compiled catalogs ship in the wheel: build it, install it in a fresh venv, speak Japanese."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]

pytestmark = pytest.mark.skipif(
    not (ROOT / "pyproject.toml").is_file(), reason="the project is not beside the tests"
)


def test_the_installed_wheel_speaks_japanese(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("kouryu-*.whl")
    target = tmp_path / "venv"
    venv.create(target, with_pip=False)
    bin_dir = target / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / ("python.exe" if os.name == "nt" else "python")
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    # Install the wheel alone (no network); Typer, Rich and PyYAML come from this
    # environment's site-packages through a .pth line, which does not run the editable
    # install's own .pth, so kouryu can only come from the wheel.
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), wheel],
        check=True,
        capture_output=True,
    )
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("KOURYU_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "PYTHONPATH")
    }
    env["LANG"] = "ja_JP.UTF-8"
    env["PYTHONIOENCODING"] = "utf-8"
    where = subprocess.run(
        [str(python), "-c", "import kouryu_cli.core.i18n as m; print(m.LOCALE_DIR)"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout.strip()
    assert Path(where).is_relative_to(target), where
    assert (Path(where) / "ja" / "LC_MESSAGES" / "kouryu.mo").is_file()

    result = subprocess.run(
        [str(python), "-m", "kouryu_cli", "measures", "--policy", "9"],
        check=False,
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 2
    assert result.stderr == "kouryu: --policy: 施策 9 はありません（1, 2, 3 のいずれか）\n"
    helped = subprocess.run(
        [str(python), "-m", "kouryu_cli", "--help"],
        check=False,
        capture_output=True,
        text=True,
        env=env,
    )
    assert "オプション:" in helped.stdout  # Typer's own word, from the shipped messages.mo
    assert "[環境変数: KOURYU_DATA]" in " ".join(helped.stdout.split())
