#!/usr/bin/env python3
"""Writes the seed corpus of the preflight fuzzer (tests/fuzz/corpus/preflight/):
small PDFs, a few KB each, that reach every part of preflight: a press-like PDF/X-1a
and PDF/X-4 file, one with every defect preflight knows, one with LZW and inline
images, one with object streams (made by qpdf), and a damaged one.

    seeds.py OUTDIR
"""
import os
import subprocess
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hostile import pdf, stream  # noqa: E402


def lzw(data):
    """PDF LZW (EarlyChange 1), every byte its own 9-bit code, cleared in time."""
    bits, acc, out, entries = 0, 0, bytearray(), 258

    def put(code):
        nonlocal bits, acc
        acc = (acc << 9 | code) & ((1 << 64) - 1)
        bits += 9
        while bits >= 8:
            out.append((acc >> (bits - 8)) & 0xFF)
            bits -= 8

    put(256)
    for b in data:
        if entries >= 500:
            put(256)
            entries = 258
        put(b)
        entries += 1
    put(257)
    if bits:
        out.append((acc << (8 - bits)) & 0xFF)
    return bytes(out)


PROFILE = (b"\0\0\0\x80" + b"lcms" + b"\x04\x30\0\0" + b"prtr" + b"CMYK" + b"Lab " +
           b"\0" * 104)
XMP = (b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
       b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
       b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" '
       b'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" '
       b'xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/" '
       b'xmlns:pdfxid="http://www.npes.org/pdfx/ns/id/" pdfxid:GTS_PDFXVersion="PDF/X-4">'
       b'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">Seed</rdf:li></rdf:Alt></dc:title>'
       b'<xmp:CreateDate>2019-03-01T00:00:00Z</xmp:CreateDate>'
       b'<xmp:ModifyDate>2019-03-01T08:00:00+08:00</xmp:ModifyDate>'
       b'<xmpMM:DocumentID>uuid:1</xmpMM:DocumentID><xmpMM:VersionID>1</xmpMM:VersionID>'
       b'<xmpMM:RenditionClass>default</xmpMM:RenditionClass>'
       b'</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>')

CONTENT = (b"q /E1 gs 0 0 0 1 k BT /F1 9 Tf 1 0 0 1 60 700 Tm <00010002> Tj "
           b"[<0003> -250 <0004>] TJ 0 -12 Td (ab) ' 1 2 (cd) \" ET Q\n"
           b"q 0.2 0 0 0.1 K 1 w 50 50 m 200 50 l 200 80 100 90 50 50 c S Q\n"
           b"q 0 0.5 1 0 k 0 0 300 400 re f 20 20 100 100 re W n 0.3 g 0 0 50 50 re f* Q\n"
           b"q 30 0 0 30 100 100 cm /Im1 Do Q q 1 0 0 1 10 10 cm /Fm1 Do Q\n"
           b"q 20 0 0 20 300 300 cm BI /W 2 /H 2 /CS /CMYK /BPC 8 ID "
           b"\x00\x10\x20\x30\x40\x50\x60\x70\x80\x90\xa0\xb0\xc0\xd0\xe0\xf0 EI Q\n"
           b"/P <</MCID 0>> BDC EMC /DeviceCMYK cs 0 0 0 1 scn /Sh1 sh\n")


def page_objects(content, first, res=None, page_extra=b""):
    """Objects from number first: page, content, font, descendant, gs, image, form,
    shading. Returns (objects, page number)."""
    n = first
    if res is None:
        res = (b"<< /Font << /F1 %d 0 R >> /ExtGState << /E1 %d 0 R >> /XObject << /Im1 %d 0 R "
               b"/Fm1 %d 0 R >> /Shading << /Sh1 %d 0 R >> >>" % (n + 2, n + 4, n + 5, n + 6, n + 7))
    objs = [
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 858] /BleedBox [0 0 612 858] "
        b"/TrimBox [8.5 8.5 603.5 849.5] /Resources " + res +
        b" /Contents %d 0 R %s >>" % (n + 1, page_extra),
        stream(content),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+Seed-Regular /Encoding /Identity-H "
        b"/DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>" % (n + 3, n + 8),
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ABCDEF+Seed-Regular "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
        b"/DW 1000 /W [1 [500 600] 3 4 250] /FontDescriptor << /Type /FontDescriptor "
        b"/FontName /ABCDEF+Seed-Regular /Flags 4 /FontBBox [0 0 1000 1000] /ItalicAngle 0 "
        b"/Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 /FontFile2 %d 0 R >> >>" % (n + 9),
        b"<< /Type /ExtGState /OP true /op true /OPM 1 >>",
        stream(bytes(range(64)) * 4, b" /Type /XObject /Subtype /Image /Width 8 /Height 8 "
               b"/BitsPerComponent 8 /ColorSpace /DeviceCMYK"),
        stream(b"0 0 0 0.5 k 0 0 10 10 re f", b" /Type /XObject /Subtype /Form "
               b"/BBox [0 0 20 20] /Matrix [1 0 0 1 5 5] /Resources << >>"),
        b"<< /ShadingType 2 /ColorSpace /DeviceCMYK /Coords [0 0 1 0] /Function "
        b"<< /FunctionType 2 /Domain [0 1] /C0 [0 0 0 0] /C1 [0 0 0 1] /N 1 >> >>",
        stream(b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap "
               b"1 beginbfchar <0001> <0041> endbfchar endcmap end end"),
        stream(b"\0\1\0\0" + b"\0" * 60),
    ]
    return objs, n


def x1a():
    objs, _ = page_objects(CONTENT, 3)
    head = [
        b"<< /Type /Catalog /Pages 2 0 R /OutputIntents [<< /Type /OutputIntent /S /GTS_PDFX "
        b"/OutputConditionIdentifier (FOGRA39) /RegistryName (http://www.color.org) "
        b"/DestOutputProfile 13 0 R >>] >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    ]
    body = head + objs + [stream(PROFILE, b" /N 4")]
    info = (b"<< /Title (Seed) /CreationDate (D:20190301000000Z00'00') "
            b"/ModDate (D:20190301000000Z00'00') /GTS_PDFXVersion (PDF/X-1:2003) "
            b"/GTS_PDFXConformance (PDF/X-1a:2003) /Trapped /False /Producer (jianbao seed) >>")
    return with_info(pdf(body + [info]), len(body) + 1)


def with_info(data, info):
    """Adds /Info and /ID to the trailer pdf() wrote."""
    return data.replace(b"/Root 1 0 R >>", b"/Root 1 0 R /Info %d 0 R /ID [<0123456789abcdef>"
                        b"<0123456789abcdef>] >>" % info)


def x4():
    objs, _ = page_objects(CONTENT, 3, page_extra=b"/Group << /S /Transparency /CS /DeviceCMYK >>")
    head = [
        b"<< /Type /Catalog /Pages 2 0 R /Metadata 14 0 R /OutputIntents [<< /Type /OutputIntent "
        b"/S /GTS_PDFX /OutputConditionIdentifier (FOGRA39) /DestOutputProfile 13 0 R >>] >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    ]
    body = head + objs + [stream(PROFILE, b" /N 4"),
                          stream(XMP, b" /Type /Metadata /Subtype /XML", deflate=False)]
    info = (b"<< /Title (Seed) /CreationDate (D:20190301000000Z) /ModDate (D:20190301000000Z) "
            b"/GTS_PDFXVersion (PDF/X-4) /Trapped /True >>")
    return with_info(pdf(body + [info]).replace(b"%PDF-1.4", b"%PDF-1.6"), len(body) + 1)


def defects():
    content = CONTENT + (b"q /Ht gs /Tr gs 1 1 1 1 k 0 0 40 40 re f 0 0 0 0 k /E1 gs 5 5 5 5 re f "
                         b"/Ps Do /Opi Do BT /T3 12 Tf 1 0 0 1 600 400 Tm (A) Tj ET "
                         b"1 0 0 rg 0 1 0 RG /DeviceRGB cs 0.5 0.5 0.5 sc PS Q")
    res = (b"<< /Shading << /Sh1 10 0 R >> /ExtGState << /E1 7 0 R /Ht << /HT << /HalftoneType 6 /Width 1 /Height 1 >> >> "
             b"/Tr << /TR << /FunctionType 2 /Domain [0 1] /C0 [0] /C1 [1] /N 1 >> "
             b"/SMask << /S /Luminosity >> /ca 0.5 /BM /Multiply >> >> "
             b"/XObject << /Ps 13 0 R /Opi 14 0 R /Im1 8 0 R /Fm1 9 0 R >> "
             b"/Font << /F1 5 0 R /T3 << /Type /Font /Subtype /Type3 /FontMatrix "
             b"[0.001 0 0 0.001 0 0] /FirstChar 65 /LastChar 65 /Widths [600] "
             b"/CharProcs << >> /Encoding << /Differences [65 /a] >> >> >> "
             b"/ColorSpace << /C [/ICCBased 15 0 R] /D [/Indexed [/Separation /Spot /DeviceRGB "
             b"<< /FunctionType 2 /Domain [0 1] /C0 [0 0 0] /C1 [1 0 0] /N 1 >>] 1 <0000>] >> >>")
    objs, _ = page_objects(content, 3, res=res,
                           page_extra=b"/Annots [<< /Type /Annot /Subtype /Link /Rect "
                                      b"[10 10 90 30] /F 2 /A << /S /JavaScript /JS (1) >> >>] "
                                      b"/Group << /S /Transparency /CS /DeviceRGB >>")
    body = [
        b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [(a) << /Type "
        b"/Filespec /F (a) /EF << /F 16 0 R >> >>] >> >> /AcroForm << /Fields [] >> >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    ] + objs + [
        stream(b"0 0 moveto", b" /Type /XObject /Subtype /PS"),
        stream(b"\0\0\0\0", b" /Type /XObject /Subtype /Image /Width 1 /Height 1 "
               b"/BitsPerComponent 8 /ColorSpace /DeviceCMYK /OPI << /2.0 << /F (x.tif) >> >>"),
        stream(b"\0" * 32, b" /N 3"),
        stream(b"attached", b" /Type /EmbeddedFile"),
    ]
    return pdf(body)


def lzw_inline():
    content = (b"BT /F1 10 Tf 1 0 0 1 5 5 Tm (edge) Tj ET "
               b"q 72 0 0 72 100 100 cm BI /W 4 /H 4 /CS /RGB /BPC 8 /F /AHx ID "
               + b"00" * 48 + b"> EI Q "
               b"q 10 0 0 10 0 400 cm BI /IM true /W 8 /H 1 /D [1 0] ID \xaa EI Q")
    data = lzw(content)
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 400 400] >>",
        b"<< /Type /Page /Parent 2 0 R /TrimBox [10 10 390 390] /BleedBox [2 2 398 398] "
        b"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> "
        b"/Contents [4 0 R 5 0 R] >>",
        b"<< /Length %d /Filter /LZWDecode >>\nstream\n" % len(data) + data + b"\nendstream",
        stream(b"q 1 1 1 1 K 0 0 m 400 400 l S Q", b"", deflate=False),
    ]
    return pdf(objs)


def damaged():
    """The X-1a seed with its xref offsets off: qpdf has to recover."""
    d = bytearray(x1a())
    at = d.rfind(b"0000000")
    d[at:at + 10] = b"0000000001"
    return bytes(d)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    seeds = {"x1a.pdf": x1a(), "x4.pdf": x4(), "defects.pdf": defects(),
             "lzw-inline.pdf": lzw_inline(), "damaged.pdf": damaged()}
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    # Object and cross-reference streams (PDF 1.5), as qpdf writes them.
    subprocess.run(["qpdf", "--object-streams=generate", os.path.join(out, "x4.pdf"),
                    os.path.join(out, "objstm.pdf")], check=False)


if __name__ == "__main__":
    main()
