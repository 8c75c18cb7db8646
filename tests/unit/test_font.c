/* font: the names and metrics a font brings into the PDF (BaseFont, FontDescriptor) are
 * those FreeType reported for the same faces, read now from the font's own tables:
 * a CFF face inside a .ttc, TrueType faces, a face without a cap height. */
#include "testutil.h"

#include "fonts/font.h"

typedef struct {
    const char *family, *style;
    const char *ps, *fam, *sty;
    int ascent, descent, bbox[4], cap_height, stem_v;
    unsigned flags;
} expect;

/* FreeType 2.12's answers (face->ascender, descender, bbox, OS/2, PostScript name). */
static const expect faces[] = {
    { "Noto Serif CJK SC", "Regular", "NotoSerifCJKsc-Regular", "Noto Serif CJK SC", "Regular",
      1151, -286, { -997, -1049, 2929, 1809 }, 729, 95, 6 },
    { "Noto Sans CJK SC", "Bold", "NotoSansCJKsc-Bold", "Noto Sans CJK SC", "Bold",
      1160, -288, { -1013, -1046, 2926, 1806 }, 733, 168, 4 },
    { "LXGW WenKai", "Regular", "LXGWWenKai-Regular", "LXGW WenKai", "Regular",
      928, -256, { -1014, -273, 1988, 1048 }, 695, 95, 4 },
    /* OS/2 version 1: no cap height, 7/10 of the ascent. */
    { "DejaVu Sans", "Book", "DejaVuSans", "DejaVu Sans", "Book",
      1901, -483, { -2090, -948, 3673, 2524 }, 1330, 95, 4 },
};

static void test_names_and_metrics(void **state)
{
    (void)state;
    font_lib *lib = font_lib_new();
    assert_non_null(lib);
    for (size_t i = 0; i < sizeof faces / sizeof *faces; i++) {
        const expect *e = &faces[i];
        char err[256];
        font *f = font_lib_open(lib, e->family, e->style, err, sizeof err);
        assert_non_null(f);
        assert_string_equal(font_ps_name(f), e->ps);
        assert_string_equal(font_family(f), e->fam);
        assert_string_equal(font_style(f), e->sty);
        const font_metrics *m = font_get_metrics(f);
        assert_int_equal(m->ascent, e->ascent);
        assert_int_equal(m->descent, e->descent);
        for (int k = 0; k < 4; k++)
            assert_int_equal(m->bbox[k], e->bbox[k]);
        assert_int_equal(m->cap_height, e->cap_height);
        assert_int_equal(m->stem_v, e->stem_v);
        assert_int_equal(m->flags, e->flags);
    }
    font_lib_free(lib);
}

static void test_bad_files(void **state)
{
    (void)state;
    font_lib *lib = font_lib_new();
    char err[256];
    assert_null(font_lib_open_file(lib, "/nonexistent/font.otf", 0, err, sizeof err));
    assert_non_null(strstr(err, "cannot open font file /nonexistent/font.otf (face 0)"));
    /* A face index past the collection's faces. */
    font *f = font_lib_open(lib, "Noto Serif CJK SC", "Regular", err, sizeof err);
    assert_non_null(f);
    assert_null(font_lib_open_file(lib, font_path(f), 99, err, sizeof err));
    assert_non_null(strstr(err, "(face 99)"));
    /* Not a font at all. */
    assert_null(font_lib_open_file(lib, "tests/unit/test_font.c", 0, err, sizeof err));
    font_lib_free(lib);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_and_metrics),
        cmocka_unit_test(test_bad_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
