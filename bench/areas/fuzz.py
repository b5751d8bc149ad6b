"""The longer schemathesis run (security issue, "bounded inside make test and a longer one in
make bench"): the same test as tests/test_api_fuzz.py, every API operation as each role, with
many more generated examples per operation and fresh (not derandomized) ones each run."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

AREA = "fuzz"
EXAMPLES = int(os.environ.get("BENCH_FUZZ_EXAMPLES", "60"))


def run(ctx: dict) -> dict:
    env = dict(
        ctx["env"],
        PORTAL_FUZZ_EXAMPLES=str(EXAMPLES),
        PORTAL_FUZZ_RANDOM="1",
        DJANGO_SETTINGS_MODULE="config.settings_dev",
    )
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/test_api_fuzz.py", "-q", "-p", "no:cacheprovider", "--create-db"],
        cwd=ctx["root"],
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    # one "Schemathesis found N distinct failure(s)" per failing operation, in the assertion text
    failures = [int(n) for n in re.findall(r"Schemathesis found (\d+) distinct failure", proc.stdout)]
    if proc.returncode != 0:
        report = proc.stdout.find("= FAILURES =")
        print(proc.stdout[report : report + 6000] if report >= 0 else proc.stdout[-6000:], flush=True)
    return {
        "examples_per_operation": EXAMPLES,
        "roles": 5,
        "seconds": round(seconds, 1),
        "passed": proc.returncode == 0,
        "failing_operations": len(failures),
        "distinct_failures": sum(failures),
    }
