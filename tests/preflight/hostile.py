#!/usr/bin/env python3
"""Small hostile PDFs for preflight's limits (issue 13), written at test time.

    hostile.py KIND OUT.pdf [SCALE]

Every file is a valid PDF (correct xref) whose content is built to exhaust one
resource of a naive reader. SCALE (default 1) shrinks or grows the payload so the
tests can use small versions and the measurements the full ones.

  nested-arrays   a page whose content is 2,000,000 '[' (1.4 KB deflated)
  deflate-bomb    a page whose content inflates to 1 GiB of spaces (1 MB deflated)
  nested-forms    8 form XObjects, each drawing the next 10 times, every draw in a
                  place of its own (10^7 distinct states)
  same-forms      the same, drawn 10 times at one place (same graphics state)
  form-million    a page drawing one small form 1,000,000 times
  deep-objects    an object of 100,000 nested arrays in the file itself
  many-objects    a page with 300,000 font resources
  deep-pages      a page tree 50,000 levels deep (qpdf 11.3's own recursion overflows)
  many-forms      a page drawing 4,097 different form XObjects
  many-fonts      a page showing text in 4,097 different fonts
"""
import sys
import zlib


def pdf(objects):
    """objects[i] is the body of object i+1 (bytes); 1 is the catalog."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def stream(data, extra=b"", deflate=True):
    if deflate:
        data = zlib.compress(data, 9)
        extra += b" /Filter /FlateDecode"
    return b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def deflated_repeat(chunk, total):
    """zlib data of chunk repeated up to total bytes, without holding them all."""
    c = zlib.compressobj(9)
    parts = []
    block = chunk * max(1, (1 << 20) // len(chunk))
    done = 0
    while done < total:
        piece = block[: total - done]
        parts.append(c.compress(piece))
        done += len(piece)
    parts.append(c.flush())
    return b"".join(parts)


def one_page(content_obj, resources=b"<< >>", more=()):
    """Catalog, page tree, page (4 is its content) and more objects from 5 on."""
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /TrimBox [20 20 180 180] "
        b"/BleedBox [11 11 189 189] /Resources " + resources + b" /Contents 4 0 R >>",
        content_obj,
    ] + list(more)


def nested_arrays(scale):
    n = int(2_000_000 * scale)
    return pdf(one_page(stream(b"[" * n)))


def deflate_bomb(scale):
    total = int((1 << 30) * scale)
    data = deflated_repeat(b" ", total)
    obj = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"
    return pdf(one_page(obj))


def nested_forms(scale, distinct=True):
    depth, fan = 8, max(1, int(10 * scale))
    forms = []
    for level in range(depth):
        nxt = level + 1
        if nxt < depth:
            draws = b"".join(
                b"q 1 0 0 1 %d 0 cm /X Do Q\n" % (k * 10 ** level if distinct else 0)
                for k in range(fan))
            res = b"<< /XObject << /X %d 0 R >> >>" % (5 + nxt)
        else:
            draws, res = b"0 0 0 1 k 30 30 10 10 re f\n", b"<< >>"
        forms.append(stream(draws, b" /Type /XObject /Subtype /Form /BBox [0 0 200 200] "
                                   b"/Resources " + res, deflate=False))
    page = stream(b"/X Do\n", deflate=False)
    return pdf(one_page(page, b"<< /XObject << /X 5 0 R >> >>", forms))


def form_million(scale):
    n = int(1_000_000 * scale)
    form = stream(b"0 0 0 1 k 30 30 10 10 re f\n",
                  b" /Type /XObject /Subtype /Form /BBox [0 0 200 200]", deflate=False)
    data = deflated_repeat(b"/X Do\n", 6 * n)
    page = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"
    return pdf(one_page(page, b"<< /XObject << /X 5 0 R >> >>", [form]))


def deep_objects(scale):
    n = int(100_000 * scale)
    return pdf(one_page(stream(b"q Q"), b"<< /X " + b"[" * n + b"]" * n + b" >>"))


def many_objects(scale):
    n = int(300_000 * scale)
    fonts = b"".join(b"/F%d 5 0 R " % i for i in range(n))
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    return pdf(one_page(stream(b"q Q"), b"<< /Font << " + fonts + b">> >>", [font]))


def deep_pages(scale):
    n = int(50000 * scale)
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for i in range(n):
        parent = b"/Parent %d 0 R " % (1 + i) if i else b""
        objs.append(b"<< /Type /Pages /Kids [%d 0 R] /Count 1 %s>>" % (3 + i, parent))
    objs.append(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 100 100] /Contents %d 0 R >>"
                % (1 + n, 3 + n))
    objs.append(stream(b"q Q"))
    return pdf(objs)


def many_forms(scale):
    n = int(4097 * scale)
    form = stream(b"0 0 0 1 k 30 30 10 10 re f\n",
                  b" /Type /XObject /Subtype /Form /BBox [0 0 200 200]", deflate=False)
    names = b"".join(b"/X%d %d 0 R " % (i, 5 + i) for i in range(n))
    page = stream(b"".join(b"/X%d Do\n" % i for i in range(n)))
    return pdf(one_page(page, b"<< /XObject << " + names + b">> >>", [form] * n))


def many_fonts(scale):
    n = int(4097 * scale)
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    names = b"".join(b"/F%d %d 0 R " % (i, 5 + i) for i in range(n))
    page = stream(b"BT 30 100 Td " + b"".join(b"/F%d 10 Tf (a) Tj\n" % i for i in range(n)) +
                  b"ET")
    return pdf(one_page(page, b"<< /Font << " + names + b">> >>", [font] * n))


KINDS = {
    "nested-arrays": nested_arrays,
    "deflate-bomb": deflate_bomb,
    "nested-forms": lambda s: nested_forms(s, True),
    "same-forms": lambda s: nested_forms(s, False),
    "form-million": form_million,
    "deep-objects": deep_objects,
    "many-objects": many_objects,
    "deep-pages": deep_pages,
    "many-forms": many_forms,
    "many-fonts": many_fonts,
}

if __name__ == "__main__":
    if len(sys.argv) not in (3, 4) or sys.argv[1] not in KINDS:
        sys.exit(__doc__)
    scale = float(sys.argv[3]) if len(sys.argv) == 4 else 1.0
    with open(sys.argv[2], "wb") as f:
        f.write(KINDS[sys.argv[1]](scale))
