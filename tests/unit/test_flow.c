/* Page geometry from the style (CL-GR-01, CL-GR-04) and mirrored margins; a figure
 * with its caption nearly a column high on a small page. */
#include "testutil.h"

#include <math.h>

#include "layout/flow/flow.h"
#include "layout/read/doc.h"

#define MM(x) ((x) * 72.0 / 25.4)

static void assert_near(double a, double b)
{
    if (fabs(a - b) > 1e-3)
        fail_msg("%.4f != %.4f", a, b);
}

/* Whole characters per column, whole lines per column, a gap of whole ems; what is
 * left over goes equally to both margins. */
static void test_house_geometry(void **state)
{
    (void)state;
    diag d;
    diag_init(&d, stderr);
    style *st = style_read("styles/zasto.ini", &d);
    assert_non_null(st);
    flow_geom g;
    assert_int_equal(flow_geom_init(&g, st, &d), 0);
    assert_int_equal(g.cols, 2);
    assert_int_equal(g.col_chars, 22);
    assert_near(g.colw, 22 * 10.5);
    assert_near(g.gap, 2 * 10.5);
    assert_near(g.text_w, 2 * 231 + 21);
    assert_near(g.pitch, 10.5 * 1.47);
    assert_int_equal(g.lines, (int)floor((MM(297) - MM(40)) / g.pitch));
    assert_near(g.left_recto + g.text_w + g.left_recto, MM(210));
    style_free(st);
}

/* Inner and outer margins swap between right-hand (odd) and left-hand pages; the
 * cover, page index 0, is a right-hand page. */
static void test_mirrored_margins(void **state)
{
    (void)state;
    diag d;
    diag_init(&d, stderr);
    style *st = style_read_mem("m.ini", "[page]\nmargin-inner = 25mm\nmargin-outer = 15mm\n", &d);
    assert_non_null(st);
    flow_geom g;
    assert_int_equal(flow_geom_init(&g, st, &d), 0);
    assert_near(g.left_recto - g.left_verso, MM(10));
    assert_near(flow_left(&g, 0), g.left_recto);
    assert_near(flow_left(&g, 1), g.left_verso);
    assert_near(flow_left(&g, 2), g.left_recto);
    /* Binding side: recto's inner margin is on the left, verso's on the right. */
    assert_near(MM(210) - (flow_left(&g, 1) + g.text_w), g.left_recto);
    style_free(st);
}

/* A page too small for the body: one clear error (the style reader refuses such margins
 * already; the geometry does not rely on it). */
static void test_no_room(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    diag d;
    diag_init(&d, f);
    style *st = style_default();
    assert_non_null(st);
    st->margin_top = st->margin_bottom = (float)MM(140);
    flow_geom g;
    assert_int_equal(flow_geom_init(&g, st, &d), -1);
    fclose(f);
    assert_non_null(strstr(buf, "characters per column"));
    free(buf);
    style_free(st);
}

/* A figure and its caption of more than a column less a line (a 40 mm page, a square
 * picture at 60 % of the text area): the line below it does not fit under it, so the
 * figure is made smaller instead of fitting on no page at all — it stopped the build at
 * "internal: nothing fits on an empty page" (found by tests/fuzz/fuzz_layout.c). */
static void test_tall_figure_small_page(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    diag d;
    diag_init(&d, f);
    style *st = style_default();
    assert_non_null(st);
    st->page_w = st->page_h = (float)MM(40);
    st->margin_top = st->margin_bottom = st->margin_inner = st->margin_outer = (float)MM(2);
    st->columns = 1;
    const char *md = "---\nassociation: a\ntitle: 简报\nnumber: n\nissue: 1\n"
                     "month: 2019-01\n---\n\n很长的段落。\n\n![图](figures/ok.png)\n";
    doc *dc = doc_read_mem("issue.md", md, strlen(md), "tests/fuzz", &d);
    assert_non_null(dc);
    flow_geom g;
    assert_int_equal(flow_geom_init(&g, st, &d), 0);
    font_lib *fonts = font_lib_new();
    assert_non_null(fonts);
    typeset_ctx t;
    typeset_ctx_init(&t, fonts, st, &d, dc->src);
    dl_doc *out = dl_doc_new(g.pw, g.ph);
    assert_non_null(out);
    assert_true(dl_page_add(out) >= 0);
    int rc = flow_run(&t, dc, &g, out);
    fflush(f);
    if (rc || d.errors)
        fail_msg("%s", buf);
    assert_non_null(strstr(buf, "scaled down"));
    bool image = false;
    for (int p = 0; p < out->npages; p++)
        for (uint32_t i = 0; i < out->pages[p].n; i++)
            image |= out->pages[p].items[i].kind == DL_IMAGE;
    assert_true(image);
    dl_doc_free(out);
    font_lib_free(fonts);
    doc_free(dc);
    style_free(st);
    fclose(f);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_house_geometry),
        cmocka_unit_test(test_mirrored_margins),
        cmocka_unit_test(test_no_room),
        cmocka_unit_test(test_tall_figure_small_page),
    };
    return cmocka_run_group_tests_name("flow", tests, NULL, NULL);
}
