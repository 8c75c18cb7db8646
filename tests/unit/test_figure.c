/* Figures: placement at the measure with the aspect kept, effective resolution and
 * its warning (PR-08), the image in a real PDF. The image files themselves are
 * checked by the reader (test_image, test_reader). Images are made with ImageMagick's
 * convert in a temporary directory. */
#include "boxutil.h"

#include <unistd.h>

#include "layout/blocks/figure.h"

static font_lib *lib;
static style st;
static char cwd[1024];
static src_file *sf;

/* The issue source the figures are "in": the figure block is on line 3. */
static const char *md = "# 协会动态\n\n![珠海市服务外包示范城市授牌仪式](figures/a.png)\n";

static void sh(const char *fmt, const char *arg)
{
    int stt;
    char *out = tu_run(&stt, fmt, arg);
    free(out);
    if (stt != 0)
        fail_msg("command failed: %s", fmt);
}

static int setup(void **state)
{
    (void)state;
    lib = font_lib_new();
    bu_style(&st);
    if (!getcwd(cwd, sizeof cwd) || chdir(tu_tmpdir()))
        return -1;
    sh("mkdir -p figures && convert -size 1200x800 gradient:'#1f4e96'-'#e8eef7' -depth 8 "
       "-units PixelsPerInch -density 150 figures/a.png%s", "");
    sh("convert -size 1600x800 gradient:gray20-gray90 -depth 8 figures/wide.png%s", "");
    sh("convert -size 600x1200 gradient:gray20-gray90 figures/tall.png%s", "");
    sh("convert -size 500x400 gradient:gray20-gray90 figures/low.png%s", "");
    sh("convert -size 1x1 xc:gray50 figures/dot.png%s", "");
    sh("convert -size 900x600 gradient:'#1f4e96'-'#f0c040' -quality 90 -units PixelsPerInch "
       "-density 300 figures/photo.jpg%s", "");
    sf = src_file_new("issues/2019-03/issue.md", md, strlen(md));
    return lib && sf ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    font_lib_free(lib);
    src_file_free(sf);
    if (chdir(cwd))
        return -1;
    char *out = tu_run(NULL, "rm -rf %s", tu_tmpdir());
    free(out);
    return 0;
}

typedef struct {
    bu_diag bd;
    typeset_ctx t;
    doc_figure fig;
    doc_block blk;
    box *b;
} fcase;

static void fcase_open(fcase *c, const char *path, const char *caption, float col, float full,
                       int number)
{
    memset(c, 0, sizeof *c);
    bu_diag_open(&c->bd);
    typeset_ctx_init(&c->t, lib, &st, &c->bd.d, sf);
    c->fig.path = (char *)path;
    /* What the reader does (image_check), so the box sees a checked figure. */
    char err[300];
    if (path)
        image_check(path, &c->fig.info, err, sizeof err);
    c->fig.caption = bu_dtext(caption);
    c->blk.kind = DOC_FIGURE;
    c->blk.figure = &c->fig;
    c->blk.src = (size_t)(strstr(md, "![") - md);
    c->b = box_new(&c->t, &c->blk, col, full, BU_MAXH, number);
}

static void fcase_close(fcase *c)
{
    box_free(c->b);
    free(c->fig.caption.in);
    bu_diag_close(&c->bd);
}

/* 1200×800 px into a 231 pt column: 231 × 154 pt, 1200 / (231/72) = 374.0 ppi, no
 * warning; the image item at the box's corner; the caption below it. */
static void test_column_placement(void **state)
{
    (void)state;
    fcase c;
    fcase_open(&c, "figures/a.png", "珠海市服务外包示范城市授牌仪式", 231, BU_FULL, 1);
    assert_non_null(c.b);
    assert_false(c.b->span);
    bu_near(c.b->w, 231, 1e-4);
    float w, h;
    figure_placed(c.b, &w, &h);
    bu_near(w, 231, 1e-4);
    bu_near(h, 154, 1e-4);
    bu_near(figure_ppi(c.b), 374.0, 0.05);
    assert_int_equal(c.bd.d.warnings + c.bd.d.errors, 0);
    assert_int_equal(c.b->nrows, 1);
    assert_int_equal(c.b->caption_rows, 0);
    assert_int_equal(c.b->nrepeat, 0);
    /* Image, a gap of 0.6 caption em, one caption line of 15 pt. */
    bu_near(c.b->row_h[0], 154 + 6 + 15, 1e-3);
    dl_doc *d = dl_doc_new(595.276f, 841.89f);
    dl_page_add(d);
    assert_int_equal(c.b->draw(c.b, d, 0, 60, 100, 0, 1), 0);
    assert_int_equal(d->nimages, 1);
    assert_string_equal(d->images[0].path, "figures/a.png");
    assert_int_equal(d->images[0].px_w, 1200);
    assert_int_equal(d->images[0].px_h, 800);
    const dl_item *im = &d->pages[0].items[0];
    assert_int_equal(im->kind, DL_IMAGE);
    bu_near(im->u.image.x, 60, 1e-4);
    bu_near(im->u.image.y, 100, 1e-4);
    bu_near(im->u.image.w, 231, 1e-4);
    bu_near(im->u.image.h, 154, 1e-4);
    int cap = bu_find_text(d, 0, "图1", 0);
    assert_true(cap > 0);
    const dl_item *ct = &d->pages[0].items[cap];
    assert_true(ct->u.text.y > 100 + 154 + 6 && ct->u.text.y < 100 + 154 + 6 + 15);
    char *all = bu_page_text(d, 0);
    assert_non_null(strstr(all, "图1\xE3\x80\x80珠海市服务外包示范城市授牌仪式"));
    free(all);
    dl_doc_free(d);
    fcase_close(&c);
}

/* Wide (2:1) spans the text area; tall (1:2) is held to 60 % of the text area's
 * height and centred; in a one-column page (col = full) wide images do not span. */
static void test_wide_and_tall(void **state)
{
    (void)state;
    fcase c;
    float w, h;
    fcase_open(&c, "figures/wide.png", NULL, BU_COL, BU_FULL, 0);
    assert_non_null(c.b);
    assert_true(c.b->span);
    figure_placed(c.b, &w, &h);
    bu_near(w, BU_FULL, 1e-4);
    bu_near(h, BU_FULL / 2, 1e-4);
    bu_near(c.b->row_h[0], h, 1e-4);               /* no number, no caption */
    fcase_close(&c);

    fcase_open(&c, "figures/wide.png", NULL, BU_FULL, BU_FULL, 0);
    assert_false(c.b->span);
    fcase_close(&c);

    fcase_open(&c, "figures/tall.png", "珠海", BU_COL, BU_FULL, 2);
    assert_non_null(c.b);
    assert_false(c.b->span);
    figure_placed(c.b, &w, &h);
    float maxh = 0.6f * (841.89f - 62 - 62);
    bu_near(h, maxh, 1e-3);
    bu_near(w, maxh / 2, 1e-3);
    bu_near(w / h, 600.0 / 1200.0, 1e-6);
    dl_doc *d = dl_doc_new(595.276f, 841.89f);
    dl_page_add(d);
    assert_int_equal(c.b->draw(c.b, d, 0, 0, 0, 0, 1), 0);
    bu_near(d->pages[0].items[0].u.image.x, (BU_COL - w) / 2, 1e-3);
    dl_doc_free(d);
    fcase_close(&c);
}

/* 500 px over 240 pt is 150 ppi: the exact warning at the figure's line. */
static void test_low_resolution(void **state)
{
    (void)state;
    fcase c;
    fcase_open(&c, "figures/low.png", "示意图", 240, BU_FULL, 4);
    assert_non_null(c.b);
    bu_near(figure_ppi(c.b), 150, 1e-9);
    assert_string_equal(bu_diag_text(&c.bd),
                        "issues/2019-03/issue.md:3:1: warning: figure figures/low.png is 150 ppi "
                        "at its placed size (needs 300 for print); supply a larger image\n");
    fcase_close(&c);
    /* A one-pixel image is laid out (and warned about), not a crash. */
    fcase_open(&c, "figures/dot.png", NULL, 240, BU_FULL, 0);
    assert_non_null(c.b);
    assert_int_equal(c.bd.d.warnings, 1);
    fcase_close(&c);
}

/* A figure the reader could not check (no size) is an error at its position, and no
 * box; so is a figure without a path. */
static void test_unchecked(void **state)
{
    (void)state;
    fcase c;
    fcase_open(&c, "figures/none.png", "图", BU_COL, BU_FULL, 1);
    assert_null(c.b);
    assert_int_equal(c.bd.d.errors, 1);
    assert_non_null(strstr(bu_diag_text(&c.bd), "issues/2019-03/issue.md:3:1: error: figure "
                                                "figures/none.png has no size"));
    fcase_close(&c);
    fcase_open(&c, NULL, NULL, BU_COL, BU_FULL, 1);
    assert_null(c.b);
    assert_int_equal(c.bd.d.errors, 1);
    fcase_close(&c);
}

/* A JPEG and a PNG with a long caption in a PDF: pdfimages lists both at their pixel
 * sizes, the caption wraps (centred, every line inside the measure) and reads back. */
static void test_pdf(void **state)
{
    (void)state;
    fcase a, b;
    fcase_open(&a, "figures/photo.jpg",
               "2019年3月15日，珠海市服务贸易和外包行业协会在横琴召开会员大会，会长作2018年度工作报告",
               BU_COL, BU_FULL, 5);
    fcase_open(&b, "figures/a.png", "授牌仪式", BU_COL, BU_FULL, 6);
    assert_non_null(a.b);
    assert_non_null(b.b);
    /* 900 px over 231 pt: 280.5 ppi, just short. */
    assert_non_null(strstr(bu_diag_text(&a.bd), "figure figures/photo.jpg is 281 ppi"));
    assert_int_equal(b.bd.d.warnings, 0);
    dl_doc *d = dl_doc_new(595.276f, 841.89f);
    dl_page_add(d);
    assert_int_equal(a.b->draw(a.b, d, 0, 56.6f, 60, 0, 1), 0);
    assert_int_equal(b.b->draw(b.b, d, 0, 56.6f, 80 + a.b->row_h[0], 0, 1), 0);
    int lines = 0;
    for (uint32_t i = 0; i < d->pages[0].n; i++) {
        const dl_item *it = &d->pages[0].items[i];
        if (it->kind != DL_TEXT)
            continue;
        assert_true(it->u.text.x >= 56.6f - 0.01f);
        assert_true(bu_text_right(lib, it) <= 56.6f + 231 + 0.01f);
        lines++;
    }
    assert_true(lines >= 3);
    char pdf[512];
    snprintf(pdf, sizeof pdf, "%s/figures.pdf", getenv("JB_VIEW") ? getenv("JB_VIEW") : ".");
    bu_write_pdf(d, lib, pdf);
    int stt;
    char *out = tu_run(&stt, "pdfimages -list %s | tail -n +3 | awk '{print $4\"x\"$5, $9}'", pdf);
    assert_int_equal(stt, 0);
    assert_string_equal(out, "900x600 jpeg\n1200x800 image\n");
    free(out);
    out = tu_run(&stt, "pdftotext %s - | tr -d ' \\n'", pdf);
    /* (poppler turns the ideographic space after the label into a break) */
    assert_non_null(strstr(out, "图52019年3月15日，珠海市服务贸易和外包行业协会"));
    assert_non_null(strstr(out, "图6授牌仪式"));
    free(out);
    dl_doc_free(d);
    fcase_close(&a);
    fcase_close(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_column_placement),
        cmocka_unit_test(test_wide_and_tall),
        cmocka_unit_test(test_low_resolution),
        cmocka_unit_test(test_unchecked),
        cmocka_unit_test(test_pdf),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
