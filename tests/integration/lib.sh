# Shared by the integration scripts: TAP-style result lines that tests/run.sh counts.
: "${JIANBAO:=./jianbao}"
TMP=$(mktemp -d /tmp/jbint.XXXXXX)
trap '[ -n "$JB_KEEP" ] || rm -rf "$TMP"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $*"; status=1; }
status=0
# check DESCRIPTION COMMAND...: ok when the command succeeds.
check() {
    d=$1; shift
    if "$@" >"$TMP/check.out" 2>&1; then ok "$d"; else not_ok "$d"; sed 's/^/    # /' "$TMP/check.out" | head -20; fi
}
