#!/bin/sh
# Runs every test program and integration script; the last line counts them all.
# JIANBAO: the binary under test; BUILD: where the unit-test programs are.
: "${JIANBAO:=./jianbao}" "${BUILD:=build}"
export JIANBAO
# Builds under test keep their subset fonts in a cache of this run, not the user's.
if [ -z "${JIANBAO_CACHE_DIR:-}" ]; then
    JIANBAO_CACHE_DIR=$(mktemp -d /tmp/jbcache.XXXXXX)
    export JIANBAO_CACHE_DIR
    trap 'rm -rf "$JIANBAO_CACHE_DIR"' EXIT
fi
pass=0 fail=0 failed=""
for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    out=$("$t" 2>&1); rc=$?
    printf '%s\n' "$out"
    p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p')
    f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p')
    pass=$((pass + ${p:-0})); fail=$((fail + ${f:-0}))
    if [ $rc -ne 0 ] && [ -z "$f" ]; then fail=$((fail + 1)); fi
    [ $rc -ne 0 ] && failed="$failed $(basename "$t")"
done
for t in tests/integration/*.sh; do
    [ -f "$t" ] || continue
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
