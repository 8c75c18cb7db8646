#!/bin/sh
# make bench, part two: `jianbao watch` on a copy of the issue; ten one-paragraph edits,
# each waited for. Prints the median rebuild time as watch reports it (the build itself)
# and from the edit to the rebuilt PDF (adds the wait for the editor's burst to end).
# A benchmark: it prints numbers and never fails on them.
set -e
BIN=${1:-./jianbao}
ISSUE=${2:-issues/2019-03}
EDITS=${EDITS:-10}
TMP=$(mktemp -d)
trap 'kill $pid 2>/dev/null; rm -rf "$TMP"' EXIT
cp -r "$ISSUE" "$TMP/issue"
mkfifo "$TMP/status"
"$BIN" watch "$TMP/issue" -o "$TMP/out.pdf" > "$TMP/status" 2>/dev/null &
pid=$!
python3 - "$TMP" "$EDITS" <<'PY'
import os, re, statistics, sys, time
tmp, edits = sys.argv[1], int(sys.argv[2])
src = os.path.join(tmp, "issue", "issue.md")
status = open(os.path.join(tmp, "status"))
def next_line():
    while True:
        line = status.readline()
        if not line:
            sys.exit("watch stopped")
        if " built " in line or " failed " in line:
            return line
first = next_line()
cold = float(re.search(r" in ([0-9.]+) s", first).group(1))
text = open(src, encoding="utf-8").read()
body = text.index("\n---", 4)
# One paragraph: the first long line after the front matter that is plain text.
lines = text[body:].split("\n")
k = next(i for i, l in enumerate(lines) if len(l) > 40 and l[0] not in "#|!-`<>")
reported, latency = [], []
for n in range(edits):
    edited = list(lines)
    edited[k] = lines[k].replace("，", "，（第%d次修改）" % (n + 1), 1)
    new = text[:body] + "\n".join(edited)
    tmpfile = src + ".new"
    with open(tmpfile, "w", encoding="utf-8") as f:
        f.write(new)
    t0 = time.perf_counter()
    os.rename(tmpfile, src)       # as editors save
    line = next_line()
    latency.append(time.perf_counter() - t0)
    reported.append(float(re.search(r" in ([0-9.]+) s", line).group(1)))
print("watch: first build %.3f s; rebuild after a one-paragraph edit, median of %d: "
      "%.3f s (as reported), %.3f s from the save to the new PDF"
      % (cold, edits, statistics.median(reported), statistics.median(latency)))
PY
