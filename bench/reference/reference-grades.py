"""Writes test/fixtures/golden/reference-grades.jsonl.gz: what the reference's evaluation says of
texts like a model's outputs, the oracle of `verify --grades`' reference fields
(src/verify/reference-grade.ts).

Usage: python3 bench/reference/reference-grades.py REF OUT.jsonl.gz
REF is a checkout of GitHub Parallel-Reasoning/APR (its src/ folder is imported: only the
standard library is needed). The texts are the golden records' traces (an SoS+ record's
search_path, an APR root's last text) and copies of them changed as a model's outputs go
wrong: a digit, an operator, a line cut or doubled, the clean path cut off, a state's
numbers changed. Each line: {"nums", "target", "text", "sosp", "apr"}, where "sosp" is
metric_fn(text) as {"rating", "verdict"} and "apr" eval_apr.py's true success
(get_search_result, then check_solution with the prefix it builds from the problem); either is
{"raises": "ExceptionName"} where the script stops with that exception.
"""
import contextlib
import gzip
import io
import json
import os
import random
import sys

REF, OUT = sys.argv[1], sys.argv[2]
sys.path.insert(0, REF)
from src.countdown_utils import metric_fn  # noqa: E402
from src.eval.parallel_infernce_utils import check_solution, get_search_result  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "..", "..", "test", "fixtures", "golden")
SOURCES = [
    ("sosp_s0_beam5_on_problems_s42.jsonl", 30),
    ("sosp_s3_beam3_on_problems_s7.jsonl", 30),
    ("apr_s42_beam10_sub15_p0.9_on_problems_s42.jsonl", 25),
    ("apr_s5_beam2-6_sub8_p0.5_on_problems_s7.jsonl", 25),
]
MAX_CHARS = 6000  # short texts keep the fixture small
rng = random.Random(2026)


def mutations(text):
    lines = text.split("\n")
    yield text
    ops = [i for i, l in enumerate(lines) if l.startswith("Exploring Operation: ")]
    if ops:
        i = rng.choice(ops)
        l = lines[i]
        digits = [k for k, c in enumerate(l) if c.isdigit()]
        k = rng.choice(digits)
        yield "\n".join(lines[:i] + [l[:k] + str((int(l[k]) + rng.randint(1, 9)) % 10) + l[k + 1:]] + lines[i + 1:])
        l = lines[ops[-1]]  # the last operation: on the clean path of a solved text
        for a, b in (("+", "*"), ("-", "+"), ("*", "-"), ("/", "+")):
            if a in l:
                yield "\n".join(lines[: ops[-1]] + [l.replace(a, b, 1)] + lines[ops[-1] + 1:])
                break
        yield "\n".join(lines[: ops[-1]] + [l.replace("=", "=0", 1)] + lines[ops[-1] + 1:])  # a leading zero: int() takes it
        yield "\n".join(lines[: ops[-1]] + [l.replace(": ", ": 0", 1)] + lines[ops[-1] + 1:])  # one eval() refuses
    cut = rng.randint(1, max(1, len(lines) - 1))
    yield "\n".join(lines[:cut]) + "\n"
    d = rng.randint(0, len(lines) - 1)
    yield "\n".join(lines[: d + 1] + lines[d:])
    if "Goal Reached\n" in text:
        yield text[: text.index("Goal Reached\n") + len("Goal Reached\n")]  # no clean path after the goal
        states = [i for i, l in enumerate(lines) if l.startswith("Current State: ") and "Operations: ['" in l]
        if states:
            i = states[-1]
            yield "\n".join(lines[:i] + [lines[i].replace("', '", "','", 1).replace("']", "'] ", 1)] + lines[i + 1:])


def judged(fn):
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            return fn()
        except Exception as e:  # the script would stop here
            return {"raises": type(e).__name__}


def sosp(text):
    rating, verdict = metric_fn(text)
    return {"rating": rating, "verdict": verdict}


def apr(nums, target, text):
    prefix = f"Moving to Node #0\nCurrent State: {target}:{nums}, Operations: []"
    solution = get_search_result(text)
    return check_solution(prefix, solution) if solution is not None else False


cases = []
for name, count in SOURCES:
    with open(os.path.join(GOLDEN, name)) as f:
        records = [json.loads(line) for line in f]
    texts = [(r, r["trace_dict"]["main_calls"][-1] if "trace_dict" in r else r["search_path"]) for r in records]
    texts = [t for t in texts if len(t[1]) <= MAX_CHARS][:count]
    for r, text in texts:
        for t in dict.fromkeys(mutations(text)):
            cases.append((r["nums"], r["target"], t))
        cases.append((r["nums"], r["target"] + 1, text))  # the text of another problem's search
# A valid path of six numbers: metric_fn has no node count for them.
six = (
    "Current State: 6:[1, 2, 3, 4, 5, 6], Operations: []\nExploring Operation: 1+2=3, Resulting Numbers: [3, 4, 5, 6, 3]\n"
    "Generated Node #2: [3, 4, 5, 6, 3] from Operation: 1+2=3\nCurrent State: 6:[3, 4, 5, 6, 3], Operations: ['1+2=3']\n"
    "Exploring Operation: 3+3=6, Resulting Numbers: [4, 5, 6, 6]\n6,6 equal: Goal Reached\n"
)
cases.append(([1, 2, 3, 4, 5, 6], 6, six + six))

rows = []
for nums, target, text in cases:
    row = {"nums": nums, "target": target, "text": text, "sosp": judged(lambda: sosp(text)), "apr": judged(lambda: apr(nums, target, text))}
    rows.append(json.dumps(row) + "\n")
with open(OUT, "wb") as out:  # mtime 0: the same bytes on every run
    out.write(gzip.compress("".join(rows).encode(), mtime=0))
print(f"{len(cases)} cases to {OUT}", file=sys.stderr)
