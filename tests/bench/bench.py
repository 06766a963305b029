#!/usr/bin/env python3
"""Compare relu with the tools it replaces, on the same data and pipe shape.

usage: bench.py RELU [--data DIR] [--runs N] [--quick]

Generates its data deterministically (cached in DIR), runs every contender
as `cat FILE | TOOL > /dev/null`, alternating them, and prints for each data
set and mode the median throughput (MB/s) of each tool and relu's ratio to
each. Then start-up (relu 2 -3 against /bin/true) and peak memory."""
import argparse
import os
import random
import shutil
import statistics
import subprocess
import threading
import time

PY_VALUE = {
    "relu": "y = x if x > 0 else 0.0",
    "leaky": "y = x if x > 0 else 0.01 * x",
    "derivative": "y = 1.0 if x > 0 else 0.0",
    "format": "y = x if x > 0 else 0.0",
}
PRINT = {"format": "'%.6f' % y"}
AWK_VALUE = {
    "relu": "(x>0)?x:0",
    "leaky": "(x>0)?x:0.01*x",
    "derivative": "(x>0)?1:0",
    "format": "(x>0)?x:0",
}
RELU_FLAGS = {"relu": [], "leaky": ["-l"], "derivative": ["-g"],
              "format": ["--format", "%.6f"]}


def make_data(folder, quick):
    """Write the three data sets; return [(name, path, kind)]."""
    os.makedirs(folder, exist_ok=True)
    scale = 10 if quick else 1
    sets = [("numbers", "numbers.txt", "lines"),
            ("matrix", "matrix.txt", "matrix"),
            ("csv", "table.csv", "csv")]
    rng = random.Random(2026)
    for name, file, kind in sets:
        path = os.path.join(folder, file)
        if os.path.exists(path):
            continue
        with open(path + ".tmp", "w") as f:
            if kind == "lines":  # Python repr of a normal sample
                for _ in range(10):
                    f.write("".join(repr(rng.gauss(0, 1)) + "\n"
                                    for _ in range(500_000 // scale)))
            elif kind == "matrix":  # 5000 x 1000, 4 decimals
                for _ in range(5000 // scale):
                    f.write(" ".join("%.4f" % rng.gauss(0, 1)
                                     for _ in range(1000)) + "\n")
            else:  # header, a text column, 20 numeric columns
                f.write("name," + ",".join(f"w{i}" for i in range(20)) + "\n")
                for row in range(250_000 // scale):
                    f.write(f"unit{row}," + ",".join(
                        "%.5g" % rng.gauss(0, 1) for _ in range(20)) + "\n")
        os.rename(path + ".tmp", path)
    return [(name, os.path.join(folder, file), kind)
            for name, file, kind in sets]


def contenders(relu, kind, mode):
    """Return {tool: shell command reading stdin}."""
    flags = RELU_FLAGS[mode]
    value = AWK_VALUE[mode]
    awk_out = 'printf "%.6f\\n", y' if mode == "format" else "print y"
    py_print = PRINT.get(mode, "y")
    if kind == "lines":
        awk = "{x=$1; y=%s; %s}" % (value, awk_out)
        py = ("import sys\nfor line in sys.stdin:\n    x = float(line)\n"
              f"    {PY_VALUE[mode]}\n    print({py_print})\n")
        relu_cmd = [relu, *flags]
    else:
        first = 2 if kind == "csv" else 1
        conv = value.replace("x", "$i")
        if mode == "format":
            conv = 'sprintf("%%.6f", %s)' % conv
        # Build the line rather than assign $i: mawk rebuilds $0 on every
        # assignment, which makes that idiom quadratic in the field count.
        sep = '","' if kind == "csv" else '" "'
        awk = ('{s=%s; for(i=%d;i<=NF;i++) s=s%s%s; print s}'
               % ("$1" if first == 2 else '""', first,
                  f' (i>1?{sep}:"") ' if first == 1 else f' {sep} ',
                  "(" + conv + ")"))
        if kind == "csv":
            awk = 'BEGIN{FS=","} NR==1{print; next} ' + awk
        split = "line.split(',')" if kind == "csv" else "line.split()"
        sep = "','" if kind == "csv" else "' '"
        py = ("import sys\n"
              + ("sys.stdout.write(sys.stdin.readline())\n"
                 if kind == "csv" else "")
              + "for line in sys.stdin:\n"
              f"    f = {split}\n"
              f"    for i in range({first - 1}, len(f)):\n"
              f"        x = float(f[i])\n        {PY_VALUE[mode]}\n"
              f"        f[i] = str({py_print})\n"
              f"    print({sep}.join(f))\n")
        relu_cmd = [relu, *flags]
        if kind == "csv":
            relu_cmd += ["-d", ",", "--header", "-f", "2-"]
    quote = lambda a: "'" + a.replace("'", "'\\''") + "'"
    tools = {
        "relu": " ".join(quote(a) for a in relu_cmd),
        "mawk": "mawk " + quote(awk),
        "gawk": "gawk " + quote(awk),
        "python": "python3 -c " + quote(py),
        "cat": "cat",
    }
    return {k: v for k, v in tools.items()
            if k in ("relu", "cat", "python") or shutil.which(k)}


def time_pipe(path, command):
    start = time.perf_counter()
    subprocess.run(f"cat {path} | {command} > /dev/null", shell=True,
                   check=True, executable="/bin/bash")
    return time.perf_counter() - start


def startup(relu, runs):
    loops = {"relu": f"{relu} 2 -3 >/dev/null", "true": "/bin/true"}
    times = {k: [] for k in loops}
    for _ in range(5):
        for name, cmd in loops.items():
            start = time.perf_counter()
            subprocess.run(f"for i in $(seq {runs}); do {cmd}; done",
                           shell=True, check=True, executable="/bin/bash")
            times[name].append(time.perf_counter() - start)
    r, t = statistics.median(times["relu"]), statistics.median(times["true"])
    return r / runs, t / runs


def peak_rss(argv, feed):
    """Run argv with feed() writing its stdin; return its peak RSS in KiB.

    VmHWM is read from /proc while it runs: getrusage would also count the
    memory of this Python process, which the child has until it execs."""
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL)
    peak = 0
    done = threading.Event()

    def poll():
        nonlocal peak
        while not done.is_set():
            try:
                with open(f"/proc/{proc.pid}/status") as f:
                    for line in f:
                        if line.startswith("VmHWM:"):
                            peak = max(peak, int(line.split()[1]))
            except OSError:
                pass
            time.sleep(0.005)

    watcher = threading.Thread(target=poll)
    watcher.start()
    feed(proc.stdin)
    proc.stdin.close()
    proc.wait()
    done.set()
    watcher.join()
    return peak


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("relu")
    ap.add_argument("--data", default="bench-data")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--quick", action="store_true",
                    help="a tenth of the data, for a smoke test")
    ap.add_argument("--modes", default="relu,leaky,derivative,format")
    args = ap.parse_args()
    relu = os.path.abspath(args.relu)
    data = make_data(args.data, args.quick)
    print(f"machine: {os.cpu_count()} cores, {os.uname().machine}, "
          f"{os.uname().release}; medians of {args.runs} alternating runs")
    header = (f"{'data':8} {'mode':10} {'MB':>5} " +
              " ".join(f"{t:>7}" for t in ("relu", "mawk", "gawk", "python",
                                             "cat")) +
              "   relu/mawk relu/gawk relu/python relu/cat")
    print(header)
    print("-" * len(header))
    for name, path, kind in data:
        size = os.path.getsize(path) / 1e6
        for mode in args.modes.split(","):
            tools = contenders(relu, kind, mode)
            times = {t: [] for t in tools}
            runs = 1 if args.quick else args.runs
            for _ in range(runs):
                for tool, cmd in tools.items():
                    if tool == "python" and len(times[tool]) >= 1:
                        continue  # one run is enough to rank a 50x slower peer
                    times[tool].append(time_pipe(path, cmd))
            speed = {t: size / statistics.median(v) for t, v in times.items()}
            cells = " ".join(f"{speed[t]:7.0f}" if t in speed else f"{'-':>7}"
                             for t in ("relu", "mawk", "gawk", "python", "cat"))
            ratios = " ".join(
                f"{speed['relu'] / speed[t]:9.2f}" if t in speed else
                f"{'-':>9}" for t in ("mawk", "gawk", "python", "cat"))
            print(f"{name:8} {mode:10} {size:5.0f} {cells}   {ratios}",
                  flush=True)
    per_relu, per_true = startup(relu, 50 if args.quick else 300)
    print(f"\nstart-up: relu 2 -3 {per_relu * 1e3:.2f} ms, /bin/true "
          f"{per_true * 1e3:.2f} ms per run: ratio {per_relu / per_true:.2f}")
    numbers = data[0][1]

    def feed_file(pipe):
        with open(numbers, "rb") as f:
            shutil.copyfileobj(f, pipe, 1 << 20)

    line = b"-1.5 2.25 -0.125 1e3 " * 50_000  # ~1 MiB of a single line
    gib = 1 << 30

    def feed_line(pipe):
        for _ in range((gib // len(line)) // (10 if args.quick else 1)):
            pipe.write(line)
        pipe.write(b"\n")

    print(f"peak RSS: {peak_rss([relu, '-l'], feed_file) / 1024:.1f} MiB on "
          f"the numbers file, {peak_rss([relu, '-l'], feed_line) / 1024:.1f} "
          f"MiB on a {'0.1' if args.quick else '1'} GiB single line")


if __name__ == "__main__":
    main()
