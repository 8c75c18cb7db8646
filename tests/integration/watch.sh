#!/bin/sh
# jianbao watch on a temporary issue: an edited paragraph is rebuilt into the PDF; a
# broken front matter prints its error and keeps the last good PDF; fixed, it rebuilds;
# Ctrl-C (SIGINT) ends it cleanly. Waits are for lines, never for a fixed time (each
# bounded, so a hang fails instead of blocking the suite).
. tests/integration/lib.sh
BIN=$(cd "$(dirname "$JIANBAO")" && pwd)/$(basename "$JIANBAO")
cd "$TMP"
mkdir -p issue
cat > issue/issue.md <<'EOF'
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

## 横琴新区服务外包

横琴新区服务外包执行金额稳步增长。
EOF
"$BIN" watch issue -o out.pdf > status.txt 2> err.txt &
pid=$!
trap 'kill $pid 2>/dev/null; [ -n "$JB_KEEP" ] || rm -rf "$TMP"' EXIT

# line_is DESCRIPTION N ERE: the Nth build line (built or failed) matches.
line_is() {
    if grep ' built \| failed ' status.txt | sed -n "$2p" | grep -Eq "$3"; then
        ok "$1"
    else
        not_ok "$1"; sed 's/^/    # /' status.txt
    fi
}
# wait_lines N: until status.txt has N build lines, at most 3 minutes.
wait_lines() {
    i=0
    while [ "$(grep -c ' built \| failed ' status.txt)" -lt "$1" ] && [ $i -lt 1800 ]; do
        kill -0 $pid 2>/dev/null || break
        sleep 0.1; i=$((i + 1))
    done
    [ "$(grep -c ' built \| failed ' status.txt)" -ge "$1" ]
}

check "the first build: one line with time, pages, warnings" sh -c "$(cat <<'EOF'
i=0; while ! grep -q ' built ' status.txt && [ $i -lt 1800 ]; do sleep 0.1; i=$((i+1)); done
grep -Eq '^[0-9]{2}:[0-9]{2}:[0-9]{2} built out.pdf in [0-9.]+ s: [0-9]+ pages, 0 warnings$' status.txt
EOF
)"
cp out.pdf first.pdf

# An edited paragraph, saved as editors do (a new file renamed over the old).
sed 's/稳步增长/大幅增长/' issue/issue.md > issue/issue.md.new && mv issue/issue.md.new issue/issue.md
wait_lines 2
line_is "an edit: a second build line" 2 ' built out.pdf in '
check "... and the PDF holds the new text" sh -c "pdftotext out.pdf - | grep -q 大幅增长"

# A broken front matter: the error is printed, the PDF kept.
cp out.pdf good.pdf
sed -i 's/^issue: 总第29期/isue: 总第29期/' issue/issue.md
wait_lines 3
line_is "a broken front matter: the build line says it failed and the PDF is kept" 3 \
    ' failed in [0-9.]+ s: 2 errors, 0 warnings; out.pdf is kept from the last good build$'
check "... the error is printed, with its place and a suggestion" \
    grep -qxF "issue/issue.md:5:1: error: unknown front-matter key 'isue'; did you mean 'issue'?" err.txt
check "... and the previous PDF is unchanged" cmp -s good.pdf out.pdf

# Fixed: it rebuilds.
sed -i 's/^isue: 总第29期/issue: 总第29期/; s/大幅增长/持续增长/' issue/issue.md
wait_lines 4
line_is "fixed: it builds again" 4 ' built out.pdf in '
check "... with the latest text" sh -c "pdftotext out.pdf - | grep -q 持续增长"
"$BIN" build issue -o cold.pdf 2>/dev/null
check "... the same bytes as a build of its own (fonts kept across builds change nothing)" cmp -s cold.pdf out.pdf

# Its own PDF being written does not set off another build; other files in the folder
# that are not inputs (an editor's swap file) do not either.
: > issue/.issue.md.swp
echo notes > issue/notes.txt.pdf 2>/dev/null
sleep 1
check "no build for its own output or an editor's files" test "$(grep -c ' built \| failed ' status.txt)" -eq 4

# Saved the way vim and emacs save by default: the old file renamed to a backup, then the
# new one written. The moment without issue.md is waited out, not built as a failure.
mv issue/issue.md issue/issue.md~
sed 's/持续增长/平稳增长/' issue/issue.md~ > issue/issue.md
rm issue/issue.md~
wait_lines 5
line_is "a save through a backup file: one build, not a failure first" 5 ' built out.pdf in '
check "... with the saved text" sh -c "pdftotext out.pdf - | grep -q 平稳增长"

# A figure the source names before it is there: failed; once it arrives (in a figures/
# folder made while watching), built.
printf '\n![图1 横琴](figures/a.png)\n' >> issue/issue.md
wait_lines 6
line_is "a figure named but missing: failed" 6 ' failed '
convert -size 1200x800 xc:gray60 a.png
mkdir -p issue/figures && mv a.png issue/figures/a.png
i=0
while ! grep ' built \| failed ' status.txt | tail -1 | grep -q ' built ' && [ $i -lt 1800 ]; do
    sleep 0.1; i=$((i + 1))
done
check "... the figure arrives: built" sh -c "grep ' built \| failed ' status.txt | tail -1 | grep -q ' built '"
check "no temporary file is left beside the PDF" test -z "$(ls -A | grep jianbao-tmp)"

kill -INT $pid
i=0; while kill -0 $pid 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
wait $pid
check "Ctrl-C ends it with status 0" test $? -eq 0
exit $status
