# bash completion for relu(1)

_relu()
{
    local cur prev words cword split
    _init_completion -s || return

    case $prev in
        --invalid)
            COMPREPLY=($(compgen -W 'abort fail warn ignore' -- "$cur"))
            return
            ;;
        -a | --alpha | -f | --fields | -d | --delimiter | --format | \
            -p | --precision | --header)
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
