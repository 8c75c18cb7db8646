#!/bin/sh
# Issue 13 (the command line and output findings 1, 2, 3, 4, 6, 14, 15, 16, 17) through
# the CLI, on inputs made here: each case has its exact error (or safe result) and exit
# status, leaves no temporary file, and leaves every file as it was — the previous PDF
# above all. Nothing may block: every run has a timeout.
. tests/integration/lib.sh
BIN=$(cd "$(dirname "$JIANBAO")" && pwd)/$(basename "$JIANBAO")
SRC=$(pwd)
cd "$TMP"

mkdir -p iss/figures styles
cat > iss/issue.md <<'EOF'
---
association: 珠海市服务贸易和外包行业协会
title: 简报
number: 珠外协编【2019年3月报】
issue: 总第29期
month: 2019-03
---

# 企业动态

## 金邦达荣获认证证书

近日，金邦达成功通过国家知识产权管理专业机构评审。
EOF
cp "$SRC/styles/zasto.ini" styles/
"$BIN" build iss -o good.pdf >/dev/null 2>&1 || not_ok "the small issue builds"

# snapshot: every file here, regular files by content, others by kind and target.
snapshot() {
    find . -path ./run.txt -prune -o -path ./snap.txt -prune -o -path ./snap2.txt -prune \
        -o -type f -exec md5sum {} + -o ! -type d -printf '%y %p %l\n' | sort
}
temps() {
    find . -name '.*.jianbao-tmp-*' -o -name '*.pdf.tmp??????' | head -3
}
# expect DESCRIPTION STATUS 'first error line' COMMAND...: the command fails with that
# status and first error, nothing changes, no temporary is left.
expect() {
    d=$1 want_rc=$2 want=$3; shift 3
    cp good.pdf out.pdf
    snapshot > snap.txt
    timeout 60 "$@" > run.txt 2>&1
    rc=$?
    snapshot > snap2.txt
    got=$(grep -m1 'error: ' run.txt)
    if [ $rc -eq "$want_rc" ] && [ "$got" = "$want" ] && cmp -s snap.txt snap2.txt && [ -z "$(temps)" ]; then
        ok "$d"
    else
        not_ok "$d (exit $rc)"
        echo "    # want: $want"
        echo "    # got:  $got"
        diff snap.txt snap2.txt | head -5 | sed 's/^/    # /'
        [ -n "$(temps)" ] && echo "    # temporaries left: $(temps)"
    fi
}

# 1. A full disk never replaces the good PDF (and says so in words).
if mkdir -p disk && mount -t tmpfs -o size=2m tmpfs disk 2>/dev/null; then
    cp good.pdf disk/out.pdf
    dd if=/dev/zero of=disk/fill bs=4k 2>/dev/null
    sed 's/近日/最近/' iss/issue.md > iss2.md && mkdir -p iss2 && mv iss2.md iss2/issue.md
    cp disk/out.pdf before.pdf
    timeout 60 "$BIN" build iss2 -o disk/out.pdf > run.txt 2>&1
    rc=$?
    check "1. full disk: exit 1" test $rc -eq 1
    check "1. full disk: 'the disk is full', no libharu code" grep -qx 'jianbao: error: cannot write disk/out.pdf: the disk is full; the previous file is unchanged' run.txt
    check "1. full disk: the previous PDF is unchanged" cmp -s before.pdf disk/out.pdf
    check "1. full disk: no temporary left" test -z "$(ls -A disk | grep -v '^fill$' | grep -v '^out.pdf$')"
    rm -f disk/fill
    timeout 60 "$BIN" build iss2 -o disk/out.pdf > run.txt 2>&1
    check "1. room again: the build replaces the PDF" sh -c '! cmp -s before.pdf disk/out.pdf && pdftotext disk/out.pdf - | grep -q 最近'
    umount disk
    rm -rf iss2 before.pdf
else
    ok "1. full disk # SKIP cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN)"
fi

# 2. The source (or any input) is never the output.
expect "2. -o the issue's source: refused" 1 \
    "jianbao: error: the output iss/issue.md is the issue's source; the PDF would replace it: give another path (e.g. out/NAME.pdf)" \
    "$BIN" build iss -o iss/issue.md
expect "2. -o a file of the issue folder that is not a PDF: refused" 1 \
    "jianbao: error: the output iss/notes.txt is in the issue folder iss and is not a .pdf; the PDF would replace it: give a name ending in .pdf or write it elsewhere (e.g. out/NAME.pdf)" \
    sh -c "echo notes > iss/notes.txt; '$BIN' build iss -o iss/notes.txt; rc=\$?; rm -f iss/notes.txt; exit \$rc"
expect "2. -o the style sheet read: refused" 1 \
    "jianbao: error: the output styles/zasto.ini is a file this build reads (styles/zasto.ini); the PDF would replace it: give another path (e.g. out/NAME.pdf)" \
    "$BIN" build iss --style styles/zasto.ini -o styles/zasto.ini

# 3. Not a regular file: a device, a FIFO, a symbolic link.
expect "3. -o /dev/null: refused (it stays a device)" 1 \
    "jianbao: error: the output /dev/null is a device; jianbao writes a PDF only as a regular file and never replaces anything else: give another path" \
    "$BIN" build iss -o /dev/null
check "3. /dev/null is still a character device" test -c /dev/null
mkfifo pipe.pdf
expect "3. -o a FIFO: refused, no wait for a reader" 1 \
    "jianbao: error: the output pipe.pdf is a FIFO; jianbao writes a PDF only as a regular file and never replaces anything else: give another path" \
    "$BIN" build iss -o pipe.pdf
ln -s out.pdf link.pdf
expect "3. -o a symbolic link: refused, the link and its target kept" 1 \
    "jianbao: error: the output link.pdf is a symbolic link; jianbao writes a PDF only as a regular file and never replaces anything else: give another path" \
    "$BIN" build iss -o link.pdf
rm -f pipe.pdf link.pdf

# 4. Two issues of one name in a batch: neither PDF is lost, both fail.
mkdir -p a b && cp -r iss a/2019-05 && cp -r iss b/2019-05 && sed -i 's/近日/昨日/' b/2019-05/issue.md
sed -i 's/month: 2019-03/month: 2019-05/' a/2019-05/issue.md b/2019-05/issue.md
expect "4. a/2019-05 b/2019-05 in one batch: both fail" 1 "" "$BIN" build a/2019-05 b/2019-05
check "4. ... each says why" sh -c "grep -c 'would both be written to out/2019-05.pdf; build them one at a time with -o' run.txt | grep -qx 2"
check "4. ... and no PDF was written" test ! -e out/2019-05.pdf
rm -rf a b out

# 6. Temporaries: one left by a killed run is removed by the next; one a live run
# holds is not; a killed run leaves the previous PDF whole.
cp good.pdf out.pdf
: > .out.pdf.jianbao-tmp-AbC123
: > out.pdf.tmpXyZ789
: > .out.pdf.jianbao-tmp-live12
flock .out.pdf.jianbao-tmp-live12 sleep 30 &
holder=$!
sleep 1
timeout 60 "$BIN" build iss -o out.pdf > run.txt 2>&1
check "6. stale temporaries of ours (both forms) are removed" test ! -e .out.pdf.jianbao-tmp-AbC123 -a ! -e out.pdf.tmpXyZ789
check "6. a temporary a live run holds is kept" test -e .out.pdf.jianbao-tmp-live12
kill $holder 2>/dev/null; wait $holder 2>/dev/null
rm -f .out.pdf.jianbao-tmp-live12
cp good.pdf out.pdf
whole=1
for delay in 0.1 0.4 0.8 1.2; do
    "$BIN" build iss -o out.pdf >/dev/null 2>&1 &
    p=$!
    sleep $delay
    kill -9 $p 2>/dev/null; wait $p 2>/dev/null
    qpdf --check out.pdf >/dev/null 2>&1 || whole=0
done
check "6. kill -9 at any moment: the PDF is always a whole PDF" test $whole -eq 1
timeout 60 "$BIN" build iss -o out.pdf >/dev/null 2>&1
check "6. ... and the next run leaves no temporary" test -z "$(temps)"

# 14. FIFOs and devices as inputs never block and are never read.
mkfifo fifo
mkdir -p fiss && mkfifo fiss/issue.md
expect "14. a FIFO as issue.md" 1 "fiss/issue.md: error: cannot read the issue: not a regular file" \
    "$BIN" build fiss -o out.pdf
expect "14. a FIFO as the style" 1 "fifo: error: cannot read the style sheet: not a regular file" \
    "$BIN" build iss --style fifo -o out.pdf
expect "14. /dev/zero as the style (never read)" 1 "/dev/zero: error: cannot read the style sheet: not a regular file" \
    "$BIN" build iss --style /dev/zero -o out.pdf
mkdir -p pstyles && cp styles/zasto.ini pstyles/p.ini && mkfifo pstyles/p.icc
sed -i 's/^profile =.*/profile = .\/p.icc/' pstyles/p.ini
expect "14. a FIFO as the output profile" 1 "pstyles/p.ini: error: the output profile ./p.icc is not a regular file (a FIFO, a device or a folder); name the .icc file itself" \
    "$BIN" build iss --press --style pstyles/p.ini -o out.pdf
ln -s /dev/zero iss/figures/zero.png
printf '\n![图](figures/zero.png)\n' >> iss/issue.md
expect "14. /dev/zero as a figure (through a link, allowed out): never read" 1 \
    "iss/issue.md:15:6: error: image figures/zero.png cannot be read: not a regular file" \
    "$BIN" build iss --allow-outside -o out.pdf
sed -i '$d' iss/issue.md; sed -i '$d' iss/issue.md
rm -f iss/figures/zero.png
timeout 60 "$BIN" build iss fiss > run.txt 2>&1
check "14. a batch with a FIFO as issue.md does not wait, and fails" test $? -eq 1
check "14. ... the batch says what it is" grep -qx 'failed    fiss: its issue.md is not a regular file (a FIFO, device or folder)' run.txt
rm -rf fiss fifo pstyles out

# 15. The incremental batch sees every figure the issue references.
mkdir -p inc && cp -r iss inc/2019-03 && cp -r iss inc/2019-04 && mkdir -p inc/2019-03/figures/sub
sed -i 's/^month: 2019-03/month: 2019-04/; s/^issue: 总第29期/issue: 总第30期/' inc/2019-04/issue.md
convert -size 1200x800 xc:gray60 inc/2019-03/figures/sub/a.png
convert -size 1200x800 xc:gray60 inc/2019-03/b.png
printf '\n![图 甲](figures/sub/a.png)\n\n![图 乙](b.png)\n' >> inc/2019-03/issue.md
timeout 120 "$BIN" build inc/* > run.txt 2>&1
timeout 120 "$BIN" build inc/* > run.txt 2>&1
check "15. unchanged: skipped" grep -qx 'jianbao: 0 built, 2 skipped (unchanged), 0 failed' run.txt
convert -size 1200x800 xc:gray20 inc/2019-03/figures/sub/a.png
timeout 120 "$BIN" build inc/* > run.txt 2>&1
check "15. a figure in a subfolder changed: rebuilt" grep -qx 'jianbao: 1 built, 1 skipped (unchanged), 0 failed' run.txt
convert -size 1200x800 xc:gray20 inc/2019-03/b.png
timeout 120 "$BIN" build inc/* > run.txt 2>&1
check "15. a figure outside figures/ changed: rebuilt" grep -qx 'jianbao: 1 built, 1 skipped (unchanged), 0 failed' run.txt
rm -rf inc out

# 16. Clear messages.
mkdir -p kw && cp iss/issue.md kw/ && python3 -c "print('keywords: ' + '关键词，' * 20000)" > kw/line
sed -i '/^month:/r kw/line' kw/issue.md && rm kw/line
timeout 120 "$BIN" build kw -o kw.pdf > run.txt 2>&1
rc=$?
check "16. 80 KB of keywords: built, with a warning instead of a libharu error" sh -c "test $rc -eq 0 && grep -q 'warning: the keywords are 240000 bytes; the PDF keeps the first 8000' run.txt && ! grep -q libharu run.txt"
rm -rf kw kw.pdf
printf '[body]\nsize = 0.000000001pt\n' > tiny.ini
expect "16. a body size of 1e-9 pt: a number that makes sense" 1 \
    "tiny.ini: error: the body text is 1e-09 pt on a 1.47e-09 pt line; both must be at least 1 pt: set [body] size (e.g. 五号) and leading (e.g. 1.7)" \
    "$BIN" build iss --style tiny.ini -o out.pdf
printf '[page]\nheight = 6000mm\n' > tall.ini
expect "16. a page 6 m tall: said in words" 1 \
    "tall.ini: error: the page is 210 × 6000 mm; a PDF page is at most 5080 mm (200 in) on a side: set a smaller [page] size" \
    "$BIN" build iss --style tall.ini -o out.pdf
rm -f tiny.ini tall.ini
timeout 120 "$BIN" build iss is > run.txt 2>&1
check "16. a misspelt folder in a batch: exit 1" test $? -eq 1
check "16. ... named, with the folder meant" grep -qx 'failed    is: no such issue folder; did you mean iss?' run.txt
rm -rf out

# 17. Figures and styles only from inside the issue folder and the styles folder,
# unless --allow-outside.
convert -size 1200x800 xc:gray60 outside.png
cp outside.png iss/figures/in.png
ln -s ../../outside.png iss/figures/link.png
for ref in ../outside.png "$TMP/outside.png" figures/link.png; do
    printf '\n![图](%s)\n' "$ref" >> iss/issue.md
    expect "17. figure $ref: outside the issue folder, refused" 1 \
        "iss/issue.md:15:6: error: image $ref is outside the issue folder iss (figures are read only from inside it, symbolic links followed); copy it into iss/figures/, or build with --allow-outside" \
        "$BIN" build iss -o out.pdf
    timeout 120 "$BIN" build iss --allow-outside -o out.pdf > run.txt 2>&1
    check "17. figure $ref: read with --allow-outside" test $? -eq 0
    sed -i '$d' iss/issue.md; sed -i '$d' iss/issue.md
done
printf '\n![图](figures/in.png)\n' >> iss/issue.md
timeout 120 "$BIN" build iss -o out.pdf > run.txt 2>&1
check "17. a figure inside: read" test $? -eq 0
sed -i '$d' iss/issue.md; sed -i '$d' iss/issue.md
mkdir -p st/issues/2019-03 st/styles && cp iss/issue.md st/issues/2019-03/ && cp styles/zasto.ini secret.ini
ln -s ../../secret.ini st/styles/zasto.ini
expect "17. a style by name that links out of its folder: refused" 1 \
    "st/issues/2019-03/../../styles/zasto.ini: error: this style sheet is a link to a file outside its styles folder; styles are read only from there: copy the file in, pass --style FILE, or build with --allow-outside" \
    "$BIN" build st/issues/2019-03 -o out.pdf
sed -i 's/^month: 2019-03/month: 2019-03\nstyle: ..\/secret/' st/issues/2019-03/issue.md
# (line 7, column 8)
expect "17. a style name that is a path: refused" 1 \
    "st/issues/2019-03/issue.md:7:8: error: style '../secret' is a name, not a path: put the file in styles/ as styles/<name>.ini and give its name, or pass --style FILE" \
    "$BIN" build st/issues/2019-03 -o out.pdf
rm -rf st secret.ini
exit $status
