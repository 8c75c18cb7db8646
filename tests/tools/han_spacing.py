#!/usr/bin/env python3
"""han_spacing.py PDF [--max EM] [-v]: lines whose Han characters are letter-spaced.

Reads the glyph positions of every page with `mutool draw -F stext` and, for each line
mutool finds, takes every pair of neighbouring Han characters (CJK ideographs of the
same size, less than three em from origin to origin, so that a jump between columns is
not a pair; the blanks mutool puts between spaced-out glyphs are skipped). The extra
space of a pair is the distance between their origins less one em. A line whose
median extra space is more than --max em (default 0.25, CL-JU-07) is reported as

    page N: 0.31 em: 内核文档位于/usr/share/…

Prints the number of lines measured and the largest median seen; exits 1 when a line
is over the limit (2 when mutool fails).
"""
import argparse
import statistics
import subprocess
import sys
import xml.etree.ElementTree as ET


def is_han(c):
    o = ord(c)
    return (0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF
            or 0x20000 <= o <= 0x3FFFF)


def lines_of(pdf):
    """(page, size-tagged chars) for every stext line: chars are (x, size, c)."""
    out = subprocess.run(['mutool', 'draw', '-q', '-F', 'stext', '-o', '-', pdf],
                         capture_output=True)
    if out.returncode != 0:
        sys.stderr.write(out.stderr.decode('utf-8', 'replace'))
        sys.exit(2)
    root = ET.fromstring(out.stdout)
    for pno, page in enumerate(root.iter('page'), 1):
        for line in page.iter('line'):
            chars = []
            for font in line.iter('font'):
                size = float(font.get('size'))
                for ch in font.iter('char'):
                    if not ch.get('c').isspace():
                        chars.append((float(ch.get('x')), size, ch.get('c')))
            yield pno, chars


def spacing(chars):
    """Median extra space between neighbouring Han characters, in em (None: no pair)."""
    gaps = []
    for (x0, s0, c0), (x1, s1, c1) in zip(chars, chars[1:]):
        if is_han(c0) and is_han(c1) and abs(s0 - s1) < 0.01 and 0 < x1 - x0 < 3 * s0:
            gaps.append((x1 - x0 - s0) / s0)
    return statistics.median(gaps) if gaps else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('pdf')
    ap.add_argument('--max', type=float, default=0.25)
    ap.add_argument('-v', action='store_true', help='list the five most spaced lines')
    a = ap.parse_args()
    measured, worst, bad, seen = 0, 0.0, 0, []
    for pno, chars in lines_of(a.pdf):
        m = spacing(chars)
        if m is None:
            continue
        measured += 1
        worst = max(worst, m)
        text = ''.join(c for _, _, c in chars)
        seen.append((m, pno, text))
        if m > a.max:
            bad += 1
            print('page %d: %.3f em: %s' % (pno, m, text))
    if a.v:
        for m, pno, text in sorted(seen, reverse=True)[:5]:
            print('  page %d: %.3f em: %s' % (pno, m, text))
    print('%s: %d lines with Han pairs, largest median spacing %.3f em, %d over %.2f em'
          % (a.pdf, measured, worst, bad, a.max))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
