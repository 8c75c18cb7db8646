/* Messages: the file:line:col form, the source line with a caret on a terminal (and
 * colour only when asked), and "did you mean" by edit distance. */
#include "testutil.h"

#include "layout/base/diag.h"
#include "layout/base/suggest.h"

static int dist(const char *a, const char *b)
{
    return suggest_distance(a, strlen(a), b, strlen(b), 10);
}

static void test_distance(void **state)
{
    (void)state;
    assert_int_equal(dist("editor", "editor"), 0);
    assert_int_equal(dist("edtior", "editor"), 1);     /* a swap is one edit */
    assert_int_equal(dist("photo.jpg", "phot.jpg"), 1);
    assert_int_equal(dist("", "abc"), 3);
    assert_int_equal(dist("编者", "编辑"), 1);         /* characters, not bytes */
    assert_int_equal(dist("kitten", "sitting"), 3);
    /* The count stops past the limit. */
    assert_int_equal(suggest_distance("abcdef", 6, "uvwxyz", 6, 2), 3);
}

static const char *best(const char *word, const char *const *names)
{
    suggest s;
    suggest_init(&s, word, strlen(word));
    for (int i = 0; names[i]; i++)
        suggest_offer(&s, names[i]);
    return suggest_best(&s);
}

static void test_suggest(void **state)
{
    (void)state;
    static const char *const keys[] = { "association", "title", "number", "issue", "month",
                                        "date", "editor", "fax", "style", NULL };
    assert_string_equal(best("edtior", keys), "editor");
    assert_string_equal(best("mnoth", keys), "month");
    assert_string_equal(best("Title", keys), "title");
    assert_null(best("foo", keys));          /* fax is two edits from a 3-letter word */
    assert_null(best("editor", keys));       /* an exact match is no suggestion */
    assert_null(best("colour", keys));
    static const char *const files[] = { "corrupt.png", "photo.jpg", "横琴.png", NULL };
    assert_string_equal(best("photo.jpeg", files), "photo.jpg");
    assert_string_equal(best("横琴.jpg", files), "横琴.png");
}

/* What d printed for one error at offset off of text. */
static char *report(unsigned flags, const char *text, size_t off)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    assert_non_null(f);
    diag d;
    diag_init(&d, f);
    assert_int_equal(d.flags, 0);            /* a memory stream is not a terminal */
    d.flags = flags;
    src_file *src = src_file_new("a.md", text, strlen(text));
    assert_non_null(src);
    diag_error_at(&d, src, off, "bad");
    src_file_free(src);
    fclose(f);
    assert_int_equal(d.errors, 1);
    return buf;
}

static void test_caret(void **state)
{
    (void)state;
    const char *text = "---\nseries: 执行金额 | 1, 9x\n";
    size_t off = strstr(text, "9x") - text;
    char *plain = report(0, text, off);
    assert_string_equal(plain, "a.md:2:19: error: bad\n");
    free(plain);
    /* The caret sits under the column: Han characters take two cells. */
    char *src = report(DIAG_SHOW_SOURCE, text, off);
    assert_string_equal(src, "a.md:2:19: error: bad\n"
                             "    2 | series: 执行金额 | 1, 9x\n"
                             "      |                       ^\n");
    free(src);
    char *col = report(DIAG_SHOW_SOURCE | DIAG_COLOR, text, off);
    assert_non_null(strstr(col, "\033[1;31merror:\033[0m bad\n"));
    assert_non_null(strstr(col, "\033[1;32m^\033[0m"));
    free(col);
    /* A long line is shown around the column, cut with … */
    char longline[1024] = "---\n";
    for (int i = 0; i < 100; i++)
        strcat(longline, "珠海");
    strcat(longline, "X");
    off = strlen(longline) - 1;
    char *lng = report(DIAG_SHOW_SOURCE, longline, off);
    assert_non_null(strstr(lng, "a.md:2:201: error: bad\n    2 | …"));
    const char *caret = strstr(lng, "^");
    const char *x = strstr(lng, "X");
    assert_non_null(caret);
    assert_non_null(x);
    /* Same display column: the caret line's prefix has as many cells as the text's. */
    const char *l2 = strchr(lng, '\n') + 1, *l3 = strchr(l2, '\n') + 1;
    int cells_x = 0;
    for (const char *p = l2; p < x;) {
        unsigned char c = (unsigned char)*p;
        int len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        cells_x += len == 3 && !(c == 0xE2 && (unsigned char)p[1] == 0x80) ? 2 : 1;
        p += len;
    }
    assert_int_equal(caret - l3, cells_x);
    free(lng);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_distance),
        cmocka_unit_test(test_suggest),
        cmocka_unit_test(test_caret),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
