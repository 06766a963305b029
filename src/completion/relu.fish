# fish completion for relu(1)
# relu reads no files: offer none, for numbers or for option values.
complete -c relu -f

# The names of relu's functions and their aliases, each with its formula,
# from `relu --list`: columns apart by two or more spaces, names first
# ("leaky_relu, leaky"), formula last.
function __fish_relu_functions
    set -l relu (commandline -opc)[1]
    for line in (command $relu --list 2>/dev/null)
        set -l columns (string split -n '  ' -- $line | string trim)
        for name in (string split ', ' -- $columns[1])
            printf '%s\t%s\n' $name $columns[-1]
        end
    end
end

complete -c relu -s F -l function -x -a '(__fish_relu_functions)' -d 'the function (default relu)'
complete -c relu -s l -l leaky -d 'leaky ReLU: -F leaky_relu'
complete -c relu -s a -l alpha -x -d "leaky_relu's slope (0.01), elu's and celu's alpha (1)"
complete -c relu -l min-val -x -d "hardtanh's lower bound (-1)"
complete -c relu -l max-val -x -d "hardtanh's upper bound (1)"
complete -c relu -l beta -x -d "softplus's beta (1)"
complete -c relu -l threshold -x -d "softplus's threshold (20), threshold's (required)"
complete -c relu -l value -x -d "threshold's value at and below it (required)"
complete -c relu -l lambd -x -d "hardshrink's and softshrink's lambda (0.5)"
complete -c relu -l lower -x -d "rrelu's lower slope (0.125)"
complete -c relu -l upper -x -d "rrelu's upper slope (1/3)"
complete -c relu -l weight -x -d "prelu's weight (0.25), or W1,W2,... one per field"
complete -c relu -l approximate -x -a 'none tanh' -d 'gelu: none (default) or tanh'
complete -c relu -s g -l grad -d 'print the derivative instead of the value'
complete -c relu -l derivative -d 'print the derivative instead of the value'
complete -c relu -l dtype -x -a 'float64 float32 bfloat16 float16 double float half' -d 'the precision: float64 (default), float32, bfloat16 or float16'
complete -c relu -s f -l fields -x -d 'convert only these fields (cut syntax)'
complete -c relu -s d -l delimiter -x -d 'fields are separated by this character'
complete -c relu -l csv -d 'CSV: fields may be quoted (RFC 4180)'
complete -c relu -l drop-header -d 'read the --header records but do not write them'
complete -c relu -l header -d 'pass the first N records (--header=N) through unchanged'
complete -c relu -l invalid -x -a 'abort fail warn ignore' -d 'what to do with a field that is not a number'
complete -c relu -s z -l zero-terminated -d 'records end with NUL instead of newline'
complete -c relu -l format -x -d 'printf-style format with one floating conversion'
complete -c relu -s p -l precision -x -d 'digits after the point'
complete -c relu -s j -l jobs -x -d 'threads for costly conversions'
complete -c relu -l list -d 'list the functions, their parameters and formulas, and exit'
complete -c relu -s h -l help -d 'print a summary of the options and exit'
complete -c relu -s V -l version -d 'print the version and exit'
