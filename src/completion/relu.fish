# fish completion for relu(1)
# relu reads no files: offer none, for numbers or for option values.
complete -c relu -f
complete -c relu -s l -l leaky -d 'leaky ReLU: x for x > 0, alpha*x otherwise'
complete -c relu -s a -l alpha -x -d 'slope below zero (default 0.01); implies --leaky'
complete -c relu -s g -l grad -d 'print the derivative instead of the value'
complete -c relu -l derivative -d 'print the derivative instead of the value'
complete -c relu -s f -l fields -x -d 'convert only these fields (cut syntax)'
complete -c relu -s d -l delimiter -x -d 'fields are separated by this character'
complete -c relu -l header -d 'pass the first N records (--header=N) through unchanged'
complete -c relu -l invalid -x -a 'abort fail warn ignore' -d 'what to do with a field that is not a number'
complete -c relu -s z -l zero-terminated -d 'records end with NUL instead of newline'
complete -c relu -l format -x -d 'printf-style format with one floating conversion'
complete -c relu -s p -l precision -x -d 'digits after the point'
complete -c relu -s h -l help -d 'print a summary of the options and exit'
complete -c relu -s V -l version -d 'print the version and exit'
