# bash completion for relu(1)

# Print the names of relu's functions and their aliases, one a line, as
# "$1 --list" gives them: "leaky_relu, leaky  --alpha=0.01  x if ...".
_relu_functions()
{
    "$1" --list 2>/dev/null |
        awk '{ alias = sub(/,$/, "", $1); print $1; if (alias) print $2 }'
}

_relu()
{
    local cur prev words cword split
    _init_completion -s || return

    # After "--" every word is a number.
    local i
    for ((i = 1; i < cword; i++)); do
        [[ ${words[i]} == -- ]] && return
    done

    case $prev in
        -F | --function)
            COMPREPLY=($(compgen -W "$(_relu_functions "${words[0]}")" \
                -- "$cur"))
            return
            ;;
        --approximate)
            COMPREPLY=($(compgen -W 'none tanh' -- "$cur"))
            return
            ;;
        --invalid)
            COMPREPLY=($(compgen -W 'abort fail warn ignore' -- "$cur"))
            return
            ;;
        --dtype)
            COMPREPLY=($(compgen -W 'float64 float32 bfloat16 float16 double
                float half' -- "$cur"))
            return
            ;;
        # --header is not here: its value is attached (--header=N).
        -a | --alpha | --min-val | --max-val | --beta | --threshold | \
            --value | --lambd | --lower | --upper | --weight | \
            -f | --fields | -d | --delimiter | --format | -p | --precision | \
            -j | --jobs)
            return
            ;;
    esac
    $split && return

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W '-F --function -l --leaky -a --alpha
            --min-val --max-val --beta --threshold --value --lambd --lower
            --upper --weight
            --approximate -g --grad
            --derivative --dtype -f --fields -d --delimiter --csv --header --drop-header --invalid= -z
            --zero-terminated --format -p --precision -j --jobs --list -h
            --help -V --version' -- "$cur"))
        [[ ${COMPREPLY-} == *= ]] && compopt -o nospace
    fi
} &&
    complete -F _relu relu
