#!/bin/sh
# Tables in a built issue: a long table breaks across pages and repeats its header; the
# balance-of-payments table of 2019-03 keeps every cell in its row.
. tests/integration/lib.sh
mkdir -p "$TMP/long"
awk 'NR == 1, /^---$/ && NR > 1' issues/2019-03/issue.md > "$TMP/long/issue.md"
{
    printf '\n# 行业动态\n\n## 长表\n\n表：各区逐月执行金额\n\n| 区域 | 月份 | 执行金额（万美元） |\n|---|---|---:|\n'
    i=1
    while [ $i -le 150 ]; do printf '| 第%d区 | %d月 | %d.%d |\n' $i $(( (i % 12) + 1 )) $(( i * 37 )) $(( i % 10 )); i=$((i + 1)); done
    printf '\n表后的一段文字。\n'
} >> "$TMP/long/issue.md"
check "builds an issue with a 150-row table" "$JIANBAO" build "$TMP/long" -o "$TMP/long.pdf"
first=$(pdftotext -enc UTF-8 "$TMP/long.pdf" - | grep -c '第1区')
p1=0; p150=0; n=$(pdfinfo "$TMP/long.pdf" | awk '/^Pages:/ { print $2 }')
p=1
while [ $p -le "$n" ]; do
    t=$(pdftotext -enc UTF-8 -f $p -l $p "$TMP/long.pdf" - | tr -d ' \n')
    case "$t" in *第1区2月*) p1=$p ;; esac
    case "$t" in *第150区*) p150=$p ;; esac
    p=$((p + 1))
done
check "the table runs over more than one page" test "$p150" -gt "$p1" -a "$p1" -gt 0
hdr_pages=0; p=$p1
while [ $p -le "$p150" ]; do
    pdftotext -enc UTF-8 -f $p -l $p "$TMP/long.pdf" - | tr -d ' ' | grep -q '执行金额（万美元）' && hdr_pages=$((hdr_pages + 1))
    p=$((p + 1))
done
check "its header repeats on every page it runs over ($hdr_pages of $((p150 - p1 + 1)))" test "$hdr_pages" -eq $((p150 - p1 + 1))
check "every row is there once" test "$(pdftotext -enc UTF-8 "$TMP/long.pdf" - | tr -d ' ' | grep -c '^第[0-9]*区')" -eq 150

# The balance-of-payments table: each row's cells on one line of pdftotext -layout.
"$JIANBAO" build issues/2019-03 -o "$TMP/issue.pdf" 2>/dev/null
pdftotext -layout -enc UTF-8 "$TMP/issue.pdf" "$TMP/layout.txt"
python3 - issues/2019-03/issue.md "$TMP/layout.txt" > "$TMP/bop.txt" <<'PY'
import re, sys
md = open(sys.argv[1], encoding='utf-8').read()
lay = open(sys.argv[2], encoding='utf-8').read().split('\n')
start = md.index('中国国际货物和服务贸易（国际收支口径）')
tab = md[start:md.index('</table>', start)]
rows = re.findall(r'<tr>(.*?)</tr>', tab, re.S)
bad, n = [], 0
for r in rows:
    # ASCII brackets in Chinese are printed full width (fullwidth-punct in the style).
    cells = [re.sub(r'<[^>]+>|\s+', '', c).replace('(', '（').replace(')', '）')
             for c in re.findall(r'<t[dh][^>]*>(.*?)</t[dh]>', r, re.S)]
    cells = [c for c in cells if c]
    if len(cells) < 2:
        continue
    n += 1
    # A row is found when one line of the layout text holds all its cells, in order.
    ok = False
    for line in lay:
        s = re.sub(r'\s+', '', line)
        pos = 0
        for c in cells:
            pos = s.find(c, pos)
            if pos < 0:
                break
            pos += len(c)
        else:
            ok = True
            break
    if not ok:
        bad.append('|'.join(cells))
print(n, len(bad))
for b in bad:
    print(b)
PY
check "balance-of-payments table: every row's cells on one line, in order" sh -c "head -1 '$TMP/bop.txt' | grep -q '^2[0-9] 0$'"
sed 's/^/    # /' "$TMP/bop.txt" | head -5
exit $status
