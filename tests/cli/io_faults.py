#!/usr/bin/env python3
"""I/O faults: full disks, closed descriptors, unreadable input, readers
that go away, and pipes that deliver and take bytes in tiny pieces.

usage: io_faults.py RELU"""
import fcntl
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time

RELU = os.path.abspath(sys.argv[1])
ENV = dict(os.environ, LC_ALL="C")
passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name}: {detail}")


def sh(command, stdin=b""):
    """Run a shell command with relu on PATH; return (status, out, err)."""
    env = dict(ENV, PATH=os.path.dirname(RELU) + os.pathsep + ENV["PATH"])
    r = subprocess.run(["sh", "-c", command], input=stdin, env=env,
                       capture_output=True, timeout=60)
    return r.returncode, r.stdout, r.stderr


def expect(name, got, status, out, err):
    check(name, got == (status, out, err), f"got {got!r}")


big = b"-1.5 2.25\n" * 2_000_000  # 20 MB

expect("dev-full-argument", sh("relu 1 > /dev/full"), 1, b"",
       b"relu: write error: No space left on device\n")
expect("dev-full-stdin", sh("relu > /dev/full", big), 1, b"",
       b"relu: write error: No space left on device\n")
expect("dev-full-help", sh("relu --help > /dev/full"), 1, b"",
       b"relu: write error: No space left on device\n")
expect("closed-stdout", sh("relu 1 >&-"), 1, b"",
       b"relu: write error: Bad file descriptor\n")
expect("closed-stdout-no-output", sh("relu >&-", b""), 0, b"", b"")
expect("stdin-is-a-directory", sh("relu < /"), 1, b"",
       b"relu: read error: Is a directory\n")
expect("closed-stdin", sh("relu <&-"), 1, b"",
       b"relu: read error: Bad file descriptor\n")

# Every path that writes a message, with standard error full or closed:
# the message is lost, but the documented status and stdout are not, and
# no signal kills relu.
MESSAGE_PATHS = [
    ("invalid-operand", "relu abc", b"", 2, b""),
    ("empty-operand", "relu ''", b"", 2, b""),
    ("invalid-warn", "relu --invalid=warn abc 1", b"", 0, b"abc\n1\n"),
    ("invalid-fail", "relu --invalid=fail abc 1", b"", 2, b"abc\n1\n"),
    ("invalid-line", "relu", b"-1\nx\n", 2, b"0\n"),
    ("field-too-long", "relu", b"-" + b"1" * (1 << 20) + b"\n", 2, b""),
    ("header-ignored", "relu --header 1", b"", 0, b"1\n"),
    ("usage-error", "relu --bogus", b"", 1, b""),
    ("help", "relu --help", b"", 0, None),
    ("write-error", "relu 1 > /dev/full", b"", 1, b""),
    ("read-error", "relu < /", b"", 1, b""),
]
for name, command, data, status, out in MESSAGE_PATHS:
    for how, redirect in (("full", "2> /dev/full"), ("closed", "2>&-")):
        # exec: the status is relu's own, negative if a signal killed it.
        got = sh(f"exec {command} {redirect}", data)
        check(f"stderr-{how}-{name}",
              got[0] == status and (out is None or got[1] == out),
              f"got {got!r}")

# Everything before the bad field is written, even far into the stream.
status, out, err = sh("relu", big + b"x\n" + big)
check("abort-writes-everything-before", status == 2 and
      out == b"0 2.25\n" * 2_000_000 and
      err == b"relu: line 2000001, field 1: invalid number: 'x'\n",
      f"status {status}, {len(out)} bytes, {err!r}")


def reader_goes_away(name, ignore_sigpipe, args=()):
    """relu on a big input, its reader closing after one line."""
    with tempfile.TemporaryFile() as f:
        f.write(big * 5)
        f.seek(0)
        preexec = (lambda: signal.signal(signal.SIGPIPE, signal.SIG_IGN)) \
            if ignore_sigpipe else None
        start = time.monotonic()
        p = subprocess.Popen([RELU, *args], stdin=f, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=ENV,
                             preexec_fn=preexec)
        first = p.stdout.readline()
        p.stdout.close()
        try:
            err = p.stderr.read()
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            check(name, False, "relu hung after its reader went away")
            return
        elapsed = time.monotonic() - start
        if ignore_sigpipe:
            ok = p.returncode == 1 and err == b"relu: write error: Broken pipe\n"
        else:
            ok = p.returncode == -signal.SIGPIPE and err == b""
        want = b"-0.015 2.25\n" if args else b"0 2.25\n"
        check(name, ok and first == want and elapsed < 10,
              f"status {p.returncode}, stderr {err!r}, {elapsed:.1f} s")


reader_goes_away("reader-goes-away-sigpipe", False)
reader_goes_away("reader-goes-away-epipe", True)
reader_goes_away("jobs-reader-goes-away-sigpipe", False, ["-l", "-j", "2"])
reader_goes_away("jobs-reader-goes-away-epipe", True, ["-l", "-j", "2"])


def trickle(name, args, data, want, piece=3):
    """Feed data in tiny pieces and read the output in tiny pieces: reads
    return a few bytes at a time, and output trickles out as input does."""
    p = subprocess.Popen([RELU, *args], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=ENV, bufsize=0)
    got = b""
    for i in range(0, len(data), piece):
        p.stdin.write(data[i:i + piece])
        if i % 64 == 0:
            time.sleep(0.001)
        while select.select([p.stdout], [], [], 0)[0]:
            chunk = os.read(p.stdout.fileno(), 5)
            if not chunk:
                break
            got += chunk
    p.stdin.close()
    while chunk := os.read(p.stdout.fileno(), 7):
        got += chunk
    p.wait(timeout=30)
    check(name, got == want and p.returncode == 0,
          f"status {p.returncode}, got {got[:80]!r}...")


lines = b"".join(b"%d.25 -%d.5e-1\r\n" % (i, i) for i in range(3000))
want = b"".join(b"%d.25 0\r\n" % i for i in range(3000))
trickle("tiny-pieces", [], lines, want)
trickle("tiny-pieces-delimited", ["-d", " ", "-l"],
        b"-1 -2\n" * 2000, b"-0.01 -0.02\n" * 2000, piece=1)


def stop_and_continue(name):
    """SIGSTOP and SIGCONT while relu writes to a slow pipe: a write that a
    signal interrupts returns short, and the rest must still follow."""
    lines = b"-1.5 2.25\n" * 300_000
    p = subprocess.Popen([RELU, "-l"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, env=ENV, bufsize=0)
    got = bytearray()
    done = False

    def reader():
        nonlocal done
        while chunk := os.read(p.stdout.fileno(), 4096):
            got.extend(chunk)
        done = True

    t = threading.Thread(target=reader)
    t.start()
    w = threading.Thread(target=lambda: (p.stdin.write(lines), p.stdin.close()))
    w.start()
    while not done:
        for sig in (signal.SIGSTOP, signal.SIGCONT):
            try:
                os.kill(p.pid, sig)
            except ProcessLookupError:
                break
            time.sleep(0.0005)
    w.join()
    t.join()
    p.wait(timeout=30)
    want = b"-0.015 2.25\n" * 300_000
    check(name, bytes(got) == want and p.returncode == 0,
          f"status {p.returncode}, {len(got)} of {len(want)} bytes")


stop_and_continue("stop-and-continue-storm")


def prompt(name, args=(), want=(b"1\n", b"0\n")):
    """A result shows as soon as its line arrives, before more input."""
    p = subprocess.Popen([RELU, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         env=ENV, bufsize=0)
    p.stdin.write(b"1\n")
    ready = select.select([p.stdout], [], [], 5)[0]
    first = os.read(p.stdout.fileno(), 100) if ready else b""
    p.stdin.write(b"-2\n")
    p.stdin.close()
    rest = p.stdout.read()
    p.wait(timeout=10)
    check(name, (first, rest) == want,
          f"first {first!r}, rest {rest!r}")


prompt("output-as-input-arrives")
prompt("jobs-output-as-input-arrives", ["-l", "-j", "2"], (b"1\n", b"-0.02\n"))


def pipe_grown(name, args=()):
    """relu grows the pipe it reads to 1 MiB, as README's Performance
    says, where the system lets a user have that much."""
    with open("/proc/sys/fs/pipe-max-size") as f:
        want = 1 << 20 if int(f.read()) >= 1 << 20 else 1 << 16
    p = subprocess.Popen([RELU, *args], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, env=ENV, bufsize=0)
    before = fcntl.fcntl(p.stdin, fcntl.F_GETPIPE_SZ)
    p.stdin.write(b"1\n")
    select.select([p.stdout], [], [], 5)  # relu has read: it has started
    after = fcntl.fcntl(p.stdin, fcntl.F_GETPIPE_SZ)
    p.stdin.close()
    p.stdout.read()
    p.wait(timeout=10)
    check(name, (before, after) == (1 << 16, want),
          f"before {before}, after {after}")


pipe_grown("pipe-grown")
pipe_grown("jobs-pipe-grown", ["-j", "2"])


# Threads: the same faults with conversions on two threads.
leaky_big = b"-0.015 2.25\n" * 2_000_000
expect("jobs-dev-full", sh("relu -l -j 2 > /dev/full", big), 1, b"",
       b"relu: write error: No space left on device\n")
expect("jobs-closed-stdin", sh("relu -l -j 2 <&-"), 1, b"",
       b"relu: read error: Bad file descriptor\n")
expect("jobs-stdin-is-a-directory", sh("relu -l -j 2 < /"), 1, b"",
       b"relu: read error: Is a directory\n")
expect("jobs-abort-writes-everything-before",
       sh("relu -l -j 2", big + b"x\n" + big), 2, leaky_big,
       b"relu: line 2000001, field 1: invalid number: 'x'\n")
trickle("jobs-tiny-pieces", ["-l", "-j", "2"], b"-1 -2\n" * 2000,
        b"-0.01 -0.02\n" * 2000, piece=1)


def abort_with_input_open(name):
    """An abort ends relu at once, though its input is still open."""
    p = subprocess.Popen([RELU, "-l", "-j", "2"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=ENV)
    p.stdin.write(b"1\nx\n")
    p.stdin.flush()
    try:
        status = p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        status = None
    got = (status, p.stdout.read(), p.stderr.read())
    p.stdin.close()
    check(name, got == (2, b"1\n", b"relu: line 2, field 1: invalid number: "
                        b"'x'\n"), f"got {got!r}")


abort_with_input_open("jobs-abort-with-input-open")

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
