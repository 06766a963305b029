#!/usr/bin/env python3
"""Run every example of a document and check its output.

usage: doc_examples.py RELU README.md     the ```console blocks of a file
       doc_examples.py RELU --help        the Examples section of relu --help
       doc_examples.py RELU --man relu.1  the EXAMPLES section of the man page

An example is a line "$ command" followed by the output it must print
(stdout and stderr together), up to the next "$ " line or the block's end.
Each runs under sh -c with LC_ALL=C, relu first on PATH, in a scratch folder
that holds the ```make block standing right before it, if any, as Makefile."""
import os
import re
import subprocess
import sys
import tempfile


def readme_blocks(text):
    """Yield (makefile or None, console block lines)."""
    makefile = None
    for m in re.finditer(r"^```(\w*)\n(.*?)^```$", text, re.S | re.M):
        lang, body = m.group(1), m.group(2)
        if lang == "make":
            makefile = body
        elif lang == "console":
            yield makefile, body.splitlines()
            makefile = None


def help_blocks(text):
    lines = text.split("Examples:\n", 1)[1].splitlines()
    yield None, [line[2:] for line in lines if line.startswith("  ")]


def man_blocks(text):
    section = text.split("\nEXAMPLES\n", 1)[1].split("\n\n", 1)[0]
    yield None, [line.strip() for line in section.splitlines()]


def examples(lines):
    """Yield (command, expected output) pairs."""
    command, output = None, []
    for line in lines:
        if line.startswith("$ "):
            if command is not None:
                yield command, output
            command, output = line[2:], []
        elif command is not None:
            output.append(line)
    if command is not None:
        yield command, output


def main():
    relu, source = os.path.abspath(sys.argv[1]), sys.argv[2]
    env = dict(os.environ, LC_ALL="C",
               PATH=os.path.dirname(relu) + os.pathsep + os.environ["PATH"])
    if source == "--help":
        text = subprocess.run([relu, "--help"], capture_output=True,
                              text=True, check=True).stdout
        blocks = help_blocks(text)
    elif source == "--man":
        text = subprocess.run(["groff", "-man", "-Tascii", "-P-cbou",
                               sys.argv[3]], capture_output=True, text=True,
                              check=True).stdout
        blocks = man_blocks(text)
    else:
        with open(source, encoding="utf-8") as f:
            blocks = readme_blocks(f.read())
    passed = failed = 0
    for makefile, lines in blocks:
        for command, expected in examples(lines):
            with tempfile.TemporaryDirectory() as scratch:
                if makefile is not None:
                    with open(os.path.join(scratch, "Makefile"), "w") as f:
                        f.write(makefile)
                got = subprocess.run(["sh", "-c", command], cwd=scratch,
                                     env=env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, timeout=60)
            have = got.stdout.decode(errors="replace").splitlines()
            if have == expected:
                passed += 1
            else:
                failed += 1
                print(f"FAIL $ {command}\n  want {expected!r}\n   got {have!r}")
    if passed + failed == 0:
        sys.exit(f"no examples found in {source}")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
