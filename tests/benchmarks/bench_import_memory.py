"""Peak memory of reading a return, per MB of input (issue #15: a 200 MB 903 header file took
8.3 GB before being refused; a 200 MB CIN file 2.6 GB).

Each figure is measured in a fresh process (its peak resident set, VmHWM): reading
and checking the files (`prepare_903`, `prepare_cin`: everything an import does before it
compares with the database). The baseline, in the same run, is a process that loads the same
modules and reads the same bytes in 64 KB chunks, keeping nothing.

- Valid files (``--children`` of them, many times a large authority): the extra peak per MB
  of input. The records read are kept to compare with the database, so this grows with the
  file; it is printed, with no target.
- A 903 header file far larger than any council's, at two sizes: it is refused once it holds
  more than `MAX_CHILDREN` children, so the peak must not grow with the file. Target: the
  larger file's peak at most 1.1 times the smaller's.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

from tests.benchmarks.common import report
from tests.importers.generate import write_903, write_cin

ROOT = Path(__file__).resolve().parents[2]

#: The refused file's peak may grow at most this much when the file is four times larger.
TARGET_GROWTH = 1.1

_PEAK = textwrap.dedent(
    """
    import sys
    from reviewdesk.importers.cin import prepare_cin
    from reviewdesk.importers.ssda903 import prepare_903
    paths = sys.argv[2:]
    if sys.argv[1] == "baseline":
        for p in paths:
            with open(p, "rb") as fh:
                while fh.read(65536):
                    pass
    elif sys.argv[1] == "cin":
        prepare_cin(paths[0])
    else:
        prepare_903(*paths)
    # VmHWM: this process's own peak (ru_maxrss would include the parent's, from the fork).
    with open("/proc/self/status") as fh:
        kb = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:"))
    print(kb / 1024)
    """
)


def _peak(kind: str, paths: list[Path]) -> float:
    out = subprocess.run(
        [sys.executable, "-c", _PEAK, kind, *map(str, paths)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


def _measure(name: str, kind: str, paths: list[Path]) -> float:
    """Print the peak and the extra peak per MB of input; return the peak (MB)."""
    size = sum(p.stat().st_size for p in paths) / 2**20
    base = _peak("baseline", paths)
    peak = _peak(kind, paths)
    print(f"# {name}: {size:.1f} MB of input", flush=True)
    report(f"{name}_peak_mb", peak, "reading the bytes", base, unit="MB")
    report(
        f"{name}_extra_mb_per_input_mb",
        (peak - base) / size,
        "reading the bytes (per MB)",
        base / size,
        unit="MB",
    )
    return peak


def _big_header(folder: Path, rows: int) -> list[Path]:
    folder.mkdir()
    header = folder / "header.csv"
    with header.open("w", encoding="utf-8") as fh:
        fh.write("CHILD,SEX,DOB\n")
        for i in range(rows):
            fh.write(f"C{i:08d},1,01/01/2015\n")
    episodes, reviews = folder / "episodes.csv", folder / "reviews.csv"
    episodes.write_text("CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC\n")
    reviews.write_text("CHILD,DOB,REVIEW,REVIEW_CODE\n")
    return [header, episodes, reviews]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=20_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = write_903(folder / "903", args.children, seed=7)
        _measure(
            f"memory.903_{args.children}_children",
            "903",
            [files.header, files.episodes, files.reviews],
        )
        cin = write_cin(folder / "cin.xml", args.children, seed=7)
        _measure(f"memory.cin_{args.children}_children", "cin", [Path(cin)])
        # Header files of 500,000 and 2,000,000 rows (more children than any council has).
        small = _measure("memory.903_header_500k_rows", "903", _big_header(folder / "a", 500_000))
        large = _measure("memory.903_header_2m_rows", "903", _big_header(folder / "b", 2_000_000))
        report(
            "memory.903_header_2m_rows_peak_growth",
            large / small,
            "the same at 500k rows",
            1.0,
            unit="x",
            target=TARGET_GROWTH,
        )


if __name__ == "__main__":
    main()
