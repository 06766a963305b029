"""End-to-end cases: (name, args, stdin, stdout, stderr, exit status).

The name's prefix before the first '-' is the group; each group is one CTest
test. stdin None means /dev/null."""

import os

# The version comes from CMakeLists.txt, its only home.
VERSION = os.environ["RELU_VERSION"]
HINT = "Try 'relu --help' for more information.\n"


def usage(message):
    return "relu: " + message + "\n" + HINT


CASES = [
    # Arguments: one record each; negative numbers need no "--".
    ("args-seed", ["2.0", "-3.0"], None, "2.0\n0\n", "", 0),
    ("args-negative-forms", ["-3", "-.5", "-inf", "-1e-3", "-nan", "-0x1p3"],
     None, "0\n0\n0\n0\n-nan\n0\n", "", 0),
    ("args-double-dash", ["--", "-4", "5"], None, "0\n5\n", "", 0),
    ("args-options-after-numbers", ["-4", "-l", "5"], None, "-0.04\n5\n", "", 0),
    ("args-unchanged-text", ["2.50", "1e3", "+7", "0x1.8p3", "NaN", "Inf"],
     None, "2.50\n1e3\n+7\n0x1.8p3\nNaN\nInf\n", "", 0),
    ("args-zero", ["0", "-0", "0.000", "1e-400"], None, "0\n0\n0\n0\n", "", 0),
    ("args-fields-in-an-argument", ["1 -2", "--", "-3\t4"], None,
     "1 0\n0\t4\n", "", 0),
    ("args-stdin-not-read", ["1"], "-5\n", "1\n", "", 0),
    ("args-dash-reads-stdin", ["-"], "-5\n6\n", "0\n6\n", "", 0),
    ("args-zero-terminated", ["-z", "-1", "2"], None, "0\x002\x00", "", 0),
    ("args-invalid", ["1", "abc", "2"], None, "1\n",
     "relu: argument 2, field 1: invalid number: 'abc'\n", 2),
    ("args-lone-dash-among-numbers", ["1", "-"], None, "1\n",
     "relu: argument 2, field 1: invalid number: '-'\n", 2),
    # No option is a digit or '.', so "-1,5" is a number, though a bad one.
    ("args-dash-digit-is-operand", ["-1,5"], None, "",
     "relu: argument 1, field 1: invalid number: '-1,5'\n", 2),
    ("args-dash-dot-is-operand", ["2", "-.", "-5x"], None, "2\n",
     "relu: argument 2, field 1: invalid number: '-.'\n", 2),
    ("args-dash-digit-delimited", ["-d", ",", "-5,-3", "-4,,2"], None,
     "0,0\n0,,2\n", "", 0),

    # An operand is a number asked for: empty or blank is invalid, as in
    # numfmt; operands are numbered by argument, whatever they hold.
    ("args-empty", [""], None, "",
     "relu: argument 1, field 1: invalid number: ''\n", 2),
    ("args-empty-warn", ["--invalid=warn", "1", "", " \t", "-2"], None,
     "1\n\n \t\n0\n",
     "relu: argument 2, field 1: invalid number: ''\n"
     "relu: argument 3, field 1: invalid number: ''\n", 0),
    ("args-empty-ignore", ["--invalid=ignore", "", "-2"], None, "\n0\n", "",
     0),
    ("args-empty-delimited", ["-d", ",", ","], None, ",\n", "", 0),
    ("args-empty-not-selected", ["-f", "2", ""], None, "\n", "", 0),
    ("args-numbered-by-argument", ["--", "1\n2", "abc"], None, "1\n2\n",
     "relu: argument 2, field 1: invalid number: 'abc'\n", 2),
    ("args-newline-inside", ["--invalid=warn", "--", "1\nx", "y"], None,
     "1\nx\ny\n",
     "relu: argument 1, field 1: invalid number: 'x'\n"
     "relu: argument 2, field 1: invalid number: 'y'\n", 0),

    # Functions.
    ("func-leaky", ["-l", "--", "-3", "2.50", "-0", "0", "-inf", "nan"], None,
     "-0.03\n2.50\n-0\n0\n-inf\nnan\n", "", 0),
    ("func-alpha-implies-leaky", ["--alpha", "0.001", "--", "-3"], None,
     "-0.003\n", "", 0),
    ("func-alpha-last-wins", ["-a0.5", "-4", "--alpha=-2", "-1"], None,
     "8\n2\n", "", 0),
    ("func-alpha-zero", ["-a", "0", "--", "-3", "-inf"], None,
     "-0\n-nan\n", "", 0),
    ("func-grad", ["-g", "--", "-3", "0", "-0", "2", "inf", "-inf", "nan"],
     None, "0\n0\n0\n1\n1\n0\nnan\n", "", 0),
    ("func-derivative-leaky", ["--derivative", "-l", "--", "-3", "0", "2"],
     None, "0.01\n0.01\n1\n", "", 0),
    ("func-grad-alpha", ["-g", "-a", "0.2", "-5", "5"], None,
     "0.2\n1\n", "", 0),
    ("func-shortest", ["-l", "--", "-0.1", "-1e-300", "-123456789"], None,
     "-0.001\n-1.0000000000000001e-302\n-1234567.8900000001\n", "", 0),
    ("func-huge", ["-l", "1e400", "-1e400", "-1e-400"], None,
     "1e400\n-inf\n-0\n", "", 0),
    ("func-subnormal", ["-l", "-a", "0.5", "-1e-323", "-5e-324"], None,
     "-5e-324\n-0\n", "", 0),
    ("func-round-correctly", ["-a", "1", "-0.1000000000000000055511151231257827"],
     None, "-0.1\n", "", 0),

    # Standard input: records, blanks, CR, final newline.
    ("stdin-seq", ["-l"], "-2\n-1\n0\n1\n2\n", "-0.02\n-0.01\n0\n1\n2\n", "", 0),
    ("stdin-no-final-newline", [], "-1\n-2", "0\n0", "", 0),
    ("stdin-crlf", [], "-1\r\n2\r\n-3 4\r\n", "0\r\n2\r\n0 4\r\n", "", 0),
    ("stdin-cr-at-end", [], "-1\r", "0\r", "", 0),
    ("stdin-blanks-kept", [], "  -1 \t-2  \n\t\n\n", "  0 \t0  \n\t\n\n", "", 0),
    ("stdin-empty", [], "", "", "", 0),
    ("stdin-matrix", ["-g"], "-1 2 -3\n4 -5 6\n", "0 1 0\n1 0 1\n", "", 0),
    ("stdin-nul-records", ["-z"], b"-1\n2\0-3\0", b"0\n2\x000\x00", "", 0),
    ("stdin-nul-is-data-without-z", ["--invalid=warn"], b"1\0-1\n",
     b"1\0-1\n", "relu: line 1, field 1: invalid number: '1\\x00-1'\n", 0),

    # Fields.
    ("fields-one", ["-f", "2"], "-1 -2 -3\n", "-1 0 -3\n", "", 0),
    ("fields-list", ["-f", "1,3-4,6-"], "-1 -2 -3 -4 -5 -6 -7\n",
     "0 -2 0 0 -5 0 0\n", "", 0),
    ("fields-leading-range", ["-f", "-2"], "-1 -2 -3\n", "0 0 -3\n", "", 0),
    ("fields-beyond-record", ["-f", "5"], "-1 -2\n", "-1 -2\n", "", 0),
    ("fields-unselected-not-checked", ["-f", "2"], "x -1 y\n", "x 0 y\n", "", 0),
    ("fields-huge-number", ["-f", "18446744073709551614"], "-1\n", "-1\n",
     "", 0),
    ("fields-too-large", ["-f", "18446744073709551615"], None, "",
     usage("invalid --fields: field number '18446744073709551615' is too large"),
     1),
    ("fields-zero", ["-f", "0"], None, "",
     usage("invalid --fields: fields are numbered from 1"), 1),
    ("fields-decreasing", ["-f", "3-1"], None, "",
     usage("invalid --fields: invalid decreasing range"), 1),
    ("fields-garbage", ["--fields=a"], None, "",
     usage("invalid --fields: invalid field value 'a'"), 1),
    ("fields-blank-separated", ["-f", "1 3\t5"], "-1 -2 -3 -4 -5\n",
     "0 -2 0 -4 0\n", "", 0),
    ("fields-comma-only", ["-f", ","], None, "",
     usage("invalid --fields: fields are numbered from 1"), 1),
    ("fields-two-blanks", ["-f", "1  3"], None, "",
     usage("invalid --fields: fields are numbered from 1"), 1),
    ("fields-empty", ["-f", ""], None, "",
     usage("invalid --fields: the list of fields is empty"), 1),
    ("fields-control-bytes", ["-f", "a\x1b[2J"], None, "",
     usage("invalid --fields: invalid field value 'a\\x1b[2J'"), 1),
    ("fields-cut-messages", ["-f", "1-2-3"], None, "",
     usage("invalid --fields: invalid field range"), 1),
    ("fields-cut-rest-of-list", ["-f", "2,1a,3"], None, "",
     usage("invalid --fields: invalid field value 'a,3'"), 1),

    # Delimiters.
    ("delim-csv", ["-d", ","], "-1,,2, -3 ,\n", "0,,2, 0 ,\n", "", 0),
    ("delim-csv-header-fields", ["-d", ",", "--header", "-f", "2-", "-l"],
     "name,w1,w2\na,-0.5,1\nb,0.25,-2\n",
     "name,w1,w2\na,-0.005,1\nb,0.25,-0.02\n", "", 0),
    ("delim-tab", ["-d", "\t"], "-1\t -2 \t\n", "0\t 0 \t\n", "", 0),
    ("delim-crlf", ["-d", ";"], "-1;-2\r\n", "0;0\r\n", "", 0),
    ("delim-blank-field", ["-d", ","], "-1,   ,-2\n", "0,   ,0\n", "", 0),
    ("delim-space", ["-d", " "], "-1  -2\n", "0  0\n", "", 0),
    ("delim-two-chars", ["-d", ",;"], None, "",
     usage("the delimiter must be a single character"), 1),
    ("delim-newline", ["-d", "\n"], None, "",
     usage("the delimiter cannot be the record terminator"), 1),
    ("delim-empty-is-nul", ["-d", "", "-f", "2"], b"a\0-1\0-2\n-3\n",
     b"a\x000\0-2\n-3\n", "", 0),
    ("delim-empty-with-z", ["-z", "-d", ""], None, "",
     usage("the delimiter cannot be the record terminator: -d '' is NUL, "
           "which ends records with -z"), 1),

    # Header.
    ("header-default", ["--header"], "-1\n-2\n", "-1\n0\n", "", 0),
    ("header-n", ["--header=2"], "x\n-1\n-2\n", "x\n-1\n0\n", "", 0),
    ("header-separate-value-is-a-number", ["--header", "-5"], None,
     "0\n", "relu: --header ignored with command-line input\n", 0),
    ("header-longer-than-input", ["--header=5"], "a\nb", "a\nb", "", 0),
    ("header-zero", ["--header=0"], None, "", usage("invalid header value '0'"),
     1),

    # Invalid numbers.
    ("invalid-abort", [], "1\n-2\n1.5x\n-3\n", "1\n0\n",
     "relu: line 3, field 1: invalid number: '1.5x'\n", 2),
    ("invalid-abort-mid-line", [], "-1 x -2\n", "0 ",
     "relu: line 1, field 2: invalid number: 'x'\n", 2),
    ("invalid-fail", ["--invalid=fail"], "1\nx\n-2\ny z\n", "1\nx\n0\ny z\n",
     "relu: line 2, field 1: invalid number: 'x'\n"
     "relu: line 4, field 1: invalid number: 'y'\n"
     "relu: line 4, field 2: invalid number: 'z'\n", 2),
    ("invalid-warn", ["--invalid", "warn"], "1\nx\n-2\n", "1\nx\n0\n",
     "relu: line 2, field 1: invalid number: 'x'\n", 0),
    ("invalid-ignore", ["--invalid=ignore"], "1\nx\n-2\n", "1\nx\n0\n", "", 0),
    ("invalid-forms", ["--invalid=warn"], "1_000 1,5 0x 1e . abc\n",
     "1_000 1,5 0x 1e . abc\n",
     "".join(f"relu: line 1, field {i}: invalid number: '{t}'\n"
             for i, t in enumerate(["1_000", "1,5", "0x", "1e", ".", "abc"],
                                   1)), 0),
    ("invalid-crlf-token", ["--invalid=warn"], "x\r\n", "x\r\n",
     "relu: line 1, field 1: invalid number: 'x'\n", 0),
    ("invalid-binary-token", ["--invalid=warn"], b"\xff\x01'\n", b"\xff\x01'\n",
     "relu: line 1, field 1: invalid number: '\\xff\\x01\\''\n", 0),
    ("invalid-mode-unknown", ["--invalid=loud"], None, "",
     usage("invalid --invalid 'loud': it must be abort, fail, warn or "
           "ignore"), 1),

    # Formats.
    ("format-fixed", ["--format", "%.3f", "--", "-1", "2.5"], None,
     "0.000\n2.500\n", "", 0),
    ("format-width-exp", ["-l", "--format=%10.4e", "--", "-3"], None,
     "-3.0000e-02\n", "", 0),
    ("format-text", ["--format", "x=%g%%", "2"], None, "x=2%\n", "", 0),
    ("format-nan", ["--format", "%.1f", "nan", "-inf"], None, "nan\n0.0\n",
     "", 0),
    ("format-precision", ["-p", "2", "-l", "--", "-1", "1.005"], None,
     "-0.01\n1.00\n", "", 0),
    ("format-string", ["--format", "%s"], None, "",
     usage("invalid --format '%s': '%s' is not a floating-point conversion"),
     1),
    ("format-int", ["--format", "%d"], None, "",
     usage("invalid --format '%d': '%d' is not a floating-point conversion"),
     1),
    ("format-n", ["--format", "%n"], None, "",
     usage("invalid --format '%n': '%n' is not a floating-point conversion"),
     1),
    ("format-two", ["--format", "%f %f"], None, "",
     usage("invalid --format '%f %f': more than one conversion"), 1),
    ("format-none", ["--format", "abc"], None, "",
     usage("invalid --format 'abc': no conversion"), 1),
    ("format-with-precision", ["--format", "%f", "-p", "1"], None, "",
     usage("--format excludes --precision"), 1),
    ("format-bad-precision", ["-p", "x"], None, "",
     usage("invalid --precision 'x': it must be a whole number below 10000"),
     1),

    # Usage errors: message and hint on stderr, nothing on stdout, status 1.
    ("usage-unknown-long", ["--bogus"], None, "",
     usage("unrecognized option '--bogus'"), 1),
    ("usage-unknown-short", ["-x", "1"], None, "",
     usage("invalid option -- 'x'"), 1),
    ("usage-missing-value", ["1", "--alpha"], None, "",
     usage("option '--alpha' requires an argument"), 1),
    ("usage-alpha-nan", ["-a", "nan"], None, "",
     usage("invalid --alpha 'nan': it must be a finite number"), 1),
    ("usage-alpha-inf", ["--alpha=-inf"], None, "",
     usage("invalid --alpha '-inf': it must be a finite number"), 1),
    ("usage-alpha-text", ["-a", "0.1x"], None, "",
     usage("invalid --alpha '0.1x': it must be a finite number"), 1),
    # Long options may be abbreviated to a unique prefix, as in getopt_long;
    # --grad and --derivative are one option.
    ("usage-prefix-flag", ["--deriv", "--", "-1", "1"], None, "0\n1\n", "",
     0),
    ("usage-prefix-alias", ["--g", "2"], None, "1\n", "", 0),
    ("usage-prefix-value", ["--prec", "3", "1"], None, "1.000\n", "", 0),
    ("usage-prefix-attached", ["--inv=warn", "x"], None, "x\n",
     "relu: argument 1, field 1: invalid number: 'x'\n", 0),
    ("usage-prefix-ambiguous", ["--de", "1"], None, "",
     usage("option '--de' is ambiguous; possibilities: '--derivative' "
           "'--delimiter'"), 1),
    ("usage-prefix-ambiguous-value", ["--h=2"], None, "",
     usage("option '--h=2' is ambiguous; possibilities: '--header' "
           "'--help'"), 1),
    ("usage-prefix-full-name", ["--hel=1"], None, "",
     usage("option '--help' doesn't allow an argument"), 1),
    ("usage-prefix-missing-value", ["--al"], None, "",
     usage("option '--alpha' requires an argument"), 1),
    # An empty value is a value, and gets the message of a bad one.
    ("usage-empty-precision", ["-p", ""], None, "",
     usage("invalid --precision '': it must be a whole number below 10000"),
     1),
    ("usage-empty-precision-attached", ["--precision="], None, "",
     usage("invalid --precision '': it must be a whole number below 10000"),
     1),
    ("usage-empty-format", ["--format", ""], None, "",
     usage("invalid --format '': no conversion"), 1),
    ("usage-empty-invalid", ["--invalid="], None, "",
     usage("invalid --invalid '': it must be abort, fail, warn or ignore"),
     1),
    ("usage-empty-alpha", ["-a", ""], None, "",
     usage("invalid --alpha '': it must be a finite number"), 1),
    ("usage-empty-header", ["--header="], None, "",
     usage("invalid header value ''"), 1),
    ("usage-format-positional", ["--format", "%5$f"], None, "",
     usage("invalid --format '%5$f': '%5$' is not a floating-point "
           "conversion"), 1),
    ("usage-format-negative-precision", ["--format", "%.-1f"], None, "",
     usage("invalid --format '%.-1f': '%.-' is not a floating-point "
           "conversion"), 1),
    # Option values reach the terminal with control bytes escaped.
    ("usage-escape-format", ["--format", "a\x1b[2J"], None, "",
     usage("invalid --format 'a\\x1b[2J': no conversion"), 1),
    ("usage-escape-conversion", ["--format", "%\x1b"], None, "",
     usage("invalid --format '%\\x1b': '%\\x1b' is not a floating-point "
           "conversion"), 1),
    ("usage-escape-option", ["--\x1b[2J"], None, "",
     usage("unrecognized option '--\\x1b[2J'"), 1),
    ("usage-escape-short-option", ["-\x1b"], None, "",
     usage("invalid option -- '\\x1b'"), 1),

    # Version.
    ("version-long", ["--version"], None, f"relu {VERSION}\n", "", 0),
    ("version-short", ["-V"], None, f"relu {VERSION}\n", "", 0),
    # --help and --version act where they stand, as in GNU tools: what
    # follows them is not looked at, what precedes them is.
    ("version-then-bad-option", ["--version", "-x", "--bogus"], None,
     f"relu {VERSION}\n", "", 0),
    ("version-before-help", ["-Vh"], None, f"relu {VERSION}\n", "", 0),
    ("version-after-bad-option", ["-x", "--version"], None, "",
     usage("invalid option -- 'x'"), 1),
    ("version-after-bad-value", ["-a", "x", "-V"], None, "",
     usage("invalid --alpha 'x': it must be a finite number"), 1),
]
