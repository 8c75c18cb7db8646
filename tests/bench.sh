#!/bin/sh
# make bench: typesets the default issue several times and reports the median wall time,
# the peak memory, and how the time splits between the stages (JIANBAO_TIMING).
# A benchmark, not a test: it prints numbers and never fails on them.
set -e
BIN=${1:-./jianbao}
ISSUE=${2:-issues/2019-03}
RUNS=${RUNS:-9}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
python3 - "$BIN" "$ISSUE" "$RUNS" "$OUT" <<'PY'
import os, resource, statistics, subprocess, sys, time
binary, issue, runs, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
walls, peaks, stages = [], [], {}
for i in range(runs):
    pdf = os.path.join(out, "b%d.pdf" % i)
    env = dict(os.environ, JIANBAO_TIMING="1")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    p = subprocess.run([binary, "build", issue, "-o", pdf], env=env,
                       capture_output=True, text=True)
    walls.append(time.perf_counter() - t0)
    if p.returncode != 0:
        sys.exit("build failed:\n" + p.stderr)
    # ru_maxrss of the children is a running maximum; each run is measured alone below.
    for line in p.stderr.splitlines():
        if line.startswith("jianbao: timing:"):
            for part in line.split(":", 2)[2].split(","):
                k, v = part.strip().split("=")
                stages.setdefault(k, []).append(float(v.rstrip("msKB")))
# peak memory: one run under its own rusage
p = subprocess.run(["python3", "-c",
    "import resource,subprocess,sys;subprocess.run(sys.argv[1:],capture_output=True);"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)",
    binary, "build", issue, "-o", os.path.join(out, "m.pdf")], capture_output=True, text=True)
peak_kb = int(p.stdout.strip() or 0)
size = os.path.getsize(os.path.join(out, "b0.pdf"))
print("bench: %s, %d runs" % (issue, runs))
print("bench: wall time median %.3f s (min %.3f, max %.3f)" %
      (statistics.median(walls), min(walls), max(walls)))
print("bench: peak memory %.1f MB" % (peak_kb / 1024.0))
print("bench: PDF size %.0f KB" % (size / 1024.0))
for k, v in stages.items():
    if k.startswith("rss"):
        print("bench: %s %.1f MB" % (k, statistics.median(v) / 1024.0))
    else:
        print("bench: stage %-8s median %7.1f ms" % (k, statistics.median(v)))
PY
