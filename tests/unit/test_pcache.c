/* Paragraphs kept between builds (issue_ctx_keep_paragraphs, as `jianbao watch` does):
 * a rebuild after an edit reuses the unchanged paragraphs and writes the same bytes as
 * a build of its own; a missing character and a number longer than a line are reported
 * again in every build; a changed style sheet starts afresh. */
#include "testutil.h"

#include <sys/stat.h>
#include <unistd.h>

#include "layout/app/issue.h"

static char dir[300];

/* The default issue's text (figures linked), with `from` replaced by `to` once. */
static void write_issue(const char *from, const char *to)
{
    char path[400], *text = NULL;
    size_t n = 0;
    FILE *in = fopen("issues/2019-03/issue.md", "r");
    assert_non_null(in);
    FILE *mem = open_memstream(&text, &n);
    char buf[4096];
    size_t k;
    while ((k = fread(buf, 1, sizeof buf, in)) > 0)
        fwrite(buf, 1, k, mem);
    fclose(in);
    fclose(mem);
    snprintf(path, sizeof path, "%s/issue.md.new", dir);
    FILE *out = fopen(path, "w");
    assert_non_null(out);
    char *at = from ? strstr(text, from) : NULL;
    if (from)
        assert_non_null(at);
    if (at) {
        fwrite(text, 1, (size_t)(at - text), out);
        fputs(to, out);
        fputs(at + strlen(from), out);
    } else {
        fputs(text, out);
    }
    fclose(out);
    free(text);
    char final[400];
    snprintf(final, sizeof final, "%s/issue.md", dir);
    assert_int_equal(rename(path, final), 0);
}

/* Builds the issue in ctx (NULL: a context of its own) into name; returns what the
 * build printed (caller frees). */
static char *build(issue_ctx *ctx, const char *name, const char *style)
{
    char log[400], pdf[400];
    snprintf(log, sizeof log, "%s/build.log", tu_tmpdir());
    snprintf(pdf, sizeof pdf, "%s/%s", tu_tmpdir(), name);
    FILE *f = fopen(log, "w+");
    assert_non_null(f);
    diag d;
    diag_init(&d, f);
    issue_opts o;
    issue_opts_default(&o);
    o.out = pdf;
    o.style_path = style;
    issue_ctx *own = ctx ? NULL : issue_ctx_new();
    int rc = issue_build_in(ctx ? ctx : own, dir, &o, &d, NULL);
    issue_ctx_free(own);
    fflush(f);
    rewind(f);
    char *text = calloc(1, 1 << 16);
    assert_non_null(text);
    size_t n = fread(text, 1, (1 << 16) - 1, f);
    text[n] = 0;
    fclose(f);
    if (rc)
        fail_msg("build failed:\n%s", text);
    return text;
}

static bool same_files(const char *a, const char *b)
{
    int st;
    char *out = tu_run(&st, "cmp %s/%s %s/%s", tu_tmpdir(), a, tu_tmpdir(), b);
    free(out);
    return st == 0;
}

static long field(const char *log, const char *key)
{
    const char *at = strstr(log, key);
    return at ? atol(at + strlen(key)) : -1;
}

static int count(const char *s, const char *what)
{
    int n = 0;
    for (const char *at = strstr(s, what); at; at = strstr(at + 1, what))
        n++;
    return n;
}

static void test_edit_reuses_and_matches(void **state)
{
    (void)state;
    issue_ctx *ctx = issue_ctx_new();
    assert_non_null(ctx);
    issue_ctx_keep_paragraphs(ctx);
    write_issue(NULL, NULL);
    char *first = build(ctx, "first.pdf", NULL);
    assert_true(field(first, "paragraphs-kept=") > 1000);
    /* One paragraph edited. */
    write_issue("近日", "最近");
    char *second = build(ctx, "warm.pdf", NULL);
    char *cold = build(NULL, "cold.pdf", NULL);
    assert_true(same_files("warm.pdf", "cold.pdf"));
    assert_true(field(second, "paragraphs-reused=") > 1000);
    assert_true(field(second, "paragraphs-kept=") < 20);
    /* Back to the text of the first build: its bytes again. */
    write_issue(NULL, NULL);
    free(build(ctx, "again.pdf", NULL));
    assert_true(same_files("again.pdf", "first.pdf"));
    /* Another style sheet: nothing kept is reused, and the PDF is as a build of its own. */
    int st;
    free(tu_run(&st, "sed '1,60s/^size = 五号$/size = 小五/' styles/zasto.ini > %s/small.ini",
                tu_tmpdir()));
    char sp[400];
    snprintf(sp, sizeof sp, "%s/small.ini", tu_tmpdir());
    char *restyled = build(ctx, "small.pdf", sp);
    free(build(NULL, "small-cold.pdf", sp));
    assert_true(same_files("small.pdf", "small-cold.pdf"));
    assert_false(same_files("small.pdf", "first.pdf"));
    free(first);
    free(second);
    free(cold);
    free(restyled);
    issue_ctx_free(ctx);
}

/* A missing character is reported in every build, also when nothing else changed. */
static void test_warnings_repeat(void **state)
{
    (void)state;
    issue_ctx *ctx = issue_ctx_new();
    assert_non_null(ctx);
    issue_ctx_keep_paragraphs(ctx);
    /* A number longer than a column before the paragraph: broken inside, reported. */
    write_issue("近日", "12345678901234567890123456789012345678901234567890123456789012345678901234567890"
                        "\n\n近日𪚥");
    char *a = build(ctx, "w1.pdf", NULL);
    char *b = build(ctx, "w2.pdf", NULL);
    int na = count(a, "U+2A6A5"), nb = count(b, "U+2A6A5");
    assert_true(na >= 1);
    assert_int_equal(na, nb);
    na = count(a, "longer than a line");
    nb = count(b, "longer than a line");
    assert_true(na >= 1);
    assert_int_equal(na, nb);
    assert_int_equal(count(a, "warning:"), count(b, "warning:"));
    assert_true(field(b, "paragraphs-reused=") > 1000);
    free(a);
    free(b);
    issue_ctx_free(ctx);
}

static int setup(void **state)
{
    (void)state;
    setenv("JIANBAO_TIMING", "1", 1);
    setenv("JIANBAO_CACHE_DIR", "off", 1);
    snprintf(dir, sizeof dir, "%s/2019-03", tu_tmpdir());
    if (mkdir(dir, 0777))
        return -1;
    char cwd[256], cmd[800];
    if (!getcwd(cwd, sizeof cwd))
        return -1;
    snprintf(cmd, sizeof cmd, "ln -s %s/issues/2019-03/figures %s/figures", cwd, dir);
    return system(cmd) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return tu_cleanup();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edit_reuses_and_matches),
        cmocka_unit_test(test_warnings_repeat),
    };
    return cmocka_run_group_tests_name("pcache", tests, setup, teardown);
}
