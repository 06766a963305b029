#!/usr/bin/env python3
"""Compare relu with the tools it replaces, on the same data and pipe shape.

usage: bench.py RELU [--data DIR] [--runs N] [--quick] [--only SPEC]...

Generates its data deterministically (cached in DIR; --quick uses a tenth of
it, in DIR/quick), runs every contender as `cat FILE | TOOL > /dev/null`,
alternating them, and prints the median throughput (MB/s) of each and
relu's ratio to each, all measured in this one run:

- table: each data set (5M numbers, seq -1000000 1000000, a matrix, a CSV,
  a quoted CSV) and mode (relu, leaky, derivative, --format) against the
  mawk and gawk one-liners, a plain Python loop, and cat (the ceiling of
  the pipe); the quoted CSV has no awk column (awk cannot parse quotes),
  and its Python peer reads and writes through the csv module;
- csvflag: --csv against -d , on the unquoted CSV, in each mode;
- family: each function of `relu --list` on the 5M numbers against the
  mawk and gawk one-liners of its formula, leaky ReLU, and a plain libm
  formula in C++ (tests/bench/libm_formula.cpp, built here with the system
  compiler); the piecewise-linear ones also on the other data sets,
  against leaky ReLU; threshold, the shrink functions, rrelu and prelu
  against the function each must match (peer: relu6, leaky ReLU or
  tanh);
- dtype: each function and derivative of `relu --list` on the 5M numbers,
  on one thread (-j 1), in each --dtype when its --help mentions it:
  float32 against float64 (relu's value against float64's leaky ReLU,
  since float64 relu copies its positive texts), bfloat16 and float16
  against float32 (`--only dtype/sigmoid`);
- record: softmax, softmin and log_softmax over each row of the matrix,
  against numpy's one-liner for softmax (np.loadtxt, then repr of each
  result), in the first python3 of PATH and /usr/bin that has numpy;
- both: relu with -j 1 and -j $(nproc) when its --help mentions --jobs;
- start-up (relu 2 -3 against /bin/true) and peak memory.

--only SPEC runs only the rows whose labels (section, data set, mode or
function) include every word of SPEC, words separated by '/': `--only
family/gelu`, `--only seq`, `--only table/matrix/leaky`, `--only quoted`,
`--only csvflag`, `--only startup`.
Repeat it to run the union."""
import argparse
import datetime
import math
import os
import random
import shutil
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))

# The modes of the table: relu's flags, and the value y of x in Python and
# in awk (a statement).
RELU_FLAGS = {"relu": [], "leaky": ["-l"], "derivative": ["-g"],
              "format": ["--format", "%.6f"]}
PY_VALUE = {
    "relu": "y = x if x > 0 else 0.0",
    "leaky": "y = x if x > 0 else 0.01 * x",
    "derivative": "y = 1.0 if x > 0 else 0.0",
    "format": "y = x if x > 0 else 0.0",
}
AWK_VALUE = {
    "relu": "y=(x>0)?x:0",
    "leaky": "y=(x>0)?x:0.01*x",
    "derivative": "y=(x>0)?1:0",
    "format": "y=(x>0)?x:0",
}

# The family's formulas written the plain way in awk, with the default
# parameters. awk has no tanh (nor erf): tanh(u) is (exp(2u)-1)/(exp(2u)+1),
# and gelu is compared with its tanh form.
TANH_FORM_GELU = ("u=0.7978845608028654*(x+0.044715*x*x*x); e=exp(2*u); "
                  "y=0.5*x*(1+(e-1)/(e+1))")
FAMILY_AWK = {
    "relu": "y=(x>0)?x:0",
    "leaky_relu": "y=(x>0)?x:0.01*x",
    "relu6": "y=(x<0)?0:(x>6)?6:x",
    "hardtanh": "y=(x<-1)?-1:(x>1)?1:x",
    "elu": "y=(x>0)?x:exp(x)-1",
    "selu": "y=(x>0)?1.0507009873554805*x:"
            "1.0507009873554805*1.6732632423543772*(exp(x)-1)",
    "celu": "y=(x>0)?x:exp(x)-1",
    "gelu": TANH_FORM_GELU,
    "gelu_tanh": TANH_FORM_GELU,
    "silu": "y=x/(1+exp(-x))",
    "mish": "e=exp(x); s=log(1+e); t=exp(2*s); y=x*(t-1)/(t+1)",
    "softplus": "y=(x>20)?x:log(1+exp(x))",
    "hardswish": "y=x*((x<-3)?0:(x>3)?6:x+3)/6",
    "hardsigmoid": "y=((x<-3)?0:(x>3)?6:x+3)/6",
    "sigmoid": "y=1/(1+exp(-x))",
    "tanh": "e=exp(2*x); y=(e-1)/(e+1)",
    "softsign": "y=x/(1+((x<0)?-x:x))",
    "logsigmoid": "y=-log(1+exp(-x))",
}
# Targets of the family issue: these must run at least as fast as leaky
# ReLU; every other function at least 3x its gawk one-liner, and within
# 1.5x the time of the plain libm formula.
PIECEWISE = ("relu6", "hardtanh", "hardsigmoid", "hardswish")
# The elementwise functions of torch.nn.functional's issue, and the
# function each must at least match in speed (its peer column).
PEERS = {"threshold": ["-F", "relu6"], "hardshrink": ["-F", "relu6"],
         "softshrink": ["-l"], "rrelu": ["-l"], "prelu": ["-l"],
         "tanhshrink": ["-F", "tanh"]}
# The functions over a record, timed on the matrix against numpy (the
# record section), not on the numbers of one per line.
OVER_RECORD = ("softmax", "softmin", "log_softmax", "glu")
# numpy's softmax over each row of the text on stdin, every result printed
# as repr: the one-liner relu must beat threefold.
NUMPY_SOFTMAX = (
    "import sys, numpy as np; a = np.loadtxt(sys.stdin, ndmin=2); "
    "e = np.exp(a - a.max(axis=1, keepdims=True)); "
    "s = e / e.sum(axis=1, keepdims=True); "
    "sys.stdout.write(''.join(' '.join(map(repr, r)) + chr(10) "
    "for r in s.tolist()))")
NUMPY_TARGET = 3.0
# Options a function needs, where PyTorch gives no default.
REQUIRED = {"threshold": ["--threshold", "0.5", "--value", "-1"]}
GAWK_TARGET = 3.0
LIBM_TARGET = 1 / 1.5

# The data sets: (name, file, kind).
DATA_SETS = [("numbers", "numbers.txt", "lines"),
             ("seq", "seq.txt", "lines"),
             ("matrix", "matrix.txt", "matrix"),
             ("csv", "table.csv", "csv"),
             ("quoted", "quoted.csv", "quoted")]

# The quoted CSV's text column: plain, with a comma, with doubled quotes,
# with a line break inside the quotes.
QUOTED_NOTES = ('"unit {}"', '"Smith, J {}"', '"say ""hi"" {}"',
                '"line {}\nand the next"')


@dataclass
class Row:
    """One line of a table: the contenders, run on one data set."""
    section: str
    data: str
    path: str
    label: str
    labels: set
    tools: dict  # name -> shell command reading stdin
    speed: dict = field(default_factory=dict)  # name -> median MB/s


def quote(arg):
    """Return arg quoted for /bin/sh."""
    return "'" + arg.replace("'", "'\\''") + "'"


def write_data(path, name, scale):
    """Write the data set called name, scale times smaller."""
    # One generator per data set, so each is the same whichever others are
    # cached; the numbers keep the seed they always had.
    rng = random.Random(2026 if name == "numbers" else f"2026 {name}")
    with open(path + ".tmp", "w") as f:
        if name == "numbers":  # Python repr of a normal sample
            for _ in range(10):
                f.write("".join(repr(rng.gauss(0, 1)) + "\n"
                                for _ in range(500_000 // scale)))
        elif name == "seq":
            n = 1_000_000 // scale
            subprocess.run(["seq", str(-n), str(n)], stdout=f, check=True)
        elif name == "matrix":  # 5000 x 1000, 4 decimals
            for _ in range(5000 // scale):
                f.write(" ".join("%.4f" % rng.gauss(0, 1)
                                 for _ in range(1000)) + "\n")
        elif name == "quoted":  # header, a quoted text column, 20 numbers
            f.write("note," + ",".join(f"w{i}" for i in range(20)) + "\n")
            for row in range(250_000 // scale):
                note = QUOTED_NOTES[row % len(QUOTED_NOTES)].format(row)
                f.write(note + "," + ",".join(
                    "%.5g" % rng.gauss(0, 1) for _ in range(20)) + "\n")
        else:  # header, a text column, 20 numeric columns
            f.write("name," + ",".join(f"w{i}" for i in range(20)) + "\n")
            for row in range(250_000 // scale):
                f.write(f"unit{row}," + ",".join(
                    "%.5g" % rng.gauss(0, 1) for _ in range(20)) + "\n")
    os.rename(path + ".tmp", path)


def data_sets(folder, quick):
    """Return [(name, path, kind)] of the data sets, written or not."""
    if quick:
        folder = os.path.join(folder, "quick")
    return [(name, os.path.join(folder, file), kind)
            for name, file, kind in DATA_SETS]


def make_data(data, names, quick):
    """Write the data sets called names that are not cached yet."""
    for name, path, _ in data:
        if name in names and not os.path.exists(path):
            os.makedirs(os.path.dirname(path), exist_ok=True)
            write_data(path, name, 10 if quick else 1)


def awk_program(kind, statement, fmt=None):
    """Return an awk program applying statement (x -> y) to each number.

    The matrix and CSV programs build each output line rather than assign
    $i: mawk rebuilds $0 on every assignment, which makes that idiom
    quadratic in the field count."""
    out = f'sprintf("{fmt}", y)' if fmt else "y"
    if kind == "lines":
        return "{x=$1; %s; print %s}" % (statement, out)
    if kind == "matrix":
        return ('{s=""; for(i=1;i<=NF;i++){x=$i; %s; s=s (i>1?" ":"") %s}'
                ' print s}' % (statement, out))
    return ('BEGIN{FS=","} NR==1{print; next} '
            '{s=$1; for(i=2;i<=NF;i++){x=$i; %s; s=s "," %s} print s}'
            % (statement, out))


def python_program(kind, statement, fmt=None):
    """Return a plain Python loop applying statement (x -> y) to each number.

    For the quoted CSV, the csv module reads and writes the records."""
    out = f"'{fmt}' % y" if fmt else "y"
    if kind == "quoted":
        return ("import csv, io, sys\n"
                "src = io.TextIOWrapper(sys.stdin.buffer, newline='')\n"
                "w = csv.writer(sys.stdout, lineterminator='\\n')\n"
                "r = csv.reader(src)\n"
                "w.writerow(next(r))\n"
                "for f in r:\n"
                "    for i in range(1, len(f)):\n"
                f"        x = float(f[i])\n        {statement}\n"
                f"        f[i] = str({out})\n"
                "    w.writerow(f)\n")
    if kind == "lines":
        return ("import sys\nfor line in sys.stdin:\n    x = float(line)\n"
                f"    {statement}\n    print({out})\n")
    csv = kind == "csv"
    split = "line.split(',')" if csv else "line.split()"
    return ("import sys\n"
            + ("sys.stdout.write(sys.stdin.readline())\n" if csv else "")
            + "for line in sys.stdin:\n"
            f"    f = {split}\n"
            f"    for i in range({1 if csv else 0}, len(f)):\n"
            f"        x = float(f[i])\n        {statement}\n"
            f"        f[i] = str({out})\n"
            f"    print({quote(',') if csv else quote(' ')}.join(f))\n")


def relu_commands(relu, flags, kind, jobs):
    """Return {name: command} for relu with flags: as is, and with -j 1 and
    -j all cores when jobs is true."""
    if kind == "csv":
        flags = [*flags, "-d", ",", "--header", "-f", "2-"]
    elif kind == "quoted":
        flags = [*flags, "--csv", "--header", "-f", "w0-w19"]
    base = " ".join(quote(a) for a in [relu, *flags])
    tools = {"relu": base}
    if jobs:
        tools["-j 1"] = base + " -j 1"
        tools["-j N"] = base + f" -j {os.cpu_count()}"
    return tools


def awk_tools(program):
    """Return {name: command} for mawk and gawk running program, if present."""
    return {awk: f"{awk} {quote(program)}" for awk in ("mawk", "gawk")
            if shutil.which(awk)}


def table_rows(relu, data, modes, jobs):
    """Return the rows of the table: each data set in each mode."""
    rows = []
    for name, path, kind in data:
        for mode in modes:
            fmt = "%.6f" if mode == "format" else None
            tools = relu_commands(relu, RELU_FLAGS[mode], kind, jobs)
            if kind != "quoted":  # awk cannot parse quoted fields
                tools.update(awk_tools(awk_program(kind, AWK_VALUE[mode],
                                                   fmt)))
            tools["python"] = "python3 -c " + quote(
                python_program(kind, PY_VALUE[mode], fmt))
            tools["cat"] = "cat"
            rows.append(Row("table", name, path, mode,
                            {"table", name, mode}, tools))
    return rows


def csvflag_rows(relu, data, modes):
    """Return the rows of the csvflag section: relu --csv against relu -d ,
    on the unquoted CSV, where both read the same fields."""
    rows = []
    for name, path, kind in data:
        if kind != "csv":
            continue
        for mode in modes:
            def command(dialect):
                return " ".join(quote(a) for a in [
                    relu, *RELU_FLAGS[mode], *dialect, "--header", "-f",
                    "2-"])

            tools = {"--csv": command(["--csv"]), "-d ,": command(["-d", ","]),
                     "cat": "cat"}
            rows.append(Row("csvflag", name, path, mode,
                            {"csvflag", name, mode}, tools))
    return rows


def family_functions(relu):
    """Return [(label, relu flags, names)] for each function of `relu --list`,
    gelu also in its tanh form."""
    listing = subprocess.run([relu, "--list"], capture_output=True,
                             text=True, check=True).stdout
    out = []
    for line in listing.splitlines():
        first, *rest = line.split()  # "silu, swish  x*sigmoid(x)"
        names = [first.rstrip(",")] + (rest[:1] if first.endswith(",")
                                       else [])
        out.append((names[0], ["-F", names[0], *REQUIRED.get(names[0], [])],
                    set(names)))
        if names[0] == "gelu":
            out.append(("gelu_tanh", ["-F", "gelu", "--approximate", "tanh"],
                        {"gelu", "gelu_tanh"}))
    return out


def family_rows(relu, data, jobs, libm):
    """Return the rows of the family section: every function on the 5M
    numbers, the piecewise-linear ones also on the other data sets."""
    rows = []
    for name, path, kind in data:
        for label, flags, names in family_functions(relu):
            if (name != "numbers" and label not in PIECEWISE
                    or label in OVER_RECORD):
                continue
            tools = relu_commands(relu, flags, kind, jobs)
            tools["leaky"] = relu_commands(relu, ["-l"], kind, False)["relu"]
            if label in PEERS:
                tools["peer"] = relu_commands(relu, PEERS[label], kind,
                                              False)["relu"]
            if name == "numbers":
                if label in FAMILY_AWK:
                    tools.update(awk_tools(awk_program(kind,
                                                       FAMILY_AWK[label])))
                if label not in PEERS:  # libm_formula.cpp has no others
                    tools["libm"] = f"{quote(libm)} {label}"
            rows.append(Row("family", name, path, label,
                            {"family", name, *names, label}, tools))
    return rows


DTYPES = ("float64", "float32", "bfloat16", "float16")


def dtype_rows(relu, data):
    """Return the rows of the dtype section: every function and derivative
    on the 5M numbers, one thread, in each dtype."""
    rows = []
    for name, path, kind in data:
        if name != "numbers":
            continue
        for label, flags, names in family_functions(relu):
            if label in OVER_RECORD:
                continue
            for grad in (False, True):
                base = " ".join(quote(a) for a in
                                [relu, *flags, *(["-g"] if grad else []),
                                 "-j", "1"])
                tools = {d: base + ("" if d == "float64" else
                                    f" --dtype {d}") for d in DTYPES}
                if label == "relu" and not grad:
                    tools["leaky64"] = f"{quote(relu)} -l -j 1"
                rows.append(Row("dtype", name, path,
                                label + ("'" if grad else ""),
                                {"dtype", name, *names, label}, tools))
    return rows


def record_rows(relu, data, jobs):
    """Return the rows of the record section: softmax over each row of the
    matrix against numpy's one-liner, where numpy is importable."""
    python = next((p for p in (shutil.which("python3"), "/usr/bin/python3")
                   if p and os.path.exists(p) and subprocess.run(
                       [p, "-c", "import numpy"],
                       capture_output=True).returncode == 0), None)
    rows = []
    for name, path, kind in data:
        if name != "matrix":
            continue
        for label in OVER_RECORD:
            tools = relu_commands(relu, ["-F", label], kind, jobs)
            if label == "softmax" and python:
                tools["numpy"] = f"{quote(python)} -c {quote(NUMPY_SOFTMAX)}"
            rows.append(Row("record", name, path, label,
                            {"record", name, label}, tools))
    return rows


def selected(row_labels, only):
    """Return whether a row with these labels matches one of the --only
    specs (every spec word a label), or there are no specs."""
    return not only or any(set(spec.split("/")) <= row_labels
                           for spec in only)


def time_pipe(path, command):
    """Return the wall time of `cat path | command > /dev/null`."""
    start = time.perf_counter()
    subprocess.run(f"cat {quote(path)} | {command} > /dev/null", shell=True,
                   check=True, executable="/bin/bash")
    return time.perf_counter() - start


def measure(row, runs):
    """Run the row's contenders runs times, alternating them, and store the
    median MB/s of each. Python runs once: it is 20x slower or more, and
    one run ranks it."""
    size = os.path.getsize(row.path) / 1e6
    times = {t: [] for t in row.tools}
    for _ in range(runs):
        for tool, cmd in row.tools.items():
            if tool == "python" and times[tool]:
                continue
            times[tool].append(time_pipe(row.path, cmd))
    row.speed = {t: size / statistics.median(v) for t, v in times.items()}


def check_agreement(row, lines=2000):
    """Return the contenders whose output on the first lines of the data
    differs from relu's by more than awk's six digits allow, so that no
    contender is timed computing something else."""
    with open(row.path, "rb") as f:
        sample = b"".join(f.readline() for _ in range(lines))

    def values(cmd):
        out = subprocess.run(cmd, shell=True, input=sample, check=True,
                             capture_output=True,
                             executable="/bin/bash").stdout
        return [float(v) for v in out.split()]

    want = values(row.tools["relu"])
    # gelu's one-liners are of its tanh form, which differs by up to 5e-4.
    peers = ("libm",) if row.label == "gelu" else ("mawk", "gawk", "libm")
    return [t for t in row.tools if t in peers
            and not all(math.isclose(a, b, rel_tol=2e-5, abs_tol=1e-9)
                        or (math.isnan(a) and math.isnan(b))
                        for a, b in zip(want, values(row.tools[t])))]


def cell(value, width, digits):
    """Format a number in a column, or n/a / - for a missing one."""
    if value is None:
        return f"{'-':>{width}}"
    if value == "n/a":
        return f"{'n/a':>{width}}"
    return f"{value:{width}.{digits}f}"


def ratio(row, a, b):
    """Return row.speed[a] / row.speed[b], "n/a" for absent -j, else None."""
    if a in row.speed and b in row.speed:
        return row.speed[a] / row.speed[b]
    return "n/a" if "-j" in a + b else None


TABLE_SPEEDS = ("relu", "-j 1", "-j N", "mawk", "gawk", "python", "cat")
CSVFLAG_SPEEDS = ("--csv", "-d ,", "cat")
CSVFLAG_RATIOS = (("--csv", "-d ,"), ("--csv", "cat"))
TABLE_RATIOS = (("relu", "mawk"), ("relu", "gawk"), ("relu", "python"),
                ("relu", "cat"), ("-j N", "-j 1"))
FAMILY_SPEEDS = ("relu", "-j 1", "-j N", "leaky", "peer", "libm", "mawk",
                 "gawk")
DTYPE_SPEEDS = (*DTYPES, "leaky64")
RECORD_SPEEDS = ("relu", "-j 1", "-j N", "numpy")
RECORD_RATIOS = (("relu", "numpy"), ("-j N", "-j 1"))
DTYPE_RATIOS = (("float32", "float64"), ("float32", "leaky64"),
                ("bfloat16", "float32"), ("float16", "float32"))
# Against libm, relu runs on one thread as the libm program does: the ratio
# is the cost of correct rounding, not of the cores.
FAMILY_RATIOS = (("relu", "gawk"), ("relu", "mawk"), ("relu", "leaky"),
                 ("relu", "peer"), ("-j 1", "libm"), ("-j N", "-j 1"))


def verdict(row):
    """Return how the row meets the family issue's targets: piecewise-linear
    functions at least leaky's speed; the others 3x gawk and within 1.5x the
    time of the libm formula; and the dtype issue's: float32 at least
    float64's speed (relu: float64 leaky's), bfloat16 and float16 at least
    float32's."""
    if row.section == "record":
        goals = [("relu", "numpy", NUMPY_TARGET)]
    elif row.section == "dtype":
        first = ("float32", "leaky64" if row.label == "relu" else "float64")
        goals = [(*first, 1.0), ("bfloat16", "float32", 1.0),
                 ("float16", "float32", 1.0)]
    elif row.section == "family" and row.label in PEERS:
        goals = [("relu", "peer", 1.0)]
    elif row.section == "family":
        goals = ([("relu", "leaky", 1.0)] if row.label in PIECEWISE else
                 [] if row.label in ("relu", "leaky_relu") else
                 [("relu", "gawk", GAWK_TARGET),
                  ("-j 1", "libm", LIBM_TARGET)])
    else:
        return ""
    misses = [f"{r.replace(' ', '')}/{t}<{g:.2g}" for r, t, g in goals
              if r in row.speed and t in row.speed
              and row.speed[r] / row.speed[t] < g]
    return "below: " + " ".join(misses) if misses else ("ok" if goals else "")


def header(speeds, ratios):
    """Return the header line of a table."""
    return (f"{'data':8} {'mode/function':14} {'MB':>4} "
            + " ".join(f"{t:>7}" for t in speeds) + "  "
            + " ".join(f"{a.replace(' ', '') + '/' + b.replace(' ', ''):>10}"
                       for a, b in ratios))


def print_row(row, speeds, ratios):
    """Print a measured row: MB/s of each contender, then the ratios."""
    size = os.path.getsize(row.path) / 1e6
    cells = " ".join(cell(row.speed.get(t, "n/a" if "-j" in t else None),
                          7, 0) for t in speeds)
    rats = " ".join(cell(ratio(row, a, b), 10, 2) for a, b in ratios)
    print(f"{row.data:8} {row.label:14} {size:4.0f} {cells}  {rats} "
          f"{verdict(row)}".rstrip(), flush=True)


def run_section(title, rows, speeds, ratios, runs):
    """Measure and print the rows of one section."""
    if not rows:
        return
    print(f"\n{title}")
    line = header(speeds, ratios)
    print(line)
    print("-" * len(line))
    for row in rows:
        if row.section == "family" and row.data == "numbers":
            for tool in check_agreement(row):
                print(f"warning: {tool} disagrees with relu on "
                      f"{row.label}: dropped", flush=True)
                del row.tools[tool]
        measure(row, runs)
        print_row(row, speeds, ratios)


def build_libm(program):
    """Compile libm_formula.cpp into program with the system compiler
    ($CXX, else c++); return whether that worked, with a note if not."""
    cxx = os.environ.get("CXX") or shutil.which("c++") or shutil.which("g++")
    os.makedirs(os.path.dirname(program), exist_ok=True)
    if cxx and subprocess.run([cxx, "-std=c++17", "-O2", "-o", program,
                               os.path.join(HERE, "libm_formula.cpp")]
                              ).returncode == 0:
        return True
    print("note: libm_formula.cpp not built: no libm column")
    return False


def machine():
    """Return lines describing the machine: date, CPU model, flags, load."""
    model, flags = "?", "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key.strip() == "model name" and model == "?":
                    model = value.strip()
                elif key.strip() == "flags" and flags == "?":
                    flags = value.strip()
    except OSError:
        pass
    uname = os.uname()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return [f"date: {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
            f"cpu: {model}, {os.cpu_count()} cores, {uname.machine}, "
            f"Linux {uname.release}, load average {load}",
            f"flags: {flags}"]


def startup(relu, runs):
    """Return the wall time per run of `relu 2 -3` and of /bin/true, medians
    of 5 alternating loops of runs runs."""
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


def memory(relu, numbers, quick):
    """Print relu -l's peak RSS on the numbers file and on a long line."""
    def feed_file(pipe):
        with open(numbers, "rb") as f:
            shutil.copyfileobj(f, pipe, 1 << 20)

    line = b"-1.5 2.25 -0.125 1e3 " * 50_000  # ~1 MiB of a single line

    def feed_line(pipe):
        for _ in range(((1 << 30) // len(line)) // (10 if quick else 1)):
            pipe.write(line)
        pipe.write(b"\n")

    print(f"peak RSS: {peak_rss([relu, '-l'], feed_file) / 1024:.1f} MiB on "
          f"the numbers file, {peak_rss([relu, '-l'], feed_line) / 1024:.1f} "
          f"MiB on a {'0.1' if quick else '1'} GiB single line")


def parse_args():
    """Return the command line's options."""
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="--only: see the top of tests/bench/bench.py")
    ap.add_argument("relu")
    ap.add_argument("--data", default="bench-data")
    ap.add_argument("--runs", type=int,
                    help="alternating runs per row (default 5; 3 with "
                         "--quick)")
    ap.add_argument("--quick", action="store_true",
                    help="a tenth of the data, 3 runs: a smoke test")
    ap.add_argument("--modes", default="relu,leaky,derivative,format",
                    help="the table's modes")
    ap.add_argument("--only", action="append", default=[],
                    metavar="SPEC", help="run only the rows matching SPEC "
                    "(words separated by /), e.g. family/gelu; repeatable")
    return ap.parse_args()


def plan(args, relu, data, jobs, dtypes):
    """Return the rows and extra sections (startup, memory) that --only
    selects, once their data is written and the libm formula built."""
    libm = os.path.join(os.path.abspath(args.data), "libm_formula")
    modes = args.modes.split(",")
    rows = (table_rows(relu, data, modes, jobs)
            + csvflag_rows(relu, data, modes)
            + family_rows(relu, data, jobs, libm)
            + (dtype_rows(relu, data) if dtypes else [])
            + record_rows(relu, data, jobs))
    rows = [r for r in rows if selected(r.labels, args.only)]
    extras = [s for s in ("startup", "memory") if selected({s}, args.only)]
    if not rows and not extras:
        raise SystemExit("bench.py: no row matches --only "
                         + " --only ".join(args.only))
    make_data(data, {r.data for r in rows}
              | ({"numbers"} if "memory" in extras else set()), args.quick)
    if any("libm" in r.tools for r in rows) and not build_libm(libm):
        for row in rows:
            row.tools.pop("libm", None)
    return rows, extras


def main():
    """Run the selected sections and print their tables."""
    args = parse_args()
    relu = os.path.abspath(args.relu)
    runs = args.runs or (3 if args.quick else 5)
    data = data_sets(args.data, args.quick)
    help_text = subprocess.run([relu, "--help"], capture_output=True,
                               text=True).stdout
    jobs = "--jobs" in help_text
    rows, extras = plan(args, relu, data, jobs, "--dtype" in help_text)
    print("\n".join(machine()))
    print(f"relu: {relu}; medians of {runs} alternating runs, "
          f"`cat FILE | TOOL > /dev/null`; -j: "
          f"{'1 and ' + str(os.cpu_count()) if jobs else 'n/a (no --jobs)'}")
    run_section("table: relu's MB/s and its ratio to each tool",
                [r for r in rows if r.section == "table"],
                TABLE_SPEEDS, TABLE_RATIOS, runs)
    run_section("csvflag: relu --csv against relu -d , on the unquoted CSV "
                "(both --header -f 2-)",
                [r for r in rows if r.section == "csvflag"],
                CSVFLAG_SPEEDS, CSVFLAG_RATIOS, runs)
    run_section("family: relu -F NAME against the one-liner of its formula, "
                "leaky ReLU and the plain libm formula (shortest output); "
                "targets: piecewise relu/leaky >= 1, others relu/gawk >= 3 "
                "and -j1/libm >= 0.67",
                [r for r in rows if r.section == "family"],
                FAMILY_SPEEDS, FAMILY_RATIOS, runs)
    run_section("dtype: each function (' its derivative) with -j 1 in each "
                "--dtype; targets: float32 >= float64 (relu: >= float64's "
                "leaky), bfloat16 and float16 >= float32",
                [r for r in rows if r.section == "dtype"],
                DTYPE_SPEEDS, DTYPE_RATIOS, runs)
    run_section("record: softmax, softmin and log_softmax over each row of "
                "the matrix, against numpy's one-liner printing repr of "
                f"each result; target: relu/numpy >= {NUMPY_TARGET:g}",
                [r for r in rows if r.section == "record"],
                RECORD_SPEEDS, RECORD_RATIOS, runs)
    print()
    if "startup" in extras:
        per_relu, per_true = startup(relu, 50 if args.quick else 300)
        print(f"start-up: relu 2 -3 {per_relu * 1e3:.2f} ms, /bin/true "
              f"{per_true * 1e3:.2f} ms per run: ratio "
              f"{per_relu / per_true:.2f}")
    if "memory" in extras:
        memory(relu, data[0][1], args.quick)


if __name__ == "__main__":
    main()
