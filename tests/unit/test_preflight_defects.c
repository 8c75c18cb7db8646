/* Planted defects (issue 15): each test takes a clean press PDF of the default issue,
 * built by the real binary at test time and cut to its first four pages, plants one
 * defect with libqpdf's C API and expects exactly the findings (rule, check, severity)
 * the README's preflight section lists for it. No PDF is committed. */
#include "testutil.h"

#include <stdint.h>

#include <qpdf/qpdf-c.h>

#include "layout/preflight/preflight.h"

static char x1a[300], x4[300];

/* ---- what preflight must say ---- */

typedef struct {
    const char *rule, *check;
    preflight_severity severity;
    const char *message;      /* a part of the message, or NULL */
} expect;

static preflight_report *check(const char *path)
{
    preflight_report *r = preflight_check(path, NULL);
    assert_non_null(r);
    if (r->error)
        fprintf(stderr, "%s: %s\n", path, r->error);
    assert_null(r->error);
    return r;
}

static void dump(const preflight_report *r)
{
    preflight_print_text(r, stderr);
}

/* The report holds exactly the expected findings, in any order, and exits as the
 * severities say. */
static void assert_findings(const char *path, const expect *want, size_t n)
{
    preflight_report *r = check(path);
    bool ok = r->nfindings == n;
    int failures = 0;
    for (size_t i = 0; i < n; i++) {
        bool found = false;
        for (size_t j = 0; j < r->nfindings && !found; j++) {
            const preflight_finding *f = &r->findings[j];
            char rule[8];
            snprintf(rule, sizeof rule, "PR-%02d", f->rule);
            found = !strcmp(rule, want[i].rule) && !strcmp(f->check, want[i].check) &&
                    f->severity == want[i].severity &&
                    (!want[i].message || strstr(f->message, want[i].message));
        }
        if (!found) {
            fprintf(stderr, "missing: %s %s %s %s\n", want[i].rule, want[i].check,
                    want[i].severity == PREFLIGHT_FAILURE ? "failure" : "warning",
                    want[i].message ? want[i].message : "");
            ok = false;
        }
        failures += want[i].severity == PREFLIGHT_FAILURE;
    }
    if (!ok)
        dump(r);
    assert_true(ok);
    assert_int_equal(preflight_exit_code(r), failures ? 1 : 0);
    preflight_report_free(r);
}

/* ---- planting, with libqpdf ---- */

typedef struct {
    qpdf_data q;
    qpdf_oh page;             /* page 2 (the contents page) */
    double trim[4];
} doc;

static doc open_doc(const char *base)
{
    doc d = { qpdf_init(), 0, { 0 } };
    assert_non_null(d.q);
    assert_false(qpdf_read(d.q, base, "") & QPDF_ERRORS);
    d.page = qpdf_get_page_n(d.q, 1);
    qpdf_oh tb = qpdf_oh_get_key(d.q, d.page, "/TrimBox");
    for (int i = 0; i < 4; i++)
        d.trim[i] = qpdf_oh_get_numeric_value(d.q, qpdf_oh_get_array_item(d.q, tb, i));
    return d;
}

static void save(doc *d, const char *path)
{
    assert_false(qpdf_init_write(d->q, path) & QPDF_ERRORS);
    qpdf_set_static_ID(d->q, QPDF_TRUE); /* the same bytes every run */
    qpdf_set_stream_data_mode(d->q, qpdf_s_preserve); /* keep the planted filters (LZW) */
    assert_false(qpdf_write(d->q) & QPDF_ERRORS);
    qpdf_cleanup(&d->q);
}

static qpdf_oh parse(doc *d, const char *text)
{
    qpdf_oh o = qpdf_oh_parse(d->q, text);
    assert_false(qpdf_has_error(d->q));
    return o;
}

/* A new indirect stream with data and the dictionary entries in dict ("<< … >>"). */
static qpdf_oh new_stream(doc *d, const char *dict, const void *data, size_t len)
{
    qpdf_oh s = qpdf_oh_new_stream(d->q);
    qpdf_oh_replace_stream_data(d->q, s, (const unsigned char *)data, len,
                                qpdf_oh_new_null(d->q), qpdf_oh_new_null(d->q));
    qpdf_oh extra = parse(d, dict), sd = qpdf_oh_get_dict(d->q, s);
    qpdf_oh_begin_dict_key_iter(d->q, extra);
    char keys[16][64];
    int n = 0;
    while (n < 16 && qpdf_oh_dict_more_keys(d->q))
        snprintf(keys[n++], sizeof keys[0], "%s", qpdf_oh_dict_next_key(d->q));
    for (int i = 0; i < n; i++)
        qpdf_oh_replace_key(d->q, sd, keys[i], qpdf_oh_get_key(d->q, extra, keys[i]));
    return qpdf_make_indirect_object(d->q, s);
}

/* Puts value under name in the page's resource category ("/XObject"…). */
static void add_resource(doc *d, const char *category, const char *name, qpdf_oh value)
{
    qpdf_oh res = qpdf_oh_get_key(d->q, d->page, "/Resources");
    qpdf_oh cat = qpdf_oh_get_key(d->q, res, category);
    if (!qpdf_oh_is_dictionary(d->q, cat)) {
        cat = qpdf_oh_new_dictionary(d->q);
        qpdf_oh_replace_key(d->q, res, category, cat);
    }
    qpdf_oh_replace_key(d->q, cat, name, value);
}

/* Appends content (PDF operators, placed with "%x"/"%y" relative to the trim's lower
 * left corner by the caller's snprintf) to the page's content stream. */
static void add_content(doc *d, const char *ops)
{
    qpdf_oh c = qpdf_oh_get_key(d->q, d->page, "/Contents");
    assert_true(qpdf_oh_is_stream(d->q, c));
    unsigned char *data = NULL;
    size_t len = 0;
    assert_false(qpdf_oh_get_stream_data(d->q, c, qpdf_dl_generalized, NULL, &data, &len) &
                 QPDF_ERRORS);
    size_t n = strlen(ops);
    unsigned char *all = malloc(len + n + 2);
    assert_non_null(all);
    memcpy(all, data, len);
    all[len] = '\n';
    memcpy(all + len + 1, ops, n);
    qpdf_oh_replace_stream_data(d->q, c, all, len + n + 1, qpdf_oh_new_null(d->q),
                                qpdf_oh_new_null(d->q));
    free(all);
    free(data);
}

/* The name of the page's first font resource (the body text's font). */
static void first_font(doc *d, char *name, size_t n)
{
    qpdf_oh fonts = qpdf_oh_get_key(d->q, qpdf_oh_get_key(d->q, d->page, "/Resources"), "/Font");
    qpdf_oh_begin_dict_key_iter(d->q, fonts);
    assert_true(qpdf_oh_dict_more_keys(d->q));
    snprintf(name, n, "%s", qpdf_oh_dict_next_key(d->q));
}

/* An overprinting graphics state (K-only text as the press writes it). */
static void add_overprint_state(doc *d)
{
    add_resource(d, "/ExtGState", "/PFop",
                 parse(d, "<< /Type /ExtGState /OP true /op true /OPM 1 >>"));
}

/* Replaces one string in the XMP packet (which jianbao writes uncompressed). */
static void edit_xmp(doc *d, const char *from, const char *to)
{
    qpdf_oh md = qpdf_oh_get_key(d->q, qpdf_get_root(d->q), "/Metadata");
    unsigned char *data = NULL;
    size_t len = 0;
    assert_false(qpdf_oh_get_stream_data(d->q, md, qpdf_dl_generalized, NULL, &data, &len) &
                 QPDF_ERRORS);
    char *at = NULL;
    for (size_t i = 0; !at && i + strlen(from) <= len; i++)
        if (!memcmp(data + i, from, strlen(from)))
            at = (char *)data + i;
    assert_non_null(at);
    size_t pre = (size_t)(at - (char *)data), fl = strlen(from), tl = strlen(to);
    unsigned char *out = malloc(len - fl + tl);
    assert_non_null(out);
    memcpy(out, data, pre);
    memcpy(out + pre, to, tl);
    memcpy(out + pre + tl, at + fl, len - pre - fl);
    qpdf_oh_replace_stream_data(d->q, md, out, len - fl + tl, qpdf_oh_new_null(d->q),
                                qpdf_oh_new_null(d->q));
    free(out);
    free(data);
}

/* A CMYK image of w×h pixels, 8 bits, placed w_pt wide at the trim's (100, 100). */
static void place_image(doc *d, const char *cs, int w, int h, double w_pt, bool icc)
{
    static unsigned char px[64 * 64 * 4];
    char dict[200], ops[200];
    int comps = icc ? 3 : 4;
    for (size_t i = 0; i < sizeof px; i++)
        px[i] = (unsigned char)(i * 7);
    qpdf_oh img;
    snprintf(dict, sizeof dict, "<< /Type /XObject /Subtype /Image /Width %d /Height %d "
                                "/BitsPerComponent 8 %s >>",
             w, h, icc ? "" : cs);
    img = new_stream(d, dict, px, (size_t)(w * h * comps));
    if (icc) {
        static const char profile[] = "not parsed by preflight: only /N counts";
        qpdf_oh prof = new_stream(d, "<< /N 3 >>", profile, sizeof profile);
        qpdf_oh arr = qpdf_oh_new_array(d->q);
        qpdf_oh_append_item(d->q, arr, qpdf_oh_new_name(d->q, "/ICCBased"));
        qpdf_oh_append_item(d->q, arr, prof);
        qpdf_oh_replace_key(d->q, qpdf_oh_get_dict(d->q, img), "/ColorSpace", arr);
    }
    add_resource(d, "/XObject", "/PFim", img);
    snprintf(ops, sizeof ops, "q %.3f 0 0 %.3f %.3f %.3f cm /PFim Do Q", w_pt, w_pt * h / w,
             d->trim[0] + 100, d->trim[1] + 100);
    add_content(d, ops);
}

/* Text in the page's own font at (dx, dy) from the trim's lower left, in colour. */
static void add_text(doc *d, double dx, double dy, const char *colour, bool overprint)
{
    char font[64], ops[300];
    first_font(d, font, sizeof font);
    if (overprint)
        add_overprint_state(d);
    snprintf(ops, sizeof ops, "q %s BT %s 10 Tf %s 1 0 0 1 %.3f %.3f Tm <0010001000100010> Tj ET Q",
             overprint ? "/PFop gs" : "", font, colour, d->trim[0] + dx, d->trim[1] + dy);
    add_content(d, ops);
}

/* A minimal LZW encoder (PDF, EarlyChange 1): every byte as its own 9-bit code, the
 * table cleared before it would need 10 bits. Valid, if not small. */
static size_t lzw_encode(const unsigned char *in, size_t n, unsigned char *out)
{
    size_t o = 0, bits = 0;
    uint32_t acc = 0;
    int entries = 258;
#define PUT(code)                                                                          \
    do {                                                                                   \
        acc = acc << 9 | (uint32_t)(code);                                                 \
        bits += 9;                                                                         \
        while (bits >= 8) {                                                                \
            out[o++] = (unsigned char)(acc >> (bits - 8));                                 \
            bits -= 8;                                                                     \
        }                                                                                  \
    } while (0)
    PUT(256);
    for (size_t i = 0; i < n; i++) {
        if (entries >= 500) {
            PUT(256);
            entries = 258;
        }
        PUT(in[i]);
        entries++;
    }
    PUT(257);
    if (bits)
        out[o++] = (unsigned char)(acc << (8 - bits));
#undef PUT
    return o;
}

static void lzw_content(doc *d)
{
    qpdf_oh c = qpdf_oh_get_key(d->q, d->page, "/Contents");
    unsigned char *data = NULL;
    size_t len = 0;
    assert_false(qpdf_oh_get_stream_data(d->q, c, qpdf_dl_generalized, NULL, &data, &len) &
                 QPDF_ERRORS);
    unsigned char *enc = malloc(len * 2 + 16);
    assert_non_null(enc);
    size_t n = lzw_encode(data, len, enc);
    qpdf_oh_replace_stream_data(d->q, c, enc, n, qpdf_oh_new_name(d->q, "/LZWDecode"),
                                qpdf_oh_new_null(d->q));
    free(enc);
    free(data);
}

/* ---- the defects ---- */

typedef void (*plant_fn)(doc *d);

static void plant_nothing(doc *d) { (void)d; }

static void plant_hidden_link(doc *d)
{
    char a[200];
    snprintf(a, sizeof a, "[ << /Type /Annot /Subtype /Link /Rect [ %.1f %.1f %.1f %.1f ] /F 2 "
                          "/Border [ 0 0 0 ] >> ]",
             d->trim[0] + 100, d->trim[1] + 100, d->trim[0] + 200, d->trim[1] + 120);
    qpdf_oh_replace_key(d->q, d->page, "/Annots", parse(d, a));
}

static void plant_halftone6(doc *d)
{
    static const unsigned char threshold[4] = { 0, 64, 128, 255 };
    qpdf_oh ht = new_stream(d, "<< /Type /Halftone /HalftoneType 6 /Width 2 /Height 2 >>",
                            threshold, sizeof threshold);
    qpdf_oh gs = parse(d, "<< /Type /ExtGState >>");
    qpdf_oh_replace_key(d->q, gs, "/HT", ht);
    add_resource(d, "/ExtGState", "/PFht", gs);
    add_content(d, "q /PFht gs Q");
}

static void plant_transfer(doc *d)
{
    add_resource(d, "/ExtGState", "/PFtr",
                 parse(d, "<< /Type /ExtGState /TR << /FunctionType 2 /Domain [ 0 1 ] "
                          "/C0 [ 0 ] /C1 [ 1 ] /N 0.8 >> >>"));
    add_content(d, "q /PFtr gs Q");
}

static void plant_lzw(doc *d) { lzw_content(d); }

static void plant_opi(doc *d)
{
    qpdf_oh img = new_stream(d, "<< /Type /XObject /Subtype /Image /Width 1 /Height 1 "
                                "/BitsPerComponent 8 /ColorSpace /DeviceCMYK "
                                "/OPI << /2.0 << /Type /OPI /Version 2.0 /F (photo.tif) "
                                "/Inks /full_color >> >> >>",
                             "\0\0\0\0", 4);
    add_resource(d, "/XObject", "/PFopi", img);
}

static void plant_postscript(doc *d)
{
    static const char ps[] = "0 0 moveto 100 100 lineto stroke";
    add_resource(d, "/XObject", "/PFps",
                 new_stream(d, "<< /Type /XObject /Subtype /PS >>", ps, sizeof ps - 1));
}

static void plant_embedded_file(doc *d)
{
    static const char text[] = "an attachment";
    qpdf_oh ef = new_stream(d, "<< /Type /EmbeddedFile >>", text, sizeof text - 1);
    qpdf_oh spec = parse(d, "<< /Type /Filespec /F (notes.txt) >>");
    qpdf_oh efd = qpdf_oh_new_dictionary(d->q);
    qpdf_oh_replace_key(d->q, efd, "/F", ef);
    qpdf_oh_replace_key(d->q, spec, "/EF", efd);
    qpdf_oh names = parse(d, "<< /EmbeddedFiles << /Names [ (notes.txt) ] >> >>");
    qpdf_oh_append_item(d->q,
                        qpdf_oh_get_key(d->q, qpdf_oh_get_key(d->q, names, "/EmbeddedFiles"),
                                        "/Names"),
                        qpdf_make_indirect_object(d->q, spec));
    qpdf_oh_replace_key(d->q, qpdf_get_root(d->q), "/Names", names);
}

static void plant_white_overprint(doc *d)
{
    char ops[200];
    add_overprint_state(d);
    snprintf(ops, sizeof ops, "q /PFop gs 0 0 0 0 k %.3f %.3f 50 50 re f Q", d->trim[0] + 100,
             d->trim[1] + 100);
    add_content(d, ops);
}

static void plant_tac400(doc *d)
{
    char ops[200];
    snprintf(ops, sizeof ops, "q 1 1 1 1 k %.3f %.3f 50 50 re f Q", d->trim[0] + 100,
             d->trim[1] + 100);
    add_content(d, ops);
}

static void plant_72ppi(doc *d) { place_image(d, "/ColorSpace /DeviceCMYK", 10, 10, 10, false); }
static void plant_200ppi(doc *d) { place_image(d, "/ColorSpace /DeviceCMYK", 50, 50, 18, false); }
static void plant_icc_rgb(doc *d) { place_image(d, NULL, 64, 64, 15, true); }

static void plant_rich_black_text(doc *d) { add_text(d, 100, 400, "0.6 0.5 0.4 1 k", false); }

static void plant_type3(doc *d)
{
    static const char cmap[] = "/CIDInit /ProcSet findresource begin end";
    qpdf_oh f = parse(d, "<< /Type /Font /Subtype /Type3 /FontBBox [ 0 0 1000 1000 ] "
                         "/FontMatrix [ 0.001 0 0 0.001 0 0 ] /CharProcs << >> "
                         "/Encoding << /Type /Encoding /Differences [ 65 /a ] >> /FirstChar 65 "
                         "/LastChar 65 /Widths [ 500 ] /Resources << >> >>");
    qpdf_oh_replace_key(d->q, f, "/ToUnicode", new_stream(d, "<< >>", cmap, sizeof cmap - 1));
    add_resource(d, "/Font", "/PFt3", qpdf_make_indirect_object(d->q, f));
}

static void plant_no_tounicode(doc *d)
{
    char font[64];
    first_font(d, font, sizeof font);
    qpdf_oh f = qpdf_oh_get_key(d->q, qpdf_oh_get_key(d->q, qpdf_oh_get_key(d->q, d->page,
                                                                            "/Resources"),
                                                      "/Font"),
                                font);
    assert_true(qpdf_oh_has_key(d->q, f, "/ToUnicode"));
    qpdf_oh_remove_key(d->q, f, "/ToUnicode");
}

/* Over the right-hand trim edge, and 2 mm inside the left one (both K-only, overprinting). */
static void plant_text_beyond_trim(doc *d)
{
    add_text(d, d->trim[2] - d->trim[0] - 10, 400, "0 0 0 1 k", true);
}

static void plant_text_near_trim(doc *d) { add_text(d, 2 * 72 / 25.4, 400, "0 0 0 1 k", true); }

/* A tint box crossing the left trim edge by 1 mm, where the bleed is 3 mm. */
static void plant_ink_not_bleed(doc *d)
{
    char ops[200];
    snprintf(ops, sizeof ops, "q 0 0 0 0.5 k %.3f %.3f 40 40 re f Q", d->trim[0] - 72 / 25.4,
             d->trim[1] + 300);
    add_content(d, ops);
}

static void plant_xmp_title(doc *d) { edit_xmp(d, "总第29期</rdf:li>", "总第30期</rdf:li>"); }
static void plant_xmp_date(doc *d)
{
    edit_xmp(d, "<xmp:CreateDate>2019-03-01T00:00:00Z", "<xmp:CreateDate>2019-03-02T00:00:00Z");
}
static void plant_xmp_x4p(doc *d)
{
    edit_xmp(d, ">PDF/X-4</pdfxid:GTS_PDFXVersion>", ">PDF/X-4p</pdfxid:GTS_PDFXVersion>");
}
static void plant_xmp_no_document_id(doc *d)
{
    edit_xmp(d, "xmpMM:DocumentID>", "xmpMM:DocumentXX>");
    edit_xmp(d, "xmpMM:DocumentID>", "xmpMM:DocumentXX>");
}
static void plant_xmp_no_version_id(doc *d)
{
    edit_xmp(d, "<xmpMM:VersionID>1</xmpMM:VersionID>", "");
}

static void plant_rgb_page_group(doc *d)
{
    qpdf_oh_replace_key(d->q, d->page, "/Group",
                        parse(d, "<< /Type /Group /S /Transparency /CS /DeviceRGB >>"));
}

/* Plants one defect into a copy of base and checks the findings. */
static void run_defect(const char *base, const char *name, plant_fn plant, const expect *want,
                       size_t n)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%s.pdf", tu_tmpdir(), name);
    doc d = open_doc(base);
    plant(&d);
    save(&d, path);
    assert_findings(path, want, n);
}

#define DEFECT(base, name, plant, ...)                                                    \
    static void test_##name(void **state)                                                \
    {                                                                                    \
        (void)state;                                                                     \
        static const expect want[] = { __VA_ARGS__ };                                    \
        run_defect(base, #name, plant, want, sizeof want / sizeof want[0]);              \
    }

#define FAIL PREFLIGHT_FAILURE
#define WARN PREFLIGHT_WARNING

/* The clean files pass, written back through qpdf as every defect is. */
static void test_clean(void **state)
{
    (void)state;
    run_defect(x1a, "clean-x1a", plant_nothing, NULL, 0);
    run_defect(x4, "clean-x4", plant_nothing, NULL, 0);
}

DEFECT(x1a, hidden_link, plant_hidden_link,
       { "PR-10", "annotation-in-bleed", FAIL, "Link annotation inside the BleedBox" })
DEFECT(x1a, halftone6, plant_halftone6,
       { "PR-10", "halftone", FAIL, "halftone of type 6" })
DEFECT(x1a, transfer, plant_transfer,
       { "PR-10", "transfer-function", FAIL, "(/TR)" })
DEFECT(x1a, lzw, plant_lzw, { "PR-10", "lzw", FAIL, "LZW-compressed stream" })
DEFECT(x4, lzw_x4, plant_lzw, { "PR-10", "lzw", FAIL, "LZW-compressed stream" })
DEFECT(x1a, opi, plant_opi, { "PR-10", "opi", FAIL, "OPI" })
DEFECT(x1a, postscript, plant_postscript, { "PR-10", "postscript", FAIL, "PostScript XObject" })
DEFECT(x1a, embedded_file, plant_embedded_file, { "PR-10", "embedded-file", FAIL, "attached" })
DEFECT(x1a, white_overprint, plant_white_overprint,
       { "PR-05", "white-overprint", FAIL, "white fill set to overprint" })
DEFECT(x1a, tac400, plant_tac400, { "PR-05", "ink-over-300", FAIL, "(up to 400 %)" })
DEFECT(x1a, ppi72, plant_72ppi, { "PR-08", "image-ppi-very-low", FAIL, "(lowest 72 ppi)" })
DEFECT(x1a, ppi200, plant_200ppi, { "PR-08", "image-ppi-low", WARN, "(lowest 200 ppi)" })
DEFECT(x1a, rich_black_text, plant_rich_black_text,
       { "PR-05", "text-rich-black", FAIL, "black text in several inks" })
DEFECT(x1a, type3, plant_type3, { "PR-03", "font-type3", FAIL, "Type 3 font" })
DEFECT(x1a, no_tounicode, plant_no_tounicode,
       { "PR-03", "font-no-tounicode", FAIL, "has no ToUnicode map" })
DEFECT(x1a, text_beyond_trim, plant_text_beyond_trim,
       { "PR-07", "text-beyond-trim", FAIL, "text runs over the trim edge" })
DEFECT(x1a, text_near_trim, plant_text_near_trim,
       { "PR-07", "text-near-trim", WARN, "(closest 2.0 mm)" })
DEFECT(x1a, ink_not_bleed, plant_ink_not_bleed,
       { "PR-06", "ink-not-bleed", FAIL, "(stops 2.0 mm short)" })
DEFECT(x4, xmp_title, plant_xmp_title,
       { "PR-01", "xmp-mismatch", FAIL, "XMP dc:title differs from Info Title" })
DEFECT(x4, xmp_date, plant_xmp_date,
       { "PR-01", "xmp-mismatch", FAIL, "XMP xmp:CreateDate differs from Info CreationDate" })
DEFECT(x4, xmp_x4p, plant_xmp_x4p, { "PR-01", "id-x4p", FAIL, "XMP claims PDF/X-4p" })
DEFECT(x4, xmp_no_document_id, plant_xmp_no_document_id,
       { "PR-01", "xmp-ids", FAIL, "XMP metadata has no xmpMM:DocumentID" })
DEFECT(x4, xmp_no_version_id, plant_xmp_no_version_id,
       { "PR-01", "xmp-ids", FAIL, "XMP metadata has no xmpMM:VersionID" })
DEFECT(x4, rgb_page_group, plant_rgb_page_group,
       { "PR-04", "group-rgb", FAIL, "transparency group of the page blends in DeviceRGB" },
       { "PR-09", "transparency", WARN, "transparency group on the page" })
/* ISO 15930-7 allows ICC-based RGB: in PDF/X-4 only PR-04's advice remains. */
DEFECT(x4, icc_rgb_x4, plant_icc_rgb, { "PR-04", "colour-rgb-icc", WARN, "ICC-based RGB" })
DEFECT(x1a, icc_rgb_x1a, plant_icc_rgb, { "PR-04", "colour-rgb-icc", FAIL, "ICC-based RGB" })

/* The default issue for the press, X-1a and X-4, cut to four pages (fast enough to
 * plant 26 defects, even under the sanitizers). */
static int setup(void **state)
{
    (void)state;
    const char *bin = getenv("JIANBAO") ? getenv("JIANBAO") : "./jianbao";
    const char *std[2] = { "x1a", "x4" };
    char *out[2] = { x1a, x4 };
    for (int i = 0; i < 2; i++) {
        snprintf(out[i], sizeof x1a, "%s/%s.pdf", tu_tmpdir(), std[i]);
        int st;
        char *log = tu_run(&st, "%s build --press=%s issues/2019-03 -o %s/full-%s.pdf 2>&1 && "
                                "qpdf %s/full-%s.pdf --pages . 1-4 -- %s 2>&1",
                           bin, std[i], tu_tmpdir(), std[i], tu_tmpdir(), std[i], out[i]);
        if (st != 0)
            fprintf(stderr, "%s", log ? log : "");
        free(log);
        if (st != 0)
            return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return tu_cleanup();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean),
        cmocka_unit_test(test_hidden_link),
        cmocka_unit_test(test_halftone6),
        cmocka_unit_test(test_transfer),
        cmocka_unit_test(test_lzw),
        cmocka_unit_test(test_lzw_x4),
        cmocka_unit_test(test_opi),
        cmocka_unit_test(test_postscript),
        cmocka_unit_test(test_embedded_file),
        cmocka_unit_test(test_white_overprint),
        cmocka_unit_test(test_tac400),
        cmocka_unit_test(test_ppi72),
        cmocka_unit_test(test_ppi200),
        cmocka_unit_test(test_rich_black_text),
        cmocka_unit_test(test_type3),
        cmocka_unit_test(test_no_tounicode),
        cmocka_unit_test(test_text_beyond_trim),
        cmocka_unit_test(test_text_near_trim),
        cmocka_unit_test(test_ink_not_bleed),
        cmocka_unit_test(test_xmp_title),
        cmocka_unit_test(test_xmp_date),
        cmocka_unit_test(test_xmp_x4p),
        cmocka_unit_test(test_xmp_no_document_id),
        cmocka_unit_test(test_xmp_no_version_id),
        cmocka_unit_test(test_rgb_page_group),
        cmocka_unit_test(test_icc_rgb_x4),
        cmocka_unit_test(test_icc_rgb_x1a),
    };
    return cmocka_run_group_tests_name("preflight planted defects", tests, setup, teardown);
}
