#!/bin/sh
# Rebuilding many issues: parallel, unchanged ones skipped, a failure does not stop the
# others, a summary with reasons.
. tests/integration/lib.sh
mkdir -p "$TMP/issues" "$TMP/styles"
cp -r issues/2019-03 "$TMP/issues/2019-03"
cp -r issues/2019-03 "$TMP/issues/2019-04"
sed -i 's/^month: 2019-03/month: 2019-04/' "$TMP/issues/2019-04/issue.md"
mkdir -p "$TMP/issues/2019-05" && printf -- '---\nassociation: x\n---\n' > "$TMP/issues/2019-05/issue.md"
cp styles/*.ini "$TMP/styles/"
cp -r styles/icc "$TMP/styles/" 2>/dev/null
BIN=$(cd "$(dirname "$JIANBAO")" && pwd)/$(basename "$JIANBAO")
cd "$TMP"
"$BIN" build issues/* > first.txt 2>&1
rc=$?
check "one failing issue: exit 1" test $rc -eq 1
check "the summary counts 2 built, 1 failed" grep -q '2 built, 0 skipped (unchanged), 1 failed' first.txt
check "the failure says why, with file:line" grep -q 'failed   issues/2019-05: issues/2019-05/issue.md:3:1: error: ' first.txt
check "both good issues have their PDF" test -s out/2019-03.pdf -a -s out/2019-04.pdf
check "no PDF for the failing issue" test ! -e out/2019-05.pdf
"$BIN" build issues/2019-03 issues/2019-04 > second.txt 2>&1
check "unchanged issues are skipped" grep -q '0 built, 2 skipped (unchanged), 0 failed' second.txt
echo "新增段落。" >> issues/2019-04/issue.md
"$BIN" build issues/2019-03 issues/2019-04 > third.txt 2>&1
check "a changed source is rebuilt, the other skipped" grep -q '1 built, 1 skipped (unchanged), 0 failed' third.txt
sed -i 's/^columns = 2/columns = 2 /' styles/zasto.ini
"$BIN" build issues/2019-03 issues/2019-04 > fourth.txt 2>&1
check "a changed style rebuilds everything" grep -q '2 built, 0 skipped' fourth.txt
"$BIN" build --force issues/2019-03 issues/2019-04 > fifth.txt 2>&1
check "--force rebuilds unchanged issues" grep -q '2 built, 0 skipped' fifth.txt
exit $status
