/* Preflight (CLREQ PR-01…PR-11) on deliberately bad PDFs made with libharu's own
 * high-level API and by hand, on files that are no PDF at all, and on hostile files
 * that reach each of its limits. (The planted defects of issue 15 are in
 * test_preflight_defects.c.) */
#include "testutil.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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

static preflight_report *report(const char *path, const preflight_options *o)
{
    preflight_report *r = preflight_check(path, o);
    assert_non_null(r);
    return r;
}

/* The finding of check id (with msg in its message, unless NULL), or NULL. */
static const preflight_finding *finding(const preflight_report *r, const char *id,
                                        const char *msg)
{
    for (size_t i = 0; i < r->nfindings; i++)
        if (!strcmp(r->findings[i].check, id) && (!msg || strstr(r->findings[i].message, msg)))
            return &r->findings[i];
    return NULL;
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

/* Every problem is found, grouped by rule with its pages and what to do, and nothing
 * else; no object numbers in the text. */
static void test_bad_pdf(void **state)
{
    (void)state;
    int rc;
    char *out = strip_file(run(bad, NULL, &rc), bad);
    assert_string_equal(
        out,
        "no PDF/X claim, checked as PDF/X-1a:2003; 3 pages\n"
        "PR-01 failure: not identified as PDF/X-1a:2003: no GTS_PDFXVersion, "
        "GTS_PDFXConformance, Trapped, Title, CreationDate, ModDate, trailer ID. Write the "
        "file as PDF/X: identification, Title, dates, Trapped and a trailer ID.\n"
        "PR-02 failure: no output intent (/S /GTS_PDFX). Embed the print shop's CMYK output "
        "profile (e.g. FOGRA39) as a GTS_PDFX output intent.\n"
        "PR-03 failure: font Helvetica is not embedded: page 1. Embed every font.\n"
        "PR-03 failure: font Helvetica has no ToUnicode map: page 1. Embed fonts with a "
        "ToUnicode map.\n"
        "PR-04 failure: DeviceRGB in the page content: page 1. Convert RGB to the output "
        "profile's CMYK.\n"
        "PR-05 failure: black text in RGB (it separates into four inks): page 1. Set black "
        "text in K only (0 0 0 100).\n"
        "PR-06 failure: no TrimBox: pages 1\xE2\x80\x93" "3. Set a TrimBox (the finished size) "
        "and a BleedBox 3 mm larger on every page.\n"
        "PR-08 warning: image below 300 ppi (lowest 150 ppi): page 2. Use images of 300 ppi "
        "at their printed size.\n"
        "PR-09 failure: fill opacity /ca below 1: page 3. Flatten transparency.\n"
        "preflight: 8 failures, 1 warnings (PDF/X-1a:2003)\n");
    assert_int_equal(rc, 1);
    free(out);
}

/* The object numbers kept for tools (--json) are the real ones. */
static void test_object_numbers(void **state)
{
    (void)state;
    preflight_report *r = report(bad, NULL);
    const preflight_finding *fne = finding(r, "font-not-embedded", NULL),
                            *img = finding(r, "image-ppi-low", NULL),
                            *ca = finding(r, "transparency", NULL),
                            *trim = finding(r, "trimbox-missing", NULL);
    assert_true(fne && img && ca && trim);
    assert_int_equal(fne->nobjects, 1);
    assert_int_equal(fne->objects[0], 4);
    assert_int_equal(img->objects[0], 11);
    assert_int_equal(ca->objects[0], 16);
    assert_int_equal(trim->nobjects, 3);
    assert_int_equal(trim->objects[0], 5);
    assert_int_equal(trim->count, 3);
    assert_int_equal(trim->npages, 1);
    assert_int_equal(trim->pages[0].first, 1);
    assert_int_equal(trim->pages[0].last, 3);
    preflight_report_free(r);
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

/* Checked as PDF/X-4 on request: transparency becomes a warning, the missing XMP
 * identification a failure, PDF 1.3 is fine. */
static void test_as_x4(void **state)
{
    (void)state;
    preflight_options o;
    preflight_options_default(&o);
    o.standard = PREFLIGHT_X4;
    int rc;
    char *out = strip_file(run(bad, &o, &rc), bad);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(out, "checked as PDF/X-4 (the file claims none); 3 pages\n"));
    assert_non_null(strstr(out, "PR-01 failure: not identified as PDF/X-4: no XMP metadata, "
                                "Trapped, Title, CreationDate, ModDate, trailer ID."));
    assert_non_null(strstr(out, "PR-09 warning: fill opacity /ca below 1: page 3."));
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
    assert_non_null(strstr(out, "PR-10 failure: the file is encrypted. Save the PDF without "
                                "security.\n"));
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
    assert_non_null(strstr(out, ": error: cannot read: No such file or directory\n"));
    free(out);
}

/* Only regular files are read: a FIFO would block the read, /dev/zero never end. Each
 * is refused at once, saying what it is. */
static void test_not_a_regular_file(void **state)
{
    (void)state;
    char fifo[300];
    snprintf(fifo, sizeof fifo, "%s/issue.pdf", tu_tmpdir());
    assert_int_equal(mkfifo(fifo, 0600), 0);
    struct {
        const char *path, *what;
    } cases[] = {
        { fifo, "is a FIFO, not a PDF file" },
        { "/dev/zero", "is a character device, not a PDF file" },
        { tu_tmpdir(), "is a directory, not a PDF file" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc;
        char *out = run(cases[i].path, NULL, &rc), expect[400];
        snprintf(expect, sizeof expect, "%s: error: %s\n", cases[i].path, cases[i].what);
        assert_int_equal(rc, 2);
        assert_string_equal(out, expect);
        free(out);
    }
    unlink(fifo);
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
        "PR-06 warning: bleed under 3 mm on some side (2.1 mm): page 1.",
        "PR-10 failure: annotation runs JavaScript: page 1.",
        "PR-10 failure: Link annotation inside the BleedBox: page 1.",
        "PR-05 warning: K-only text does not overprint (overprint off): page 1.",
        "PR-05 failure: black text in several inks (rich black): page 1.",
        "PR-05 failure: total ink above 300 % (up to 400 %): page 1.",
        "PR-04 failure: DeviceRGB in an inline image: page 1.",
        "PR-08 failure: image below 150 ppi (lowest 14 ppi): page 1.",
        "PR-07 warning: text closer than 3 mm to the trim edge (closest 1.8 mm): page 1.",
    };
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++)
        if (!strstr(out, expect[i])) {
            fprintf(stderr, "missing: %s\nin:\n%s", expect[i], out);
            fail();
        }
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

/* What PR-07 says about a one-page file: "" (nothing), "near 2.0" (the closest text,
 * in mm inside the trim) or "beyond 5.3" (how far text runs over it). */
static void pr07_of(const preflight_report *r, char *buf, size_t n)
{
    const preflight_finding *near = finding(r, "text-near-trim", NULL),
                            *beyond = finding(r, "text-beyond-trim", NULL);
    buf[0] = 0;
    const char *m;
    if (beyond && (m = strstr(beyond->message, "(up to ")))
        snprintf(buf, n, "beyond %.*s", (int)strcspn(m + 7, " "), m + 7);
    else if (near && (m = strstr(near->message, "(closest ")))
        snprintf(buf, n, "near %.*s", (int)strcspn(m + 9, " "), m + 9);
}

/* Writes each page as a file of its own and compares what PR-07 says with expect[i]. */
static void check_pr07(const char *name, const hand_page *pages, int n, const char *const *expect)
{
    for (int i = 0; i < n; i++) {
        char path[300], got[64];
        snprintf(path, sizeof path, "%s/%s-%d.pdf", tu_tmpdir(), name, i + 1);
        write_hand_pdf(path, &pages[i], 1);
        preflight_report *r = report(path, NULL);
        assert_null(r->error);
        assert_int_equal(preflight_exit_code(r), 1); /* no identification, fonts not embedded */
        pr07_of(r, got, sizeof got);
        if (strcmp(got, expect[i] ? expect[i] : "") != 0) {
            fprintf(stderr, "%s page %d:\n", name, i + 1);
            preflight_print_text(r, stderr);
        }
        assert_string_equal(got, expect[i] ? expect[i] : "");
        preflight_report_free(r);
    }
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
    const char *expect[] = { NULL, "near 2.0" };
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
    const char *expect[] = { "near 1.4", "near 1.4", NULL, "beyond 5.3", NULL, "near 1.4", NULL };
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
    const char *expect[] = { "near 1.5", "near 1.5", "near 1.0",
                             "near 2.2", "near 2.5", "near 1.2" };
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
    char *contents[N], near[N][16];
    const char *expect[N];
    for (int i = 0; i < N; i++) {
        contents[i] = malloc(strlen(at) + strlen(cases[i].show) + 8);
        assert_non_null(contents[i]);
        sprintf(contents[i], "%s%s ET", at, cases[i].show);
        pages[i] = (hand_page){ cases[i].font, cases[i].desc, contents[i] };
        snprintf(near[i], sizeof near[i], "near %s", cases[i].mm ? cases[i].mm : "");
        expect[i] = cases[i].mm ? near[i] : NULL;
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
    const char *expect[] = { NULL, NULL, NULL };
    check_pr07("operands", pages, 3, expect);
}

/* The page count of the PDF at path, as poppler's pdfinfo reads it. */
static int pdf_pages(const char *path)
{
    int st;
    char *o = tu_run(&st, "pdfinfo %s | sed -n 's/^Pages: *//p'", path);
    assert_int_equal(st, 0);
    int n = atoi(o ? o : "0");
    free(o);
    assert_true(n > 2);
    return n;
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
    char want[160];
    snprintf(want, sizeof want, "PDF/X-1a:2003, as the file claims; %d pages\n"
             "preflight: 0 failures, 0 warnings (PDF/X-1a:2003)\n", pdf_pages(path));
    assert_string_equal(out, want);
    free(out);
}

/* Printer's marks outside the bleed box are in registration colour on purpose: not
 * counted as ink; the same stroke reaching into the page is (and crosses the trim
 * without running into the bleed). */
static void test_marks_outside_bleed(void **state)
{
    (void)state;
    const hand_page pages[] = {
        { CID_FONT, CID_DESC, "1 1 1 1 K 0 190 m 8 190 l S" },
        { CID_FONT, CID_DESC, "1 1 1 1 K 0 150 m 30 150 l S" },
    };
    for (int i = 0; i < 2; i++) {
        char path[300];
        snprintf(path, sizeof path, "%s/marks-%d.pdf", tu_tmpdir(), i);
        write_hand_pdf(path, &pages[i], 1);
        preflight_report *r = report(path, NULL);
        const preflight_finding *tac = finding(r, "ink-over-300", NULL);
        if (i == 0) {
            assert_null(tac);
            assert_null(finding(r, "ink-not-bleed", NULL));
        } else {
            assert_non_null(tac);
            assert_string_equal(tac->message, "total ink above 300 % (up to 400 %)");
        }
        preflight_report_free(r);
    }
}

/* Ink that crosses the trim must run 3 mm into the bleed (or to the BleedBox); text
 * must not cross it at all. Trim 20…180, bleed 11…189 (3.2 mm). */
static void test_bleed_and_trim(void **state)
{
    (void)state;
    struct {
        const char *content, *check, *message;
    } cases[] = {
        /* runs to the bleed box: bleed, fine */
        { "0 0 0 1 k 11 50 30 30 re f", NULL, NULL },
        /* stops 1 mm past the trim: 2 mm short of 3 mm */
        { "0 0 0 1 k 17.165 50 30 30 re f", "ink-not-bleed",
          "ink crosses the trim edge but does not run into the bleed (stops 2.0 mm short)" },
        /* inside the trim, touching it: fine */
        { "0 0 0 1 k 20 50 30 30 re f", NULL, NULL },
        /* white paints no ink */
        { "0 0 0 0 k 17 50 30 30 re f", NULL, NULL },
        /* clipped to the trim: what paints stays inside */
        { "20 20 160 160 re W n 0 0 0 1 k 0 50 30 30 re f", NULL, NULL },
        /* an image is ink too */
        { "q 40 0 0 40 15 100 cm BI /W 120 /H 120 /CS /G /BPC 8 ID \x01 EI Q", "ink-not-bleed",
          "(stops 1.2 mm short)" },
        /* text over the top edge: cut off */
        { "BT /F1 10 Tf 0 0 0 1 k 1 0 0 1 100 176 Tm <0001> Tj ET", "text-beyond-trim",
          "text runs over the trim edge (up to 1.4 mm beyond)" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[300];
        hand_page pg = { CID_FONT, CID_DESC, cases[i].content };
        snprintf(path, sizeof path, "%s/bleed-%zu.pdf", tu_tmpdir(), i);
        write_hand_pdf(path, &pg, 1);
        preflight_report *r = report(path, NULL);
        const preflight_finding *ink = finding(r, "ink-not-bleed", NULL),
                                *text = finding(r, "text-beyond-trim", NULL);
        const preflight_finding *got = ink ? ink : text;
        if ((cases[i].check == NULL) != (got == NULL) ||
            (got && (strcmp(got->check, cases[i].check) != 0 ||
                     !strstr(got->message, cases[i].message)))) {
            fprintf(stderr, "case %zu (%s):\n", i, cases[i].content);
            preflight_print_text(r, stderr);
            fail();
        }
        if (got)
            assert_int_equal(got->severity, PREFLIGHT_FAILURE);
        preflight_report_free(r);
    }
}

/* The plain default issue: at most 15 lines, grouped with page ranges, no object
 * numbers, and it says to build with --press. */
static void test_plain_issue_report(void **state)
{
    (void)state;
    const char *bin = getenv("JIANBAO") ? getenv("JIANBAO") : "./jianbao";
    char path[300];
    snprintf(path, sizeof path, "%s/plain.pdf", tu_tmpdir());
    int st;
    free(tu_run(&st, "%s build issues/2019-03 -o %s 2>&1", bin, path));
    assert_int_equal(st, 0);
    int rc;
    char *out = strip_file(run(path, NULL, &rc), path);
    assert_int_equal(rc, 1);
    int lines = 0;
    for (const char *c = out; *c; c++)
        lines += *c == '\n';
    if (lines > 15)
        fprintf(stderr, "%s", out);
    assert_true(lines <= 15);
    char want[120];
    int pages = pdf_pages(path);
    snprintf(want, sizeof want, "no PDF/X claim, checked as PDF/X-1a:2003; %d pages\n", pages);
    assert_non_null(strstr(out, want));
    snprintf(want, sizeof want, "\nPR-06 failure: no TrimBox: pages 1\xE2\x80\x93%d. ", pages);
    assert_non_null(strstr(out, want));
    /* Links: the cover's website (page 1) and the contents (page 2). */
    assert_non_null(strstr(out, "\nPR-10 failure: Link annotation inside the page: pages 1\xE2\x80\x93"
                                "2. "));
    assert_non_null(strstr(out, "is a plain jianbao PDF: for the print shop, build with "
                                "--press (jianbao build --press ISSUE_DIR).\n"));
    assert_null(strstr(out, "object"));
    free(out);
}

/* ---- limits: each one reached, with its message ---- */

/* A hostile file from tests/preflight/hostile.py. */
static void hostile(const char *kind, const char *scale, char *path, size_t n)
{
    snprintf(path, n, "%s/%s.pdf", tu_tmpdir(), kind);
    int st;
    free(tu_run(&st, "python3 tests/preflight/hostile.py %s %s %s", kind, path, scale));
    assert_int_equal(st, 0);
}

/* Checks path with o and expects the PR-10 limit finding with message msg. */
static void expect_limit(const char *path, const preflight_options *o, const char *msg)
{
    preflight_report *r = report(path, o);
    const preflight_finding *f = finding(r, "too-complex", msg);
    if (!f)
        preflight_print_text(r, stderr);
    assert_non_null(f);
    assert_int_equal(f->rule, 10);
    assert_int_equal(f->severity, PREFLIGHT_FAILURE);
    assert_int_equal(preflight_exit_code(r), 1);
    preflight_report_free(r);
}

static void test_limit_file_size(void **state)
{
    (void)state;
    char path[300];
    snprintf(path, sizeof path, "%s/huge.pdf", tu_tmpdir());
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)2 << 30), 0); /* sparse: no disk used */
    close(fd);
    int rc;
    char *out = strip_file(run(path, NULL, &rc), path);
    assert_int_equal(rc, 2);
    assert_string_equal(out, "error: larger than 1024 MB: not checked (a limit of preflight)\n");
    free(out);
    unlink(path);
}

static void test_limit_objects(void **state)
{
    (void)state;
    preflight_options o;
    preflight_options_default(&o);
    o.limits.objects = 20;
    expect_limit(bad, &o, "more than 20 objects: the rest of the file was not checked");
    char path[300];
    hostile("many-objects", "0.1", path, sizeof path); /* 30,000 font entries */
    o.limits.objects = 10000;
    expect_limit(path, &o, "more than 10000 objects: the rest of the file was not checked");
}

static void test_limit_tokens(void **state)
{
    (void)state;
    char path[300];
    preflight_options o;
    preflight_options_default(&o);
    /* 10^7 distinct draws; the default limit on it: tests/integration/preflight.sh */
    hostile("nested-forms", "1", path, sizeof path);
    o.limits.tokens = 100000;
    expect_limit(path, &o, "more than 100000 content-stream tokens: the rest of the file "
                           "was not checked");
    o.limits.tokens = 100;
    hostile("nested-arrays", "0.1", path, sizeof path); /* 200,000 '[' */
    expect_limit(path, &o, "more than 100 content-stream tokens");
}

static void test_limit_stream_bytes(void **state)
{
    (void)state;
    char path[300];
    hostile("deflate-bomb", "0.05", path, sizeof path); /* 53 MB of spaces */
    preflight_options o;
    preflight_options_default(&o);
    expect_limit(path, &o, "the page content decodes to more than 32 MB: it was not checked");
    o.limits.stream_bytes = 100 << 10;
    hostile("deflate-bomb", "0.001", path, sizeof path); /* 1 MB */
    expect_limit(path, &o, "the page content decodes to more than 100 KB: it was not checked");
}

static void test_limit_decoded_bytes(void **state)
{
    (void)state;
    preflight_options o;
    preflight_options_default(&o);
    o.limits.decoded_bytes = 40;
    expect_limit(bad, &o, "decoded streams pass 40 bytes in all: the rest of the file was "
                          "not checked");
}

static void test_limit_form_depth(void **state)
{
    (void)state;
    char path[300];
    hostile("same-forms", "0.2", path, sizeof path); /* 8 forms, each in the next */
    preflight_options o;
    preflight_options_default(&o);
    preflight_report *r = report(path, &o);
    assert_null(finding(r, "too-complex", NULL)); /* 8 deep is allowed */
    preflight_report_free(r);
    o.limits.form_depth = 3;
    expect_limit(path, &o, "form XObjects nested more than 3 deep: the inner ones were not "
                           "checked");
}

static void test_limit_findings(void **state)
{
    (void)state;
    preflight_options o;
    preflight_options_default(&o);
    o.limits.findings = 3;
    int rc;
    char *out = strip_file(run(bad, &o, &rc), bad);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(out, "\n(6 more findings not listed: the first 3 are above)\n"
                                "preflight: 3 failures, 0 warnings (PDF/X-1a:2003)\n"));
    free(out);
}

static void test_limit_gstack(void **state)
{
    (void)state;
    char q[200] = "";
    for (int i = 0; i < 70; i++)
        strcat(q, "q ");
    strcat(q, "0 0 0 1 k 0 0 1 1 re f");
    hand_page pg = { CID_FONT, CID_DESC, q };
    char path[300];
    snprintf(path, sizeof path, "%s/gstack.pdf", tu_tmpdir());
    write_hand_pdf(path, &pg, 1);
    expect_limit(path, NULL, "graphics states nested more than 64 deep (q): the rest of that "
                             "content was not checked");
}

static void test_limit_colour_space_depth(void **state)
{
    (void)state;
    char path[300];
    snprintf(path, sizeof path, "%s/cs.pdf", tu_tmpdir());
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs("%PDF-1.4\n", f);
    long o1 = ftell(f);
    fputs("1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n", f);
    long o2 = ftell(f);
    fputs("2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n", f);
    long o3 = ftell(f);
    fputs("3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Resources << "
          "/ColorSpace << /C [/Indexed [/Indexed [/Indexed [/Indexed [/Indexed [/Indexed "
          "/DeviceCMYK 0 <00>] 0 <00>] 0 <00>] 0 <00>] 0 <00>] 0 <00>] >> >> >> endobj\n",
          f);
    long x = ftell(f);
    fprintf(f, "xref\n0 4\n0000000000 65535 f \n%010ld 00000 n \n%010ld 00000 n \n%010ld 00000 "
               "n \ntrailer << /Size 4 /Root 1 0 R >>\nstartxref\n%ld\n%%%%EOF\n",
            o1, o2, o3, x);
    fclose(f);
    expect_limit(path, NULL, "colour spaces nested more than 4 deep (not checked)");
}

/* qpdf 11.3 recurses on the page tree (50,000 levels crash qpdf --check): a deeper tree
 * than PF_MAX_PAGE_TREE_DEPTH is refused before qpdf walks it. */
static void test_limit_page_tree(void **state)
{
    (void)state;
    char path[300];
    hostile("deep-pages", "0.006", path, sizeof path); /* 300 levels */
    expect_limit(path, NULL, "the page tree is more than 256 levels deep: no page was checked");
    hostile("deep-pages", "0.005", path, sizeof path); /* 250 levels: checked */
    preflight_report *r = report(path, NULL);
    assert_null(finding(r, "too-complex", NULL));
    assert_int_equal(r->pages, 1);
    preflight_report_free(r);
}

static void test_limit_forms_per_page(void **state)
{
    (void)state;
    char path[300];
    hostile("many-forms", "1", path, sizeof path);
    expect_limit(path, NULL, "more than 4096 form XObjects on one page: the others were not "
                             "checked");
}

/* A TJ array longer than the reader keeps is not measured: said, not skipped. */
static void test_limit_text_array(void **state)
{
    (void)state;
    char *tj = repeated("BT /F1 10 Tf 1 0 0 1 100 100 Tm [", "<0001> ", 70000, "] TJ ET");
    hand_page pg = { CID_FONT, CID_DESC, tj };
    char path[300];
    snprintf(path, sizeof path, "%s/tj.pdf", tu_tmpdir());
    write_hand_pdf(path, &pg, 1);
    free(tj);
    expect_limit(path, NULL, "a text array (TJ) of more than 65536 items: that text was not "
                             "checked");
}

/* Fonts past the metrics cache, and widths tables past their limit, are measured by
 * estimate, with a PR-07 warning (text near the trim is then checked less exactly). */
static void test_limit_fonts(void **state)
{
    (void)state;
    char path[300];
    hostile("many-fonts", "1", path, sizeof path);
    preflight_report *r = report(path, NULL);
    const preflight_finding *f = finding(r, "widths-estimated", NULL);
    assert_non_null(f);
    assert_string_equal(f->message, "more than 4096 fonts: text in the others is measured by "
                                    "estimate");
    assert_int_equal(f->severity, PREFLIGHT_WARNING);
    preflight_report_free(r);
    char *w = repeated("<< /Type /Font /Subtype /CIDFontType2 /DW 300 /W [ ", "0 65535 400 ",
                       90000, "] >>");
    hand_page pg = { CID_FONT, w, "BT /F1 10 Tf 1 0 0 1 100 100 Tm <0001> Tj ET" };
    snprintf(path, sizeof path, "%s/widths.pdf", tu_tmpdir());
    write_hand_pdf(path, &pg, 1);
    free(w);
    r = report(path, NULL);
    f = finding(r, "widths-estimated", NULL);
    assert_non_null(f);
    assert_string_equal(f->message, "font Latin has more than 262144 widths: the rest are "
                                    "estimated");
    preflight_report_free(r);
}

/* JSON: the same findings for tools, with object numbers; the schema is checked by
 * tests/integration/preflight.sh against layout/preflight/report.schema.json. */
static void test_json(void **state)
{
    (void)state;
    preflight_options o;
    preflight_options_default(&o);
    o.json = true;
    int rc;
    char *out = run(bad, &o, &rc);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(out, "\"schema\": \"jianbao-preflight/1\""));
    assert_non_null(strstr(out, "{\"rule\": \"PR-06\", \"check\": \"trimbox-missing\", "
                                "\"severity\": \"failure\", \"message\": \"no TrimBox\", "
                                "\"fix\": \"Set a TrimBox (the finished size) and a BleedBox "
                                "3 mm larger on every page\", \"pages\": [[1, 3]], \"count\": 3, "
                                "\"objects\": [5, 8, 13]}"));
    assert_non_null(strstr(out, "\"passed\": false"));
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
        cmocka_unit_test(test_bad_pdf),
        cmocka_unit_test(test_object_numbers),
        cmocka_unit_test(test_as_x4),
        cmocka_unit_test(test_encrypted),
        cmocka_unit_test(test_not_a_pdf),
        cmocka_unit_test(test_not_a_regular_file),
        cmocka_unit_test(test_garbage_never_crashes),
        cmocka_unit_test(test_content_checks),
        cmocka_unit_test(test_cid_right_aligned),
        cmocka_unit_test(test_tj_adjustments),
        cmocka_unit_test(test_simple_fonts),
        cmocka_unit_test(test_damaged_widths),
        cmocka_unit_test(test_text_operands_robust),
        cmocka_unit_test(test_marks_outside_bleed),
        cmocka_unit_test(test_bleed_and_trim),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_limit_file_size),
        cmocka_unit_test(test_limit_objects),
        cmocka_unit_test(test_limit_tokens),
        cmocka_unit_test(test_limit_stream_bytes),
        cmocka_unit_test(test_limit_decoded_bytes),
        cmocka_unit_test(test_limit_form_depth),
        cmocka_unit_test(test_limit_findings),
        cmocka_unit_test(test_limit_gstack),
        cmocka_unit_test(test_limit_colour_space_depth),
        cmocka_unit_test(test_limit_page_tree),
        cmocka_unit_test(test_limit_forms_per_page),
        cmocka_unit_test(test_limit_fonts),
        cmocka_unit_test(test_limit_text_array),
        cmocka_unit_test(test_default_issue_press),
        cmocka_unit_test(test_plain_issue_report),
    };
    return cmocka_run_group_tests_name("preflight", tests, setup, teardown);
}
