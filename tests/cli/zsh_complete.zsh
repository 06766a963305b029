# usage: zsh capture.zsh FPATH_DIR "command line to complete"
# Prints the candidates zsh offers, one per line: an interactive zsh in a
# pseudo-terminal completes the line with compadd wrapped to print them.
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "fpath=($1 \$fpath); PROMPT=; autoload -U compinit; compinit -u -D"
zpty -w z 'bindkey "^I" complete-word; zstyle ":completion:*" insert-tab false'
zpty -w z 'compadd() { if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return; fi; typeset -a hits; builtin compadd -A hits "$@"; local h; for h in $hits; do print -r -- $'"'"'\x01'"'"'$h$'"'"'\x02'"'"'; done; }'
zpty -w z 'comppostfuncs=(exit)'
zpty -w -n z "$2"$'\t'
local out line
while zpty -r z line; do out+=$line; done
print -r -- "$out" | grep -ao $'\x01[^\x02]*\x02' | tr -d '\001\002'
