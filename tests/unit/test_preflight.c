/* Preflight (CLREQ PR-01…PR-11) on deliberately bad PDFs made with libharu's own
 * high-level API, and on files that are no PDF at all. */
#include "testutil.h"

#include <hpdf.h>
#include <hpdf_doc.h>
#include <hpdf_objects.h>
#include <hpdf_pages.h>

#include "fonts/font.h"
#include "fonts/shape.h"
#include "layout/dlist/dlist.h"
#include "layout/pdf/pdf.h"
#include "layout/preflight/preflight.h"

static char bad[256];

static void on_error(HPDF_STATUS code, HPDF_STATUS detail, void *ud)
{
    (void)detail, (void)ud;
    fprintf(stderr, "libharu error 0x%04X\n", (unsigned)code);
}

/* Page 1: black text in RGB with Helvetica, not embedded; page 2: a gray image of
 * 300×300 pixels over 2 inches (150 ppi); page 3: text at half opacity. No boxes
 * beyond the MediaBox, no identification, no output intent. */
static void write_bad(const char *path)
{
    HPDF_Doc pdf = HPDF_New(on_error, NULL);
    assert_non_null(pdf);
    HPDF_Font helv = HPDF_GetFont(pdf, "Helvetica", NULL);
    assert_non_null(helv);
    HPDF_Page p1 = HPDF_AddPage(pdf);
    assert_int_equal(HPDF_Page_SetSize(p1, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT), 0);
    assert_int_equal(HPDF_Page_SetRGBFill(p1, 0, 0, 0), 0);
    assert_int_equal(HPDF_Page_BeginText(p1), 0);
    assert_int_equal(HPDF_Page_SetFontAndSize(p1, helv, 12), 0);
    assert_int_equal(HPDF_Page_TextOut(p1, 72, 700, "Press-ready? Not yet."), 0);
    assert_int_equal(HPDF_Page_EndText(p1), 0);

    HPDF_Page p2 = HPDF_AddPage(pdf);
    assert_int_equal(HPDF_Page_SetSize(p2, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT), 0);
    static unsigned char px[300 * 300];
    for (int i = 0; i < 300 * 300; i++)
        px[i] = (unsigned char)(i % 251);
    HPDF_Image img = HPDF_LoadRawImageFromMem(pdf, px, 300, 300, HPDF_CS_DEVICE_GRAY, 8);
    assert_non_null(img);
    assert_int_equal(HPDF_Page_DrawImage(p2, img, 72, 500, 144, 144), 0);

    HPDF_Page p3 = HPDF_AddPage(pdf);
    assert_int_equal(HPDF_Page_SetSize(p3, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT), 0);
    HPDF_ExtGState gs = HPDF_CreateExtGState(pdf);
    assert_non_null(gs);
    assert_int_equal(HPDF_ExtGState_SetAlphaFill(gs, 0.5f), 0);
    assert_int_equal(HPDF_Page_SetExtGState(p3, gs), 0);
    assert_int_equal(HPDF_Page_SetCMYKFill(p3, 0, 0, 0, 1), 0);
    assert_int_equal(HPDF_Page_Rectangle(p3, 72, 72, 100, 100), 0);
    assert_int_equal(HPDF_Page_Fill(p3), 0);
    assert_int_equal(HPDF_SaveToFile(pdf, path), 0);
    HPDF_Free(pdf);
}

/* Runs preflight on path; returns its exit code and its output (caller frees). */
static char *run(const char *path, const preflight_options *o, int *rc)
{
    char out[300];
    snprintf(out, sizeof out, "%s/report.txt", tu_tmpdir());
    FILE *f = fopen(out, "w+");
    assert_non_null(f);
    *rc = preflight_run(path, f, o);
    long n = ftell(f);
    rewind(f);
    char *buf = calloc(1, (size_t)n + 1);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return buf;
}

/* Removes "FILE: " at the start of every line, so expectations stay short. */
static char *strip_file(char *s, const char *file)
{
    size_t fl = strlen(file);
    char *o = s;
    for (char *l = s; *l;) {
        if (strncmp(l, file, fl) == 0 && l[fl] == ':' && l[fl + 1] == ' ')
            l += fl + 2;
        while (*l && *l != '\n')
            *o++ = *l++;
        if (*l)
            *o++ = *l++;
    }
    *o = 0;
    return s;
}

/* Every problem is found, with its PR id and page, and nothing else. */
static void test_bad_pdf(void **state)
{
    (void)state;
    int rc;
    char *out = strip_file(run(bad, NULL, &rc), bad);
    assert_string_equal(out,
                        "PR-01: failure: Info has no GTS_PDFXVersion (PDF/X-1:2003)\n"
                        "PR-01: failure: GTS_PDFXConformance is missing, not PDF/X-1a:2003\n"
                        "PR-01: failure: Info /Trapped is not set to True or False\n"
                        "PR-01: failure: Info has no Title\n"
                        "PR-01: failure: Info has no CreationDate\n"
                        "PR-01: failure: Info has no ModDate\n"
                        "PR-01: failure: trailer has no /ID\n"
                        "PR-02: failure: no OutputIntent with /S /GTS_PDFX\n"
                        "page 1: PR-06: failure: no TrimBox (object 5)\n"
                        "page 1: PR-03: failure: font Helvetica is not embedded (object 4)\n"
                        "page 1: PR-03: warning: font Helvetica has no ToUnicode map (object 4)\n"
                        "page 1: PR-04: failure: DeviceRGB fill colour (rg) in the content "
                        "(object 5)\n"
                        "page 1: PR-05: warning: black text in RGB, not K only (object 5)\n"
                        "page 2: PR-06: failure: no TrimBox (object 8)\n"
                        "page 2: PR-08: warning: image placed at 150 ppi (300 needed) (object 11)\n"
                        "page 3: PR-06: failure: no TrimBox (object 13)\n"
                        "page 3: PR-09: failure: transparency: fill opacity /ca below 1 "
                        "(object 16)\n"
                        "preflight: 14 failures, 3 warnings (PDF/X-1a:2003)\n");
    assert_int_equal(rc, 1);
    free(out);
}

/* The object numbers above are the real ones. */
static void test_object_numbers(void **state)
{
    (void)state;
    int st;
    char *out = tu_run(&st, "qpdf --show-object=4 %s; echo; qpdf --show-object=11 %s; echo; "
                            "qpdf --show-object=16 %s; echo; qpdf --show-object=5 %s",
                       bad, bad, bad, bad);
    assert_int_equal(st, 0);
    assert_non_null(strstr(out, "/BaseFont /Helvetica"));
    assert_non_null(strstr(out, "/Subtype /Image"));
    assert_non_null(strstr(out, "/ca 0.5"));
    assert_non_null(strstr(out, "/Type /Page"));
    free(out);
}

/* Checked as PDF/X-4 on request: transparency becomes a warning, the missing XMP and
 * embedded profile are failures, PDF 1.3 is fine. */
static void test_as_x4(void **state)
{
    (void)state;
    preflight_options o;
    preflight_options_default(&o);
    o.standard = PREFLIGHT_X4;
    int rc;
    char *out = strip_file(run(bad, &o, &rc), bad);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(out, "PR-01: failure: XMP metadata has no pdfxid:GTS_PDFXVersion "
                                "PDF/X-4\n"));
    assert_non_null(strstr(out, "page 3: PR-09: warning: transparency: fill opacity /ca below 1 "
                                "(object 16)\n"));
    assert_null(strstr(out, "PR-11"));
    assert_non_null(strstr(out, "(PDF/X-4)\n"));
    free(out);
}

static void test_encrypted(void **state)
{
    (void)state;
    char path[300];
    snprintf(path, sizeof path, "%s/locked.pdf", tu_tmpdir());
    HPDF_Doc pdf = HPDF_New(on_error, NULL);
    assert_non_null(pdf);
    assert_non_null(HPDF_AddPage(pdf));
    assert_int_equal(HPDF_SetPassword(pdf, "owner", ""), 0);
    assert_int_equal(HPDF_SaveToFile(pdf, path), 0);
    HPDF_Free(pdf);
    int rc;
    char *out = strip_file(run(path, NULL, &rc), path);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(out, "PR-10: failure: the file is encrypted\n"));
    free(out);
}

static void test_not_a_pdf(void **state)
{
    (void)state;
    char path[300];
    snprintf(path, sizeof path, "%s/notes.txt", tu_tmpdir());
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("这不是 PDF 文件。\n", f);
    fclose(f);
    int rc;
    char *out = run(path, NULL, &rc);
    assert_int_equal(rc, 2);
    char expect[600];
    snprintf(expect, sizeof expect, "%s: error: cannot be read as PDF: ", path);
    assert_memory_equal(out, expect, strlen(expect));
    assert_int_equal(strchr(out, '\n') - out + 1, (long)strlen(out)); /* one line */
    free(out);
    snprintf(path, sizeof path, "%s/missing.pdf", tu_tmpdir());
    out = run(path, NULL, &rc);
    assert_int_equal(rc, 2);
    assert_non_null(strstr(out, "No such file or directory"));
    free(out);
}

/* Random bytes, an empty file and every truncation of a real PDF: no crash, and an
 * exit code of 1 or 2 (never 0 for a broken file). */
static void test_garbage_never_crashes(void **state)
{
    (void)state;
    char path[300];
    snprintf(path, sizeof path, "%s/junk.pdf", tu_tmpdir());
    unsigned seed = 12345;
    for (int round = 0; round < 8; round++) {
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        if (round % 2)
            fputs("%PDF-1.4\n", f);
        for (int i = 0; i < 4096 * round; i++) {
            seed = seed * 1103515245u + 12345u;
            fputc((int)(seed >> 16) & 0xFF, f);
        }
        fclose(f);
        int rc;
        free(run(path, NULL, &rc));
        assert_true(rc == 1 || rc == 2);
    }
    FILE *in = fopen(bad, "rb");
    assert_non_null(in);
    static unsigned char data[1 << 20];
    size_t n = fread(data, 1, sizeof data, in);
    fclose(in);
    for (size_t cut = 0; cut < n; cut += n / 23 + 1) {
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(data, 1, cut, f), cut);
        fclose(f);
        int rc;
        free(run(path, NULL, &rc));
        assert_true(rc == 1 || rc == 2);
    }
}

/* Hand-written content streams: text near the trim (PR-07), rich black and K text
 * without overprint (PR-05), RGB through an ICCBased space and an inline RGB image
 * (PR-04), over-inked fill (PR-05), and a JavaScript link (PR-10). */
static void test_content_checks(void **state)
{
    (void)state;
    char path[300];
    snprintf(path, sizeof path, "%s/hand.pdf", tu_tmpdir());
    HPDF_Doc pdf = HPDF_New(on_error, NULL);
    assert_non_null(pdf);
    HPDF_Font helv = HPDF_GetFont(pdf, "Helvetica", NULL);
    HPDF_Page p = HPDF_AddPage(pdf);
    assert_int_equal(HPDF_Page_SetWidth(p, 200), 0);
    assert_int_equal(HPDF_Page_SetHeight(p, 200), 0);
    HPDF_Array trim = HPDF_Array_New(pdf->mmgr), bleed = HPDF_Array_New(pdf->mmgr);
    float tb[4] = { 20, 20, 180, 180 }, bb[4] = { 14, 11.5f, 188.5f, 188.5f };
    for (int i = 0; i < 4; i++) {
        HPDF_Array_AddReal(trim, tb[i]);
        HPDF_Array_AddReal(bleed, bb[i]);
    }
    assert_int_equal(HPDF_Dict_Add(p, "TrimBox", trim), 0);
    assert_int_equal(HPDF_Dict_Add(p, "BleedBox", bleed), 0);
    assert_int_equal(HPDF_Page_SetFontAndSize(p, helv, 10), 0); /* registers /F1 */
    HPDF_PageAttr attr = (HPDF_PageAttr)p->attr;
    const char *content =
        "BT /F1 10 Tf 0 0 0 1 k 25 100 Td (near the edge) Tj ET\n"     /* 5 mm from left */
        "BT /F1 10 Tf 0.6 0.5 0.4 1 k 60 60 Td (rich) Tj ET\n"
        "/DeviceCMYK cs 1 1 1 1 sc 40 40 20 20 re f\n"
        "q 10 0 0 10 60 120 cm BI /W 2 /H 2 /CS /RGB /BPC 8 ID \x01\x02\x03\x04\x05\x06"
        "\x07\x08\x09\x0a\x0b\x0c EI Q\n"
        "1 1 1 1 K 0 190 m 8 190 l S\n"; /* a mark outside the bleed: not ink-checked */
    assert_int_equal(HPDF_Stream_Write(attr->stream, (const HPDF_BYTE *)content,
                                       (HPDF_UINT)strlen(content)),
                     0);
    HPDF_Rect r = { 100, 100, 150, 120 };
    HPDF_Annotation a = HPDF_Page_CreateURILinkAnnot(p, r, "https://example.org/");
    assert_non_null(a);
    HPDF_Dict act = HPDF_Dict_New(pdf->mmgr);
    HPDF_Dict_AddName(act, "S", "JavaScript");
    HPDF_Dict_Add(act, "JS", HPDF_String_New(pdf->mmgr, "app.alert(1)", NULL));
    assert_int_equal(HPDF_Dict_Add(a, "A", act), 0);
    assert_int_equal(HPDF_SaveToFile(pdf, path), 0);
    HPDF_Free(pdf);
    int rc;
    char *out = strip_file(run(path, NULL, &rc), path);
    assert_int_equal(rc, 1);
    const char *expect[] = {
        "page 1: PR-06: warning: bleed is 2.1 mm on some side (3 mm needed",
        "page 1: PR-10: failure: annotation runs JavaScript",
        "page 1: PR-05: warning: K-only text does not overprint (overprint off)",
        "page 1: PR-05: warning: black text in several inks (rich black 250 %)",
        "page 1: PR-05: warning: total ink 400 % above 300 %",
        "page 1: PR-04: failure: DeviceRGB in an inline image",
        "page 1: PR-08: warning: image placed at 14 ppi (300 needed)",
        "page 1: PR-07: warning: text 1.8 mm from the trim edge (3 mm needed), 1 text run",
    };
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++)
        if (!strstr(out, expect[i])) {
            fprintf(stderr, "missing: %s\nin:\n%s", expect[i], out);
            fail();
        }
    /* The registration mark outside the bleed is not counted as over-inked. */
    char *first = strstr(out, "total ink");
    assert_null(strstr(first + 1, "total ink"));
    free(out);
}

/* ---- PR-07 text geometry: hand-written PDFs, one font and one text run a page ---- */

/* One page of a hand-written test PDF: its font (with "DESC" standing for a reference to
 * the descendant object), that descendant (NULL: none) and its content stream. */
typedef struct {
    const char *font, *desc, *content;
} hand_page;

/* tmpl with every "DESC" replaced by "N 0 R"; caller frees. */
static char *with_desc(const char *tmpl, int desc)
{
    size_t n = strlen(tmpl);
    char *out = malloc(n * 4 + 32), *o = out; /* "DESC" becomes at most 15 bytes */
    assert_non_null(out);
    for (const char *s = tmpl; *s;) {
        if (!strncmp(s, "DESC", 4)) {
            o += sprintf(o, "%d 0 R", desc);
            s += 4;
        } else {
            *o++ = *s++;
        }
    }
    *o = 0;
    return out;
}

/* Object number of page k (1-based): each page has its page, content, font and
 * descendant objects, after the catalog (1) and the page tree (2). */
static int hand_page_obj(int k) { return 3 + 4 * (k - 1); }

/* Writes pages 200 pt square, trim 20 pt inside (TrimBox 20…180), bleed 9 pt beyond, the
 * page's font as /F1; with a correct cross-reference table. */
static void write_hand_pdf(const char *path, const hand_page *pages, int n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    int nobj = 2 + 4 * n;
    long *off = calloc((size_t)nobj + 1, sizeof *off);
    assert_non_null(off);
    fputs("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", f);
    off[1] = ftell(f);
    fputs("1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n", f);
    off[2] = ftell(f);
    fputs("2 0 obj\n<< /Type /Pages /Kids [", f);
    for (int k = 1; k <= n; k++)
        fprintf(f, " %d 0 R", hand_page_obj(k));
    fprintf(f, " ] /Count %d >>\nendobj\n", n);
    for (int k = 1; k <= n; k++) {
        const hand_page *pg = &pages[k - 1];
        int po = hand_page_obj(k);
        off[po] = ftell(f);
        fprintf(f, "%d 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] "
                   "/TrimBox [20 20 180 180] /BleedBox [11 11 189 189] "
                   "/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>\nendobj\n",
                po, po + 2, po + 1);
        off[po + 1] = ftell(f);
        fprintf(f, "%d 0 obj\n<< /Length %zu >>\nstream\n%s\nendstream\nendobj\n", po + 1,
                strlen(pg->content) + 1, pg->content);
        char *fd = with_desc(pg->font, po + 3);
        off[po + 2] = ftell(f);
        fprintf(f, "%d 0 obj\n%s\nendobj\n", po + 2, fd);
        free(fd);
        off[po + 3] = ftell(f);
        fprintf(f, "%d 0 obj\n%s\nendobj\n", po + 3, pg->desc ? pg->desc : "null");
    }
    long xref = ftell(f);
    fprintf(f, "xref\n0 %d\n0000000000 65535 f \n", nobj + 1);
    for (int i = 1; i <= nobj; i++)
        fprintf(f, "%010ld 00000 n \n", off[i]);
    fprintf(f, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%ld\n%%%%EOF\n", nobj + 1, xref);
    fclose(f);
    free(off);
}

/* The PR-07 lines of a report, in order (caller frees). */
static char *pr07_lines(const char *out)
{
    char *r = calloc(1, strlen(out) + 1), *o = r;
    assert_non_null(r);
    for (const char *l = out; *l;) {
        const char *e = strchr(l, '\n');
        size_t n = e ? (size_t)(e - l + 1) : strlen(l);
        const char *hit = strstr(l, ": PR-07: ");
        if (hit && hit < l + n) {
            memcpy(o, l, n);
            o += n;
        }
        l += n;
    }
    return r;
}

/* "page K: PR-07: warning: text MM mm from the trim edge …" for a one-run page. */
static void expect_pr07(char *buf, size_t n, int page, const char *mm)
{
    size_t used = strlen(buf);
    snprintf(buf + used, n - used, "page %d: PR-07: warning: text %s mm from the trim edge "
                                   "(3 mm needed), 1 text run (object %d)\n",
             page, mm, hand_page_obj(page));
}

/* Writes the pages, runs preflight and compares its PR-07 lines with expect. */
static void check_pr07(const char *name, const hand_page *pages, int n, const char *expect)
{
    char path[300];
    snprintf(path, sizeof path, "%s/%s.pdf", tu_tmpdir(), name);
    write_hand_pdf(path, pages, n);
    int rc;
    char *out = strip_file(run(path, NULL, &rc), path);
    assert_int_equal(rc, 1); /* no identification, fonts not embedded */
    assert_non_null(strstr(out, "\npreflight: "));
    char *got = pr07_lines(out);
    if (strcmp(got, expect) != 0)
        fprintf(stderr, "%s:\n%s", name, out);
    assert_string_equal(got, expect);
    free(got);
    free(out);
}

/* A CID font as jianbao writes them: Type 0, Identity-H, widths in /W (both forms) and
 * /DW. CIDs 1 2 3 5 9 are 500 + 600 + 250 + 250 + 300 (DW) = 1900: 19 pt at 10 pt. */
#define CID_FONT "<< /Type /Font /Subtype /Type0 /BaseFont /Latin /Encoding /Identity-H " \
                 "/DescendantFonts [ DESC ] >>"
#define CID_DESC "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Latin /CIDSystemInfo " \
                 "<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 300 " \
                 "/W [ 1 [ 500 600 ] 3 5 250 ] >>"

/* Right-aligned Latin in a CID font ending 4 mm inside the trim (x = 180 − 11.338583 pt)
 * is fine; the same run ending 2 mm inside is one finding of 2.0 mm. (The old estimate,
 * 1 em a CID, had it 31 pt wider: across the trim.) */
static void test_cid_right_aligned(void **state)
{
    (void)state;
    const hand_page pages[] = {
        { CID_FONT, CID_DESC,
          "BT /F1 10 Tf 0 0 0 1 k 1 0 0 1 149.661417 100 Tm <00010002000300050009> Tj ET" },
        { CID_FONT, CID_DESC,
          "BT /F1 10 Tf 0 0 0 1 k 1 0 0 1 155.330709 100 Tm <00010002000300050009> Tj ET" },
    };
    char expect[512] = "";
    expect_pr07(expect, sizeof expect, 2, "2.0");
    check_pr07("cid", pages, 2, expect);
}

/* TJ adjustments move the glyphs after them: −6500 pushes CID 2 (600) from 105 to 170 pt,
 * so it ends at 176, 4 pt (1.4 mm) inside the trim; pulling back afterwards does not undo
 * that (extent, not sum); an adjustment with no glyph after it draws nothing but moves
 * the next string; a positive one can push text out on the left (CID 2 at 5…11 pt:
 * −15 pt). */
static void test_tj_adjustments(void **state)
{
    (void)state;
    const hand_page pages[] = {
        { CID_FONT, CID_DESC, "BT /F1 10 Tf 1 0 0 1 100 100 Tm [<0001> -6500 <0002>] TJ ET" },
        { CID_FONT, CID_DESC,
          "BT /F1 10 Tf 1 0 0 1 100 100 Tm [<0001> -6500 <0002> 6500 <0001>] TJ ET" },
        { CID_FONT, CID_DESC, "BT /F1 10 Tf 1 0 0 1 100 100 Tm [<0001> -20000] TJ ET" },
        { CID_FONT, CID_DESC, "BT /F1 10 Tf 1 0 0 1 30 100 Tm [<0001> 3000 <0002>] TJ ET" },
        /* Tz 50 halves advances and adjustments: 100 + 2.5 + 32.5 + 3 = 138, inside. */
        { CID_FONT, CID_DESC,
          "BT /F1 10 Tf 50 Tz 1 0 0 1 100 100 Tm [<0001> -6500 <0002>] TJ ET" },
        /* the next string starts where the last adjustment left the pen: 170…176 */
        { CID_FONT, CID_DESC, "BT /F1 10 Tf 1 0 0 1 100 100 Tm [<0001> -6500] TJ <0002> Tj ET" },
        /* word spacing is for the 1-byte code 32 only, not CID 32 (without it 103…106) */
        { CID_FONT, CID_DESC, "BT /F1 10 Tf 80 Tw 1 0 0 1 100 100 Tm <00200020> Tj ET" },
    };
    char expect[1024] = "";
    expect_pr07(expect, sizeof expect, 1, "1.4");
    expect_pr07(expect, sizeof expect, 2, "1.4");
    expect_pr07(expect, sizeof expect, 4, "-5.3");
    expect_pr07(expect, sizeof expect, 6, "1.4");
    check_pr07("tj", pages, 7, expect);
}

#define T1_FONT "<< /Type /Font /Subtype /Type1 /BaseFont /Sans /FirstChar 65 /LastChar 66 " \
                "/Widths [ 600 700 ] /FontDescriptor DESC >>"
#define T1_DESC "<< /Type /FontDescriptor /FontName /Sans /Flags 32 /FontBBox [0 0 1000 1000] " \
                "/ItalicAngle 0 /Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 " \
                "/MissingWidth 250 >>"

/* Simple fonts measured exactly. "AB A" at 10 pt with Tc 1 and Tw 2: A 0…6, B 7…14, the
 * space (MissingWidth 250, plus Tw) 15…17.5, A 20.5…26.5, so a run starting 26.5 pt
 * before 1.5 mm inside the trim (175.748031) ends there; with Tz 200 it is 53 pt wide.
 * Type 3 widths go through the FontMatrix (80 × 0.01 = 0.8 em); a Type 0 font without
 * /DW takes 1000 for CIDs not in /W; the standard 14 without /Widths keep ½ em; the rise
 * lifts the box (top = baseline + Ts + 0.8 em). */
static void test_simple_fonts(void **state)
{
    (void)state;
    const hand_page pages[] = {
        { T1_FONT, T1_DESC, "BT /F1 10 Tf 1 Tc 2 Tw 1 0 0 1 149.248031 100 Tm (AB A) Tj ET" },
        { T1_FONT, T1_DESC,
          "BT /F1 10 Tf 1 Tc 2 Tw 200 Tz 1 0 0 1 122.748031 100 Tm (AB A) Tj ET" },
        { "<< /Type /Font /Subtype /Type3 /FontBBox [0 0 100 100] /FontMatrix [0.01 0 0 0.01 "
          "0 0] /CharProcs << >> /Encoding << /Type /Encoding /Differences [65 /a] >> "
          "/FirstChar 65 /LastChar 65 /Widths [80] /Resources << >> >>",
          NULL, "BT /F1 10 Tf 1 0 0 1 161.165354 100 Tm (AA) Tj ET" },
        { "<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H "
          "/DescendantFonts [ DESC ] >>",
          "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /X /W [ 5 [ 400 ] ] >>",
          "BT /F1 10 Tf 1 0 0 1 159.763780 100 Tm <00050006> Tj ET" },
        { "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>", NULL,
          "BT /F1 10 Tf 1 0 0 1 162.913386 100 Tm (AB) Tj ET" },
        { CID_FONT, CID_DESC, "BT /F1 10 Tf 5 Ts 1 0 0 1 100 163.598425 Tm <0001> Tj ET" },
    };
    char expect[2048] = "";
    expect_pr07(expect, sizeof expect, 1, "1.5");
    expect_pr07(expect, sizeof expect, 2, "1.5");
    expect_pr07(expect, sizeof expect, 3, "1.0");
    expect_pr07(expect, sizeof expect, 4, "2.2");
    expect_pr07(expect, sizeof expect, 5, "2.5");
    expect_pr07(expect, sizeof expect, 6, "1.2");
    check_pr07("simple", pages, 6, expect);
}

/* n copies of item between head and tail (caller frees). */
static char *repeated(const char *head, const char *item, int n, const char *tail)
{
    size_t len = strlen(head) + strlen(item) * (size_t)n + strlen(tail) + 1;
    char *s = malloc(len), *o = s;
    assert_non_null(s);
    o += sprintf(o, "%s", head);
    for (int i = 0; i < n; i++)
        o += sprintf(o, "%s", item);
    sprintf(o, "%s", tail);
    return s;
}

#define CID_W(w) "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Latin /DW 300 /W " w " >>"

/* Damaged width tables never crash or hang, and what can be read is used. Every run
 * starts 10 pt before the trim at 10 pt, so its distance tells its width: 0.3 em (DW)
 * 2.5 mm, 0.4 em 2.1 mm, 0.5 em 1.8 mm, 0.7 em 1.1 mm, 1 em (the estimate) 0.0 mm. */
static void test_damaged_widths(void **state)
{
    (void)state;
    char *huge_ranges = repeated("<< /Type /Font /Subtype /CIDFontType2 /DW 300 /W [ ",
                                 "0 65535 400 ", 100000, "] >>");
    char *huge_array = repeated("<< /Type /Font /Subtype /CIDFontType2 /DW 300 /W [ 0 [ ",
                                "400 ", 200000, "] ] >>");
    const char *at = "BT /F1 10 Tf 1 0 0 1 170 100 Tm ";
    struct {
        const char *font, *desc, *show, *mm;
    } cases[] = {
        /* a name among the widths is skipped, a dangling CID ignored */
        { CID_FONT, CID_W("[ 1 [ /x 400 ] 3 ]"), "<00010002> Tj", "1.1" },
        /* an inverted range is ignored, reading goes on */
        { CID_FONT, CID_W("[ 10 5 700 1 [ 400 ] ]"), "<0001> Tj", "2.1" },
        /* a negative CID stops the reading */
        { CID_FONT, CID_W("[ -5 [ 100 ] 1 [ 400 ] ]"), "<0001> Tj", "2.5" },
        /* a range past 0xFFFF is clamped */
        { CID_FONT, CID_W("[ 0 4294967296 400 ]"), "<FFFF> Tj", "2.1" },
        /* overlapping entries: the one starting lower wins */
        { CID_FONT, CID_W("[ 1 10 400 5 [ 900 ] ]"), "<0005> Tj", "2.1" },
        { CID_FONT, CID_W("<< /a 1 >>"), "<0001> Tj", "2.5" },
        { CID_FONT, CID_W("[ 1 [ 400 ] ]"), "<000100> Tj", "2.1" }, /* odd byte: no glyph */
        { CID_FONT, huge_ranges, "<0001> Tj", "2.1" },
        { CID_FONT, huge_array, "<FFFF> Tj", "2.1" },
        { CID_FONT, "<< /Type /Font /Subtype /CIDFontType2 /DW /x >>", "<0001> Tj", "0.0" },
        { "<< /Type /Font /Subtype /Type0 /Encoding /Identity-H >>", NULL, "<0001> Tj", "0.0" },
        { "<< /Type /Font /Subtype /Type0 /Encoding /Identity-H /DescendantFonts [ 42 ] >>",
          NULL, "<0001> Tj", "0.0" },
        { "<< /Type /Font /Subtype /Type0 /Encoding /UniGB-UCS2-H /DescendantFonts [ DESC ] >>",
          CID_W("[ 1 [ 400 ] ]"), "<0001> Tj", "0.0" },
        { "<< /Type /Font /Subtype /TrueType /FirstChar 300 /Widths [ 400 ] >>", NULL, "(A) Tj",
          "1.8" },
        { "<< /Type /Font /Subtype /TrueType /FirstChar 250 /Widths [ 0 0 0 0 0 400 0 0 0 0 ] >>",
          NULL, "<FF> Tj", "2.1" },
        { "<< /Type /Font /Subtype /TrueType /FirstChar 0 /Widths 7 >>", NULL, "(A) Tj", "1.8" },
        { "<< /Type /Font /Subtype /Type3 /FirstChar 65 /Widths [ 400 ] >>", NULL, "(A) Tj",
          "2.1" }, /* no FontMatrix: 1/1000 */
        { CID_FONT, CID_DESC, "() Tj [] TJ [ 5 ( ) ] TJ", NULL },   /* no glyphs */
        { "null", NULL, "(A) Tj", "1.8" },                          /* no such font */
    };
    enum { N = sizeof cases / sizeof cases[0] };
    hand_page pages[N];
    char *contents[N];
    char expect[4096] = "";
    for (int i = 0; i < N; i++) {
        contents[i] = malloc(strlen(at) + strlen(cases[i].show) + 8);
        assert_non_null(contents[i]);
        sprintf(contents[i], "%s%s ET", at, cases[i].show);
        pages[i] = (hand_page){ cases[i].font, cases[i].desc, contents[i] };
        if (cases[i].mm)
            expect_pr07(expect, sizeof expect, i + 1, cases[i].mm);
    }
    check_pr07("damaged", pages, N, expect);
    for (int i = 0; i < N; i++)
        free(contents[i]);
    free(huge_ranges);
    free(huge_array);
}

/* Text before any Tf, strings cut off by the end of the stream, escapes, unbalanced
 * operands and a rendering mode beyond int: no crash, no hang. */
static void test_text_operands_robust(void **state)
{
    (void)state;
    const hand_page pages[] = {
        { CID_FONT, CID_DESC, "BT 1 0 0 1 170 100 Tm (AB) Tj [(A) -100 (B)] TJ ET" },
        { CID_FONT, CID_DESC, "BT /F1 10 Tf 1 0 0 1 100 100 Tm [<0001> (\\001\\002\\" },
        { CID_FONT, CID_DESC, "BT /F1 10 Tf 1 0 0 1 100 100 Tm (\\0\\00\\777\\\r\n\\q) Tj "
                              "[ [ <00 01> ] ] TJ <0> Tj ] ) > TJ Tj ' \" 1 2 \" "
                              "99999999999999999999 Tr (A) Tj ET" },
    };
    check_pr07("operands", pages, 3, "");
}

/* The default issue, built for the press by the real binary, passes its own preflight:
 * no failure, no PR-07 warning (and no other). */
static void test_default_issue_press(void **state)
{
    (void)state;
    const char *bin = getenv("JIANBAO") ? getenv("JIANBAO") : "./jianbao";
    char path[300];
    snprintf(path, sizeof path, "%s/issue.pdf", tu_tmpdir());
    int st;
    char *log = tu_run(&st, "%s build --press issues/2019-03 -o %s 2>&1", bin, path);
    if (st != 0)
        fprintf(stderr, "%s", log ? log : "");
    assert_int_equal(st, 0);
    free(log);
    int rc;
    char *out = strip_file(run(path, NULL, &rc), path);
    assert_int_equal(rc, 0);
    assert_null(strstr(out, "PR-07"));
    assert_string_equal(out, "preflight: 0 failures, 0 warnings (PDF/X-1a:2003)\n");
    free(out);
}

static int setup(void **state)
{
    (void)state;
    snprintf(bad, sizeof bad, "%s/bad.pdf", tu_tmpdir());
    write_bad(bad);
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
        cmocka_unit_test(test_bad_pdf),        cmocka_unit_test(test_object_numbers),
        cmocka_unit_test(test_as_x4),          cmocka_unit_test(test_encrypted),
        cmocka_unit_test(test_not_a_pdf),      cmocka_unit_test(test_garbage_never_crashes),
        cmocka_unit_test(test_content_checks), cmocka_unit_test(test_cid_right_aligned),
        cmocka_unit_test(test_tj_adjustments), cmocka_unit_test(test_simple_fonts),
        cmocka_unit_test(test_damaged_widths), cmocka_unit_test(test_text_operands_robust),
        cmocka_unit_test(test_default_issue_press),
    };
    return cmocka_run_group_tests_name("preflight", tests, setup, teardown);
}
