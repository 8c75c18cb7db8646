#!/bin/sh
# jianbao import on a Word article: a .docx made here by pandoc from Markdown (Chinese
# text, a heading, bold, a table, a picture made by ImageMagick) goes --into an issue,
# which then builds; the PDF holds the picture, the table's cells and the bold text in
# the sans face.
. tests/integration/lib.sh
command -v pandoc > /dev/null || { not_ok "pandoc is installed (make deps installs it)"; exit 1; }

# The article as an editor gets it: straight quotes, -- and ... as typed in Word.
convert -size 1600x1000 xc:steelblue -fill white -draw "rectangle 200,200 1400,800" "$TMP/photo.png"
cat > "$TMP/article.md" <<'EOF'
# 珠海企业荣获"创新奖"

珠海市某公司近日荣获**年度创新奖**。公司负责人表示...将继续努力--不断创新。

## 一、获奖情况

| 项目 | 金额（万元） |
|------|------|
| 研发投入 | 120.5 |
| 市场推广 | 80.3 |

![公司新厂房](photo.png){width=12cm}

+----------+--------------------+
| 单位     | 说明               |
+==========+====================+
| 香洲区   | 第一段。           |
|          |                    |
|          | 第二段。           |
+----------+--------------------+
| 金湾区   | 一段。             |
+----------+--------------------+

他说："我们很高兴。"It's fine.
EOF
(cd "$TMP" && pandoc -f markdown-smart article.md -o 公司新闻.docx)
check "pandoc made the .docx" test -s "$TMP/公司新闻.docx"

# An issue to add it to: last month's front matter and a section.
issue="$TMP/issues/2019-04"
mkdir -p "$issue"
awk 'NR == 1 || !done { print } NR > 1 && /^---$/ { done = 1 }' issues/2019-03/issue.md > "$issue/issue.md"
printf '\n# 企业动态\n' >> "$issue/issue.md"
cp "$issue/issue.md" "$TMP/before.md"

"$JIANBAO" import "$TMP/公司新闻.docx" --into "$issue" -v 2> "$TMP/docx.err"
check "import --into exits 0" test $? -eq 0
md="$issue/issue.md"
check "the issue.md before it is kept, the article added after it" sh -c "head -n \$(wc -l < '$TMP/before.md') '$md' | cmp - '$TMP/before.md'"
check "the title is the article (##), the heading below it ###" sh -c "grep -qx '## 珠海企业荣获“创新奖”' '$md' && grep -qx '### 一、获奖情况' '$md'"
check "bold kept" grep -q '\*\*年度创新奖\*\*' "$md"
check "quotes, dash and ellipsis in the house style; English left alone" sh -c "grep -q '表示……将继续努力——不断创新。' '$md' && grep -q '他说：“我们很高兴。”It'\''s fine.' '$md'"
check "the table as a pipe table" grep -q '^| 研发投入 | 120.5' "$md"
check "a table with a cell of two paragraphs as an HTML table" sh -c "grep -q '^<table>' '$md' && grep -q '<td><p>第一段。</p>' '$md'"
check "the picture as a figure with its caption, its file in figures/" sh -c "grep -qx '!\[公司新厂房\](figures/公司新闻-[^)]*\.png)' '$md' && ls '$issue'/figures/公司新闻-*.png"
check "Word's caption paragraph below the picture not repeated" sh -c "! grep -qx '公司新厂房' '$md'"
check "pandoc's temporary files gone" sh -c "test \$(ls -A '$issue/figures' | wc -l) -eq 1"
check "the size Word gave is a notice at the figure's line" sh -c "l=\$(sed -n 's|^$md:\([0-9]*\):1: note: figure figures/.* was 12.0 cm wide in Word.*|\1|p' '$TMP/docx.err'); sed -n \"\${l}p\" '$md' | grep -q '^!\[公司新厂房\]'"

"$JIANBAO" build "$issue" --style styles/zasto.ini -o "$TMP/docx.pdf" 2> "$TMP/build.err"
check "the issue builds" test $? -eq 0
pdfimages -list "$TMP/docx.pdf" > "$TMP/images" 2>&1
check "the picture is in the PDF (1600×1000)" sh -c "awk 'NR > 2 && \$4 == 1600 && \$5 == 1000' '$TMP/images' | grep -q ."
pdftotext "$TMP/docx.pdf" "$TMP/docx.txt"
check "the table's cells are in the PDF" sh -c "grep -q 研发投入 '$TMP/docx.txt' && grep -q 120.5 '$TMP/docx.txt' && grep -q 市场推广 '$TMP/docx.txt' && grep -q 80.3 '$TMP/docx.txt'"
check "the HTML table's cells too" sh -c "grep -q 香洲区 '$TMP/docx.txt' && grep -q 第二段 '$TMP/docx.txt' && grep -q 金湾区 '$TMP/docx.txt'"
check "the caption is in the PDF" grep -q 公司新厂房 "$TMP/docx.txt"
check "pdffonts lists Noto Sans CJK SC Bold" sh -c "pdffonts '$TMP/docx.pdf' | grep -q NotoSansCJKsc-Bold"
# the bold words themselves, in body size, are set in the sans bold face
mutool draw -F stext -o "$TMP/docx.stext" "$TMP/docx.pdf" 2> /dev/null
check "the bold words are set in Noto Sans CJK SC Bold" python3 - "$TMP/docx.stext" <<'EOF'
import re, sys, html
runs = re.findall(r'<font name="([^"]*)" size="([^"]*)">(.*?)</font>', open(sys.argv[1]).read(), re.S)
bold = "".join(html.unescape("".join(re.findall(r' c="([^"]*)"', t))) for f, s, t in runs
               if f.endswith("NotoSansCJKsc-Bold") and abs(float(s) - 10.5) < 0.01)
sys.exit(0 if "年度创新奖" in bold else 1)
EOF

# Without --into: the article on standard output, the picture in ./figures.
mkdir -p "$TMP/here"
jb="$(cd "$(dirname "$JIANBAO")" && pwd)/$(basename "$JIANBAO")"
(cd "$TMP/here" && "$jb" import ../公司新闻.docx > article.md 2> err)
check "without --into: the article printed" sh -c "head -1 '$TMP/here/article.md' | grep -qx '## 珠海企业荣获“创新奖”'"
check "... its picture in figures/ here" sh -c "ls '$TMP/here'/figures/公司新闻-*.png"

# pandoc missing, or a file that is no .docx: a clear error, the issue.md untouched.
cp "$md" "$TMP/with-article.md"
PATH=/nonexistent "$JIANBAO" import "$TMP/公司新闻.docx" --into "$issue" 2> "$TMP/nopandoc.err"
check "pandoc missing: exit 1" test $? -eq 1
check "... saying how to install it" grep -qx "$TMP/公司新闻.docx: error: reading Word files needs pandoc, which is not installed; install it with: sudo apt-get install pandoc" "$TMP/nopandoc.err"
echo "not a Word file" > "$TMP/bad.docx"
"$JIANBAO" import "$TMP/bad.docx" --into "$issue" 2> "$TMP/bad.err"
check "not a .docx: exit 1 with pandoc's reason" sh -c "test $? -eq 1 && grep -q '^$TMP/bad.docx: error: pandoc could not read it as a Word file (.docx): ' '$TMP/bad.err'"
check "... and issue.md as it was" cmp "$md" "$TMP/with-article.md"
"$JIANBAO" import "$TMP/公司新闻.docx" --into "$TMP/nowhere" 2> "$TMP/noissue.err"
check "--into a folder without issue.md: exit 1, saying so" sh -c "test $? -eq 1 && grep -q 'error: no issue source here to add the article to' '$TMP/noissue.err'"
exit $status
