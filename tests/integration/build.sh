#!/bin/sh
# The default issue, built through the command line and read back with independent
# tools: fonts, syntax, determinism, text coverage against the seed, safe writes.
. tests/integration/lib.sh
PDF=$TMP/2019-03.pdf

check "builds issues/2019-03" "$JIANBAO" build issues/2019-03 -o "$PDF"
check "qpdf --check: no errors" sh -c "qpdf --check '$PDF' | grep -q 'No syntax or stream encoding errors'"
check "every font embedded, subset, with ToUnicode" sh -c "pdffonts '$PDF' | awk 'NR > 2 && \$0 !~ /yes yes yes/ { bad = 1 } END { exit bad }'"
check "fonts: Song, Hei, Kai (CFF and TrueType) all present" sh -c "pdffonts '$PDF' | grep -q NotoSerifCJKsc-Regular && pdffonts '$PDF' | grep -q NotoSansCJKsc-Bold && pdffonts '$PDF' | grep -q LXGWWenKai"
check "mutool renders every page without errors" sh -c "mutool draw -q -o /dev/null '$PDF' 2>&1 | grep -v 'ICC support' | grep -q . && exit 1 || exit 0"

"$JIANBAO" build issues/2019-03 -o "$TMP/again.pdf" 2>/dev/null
check "the same input gives the same bytes" cmp "$PDF" "$TMP/again.pdf"
# Looseness passes start again from a checkpoint before the change they made; from
# page 1 (JIANBAO_FLOW_FULL=1, for this check) they must lay out the same pages.
JIANBAO_FLOW_FULL=1 "$JIANBAO" build issues/2019-03 -o "$TMP/full.pdf" 2>/dev/null
check "passes restarted from a checkpoint give the layout of passes from page 1" cmp "$PDF" "$TMP/full.pdf"
"$JIANBAO" build tests/data/realtext -o "$TMP/realtext.pdf" 2>/dev/null
JIANBAO_FLOW_FULL=1 "$JIANBAO" build tests/data/realtext -o "$TMP/realtext-full.pdf" 2>/dev/null
check "the same on tests/data/realtext" cmp "$TMP/realtext.pdf" "$TMP/realtext-full.pdf"
# Running text is composed and fonts subset on helper threads: one thread or many, with the
# font cache off (every font subset here), the bytes are the same.
JIANBAO_CACHE_DIR=off JIANBAO_THREADS=1 "$JIANBAO" build issues/2019-03 -o "$TMP/t1.pdf" 2>/dev/null
JIANBAO_CACHE_DIR=off JIANBAO_THREADS=6 "$JIANBAO" build issues/2019-03 -o "$TMP/t6.pdf" 2>/dev/null
check "one thread or six: the same bytes" cmp "$TMP/t1.pdf" "$TMP/t6.pdf"
check "... and the same as a build with the font cache on" cmp "$PDF" "$TMP/t1.pdf"
SOURCE_DATE_EPOCH=1553990400 "$JIANBAO" build issues/2019-03 -o "$TMP/dated.pdf" 2>/dev/null
check "without SOURCE_DATE_EPOCH the issue's own date, never the clock" sh -c "pdfinfo -isodates '$PDF' | grep -q 'CreationDate: *2019-03-01T00:00:00'"
check "SOURCE_DATE_EPOCH dates the PDF" sh -c "pdfinfo -isodates '$TMP/dated.pdf' | grep -q 'CreationDate: *2019-03-31T00:00:00'"

# The text of every paragraph of the seed (footer lines removed) comes back in order.
pdftotext -raw -enc UTF-8 "$PDF" "$TMP/raw.txt"
python3 - "$TMP/raw.txt" tests/data/zasto-2019-03.txt "$TMP" <<'PY'
import re, sys
out = re.sub(r'\s+', '', open(sys.argv[1], encoding='utf-8').read())
seed = open(sys.argv[2], encoding='utf-8').read().split('\n')
# The old PDF's running footers are not text of the issue; Markdown marks are not text.
lines = [l for l in seed if l.strip() != '<http://www.zasto.org.cn>']
text = re.sub(r'\s+|[#*>`]|<[^>]+>|\|', '', '\n'.join(lines))
# One character a line: diff's longest common subsequence is then "matched in order".
open(sys.argv[3] + '/seed.chars', 'w', encoding='utf-8').write('\n'.join(text) + '\n')
open(sys.argv[3] + '/pdf.chars', 'w', encoding='utf-8').write('\n'.join(out) + '\n')
PY
total=$(wc -l < "$TMP/seed.chars")
missing=$(diff "$TMP/seed.chars" "$TMP/pdf.chars" | grep -c '^<')
python3 -c "print('%.3f' % (100.0 * ($total - $missing) / $total))" > "$TMP/cover.txt"
share=$(cat "$TMP/cover.txt")
if python3 -c "import sys; sys.exit(0 if float('$share') >= 99.5 else 1)"; then
    ok "seed text in order in pdftotext -raw: $share % (>= 99.5; $missing of $total characters not matched)"
else
    not_ok "seed text in order in pdftotext -raw: $share % (< 99.5)"
fi

# A failed build keeps the previous PDF and leaves no temporary file.
cp "$PDF" "$TMP/keep.pdf"
mkdir -p "$TMP/broken" && printf -- '---\ntitle: x\n---\n' > "$TMP/broken/issue.md"
"$JIANBAO" build "$TMP/broken" -o "$TMP/keep.pdf" 2>/dev/null
check "a failed build exits 1" test $? -eq 1
check "a failed build keeps the previous PDF" cmp "$PDF" "$TMP/keep.pdf"
check "no temporary file left behind" sh -c "! ls '$TMP' | grep -q tmp"
# A character no installed font has: reported at its file:line:col, drawn as a box.
mkdir -p "$TMP/ext" && awk 'NR == 1, /^---$/ && NR > 1' issues/2019-03/issue.md > "$TMP/ext/issue.md"
printf '\n# 企业动态\n\n## 测试\n\n第二行有一个生僻字𪚥在这里。\n' >> "$TMP/ext/issue.md"
line=$(grep -n '生僻字' "$TMP/ext/issue.md" | cut -d: -f1)
"$JIANBAO" build "$TMP/ext" -o "$TMP/ext.pdf" 2> "$TMP/ext.err"
check "an uncovered character still gives a PDF" test -s "$TMP/ext.pdf"
check "U+2A6A5 reported at its line and column" grep -q "$TMP/ext/issue.md:$line:10: warning: no installed font has U+2A6A5" "$TMP/ext.err"
check "its .notdef box is drawn (glyph 0 in the content)" sh -c "qpdf --qdf --object-streams=disable '$TMP/ext.pdf' - | grep -a -q '<0000>'"

# Headings with no text between them cannot all be kept together: they are set as they
# come, not one to a column.
mkdir -p "$TMP/heads" && awk 'NR == 1, /^---$/ && NR > 1' issues/2019-03/issue.md > "$TMP/heads/issue.md"
{ printf '\n# 企业动态\n\n## 标题\n\n正文。\n\n'; i=1; while [ $i -le 80 ]; do printf '### 小标题%d\n\n' $i; i=$((i + 1)); done; } >> "$TMP/heads/issue.md"
"$JIANBAO" build "$TMP/heads" -o "$TMP/heads.pdf" 2>/dev/null
check "80 headings in a row take a few pages, not 40" test "$(pdfinfo "$TMP/heads.pdf" | awk '/^Pages:/ { print $2 }')" -le 5

# A style naming a family that is not installed: one clear error, no PDF.
sed 's/^family = Noto Serif CJK SC$/family = Nonexistent Song/' styles/zasto.ini > "$TMP/nofont.ini"
"$JIANBAO" build issues/2019-03 --style "$TMP/nofont.ini" -o "$TMP/nofont.pdf" 2> "$TMP/nofont.err"
rc=$?
check "missing font family: exit 1" test $rc -eq 1
check "missing font family: names it and how to list fonts" sh -c "grep -q 'Nonexistent Song' '$TMP/nofont.err' && grep -q 'fc-list :lang=zh family' '$TMP/nofont.err'"
check "missing font family: one error, not one per paragraph" test "$(grep -c 'error:' "$TMP/nofont.err")" -eq 1
check "missing font family: no PDF" test ! -e "$TMP/nofont.pdf"
exit $status
