# bash completion for relu(1)

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
        --invalid)
            COMPREPLY=($(compgen -W 'abort fail warn ignore' -- "$cur"))
            return
            ;;
        # --header is not here: its value is attached (--header=N).
        -a | --alpha | -f | --fields | -d | --delimiter | --format | \
            -p | --precision)
            return
            ;;
    esac
    $split && return

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W '-l --leaky -a --alpha -g --grad --derivative
            -f --fields -d --delimiter --header --invalid= -z
            --zero-terminated --format -p --precision -h --help -V
            --version' -- "$cur"))
        [[ ${COMPREPLY-} == *= ]] && compopt -o nospace
    fi
} &&
    complete -F _relu relu
