#!/bin/sh
# make bench: typesets four cases and reports, for each, the median wall time, the median
# CPU time (user + system), the peak memory (each run's own maximum resident set) and how
# the time splits between the stages (JIANBAO_TIMING):
#   1x          the default issue, font cache off (a cold build);
#   16x         the default issue's body 16 times under the same front matter, generated
#               here, font cache off;
#   warm edit   a rebuild after a one-paragraph edit (one paragraph's sentences reordered),
#               the subset-font cache warm from a build of the unedited issue;
#   hostile     issue 13's hostile text: eight sections of the default issue's paragraphs
#               between runs of 400 slashes, 400 asterisks, 1200-character paths and
#               slashes after Han (no break fills a line; the flow tries loosenesses near
#               each section's end), font cache off. It took 48 s before the break search
#               was bounded (0.5 s after); RUNS16 runs.
# A benchmark, not a test: it prints numbers and never fails on them. Timings on a shared
# machine are noisy; instruction counts (valgrind --tool=callgrind) are the steady measure.
#   RUNS (default 9): runs of 1x and the warm edit;  RUNS16 (default 3): runs of 16x.
set -e
BIN=${1:-./jianbao}
ISSUE=${2:-issues/2019-03}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
python3 - "$BIN" "$ISSUE" "${RUNS:-9}" "${RUNS16:-3}" "$OUT" <<'PY'
import os, re, statistics, subprocess, sys, time

binary, issue, runs, runs16, out = sys.argv[1:6]
runs, runs16 = int(runs), int(runs16)

def split_issue(path):
    """(front matter with its fences, body) of an issue.md."""
    text = open(path, encoding="utf-8").read()
    m = re.match(r"(---\n.*?\n---\n)(.*)", text, re.S)
    return (m.group(1), m.group(2)) if m else ("", text)

def make_issue(name, front, body):
    """A new issue directory under OUT whose other files link to the default issue's."""
    d = os.path.join(out, "issues", name)
    os.makedirs(d)
    for f in os.listdir(issue):
        if f != "issue.md":
            os.symlink(os.path.abspath(os.path.join(issue, f)), os.path.join(d, f))
    styles = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(issue))), "styles")
    if os.path.isdir(styles) and not os.path.exists(os.path.join(out, "styles")):
        os.symlink(styles, os.path.join(out, "styles"))
    with open(os.path.join(d, "issue.md"), "w", encoding="utf-8") as f:
        f.write(front + body)
    return d

def edit_one_paragraph(body):
    """The body with one long paragraph's sentences reordered: the text changes, the
    characters (and so the subset fonts) do not."""
    lines = body.split("\n")
    for i, l in enumerate(lines):
        parts = [p for p in l.split("。") if p]
        if l and l[0] not in "#|-<!`>*0123456789" and len(parts) >= 2 and l.endswith("。"):
            lines[i] = "。".join(parts[1:] + parts[:1]) + "。"
            return "\n".join(lines)
    return body + "\n\n" + "新增一段。\n"

def run(d, pdf, env):
    """One build: wall s, CPU s, peak RSS KB and the JIANBAO_TIMING fields."""
    log = os.path.join(out, "stderr.txt")
    with open(log, "w") as e:
        t0 = time.perf_counter()
        p = subprocess.Popen([binary, "build", d, "-o", pdf], env=env,
                             stdout=subprocess.DEVNULL, stderr=e)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    err = open(log, encoding="utf-8", errors="replace").read()
    if p.returncode != 0 or not os.path.exists(pdf):
        sys.exit("bench: build of %s failed:\n%s" % (d, err))
    stages = {}
    for line in err.splitlines():
        if line.startswith("jianbao: timing:"):
            for part in line.split(":", 2)[2].split(","):
                if "=" in part:
                    k, v = part.strip().split("=", 1)
                    stages[k] = v
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss, stages

def bench(label, d, n, env, before=None):
    walls, cpus, rss, stages = [], [], [], {}
    for i in range(n):
        if before:
            before()
        pdf = os.path.join(out, "%s-%d.pdf" % (label.split()[0], i))
        w, c, r, st = run(d, pdf, env)
        walls.append(w); cpus.append(c); rss.append(r)
        for k, v in st.items():
            stages.setdefault(k, []).append(v)
    size = os.path.getsize(pdf)
    return label, n, walls, cpus, rss, size, stages

def num(v):
    m = re.match(r"-?[0-9.]+", v)
    return float(m.group(0)) if m else None

base = dict(os.environ, JIANBAO_TIMING="1")
cold = dict(base, JIANBAO_CACHE_DIR="off")
warm = dict(base, JIANBAO_CACHE_DIR=os.path.join(out, "cache"))
front, body = split_issue(os.path.join(issue, "issue.md"))
d16 = make_issue(os.path.basename(issue.rstrip("/")) + "-x16", front,
                 "\n\n".join([body.strip("\n")] * 16) + "\n")
def hostile_body(body):
    """Sections of the body's long paragraphs, each followed by a run without a break
    that fills a line."""
    paras = [l for l in body.split("\n")
             if len(l) > 80 and l[0] not in "#|-<!`>*0123456789"]
    pieces = ["/" * 400, "\\*" * 400, "".join("/" + chr(97 + j % 26) for j in range(1200)),
              "中文" + "/" * 300 + "。"]
    out = ""
    for sec in range(8):
        out += "\n# 栏目%d\n\n## 文章\n\n" % sec
        for i in range(3 + 2 * sec):
            out += paras[(7 * sec + i) % len(paras)] + "\n\n" + pieces[(sec + i) % 4] + "\n\n"
    return out

dhostile = make_issue(os.path.basename(issue.rstrip("/")) + "-hostile", front,
                      hostile_body(body))
dedit = make_issue(os.path.basename(issue.rstrip("/")) + "-edit", front,
                   edit_one_paragraph(body))

results = [bench("1x", issue, runs, cold), bench("16x", d16, runs16, cold)]
# A rebuild after an edit in a new process whose font cache is warm from a build of the
# unedited issue (the rebuild inside `jianbao watch` is bench_watch.sh's).
run(issue, os.path.join(out, "prime.pdf"), warm)
results.append(bench("warm edit", dedit, runs, warm))
results.append(bench("hostile", dhostile, runs16, cold))

load = os.getloadavg()
print("bench: %s, load %.1f %.1f %.1f on %d cores (wall times are noisy; CPU less so)" %
      (issue, load[0], load[1], load[2], os.cpu_count()))
print("bench: %-10s %4s  %-26s %9s %10s %8s" % ("case", "runs", "wall median (min-max)",
                                               "CPU med", "peak RSS", "PDF"))
for label, n, walls, cpus, rss, size, _ in results:
    print("bench: %-10s %4d  %6.3f s (%.3f-%.3f)     %7.3f s %7.1f MB %5.0f KB" %
          (label, n, statistics.median(walls), min(walls), max(walls),
           statistics.median(cpus), max(rss) / 1024.0, size / 1024.0))
for label, n, _, _, _, _, stages in results:
    parts = []
    for k, vs in stages.items():
        nums = [num(v) for v in vs]
        if None in nums:
            parts.append("%s=%s" % (k, vs[len(vs) // 2]))
        elif vs[0].endswith("KB"):
            parts.append("%s=%.1fMB" % (k, statistics.median(nums) / 1024.0))
        else:
            unit = re.sub(r"^-?[0-9.]+", "", vs[0])
            parts.append("%s=%.1f%s" % (k, statistics.median(nums), unit))
    print("bench: stages %-10s %s" % (label, ", ".join(parts) or "(no JIANBAO_TIMING output)"))
PY
