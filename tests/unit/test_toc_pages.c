/* One layout round: the contents' page count is predicted before the body is laid out.
 * An issue generated here, with a contents of two pages (4 sections, 44 articles, some
 * titles wrapping in the contents), is built as `jianbao build` builds it; the number
 * after each title in the contents is the page whose text holds that title, read back
 * with poppler, and JIANBAO_TIMING reports one layout round. The default issue (one
 * contents page) is laid out once too. */
#include "testutil.h"

#include <sys/stat.h>

#include "layout/app/issue.h"

#define SECTIONS 4
#define ARTICLES 11           /* per section */

static char *pages[512];      /* pdftotext of each page, whitespace removed */
static int npages;

/* The default issue's front matter with its fences, then a generated body. */
static void write_issue(const char *dir)
{
    char path[400];
    snprintf(path, sizeof path, "%s/issue.md", dir);
    FILE *in = fopen("issues/2019-03/issue.md", "r"), *out = fopen(path, "w");
    assert_non_null(in);
    assert_non_null(out);
    char line[4096];
    int fences = 0;
    while (fences < 2 && fgets(line, sizeof line, in)) {
        fputs(line, out);
        fences += strcmp(line, "---\n") == 0;
    }
    fclose(in);
    static const char *const sec[SECTIONS] = { "企业动态", "政策法规", "协会动态", "行业动态" };
    static const char *const sentence =
        "珠海市服务贸易和外包行业协会组织会员企业参加交流活动，共同探讨产业发展的新机遇。";
    for (int s = 0; s < SECTIONS; s++) {
        fprintf(out, "\n# %s\n", sec[s]);
        for (int a = 0; a < ARTICLES; a++) {
            int k = s * ARTICLES + a + 1;
            /* Every fifth title is long enough to take two lines in the contents. */
            fprintf(out, "\n## 第%d篇报道：会员企业动态%s\n\n", k,
                    k % 5 == 0 ? "与粤港澳大湾区服务贸易和服务外包产业高质量发展的新机遇及其主要措施"
                               : "");
            for (int p = 0; p < 1 + k % 4; p++) {
                for (int r = 0; r < 2 + (k + p) % 5; r++)
                    fputs(sentence, out);
                fputs("\n\n", out);
            }
        }
    }
    fclose(out);
}

/* Builds dir into pdf with JIANBAO_TIMING set; returns what the build printed. */
static char *build(const char *dir, const char *pdf)
{
    char log[400];
    snprintf(log, sizeof log, "%s/build.log", tu_tmpdir());
    FILE *f = fopen(log, "w+");
    assert_non_null(f);
    diag d;
    diag_init(&d, f);
    setenv("JIANBAO_TIMING", "1", 1);
    setenv("JIANBAO_CACHE_DIR", "off", 1);
    issue_opts o;
    issue_opts_default(&o);
    o.out = pdf;
    issue_ctx *ctx = issue_ctx_new();
    assert_non_null(ctx);
    int rc = issue_build_in(ctx, dir, &o, &d, NULL);
    issue_ctx_free(ctx);
    unsetenv("JIANBAO_TIMING");
    fflush(f);
    rewind(f);
    char *text = calloc(1, 1 << 16);
    assert_non_null(text);
    size_t n = fread(text, 1, (1 << 16) - 1, f);
    text[n] = 0;
    fclose(f);
    if (rc)
        fail_msg("build of %s failed:\n%s", dir, text);
    return text;
}

/* One contents entry per article, in order; the number after each title is the first
 * page after the contents whose text holds the title. */
static void test_two_contents_pages(void **state)
{
    (void)state;
    /* The contents: pages 2 and 3 (the cover is page 1); page 4 opens the body. */
    assert_true(npages > 10);
    assert_non_null(strstr(pages[1], "目录CONTENTS"));
    char toc[1 << 16];
    snprintf(toc, sizeof toc, "%s%s", pages[1], pages[2]);
    assert_non_null(strstr(pages[2], "第40篇报道"));   /* the contents goes on */
    assert_null(strstr(pages[2], "组织会员企业参加交流活动"));  /* no body text yet */
    assert_non_null(strstr(pages[3], "第1篇报道：会员企业动态"));   /* the body begins */
    const char *at = toc;
    for (int k = 1; k <= SECTIONS * ARTICLES; k++) {
        char title[512];
        snprintf(title, sizeof title, "第%d篇报道：会员企业动态%s", k,
                 k % 5 == 0 ? "与粤港澳大湾区服务贸易和服务外包产业高质量发展的新机遇及其主要措施"
                            : "");
        const char *hit = strstr(at, title);
        if (!hit)
            fail_msg("contents lacks \"%s\" (in order)", title);
        hit += strlen(title);
        int page = -1;
        for (int p = 3; p < npages && page < 0; p++)
            if (strstr(pages[p], title))
                page = p + 1;
        if (page < 0)
            fail_msg("no page after the contents holds \"%s\"", title);
        char label[16];
        snprintf(label, sizeof label, "%d", page);
        if (strncmp(hit, label, strlen(label)) != 0 || (hit[strlen(label)] >= '0' &&
                                                         hit[strlen(label)] <= '9'))
            fail_msg("contents gives \"%.12s\" after \"%s\", expected %s", hit, title, label);
        at = hit;
    }
}

static void test_one_round_two_pages(void **state)
{
    (void)state;
    char dir[300], pdf[300];
    snprintf(dir, sizeof dir, "%s/2019-03", tu_tmpdir());
    snprintf(pdf, sizeof pdf, "%s/again.pdf", tu_tmpdir());
    char *log = build(dir, pdf);
    if (!strstr(log, "layout-rounds=1\n"))
        fail_msg("expected one layout round:\n%s", log);
    free(log);
}

static void test_one_round_default_issue(void **state)
{
    (void)state;
    char pdf[300];
    snprintf(pdf, sizeof pdf, "%s/default.pdf", tu_tmpdir());
    char *log = build("issues/2019-03", pdf);
    if (!strstr(log, "layout-rounds=1\n"))
        fail_msg("expected one layout round:\n%s", log);
    free(log);
}

static int setup(void **state)
{
    (void)state;
    char dir[300], pdf[300];
    snprintf(dir, sizeof dir, "%s/2019-03", tu_tmpdir());
    snprintf(pdf, sizeof pdf, "%s/toc2.pdf", tu_tmpdir());
    if (mkdir(dir, 0777))
        return -1;
    write_issue(dir);
    free(build(dir, pdf));
    int st;
    char *all = tu_run(&st, "pdftotext -layout -enc UTF-8 -x 0 -y 60 -W 600 -H 720 %s -", pdf);
    if (!all || st)
        return -1;
    /* Pages end in a form feed. -layout keeps a wrapped contents entry together,
     * and the crop leaves out the running head and foot. */
    for (char *p = all, *ff; npages < 512 && (ff = strchr(p, '\f')); p = ff + 1) {
        *ff = 0;
        pages[npages++] = tu_squeeze(strdup(p));
    }
    free(all);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (int i = 0; i < npages; i++)
        free(pages[i]);
    return tu_cleanup();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_contents_pages),
        cmocka_unit_test(test_one_round_two_pages),
        cmocka_unit_test(test_one_round_default_issue),
    };
    return cmocka_run_group_tests_name("toc_pages", tests, setup, teardown);
}
