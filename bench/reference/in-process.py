"""Runs a reference generator (GitHub Parallel-Reasoning/APR, src/ checked out in REF) in this
one process, its multiprocessing.Pool replaced by an in-order loop, and writes its records as
JSON Lines: how the golden records in test/fixtures/golden/ were made, and what
`--compat reference` reproduces byte for byte. A Pool run cannot be reproduced, even with
--num_workers 1: Python reseeds `random` in every forked worker.

Usage: python3 bench/reference/in-process.py REF MODULE OUT.jsonl [the module's flags...]
  e.g. python3 bench/reference/in-process.py REF generate_sosp sosp.jsonl \\
         --seed 0 --max_beam_size 5 --problems_path problems.json --output_dir out
MODULE is generate_problems, generate_sosp or generate_apr; the records the module writes
(the JSON files it wrote or rewrote under the current folder, in name order) are read back
and written to OUT.jsonl, one `json.dumps` line each, in order.
"""
import glob
import json
import multiprocessing
import os
import runpy
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


class InOrderPool:
    """What the generators use of multiprocessing.Pool, run here, in order."""

    def __init__(self, processes=None, initializer=None, initargs=(), *args, **kwargs):
        if initializer:
            initializer(*initargs)

    def imap(self, fn, items, chunksize=1):
        return map(fn, items)

    def map(self, fn, items, chunksize=None):
        return list(map(fn, items))

    def close(self):
        pass

    def join(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    ref, module, out = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3]
    flags = sys.argv[4:]
    # Debian's packages last, as in time-reference.sh: the stand-ins first.
    sys.path[:0] = [os.path.join(HERE, "stubs"), ref]
    multiprocessing.Pool = InOrderPool
    def stamps():
        return {p: os.stat(p).st_mtime_ns for p in glob.glob("**/*.json", recursive=True)}

    before = stamps()
    sys.argv = [module] + flags
    runpy.run_module("src.data." + module, run_name="__main__", alter_sys=True)
    written = sorted(p for p, t in stamps().items() if before.get(p) != t)
    if not written:
        sys.exit(f"{module} wrote no JSON file under {os.getcwd()}")
    with open(out, "w") as f:
        for path in written:
            with open(path) as src:
                for record in json.load(src):
                    f.write(json.dumps(record) + "\n")


if __name__ == "__main__":
    main()
