"""Time `kouryu diff OLD NEW -f json` as a whole process on two thousand-fold editions.

    python bench/diff.py              # 1000x, 7 runs after one warm-up
    python bench/diff.py --scale 100 --runs 3

OLD is the shipped plan replicated (bench/run.py's plan_text); NEW is the same after the
kinds of edit diff must read as a person would, each made in every copy: a measure inserted
in 2-1 (its section renumbered) and 市民文化祭 renamed; 1-2-03 deleted and its neighbour
renamed with a reworded description (1-2 renumbered); 石丸総合館 moved to 2-1 under a new
name; one description rewritten. Copies share their descriptions, so nothing but the name
pass is exact and every other measure goes through the assignment: a harder case than a
real plan, whose descriptions differ. Prints the median and spread of the wall-clock time
and the summary line of the last run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

# bench/run.py beside this script (Python puts the script's folder first on sys.path).
from run import KOURYU, PYTHON, plan_text

from kouryu_cli import planfile


def _section(data: dict[str, Any], policy: int, number: int) -> list[dict[str, Any]]:
    for p in data["policies"]:
        for s in p["sections"]:
            if (p["number"], s["number"]) == (str(policy), str(number)):  # BaseLoader: text
                measures: list[dict[str, Any]] = s["measures"]
                return measures
    raise KeyError((policy, number))


def _renumber(items: list[dict[str, Any]], prefix: str) -> None:
    for n, item in enumerate(items, 1):
        item["id"] = f"{prefix}-{n:02d}"


def edited(source: Path, target: Path) -> None:
    """The shipped plan with the edits of the module docstring, written as YAML."""
    import yaml

    data = yaml.load(source.read_text("utf-8"), yaml.BaseLoader)  # noqa: S506
    culture = _section(data, 2, 1)
    culture.insert(
        1,
        {
            "id": "new",
            "name": "市民音楽ひろば事業",
            "departments": ["文化スポーツ推進課"],
            "ages": ["18-64", "65+"],
            "description": "市民が気軽に音楽を楽しめる場を設けます。",
        },
    )
    next(m for m in culture if m["name"] == "市民文化祭")["name"] = "市民音楽祭"
    moved = _section(data, 1, 1).pop(1)
    moved["name"] = "石丸総合館運営事業"
    moved["description"] = moved["description"].replace("各種事業", "事業")
    culture.append(moved)
    _renumber(culture, "2-1")
    social = _section(data, 1, 2)
    social.pop(2)
    social[2]["name"] = "社会教育士養成事業"
    social[2]["description"] = social[2]["description"].replace("育成", "養成")
    _renumber(social, "1-2")
    _section(data, 3, 1)[3]["description"] = "自治会の加入促進と役員の負担軽減に取り組みます。"
    target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    script = Path(PYTHON).with_name("kouryu")
    kouryu = [str(script)] if script.is_file() else KOURYU
    with tempfile.TemporaryDirectory(prefix="kouryu-diff-") as folder:
        scratch = Path(folder)
        env = {**os.environ, "XDG_CACHE_HOME": str(scratch / "cache")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        old, new, source = scratch / "old.yaml", scratch / "new.yaml", scratch / "edited.yaml"
        old.write_text(plan_text(args.scale), "utf-8")
        edited(planfile.default_path(), source)
        new.write_text(plan_text(args.scale, source), "utf-8")
        command = [*kouryu, "diff", str(old), str(new), "-f", "json"]
        seconds = []
        for run in range(args.runs + 1):  # the first run fills the plan cache
            start = time.perf_counter()
            done = subprocess.run(command, capture_output=True, env=env, check=False)
            if done.returncode != 1:
                sys.exit(f"bench: diff exited {done.returncode}: {done.stderr.decode()}")
            if run:
                seconds.append(time.perf_counter() - start)
        summary = json.loads(done.stdout)["summary"]
    print(
        f"kouryu diff, {args.scale}x plans, -f json: median {statistics.median(seconds):.2f} s "
        f"(min {min(seconds):.2f}, max {max(seconds):.2f}, {args.runs} runs); {summary}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
