#!/usr/bin/env python3
"""Drive each shell's completion of relu and check what it offers; check
that --help, the man page, every completion and README name exactly the
options of --help and the functions of `relu --list`.

The completions read the function names from `relu --list` when they run,
so the shells run with RELU's folder first on PATH; the test checks that
what they offer after -F is exactly that list, aliases included.

usage: completions.py RELU SOURCE_DIR"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

RELU, SRC = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
COMPLETION = os.path.join(SRC, "src", "completion")
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import doc_examples  # noqa: E402
HELP = subprocess.run([RELU, "--help"], capture_output=True, text=True,
                      check=True).stdout
LIST = subprocess.run([RELU, "--list"], capture_output=True, text=True,
                      check=True).stdout
README = os.path.join(SRC, "README.md")
MAN = os.path.join(SRC, "src", "man", "relu.1.in")
# The shells find relu, for the names after -F, where the test found it.
ENV = dict(os.environ, PATH=os.path.dirname(RELU) + os.pathsep +
           os.environ["PATH"])
# The shells run in a folder with a file in it, so that a completion that
# offers file names (relu reads none) shows it.
SCRATCH = tempfile.mkdtemp()
open(os.path.join(SCRATCH, "a-file"), "w").close()
passed = failed = 0


def check(name, ok, detail):
    global passed, failed
    passed, failed = passed + ok, failed + (not ok)
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else f": {detail}"))


def help_options():
    options = HELP.split("Options:\n", 1)[1].split("\n\n", 1)[0]
    names = set()
    for line in options.splitlines():
        spec = re.split(r"\s{2,}", line.strip())[0]
        names.update(re.findall(r"--?[A-Za-z][\w-]*", spec))
    return names


def help_modes():
    """The --invalid modes, as --help lists them: "abort (default)|fail"."""
    modes = re.search(r"--invalid MODE +on a bad number: (.*)", HELP)[1]
    return sorted(mode.split(" ")[0] for mode in modes.split("|"))


def list_rows():
    """The rows of relu --list as (names, parameters, formula): columns are
    apart by two or more spaces, names are "name" or "name, alias", and a
    function without parameters has an empty middle column."""
    rows = []
    for line in LIST.splitlines():
        columns = re.split(r" {2,}", line.strip())
        if len(columns) == 2:
            columns.insert(1, "")
        names, params, formula = columns
        rows.append((names.split(", "), params, formula))
    return rows


def readme_functions():
    """The rows of README's Functions table, in --list's terms: each cell's
    code spans joined as --list joins them ("a, b"; "--x=1 --y=2")."""
    section = open(README, encoding="utf-8").read() \
        .split("\n## Functions\n", 1)[-1]
    rows = []
    for line in section.splitlines():
        if not line.startswith("| `"):
            if rows:
                break
            continue
        cells = [c.strip() for c in
                 re.split(r"(?<!\\)\|", line.strip().strip("|"))]
        names, params, formula = [
            re.findall(r"`([^`]*)`", c.replace("\\|", "|")) for c in cells]
        rows.append((names, " ".join(params), "".join(formula)))
    return rows


def man_functions():
    """The headings of the man page's FUNCTIONS subsections, each split into
    names as --list's first column: .SS "leaky_relu, leaky"."""
    text = open(MAN).read()
    section = text.split("\n.SH FUNCTIONS\n", 1)[-1].split("\n.SH ", 1)[0]
    return [heading.split(", ") for heading in
            re.findall(r'^\.SS "?([^"\n]*)"?$', section, re.M)]


def man_function_examples():
    """Yield (command, expected output) for each example of the man page's
    FUNCTIONS section, as doc_examples.py reads those of EXAMPLES: a
    paragraph of the rendered page whose first line starts with "$ "."""
    text = subprocess.run(["groff", "-man", "-Tascii", "-P-cbou", MAN],
                          capture_output=True, text=True, check=True).stdout
    section = text.split("\nFUNCTIONS\n", 1)[1].split("\nACCURACY\n", 1)[0]
    for paragraph in section.split("\n\n"):
        lines = [line.strip() for line in paragraph.splitlines()]
        if lines and lines[0].startswith("$ "):
            yield from doc_examples.examples(lines)


def bash(line):
    script = f"""
source /usr/share/bash-completion/bash_completion
source {COMPLETION}/relu.bash
compopt() {{ :; }}
COMP_LINE={line!r}; COMP_POINT=${{#COMP_LINE}}
read -ra COMP_WORDS <<< "$COMP_LINE"
[[ $COMP_LINE == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1))
_relu relu "${{COMP_WORDS[-1]}}" "${{COMP_WORDS[-2]}}"
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
    out = subprocess.run(["bash", "-c", script], capture_output=True,
                         text=True, timeout=30, cwd=SCRATCH, env=ENV).stdout
    return sorted(w for w in out.split("\n") if w)


def zsh(line):
    with tempfile.TemporaryDirectory() as fpath:
        os.symlink(os.path.join(COMPLETION, "_relu"),
                   os.path.join(fpath, "_relu"))
        out = subprocess.run(
            ["zsh", "-f", os.path.join(HERE, "zsh_complete.zsh"), fpath, line],
            capture_output=True, text=True, timeout=30, cwd=SCRATCH,
            env=dict(ENV, HOME=fpath)).stdout
    return sorted(set(w for w in out.split("\n") if w))


def fish(line):
    out = subprocess.run(
        ["fish", "--no-config", "-c",
         f"source {COMPLETION}/relu.fish; complete -C {line!r}"],
        capture_output=True, text=True, timeout=30, cwd=SCRATCH,
        env=ENV).stdout
    return sorted(w.split("\t")[0] for w in out.split("\n") if w)


options = help_options()
long_options = sorted(o for o in options if o.startswith("--"))
check("help lists options", len(long_options) >= 12, long_options)
MODES = help_modes()
check("help lists the --invalid modes", len(MODES) >= 4, MODES)
ROWS = list_rows()
FUNCTIONS = sorted(n for names, _, _ in ROWS for n in names)
check("--list lists the functions", len(ROWS) >= 17 and "swish" in FUNCTIONS,
      FUNCTIONS)
check("--help names --list", "--list" in long_options, long_options)

def named(text, option, fish_style):
    """Whether text names option: as itself, or as fish's -s x / -l name."""
    if fish_style:
        flag = "-l " + option[2:] if option.startswith("--") else \
            "-s " + option[1:]
        return re.search(re.escape(flag) + r"\b", text) is not None
    return re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", text) \
        is not None


sources = {"man page": MAN, "README": README}
for f in ("relu.bash", "_relu", "relu.fish"):
    sources[f"{f} completion"] = os.path.join(COMPLETION, f)
for name, path in sources.items():
    text = open(path).read().replace("\\-", "-")
    missing = [o for o in sorted(options)
               if not named(text, o, path.endswith(".fish"))]
    check(f"{name} has every option of --help", not missing, missing)

examples = list(man_function_examples())
check("man page: an example per function", len(examples) == len(ROWS),
      [command for command, _ in examples])
for command, expected in examples:
    got = subprocess.run(["sh", "-c", command], cwd=SCRATCH,
                         env=dict(ENV, LC_ALL="C"), stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True, timeout=60).stdout.splitlines()
    check(f"man page: $ {command}", got == expected, got)

list_names = [names for names, _, _ in ROWS]
man_names = man_functions()
check("man page: a FUNCTIONS subsection per function of --list, in order, "
      "aliases included", man_names == list_names, man_names)
readme_rows = readme_functions()
check("README: the Functions table is --list's", readme_rows == ROWS,
      [r for r in readme_rows if r not in ROWS] or
      [r for r in ROWS if r not in readme_rows])

for shell, complete in (("bash", bash), ("zsh", zsh), ("fish", fish)):
    offered = sorted(set(w.rstrip("=") for w in complete("relu --")))
    check(f"{shell}: exactly the long options of --help",
          offered == long_options, offered)
    for line in ("relu -F ", "relu --function ", "relu --function=",
                 "relu -g -F "):
        got = sorted(w.split("=", 1)[-1] for w in complete(line))
        check(f"{shell}: the functions of --list after {line!r}",
              got == FUNCTIONS, got)
    got = complete("relu -F si")
    check(f"{shell}: 'relu -F si'", got == ["sigmoid", "silu"], got)
    for line in ("relu --approximate ", "relu --approximate="):
        got = sorted(w.split("=", 1)[-1] for w in complete(line))
        check(f"{shell}: values of {line!r}", got == ["none", "tanh"], got)
    for line in ("relu --alpha ", "relu --beta ", "relu --min-val ",
                 "relu --max-val ", "relu --threshold "):
        got = complete(line)
        check(f"{shell}: no options or files for {line!r}",
              not any(w.startswith("-") or "a-file" in w for w in got), got)
    for line in ("relu --invalid ", "relu --invalid="):
        got = complete(line)
        got = sorted(w.split("=", 1)[-1] for w in got)
        if shell == "zsh" and line.endswith(" "):
            continue  # zsh's --invalid= takes its value attached only
        check(f"{shell}: values of {line!r}", got == MODES, got)
    got = complete("relu --invalid=w")
    check(f"{shell}: 'relu --invalid=w'",
          [w.split("=", 1)[-1] for w in got] == ["warn"], got)
    # --header's value is attached, so the next word is an option again.
    got = complete("relu --header --lea")
    check(f"{shell}: an option after --header", got == ["--leaky"], got)
    # After "--" every word is a number.
    for line in ("relu -- --lea", "relu -- -3 --lea"):
        got = complete(line)
        check(f"{shell}: no option after '--' in {line!r}", got == [], got)
    # relu reads no files: none are offered, for numbers or for values.
    for line in ("relu ", "relu -l ", "relu --header=", "relu -f ",
                 "relu --format "):
        got = complete(line)
        check(f"{shell}: no file names for {line!r}",
              not any("a-file" in w for w in got), got)

shutil.rmtree(SCRATCH)
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
