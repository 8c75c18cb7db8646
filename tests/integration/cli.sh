#!/bin/sh
# The command line: help, usage errors, exit codes.
. tests/integration/lib.sh

check "jianbao --help names every command" sh -c "$JIANBAO --help | grep -q 'build ISSUE_DIR' && $JIANBAO --help | grep -q import && $JIANBAO --help | grep -q preflight"
for c in build import preflight; do
    check "jianbao $c --help explains usage" sh -c "$JIANBAO $c --help | grep -q '^usage: jianbao $c'"
done
check "no command: exit 2 with usage" sh -c "$JIANBAO >/dev/null 2>&1; test \$? -eq 2"
check "unknown command: exit 2" sh -c "$JIANBAO frobnicate >/dev/null 2>&1; test \$? -eq 2"
check "unknown option: exit 2 and names it" sh -c "$JIANBAO build --frob x 2>&1 | grep -q -- '--frob'; $JIANBAO build --frob x >/dev/null 2>&1; test \$? -eq 2"
check "missing issue directory: exit 1, says what" sh -c "$JIANBAO build $TMP/nowhere 2>$TMP/e; test \$? -eq 1 && grep -q 'nowhere' $TMP/e"
exit $status
