#!/bin/sh
# Tagged, accessible output (issue 16), read back with poppler (pdfinfo -struct-text,
# -meta) and qpdf --json through tests/tools/tagcheck.py: the structure tree in source
# order, artifacts, tables with spans and scopes, figures with Alt, links with their
# annotations, language, XMP and viewer preferences; press output tagged (X-4) or not
# (X-1a) and without link annotations.
. tests/integration/lib.sh
TC="python3 tests/tools/tagcheck.py"
PDF=$TMP/2019-03.pdf
"$JIANBAO" build issues/2019-03 -o "$PDF" 2>/dev/null

# ---- the default issue ----
check "pdfinfo: Tagged: yes" sh -c "pdfinfo '$PDF' | grep -q '^Tagged: *yes'"
$TC tree "$PDF" > "$TMP/tree.txt" 2>&1
check "structure tree, ParentTree, MCIDs and annotations consistent (qpdf)" grep -q '^tree: 0 problems' "$TMP/tree.txt"
sed 's/^/    # /' "$TMP/tree.txt" | grep -v '^    # problem' | head -4
$TC coverage "$PDF" issues/2019-03/issue.md > "$TMP/cov.txt"
share=$(sed -n 's/^coverage: \([0-9.]*\) %.*/\1/p' "$TMP/cov.txt")
if python3 -c "import sys; sys.exit(0 if float('${share:-0}') >= 99.5 else 1)"; then
    ok "struct text covers the source: $(cat "$TMP/cov.txt") (>= 99.5)"
else
    not_ok "struct text covers the source: $(cat "$TMP/cov.txt") (< 99.5)"
fi
check "struct text: sections and articles in source order" $TC order "$PDF" issues/2019-03/issue.md
check "paragraphs continued on the next page are one element ($(sed -n 's/^elements on more than one page: //p' "$TMP/tree.txt") such)" sh -c "
    test \$(sed -n 's/^elements on more than one page: //p' '$TMP/tree.txt') -gt 10"
# A chart that does not fit at the foot of its column waits for the next one while the
# paragraph after it fills this one: the page shows them out of source order, the
# structure tree does not.
mkdir -p "$TMP/float"
{ awk 'NR == 1, /^---$/ && NR > 1' issues/2019-03/issue.md
  printf '\n# 协会动态\n\n## 浮动\n\n'
  i=0; while [ $i -lt 192 ]; do printf '填满栏目的正文文字，'; i=$((i + 1)); done
  printf '。\n\n```chart\ntype: bar\ntitle: 浮动的图表\nunit: 个\nlabels: 甲, 乙, 丙, 丁\nseries: 数量 | 1, 2, 3, 4\n```\n\n浮动图后的段落：'
  i=0; while [ $i -lt 60 ]; do printf '后文'; i=$((i + 1)); done; printf '。\n'
} > "$TMP/float/issue.md"
"$JIANBAO" build "$TMP/float" -o "$TMP/float.pdf" 2>/dev/null
pdftotext -raw "$TMP/float.pdf" - | tr -d ' \n' > "$TMP/float.raw"
$TC text "$TMP/float.pdf" > "$TMP/float.st"
check "a floated chart: after the next paragraph on the page, before it in the tree" python3 -c "
raw, st = open('$TMP/float.raw').read(), open('$TMP/float.st').read()
p, f = '浮动图后的段落', '图1'
assert 0 <= raw.find(p) < raw.find(f), 'the chart did not float'
assert 0 <= st.find(f) < st.find(p), 'the tree follows the page, not the source'"
# Every article: an Art whose first child is its title as H2, in source order.
grep '^## ' issues/2019-03/issue.md | sed 's/^## /H2 /' | $TC fold > "$TMP/arts.want"
$TC arts "$PDF" | $TC fold > "$TMP/arts.got"
check "every article title is an H2 opening its Art ($(wc -l < "$TMP/arts.want") articles)" diff "$TMP/arts.want" "$TMP/arts.got"
# Running heads and feet are artifacts: on every page of the content, once in the tree
# (the cover's own lines).
pdftotext -enc UTF-8 "$PDF" - | tr -d ' \n' > "$TMP/all.txt"
$TC text "$PDF" > "$TMP/st.txt"
check "no running-head text in the tree (website: $(grep -o 'www.zasto.org.cn' "$TMP/all.txt" | wc -l) on the pages, once in the tree)" sh -c "
    test \$(grep -o 'www.zasto.org.cn' '$TMP/st.txt' | wc -l) -eq 1 &&
    test \$(grep -o '总第29期' '$TMP/st.txt' | wc -l) -eq 1 &&
    test \$(grep -o '总第29期' '$TMP/all.txt' | wc -l) -gt 40"
check "the 3-row, 5-column header keeps its spans and scopes" sh -c "$TC cells '$PDF' | grep -A3 -x 'TH RowSpan=3 Scope=Column 单位' | tr '\n' '|' | grep -q '^TH RowSpan=3 Scope=Column 单位|TH ColSpan=5 Scope=Column 12月|TH ColSpan=2 Scope=Column 实际完成|TH ColSpan=3 Scope=Column 年度目标|'"
check "every figure (the two charts) has Alt with its title and data" sh -c "
    grep -q '^figures: 2, with Alt: 2' '$TMP/tree.txt' &&
    $TC alt '$PDF' | grep -q '^柱形图：珠海市及各区12月服务外包执行（单位：万美元）。执行金额：横琴新区 35863.0，'"
check "contents entries: Link elements with OBJR (annotations in the tree)" sh -c "grep -q '^annotations: 2[0-9]' '$TMP/tree.txt' && pdfinfo -struct-text '$PDF' | grep -A3 TOCI | grep -q 'Link'"
qpdf --show-object=trailer "$PDF" > /dev/null
root=$(qpdf --show-object=trailer "$PDF" | sed 's/.*\/Root \([0-9]*\) .*/\1/')
qpdf --show-object="$root" "$PDF" > "$TMP/catalog.txt"
check "catalog: /Lang (zh-CN), MarkInfo, DisplayDocTitle, PageMode /UseOutlines" sh -c "
    grep -q '/Lang (zh-CN)' '$TMP/catalog.txt' && grep -q '/MarkInfo << /Marked true >>' '$TMP/catalog.txt' &&
    grep -q '/ViewerPreferences << /DisplayDocTitle true >>' '$TMP/catalog.txt' &&
    grep -q '/PageMode /UseOutlines' '$TMP/catalog.txt'"
pdfinfo -meta "$PDF" > "$TMP/xmp.txt"
check "XMP: title, creator, language, producer, the issue's dates, PDF/UA-1" sh -c "
    grep -q '<rdf:li xml:lang=\"x-default\">珠海市服务贸易和外包行业协会简报 总第29期</rdf:li>' '$TMP/xmp.txt' &&
    grep -q '<dc:creator><rdf:Seq><rdf:li>珠海市服务贸易和外包行业协会</rdf:li>' '$TMP/xmp.txt' &&
    grep -q '<dc:language><rdf:Bag><rdf:li>zh-CN</rdf:li>' '$TMP/xmp.txt' &&
    grep -q '<pdf:Producer>jianbao (libharu 2.3.0)</pdf:Producer>' '$TMP/xmp.txt' &&
    grep -q '<xmp:CreateDate>2019-03-01T00:00:00Z</xmp:CreateDate>' '$TMP/xmp.txt' &&
    grep -q '<pdfuaid:part>1</pdfuaid:part>' '$TMP/xmp.txt'"
# The ~1,400 elements sit in object streams behind a hidden cross-reference stream
# (hybrid-reference file): not one uncompressed object each in the classic table.
check "elements packed in object streams (/XRefStm), read by poppler, qpdf, mutool and gs" sh -c "
    qpdf --show-object=trailer '$PDF' | grep -q '/XRefStm' &&
    test \$(grep -a -A1 '^xref' '$PDF' | sed -n '2s/^0 //p') -lt 700 &&
    ! pdfinfo '$PDF' 2>&1 | grep -qi error && ! mutool info '$PDF' 2>&1 | grep -qi error &&
    gs -q -o /dev/null -sDEVICE=nullpage -dFirstPage=1 -dLastPage=3 '$PDF' 2>&1 | { ! grep -qi error; }"
SOURCE_DATE_EPOCH=1553990400 "$JIANBAO" build issues/2019-03 -o "$TMP/dated.pdf" 2>/dev/null
check "XMP dates follow SOURCE_DATE_EPOCH like Info's" sh -c "
    pdfinfo -meta '$TMP/dated.pdf' | grep -q '<xmp:ModifyDate>2019-03-31T00:00:00Z</xmp:ModifyDate>' &&
    pdfinfo -isodates '$TMP/dated.pdf' | grep -q 'ModDate: *2019-03-31T00:00:00'"

# ---- a small issue with every structure the source format has ----
mkdir -p "$TMP/small/figures"
cp tests/fuzz/figures/ok.png "$TMP/small/figures/"
write_small() {   # $1: the figure's alt text, $2: a front-matter line
    { awk 'NR == 1, /^---$/ && NR > 1' issues/2019-03/issue.md | sed '$d'; echo "$2"; echo '---'
      cat <<'EOF'

# 协会动态

## 表格与链接

详见[协会网站](http://www.zasto.org.cn/news)(首页), 或直接访问 <https://example.org/a?b=1>。命令 `make test` 在此。

1. 第一项
2. 第二项
   - 嵌套一
   - 嵌套二

> 引用的一段话。

```
jianbao build issues/2019-03
```

<table>
<caption>跨行跨列</caption>
<thead>
<tr><th rowspan="2">地区</th><th colspan="2">金额</th></tr>
<tr><th>出口</th><th>进口</th></tr>
</thead>
<tbody>
<tr><th>珠海</th><td>1</td><td>2</td></tr>
<tr><td colspan="2">合计</td><td>3</td></tr>
</tbody>
</table>

EOF
      echo "![$1](figures/ok.png)"; echo; echo '#### 跳过一级的小标题'; echo; echo '正文。'
    } > "$TMP/small/issue.md"
}
write_small 会员单位合影 ''
check "small issue builds" "$JIANBAO" build "$TMP/small" -o "$TMP/small.pdf"
$TC tree "$TMP/small.pdf" > "$TMP/stree.txt" 2>&1
check "small: tree consistent" grep -q '^tree: 0 problems' "$TMP/stree.txt"
cat > "$TMP/cells.want" <<'EOF'
Table
TH RowSpan=2 Scope=Column 地区
TH ColSpan=2 Scope=Column 金额
TH Scope=Column 出口
TH Scope=Column 进口
TH Scope=Row 珠海
TD 1
TD 2
TD ColSpan=2 合计
TD 3
EOF
$TC cells "$TMP/small.pdf" > "$TMP/cells.got"
check "HTML table: TH/TD with RowSpan, ColSpan and Scope as in the source" diff "$TMP/cells.want" "$TMP/cells.got"
check "table caption is the Table's Caption" sh -c "pdfinfo -struct-text '$TMP/small.pdf' | grep -A2 '^ *Table' | grep -A1 Caption | grep -q '表1　跨行跨列'"
check "figure: Alt is the image's alt text" sh -c "test \"\$($TC alt '$TMP/small.pdf')\" = 会员单位合影"
pdfinfo -struct-text "$TMP/small.pdf" | tr -d ' ' | tr '\n' '|' > "$TMP/small.st"
# (The paragraph's ASCII punctuation is set full-width: its text is shaped from a copy.)
check "links: Link elements in their paragraph, with the text and OBJRs of URI annotations" sh -c "
    grep -q '\"详见\"|Link(inline)|\"协会网站\"|Object[0-9]*0|\"（首页），或直接访问\"|Link(inline)|\"https://example.org/a?b=1\"|Object' '$TMP/small.st' &&
    qpdf --qdf --object-streams=disable '$TMP/small.pdf' - | grep -a -q '/URI (http://www.zasto.org.cn/news)' &&
    qpdf --qdf --object-streams=disable '$TMP/small.pdf' - | grep -a -q '/URI (https://example.org/a?b=1)'"
check "a code block is a Code element after the quote" sh -c "
    grep -q '\"引用的一段话。\"|Code(inline)|\"jianbaobuildissues/2019-03\"|Table' '$TMP/small.st'"
check "inline code is a Code element, the quote a BlockQuote" sh -c "
    grep -q '\"。命令\"|Code(inline)|\"maketest\"|' '$TMP/small.st' && grep -q 'BlockQuote=1 ' '$TMP/stree.txt'"
check "lists: L, LI, Lbl (1. 2. •) and LBody, the nested list inside its item" sh -c "
    pdfinfo -struct-text '$TMP/small.pdf' | tr -d ' ' | tr '\n' '|' |
    grep -q 'L(block)|LI(block)|Lbl(block)|\"1.\"|LBody(block)|\"第一项\"|LI(block)|Lbl(block)|\"2.\"|LBody(block)|\"第二项\"|L(block)|LI(block)|Lbl(block)|\"•\"|LBody(block)|\"嵌套一\"'"
check "a skipped heading level is renumbered (#### under ## is H3)" sh -c "grep -q ' H3=1 ' '$TMP/stree.txt' && ! grep -q ' H4=' '$TMP/stree.txt'"
check "small: PDF/UA-1 claimed" sh -c "pdfinfo -meta '$TMP/small.pdf' | grep -q '<pdfuaid:part>1</pdfuaid:part>'"
write_small '' 'lang: en'
"$JIANBAO" build "$TMP/small" -o "$TMP/noalt.pdf" 2>/dev/null
check "a figure without alt text: still tagged, no PDF/UA claim" sh -c "
    pdfinfo '$TMP/noalt.pdf' | grep -q '^Tagged: *yes' && ! pdfinfo -meta '$TMP/noalt.pdf' | grep -q pdfuaid"
check "lang: en in the front matter gives /Lang (en) and dc:language en" sh -c "
    qpdf --qdf --object-streams=disable '$TMP/noalt.pdf' - | grep -a -q '/Lang (en)' &&
    pdfinfo -meta '$TMP/noalt.pdf' | grep -q '<dc:language><rdf:Bag><rdf:li>en</rdf:li>'"

# ---- press ----
write_small 会员单位合影 ''
sed 's/^crop-marks = no$/crop-marks = yes/' styles/zasto.ini > "$TMP/marks.ini"
check "PDF/X-4 is tagged, its links carry no annotations" sh -c "
    '$JIANBAO' build --press=x4 --style '$TMP/marks.ini' '$TMP/small' -o '$TMP/x4.pdf' 2>/dev/null &&
    pdfinfo '$TMP/x4.pdf' | grep -q '^Tagged: *yes' &&
    ! qpdf --qdf --object-streams=disable '$TMP/x4.pdf' - | grep -a -q '/URI' &&
    $TC tree '$TMP/x4.pdf' | grep -q '^tree: 0 problems'"
check "PDF/X-4 crop marks are Page artifacts" sh -c "
    qpdf --qdf --object-streams=disable '$TMP/x4.pdf' - | grep -a -q '/Artifact <</Type /Page>> BDC'"
check "PDF/X-1a stays untagged" sh -c "
    '$JIANBAO' build --press '$TMP/small' -o '$TMP/x1a.pdf' 2>/dev/null &&
    pdfinfo '$TMP/x1a.pdf' | grep -q '^Tagged: *no'"
exit $status
