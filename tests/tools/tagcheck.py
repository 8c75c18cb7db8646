#!/usr/bin/env python3
"""Reads a tagged PDF back with independent tools and checks it.

  tagcheck.py tree PDF       the structure tree through qpdf --json: every element's /P
                             is its parent; the ParentTree maps every MCID of every page
                             to the element whose /K holds it, and every annotation to a
                             Link element with an OBJR for it; every page's marked
                             content numbers its MCIDs 0…n-1 once each, never nests
                             content in an artifact, and paints nothing outside marked
                             content; annotations have /Contents, their pages /Tabs /S.
                             Prints one line per problem and a summary: element counts
                             by type, figures with Alt, annotations, elements whose
                             content is on more than one page.
  tagcheck.py alt PDF        the /Alt of every Figure, one a line, in tree order.
  tagcheck.py cells PDF      every table cell as pdfinfo -struct-text shows it, one a line:
                             "TH RowSpan=3 Scope=Column 单位"; "Table" before each table.
  tagcheck.py arts PDF       every Art's first child and its text: "H2 标题".
  tagcheck.py text PDF       pdfinfo -struct-text's text, whitespace and bullets removed.
  tagcheck.py coverage PDF ISSUE.md
                             the share of the source's 8-character windows found in the
                             struct text (front matter, Markdown and HTML syntax, chart
                             blocks and whitespace removed; punctuation folded, as the
                             typesetter sets ASCII punctuation in Chinese full-width and
                             range hyphens as dashes): "coverage: 99.87 % …".
  tagcheck.py order PDF ISSUE.md
                             the source's section and article titles appear in the struct
                             text in source order ("order: ok" or the first one out).
  tagcheck.py fold           standard input with its punctuation folded (as coverage)."""
import base64, html, json, re, subprocess, sys, unicodedata


# ---- qpdf JSON ----

def load(pdf):
    out = subprocess.run(['qpdf', '--json=2', '--json-stream-data=inline',
                          '--decode-level=generalized', pdf], capture_output=True, check=True).stdout
    objs = json.loads(out)['qpdf'][1]
    return {k[4:]: v for k, v in objs.items() if k.startswith('obj:')}, objs.get('trailer', {})


class Doc:
    def __init__(self, pdf):
        self.objs, trailer = load(pdf)
        self.trailer = trailer.get('value', {})

    def get(self, v):
        """Follows a reference; dictionaries of streams are returned as dictionaries."""
        if isinstance(v, str) and re.fullmatch(r'\d+ \d+ R', v):
            o = self.objs.get(v, {})
            return o['stream']['dict'] if 'stream' in o else o.get('value')
        return v

    def data(self, ref):
        o = self.objs.get(ref, {})
        return base64.b64decode(o['stream'].get('data', '')) if 'stream' in o else b''

    def root(self):
        return self.get(self.trailer['/Root'])

    def pages(self):
        out = []
        def walk(ref):
            n = self.get(ref)
            if n.get('/Type') == '/Pages':
                for k in n['/Kids']:
                    walk(k)
            else:
                out.append(ref)
        walk(self.root()['/Pages'])
        return out

    def contents(self, page_ref):
        c = self.get(page_ref).get('/Contents')
        refs = c if isinstance(c, list) else [c] if c else []
        return b''.join(self.data(r) + b'\n' for r in refs)


def text_of(v):
    """A PDF string from qpdf JSON ("u:…" or "b:hex") as text."""
    if isinstance(v, str) and v.startswith('u:'):
        return v[2:]
    if isinstance(v, str) and v.startswith('b:'):
        b = bytes.fromhex(v[2:])
        return b[2:].decode('utf-16-be') if b[:2] == b'\xfe\xff' else b.decode('latin1')
    return ''


# ---- content streams ----

TOKEN = re.compile(rb'\s*(?:(%[^\r\n]*)|(<<|>>|\[|\])|(<[0-9A-Fa-f\s]*>)|(\()|(/[^\s/\[\]()<>{}%]*)'
                   rb'|([^\s/\[\]()<>{}%]+))')
PAINT = {b'Tj', b'TJ', b"'", b'"', b'f', b'F', b'f*', b'S', b's', b'B', b'B*', b'b', b'b*',
         b'Do', b'sh', b'BI'}


def literal_end(s, i):
    depth, i = 1, i + 1
    while i < len(s) and depth:
        c = s[i:i + 1]
        if c == b'\\':
            i += 1
        elif c == b'(':
            depth += 1
        elif c == b')':
            depth -= 1
        i += 1
    return i


def operators(s):
    """(operator, operands) of a content stream; operands keep names, numbers, and
    << >> dictionaries as flat token lists."""
    i, ops = 0, []
    while i < len(s):
        m = TOKEN.match(s, i)
        if not m or m.end() == i:
            break
        i = m.end()
        if m.group(1):
            continue
        if m.group(4):
            i = literal_end(s, m.start(4))
            ops.append(b'(str)')
            continue
        tok = m.group(2) or m.group(3) or m.group(5) or m.group(6)
        if m.group(6) and not re.fullmatch(rb'[-+.\d]+|true|false|null', tok):
            yield tok, ops
            ops = []
        else:
            ops.append(tok)


def check_content(data, page_no, problems):
    """MCIDs of one page in order; problems for nesting and unmarked painting."""
    stack, mcids = [], []
    for op, args in operators(data):
        if op in (b'BDC', b'BMC'):
            tag = args[0] if args else b''
            mcid = None
            if b'/MCID' in args:
                mcid = int(args[args.index(b'/MCID') + 1])
            if mcid is not None and stack:
                problems.append(f'page {page_no}: MCID {mcid} nested in {stack[-1]}')
            if mcid is not None:
                mcids.append(mcid)
            stack.append(tag.decode() + ('' if mcid is None else f' MCID {mcid}'))
        elif op == b'EMC':
            if not stack:
                problems.append(f'page {page_no}: EMC without BDC')
            else:
                stack.pop()
        elif op in PAINT and not stack:
            problems.append(f'page {page_no}: {op.decode()} outside marked content')
    if stack:
        problems.append(f'page {page_no}: unclosed {stack}')
    if mcids != list(range(len(mcids))):
        problems.append(f'page {page_no}: MCIDs not 0…n-1 in order: {mcids[:12]}')
    return mcids


# ---- the tree ----

def walk_tree(doc, problems):
    """Elements in tree order: (ref, dict, depth); MCRs and OBJRs by element."""
    root = doc.get(doc.root().get('/StructTreeRoot'))
    if not root:
        problems.append('no StructTreeRoot')
        return [], {}, {}
    root_ref = doc.root()['/StructTreeRoot']
    elems, mcrs, objrs = [], {}, {}

    def visit(ref, parent, depth):
        e = doc.get(ref)
        if not isinstance(e, dict) or '/S' not in e:
            problems.append(f'{ref}: not a structure element')
            return
        if e.get('/P') != parent:
            problems.append(f'{ref} {e["/S"]}: /P {e.get("/P")} is not its parent {parent}')
        elems.append((ref, e, depth))
        kids = e.get('/K', [])
        for k in kids if isinstance(kids, list) else [kids]:
            if isinstance(k, int):
                if '/Pg' not in e:
                    problems.append(f'{ref}: MCID {k} without /Pg')
                mcrs.setdefault(ref, []).append((e.get('/Pg'), k))
            elif isinstance(k, dict) and k.get('/Type') == '/MCR':
                mcrs.setdefault(ref, []).append((k.get('/Pg', e.get('/Pg')), k['/MCID']))
            elif isinstance(k, dict) and k.get('/Type') == '/OBJR':
                objrs.setdefault(ref, []).append(k['/Obj'])
            elif isinstance(k, str):
                visit(k, ref, depth + 1)
            else:
                problems.append(f'{ref}: unexpected kid {k!r}')

    kids = root.get('/K', [])
    for k in kids if isinstance(kids, list) else [kids]:
        visit(k, root_ref, 0)
    return elems, mcrs, objrs


def parent_tree(doc):
    root = doc.get(doc.root()['/StructTreeRoot'])
    out = {}

    def node(n):
        n = doc.get(n)
        nums = n.get('/Nums', [])
        for i in range(0, len(nums), 2):
            v = doc.get(nums[i + 1])
            out[nums[i]] = v if isinstance(v, list) else nums[i + 1]
        for k in n.get('/Kids', []):
            node(k)
    node(root['/ParentTree'])
    return out


def cmd_tree(pdf):
    doc = Doc(pdf)
    problems = []
    cat = doc.root()
    if cat.get('/MarkInfo', {}).get('/Marked') is not True:
        problems.append('catalog: no /MarkInfo << /Marked true >>')
    elems, mcrs, objrs = walk_tree(doc, problems)
    ptree = parent_tree(doc) if elems else {}
    owner = {}
    for ref, lst in mcrs.items():
        for pg, mcid in lst:
            if (pg, mcid) in owner:
                problems.append(f'MCID {mcid} on {pg} in two elements')
            owner[(pg, mcid)] = ref
    annots_total = 0
    for n, pref in enumerate(doc.pages(), 1):
        page = doc.get(pref)
        mcids = check_content(doc.contents(pref), n, problems)
        if mcids:
            sp = page.get('/StructParents')
            arr = ptree.get(sp) if sp is not None else None
            if not isinstance(arr, list) or len(arr) != len(mcids):
                problems.append(f'page {n}: ParentTree entry {sp} does not list its {len(mcids)} MCIDs')
            else:
                for m in mcids:
                    if owner.get((pref, m)) != arr[m]:
                        problems.append(f'page {n}: MCID {m} → {arr[m]}, but {owner.get((pref, m))} holds it')
        annots = doc.get(page.get('/Annots', []))
        if annots and page.get('/Tabs') != '/S':
            problems.append(f'page {n}: annotations without /Tabs /S')
        for a in annots or []:
            annots_total += 1
            ad = doc.get(a)
            link = ptree.get(ad.get('/StructParent'))
            if link is None or a not in objrs.get(link, []):
                problems.append(f'page {n}: annotation {a} has no Link element with its OBJR')
            elif doc.get(link).get('/S') != '/Link':
                problems.append(f'page {n}: annotation {a} is in a {doc.get(link).get("/S")}')
            if not text_of(ad.get('/Contents')):
                problems.append(f'page {n}: annotation {a} has no /Contents')
    counts = {}
    for _, e, _ in elems:
        counts[e['/S']] = counts.get(e['/S'], 0) + 1
    figures = [e for _, e, _ in elems if e['/S'] == '/Figure']
    with_alt = [e for e in figures if text_of(e.get('/Alt'))]
    for p in problems[:40]:
        print('problem:', p)
    print('elements:', ' '.join(f'{k[1:]}={v}' for k, v in sorted(counts.items())))
    print(f'figures: {len(figures)}, with Alt: {len(with_alt)}')
    print(f'annotations: {annots_total}')
    spread = sum(len({pg for pg, _ in lst}) > 1 for lst in mcrs.values())
    print(f'elements on more than one page: {spread}')
    print(f'tree: {len(problems)} problems')
    return 1 if problems else 0


def cmd_alt(pdf):
    doc = Doc(pdf)
    elems, _, _ = walk_tree(doc, [])
    for _, e, _ in elems:
        if e['/S'] == '/Figure':
            print(text_of(e.get('/Alt')))
    return 0


# ---- pdfinfo -struct-text as a tree ----

def struct_tree(pdf):
    """Nodes {type, attrs, text, kids} from pdfinfo -struct-text's indented listing."""
    out = subprocess.run(['pdfinfo', '-struct-text', pdf], capture_output=True, check=True,
                         text=True).stdout
    root = {'type': '', 'attrs': {}, 'text': '', 'kids': []}
    stack = [(-1, root)]
    for line in out.splitlines():
        body = line.strip()
        if not body:
            continue
        ind = len(line) - len(line.lstrip(' '))
        if body.startswith('"'):
            stack[-1][1]['text'] += body[1:-1]
            continue
        if body.startswith('/'):
            k, _, v = body[1:].partition(' ')
            stack[-1][1]['attrs'][k] = v.lstrip('/')
            continue
        if body.startswith('Object '):
            continue
        while stack[-1][0] >= ind:
            stack.pop()
        node = {'type': body.split()[0].rstrip(':'), 'attrs': {}, 'text': '', 'kids': []}
        stack[-1][1]['kids'].append(node)
        stack.append((ind, node))
    return root


def all_text(n):
    return n['text'] + ''.join(all_text(k) for k in n['kids'])


def nodes(n, typ):
    if n['type'] == typ:
        yield n
    for k in n['kids']:
        yield from nodes(k, typ)


def cmd_cells(pdf):
    for t in nodes(struct_tree(pdf), 'Table'):
        print('Table')
        for tr in nodes(t, 'TR'):
            for c in tr['kids']:
                attrs = ''.join(f' {k}={v}' for k, v in sorted(c['attrs'].items()))
                print(f"{c['type']}{attrs} {all_text(c)}")
    return 0


def cmd_arts(pdf):
    for a in nodes(struct_tree(pdf), 'Art'):
        first = a['kids'][0] if a['kids'] else {'type': '-', 'text': '', 'kids': []}
        print(first['type'], all_text(first))
    return 0


# ---- text ----

DASHES = str.maketrans({c: '-' for c in '\u2010\u2011\u2012\u2013\u2014\u2015\u2212'})


def fold(s):
    """One form for each punctuation mark: full-width and ASCII, hyphen and dashes."""
    return unicodedata.normalize('NFKC', s).translate(DASHES)


def struct_text(pdf):
    out = subprocess.run(['pdfinfo', '-struct-text', pdf], capture_output=True, check=True,
                         text=True).stdout
    parts = [m.group(1) for m in re.finditer(r'^\s*"(.*)"\s*$', out, re.M)]
    # "•" is how the source's "-" list marks print: syntax on both sides.
    return fold(re.sub(r'[\s•]+', '', ''.join(parts)))


def source_text(md):
    s = open(md, encoding='utf-8').read()
    s = re.sub(r'\A---\n.*?\n---\n', '', s, flags=re.S)              # front matter
    s = re.sub(r'^```chart\n.*?^```\s*$', '', s, flags=re.S | re.M)   # charts: data, drawn
    s = re.sub(r'!\[([^\]]*)\]\([^)]*\)', r'\1', s)                   # images: their alt
    s = re.sub(r'\[([^\]]*)\]\([^)]*\)', r'\1', s)                    # links: their text
    s = re.sub(r'<(https?://[^>]+)>', r'\1', s)                        # autolinks
    s = re.sub(r'<[^>]+>', '', s)                                      # HTML tags
    s = re.sub(r'^\s*\|?[-:| ]+\|[-:| ]*$', '', s, flags=re.M)         # table rules
    s = re.sub(r'^\s*(#{1,6}|>+|[-*+])\s+', '', s, flags=re.M)   # block marks (ordered
                                                                   # list numbers print)
    s = re.sub(r'^\s*\|(.*?)\|?\s*$', lambda m: m.group(1).replace('|', ''), s,
               flags=re.M)                                         # GFM table rows
    s = re.sub(r'[*`]', '', s)
    return fold(re.sub(r'\s+', '', html.unescape(s)))


def cmd_text(pdf):
    print(struct_text(pdf))
    return 0


def cmd_coverage(pdf, md, n=8):
    got, want = struct_text(pdf), source_text(md)
    grams = {got[i:i + n] for i in range(len(got) - n + 1)}
    total = max(len(want) - n + 1, 1)
    found = sum(want[i:i + n] in grams for i in range(len(want) - n + 1))
    print(f'coverage: {100.0 * found / total:.2f} % of {total} {n}-character windows '
          f'({total - found} not found)')
    return 0


def cmd_order(pdf, md):
    got = struct_text(pdf)
    titles = [fold(re.sub(r'\s+', '', re.sub(r'[*`]', '', m.group(1))))
              for m in re.finditer(r'^#{1,2}\s+(.*)$', open(md, encoding='utf-8').read(), re.M)]
    at = 0
    for t in titles:
        k = got.find(t, at)
        if k < 0:
            print(f'order: "{t}" not found after position {at} (found at {got.find(t)})')
            return 1
        at = k + len(t)
    print(f'order: ok ({len(titles)} titles in source order)')
    return 0


def cmd_fold():
    sys.stdout.write(fold(sys.stdin.read()))
    return 0


def main():
    if len(sys.argv) == 2 and sys.argv[1] == 'fold':
        return cmd_fold()
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    cmd = {'tree': cmd_tree, 'alt': cmd_alt, 'text': cmd_text, 'coverage': cmd_coverage,
           'order': cmd_order, 'cells': cmd_cells, 'arts': cmd_arts}.get(sys.argv[1])
    if not cmd:
        sys.exit(__doc__)
    return cmd(*sys.argv[2:])


if __name__ == '__main__':
    sys.exit(main())
