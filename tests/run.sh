#!/bin/sh
# Runs every test program and integration script; the last line counts them all.
# JIANBAO: the binary under test; BUILD: where the unit-test programs are.
# With folders as arguments (make test-long: tests/long), only their scripts run.
: "${JIANBAO:=./jianbao}" "${BUILD:=build}"
export JIANBAO
pass=0 fail=0 failed=""
if [ $# -eq 0 ]; then
    units="$BUILD/tests/test_*"
    scripts="tests/integration/*.sh"
else
    units=""
    scripts=$(for d in "$@"; do printf '%s/*.sh ' "$d"; done)
fi
for t in $units; do
    [ -x "$t" ] || continue
    out=$("$t" 2>&1); rc=$?
    printf '%s\n' "$out"
    p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p')
    f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p')
    pass=$((pass + ${p:-0})); fail=$((fail + ${f:-0}))
    if [ $rc -ne 0 ] && [ -z "$f" ]; then fail=$((fail + 1)); fi
    [ $rc -ne 0 ] && failed="$failed $(basename "$t")"
done
for t in $scripts; do
    [ -f "$t" ] || continue
    case "$t" in */lib.sh) continue ;; esac
    out=$(sh "$t" 2>&1); rc=$?
    printf '%s\n' "$out"
    p=$(printf '%s\n' "$out" | grep -c '^ok ')
    f=$(printf '%s\n' "$out" | grep -c '^not ok ')
    pass=$((pass + p)); fail=$((fail + f))
    if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then fail=$((fail + 1)); fi
    [ $rc -ne 0 ] && failed="$failed $(basename "$t")"
done
[ -n "$failed" ] && echo "failing:$failed"
echo "tests: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
