/* The default issue laid out and written: contents numbers against page text, the
 * outline, running heads, and the column rules of the flow, checked on the display
 * list and read back from the PDF with poppler. */
#include "testutil.h"

#include <ctype.h>
#include <math.h>

#include "layout/read/doc.h"
#include "layout/flow/flow.h"
#include "layout/app/issue.h"
#include "layout/pdf/pdf.h"
#include "layout/style/style.h"
#include "layout/compose/punct.h"
#include "layout/base/utf8.h"

static dl_doc *dl;
static font_lib *fonts;
static doc *src;
static flow_geom geom;
static char pdf[256];
static style *sty;

/* pdftotext of one page, whitespace removed (caller frees). */
static char *page_text(int page)
{
    int st;
    char *t = tu_run(&st, "pdftotext -enc UTF-8 -f %d -l %d %s -", page, page, pdf);
    assert_int_equal(st, 0);
    return tu_squeeze(t);
}

static char *squeezed(const char *s)
{
    char *c = strdup(s);
    return tu_squeeze(c);
}

/* The contents lists every article; the number after each title is the page whose text
 * holds that title, and that page is where the outline points. */
static void test_contents_numbers_match_pages(void **state)
{
    (void)state;
    char *toc = page_text(2);
    const char *at = toc;
    int articles = 0;
    for (int i = 0; i < dl->noutline; i++) {
        const dl_outline *o = &dl->outline[i];
        if (o->level != 1)
            continue;
        articles++;
        char *title = squeezed(o->title);
        const char *hit = strstr(at, title);
        if (!hit)
            fail_msg("contents lacks \"%s\"", o->title);
        hit += strlen(title);
        /* The number right after the title (the next entry may itself start with
         * digits, so compare, don't parse). */
        char label[16];
        snprintf(label, sizeof label, "%d", o->page + 1);
        if (strncmp(hit, label, strlen(label)) != 0)
            fail_msg("contents gives \"%.12s\" after \"%s\", expected %s", hit, o->title, label);
        int num = o->page + 1;
        char *pt = page_text(num);
        if (!strstr(pt, title))
            fail_msg("page %d lacks \"%s\"", num, o->title);
        free(pt);
        free(title);
        at = hit;
    }
    assert_int_equal(articles, 25);
    free(toc);
}

/* One outline entry per article, under its section, in the order of the source. */
static void test_outline_tree(void **state)
{
    (void)state;
    style *hs = style_default();
    assert_non_null(hs);
    const punct_opts house = { hs->fullwidth_punct, hs->range_dash };
    style_free(hs);
    int sections = 0, articles = 0, bi = 0;
    for (int i = 0; i < dl->noutline; i++) {
        const dl_outline *o = &dl->outline[i];
        if (o->level > 1)
            continue;
        while (bi < src->nblocks && src->blocks[bi].kind != DOC_SECTION &&
               src->blocks[bi].kind != DOC_ARTICLE)
            bi++;
        assert_true(bi < src->nblocks);
        assert_int_equal(o->level, src->blocks[bi].kind == DOC_SECTION ? 0 : 1);
        /* The title as printed: ASCII punctuation and range dashes as the style sets
         * them (CL-MX-05, CL-LB-13). */
        doc_text printed;
        int changed = punct_apply(&src->blocks[bi].text, &house, &printed);
        assert_true(changed >= 0);
        char *t = doc_text_plain(changed ? &printed : &src->blocks[bi].text);
        assert_string_equal(o->title, t);
        free(t);
        if (changed)
            doc_text_clear(&printed);
        if (o->level == 0)
            sections++;
        else {
            assert_true(sections > 0);
            articles++;
        }
        assert_true(o->page >= 2);
        bi++;
    }
    assert_int_equal(sections, 4);
    assert_int_equal(articles, 25);
    /* The PDF's own outline, as mupdf reads it: the same 29 entries at two levels. */
    int st;
    char *out = tu_run(&st, "mutool show %s outline | grep -c .", pdf);
    assert_true(atoi(out) >= 29);
    free(out);
}

/* The section a page belongs to: the last section starting on or before it. */
static const char *section_of(int page)
{
    const char *name = NULL;
    for (int i = 0; i < dl->noutline; i++)
        /* The section the page begins with: one run in under the last starts lower. */
        if (dl->outline[i].level == 0 && (dl->outline[i].page < page ||
                                          (dl->outline[i].page == page && dl->pages[page].opener)))
            name = dl->outline[i].title;
    return name;
}

/* The English tag the style gives a section's opener, whitespace removed (caller frees). */
static char *opener_tag(const char *sec)
{
    const char *at = strstr(sty->opener_tags, sec);
    assert_non_null(at);
    at = strchr(at, ':');
    assert_non_null(at);
    size_t n = strcspn(at + 1, "|");
    char *tag = strndup(at + 1, n);
    return tu_squeeze(tag);
}

/* Every page but the cover: its section in the head, its own number in the foot. */
static void test_running_heads(void **state)
{
    (void)state;
    int openers = 0;
    for (int p = 1; p < dl->npages; p++) {
        const char *sec = p == 1 ? "目录" : section_of(p);
        assert_non_null(sec);
        int st;
        /* Head: the top 8 % of the page; foot: the bottom 8 %. */
        char *head = tu_run(&st, "pdftotext -enc UTF-8 -f %d -l %d -x 0 -y 0 -W 600 -H 60 %s -",
                            p + 1, p + 1, pdf);
        char *foot = tu_run(&st, "pdftotext -enc UTF-8 -f %d -l %d -x 0 -y 780 -W 600 -H 62 %s -",
                            p + 1, p + 1, pdf);
        tu_squeeze(head);
        tu_squeeze(foot);
        if (dl->pages[p].opener) {
            /* A section's first page opens with its name and English tag instead of
             * the running head. */
            openers++;
            assert_string_equal(head, "");
            char *all = page_text(p + 1);
            char *tag = opener_tag(sec);
            assert_non_null(strstr(all, sec));
            assert_non_null(strstr(all, tag));
            free(tag);
            free(all);
        } else if (!strstr(head, sec))
            fail_msg("page %d head \"%s\" lacks \"%s\"", p + 1, head, sec);
        char num[16];
        snprintf(num, sizeof num, "%d", p + 1);
        char *web = strstr(foot, "www.zasto.org.cn");
        assert_non_null(web);
        /* The number stands at one end of the foot, the website at the other. */
        size_t n = strlen(num), fl = strlen(foot);
        bool at_start = strncmp(foot, num, n) == 0 && !isdigit((unsigned char)foot[n]);
        bool at_end = fl > n && strcmp(foot + fl - n, num) == 0 && !isdigit((unsigned char)foot[fl - n - 1]);
        if (!at_start && !at_end)
            fail_msg("page %d foot \"%s\" lacks its number", p + 1, foot);
        free(head);
        free(foot);
    }
    /* A section run in under the last one (section-run-in) keeps its name and tag,
     * under the running head of the section the page begins with. */
    int run_in = 0;
    for (int i = 0; i < dl->noutline; i++) {
        int p = dl->outline[i].page;
        if (dl->outline[i].level != 0 || dl->pages[p].opener)
            continue;
        char *all = page_text(p + 1);
        char *tag = opener_tag(dl->outline[i].title);
        assert_non_null(strstr(all, tag));
        assert_true(sty->section_run_in);
        free(tag);
        free(all);
        run_in++;
    }
    assert_int_equal(openers + run_in, 4);
}

typedef struct {
    float top, bottom;        /* band limits */
} band;

static float item_bottom(const dl_item *it)
{
    switch (it->kind) {
    case DL_TEXT: return it->u.text.y + 0.12f * it->u.text.size;
    case DL_RECT: return it->u.rect.y + it->u.rect.h;
    case DL_RULE: return fmaxf(it->u.rule.y0, it->u.rule.y1);
    case DL_IMAGE: return it->u.image.y + it->u.image.h;
    default: return -1;
    }
}

/* Bands of a page: the spaces between spanning titles. */
static int page_bands(const dl_page *pg, band *b, int max)
{
    float cuts[64];
    int nc = 0;
    for (uint32_t i = 0; i < pg->n && nc < 62; i++)
        if (pg->items[i].role == DL_ROLE_TITLE && pg->items[i].kind == DL_TEXT)
            cuts[nc++] = pg->items[i].u.text.y;
    float top = geom.top;
    int n = 0;
    for (int k = 0; k <= nc && n < max; k++) {
        b[n].top = top;
        b[n].bottom = k < nc ? cuts[k] : geom.top + flow_text_h(&geom);
        top = k < nc ? cuts[k] : top;
        n++;
    }
    return n;
}

/* Whether the flow reported a gap it could not close in page p's column c (any column
 * when c < 0): a warning at the text that moved on. */
static bool gap_reported(int p, int c)
{
    for (int i = 0; i < dl->ngaps; i++)
        if (dl->gaps[i].page == p && (c < 0 || dl->gaps[i].col == c || dl->gaps[i].col < 0))
            return true;
    return false;
}

/* CL-PA-07 and the column rules: in every band no column ends with a heading, and no
 * column of text is short by more than one line — against its neighbours' text (a
 * column of floats, which cannot split, is not a measure for the text beside it), and
 * against the foot of the page unless a section or the issue ends there. */
static void test_columns(void **state)
{
    (void)state;
    int checked = 0;
    for (int p = 2; p < dl->npages; p++) {
        const dl_page *pg = &dl->pages[p];
        band b[64];
        int nb = page_bands(pg, b, 64);
        bool section_end = p + 1 == dl->npages || strcmp(section_of(p + 1), section_of(p)) != 0;
        for (int k = 0; k < nb; k++) {
            float bottom[8] = { -1, -1, -1, -1, -1, -1, -1, -1 };
            int last_role[8] = { 0 };
            float last_y[8] = { -1, -1, -1, -1, -1, -1, -1, -1 };
            for (uint32_t i = 0; i < pg->n; i++) {
                const dl_item *it = &pg->items[i];
                if (it->col < 0 || it->col >= 8)
                    continue;
                float y = it->kind == DL_TEXT ? it->u.text.y : item_bottom(it);
                if (y < b[k].top || y > b[k].bottom)
                    continue;
                float bt = item_bottom(it);
                if (bt > bottom[it->col] && it->role != DL_ROLE_BOX)
                    bottom[it->col] = bt;
                if (it->kind == DL_TEXT && y >= last_y[it->col]) {
                    last_y[it->col] = y;
                    last_role[it->col] = it->role;
                }
            }
            float maxb = -1;
            int used = 0;
            for (int c = 0; c < geom.cols; c++)
                if (bottom[c] >= 0) {
                    used++;
                    maxb = fmaxf(maxb, bottom[c]);
                }
            if (!used)
                continue;
            checked++;
            for (int c = 0; c < geom.cols; c++) {
                if (bottom[c] < 0 || gap_reported(p, c))
                    continue;
                if (last_role[c] == DL_ROLE_HEADING)
                    fail_msg("page %d column %d ends with a heading", p + 1, c + 1);
                if (bottom[c] < maxb - geom.pitch - 1)
                    fail_msg("page %d band %d column %d is %.1f lines short of its neighbour",
                             p + 1, k + 1, c + 1, (maxb - bottom[c]) / geom.pitch);
            }
            bool last_band = k == nb - 1;
            if (last_band && !section_end && used == geom.cols) {
                /* What ends the page may be a table or figure set across the columns. */
                for (uint32_t i = 0; i < pg->n; i++)
                    if (pg->items[i].role == DL_ROLE_BOX && pg->items[i].col < 0)
                        maxb = fmaxf(maxb, item_bottom(&pg->items[i]));
                /* The last line's box ends half the leading above the foot. */
                float foot = geom.top + flow_text_h(&geom) - (geom.pitch - geom.em) / 2;
                if (maxb < foot - geom.pitch - 1 && !gap_reported(p, -1))
                    fail_msg("page %d ends %.1f lines above the foot of the text area", p + 1,
                             (foot - maxb) / geom.pitch);
            }
        }
    }
    assert_true(checked > 40);
}

/* Lines in neighbouring columns share baselines (CL-GR-02): every body line sits on
 * the page's baseline grid. */
static void test_baseline_grid(void **state)
{
    (void)state;
    float base0 = geom.top + typeset_baseline(geom.pitch, geom.em);
    int lines = 0;
    for (int p = 2; p < dl->npages; p++)
        for (uint32_t i = 0; i < dl->pages[p].n; i++) {
            const dl_item *it = &dl->pages[p].items[i];
            if (it->kind != DL_TEXT || it->role != DL_ROLE_BODY || it->u.text.size != geom.em)
                continue;
            float k = (it->u.text.y - base0) / geom.pitch;
            if (fabsf(k - roundf(k)) > 0.01f)
                fail_msg("page %d: body text at y %.2f is off the grid", p + 1, it->u.text.y);
            lines++;
        }
    assert_true(lines > 1000);
}

static bool starts_with_any(const char *s, const char *const *set)
{
    for (int i = 0; set[i]; i++)
        if (strncmp(s, set[i], strlen(set[i])) == 0)
            return true;
    return false;
}

/* Every paragraph of the issue composed at the column measure with the house style:
 * no line starts with a closing or pause/stop mark (CL-LB-01/02/03, strict: no dash),
 * none ends with an opening mark (CL-LB-04), every justified non-final line fills the
 * measure to 0.5 pt (CL-JU-01), every last line holds two characters (CL-PA-05). */
static void test_every_paragraph_composes_to_clreq(void **state)
{
    (void)state;
    static const char *const no_start[] = { "，", "。", "、", "：", "；", "！", "？", "）", "”",
                                            "’", "》", "】", "」", "』", "〕", "·", "—", "…",
                                            "%", ",", ".", NULL };
    static const char *const no_end[] = { "（", "“", "‘", "《", "【", "「", "『", "〔", NULL };
    diag d;
    FILE *null = fopen("/dev/null", "w");
    diag_init(&d, null);
    style *st = style_read("styles/zasto.ini", &d);
    assert_non_null(st);
    typeset_ctx t;
    typeset_ctx_init(&t, fonts, st, &d, src->src);
    int paras = 0, lines = 0;
    for (int b = 0; b < src->nblocks; b++) {
        const doc_block *blk = &src->blocks[b];
        if (blk->kind != DOC_PARA || blk->quote)
            continue;
        para *p = typeset_para(&t, &blk->text, &st->body);
        assert_non_null(p);
        compose_result r;
        assert_int_equal(typeset_compose(&t, p, &st->body, geom.colw, st->body.indent, &r), 0);
        assert_int_equal(r.overfull, 0);
        for (int l = 0; l < r.n; l++) {
            const compose_line *ln = &r.lines[l];
            size_t a = 0, z = 0;
            bool first = true;
            for (uint32_t u = ln->u0; u < ln->u1; u++)
                if (p->u[u].line >= 0) {
                    if (first)
                        a = p->u[u].t0, first = false;
                    z = p->u[u].t0;
                }
            if (l > 0 && starts_with_any(p->text + a, no_start))
                fail_msg("line starts with a forbidden mark: \"%.30s\"", p->text + a);
            if (!ln->last && starts_with_any(p->text + z, no_end))
                fail_msg("line ends with an opening mark before \"%.30s\"", p->text + z);
            if (!ln->last && fabsf(ln->x0 + ln->width - geom.colw) > 0.5f && !r.fallback)
                fail_msg("line %d of \"%.30s\" is %.2f pt short", l, p->text,
                         geom.colw - ln->x0 - ln->width);
            if (ln->last && r.n > 1) {
                int chars = 0;
                for (uint32_t u = ln->u0; u < ln->u1; u++)
                    chars += p->u[u].line >= 0 && (p->u[u].cls == PC_HAN || p->u[u].cls == PC_LATIN ||
                                                   p->u[u].cls == PC_DIGIT || p->u[u].cls == PC_OTHER);
                if (chars < 2)
                    fail_msg("one-character last line in \"%.30s\"", p->text);
            }
            lines++;
        }
        compose_result_free(&r);
        para_free(p);
        paras++;
    }
    assert_true(paras > 400);
    assert_true(lines > 3000);
    style_free(st);
    fclose(null);
}

/* A heading or title line as the display list has it. */
typedef struct {
    int page, block;
    float y, x;
    const dl_item *it;
} head_run;

static int head_order(const void *a, const void *b)
{
    const head_run *p = a, *q = b;
    if (p->block != q->block)
        return p->block - q->block;
    if (p->page != q->page)
        return p->page - q->page;
    if (fabsf(p->y - q->y) > 0.01f)
        return p->y < q->y ? -1 : 1;
    return p->x < q->x ? -1 : p->x > q->x;
}

static bool is_han(uint32_t c) { return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF); }

static int mark_kind(uint32_t c)
{
    static const uint32_t open[] = { 0xFF08, 0x3014, 0x300A, 0x3010, 0x300C, 0x300E, 0x201C,
                                     0x2018, 0x3008, 0x3016 };
    static const uint32_t close[] = { 0xFF09, 0x3015, 0x300B, 0x3011, 0x300D, 0x300F, 0x201D,
                                      0x2019, 0x3009, 0x3017 };
    for (size_t i = 0; i < sizeof open / sizeof open[0]; i++) {
        if (c == open[i])
            return 1;
        if (c == close[i])
            return -1;
    }
    return 0;
}

/* Issue 11 on the whole issue: every heading and title line is ragged — no gap between
 * two Han characters, as justification would leave (CL-PA-09) — and no bracketed group
 * of up to keep-brackets characters, such as （商建函〔2019〕61号）, is split across lines
 * (CL-LB-14; every heading measure of the house holds more characters than that). */
static void test_headings_ragged_and_whole(void **state)
{
    (void)state;
    style *hs = style_default();
    assert_non_null(hs);
    int keep = hs->article.keep_brackets;
    assert_true(keep > 0);
    style_free(hs);
    head_run *runs = NULL;
    size_t n = 0, cap = 0;
    for (int p = 2; p < dl->npages; p++)
        for (uint32_t i = 0; i < dl->pages[p].n; i++) {
            const dl_item *it = &dl->pages[p].items[i];
            if (it->kind != DL_TEXT || (it->role != DL_ROLE_HEADING && it->role != DL_ROLE_TITLE))
                continue;
            if (n == cap) {
                cap = cap ? 2 * cap : 256;
                runs = realloc(runs, cap * sizeof *runs);
                assert_non_null(runs);
            }
            runs[n++] = (head_run){ p, it->block, it->u.text.y, it->u.text.x, it };
            /* Ragged: Han characters of a run stand exactly one em apart. */
            const char *t = it->u.text.text;
            for (uint32_t k = 0; k + 1 < it->u.text.ng; k++) {
                const dl_glyph *g = &it->u.text.g[k], *h = &it->u.text.g[k + 1];
                if (!g->ntext || !h->ntext)
                    continue;
                size_t a = g->text, b = h->text;
                uint32_t ca = utf8_next(t, strlen(t), &a), cb = utf8_next(t, strlen(t), &b);
                if (is_han(ca) && is_han(cb) && fabsf(h->x - g->x - it->u.text.size) > 0.01f)
                    fail_msg("page %d: \"%s\" spaces %.2f pt between Han characters", p + 1, t,
                             (double)(h->x - g->x - it->u.text.size));
            }
        }
    qsort(runs, n, sizeof *runs, head_order);
    int blocks = 0, multi = 0;
    for (size_t i = 0; i < n;) {
        /* One heading: its lines' text, and where each line ends (characters). */
        char text[2048] = "";
        size_t len = 0, ends[32];
        int nl = 0;
        size_t j = i;
        while (j < n && runs[j].block == runs[i].block) {
            size_t k = j;
            while (k < n && runs[k].block == runs[j].block && runs[k].page == runs[j].page &&
                   fabsf(runs[k].y - runs[j].y) < 0.01f) {
                size_t l = strlen(runs[k].it->u.text.text);
                assert_true(len + l < sizeof text);
                memcpy(text + len, runs[k].it->u.text.text, l + 1);
                len += l;
                k++;
            }
            assert_true(nl < 32);
            ends[nl++] = len;
            j = k;
        }
        /* Every group of up to keep characters lies within one line. */
        size_t open[32], depth = 0;
        int chars = 0, at[2048];
        for (size_t b = 0; b < len;) {
            at[b] = chars;
            size_t b0 = b;
            int kind = mark_kind(utf8_next(text, len, &b));
            for (size_t q = b0 + 1; q < b; q++)
                at[q] = chars;
            chars++;
            if (kind > 0 && depth < 32)
                open[depth++] = b0;
            else if (kind < 0 && depth > 0) {
                size_t a = open[--depth];
                if (at[b0] - at[a] + 1 > keep)
                    continue;
                for (int l = 0; l + 1 < nl; l++)
                    if (ends[l] > a && ends[l] < b)
                        fail_msg("page %d: \"%.*s\" is split across lines of \"%s\"",
                                 runs[i].page + 1, (int)(b - a), text + a, text);
            }
        }
        blocks++;
        multi += nl > 1;
        i = j;
    }
    free(runs);
    assert_true(blocks > 150);
    assert_true(multi > 10);
}

static int setup(void **state)
{
    (void)state;
    diag d;
    FILE *null = fopen("/dev/null", "w");
    diag_init(&d, null);
    if (issue_layout("issues/2019-03", NULL, &d, &dl, &fonts))
        return -1;
    src = doc_read("issues/2019-03", &d);
    sty = style_read("styles/zasto.ini", &d);
    if (!src || !sty || flow_geom_init(&geom, sty, &d))
        return -1;
    fclose(null);
    snprintf(pdf, sizeof pdf, "%s/issue.pdf", tu_tmpdir());
    pdf_options o;
    pdf_options_default(&o);
    char err[256];
    return pdf_write(dl, fonts, &o, pdf, err, sizeof err);
}

static int teardown(void **state)
{
    (void)state;
    dl_doc_free(dl);
    font_lib_free(fonts);
    doc_free(src);
    style_free(sty);
    return tu_cleanup();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_contents_numbers_match_pages),
        cmocka_unit_test(test_outline_tree),
        cmocka_unit_test(test_running_heads),
        cmocka_unit_test(test_columns),
        cmocka_unit_test(test_baseline_grid),
        cmocka_unit_test(test_every_paragraph_composes_to_clreq),
        cmocka_unit_test(test_headings_ragged_and_whole),
    };
    return cmocka_run_group_tests_name("issue", tests, setup, teardown);
}
