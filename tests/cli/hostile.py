#!/usr/bin/env python3
"""Hostile input: each case must end promptly, exit as documented, keep
memory flat, and write exactly the documented bytes.

usage: hostile.py RELU GROUP PEAK_RSS   (GROUP: random, huge, limits, jobs)

Peak memory is checked against 8 MiB unless RELU_SANITIZED is set (the
sanitizers' shadow memory is not relu's). With RELU_EMULATED set (a cross
build, relu run by an emulator such as qemu-aarch64), the emulator's own
memory is not relu's either: the bound is then 8 MiB above the peak of
`relu --version` under the same emulator, and each run may take ten times
as long."""
import os
import random
import re
import subprocess
import sys
import tempfile
import time

from reference import relu_stream, relu_text, shortest, value

MAX_RSS_KIB = 8 * 1024
CHECK_RSS = not os.environ.get("RELU_SANITIZED")
EMULATED = bool(os.environ.get("RELU_EMULATED"))
SLOWER = 10 if EMULATED else 1


class Run:
    """relu run on a file as stdin, with its output in files and its peak
    memory measured by the peak_rss helper."""

    def __init__(self, relu, args, data, timeout=120, cpus=None):
        timeout *= SLOWER
        with tempfile.TemporaryDirectory() as scratch:
            paths = {k: os.path.join(scratch, k) for k in ("in", "out", "err",
                                                           "rss")}
            with open(paths["in"], "wb") as f:
                f.write(data)
            start = time.monotonic()
            with open(paths["in"], "rb") as fin, open(paths["out"], "wb") as fout, \
                    open(paths["err"], "wb") as ferr:
                try:
                    self.status = subprocess.run(
                        [PEAK_RSS, paths["rss"], relu, *args], stdin=fin,
                        stdout=fout, stderr=ferr, timeout=timeout,
                        env=dict(os.environ, LC_ALL="C"),
                        preexec_fn=cpus and (lambda: os.sched_setaffinity(
                            0, sorted(os.sched_getaffinity(0))[:cpus]))
                        ).returncode
                except subprocess.TimeoutExpired:
                    raise AssertionError(f"relu {args} ran past {timeout} s")
            self.seconds = time.monotonic() - start
            with open(paths["rss"]) as f:
                self.rss = int(f.read())
            with open(paths["out"], "rb") as f:
                self.out = f.read()
            with open(paths["err"], "rb") as f:
                self.err = f.read()


class Checker:
    def __init__(self, relu):
        self.relu, self.passed, self.failed = relu, 0, 0
        self.max_rss = MAX_RSS_KIB
        if EMULATED:
            self.max_rss += Run(relu, ["--version"], b"").rss

    def run(self, name, args, data, out=None, status=0, err=None, cpus=None):
        r = Run(self.relu, args, data, cpus=cpus)
        problems = []
        if r.status != status:
            problems.append(f"status {r.status}, want {status}")
        if out is not None and r.out != out:
            at = next((i for i, (a, b) in enumerate(zip(r.out, out)) if a != b),
                      min(len(r.out), len(out)))
            problems.append(f"stdout differs at byte {at} (lengths {len(r.out)}"
                            f" and {len(out)}): got {r.out[at:at + 40]!r}, want "
                            f"{out[at:at + 40]!r}")
        if err is not None and (r.err != err if isinstance(err, bytes)
                                else not err.fullmatch(r.err)):
            problems.append(f"stderr {r.err[:300]!r}, want {err!r}")
        if not all(32 <= b < 127 or b == 10 for b in r.err):
            problems.append("stderr has bytes that are not printable ASCII")
        if CHECK_RSS and r.rss > self.max_rss:
            problems.append(f"peak RSS {r.rss} KiB > {self.max_rss} KiB")
        if problems:
            self.failed += 1
            print(f"FAIL {name}: relu {' '.join(args)}")
            for p in problems:
                print("  " + p)
        else:
            self.passed += 1
            print(f"ok   {name} ({len(data)} bytes, {r.seconds:.2f} s, "
                  f"{r.rss} KiB)")
        return r


def group_random(c):
    rng = random.Random(4)
    alphabets = {
        "bytes": bytes(range(256)),
        "numeric": b"0123456789.-+eEx \t\n\r,infa",
        "lines": b"-1.5e3 \n\n\r\t\x00\xff",
    }
    for label, alphabet in alphabets.items():
        data = bytes(rng.choice(alphabet) for _ in range(200_000))
        want, bad = relu_stream(data)
        c.run(f"random-{label}-ignore", ["--invalid=ignore"], data, want, 0, b"")
        warn = c.run(f"random-{label}-warn", ["--invalid=warn"], data, want, 0)
        messages = warn.err.count(b"\n")
        if messages != bad:
            c.failed += 1
            print(f"FAIL random-{label}-warn: {messages} messages, want {bad}")
        c.run(f"random-{label}-fail", ["--invalid=fail"], data, want,
              2 if bad else 0)
        abort = c.run(f"random-{label}-abort", [], data, None, 2 if bad else 0,
                      re.compile(rb"relu: line \d+, field \d+: invalid "
                                 rb"number: '.*'\n", re.S) if bad else b"")
        if not want.startswith(abort.out):
            c.failed += 1
            print(f"FAIL random-{label}-abort: output is not a prefix of "
                  "the full output")
    # NUL-terminated records of random numbers, newline being a blank.
    tokens = [repr(rng.gauss(0, 1) * 10.0 ** rng.randint(-9, 9)).encode()
              for _ in range(20_000)]
    ends = [rng.choice([b"\0", b"\n", b" "]) for _ in tokens]
    data = b"".join(t + e for t, e in zip(tokens, ends))
    want = b"".join((b"0" if t.startswith(b"-") else t) + e
                    for t, e in zip(tokens, ends))
    c.run("random-nul-records", ["-z"], data, want)
    # Every double printed exactly: leaky on random bit patterns.
    doubles = []
    while len(doubles) < 50_000:
        x = rng.uniform(-1, 1) * 10.0 ** rng.randint(-320, 308)
        doubles.append(x)
    data = b"".join(repr(x).encode() + b"\n" for x in doubles)
    want = b"".join(relu_text(repr(x).encode(), leaky=True) + b"\n"
                    for x in doubles)
    c.run("random-doubles-leaky", ["-l"], data, want)
    data = b"".join(x.hex().encode() + b" " for x in doubles[:5000])
    want = b"".join(relu_text(x.hex().encode(), leaky=True) + b" "
                    for x in doubles[:5000])
    c.run("random-hex-doubles-leaky", ["-l"], data, want)


def group_huge(c):
    unit = b"-1.5 2.25 "
    n = 30_000_000  # a 300 MB line
    c.run("huge-line", [], unit * n + b"\n", b"0 2.25 " * n + b"\n")
    c.run("huge-blank-lines", [], b"\n" * 5_000_000, b"\n" * 5_000_000)
    c.run("huge-blank-flood", [], b" \t" * 5_000_000 + b"-1\n",
          b" \t" * 5_000_000 + b"0\n")
    c.run("huge-delimiter-flood", ["-d", ","], b"," * 10_000_000 + b"-1\n",
          b"," * 10_000_000 + b"0\n")
    digits = b"-1" + b"0" * 1_000_000  # below the 1 MiB field limit
    c.run("huge-million-digit-token", ["-l"], digits + b"\n-2\n",
          b"-inf\n-0.02\n")
    c.run("huge-million-digit-fraction", ["-l"],
          b"-0." + b"0" * 1_000_000 + b"1\n", b"-0\n")
    token = b"7" * 5_000_000
    c.run("huge-token-abort", [], b"-1 " + token + b" -2\n", b"0 ", 2,
          re.compile(rb"relu: line 1, field 2: field longer than 1 MiB: "
                     rb"'7{64}'\.\.\.\n"))
    c.run("huge-token-ignore", ["--invalid=ignore"], b"-1 " + token + b" -2\n",
          b"0 " + token + b" 0\n")
    c.run("huge-header-line", ["--header"], token + b"\n-1\n",
          token + b"\n0\n")
    c.run("huge-unselected-field", ["-f", "2"], token + b" -1\n",
          token + b" 0\n")
    c.run("huge-field-number", ["-f", "18446744073709551614"],
          b"-1 -2\n" * 100_000, b"-1 -2\n" * 100_000)
    c.run("huge-open-range", ["-f", "1000000-"], b"-1 " * 1000 + b"\n",
          b"-1 " * 1000 + b"\n")


def group_limits(c):
    cases = [
        (b"-4.9406564584124654e-324", b"-0"),  # half a subnormal: to even
        (b"-1.4821969375237396e-323", b"-1e-323"),
        (b"-2.4703282292062327e-324", b"-0"),
        (b"-2.2250738585072014e-308", None),
        (b"-1.7976931348623157e308", None),
        (b"-1e400", b"-inf"),
        (b"-1e-400", b"-0"),
        (b"-0.1000000000000000055511151231257827021181583404541015625", None),
        (b"-9007199254740993", None),
        (b"-" + b"1" * 800 + b"e-790", None),
        (b"-0x1.fffffffffffffp+1023", None),
        (b"-0x1p-1074", None),
        (b"-0x1p-1075", b"-0"),
    ]
    data = b"".join(t + b"\n" for t, _ in cases)
    want = b""
    for token, expected in cases:
        x = value(token)
        computed = shortest(x * 0.5).encode()
        if expected is not None and expected != computed:
            raise SystemExit(f"test table wrong for {token!r}: {computed!r}")
        want += computed + b"\n"
    c.run("limits-leaky-half", ["-a", "0.5"], data, want)
    c.run("limits-relu", [], data, b"0\n" * len(cases))
    c.run("limits-grad", ["-g"], data, b"0\n" * len(cases))


def group_jobs(c):
    """Conversions on two threads: the bytes, messages and status of one
    thread, and memory within the same bound."""
    rng = random.Random(5)
    jobs = ["-l", "-j", "2"]
    for label, alphabet in (("bytes", bytes(range(256))),
                            ("numeric", b"0123456789.-+eEx \t\n\r,infa")):
        data = bytes(rng.choice(alphabet) for _ in range(200_000))
        want, bad = relu_stream(data, leaky=True)
        c.run(f"jobs-random-{label}-ignore", jobs + ["--invalid=ignore"], data,
              want, 0, b"")
        one = c.run(f"jobs-random-{label}-warn-one", ["-l", "-j", "1",
                                                      "--invalid=warn"], data,
                    want, 0)
        c.run(f"jobs-random-{label}-warn", jobs + ["--invalid=warn"], data,
              want, 0, one.err)
        one = c.run(f"jobs-random-{label}-abort-one", ["-l", "-j", "1"], data,
                    None, 2 if bad else 0)
        c.run(f"jobs-random-{label}-abort", jobs, data, one.out,
              2 if bad else 0, one.err)
    unit = b"-1.5 2.25 "
    n = 10_000_000  # a 100 MB line: one thread takes it as it comes
    c.run("jobs-huge-line", jobs, unit * n + b"\n", b"-0.015 2.25 " * n + b"\n")
    lines = b"-1.5 2.25\n" * 5_000_000
    c.run("jobs-many-lines", jobs, lines, b"-0.015 2.25\n" * 5_000_000)
    # However many threads are asked for, a run uses at most its CPUs, so
    # memory stays within the bound (256 threads took 125 MiB).
    for label, args in (("leaky", ["-l"]), ("gelu", ["-F", "gelu"])):
        c.run(f"jobs-256-{label}", args + ["-j", "256"], lines[:20_000_000],
              None, 0, b"", cpus=2)
    c.run("jobs-wide-format", ["-j", "2", "--format", "%9000.1f"],
          b"-1 2\n" * 2000, (b" " * 8997 + b"0.0 " + b" " * 8997 + b"2.0\n")
          * 2000)
    token = b"7" * 5_000_000
    c.run("jobs-huge-token-abort", jobs, b"-1 " + token + b" -2\n", b"-0.01 ",
          2, re.compile(rb"relu: line 1, field 2: field longer than 1 MiB: "
                        rb"'7{64}'\.\.\.\n"))
    c.run("jobs-huge-token-ignore", jobs + ["--invalid=ignore"],
          b"-1\n" * 100_000 + token + b"\n-2\n",
          b"-0.01\n" * 100_000 + token + b"\n-0.02\n")


def main():
    global PEAK_RSS
    relu, group = os.path.abspath(sys.argv[1]), sys.argv[2]
    PEAK_RSS = os.path.abspath(sys.argv[3])
    c = Checker(relu)
    {"random": group_random, "huge": group_huge, "limits": group_limits,
     "jobs": group_jobs}[group](c)
    print(f"{c.passed} passed, {c.failed} failed")
    sys.exit(1 if c.failed else 0)


if __name__ == "__main__":
    main()
