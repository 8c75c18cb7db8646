#!/usr/bin/env python3
"""The source tree's own rules, checked on every test run:
  layers    a folder includes only folders above it in layout/README.md's order, and no
            folder includes another's private headers;
  rules     every CL-/PR- id cited in code, tests or styles is defined in layout/RULES.md;
  copies    no run of six identical code lines appears twice in layout/ and fonts/.
Prints one line per finding and "tree: ok" when there is none; exit 1 on findings."""
import os, re, sys

ORDER = ['base', 'image', 'fonts', 'dlist', 'read', 'style', 'compose', 'blocks', 'flow',
         'front', 'pdf', 'preflight', 'import', 'app']
PRIVATE = {'layout/blocks/boxtext.h', 'layout/style/style_house.h', 'layout/pdf/pdfx.h',
           'layout/pdf/pdffont.h', 'layout/pdf/pdftag.h', 'layout/pdf/xmp.h'}
RUN = 6

def sources(top):
    for d in ('layout', 'fonts'):
        for root, _, files in os.walk(os.path.join(top, d)):
            for f in sorted(files):
                if f.endswith(('.c', '.h', '.cc')):
                    yield os.path.relpath(os.path.join(root, f), top)

def folder(path):
    parts = path.split('/')
    return 'fonts' if parts[0] == 'fonts' else parts[1]

def check_layers(top, out):
    for src in sources(top):
        me = folder(src)
        for n, line in enumerate(open(os.path.join(top, src), encoding='utf-8'), 1):
            m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
            if not m or not m.group(1).startswith(('layout/', 'fonts/')):
                continue
            inc = m.group(1)
            to = folder(inc)
            if to not in ORDER or me not in ORDER:
                out.append(f'{src}:{n}: layers: folder {to if to not in ORDER else me} is not in the order')
            elif ORDER.index(to) > ORDER.index(me):
                out.append(f'{src}:{n}: layers: {me}/ includes {inc}, further down the pipeline')
            if to != me and (inc in PRIVATE or inc.endswith('_int.h')):
                out.append(f'{src}:{n}: layers: {inc} is private to {to}/')

def check_rules(top, out):
    defined = set(re.findall(r'^\|\s*((?:CL|PR)-[A-Z0-9-]+)\s*\|',
                             open(os.path.join(top, 'layout/RULES.md'), encoding='utf-8').read(), re.M))
    pat = re.compile(r'\b(CL-[A-Z]{2}-\d+|PR-\d+)\b')
    for d in ('layout', 'fonts', 'tests', 'styles'):
        for root, _, files in os.walk(os.path.join(top, d)):
            for f in sorted(files):
                p = os.path.join(root, f)
                if f.endswith('.md') or not f.endswith(('.c', '.h', '.cc', '.sh', '.py', '.ini')):
                    continue
                for n, line in enumerate(open(p, encoding='utf-8', errors='replace'), 1):
                    for rid in pat.findall(line):
                        if rid not in defined:
                            out.append(f'{os.path.relpath(p, top)}:{n}: rules: {rid} is not defined in layout/RULES.md')

THIN = re.compile(r'^[\s{}();,]*$|^(/\*|\*|//|#\s*include)')

def check_copies(top, out):
    seen = {}
    for src in sources(top):
        lines = []
        for n, line in enumerate(open(os.path.join(top, src), encoding='utf-8'), 1):
            s = ' '.join(line.split())
            if s and not THIN.match(s):
                lines.append((n, s))
        for i in range(len(lines) - RUN + 1):
            key = '\n'.join(s for _, s in lines[i:i + RUN])
            here = (src, lines[i][0], lines[i + RUN - 1][0])
            prev = seen.get(key)
            if prev is None:
                seen[key] = here
            elif prev[0] != src or prev[2] < here[1]:
                out.append(f'{src}:{here[1]}-{here[2]}: copies: the same {RUN} lines as {prev[0]}:{prev[1]}-{prev[2]}')

def main():
    top = sys.argv[1] if len(sys.argv) > 1 else '.'
    out = []
    check_layers(top, out)
    check_rules(top, out)
    check_copies(top, out)
    for line in out:
        print(line)
    print('tree: ok' if not out else f'tree: {len(out)} findings')
    return 1 if out else 0

if __name__ == '__main__':
    sys.exit(main())
