#!/bin/sh
# Issue 13 (the command line and output findings 1, 2, 3, 4, 6, 14, 15, 16, 17; the
# source's limits 5, 10, 12) through the CLI, on inputs made here: each case has its
# exact error (or safe result) and exit status, leaves no temporary file, and leaves
# every file as it was — the previous PDF above all. Nothing may block: every run has
# a timeout. Findings 7, 8, 9, 11 and 13 are tested where their readers are:
# import.sh and test_import (7), test_image, images.sh and tests/bad (8, 13),
# preflight.sh with tests/preflight/hostile.py (9, 11).
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

# ---- The source: content is never lost, nothing runs away (5, 10, 12) ----
# mk NAME: the small issue with the text on stdin after its own (from line 15 on).
mk() {
    rm -rf "$1" && cp -r iss "$1" && { echo; cat; } >> "$1/issue.md"
}
# big NAME KIND COUNT: the small issue with COUNT of KIND made by python.
big() {
    rm -rf "$1" && cp -r iss "$1" && python3 - "$1/issue.md" "$2" "$3" <<'PY'
import sys
path, kind, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
text = {
    'label': lambda: '\n```chart\ntype: bar\nlabels: ' + '横' * n + ', 乙\nseries: 额 | 1, 2\n```\n',
    'cell': lambda: '\n| 甲 | 乙 |\n|---|---|\n| ' + '数' * n + ' | 2 |\n',
    'htmlcell': lambda: '\n<table><tr><td>' + '数' * n + '</td></tr></table>\n',
    'h3': lambda: ''.join('\n### 第%d节\n' % i for i in range(n)),
    'para': lambda: ''.join('\n短段%d。\n' % i for i in range(n)),
    'sect': lambda: ''.join('\n# 部分%d\n' % i for i in range(n)),
    'latin': lambda: '\n' + ' '.join(['ab'] * n) + '\n',
}[kind]()
open(path, 'a').write(text)
PY
}
# A style of a small page: one column of 4 lines, so that 2,000 pages come soon.
printf '[page]\nwidth = 60mm\nheight = 40mm\nmargin-top = 5mm\nmargin-bottom = 5mm\nmargin-inner = 5mm\nmargin-outer = 5mm\ncolumns = 1\n' > small.ini

# 5. Lists nested 13 deep lost items off the page: the reader refuses more than 6
# levels (a quotation counts 2), at the first item too deep.
python3 -c "[print('  ' * i + '- 第%d层' % (i + 1)) for i in range(13)]" | mk nest
expect "5. a list nested 13 deep: an error at the 7th level" 1 \
    "nest/issue.md:21:13: error: lists nest at most 6 deep (this one is 7): flatten it, or make the inner items paragraphs of the item above" \
    "$BIN" build nest -o out.pdf
python3 -c "[print('  ' * i + '- 第%d层' % (i + 1)) for i in range(6)]" | mk nest
timeout 60 "$BIN" build nest -o nest.pdf > run.txt 2>&1
check "5. a list nested 6 deep: built, no warning, every level printed" \
    sh -c "test $? -eq 0 && ! grep -q warning run.txt && pdftotext nest.pdf - | grep -q 第6层"
printf '> 一\n>\n> > 二\n> >\n> > - 三\n> >   - 四\n> >     - 五\n' | mk nest
expect "5. a list in two quotations, 7 levels in all: an error at the item" 1 \
    "nest/issue.md:21:9: error: lists and quotations nest at most 6 deep, a quotation counting 2 (it is set in from both sides); this one is 7: flatten it" \
    "$BIN" build nest -o out.pdf
rm -rf nest nest.pdf

# 5. A table row taller than a page was silently cut, then an error: now it is split
# between the lines of its cells over the pages, its header repeated, every line once
# and in order, nothing outside the text area (A4, margins 18 and 20 mm).
python3 -c "print('| 甲 | 乙 |\n|---|---|\n| 丙 | ' + ''.join('第%04d格。' % i for i in range(700)) + ' |')" | mk tall
timeout 60 "$BIN" build tall -o tall.pdf > run.txt 2>&1
check "5. a table row taller than a column: built, no warning" sh -c "test $? -eq 0 && ! grep -q 'warning\|error' run.txt"
check "5. ... split over $(pdfinfo tall.pdf 2>/dev/null | sed -n 's/^Pages: *//p') pages, the header repeated on each" python3 -c "
import re, subprocess, sys
pages = int(re.search(r'Pages:\s*(\d+)', subprocess.run(['pdfinfo', 'tall.pdf'], capture_output=True, text=True).stdout).group(1))
held = [p for p in range(1, pages + 1) if '格' in subprocess.run(['pdftotext', '-f', str(p), '-l', str(p), 'tall.pdf', '-'], capture_output=True, text=True).stdout]
heads = [p for p in held if '甲' in subprocess.run(['pdftotext', '-f', str(p), '-l', str(p), 'tall.pdf', '-'], capture_output=True, text=True).stdout]
sys.exit(0 if len(held) >= 2 and heads == held else 'row on pages %s, header on %s' % (held, heads))"
check "5. ... the whole row's text in order (pdftotext, in the text area, the header left out)" python3 -c "
import re, subprocess, sys
t = subprocess.run(['pdftotext', '-raw', '-x', '51', '-y', '56', '-W', '494', '-H', '730', 'tall.pdf', '-'], capture_output=True, text=True).stdout
got = [int(n) for n in re.findall(r'第(\d{4})格', re.sub(r'[\s甲乙]', '', t))]
sys.exit(0 if got == list(range(700)) else 'got %d cells, first wrong at %s' % (len(got), next((i for i, n in enumerate(got) if n != i), len(got))))"
check "5. ... nothing outside the text area" python3 -c "
import re, subprocess, sys
x = subprocess.run(['pdftotext', '-bbox', 'tall.pdf', '-'], capture_output=True, text=True).stdout
mm = 72 / 25.4
bad = [w for w in re.findall(r'<word xMin=\"([\d.]+)\" yMin=\"([\d.]+)\" xMax=\"([\d.]+)\" yMax=\"([\d.]+)\">([^<]*格[^<]*)<', x)
       if float(w[0]) < 18 * mm - 0.5 or float(w[2]) > 595.28 - 18 * mm + 0.5 or float(w[1]) < 20 * mm - 0.5 or float(w[3]) > 841.89 - 20 * mm + 0.5]
sys.exit('; '.join(str(w) for w in bad[:3]) if bad else 0)"
printf '<table>\n<tr><td>甲</td><td>乙</td></tr>\n<tr><td>丙</td><td>%s</td></tr>\n</table>\n' \
    "$(python3 -c "print('数' * 3000)")" | mk tall
timeout 60 "$BIN" build tall -o tall.pdf > run.txt 2>&1
check "5. an HTML table row taller than a column: split, all of it printed" sh -c "test $? -eq 0 &&
    test \$(pdftotext tall.pdf - | grep -o 数 | wc -l) -eq 3000"
# ... an error only when it truly cannot be set: a line of the table taller than the
# column of a small page, at the table (an HTML table's cells have no place of their
# own), naming the row.
printf '<table><tr><td>甲</td></tr></table>\n' | mk tall
printf '[table]\nsize = 50pt\nmin-size = 50pt\n' | cat small.ini - > big.ini
expect "5. a table line taller than a column: an error at the table, naming the row" 1 \
    "tall/issue.md:15:1: error: row 1 of this table cannot be split between the lines of its cells into pieces a column holds: one is 91 pt high with the caption, more than the 62 pt a column holds above the line kept under a table; give the table smaller type" \
    "$BIN" build tall --style big.ini -o out.pdf
rm -rf tall tall.pdf big.ini

# 10. An empty list item ('-' alone) is set as an item with its bullet, no fault
# (UBSan: memcpy from NULL in the flow).
printf -- '-\n- 项\n' | mk empty
timeout 60 "$BIN" build empty -o empty.pdf > run.txt 2>&1
check "10. an empty list item: built, the next item printed" \
    sh -c "test $? -eq 0 && ! grep -q 'runtime error' run.txt && pdftotext empty.pdf - | grep -q 项"
rm -rf empty empty.pdf

# 12. Sizes: front-matter values, chart labels, table cells, the source.
mk meta < /dev/null
python3 -c "print('association: ' + '协' * 201)" > line.txt
sed -i '/^association:/{r line.txt
d}' meta/issue.md
expect "12. a front-matter value of 201 characters: an error at the value" 1 \
    "meta/issue.md:2:14: error: the value of 'association' has 201 characters; at most 200 (it is a line of the cover or the running head): shorten it" \
    "$BIN" build meta -o out.pdf
mk meta < /dev/null
python3 -c "print('keywords: ' + '词' * 100001)" > line.txt
sed -i '/^month:/r line.txt' meta/issue.md
expect "12. keywords of 100,001 characters: an error at the value" 1 \
    "meta/issue.md:7:11: error: the value of 'keywords' has 100001 characters; at most 100000: shorten it" \
    "$BIN" build meta -o out.pdf
rm -rf meta line.txt
big label label 100000
expect "12. a chart label of 100,000 characters (ran past 300 s): an error at once" 1 \
    "label/issue.md:17:9: error: this chart label has 100000 characters; at most 60: shorten it (a note under the chart can say more)" \
    "$BIN" build label -o out.pdf
printf '```chart\ntype: pie\ntitle: %s\nunit: %s\nlabels: 甲, 乙\nseries: %s | 1, 2\n```\n' \
    "$(python3 -c "print('题' * 101)")" "$(python3 -c "print('元' * 21)")" \
    "$(python3 -c "print('名' * 61)")" | mk label
timeout 60 "$BIN" build label -o out.pdf > run.txt 2>&1
check "12. a chart title, unit and series name too long: an error at each" sh -c "test $? -eq 1 &&
    grep -qx 'label/issue.md:17:8: error: this chart title has 101 characters; at most 100: shorten it (a note under the chart can say more)' run.txt &&
    grep -qx 'label/issue.md:18:7: error: this chart unit has 21 characters; at most 20: shorten it (a note under the chart can say more)' run.txt &&
    grep -qx 'label/issue.md:20:9: error: this chart series name has 61 characters; at most 60: shorten it (a note under the chart can say more)' run.txt"
rm -rf label
big cell cell 1700000
expect "12. a 5 MB table cell (ran past 300 s): an error at once" 1 \
    "cell/issue.md:17:3: error: this table cell has 1700000 characters; a cell holds at most 6000 (a page of table text or more): move the text out of the table into paragraphs" \
    "$BIN" build cell -o out.pdf
big cell htmlcell 6001
expect "12. an HTML table cell of 6,001 characters: an error at the table" 1 \
    "cell/issue.md:15:1: error: table row 1: a cell has 6001 characters; a cell holds at most 6000 (a page of table text or more): move the text out of the table into paragraphs" \
    "$BIN" build cell -o out.pdf
rm -rf cell
mkdir -p huge && cp iss/issue.md huge/ && truncate -s 17M huge/issue.md
expect "12. an issue.md of 17 MB: refused before it is read" 1 \
    "huge/issue.md: error: the issue is larger than 16 MB, more text than an issue's 2000 pages hold; split it into several issues" \
    "$BIN" build huge -o out.pdf
rm -rf huge

# 12. Pages: at most 2,000, said before anything is composed when the source shows
# it (100,000 sections took 5.9 GB, then libharu failed at page 32768; 300,000 short
# paragraphs took 3.2 GB), else when the flow reaches the limit.
big sect sect 100000
expect "12. 100,000 sections: an error at the section that starts page 2001" 1 \
    "sect/issue.md:4009:3: error: this section starts page 2001 at the earliest (each section starts a page); an issue has at most 2000 pages (a 简报 has about 80): split it into several issues" \
    "$BIN" build sect -o out.pdf
rm -rf sect
big para para 300000
expect "12. 300,000 short paragraphs: an error where the text passes 2,000 pages" 1 \
    "para/issue.md:375635:1: error: the text up to here takes 2001 pages at the least (187813 paragraphs, items and headings in 187813 lines or more, 94 lines a page); an issue has at most 2000 pages (a 简报 has about 80): split it into several issues" \
    "$BIN" build para -o out.pdf
rm -rf para
big latin latin 120000
expect "12. Latin text past 2,000 small pages: the flow stops at the limit" 1 \
    "latin/issue.md:15:1: error: the text from here on goes past page 2000, the most an issue may have (a 简报 has about 80): split it into several issues" \
    "$BIN" build latin --style small.ini -o out.pdf
rm -rf latin

# 12. 100,000 ### headings ran past 300 s (flow.c keep_need walked the whole chain of
# headings after each one, recursing: quadratic); now 2.3 s, 240 MB. They take two
# lines each, over 2,000 pages: the flow names the heading it could not place.
big h3 h3 100000
expect "12. 100,000 headings: the page limit at the heading past it, within 60 s" 1 \
    "h3/issue.md:191709:5: error: the text from here on goes past page 2000, the most an issue may have (a 简报 has about 80): split it into several issues" \
    "$BIN" build h3 -o out.pdf
rm -rf h3 small.ini

# 12. 40,000 paragraphs in one section (428 pages, under the limit) failed with
# "libharu could not write the structure tree": its array of 40,000 P elements passed
# libharu's 32,767. Now they sit in 5 NonStruct groups of at most 8,191.
big many para 40000
timeout 60 "$BIN" build many -o many.pdf > run.txt 2>&1
check "12. 40,000 paragraphs in one section: built, tagged, every paragraph there" sh -c "
    test $? -eq 0 && qpdf --check many.pdf > /dev/null &&
    test \$(qpdf --qdf --object-streams=disable many.pdf - | grep -ac '/S /NonStruct') -eq 5 &&
    test \$(qpdf --qdf --object-streams=disable many.pdf - | grep -ac '/S /P\$') -ge 40000 &&
    pdftotext many.pdf - | grep -q '39999。'"
rm -rf many many.pdf
# ... and 17,000 links (184 pages): the ParentTree's /Nums held two values a page and
# two a link. Now its entries sit in leaves of 4,000 under /Kids, each with /Limits.
printf '%s\n' "$(python3 -c "print(''.join('\n见[网站](https://a.cn/%d)。\n' % i for i in range(17000)))")" | mk many
timeout 60 "$BIN" build many -o many.pdf > run.txt 2>&1
check "12. 17,000 links: built, the ParentTree in 5 leaves" sh -c "
    test $? -eq 0 && qpdf --check many.pdf > /dev/null &&
    test \$(qpdf --qdf --object-streams=disable many.pdf - | grep -ac '/Limits') -eq 5 &&
    test \$(qpdf --qdf --object-streams=disable many.pdf - | grep -ac '/Subtype /Link') -ge 17000"
rm -rf many many.pdf
exit $status
