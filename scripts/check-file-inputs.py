#!/usr/bin/env python3
"""Drives the real routertop binary over every file input it reads: the committed fuzz corpora
for scenario, replica and theme files, and random mutations of them. Each run must end with exit
status 0 or 2 -- never a signal -- within the time limit, and a refusal must be one line of the
form `FILE:LINE: reason` (themes: `theme FILE, line N: reason`).

    scripts/check-file-inputs.py [--binary PATH] [--mutations N] [--seed S] [--limit SECONDS]

Prints one line per file kind: runs, statuses seen, the slowest run.
"""
import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# How each file kind reaches the binary. A valid replica file would start a proxy, so `--node ''`
# (refused right after the file is read) makes start-up stop there; a valid theme stops at the
# missing terminal. Both then exit 2 having parsed the whole file.
KINDS = {
    "scenario": lambda path: ["simulate", "--scenario", path],
    "replicas": lambda path: ["--listen", "127.0.0.1:0", "--replicas", path, "--headless", "--node", ""],
    "theme": lambda path: ["--theme", path],
}
# What status 2 may say: the file refused with its line, or (replica and theme files) the file
# accepted and start-up stopped at the next step.
REFUSAL = {
    "scenario": re.compile(r"^routertop: [^:]+:\d+: .+$"),
    "replicas": re.compile(r"^routertop: ([^:]+(:\d+)?: .+|--node= is empty; it must be a name)$"),
    "theme": re.compile(r"^routertop: (theme [^,]+(, line \d+)?: .+|standard input and output are not a terminal.+)$"),
}
TOKENS = [b"[", b"]", b"[[", b"]]", b"=", b"\"", b"'", b"\"\"\"", b"#", b"\n", b".", b"{", b"}", b",",
          b"\xc3\xa9", b"\x00", b"\xff", b"3e9", b"-1", b"1e308", b"nan", b"inf", b"0", b"86400",
          b"1000000", b"\r", b"\t", b"\\", b"true"]


def mutate(data: bytes, rng: random.Random, others: list) -> bytes:
    data = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        choice = rng.randrange(7)
        position = rng.randint(0, len(data))
        if choice == 0 and data:
            data[min(position, len(data) - 1)] ^= 1 << rng.randrange(8)
        elif choice == 1:
            data[position:position] = rng.choice(TOKENS)
        elif choice == 2 and data:
            del data[position:position + rng.randint(1, 16)]
        elif choice == 3:
            data[position:position] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        elif choice == 4 and others:
            other = rng.choice(others)
            start = rng.randint(0, len(other))
            data[position:position] = other[start:start + rng.randint(1, 200)]
        elif choice == 5:
            # A number made larger or smaller.
            match = list(re.finditer(rb"\d+(\.\d+)?", bytes(data)))
            if match:
                m = rng.choice(match)
                data[m.start():m.end()] = rng.choice([b"0", b"1e9", b"3e9", b"999999999999", b"0.000001", b"-5"])
        else:
            lines = bytes(data).split(b"\n")
            if len(lines) > 1:
                i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
                lines[i], lines[j] = lines[j], lines[i]
                data = bytearray(b"\n".join(lines))
    return bytes(data)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/debug/routertop"))
    parser.add_argument("--mutations", type=int, default=200, help="mutated inputs per file kind")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--limit", type=float, default=60.0, help="seconds one run may take")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("RAY_SERVE_", "ROUTERTOP_"))}
    environment["TERM"] = "dumb"
    failures = []
    with tempfile.TemporaryDirectory(prefix="routertop-inputs-") as folder:
        for kind, arguments in KINDS.items():
            corpus_dir = os.path.join(ROOT, "Fuzz/Corpus", kind)
            corpus = [open(os.path.join(corpus_dir, name), "rb").read() for name in sorted(os.listdir(corpus_dir))]
            inputs = corpus + [mutate(rng.choice(corpus), rng, corpus) for _ in range(args.mutations)]
            statuses = {}
            slowest = 0.0
            for index, data in enumerate(inputs):
                path = os.path.join(folder, f"{kind}-{index}.toml")
                with open(path, "wb") as file:
                    file.write(data)
                started = time.monotonic()
                try:
                    run = subprocess.run([args.binary] + arguments(path), stdin=subprocess.DEVNULL,
                                         capture_output=True, timeout=args.limit, env=environment, cwd=ROOT)
                except subprocess.TimeoutExpired:
                    failures.append(f"{kind}: took longer than {args.limit} s: {data[:200]!r}")
                    continue
                elapsed = time.monotonic() - started
                slowest = max(slowest, elapsed)
                statuses[run.returncode] = statuses.get(run.returncode, 0) + 1
                errors = run.stderr.decode("utf-8", "replace").strip()
                if run.returncode not in (0, 2):
                    failures.append(f"{kind}: status {run.returncode} ({errors[-300:]}) for {data[:200]!r}")
                elif run.returncode == 2 and (len(errors.splitlines()) != 1 or not REFUSAL[kind].match(errors)):
                    failures.append(f"{kind}: refusal is not one line naming the file: {errors[:300]!r}")
            shown = ", ".join(f"exit {code}: {count}" for code, count in sorted(statuses.items()))
            print(f"{kind:9} {len(inputs):5} runs ({len(corpus)} corpus, {args.mutations} mutated)  {shown}  slowest {slowest:.2f} s")
    for failure in failures:
        print("FAIL " + failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
