# bash completion for perfgate: commands, then each command's options, read from the
# binary's own --help so they never drift; files for everything else.
_perfgate() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
  if [[ $COMP_CWORD -eq 1 ]]; then
    local commands
    commands=$(perfgate --help 2>/dev/null | sed -n 's/^  \([a-z]\+\)  .*/\1/p')
    mapfile -t COMPREPLY < <(compgen -W "$commands --help --version" -- "$cur")
    return
  fi
  case $prev in
    --format|--baseline-format|--candidate-format)
      mapfile -t COMPREPLY < <(compgen -W "auto ndjson jsonl csv json otlp k6 k6-summary sentry-events" -- "$cur"); return ;;
    --on-bad-row) mapfile -t COMPREPLY < <(compgen -W "fail skip" -- "$cur"); return ;;
    --duration-unit) mapfile -t COMPREPLY < <(compgen -W "s ms us ns" -- "$cur"); return ;;
    --mode) mapfile -t COMPREPLY < <(compgen -W "raw aggregate histogram" -- "$cur"); return ;;
    --dataset) mapfile -t COMPREPLY < <(compgen -W "transactions spans" -- "$cur"); return ;;
  esac
  if [[ $cur == -* ]]; then
    local options
    options=$(perfgate "${COMP_WORDS[1]}" --help 2>/dev/null | grep -o -- '--[a-z][a-z-]*' | sort -u)
    mapfile -t COMPREPLY < <(compgen -W "$options" -- "$cur")
    return
  fi
  mapfile -t COMPREPLY < <(compgen -f -- "$cur")
}
complete -o filenames -F _perfgate perfgate
