#!/bin/sh
# make test-long: a 10 MB paragraph is read and set in bounded time, with no crash.
# (About a minute on a busy 2-core machine, so not in make test.)
. tests/integration/lib.sh

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
