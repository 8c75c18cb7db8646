# bash completion for jianbao (installed by make install into
# share/bash-completion/completions/jianbao).
_jianbao()
{
    local cur prev cmd
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    cmd=${COMP_WORDS[1]}
    if [ "$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=($(compgen -W "build watch import preflight help --version --help" -- "$cur"))
        return
    fi
    case "$prev" in
        -o)
            if [ "$cmd" = import ]; then
                COMPREPLY=($(compgen -d -- "$cur"))
            else
                COMPREPLY=($(compgen -f -X '!*.pdf' -- "$cur") $(compgen -d -- "$cur"))
            fi
            return ;;
        --style)
            COMPREPLY=($(compgen -f -X '!*.ini' -- "$cur") $(compgen -d -- "$cur"))
            return ;;
        -j)
            return ;;
    esac
    case "$cmd" in
        build|watch)
            if [[ $cur == -* ]]; then
                local opts="-o --style --press --press=x1a --press=x4 --no-press --allow-outside --help"
                [ "$cmd" = build ] && opts="$opts -j --force"
                COMPREPLY=($(compgen -W "$opts" -- "$cur"))
            else
                COMPREPLY=($(compgen -d -- "$cur"))
            fi ;;
        import)
            COMPREPLY=($(compgen -W "-o --help" -- "$cur") $(compgen -f -X '!*.txt' -- "$cur") $(compgen -d -- "$cur")) ;;
        preflight)
            COMPREPLY=($(compgen -W "--help" -- "$cur") $(compgen -f -X '!*.pdf' -- "$cur") $(compgen -d -- "$cur")) ;;
        help)
            COMPREPLY=($(compgen -W "build watch import preflight" -- "$cur")) ;;
    esac
} &&
complete -o filenames -F _jianbao jianbao
