/* Foundation: shaped Chinese text in three families (CFF and TrueType) plus Latin and
 * a fallback font reaches a PDF that poppler, qpdf and mupdf read back exactly. */
#include "testutil.h"

#include <sys/stat.h>

#include "fonts/font.h"
#include "fonts/shape.h"
#include "layout/dlist/dlist.h"
#include "layout/pdf/pdf.h"

static font_lib *lib;
static char pdfpath[256];

typedef struct {
    size_t off[8];
    uint32_t cp[8];
    int n;
} missing_log;

static void on_missing(void *ctx, size_t off, uint32_t cp)
{
    missing_log *m = ctx;
    if (m->n < 8) {
        m->off[m->n] = off;
        m->cp[m->n] = cp;
        m->n++;
    }
}

/* Shapes text and appends it at (x, y) as one text item per font run; returns the
 * width in pt. */
static float place(dl_doc *d, int page, const shape_fonts *fs, float size, float x, float y,
                   const char *text, missing_log *ml)
{
    shape_out so = { 0 };
    assert_int_equal(shape_text(lib, fs, text, strlen(text), on_missing, ml, &so), 0);
    float pen = 0;
    size_t i = 0;
    while (i < so.n) {
        size_t j = i;
        dl_glyph g[256];
        uint32_t ng = 0;
        font *f = so.g[i].f;
        float scale = size / (float)font_upem(f);
        float run_x = pen;
        while (j < so.n && so.g[j].f == f && ng < 256) {
            const shape_glyph *sg = &so.g[j];
            size_t cend = strlen(text);
            for (size_t k = j + 1; k < so.n; k++)
                if (so.g[k].cluster != sg->cluster) {
                    cend = so.g[k].cluster;
                    break;
                }
            bool first = j == 0 || so.g[j - 1].cluster != sg->cluster;
            g[ng].gid = sg->gid;
            g[ng].x = pen - run_x + sg->xoff * scale;
            g[ng].y = -sg->yoff * scale;
            g[ng].text = sg->cluster;
            g[ng].ntext = first ? (uint32_t)(cend - sg->cluster) : 0;
            pen += sg->adv * scale;
            ng++;
            j++;
        }
        assert_non_null(dl_text_add(d, page, font_id(f), size, dl_gray(0), x + run_x, y, g, ng,
                                    text, strlen(text)));
        i = j;
    }
    shape_out_free(&so);
    return pen;
}

static const char *lines[] = {
    "珠海市服务贸易和外包行业协会简报",          /* Noto Serif CJK SC (CFF) */
    "企业动态：金邦达荣获认证证书",                /* Noto Sans CJK SC Bold (CFF) */
    "来源：珠海特区报（霞鹜文楷）",                /* LXGW WenKai (TrueType) */
    "2018年全年总额为4369712.57万人民币，增长10.92%", /* Latin digits in DejaVu */
    "棋子♚在这里",                                 /* ♚ from a fallback font */
};

static dl_doc *sample_doc(missing_log *ml)
{
    char err[256];
    font *serif = font_lib_open(lib, "Noto Serif CJK SC", "Regular", err, sizeof err);
    font *sans = font_lib_open(lib, "Noto Sans CJK SC", "Bold", err, sizeof err);
    font *kai = font_lib_open(lib, "LXGW WenKai", "Regular", err, sizeof err);
    font *latin = font_lib_open(lib, "DejaVu Serif", "Book", err, sizeof err);
    assert_non_null(serif);
    assert_non_null(sans);
    assert_non_null(kai);
    assert_non_null(latin);
    assert_true(font_is_cff(serif));
    assert_false(font_is_cff(kai));
    dl_doc *d = dl_doc_new(595.276f, 841.89f);
    int p = dl_page_add(d);
    shape_fonts fs[] = { { serif, serif, NULL, 0 }, { sans, sans, NULL, 0 },
                         { kai, kai, NULL, 0 },     { serif, latin, NULL, 0 },
                         { serif, serif, NULL, 0 } };
    for (int i = 0; i < 5; i++)
        place(d, p, &fs[i], 14, 72, 100 + 40 * i, lines[i], ml);
    return d;
}

static void build_sample(const char *path, missing_log *ml)
{
    char err[256];
    dl_doc *d = sample_doc(ml);
    pdf_options o;
    pdf_options_default(&o);
    assert_int_equal(pdf_write(d, lib, &o, path, err, sizeof err), 0);
    dl_doc_free(d);
}

/* pdf_write leaves the display list as it was; pdf_write_release empties each page once
 * written (its label stays), and the file is the same. */
static void test_release_pages(void **state)
{
    (void)state;
    char err[256], a[512], b[512];
    snprintf(a, sizeof a, "%s/kept.pdf", tu_tmpdir());
    snprintf(b, sizeof b, "%s/released.pdf", tu_tmpdir());
    pdf_options o;
    pdf_options_default(&o);
    missing_log ml = { 0 };
    dl_doc *d = sample_doc(&ml);
    assert_int_equal(dl_set_str(&d->pages[0].label, "7"), 0);
    uint32_t n = d->pages[0].n;
    assert_true(n > 0);
    assert_int_equal(pdf_write(d, lib, &o, a, err, sizeof err), 0);
    assert_int_equal(d->pages[0].n, n);
    assert_int_equal(pdf_write_release(d, lib, &o, b, err, sizeof err), 0);
    assert_int_equal(d->pages[0].n, 0);
    assert_null(d->pages[0].items);
    assert_string_equal(d->pages[0].label, "7");
    dl_doc_free(d);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "cmp -s '%s' '%s'", a, b);
    assert_int_equal(system(cmd), 0);
}

static void test_fonts_embedded(void **state)
{
    (void)state;
    int st;
    char *out = tu_run(&st, "pdffonts %s", pdfpath);
    assert_int_equal(st, 0);
    /* Serif, Sans Bold, WenKai, DejaVu Serif, the fallback for ♚. */
    int fonts = 0;
    for (char *l = strtok(out, "\n"); l; l = strtok(NULL, "\n")) {
        if (strncmp(l, "name", 4) == 0 || strncmp(l, "----", 4) == 0)
            continue;
        fonts++;
        /* columns: name type encoding emb sub uni object ID */
        assert_non_null(strstr(l, "yes yes yes"));
        assert_true(strlen(l) > 7 && l[6] == '+');
    }
    free(out);
    assert_int_equal(fonts, 5);
    out = tu_run(&st, "pdffonts %s | grep -c 'CID Type 0C'", pdfpath);
    assert_int_equal(atoi(out), 2);
    free(out);
    out = tu_run(&st, "pdffonts %s | grep -c 'CID TrueType'", pdfpath);
    assert_int_equal(atoi(out), 3);
    free(out);
}

static void test_text_round_trip(void **state)
{
    (void)state;
    int st;
    char *out = tu_run(&st, "pdftotext -raw -enc UTF-8 %s -", pdfpath);
    assert_int_equal(st, 0);
    char expect[1024] = "";
    for (int i = 0; i < 5; i++) {
        strcat(expect, lines[i]);
        strcat(expect, "\n");
    }
    strcat(expect, "\f");
    assert_string_equal(out, expect);
    free(out);
}

static void test_qpdf_and_mupdf(void **state)
{
    (void)state;
    int st;
    char *out = tu_run(&st, "qpdf --check %s 2>&1", pdfpath);
    assert_int_equal(st, 0);
    assert_non_null(strstr(out, "No syntax or stream encoding errors"));
    free(out);
    /* mupdf as packaged prints a note about its own build; anything else is about us. */
    out = tu_run(&st, "mutool draw -q -o %s/m.png -r 50 %s 2>%s/mu.err; s=$?; "
                      "grep -v 'ICC support is not available' %s/mu.err; exit $s",
                 tu_tmpdir(), pdfpath, tu_tmpdir(), tu_tmpdir());
    assert_int_equal(st, 0);
    assert_string_equal(out, "");
    free(out);
}

/* The rendered page has ink where each line was placed and none between lines. */
static void test_rendered_not_blank(void **state)
{
    (void)state;
    int st;
    char *out = tu_run(&st, "pdftoppm -r 72 -gray -f 1 -l 1 %s %s/r && ls %s/r*.pgm",
                       pdfpath, tu_tmpdir(), tu_tmpdir());
    assert_int_equal(st, 0);
    out[strcspn(out, "\n")] = 0;
    FILE *f = fopen(out, "rb");
    assert_non_null(f);
    int w, h, maxv;
    assert_int_equal(fscanf(f, "P5 %d %d %d", &w, &h, &maxv), 3);
    fgetc(f);
    unsigned char *px = malloc((size_t)w * h);
    assert_int_equal(fread(px, 1, (size_t)w * h, f), (size_t)w * h);
    fclose(f);
    free(out);
    for (int i = 0; i < 5; i++) {
        int base = 100 + 40 * i, dark = 0;
        for (int y = base - 12; y <= base + 2; y++)
            for (int x = 72; x < 72 + 150; x++)
                dark += px[y * w + x] < 128;
        assert_true(dark > 100);
        int blank = 0;
        for (int y = base + 8; y < base + 24; y++)
            for (int x = 72; x < 500; x++)
                blank += px[y * w + x] < 128;
        assert_int_equal(blank, 0);
    }
    free(px);
}

static void test_deterministic(void **state)
{
    (void)state;
    char second[300];
    missing_log ml = { 0 };
    snprintf(second, sizeof second, "%s/second.pdf", tu_tmpdir());
    build_sample(second, &ml);
    int st;
    char *out = tu_run(&st, "cmp %s %s", pdfpath, second);
    assert_int_equal(st, 0);
    free(out);
}

static void test_fallback_and_notdef(void **state)
{
    (void)state;
    char err[256];
    font *serif = font_lib_open(lib, "Noto Serif CJK SC", "Regular", err, sizeof err);
    assert_int_equal(font_glyph(serif, 0x265A), 0);
    shape_fonts fs = { serif, serif, NULL, 0 };
    shape_out so = { 0 };
    missing_log ml = { 0 };
    const char *t = "王♚𪚥";
    assert_int_equal(shape_text(lib, &fs, t, strlen(t), on_missing, &ml, &so), 0);
    assert_int_equal(so.n, 3);
    assert_ptr_equal(so.g[0].f, serif);
    assert_ptr_not_equal(so.g[1].f, serif);
    assert_true(so.g[1].gid != 0);
    /* 𪚥 is in no installed font: reported at its byte offset, drawn as .notdef. */
    assert_int_equal(ml.n, 1);
    assert_int_equal(ml.off[0], strlen("王♚"));
    assert_int_equal(ml.cp[0], 0x2A6A5);
    assert_int_equal(so.g[2].gid, 0);
    shape_out_free(&so);
}

static void test_missing_family(void **state)
{
    (void)state;
    char err[256];
    assert_null(font_lib_open(lib, "No Such Family SC", "Regular", err, sizeof err));
    assert_non_null(strstr(err, "No Such Family SC"));
    assert_non_null(strstr(err, "fc-list :lang=zh family"));
}

/* Tabs and control characters produce no glyph at all. */
static void test_controls_never_shaped(void **state)
{
    (void)state;
    char err[256];
    font *serif = font_lib_open(lib, "Noto Serif CJK SC", "Regular", err, sizeof err);
    shape_fonts fs = { serif, serif, NULL, 0 };
    shape_out so = { 0 };
    const char *t = "甲\t乙\x01丙";
    assert_int_equal(shape_text(lib, &fs, t, strlen(t), NULL, NULL, &so), 0);
    assert_int_equal(so.n, 3);
    for (size_t i = 0; i < so.n; i++)
        assert_true(so.g[i].gid != 0);
    shape_out_free(&so);
}

/* A failed write leaves the previous file untouched and no temporary behind. */
static void test_failed_write_keeps_old(void **state)
{
    (void)state;
    char err[256], path[300];
    snprintf(path, sizeof path, "%s/nodir/x.pdf", tu_tmpdir());
    dl_doc *d = dl_doc_new(100, 100);
    dl_page_add(d);
    pdf_options o;
    pdf_options_default(&o);
    assert_int_equal(pdf_write(d, lib, &o, path, err, sizeof err), -1);
    assert_non_null(strstr(err, "nodir"));
    dl_doc_free(d);
    int st;
    char *out = tu_run(&st, "ls %s | grep -c tmp", tu_tmpdir());
    assert_int_equal(atoi(out), 0);
    free(out);
}

static int setup(void **state)
{
    (void)state;
    lib = font_lib_new();
    snprintf(pdfpath, sizeof pdfpath, "%s/sample.pdf", tu_tmpdir());
    missing_log ml = { 0 };
    build_sample(pdfpath, &ml);
    return lib ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    font_lib_free(lib);
    return tu_cleanup();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fonts_embedded),      cmocka_unit_test(test_text_round_trip),
        cmocka_unit_test(test_qpdf_and_mupdf),      cmocka_unit_test(test_rendered_not_blank),
        cmocka_unit_test(test_deterministic),       cmocka_unit_test(test_fallback_and_notdef),
        cmocka_unit_test(test_missing_family),      cmocka_unit_test(test_controls_never_shaped),
        cmocka_unit_test(test_failed_write_keeps_old), cmocka_unit_test(test_release_pages),
    };
    return cmocka_run_group_tests_name("pdf", tests, setup, teardown);
}
