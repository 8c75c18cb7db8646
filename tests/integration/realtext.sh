#!/bin/sh
# Real-world text (issue 12): one check per fault found on technical documentation and
# manual pages, each on a small issue written here, read back from the PDF with poppler
# and mutool; then the test issue tests/data/realtext (code blocks, long paths, option
# lists) and 总第29期 for letter-spaced Han lines (CL-JU-07).
. tests/integration/lib.sh
SPACING=tests/tools/han_spacing.py

# issue NAME BODY: an issue whose one article holds BODY, built to $TMP/NAME.pdf.
issue() {
    mkdir -p "$TMP/$1"
    awk 'NR == 1, /^---$/ && NR > 1' issues/2019-03/issue.md > "$TMP/$1/issue.md"
    printf '\n# 技术园地\n\n## 测试文章\n\n%s\n' "$2" >> "$TMP/$1/issue.md"
    "$JIANBAO" build "$TMP/$1" -o "$TMP/$1.pdf" > "$TMP/$1.log" 2>&1
}

# Text of the article's page: pdftotext in reading order, one physical line a line.
text_of() { pdftotext -enc UTF-8 -f 3 -l 3 "$TMP/$1.pdf" -; }
layout_of() { pdftotext -layout -enc UTF-8 -f 3 -l 3 "$TMP/$1.pdf" -; }

# stext NAME: "x size c" for every glyph of the article's page, in mutool's order,
# a line "L x0 x1" before each of mutool's lines.
stext() {
    mutool draw -q -F stext -o - "$TMP/$1.pdf" 3 2>/dev/null | python3 -c '
import sys, xml.etree.ElementTree as ET
for line in ET.fromstring(sys.stdin.read()).iter("line"):
    b = line.get("bbox").split()
    print("L", b[0], b[2])
    for font in line.iter("font"):
        for ch in font.iter("char"):
            if not ch.get("c").isspace():
                print(ch.get("x"), font.get("size"), font.get("name"), ch.get("c"))
'
}

# 1. Code blocks were set as justified prose: lines joined, body serif.
issue code '登录后显示：

```
foo login: penguin
Password:
penguin@foo:~$ ls /var/backup
```'
layout_of code > "$TMP/code.txt"
check "code: each line of a fenced block is a line of its own" sh -c "
    grep -q 'foo login: penguin' '$TMP/code.txt' && ! grep 'foo login' '$TMP/code.txt' | grep -q Password &&
    grep -q 'penguin@foo:~\$ ls /var/backup' '$TMP/code.txt'"
check "code: set in the mono face (Noto Sans Mono CJK SC)" sh -c "pdffonts '$TMP/code.pdf' | grep -q NotoSansMonoCJKsc"
issue wrap '```
rsync --archive --verbose --compress --delete --exclude=.cache --exclude=node_modules /home/penguin/projects/ backup@example.org:/srv/backups/penguin/2019-12/
```'
layout_of wrap > "$TMP/wrap.txt"
check "code: a line too long for the page wraps at a break, its rest marked ↪ and indented" sh -c "
    grep -q '^ *rsync --archive.*/home/penguin/\$' '$TMP/wrap.txt' &&
    grep -q '^ *↪ *projects/ backup@example.org:/srv/backups/penguin/2019-12/' '$TMP/wrap.txt'"

# 2. Han characters spaced 0.3-0.76 em apart before paths, option names and addresses.
issue spaced '内核文档位于/usr/share/doc/linux-doc/Documentation/admin-guide/kernel-parameters.txt之中，显示管理器的配置文件为/etc/X11/xorg.conf.d/10-monitor.conf，备份类型可用选项--listed-incremental=/var/backup/snapshot.file指定，邮件发送至maintainer-list@lists.example.org即可。'
check "spacing: no line's Han characters more than 0.25 em apart before long tokens" python3 "$SPACING" "$TMP/spaced.pdf"
# A line that cannot be filled without spacing it more is set short: JIANBAO_DEBUG
# names it at its source line (and says nothing without JIANBAO_DEBUG).
line=$(grep -n '^内核文档位于' "$TMP/spaced/issue.md" | cut -d: -f1)
JIANBAO_DEBUG=1 "$JIANBAO" build "$TMP/spaced" -o "$TMP/spaced-debug.pdf" > "$TMP/spaced-debug.log" 2>&1
check "spacing: JIANBAO_DEBUG names every line left short, at file:line:col" sh -c "
    grep -q '^$TMP/spaced/issue.md:$line:[0-9]*: debug: this line is set [0-9.]* pt short' '$TMP/spaced-debug.log' &&
    ! grep -q debug '$TMP/spaced.log'"

# 3. Hard breaks (two trailing spaces, a trailing backslash) were dropped.
issue hard '--bzip2  
用bzip2压缩归档。\
第二行在反斜杠之后。'
text_of hard > "$TMP/hard.txt"
check "hard breaks: two trailing spaces and a backslash end their lines" sh -c "
    grep -qx -- '--bzip2' '$TMP/hard.txt' && grep -qx '用 *bzip2 *压缩归档。' '$TMP/hard.txt' &&
    grep -q '^第二行在反斜杠之后。' '$TMP/hard.txt'"

# 4. Han–Latin glue beside ASCII punctuation: "节 ( 基本概念 )", "操作 , 而",
#    "重启 / 关闭", "d- 键", and in 总第29期 "( 十三 )", "监管局 , 广州", "主要特点 :".
issue punct '请阅读第三节(基本概念)的内容。先执行操作, 而后重启/关闭系统，再按d-键。

(十三) 支持在自贸试验区设置商标受理窗口。(省市场监管局,广州、深圳、珠海市人民政府负责)

主要特点:区域分布较集中。'
pdftotext -raw -enc UTF-8 -f 3 -l 3 "$TMP/punct.pdf" - | tr -d '\n' > "$TMP/punct.txt"
for s in '第三节（基本概念）的内容' '操作，而后重启/关闭' 'd-键' '（十三）支持' '（省市场监管局，广州' '主要特点：区域'; do
    check "ASCII punctuation in Chinese: \"$s\" set solid, full width" grep -qF -- "$s" "$TMP/punct.txt"
done
# A time range broke as "10:00 - / 12:00" (总第29期's paragraph): never, wherever it
# falls in the line.
body=''
k=0
while [ $k -lt 20 ]; do
    body="$body$(printf '%*s' $k '' | sed 's/ /会/g')会议时间:2019年3月4日(星期一) 10:00 - 12:00

"
    k=$((k + 1))
done
issue range "$body"
text_of range > "$TMP/range.txt"
check "ranges: 10:00-12:00 never broken at its dash (20 placements)" test "$(grep -c '10:00 *[-–～] *12:00' "$TMP/range.txt")" -eq 20

# 5. Option names split after their hyphens ("-- | bzip2").
body=''
k=0
while [ $k -lt 20 ]; do
    body="$body$(printf '%*s' $k '' | sed 's/ /用/g')压缩时加选项--bzip2，增量备份用--listed-incremental=FILE。

"
    k=$((k + 1))
done
issue options "$body"
text_of options > "$TMP/options.txt"
check "options: never broken after their leading hyphens (20 placements)" sh -c "
    ! grep -q -- '--\$' '$TMP/options.txt' && ! grep -qE -- '(^|[^-a-z])-\$' '$TMP/options.txt' &&
    test \$(grep -c -- '--bzip2' '$TMP/options.txt') -eq 20"

# 6. **会议指出：**协会 printed its asterisks.
issue emph '**会议指出：**协会将继续推进。这是*重点*，请注意。**“标题”**的写法。'
text_of emph | tr -d '\n' > "$TMP/emph.txt"
stext emph > "$TMP/emph.st"
check "emphasis next to Chinese punctuation: no asterisks, 会议指出 and “标题” in bold (Hei)" sh -c "
    ! grep -q '[*]' '$TMP/emph.txt' && grep -q '会议指出：协会' '$TMP/emph.txt' &&
    grep -q 'NotoSansCJKsc-Bold 议' '$TMP/emph.st' && grep -q 'NotoSansCJKsc-Bold 题' '$TMP/emph.st' &&
    grep -q 'LXGWWenKai.* 重' '$TMP/emph.st'"

# 7. Signature blocks were indented paragraphs with names split ("自然 / 资源部").
issue sig '特此通知。现将有关事项通知如下，请各单位认真贯彻执行，并及时反馈执行中遇到的问题。

```signature
商务部 科技部 工业和信息化部 财政部 自然资源部 国家税务总局
2019年2月12日
```'
stext sig > "$TMP/sig.st"
python3 - "$TMP/sig.st" > "$TMP/sig.out" <<'PY'
import sys
lines, cur = [], None
for row in open(sys.argv[1], encoding='utf-8'):
    f = row.split()
    if f[0] == 'L':
        cur = [float(f[2]), '']
        lines.append(cur)
    else:
        cur[1] += f[-1]
# The columns' right edges: where the justified first line of the notice ends (the
# first column), and the rightmost line (the second).
edges = [max(x1 for x1, t in lines if t.startswith('特此通知')), max(x1 for x1, _ in lines)]
names = ['商务部', '科技部', '工业和信息化部', '财政部', '自然资源部', '国家税务总局']
sig = [(x1, t) for x1, t in lines if any(n in t for n in names) or '2019年2月12日' in t]
whole = all(any(n in t for _, t in sig) for n in names)
flush = sig and all(min(abs(x1 - e) for e in edges) < 0.6 for x1, _ in sig)
print('ok' if whole and flush else 'bad %s %s' % (edges, sig))
PY
check "signature: every line flush right, no name split" grep -qx ok "$TMP/sig.out"

# 8. Bracketed labels squeezed unevenly ("（七） 创新" next to "（八）完善"); the gap
#    after a list marker widened by justification, wrapped items off their indent.
issue labels '（七） 创新驱动发展战略，推动经济高质量发展，提升产业链现代化水平，促进区域协调发展。

（八）完善现代化经济体系，推动经济高质量发展，提升产业链现代化水平，促进区域协调发展。

1. 第一项的文字比较长，需要换行以便检查悬挂缩进是否与正文对齐，以及标签后面的空隙是否被拉宽。
2. 第二项的文字同样比较长，需要换行，检查标签之后的空隙与第一项是否相同，是否对齐。'
stext labels > "$TMP/labels.st"
python3 - "$TMP/labels.st" > "$TMP/labels.out" <<'PY'
import sys
lines, cur = [], None
for row in open(sys.argv[1], encoding='utf-8'):
    f = row.split()
    if f[0] == 'L':
        cur = []
        lines.append(cur)
    else:
        cur.append((float(f[0]), f[-1]))
lines = [l for l in lines if l]
text = [''.join(c for _, c in l) for l in lines]
# Positions inside the column: the columns start at the leftmost line start and at the
# leftmost one right of the page's middle.
left = min(l[0][0] for l in lines)
mid = (left + max(l[-1][0] for l in lines)) / 2
left2 = min(l[0][0] for l in lines if l[0][0] > mid)
def rel(x):
    return x - (left2 if x >= left2 - 1 else left)
def x_after(label):
    """Column position of the first character after a line-starting label (on its line
    or, when mutool gives the label a line of its own, the next), and that line."""
    for i, t in enumerate(text):
        if t.startswith(label):
            if len(lines[i]) > len(label):
                return rel(lines[i][len(label)][0]), i
            return rel(lines[i + 1][0][0]), i + 1
    return None, None
seven, _ = x_after('（七）')
eight, _ = x_after('（八）')
bad = [] if seven is not None and eight is not None and abs(seven - eight) < 0.05 else \
      ['（七） %s （八） %s' % (seven, eight)]
# Each item: its text after the label, and every wrapped line, start at one x.
for label, end in (('1.', '拉宽。'), ('2.', '对齐。')):
    x, i = x_after(label)
    if x is None:
        bad.append('no item ' + label)
        continue
    seen = text[i]
    while end not in seen and i + 1 < len(lines):
        i += 1
        seen += text[i]
        if abs(rel(lines[i][0][0]) - x) > 0.05:
            bad.append('%s: wrapped line at %.2f, text at %.2f' % (label, rel(lines[i][0][0]), x))
print('ok' if not bad else 'bad ' + '; '.join(bad))
PY
check "list labels: （七） and （八） alike, items' text and wrapped lines on one indent" grep -qx ok "$TMP/labels.out"

# 9. A line break after （ in the source became a space ("（ r）").
issue bracket '这是一个很长的括号（
r）测试。'
text_of bracket | tr -d '\n' > "$TMP/bracket.txt"
check "a line break after （ is nothing: （r）" grep -qF '括号（r）测试' "$TMP/bracket.txt"

# The test issue: code blocks, long paths, option lists.
RT=$TMP/realtext.pdf
check "the test issue builds" "$JIANBAO" build tests/data/realtext -o "$RT"
check "test issue: pdffonts lists the mono face" sh -c "pdffonts '$RT' | grep -q NotoSansMonoCJKsc-Regular"
pdftotext -layout -enc UTF-8 "$RT" "$TMP/rt.txt"
python3 - tests/data/realtext/issue.md "$TMP/rt.txt" > "$TMP/rt.out" <<'PY'
import re, sys
src = open(sys.argv[1], encoding='utf-8').read().split('\n')
out = [re.sub(r'\s+', ' ', l) for l in open(sys.argv[2], encoding='utf-8').read().split('\n')]
code, fence, n, bad = [], False, 0, []
for i, l in enumerate(src):
    if l.startswith('```'):
        fence = not fence and l != '```signature'
        continue
    if fence or (l.startswith('    ') and not src[i - 1].strip()) or \
       (l.startswith('    ') and code and code[-1][0] == i - 1):
        code.append((i, l.strip()))
for i, l in code:
    if not l:
        continue
    n += 1
    want = re.sub(r'\s+', ' ', l)
    if not any(want in o for o in out):
        bad.append(want)
print(n, len(bad))
for b in bad:
    print('missing:', b)
PY
check "test issue: every code line comes back from pdftotext -layout as one line ($(head -1 "$TMP/rt.out"))" sh -c "head -1 '$TMP/rt.out' | grep -qE '^[1-9][0-9]* 0\$'"
check "test issue: no Han characters more than 0.25 em apart" python3 "$SPACING" "$RT"
check "test issue: builds without overfull lines" sh -c "! grep -q 'wider than the column' '$TMP/realtext.log' 2>/dev/null"

# 总第29期: the same spacing limit.
"$JIANBAO" build issues/2019-03 -o "$TMP/29.pdf" 2>/dev/null
check "总第29期: no Han characters more than 0.25 em apart ($(python3 "$SPACING" "$TMP/29.pdf" | tail -1 | sed 's/.*: //'))" python3 "$SPACING" "$TMP/29.pdf"
exit $status
