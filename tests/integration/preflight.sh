#!/bin/sh
# jianbao preflight through the CLI: the report on the plain and the press issue, the
# JSON against its schema, the options, and hostile input (issue 13: no crash, no hang,
# bounded memory, each with its message and exit status).
. tests/integration/lib.sh
SCHEMA=layout/preflight/report.schema.json
"$JIANBAO" build issues/2019-03 -o "$TMP/plain.pdf" 2>/dev/null
"$JIANBAO" build --press issues/2019-03 -o "$TMP/x1a.pdf" 2>/dev/null
"$JIANBAO" build --press=x4 issues/2019-03 -o "$TMP/x4.pdf" 2>/dev/null
PAGES=$(pdfinfo "$TMP/plain.pdf" | sed -n 's/^Pages: *//p')

"$JIANBAO" preflight "$TMP/plain.pdf" > "$TMP/plain.txt"; rc=$?
check "plain issue: exit 1, at most 15 lines" sh -c "test $rc -eq 1 && test \$(wc -l < '$TMP/plain.txt') -le 15"
check "plain issue: says to build with --press" grep -q 'is a plain jianbao PDF: for the print shop, build with --press' "$TMP/plain.txt"
check "plain issue: findings grouped by rule with page ranges" grep -q "^PR-06 failure: no TrimBox: pages 1–$PAGES\. " "$TMP/plain.txt"
check "plain issue: no object numbers for the print shop" sh -c "! grep -q -i 'object [0-9]' '$TMP/plain.txt'"
check "press issue: passes with no finding" sh -c "'$JIANBAO' preflight '$TMP/x1a.pdf' > '$TMP/x1a.txt' && grep -q '^preflight: 0 failures, 0 warnings (PDF/X-1a:2003)$' '$TMP/x1a.txt' && test \$(wc -l < '$TMP/x1a.txt') -eq 2"

for f in plain x1a x4; do
    "$JIANBAO" preflight --json "$TMP/$f.pdf" > "$TMP/$f.json"
done
"$JIANBAO" preflight --json /dev/zero > "$TMP/zero.json"
check "--json on the plain, press (X-1a, X-4) issue and an unreadable file: valid against the schema" \
    python3 tests/preflight/validate_json.py "$SCHEMA" "$TMP/plain.json" "$TMP/x1a.json" "$TMP/x4.json" "$TMP/zero.json"
check "--json: the plain issue fails with the --press advice; the press issue passes" python3 -c "
import json
p = json.load(open('$TMP/plain.json')); x = json.load(open('$TMP/x1a.json'))
assert p['passed'] is False and p['plain_jianbao'] and p['advice'].startswith('build with --press')
assert [f['pages'] for f in p['findings'] if f['check'] == 'trimbox-missing'] == [[[1, $PAGES]]]
assert x['passed'] and x['findings'] == [] and x['claim'] == 'PDF/X-1:2003' and x['target_from'] == 'file'"

check "--target x4 checks an X-1a file as X-4 (exit 1)" sh -c "'$JIANBAO' preflight --target x4 '$TMP/x1a.pdf' > '$TMP/t.txt'; test \$? -eq 1 && grep -q 'checked as PDF/X-4 (the file claims PDF/X-1:2003)' '$TMP/t.txt'"
check "--target auto reads the claim (X-4 file: X-4)" sh -c "'$JIANBAO' preflight --target auto '$TMP/x4.pdf' | grep -q '^preflight: 0 failures, 0 warnings (PDF/X-4)$'"
check "--target with a bad value: usage error, exit 2" sh -c "'$JIANBAO' preflight --target x3 '$TMP/x1a.pdf' 2> '$TMP/e.txt'; test \$? -eq 2 && grep -q 'target takes x1a, x4 or auto, not x3' '$TMP/e.txt'"

check "the README's table of checks says what layout/preflight/pf_checks.c does" python3 -c "
import re
sev = {'PF_FAIL': 'failure', 'PF_WARN': 'warning', 'PF_NONE': '—'}
code = re.findall(r'\\[PFK_\\w+\\] = \\{ \"([a-z0-9-]+)\", (\\d+), (PF_\\w+), (PF_\\w+),', open('layout/preflight/pf_checks.c').read())
code = [(i, 'PR-%02d' % int(r), sev[a], sev[b]) for i, r, a, b in code]
doc = re.findall(r'^\\| \x60([a-z0-9-]+)\x60 \\| (PR-\\d+) \\| (\\S+) \\| (\\S+) \\|', open('README.md').read(), re.M)
assert len(code) == 46 and code == doc, (len(code), len(doc), set(code) ^ set(doc))"

# Hostile input: exit 1 with the limit's message (or a clean report), never a crash.
hostile() { python3 tests/preflight/hostile.py "$1" "$TMP/$1.pdf" "${2:-1}"; }
# expect KIND SCALE TEXT: preflight exits 1 and prints TEXT
expect() {
    hostile "$1" "$2"
    "$JIANBAO" preflight "$TMP/$1.pdf" > "$TMP/$1.txt" 2>&1; rc=$?
    check "$1: exit 1, '$3'" sh -c "test $rc -eq 1 && grep -q -F '$3' '$TMP/$1.txt'"
}
expect nested-arrays 1 "preflight: 2 failures"
expect deflate-bomb 0.1 "the page content decodes to more than 32 MB: it was not checked"
expect nested-forms 1 "more than 10000000 content-stream tokens: the rest of the file was not checked"
expect same-forms 1 "preflight: 2 failures"
expect form-million 0.2 "preflight: 2 failures"
expect deep-objects 1 "ignoring excessively deeply nested data structure"
expect deep-pages 1 "the page tree is more than 256 levels deep: no page was checked"
mkfifo "$TMP/fifo.pdf"
check "a FIFO is refused at once (exit 2), not read" sh -c "'$JIANBAO' preflight '$TMP/fifo.pdf' > '$TMP/f.txt'; test \$? -eq 2 && grep -q 'fifo.pdf: error: is a FIFO, not a PDF file' '$TMP/f.txt'"
exit $status
