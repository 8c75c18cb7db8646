#!/bin/sh
# Runs every test program and integration script; the last line counts them all.
# JIANBAO: the binary under test; BUILD: where the unit-test programs are; JOBS: how
# many run at once (default: twice the cores, as the tests often wait on the disk:
# fsync, fonts; they share no files). Each one's output is printed whole, in a fixed
# order, once all have run.
# With folders as arguments (make test-long: tests/long), only their scripts run.
: "${JIANBAO:=./jianbao}" "${BUILD:=build}"
: "${JOBS:=$(( $(nproc 2>/dev/null || echo 1) * 2 ))}"
export JIANBAO
# Builds under test keep their subset fonts in a cache of this run, not the user's.
own_cache=
if [ -z "${JIANBAO_CACHE_DIR:-}" ]; then
    JIANBAO_CACHE_DIR=$(mktemp -d /tmp/jbcache.XXXXXX)
    export JIANBAO_CACHE_DIR
    own_cache=$JIANBAO_CACHE_DIR
fi
if [ $# -eq 0 ]; then
    set -- tests/integration
    units="$BUILD/tests/test_*"
else
    units=""
fi
scripts=""
for d in "$@"; do
    for t in "$d"/*.sh; do
        case "$t" in */lib.sh) ;; *) [ -f "$t" ] && scripts="$scripts $t" ;; esac
    done
done
tests=""
for t in $units; do [ -x "$t" ] && tests="$tests $t"; done
# The scripts take longest: started first.
tests="$scripts $tests"
LOGS=$(mktemp -d /tmp/jbrun.XXXXXX)
trap 'rm -rf "$LOGS" $own_cache' EXIT
# One test: its output and status in $LOGS, under its path with / as _.
printf '%s\n' $tests | xargs -P "$JOBS" -I{} sh -c '
    t=$1; log=$2/$(printf %s "$t" | tr / _); start=$(date +%s)
    case "$t" in *.sh) sh "$t" > "$log.out" 2>&1 ;; *) "$t" > "$log.out" 2>&1 ;; esac
    echo $? > "$log.rc"; echo "$(( $(date +%s) - start )) s $t" > "$log.time"' sh {} "$LOGS"
pass=0 fail=0 failed=""
for t in $tests; do
    log=$LOGS/$(printf %s "$t" | tr / _)
    out=$(cat "$log.out" 2>/dev/null); rc=$(cat "$log.rc" 2>/dev/null || echo 1)
    printf '%s\n' "$out"
    case "$t" in
        *.sh)
            p=$(printf '%s\n' "$out" | grep -c '^ok ')
            f=$(printf '%s\n' "$out" | grep -c '^not ok ') ;;
        *)
            p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p')
            f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p') ;;
    esac
    pass=$((pass + ${p:-0})); fail=$((fail + ${f:-0}))
    if [ "$rc" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then fail=$((fail + 1)); fi
    [ "$rc" -ne 0 ] && failed="$failed $(basename "$t")"
done
# Where the time went (information, never a test): the five slowest.
echo "slowest: $(cat "$LOGS"/*.time 2>/dev/null | sort -rn | head -5 | tr '\n' ',' | sed 's/,$//; s/,/, /g')"
[ -n "$failed" ] && echo "failing:$failed"
echo "tests: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
