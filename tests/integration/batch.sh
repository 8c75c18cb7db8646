#!/bin/sh
# Rebuilding many issues: parallel, unchanged ones skipped (every referenced figure
# counts, wherever it lies), a failure does not stop the others, a summary with the
# failures and warnings first, warnings repeated for skipped issues, checks across
# issues (one number twice, two issues to one PDF), a misspelt folder fails.
. tests/integration/lib.sh
mkdir -p "$TMP/issues" "$TMP/styles"
cp -r issues/2019-03 "$TMP/issues/2019-03"
cp -r issues/2019-03 "$TMP/issues/2019-04"
sed -i 's/^month: 2019-03/month: 2019-04/; s/^issue: 总第29期/issue: 总第30期/' "$TMP/issues/2019-04/issue.md"
mkdir -p "$TMP/issues/2019-05" && printf -- '---\nassociation: x\n---\n' > "$TMP/issues/2019-05/issue.md"
cp styles/*.ini "$TMP/styles/"
cp -r styles/icc "$TMP/styles/" 2>/dev/null
BIN=$(cd "$(dirname "$JIANBAO")" && pwd)/$(basename "$JIANBAO")
cd "$TMP"
mkdir -p logs && export TMPDIR="$TMP/logs"
"$BIN" build issues/* > first.txt 2>&1
rc=$?
check "one failing issue: exit 1" test $rc -eq 1
check "the summary counts 2 built, 1 failed" grep -qxE 'jianbao: 2 built, 0 skipped \(unchanged\), 1 failed(; [0-9]+ with warnings)?' first.txt
check "the failure says why, with file:line" grep -q '^failed    issues/2019-05: issues/2019-05/issue.md:3:1: error: ' first.txt
check "the failures come before the count line" sh -c "test \$(grep -n '^failed ' first.txt | tail -1 | cut -d: -f1) -lt \$(grep -n '^jianbao: 2 built' first.txt | cut -d: -f1)"
check "built issues are not listed one by one" sh -c "! grep -q '^  built' first.txt"
check "both good issues have their PDF" test -s out/2019-03.pdf -a -s out/2019-04.pdf
check "no PDF for the failing issue" test ! -e out/2019-05.pdf
check "no build log is left in TMPDIR" test -z "$(ls -A logs)"
"$BIN" build issues/2019-03 issues/2019-04 > second.txt 2>&1
check "unchanged issues are skipped" grep -qxE 'jianbao: 0 built, 2 skipped \(unchanged\), 0 failed(; [0-9]+ with warnings)?' second.txt
echo "新增段落。" >> issues/2019-04/issue.md
"$BIN" build issues/2019-03 issues/2019-04 > third.txt 2>&1
check "a changed source is rebuilt, the other skipped" grep -qxE 'jianbao: 1 built, 1 skipped \(unchanged\), 0 failed(; [0-9]+ with warnings)?' third.txt
sed -i 's/^columns = 2/columns = 2 /' styles/zasto.ini
"$BIN" build issues/2019-03 issues/2019-04 > fourth.txt 2>&1
check "a changed style rebuilds everything" grep -q '2 built, 0 skipped' fourth.txt
"$BIN" build --force issues/2019-03 issues/2019-04 > fifth.txt 2>&1
check "--force rebuilds unchanged issues" grep -q '2 built, 0 skipped' fifth.txt

# Warnings: said by the build, stored with the stamp, repeated when skipped; an issue
# with warnings is counted as such. (总第29期 itself warns of its short page 5, so the
# counts allow for it.)
sed -i 's/^month: 2019-04/month: 2019-06/' issues/2019-04/issue.md
"$BIN" build issues/2019-03 issues/2019-04 > warn1.txt 2>&1
w='issues/2019-04/issue.md:7:8: warning: month 2019-06 does not match the folder 2019-04; correct the month, or rename the folder to 2019-06'
check "a month that is not the folder's name: warning" grep -qxF "$w" warn1.txt
check "an issue with warnings is counted so" sh -c "grep -qx \"jianbao: 1 built, 1 skipped (unchanged), 0 failed; \$(grep -c '^warnings  ' warn1.txt) with warnings\" warn1.txt"
check "the warnings line names the issue" grep -q '^warnings  issues/2019-04: [0-9]* (first: issues/2019-04/issue.md:7:8: warning: month' warn1.txt
"$BIN" build issues/2019-03 issues/2019-04 > warn2.txt 2>&1
check "a skipped issue repeats its warnings" grep -qxF "$w" warn2.txt
check "... and is still counted with warnings" sh -c "grep -q '^warnings  issues/2019-04: ' warn2.txt && grep -qx \"jianbao: 0 built, 2 skipped (unchanged), 0 failed; \$(grep -c '^warnings  ' warn2.txt) with warnings\" warn2.txt"
sed -i 's/^month: 2019-06/month: 2019-04/' issues/2019-04/issue.md

# Two issues numbered alike.
sed -i 's/^issue: 总第30期/issue: 总第29期/' issues/2019-04/issue.md
"$BIN" build issues/2019-03 issues/2019-04 > same.txt 2>&1
check "one number in two issues: warning at the second" grep -qxF 'issues/2019-04/issue.md:6:8: warning: 总第29期 is also the number of issues/2019-03 (issues/2019-03/issue.md:6:8); give each issue its own number' same.txt
sed -i 's/^issue: 总第29期/issue: 总第30期/' issues/2019-04/issue.md

# Every figure the issue references counts, in a subfolder or outside figures/.
mkdir -p issues/2019-04/figures/sub
convert -size 1200x800 xc:gray60 issues/2019-04/figures/sub/a.png
convert -size 1200x800 xc:gray60 issues/2019-04/b.png
printf '\n![图 甲](figures/sub/a.png)\n\n![图 乙](b.png)\n' >> issues/2019-04/issue.md
"$BIN" build issues/2019-04 issues/2019-03 > fig1.txt 2>&1
check "figures in a subfolder and beside issue.md: built" grep -q '^jianbao: 1 built' fig1.txt
convert -size 1200x800 xc:gray30 issues/2019-04/figures/sub/a.png
"$BIN" build issues/2019-04 issues/2019-03 > fig2.txt 2>&1
check "a changed figure in a subfolder rebuilds" grep -qxE 'jianbao: 1 built, 1 skipped \(unchanged\), 0 failed(; [0-9]+ with warnings)?' fig2.txt
convert -size 1200x800 xc:gray30 issues/2019-04/b.png
"$BIN" build issues/2019-04 issues/2019-03 > fig3.txt 2>&1
check "a changed figure outside figures/ rebuilds" grep -qxE 'jianbao: 1 built, 1 skipped \(unchanged\), 0 failed(; [0-9]+ with warnings)?' fig3.txt

# A misspelt folder fails the batch, with a suggestion; two issues to one PDF fail.
"$BIN" build issues/2019-03 issues/2019-4 > typo.txt 2>&1
rc=$?
check "a misspelt folder: exit 1" test $rc -eq 1
check "... says so, with the folder meant" grep -qx 'failed    issues/2019-4: no such issue folder; did you mean issues/2019-04?' typo.txt
mkdir -p other && cp -r issues/2019-03 other/2019-03
cp out/2019-03.pdf before.pdf
"$BIN" build issues/2019-03 other/2019-03 > clash.txt 2>&1
rc=$?
check "two issues to one PDF: exit 1" test $rc -eq 1
check "... both fail, saying why" sh -c "grep -c 'would both be written to out/2019-03.pdf' clash.txt | grep -qx 2"
check "... and the PDF is left as it was" cmp -s before.pdf out/2019-03.pdf
"$BIN" build issues/2019-03 issues/2019-03/ > twice.txt 2>&1
check "one issue named twice is built once" grep -qxE 'jianbao: 0 built, 1 skipped \(unchanged\), 0 failed(; [0-9]+ with warnings)?' twice.txt

# A FIFO as issue.md neither blocks the batch nor stops the others.
mkdir -p fifo && mkfifo fifo/issue.md
timeout 60 "$BIN" build issues/2019-03 fifo > fifo.txt 2>&1
rc=$?
check "a FIFO as issue.md: no hang, exit 1" test $rc -eq 1
check "... and it says what is wrong" grep -qx 'failed    fifo: its issue.md is not a regular file (a FIFO, device or folder)' fifo.txt
check "no build log is left in TMPDIR at the end" test -z "$(ls -A logs)"
exit $status
