#!/bin/sh
# Running heads and feet: a template is expanded once, so a front-matter value that
# holds braces is printed as it is ("www.{issue}.cn" was printed "www.总第29期.cn").
. tests/integration/lib.sh

mkdir -p "$TMP/issue"
sed 's|^website: .*|website: www.{issue}.cn|' issues/2019-03/issue.md > "$TMP/issue/issue.md"
check "builds" "$JIANBAO" build "$TMP/issue" -o "$TMP/out.pdf"
pdftotext -f 3 -l 4 "$TMP/out.pdf" "$TMP/p.txt"
check "the footer prints the website as written" grep -q 'www\.{issue}\.cn' "$TMP/p.txt"
check "no value is expanded twice" sh -c "! tr -d ' ' < '$TMP/p.txt' | grep -q 'www\.总第29期'"
exit $status
