#!/bin/sh
# jianbao import on the seed: the source it writes reads back and builds.
. tests/integration/lib.sh
"$JIANBAO" import tests/data/zasto-2019-03.txt -o "$TMP/issues/2019-03" 2> "$TMP/import.err"
check "import exits 0" test $? -eq 0
md="$TMP/issues/2019-03/issue.md"
check "it lists the places to check at lines of the issue.md it wrote" grep -q "^$md:[0-9]*:1: warning: " "$TMP/import.err"
check "... and no line of the .txt" sh -c "! grep -q '^tests/data/zasto-2019-03.txt:' '$TMP/import.err'"
check "... a lost figure's line holds its caption" sh -c "l=\$(sed -n 's|^$md:\\([0-9]*\\):1: warning: lost figure: only its caption \"图1.*|\\1|p' '$TMP/import.err'); sed -n \"\${l}p\" '$md' | grep -q '^图1 2018年以来'"
check "a count of them, and of the notices it keeps back without -v" grep -qx "jianbao: wrote $TMP/issues/2019-03/issue.md: 16 places to check (listed above); 129 notices (-v lists them)" "$TMP/import.err"
check "... no notice shown" sh -c "! grep -q ': note: ' '$TMP/import.err'"
check "it wrote issue.md with front matter" sh -c "head -1 '$TMP/issues/2019-03/issue.md' | grep -q '^---$' && grep -q '^issue: 总第29期$' '$TMP/issues/2019-03/issue.md'"
check "4 sections and 25 articles" sh -c "test \$(grep -c '^# ' '$TMP/issues/2019-03/issue.md') -eq 4 && test \$(grep -c '^## ' '$TMP/issues/2019-03/issue.md') -eq 25"
check "no running footer left" sh -c "! grep -q 'zasto.org.cn>' '$TMP/issues/2019-03/issue.md'"
check "the imported source builds" "$JIANBAO" build "$TMP/issues/2019-03" --style styles/zasto.ini -o "$TMP/imported.pdf"
# Running it again keeps the issue.md (it may hold the editor's corrections) unless --force.
echo "edited" >> "$md"
cp "$md" "$TMP/edited.md"
"$JIANBAO" import tests/data/zasto-2019-03.txt -o "$TMP/issues/2019-03" 2> "$TMP/again.err"
check "again without --force: exit 1" test $? -eq 1
check "... saying why and how to go on" grep -qx "$md: error: already exists and may hold your corrections; import does not replace it: import into another folder, or add --force to replace it" "$TMP/again.err"
check "... the edited issue.md unchanged" cmp "$md" "$TMP/edited.md"
"$JIANBAO" import tests/data/zasto-2019-03.txt -o "$TMP/issues/2019-03" --force -v 2> "$TMP/force.err"
check "with --force: replaced" sh -c "test $? -eq 0 && ! grep -q '^edited' '$md'"
check "-v lists the notices at issue.md lines" sh -c "test \$(grep -c '^$md:[0-9]*:1: note: ' '$TMP/force.err') -eq 129"
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
# A masthead and nothing else: nothing to check, no list (fuzz_import found the empty
# list sorted from a null pointer; make asan runs this under UBSan).
"$JIANBAO" import tests/fuzz/corpus/import/nothing-to-check.txt -o "$TMP/bare" 2> "$TMP/bare.err"
rc=$?
check "a file with nothing to check: exit 0, none listed" sh -c "test $rc -eq 0 && grep -qx 'jianbao: wrote $TMP/bare/issue.md: 0 places to check; 0 notices' '$TMP/bare.err'"
exit $status
