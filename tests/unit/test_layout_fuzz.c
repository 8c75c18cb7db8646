/* The layout fuzzer: seeded random issues, every construct of the source format in
 * every order and size, laid out with the house style and checked against the flow's
 * invariants (layoutcheck.h) on every page.
 *
 *   JB_LAYOUT_SEEDS=N   how many seeds (200 by default: `make test`)
 *   JB_LAYOUT_SEED=S    run only seed S, and keep its issue (to replay a failure)
 *   JB_LAYOUT_FIRST=S   first seed of the run
 *
 * A failure prints the seed, the broken invariant, its page and its source line, and
 * the folder where the issue can be rebuilt by hand. Text comes from the default
 * issue's paragraphs, cut and mixed with Latin words, numbers, paths, URLs, option
 * names and runs of punctuation; figures are PNG and JPEG files of any aspect ratio
 * written here with libpng and libjpeg. */
#include "testutil.h"

#include "pngwrite.h"
#include <jpeglib.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layout/app/issue.h"
#include "layout/base/strbuf.h"
#include "layout/style/style.h"
#include "layoutcheck.h"

/* ---- a small deterministic generator (xorshift64*) ---- */

typedef struct {
    uint64_t s;
} rng;

static uint64_t rnext(rng *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 2685821657736338717ull;
}

static int rint_in(rng *r, int lo, int hi) { return lo + (int)(rnext(r) % (uint64_t)(hi - lo + 1)); }
static bool rchance(rng *r, int percent) { return rint_in(r, 1, 100) <= percent; }

/* A length skewed to small values: mostly short, now and then up to hi. */
static int rskew(rng *r, int lo, int hi)
{
    int span = hi - lo;
    int k = rint_in(r, 0, 3);
    while (k-- > 0)
        span = span / 4 + 1;
    return lo + rint_in(r, 0, span);
}

/* ---- the corpus: the default issue's paragraphs, as sentences ---- */

static char **sentences;
static int nsentences;

static void load_corpus(void)
{
    FILE *f = fopen("issues/2019-03/issue.md", "r");
    assert_non_null(f);
    char line[8192];
    int cap = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        if (strlen(line) < 30 || strchr("#|<`-*>![ ", line[0]) || strstr(line, ": "))
            continue;
        /* Sentences end after 。！？; keep the mark. */
        char *p = line;
        while (*p) {
            char *e = NULL;
            const char *marks[] = { "。", "！", "？" };
            for (int k = 0; k < 3; k++) {
                char *m = strstr(p, marks[k]);
                if (m && (!e || m < e))
                    e = m;
            }
            size_t n = e ? (size_t)(e - p) + 3 : strlen(p);
            if (n >= 6) {
                if (nsentences == cap) {
                    cap = cap ? cap * 2 : 512;
                    sentences = realloc(sentences, (size_t)cap * sizeof *sentences);
                }
                sentences[nsentences++] = strndup(p, n);
            }
            p += n;
        }
    }
    fclose(f);
    assert_true(nsentences > 100);
}

/* Appends up to n bytes of s, cut at a character boundary. */
static void put_cut(strbuf *b, const char *s, size_t n)
{
    size_t len = strlen(s);
    if (n >= len) {
        strbuf_str(b, s);
        return;
    }
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    strbuf_add(b, s, n);
}

static const char *latin[] = {
    "Zhuhai", "API", "SoC", "OAI18", "5G", "2019", "35863.0", "14.1%", "Trade in Services",
    "ISO 9001", "GDP", "e-Commerce", "WTO", "3.2万", "v2.0.1",
};
static const char *tokens[] = {
    "https://www.zasto.org.cn/news/2019/03/15/index.html?id=42&lang=zh",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "--output-file", "--bzip2", "-o", "zhuhai.service@zasto.org.cn",
    "0x7f3a9c2e4b1d5a6f8e0c", "C:\\Program Files\\Jianbao\\bin", "10:00-12:00", "15-16日",
    "（商建函〔2019〕61号）", "《粤港澳大湾区发展规划纲要》", "——", "……", "“服务外包”",
    "！？", "，。", "（一）", "1.2.3", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
};

/* A paragraph of about n characters (UTF-8 bytes ≈ 3 n). */
static void put_text(rng *r, strbuf *b, int n)
{
    size_t start = b->n, want = (size_t)n * 3;
    while (b->n - start < want) {
        int k = rint_in(r, 0, 99);
        if (k < 80)
            put_cut(b, sentences[rint_in(r, 0, nsentences - 1)], want - (b->n - start));
        else if (k < 92)
            strbuf_printf(b, "%s%s", latin[rint_in(r, 0, (int)(sizeof latin / sizeof *latin) - 1)],
                          rchance(r, 50) ? " " : "");
        else
            strbuf_str(b, tokens[rint_in(r, 0, (int)(sizeof tokens / sizeof *tokens) - 1)]);
    }
}

/* A short text for titles and cells, on one line. */
static void put_short(rng *r, strbuf *b, int lo, int hi)
{
    const char *s = sentences[rint_in(r, 0, nsentences - 1)];
    put_cut(b, s, (size_t)rint_in(r, lo, hi) * 3);
    if (rchance(r, 10))
        strbuf_str(b, tokens[rint_in(r, 0, (int)(sizeof tokens / sizeof *tokens) - 1)]);
}

/* ---- figures ---- */

static void write_jpeg(const char *path, int w, int h)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr e;
    c.err = jpeg_std_error(&e);
    jpeg_create_compress(&c);
    jpeg_stdio_dest(&c, f);
    c.image_width = (JDIMENSION)w;
    c.image_height = (JDIMENSION)h;
    c.input_components = 3;
    c.in_color_space = JCS_RGB;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, 60, TRUE);
    jpeg_start_compress(&c, TRUE);
    unsigned char *row = malloc((size_t)w * 3);
    while (c.next_scanline < c.image_height) {
        for (int x = 0; x < w; x++) {
            row[3 * x] = (unsigned char)(x * 255 / w);
            row[3 * x + 1] = (unsigned char)(c.next_scanline * 255 / (unsigned)h);
            row[3 * x + 2] = 128;
        }
        JSAMPROW rp = row;
        jpeg_write_scanlines(&c, &rp, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    free(row);
    fclose(f);
}

/* ---- blocks ---- */

static void put_figure(rng *r, strbuf *b, const char *dir, int *nfig)
{
    /* Any aspect ratio, from a tall strip to a wide banner. */
    double aspect = exp((rint_in(r, 0, 1000) / 1000.0 - 0.5) * 2 * log(6));
    int w = rint_in(r, 120, 900), h = (int)(w / aspect);
    if (h < 20)
        h = 20;
    if (h > 2400)
        h = 2400;
    bool jpg = rchance(r, 40);
    char name[64], path[512];
    snprintf(name, sizeof name, "f%d.%s", ++*nfig, jpg ? "jpg" : "png");
    snprintf(path, sizeof path, "%s/figures/%s", dir, name);
    if (jpg)
        write_jpeg(path, w, h);
    else
        tu_write_png(path, w, h, (unsigned char)(*nfig * 37));
    strbuf_str(b, "![");
    if (rchance(r, 80))
        put_short(r, b, 2, 30);
    strbuf_printf(b, "](figures/%s)\n\n", name);
}

static void put_table(rng *r, strbuf *b)
{
    int cols = rskew(r, 1, 9), rows = rskew(r, 1, 80);
    /* Now and then a body cell of a page or more: its row is split between lines. */
    int tall = rchance(r, 12) ? rint_in(r, 0, rows * cols - 1) : -1;
    if (rchance(r, 60)) {
        strbuf_str(b, "表：");
        put_short(r, b, 3, 20);
        strbuf_str(b, "\n\n");
    }
    if (rchance(r, 30)) {
        /* HTML, with spans */
        strbuf_str(b, "<table>\n<tr>");
        for (int c = 0; c < cols; c++) {
            strbuf_str(b, "<th>");
            put_short(r, b, 1, 6);
            strbuf_str(b, "</th>");
        }
        strbuf_str(b, "</tr>\n");
        int pending_rs = 0;
        for (int i = 0; i < rows; i++) {
            strbuf_str(b, "<tr>");
            int c = pending_rs > 0 ? 1 : 0;
            if (pending_rs > 0)
                pending_rs--;
            while (c < cols) {
                int cs = cols - c > 1 && rchance(r, 10) ? rint_in(r, 2, cols - c) : 1;
                int rs = c == 0 && cs == 1 && pending_rs == 0 && i + 1 < rows && rchance(r, 10) ? 2 : 1;
                if (rs > 1)
                    pending_rs = rs - 1;
                strbuf_str(b, "<td");
                if (cs > 1)
                    strbuf_printf(b, " colspan=\"%d\"", cs);
                if (rs > 1)
                    strbuf_printf(b, " rowspan=\"%d\"", rs);
                strbuf_str(b, ">");
                if (i * cols + c == tall)
                    put_text(r, b, rint_in(r, 600, 3000));
                else
                    put_short(r, b, 1, rchance(r, 10) ? 60 : 8);
                strbuf_str(b, "</td>");
                c += cs;
            }
            strbuf_str(b, "</tr>\n");
        }
        strbuf_str(b, "</table>\n\n");
        return;
    }
    for (int i = 0; i < rows + 2; i++) {
        strbuf_str(b, "|");
        for (int c = 0; c < cols; c++) {
            if (i == 1)
                strbuf_str(b, " --- |");
            else {
                strbuf_chr(b, ' ');
                if ((i - 2) * cols + c == tall)
                    put_text(r, b, rint_in(r, 600, 3000));
                else if (i > 1 && rchance(r, 30))
                    strbuf_printf(b, "%d.%d", rint_in(r, 0, 99999), rint_in(r, 0, 9));
                else
                    put_short(r, b, 1, rchance(r, 8) ? 50 : 6);
                strbuf_str(b, " |");
            }
        }
        strbuf_chr(b, '\n');
    }
    strbuf_chr(b, '\n');
}

static void put_chart(rng *r, strbuf *b)
{
    static const char *types[] = { "bar", "grouped-bar", "line", "pie" };
    int t = rint_in(r, 0, 3), n = rint_in(r, 2, 9), ns = t == 1 || t == 2 ? rint_in(r, 1, 3) : 1;
    strbuf_printf(b, "```chart\ntype: %s\ntitle: ", types[t]);
    put_short(r, b, 4, 20);
    strbuf_str(b, "\nunit: 万美元\nlabels: ");
    for (int i = 0; i < n; i++)
        strbuf_printf(b, "%s区%d", i ? ", " : "", i + 1);
    strbuf_chr(b, '\n');
    for (int s = 0; s < ns; s++) {
        strbuf_printf(b, "series: 系列%d | ", s + 1);
        for (int i = 0; i < n; i++)
            strbuf_printf(b, "%s%d.%d", i ? ", " : "", rint_in(r, 1, 40000), rint_in(r, 0, 9));
        strbuf_chr(b, '\n');
    }
    strbuf_str(b, "```\n\n");
}

static void put_list(rng *r, strbuf *b)
{
    int n = rskew(r, 1, 12);
    bool ordered = rchance(r, 50);
    for (int i = 0; i < n; i++) {
        int depth = i == 0 ? 0 : rint_in(r, 0, 2);
        for (int k = 0; k < depth; k++)
            strbuf_str(b, "   ");
        if (ordered)
            strbuf_printf(b, "%d. ", i + 1);
        else
            strbuf_str(b, "- ");
        put_text(r, b, rskew(r, 2, 300));
        strbuf_chr(b, '\n');
    }
    strbuf_chr(b, '\n');
}

static void put_article(rng *r, strbuf *b, const char *dir, int *nfig)
{
    strbuf_str(b, "## ");
    put_short(r, b, 4, rchance(r, 20) ? 60 : 24);
    strbuf_str(b, "\n\n");
    int nblocks = rskew(r, 1, 24);
    for (int i = 0; i < nblocks; i++) {
        int k = rint_in(r, 0, 99);
        if (k < 55) {
            put_text(r, b, rchance(r, 5) ? rint_in(r, 1, 12) : rchance(r, 3) ? rint_in(r, 600, 2000) : rskew(r, 10, 500));
            strbuf_str(b, "\n\n");
        } else if (k < 63) {
            int chain = rchance(r, 20) ? rint_in(r, 2, 3) : 1;
            for (int c = 0; c < chain; c++) {
                strbuf_printf(b, "%.*s ", rint_in(r, 3, 4), "######");
                put_short(r, b, 2, 30);
                strbuf_str(b, "\n\n");
            }
        } else if (k < 71) {
            put_list(r, b);
        } else if (k < 78) {
            put_table(r, b);
        } else if (k < 83) {
            put_figure(r, b, dir, nfig);
        } else if (k < 87) {
            put_chart(r, b);
        } else if (k < 90) {
            strbuf_str(b, "```\n");
            int n = rskew(r, 1, 30);
            for (int l = 0; l < n; l++) {
                strbuf_printf(b, "%*s", rint_in(r, 0, 8), "");
                put_short(r, b, 1, 40);
                strbuf_chr(b, '\n');
            }
            strbuf_str(b, "```\n\n");
        } else if (k < 94) {
            strbuf_str(b, "> ");
            put_text(r, b, rskew(r, 10, 400));
            strbuf_str(b, "\n\n");
        } else if (k < 97) {
            strbuf_str(b, "（来源：珠海特区报）\n\n");
        } else {
            strbuf_str(b, "---\n\n");
        }
    }
}

static const char *front =
    "---\nassociation: 珠海市服务贸易和外包行业协会\nassociation_en: Zhuhai Association of "
    "Service Trade and Outsourcing\ntitle: 简报\nnumber: 珠外协编【2019年3月报】\nissue: "
    "总第29期\nmonth: 2019-03\neditor: 徐阳丽\nwebsite: http://www.zasto.org.cn\n---\n\n";

/* Writes the issue of a seed into dir/issue.md (and dir/figures/). */
static void generate(uint64_t seed, const char *dir)
{
    rng r = { seed * 0x9E3779B97F4A7C15ull + 1 };
    for (int k = 0; k < 4; k++)
        rnext(&r);
    char path[512];
    snprintf(path, sizeof path, "%s/figures", dir);
    mkdir(dir, 0755);
    mkdir(path, 0755);
    strbuf b = { 0 };
    strbuf_str(&b, front);
    static const char *sections[] = { "企业动态", "政策法规", "协会动态", "行业动态" };
    int narticles = rchance(&r, 3) ? rint_in(&r, 20, 40) : rskew(&r, 1, 12), nsec = rint_in(&r, 1, 4), nfig = 0;
    for (int a = 0; a < narticles; a++) {
        if (a == 0 || (a * nsec) / narticles != ((a - 1) * nsec) / narticles)
            strbuf_printf(&b, "# %s\n\n", sections[(a * nsec) / narticles]);
        put_article(&r, &b, dir, &nfig);
    }
    snprintf(path, sizeof path, "%s/issue.md", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fwrite(b.p, 1, b.n, f);
    fclose(f);
    strbuf_free(&b);
}

/* ---- the run ---- */

static long envl(const char *name, long dflt)
{
    const char *v = getenv(name);
    return v && *v ? strtol(v, NULL, 10) : dflt;
}

/* Lays out the issue in dir and checks it; returns the number of findings (-1 when the
 * build itself failed). */
static int run_one(uint64_t seed, const char *dir, bool verbose)
{
    char errpath[600];
    snprintf(errpath, sizeof errpath, "%s/build.log", dir);
    FILE *log = fopen(errpath, "w+");
    diag d;
    diag_init(&d, log);
    dl_doc *out = NULL;
    font_lib *fonts = NULL;
    int rc = issue_layout(dir, NULL, &d, &out, &fonts);
    if (rc) {
        rewind(log);
        char line[512];
        printf("seed %llu: the build failed (%s/issue.md):\n", (unsigned long long)seed, dir);
        while (fgets(line, sizeof line, log))
            if (strstr(line, "error"))
                printf("    %s", line);
        fclose(log);
        return -1;
    }
    fclose(log);
    diag_init(&d, stderr);
    doc *dc = doc_read(dir, &d);
    style *st = style_default();
    flow_geom g;
    flow_geom_init(&g, st, &d);
    lc_report rep;
    int n = lc_check(out, fonts, dc, &g, st, &rep);
    if (n > 0) {
        printf("seed %llu: %d finding%s (replay: JB_LAYOUT_SEED=%llu; issue in %s)\n",
               (unsigned long long)seed, n, n == 1 ? "" : "s", (unsigned long long)seed, dir);
        lc_print(&rep, stdout, "    ");
    } else if (verbose) {
        printf("seed %llu: %d pages, no finding\n", (unsigned long long)seed, out->npages);
    }
    doc_free(dc);
    style_free(st);
    dl_doc_free(out);
    font_lib_free(fonts);
    return n;
}

static void test_layout_fuzz(void **state)
{
    (void)state;
    load_corpus();
    long one = envl("JB_LAYOUT_SEED", -1);
    long first = one >= 0 ? one : envl("JB_LAYOUT_FIRST", 1);
    long n = one >= 0 ? 1 : envl("JB_LAYOUT_SEEDS", 200);
    int bad = 0, pages = 0;
    for (long s = first; s < first + n; s++) {
        char dir[256];
        snprintf(dir, sizeof dir, "%s/s%ld", tu_tmpdir(), s);
        generate((uint64_t)s, dir);
        int k = run_one((uint64_t)s, dir, one >= 0);
        if (k != 0)
            bad++;
        if (k == 0 && one < 0 && !getenv("JB_KEEP")) {
            char *o = tu_run(NULL, "rm -rf %s", dir);
            free(o);
        }
        (void)pages;
    }
    printf("layout fuzz: %ld seeds from %ld, %d with findings\n", n, first, bad);
    if (getenv("JB_KEEP"))
        printf("layout fuzz: the issues are kept in %s\n", tu_tmpdir());
    if (bad)
        fail_msg("%d of %ld seeds break the flow's invariants (see above)", bad, n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout_fuzz),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    if (rc == 0 || !getenv("JB_KEEP"))
        tu_cleanup();
    return rc;
}
