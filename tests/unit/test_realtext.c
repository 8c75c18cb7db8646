/* The test issue of real-world text (tests/data/realtext: code blocks, long paths,
 * option lists, labels, a signature) laid out on the display list: no glyph's ink
 * lies outside its column (or, for what spans the columns, outside the text area),
 * and code is set in the mono face. */
#include "testutil.h"

#include <math.h>

#include "layout/app/issue.h"
#include "layout/flow/flow.h"
#include "layout/style/style.h"

static dl_doc *dl;
static font_lib *fonts;
static flow_geom geom;

/* Ink extent of glyph g of text item it, in page points. False for an empty glyph. */
static bool ink(const dl_item *it, const dl_glyph *g, float *x0, float *x1)
{
    const font *f = font_lib_at(fonts, it->u.text.font);
    int32_t a, b;
    if (!f || g->gid == 0 || !font_ink_x(f, g->gid, &a, &b))
        return false;
    float sc = it->u.text.size / (float)font_upem(f);
    *x0 = it->u.text.x + g->x + (float)a * sc;
    *x1 = it->u.text.x + g->x + (float)b * sc;
    return true;
}

/* Every glyph of the body, the headings and the boxes inside its column; what spans
 * (col -1) inside the text area. */
static void test_nothing_outside_the_column(void **state)
{
    (void)state;
    int checked = 0, spanning = 0;
    for (int p = 2; p < dl->npages; p++) {
        float left = flow_left(&geom, p);
        for (uint32_t i = 0; i < dl->pages[p].n; i++) {
            const dl_item *it = &dl->pages[p].items[i];
            if (it->kind != DL_TEXT || (it->role != DL_ROLE_BODY && it->role != DL_ROLE_BOX &&
                                        it->role != DL_ROLE_HEADING))
                continue;
            float lo = left, hi = left + geom.text_w;
            if (it->col >= 0) {
                lo = left + (float)it->col * (geom.colw + geom.gap);
                hi = lo + geom.colw;
            } else {
                spanning++;
            }
            for (uint32_t k = 0; k < it->u.text.ng; k++) {
                float x0, x1;
                if (!ink(it, &it->u.text.g[k], &x0, &x1))
                    continue;
                /* A glyph's ink may stand a hair past its advance (the solidus). */
                float hair = 0.05f * it->u.text.size;
                if (x0 < lo - hair || x1 > hi + hair)
                    fail_msg("page %d, column %d: «%s» has ink at %.2f-%.2f, outside %.2f-%.2f",
                             p + 1, it->col, it->u.text.text, (double)x0, (double)x1,
                             (double)lo, (double)hi);
                checked++;
            }
        }
    }
    print_message("%d glyphs checked, %d spanning items\n", checked, spanning);
    assert_true(checked > 1200);
    assert_true(spanning > 0);        /* the wide code blocks span the columns */
}

/* Code (a box) is set in Noto Sans Mono CJK SC; a line of it is one text item. */
static void test_code_in_mono(void **state)
{
    (void)state;
    int code = 0;
    for (int p = 2; p < dl->npages; p++)
        for (uint32_t i = 0; i < dl->pages[p].n; i++) {
            const dl_item *it = &dl->pages[p].items[i];
            if (it->kind != DL_TEXT || it->role != DL_ROLE_BOX)
                continue;
            const font *f = font_lib_at(fonts, it->u.text.font);
            assert_string_equal(font_family(f), "Noto Sans Mono CJK SC");
            if (strcmp(it->u.text.text, "foo login: penguin") == 0 ||
                strcmp(it->u.text.text, "penguin@foo:~$ df -h /var/backup") == 0)
                code++;
        }
    assert_int_equal(code, 2);
}

/* The only warnings allowed are the flow's honest reports of a page ending short
 * (a title and its lines that do not fit); the text itself must compose cleanly. */
static bool only_gap_warnings(char *log)
{
    for (char *save = NULL, *l = strtok_r(log, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
        if (strstr(l, ": warning: ") && !strstr(l, " lines short"))
            return false;
    return true;
}

static int setup(void **state)
{
    (void)state;
    diag d;
    char *log = NULL;
    size_t loglen = 0;
    FILE *mem = open_memstream(&log, &loglen);
    if (!mem)
        return -1;
    diag_init(&d, mem);
    style *st = style_read("styles/zasto.ini", &d);
    int rc = !st || flow_geom_init(&geom, st, &d) ||
             issue_layout("tests/data/realtext", NULL, &d, &dl, &fonts) || d.errors;
    style_free(st);
    fclose(mem);
    if (!rc && log) {
        char *lines = strdup(log);
        if (!lines || !only_gap_warnings(lines)) {
            fputs(log, stderr);
            rc = 1;
        }
        free(lines);
    }
    free(log);
    return rc ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    dl_doc_free(dl);
    font_lib_free(fonts);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nothing_outside_the_column),
        cmocka_unit_test(test_code_in_mono),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
