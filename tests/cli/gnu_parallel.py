#!/usr/bin/env python3
"""README's GNU parallel recipe on one machine: the output of
`{ head -n 1 F; parallel --pipepart -a F --header : -k relu ... --drop-header
...; }` must be byte for byte that of one relu run over F.

usage: gnu_parallel.py RELU

F is a generated CSV file of about 20 MB with a header of awkward names
and quoted text holding commas and doubled quotes in every record; small
blocks make many jobs. parallel's -q passes the quotes of a name to relu
(without it, parallel's shell takes them away)."""
import os
import random
import subprocess
import sys
import tempfile


def generate(path, records=400_000):
    rng = random.Random(16)
    names = ['Smith, J', 'O""Brien', 'plain', 'a,b,""c""', '']
    with open(path, "w", newline="") as f:
        f.write('id,"name, full",w1,"2019",w1\r\n')
        for i in range(records):
            f.write('%d,"%s",%.4f,%s,"%.3e"\r\n' % (
                i, rng.choice(names), rng.gauss(0, 2),
                rng.choice(["-0.5", "1", "x", "-2e-3", ""]),
                rng.gauss(0, 1)))


def main():
    relu = os.path.abspath(sys.argv[1])
    options = ["--csv", "--header", "-f", 'w1[1],"2019"', "-l",
               "--invalid=ignore"]
    failed = 0
    with tempfile.TemporaryDirectory() as scratch:
        data = os.path.join(scratch, "big.csv")
        generate(data)
        with open(data, "rb") as f:
            one = subprocess.run([relu, *options], stdin=f,
                                 capture_output=True, check=True).stdout
        for block in ("300k", "1M"):
            recipe = ('{ head -n 1 "$1"; parallel --pipepart -a "$1" '
                      '--header : -k -q --block %s "$2" %s --drop-header; }'
                      % (block, " ".join("'%s'" % o for o in options)))
            many = subprocess.run(["sh", "-c", recipe, "sh", data, relu],
                                  capture_output=True, check=True).stdout
            if many == one:
                print(f"ok   --block {block}: {len(one)} bytes as one run")
            else:
                failed += 1
                at = next((i for i, (a, b) in enumerate(zip(many, one))
                           if a != b), min(len(many), len(one)))
                print(f"FAIL --block {block}: differs at byte {at}: "
                      f"{many[at:at + 60]!r} against {one[at:at + 60]!r}")
    print(f"{2 - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
