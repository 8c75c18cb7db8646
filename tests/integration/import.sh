#!/bin/sh
# jianbao import on the seed: the source it writes reads back and builds.
. tests/integration/lib.sh
"$JIANBAO" import tests/data/zasto-2019-03.txt -o "$TMP/issues/2019-03" 2> "$TMP/import.err"
check "import exits 0" test $? -eq 0
check "it reports the places it was unsure of as file:line" grep -q '^tests/data/zasto-2019-03.txt:[0-9]*:[0-9]*: warning: ' "$TMP/import.err"
check "it wrote issue.md with front matter" sh -c "head -1 '$TMP/issues/2019-03/issue.md' | grep -q '^---$' && grep -q '^issue: 总第29期$' '$TMP/issues/2019-03/issue.md'"
check "4 sections and 25 articles" sh -c "test \$(grep -c '^# ' '$TMP/issues/2019-03/issue.md') -eq 4 && test \$(grep -c '^## ' '$TMP/issues/2019-03/issue.md') -eq 25"
check "no running footer left" sh -c "! grep -q 'zasto.org.cn>' '$TMP/issues/2019-03/issue.md'"
check "the imported source builds" "$JIANBAO" build "$TMP/issues/2019-03" --style styles/zasto.ini -o "$TMP/imported.pdf"
"$JIANBAO" import "$TMP/nowhere.txt" -o "$TMP/x" 2> "$TMP/e"
check "a missing input: exit 1 with the file named" sh -c "test $? -eq 1 && grep -q nowhere.txt '$TMP/e'"
exit $status
