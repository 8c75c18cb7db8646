#!/bin/sh
# Press output of the default issue, checked with independent tools (PR-01…PR-11).
. tests/integration/lib.sh
PDF=$TMP/press.pdf
check "builds with --press" "$JIANBAO" build --press issues/2019-03 -o "$PDF"
check "preflight passes (0 failures)" sh -c "'$JIANBAO' preflight '$PDF' > '$TMP/pf.txt'; grep -q '^preflight: 0 failures' '$TMP/pf.txt'"
check "PDF/X-1a identification and version 1.4" sh -c "pdfinfo '$PDF' | grep -q 'PDF version: *1.4' && qpdf --show-object=trailer '$PDF' | grep -q '/ID' && qpdf --qdf --object-streams=disable '$PDF' - | grep -a -q 'GTS_PDFXVersion'"
check "output intent with an embedded CMYK profile" sh -c "qpdf --qdf --object-streams=disable '$PDF' - | grep -a -q '/S /GTS_PDFX' && qpdf --qdf --object-streams=disable '$PDF' - | grep -a -q '/N 4'"
# Boxes: Trim = A4, Bleed 3 mm (8.504 pt) around it, Media holding both, on every page.
pdfinfo -box -f 1 -l 999 "$PDF" > "$TMP/box.txt"
python3 - "$TMP/box.txt" > "$TMP/boxcheck.txt" <<'PY'
import re, sys
pages = {}
for line in open(sys.argv[1]):
    m = re.match(r'Page\s+(\d+)\s+(MediaBox|BleedBox|TrimBox):\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)', line)
    if m:
        pages.setdefault(int(m.group(1)), {})[m.group(2)] = [float(m.group(i)) for i in range(3, 7)]
bad = []
for p, b in sorted(pages.items()):
    t, bl, me = b.get('TrimBox'), b.get('BleedBox'), b.get('MediaBox')
    if not (t and bl and me):
        bad.append(p); continue
    ok = abs((t[2] - t[0]) - 595.276) < 0.05 and abs((t[3] - t[1]) - 841.89) < 0.05
    ok &= all(abs(x - 8.504) < 0.01 for x in (t[0] - bl[0], t[1] - bl[1], bl[2] - t[2], bl[3] - t[3]))
    ok &= me[0] <= bl[0] and me[1] <= bl[1] and me[2] >= bl[2] and me[3] >= bl[3]
    if not ok:
        bad.append(p)
print(len(pages), bad)
PY
check "every page: Trim A4, Bleed 3 mm, Media holding both" sh -c "grep -q '^[1-9][0-9]* \[\]$' '$TMP/boxcheck.txt'"
check "every font embedded and subset" sh -c "pdffonts '$PDF' | awk 'NR > 2 && \$0 !~ /yes yes yes/ { bad = 1 } END { exit bad }'"
check "no RGB image" sh -c "! pdfimages -list '$PDF' | awk 'NR > 2' | grep -q rgb"
# Pages of plain text print in black ink only.
gs -q -o - -sDEVICE=inkcov -dUseTrimBox -dFirstPage=7 -dLastPage=10 "$PDF" > "$TMP/ink.txt" 2>/dev/null
check "text pages are K only (gs inkcov)" sh -c "test \$(wc -l < '$TMP/ink.txt') -eq 4 && awk '\$1 + \$2 + \$3 > 0 { bad = 1 } END { exit bad }' '$TMP/ink.txt'"
check "qpdf --check: no errors" sh -c "qpdf --check '$PDF' | grep -q 'No syntax or stream encoding errors'"
# The cover's band runs into the bleed: the media box's top-left corner is inked.
pdftoppm -r 36 -f 1 -l 1 -gray "$PDF" "$TMP/cover" && f=$(ls "$TMP"/cover*.pgm)
check "the cover band reaches into the bleed" python3 -c "
import sys
d = open('$f', 'rb').read()
parts = d.split(b'\n', 3)
w, h = map(int, parts[1].split()); px = parts[3]
sys.exit(0 if px[2 * w + 2] < 200 else 1)"
"$JIANBAO" build --press issues/2019-03 -o "$TMP/again.pdf" 2>/dev/null
check "press output is deterministic" cmp "$PDF" "$TMP/again.pdf"
check "PDF/X-4 on request: version 1.6, XMP identification, preflight clean" sh -c "
    '$JIANBAO' build --press=x4 issues/2019-03 -o '$TMP/x4.pdf' 2>/dev/null &&
    pdfinfo '$TMP/x4.pdf' | grep -q 'PDF version: *1.6' &&
    pdfinfo -meta '$TMP/x4.pdf' | grep -q 'PDF/X-4' &&
    '$JIANBAO' preflight '$TMP/x4.pdf' | grep -q '^preflight: 0 failures, 0 warnings (PDF/X-4)'"
# PDF/X allows no annotation inside the BleedBox: Ghostscript's PDF/X output would
# otherwise say "Annotation … not permitted in PDF/X, reverting to normal PDF output".
for f in "$PDF" "$TMP/x4.pdf"; do
    gs -dPDFX -dBATCH -dNOPAUSE -sDEVICE=pdfwrite -sOutputFile=/dev/null "$f" > "$TMP/gs.txt" 2>&1
    check "gs -dPDFX accepts $(basename "$f"): no 'not permitted in PDF/X', no 'reverting'" \
        sh -c "! grep -i -e 'not permitted in PDF/X' -e 'reverting' '$TMP/gs.txt'"
done
"$JIANBAO" build issues/2019-03 -o "$TMP/plain.pdf" 2>/dev/null
check "press output: no links; outline and page labels kept" sh -c "
    test \$(qpdf --qdf --object-streams=disable '$PDF' - | grep -a -c '/Subtype /Link') -eq 0 &&
    qpdf --qdf --object-streams=disable '$PDF' - | grep -a -q '/Outlines' &&
    qpdf --qdf --object-streams=disable '$PDF' - | grep -a -q '/PageLabels'"
check "plain output keeps the 25 contents links (and the cover's website link)" sh -c "
    test \$(qpdf --qdf --object-streams=disable '$TMP/plain.pdf' - | grep -a -c '/Subtype /Link') -eq 26 &&
    test \$(qpdf --qdf --object-streams=disable '$TMP/plain.pdf' - | grep -a -c '/S /URI') -eq 1"
check "preflight of the X-1a build: no warnings either" grep -q '^preflight: 0 failures, 0 warnings' "$TMP/pf.txt"
exit $status
