#!/bin/sh
# Every malformed input in tests/bad/: the exact first error (file:line:col), a non-zero
# exit, no crash, no PDF written and the previous good PDF left as it was.
. tests/integration/lib.sh

for src in tests/bad/*.md tests/bad/*.ini; do
    [ -f "$src" ] || continue
    name=${src%.*}
    want=$(cat "$name.expected")
    printf 'previous good PDF\n' > "$TMP/out.pdf"
    case "$src" in
        *.ini) "$JIANBAO" build issues/2019-03 --style "$src" -o "$TMP/out.pdf" 2>"$TMP/err" ;;
        *)     "$JIANBAO" build "$src" -o "$TMP/out.pdf" 2>"$TMP/err" ;;
    esac
    rc=$?
    got=$(grep -m1 'error: ' "$TMP/err")
    if [ $rc -eq 1 ] && [ "$got" = "$want" ] && [ "$(cat "$TMP/out.pdf")" = "previous good PDF" ] &&
       [ -z "$(ls "$TMP" | grep tmp)" ]; then
        ok "$src: $want"
    else
        not_ok "$src (exit $rc)"
        echo "    # want: $want"
        echo "    # got:  $got"
    fi
done

# A 10 MB paragraph: read and set in bounded time, no crash.
mkdir -p "$TMP/huge"
awk 'NR > 1 && /^---$/ { exit } NR > 1' issues/2019-03/issue.md > "$TMP/front"
{ echo '---'; cat "$TMP/front"; echo '---'; echo; echo '# 企业动态'; echo; echo '## 长段落'; echo
  python3 -c "import sys; sys.stdout.write('珠海服务外包产业发展迅速，' * 870000 + '完。\n')"; } > "$TMP/huge/issue.md"
start=$(date +%s)
timeout 300 "$JIANBAO" build "$TMP/huge" -o "$TMP/huge.pdf" >"$TMP/huge.err" 2>&1
rc=$?
secs=$(( $(date +%s) - start ))
if [ $rc -le 1 ]; then ok "10 MB paragraph: exit $rc in ${secs}s, no crash"; else not_ok "10 MB paragraph: exit $rc"; head -3 "$TMP/huge.err"; fi
exit $status
