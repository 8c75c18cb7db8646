/* Preflight (CLREQ PR-01…PR-11) on deliberately bad PDFs made with libharu's own
 * high-level API, and on files that are no PDF at all. */
#include "testutil.h"

#include <hpdf.h>
#include <hpdf_doc.h>
#include <hpdf_objects.h>
#include <hpdf_pages.h>

#include "fonts/font.h"
#include "fonts/shape.h"
#include "layout/dlist.h"
#include "layout/pdf.h"
#include "layout/preflight.h"

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
    char cmd[300];
    if (getenv("JB_KEEP"))
        return 0;
    snprintf(cmd, sizeof cmd, "rm -rf %s", tu_tmpdir());
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_pdf),        cmocka_unit_test(test_object_numbers),
        cmocka_unit_test(test_as_x4),          cmocka_unit_test(test_encrypted),
        cmocka_unit_test(test_not_a_pdf),      cmocka_unit_test(test_garbage_never_crashes),
        cmocka_unit_test(test_content_checks),
    };
    return cmocka_run_group_tests_name("preflight", tests, setup, teardown);
}
