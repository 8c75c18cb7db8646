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
# Old files in GB 18030 (GBK) or UTF-16: converted, with a note; the same issue.md as from UTF-8.
for enc in GB18030 UTF-16LE; do
    iconv -f UTF-8 -t $enc tests/data/zasto-2019-03.txt > "$TMP/seed.$enc.txt"
    "$JIANBAO" import "$TMP/seed.$enc.txt" -o "$TMP/$enc" 2> "$TMP/$enc.err"
    check "$enc input: exit 0" test $? -eq 0
    check "$enc input: a note names the encoding" grep -qx "$TMP/seed.$enc.txt: note: converted from $enc" "$TMP/$enc.err"
    check "$enc input: the same issue.md as from UTF-8" cmp "$TMP/$enc/issue.md" "$TMP/issues/2019-03/issue.md"
done
head -c 4096 /dev/urandom > "$TMP/junk.txt"
"$JIANBAO" import "$TMP/junk.txt" -o "$TMP/junk" 2> "$TMP/junk.err"
check "bytes in no encoding it can tell: exit 1" test $? -eq 1
check "... with the place and how to convert the file" grep -q "^$TMP/junk.txt:[0-9]*:[0-9]*: error: not UTF-8 (byte 0x..), nor GB 18030/GBK or UTF-16: cannot tell the encoding; convert the file to UTF-8 first: iconv -f ENCODING" "$TMP/junk.err"
check "... and nothing written" test ! -e "$TMP/junk/issue.md"
exit $status
