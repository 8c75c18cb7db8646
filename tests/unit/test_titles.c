/* Headings and titles of 总第29期 composed with the house style (issue 11): ragged, not
 * justified; two or more lines balanced; never broken inside a bracketed document
 * number, a word or a number (CL-PA-09, CL-LB-14); clreq's prohibitions kept
 * (CL-LB-01…04, CL-PA-05). Full text width: 483 pt; a column: 231 pt. */
#include "testutil.h"

#include <math.h>

#include "layout/compose/typeset.h"
#include "layout/flow/flow.h"
#include "layout/read/doc.h"
#include "layout/style/style.h"

static font_lib *fonts;
static style *st;
static flow_geom geom;
static typeset_ctx ts;
static diag dg;

#define SHANGJIAN "商务部等12部门关于推进商品交易市场发展平台经济的指导意见（商建函〔2019〕61号）"
#define YUEFU36 "广东省人民政府关于印发支持自由贸易试验区深化改革创新若干措施分工方案的通知（粤府函〔2019〕36号）"
#define YUEFU31 "广东省人民政府关于印发广东省优化口岸营商环境促进跨境贸易便利化措施的通知（粤府函〔2019〕31号）"
#define ZHUHAI "珠海市商务局关于印发《关于促进中国（珠海）跨境电子商务综合试验区发展的政策措施》的通知"

typedef struct {
    para *p;
    compose_result r;
    char lines[16][512];
} title;

/* text composed in style s at measure, as the flow composes headings (no indent). */
static void set_text(title *t, const doc_text *text, const style_text *s, float measure)
{
    memset(t, 0, sizeof *t);
    t->p = typeset_para(&ts, text, s);
    assert_non_null(t->p);
    assert_int_equal(typeset_compose(&ts, t->p, s, measure, 0, &t->r), 0);
    assert_true(t->r.n < 16);
    for (int l = 0; l < t->r.n; l++) {
        char *o = t->lines[l];
        for (uint32_t i = t->r.lines[l].u0; i < t->r.lines[l].u1; i++) {
            const para_unit *u = &t->p->u[i];
            if (u->line < 0)
                continue;
            memcpy(o, t->p->text + u->t0, u->t1 - u->t0);
            o += u->t1 - u->t0;
        }
        *o = 0;
    }
}

static void set_title(title *t, const char *text, const style_text *s, float measure)
{
    doc_inline in = { (char *)text, 0, NULL, 0, false };
    doc_text dt = { &in, 1 };
    set_text(t, &dt, s, measure);
}

static void drop(title *t)
{
    compose_result_free(&t->r);
    para_free(t->p);
}

static void assert_lines(const title *t, const char *const *want)
{
    int n = 0;
    while (want[n])
        n++;
    bool same = t->r.n == n;
    for (int l = 0; same && l < n; l++)
        same = strcmp(t->lines[l], want[l]) == 0;
    if (!same) {
        for (int l = 0; l < t->r.n; l++)
            print_message("  got  %d: %s\n", l, t->lines[l]);
        for (int l = 0; l < n; l++)
            print_message("  want %d: %s\n", l, want[l]);
        fail_msg("breaks differ");
    }
}

/* Ragged: every line at its natural width (or squeezed to the measure when only that
 * makes it fit, CL-JU-03), inside the measure, and no gap between two Han characters
 * (a justified line spaces them out). */
static void assert_ragged(const title *t, float measure)
{
    assert_int_equal(t->r.overfull, 0);
    for (int l = 0; l < t->r.n; l++) {
        const compose_line *ln = &t->r.lines[l];
        bool squeezed = ln->natural > measure - ln->x0 &&
                        fabsf(ln->x0 + ln->width - measure) < 0.01f;
        if (fabsf(ln->width - ln->natural) > 0.01f && !squeezed)
            fail_msg("line %d set %.2f pt, natural %.2f pt", l, (double)ln->width,
                     (double)ln->natural);
        assert_true(ln->x0 + ln->width <= measure + 0.01f);
        for (uint32_t i = ln->u0 + 1; i < ln->u1; i++) {
            const para_unit *a = &t->p->u[i - 1], *b = &t->p->u[i];
            if (a->line == l && b->line == l && a->cls == PC_HAN && b->cls == PC_HAN &&
                fabsf(b->x - a->x - a->w) > 0.01f)
                fail_msg("line %d: %.2f pt between Han characters", l,
                         (double)(b->x - a->x - a->w));
        }
    }
}

/* The shorter of the first lines at least `pct` % of the longest (the last line of a
 * balanced title may be the shorter one too, so all count). */
static void assert_balanced(const title *t, float pct)
{
    float lo = 1e9f, hi = 0;
    for (int l = 0; l < t->r.n; l++) {
        float w = t->r.lines[l].x0 + t->r.lines[l].width;
        lo = fminf(lo, w);
        hi = fmaxf(hi, w);
    }
    if (lo < hi * pct / 100)
        fail_msg("lines of %.1f to %.1f pt: the shorter is %.0f %% of the longer", (double)lo,
                 (double)hi, (double)(100 * lo / hi));
}

/* The longest line set at measure with the same text, not balanced: how many lines the
 * measure needs. */
static int lines_unbalanced(const doc_text *text, const style_text *s, float measure)
{
    style_text plain = *s;
    plain.balance = false;
    title t;
    set_text(&t, text, &plain, measure);
    int n = t.r.n;
    drop(&t);
    return n;
}

static int lines_plain(const char *text, const style_text *s, float measure)
{
    doc_inline in = { (char *)text, 0, NULL, 0, false };
    doc_text dt = { &in, 1 };
    return lines_unbalanced(&dt, s, measure);
}

/* Across the text: the title of 总第29期's second notice, its document number whole on
 * the second line; the lines even, where today's justified composition ran the first
 * line to the measure and broke the number: "…（商建|函〔2019〕61号）". */
static void test_shangjian_text_width(void **state)
{
    (void)state;
    title t;
    set_title(&t, SHANGJIAN, &st->article, geom.text_w);
    assert_lines(&t, (const char *const[]){ "商务部等12部门关于推进商品交易市场发展",
                                            "平台经济的指导意见（商建函〔2019〕61号）", NULL });
    assert_ragged(&t, geom.text_w);
    assert_balanced(&t, 90);
    assert_int_equal(t.r.n, lines_plain(SHANGJIAN, &st->article, geom.text_w));
    drop(&t);
}

/* In a column (a title set at the column's measure): three even lines, the number
 * whole on the last (today: "…交易市场发|展平台经济的指导意见（商|建函〔2019〕61号）"). */
static void test_shangjian_column(void **state)
{
    (void)state;
    title t;
    set_title(&t, SHANGJIAN, &st->article, geom.colw);
    assert_lines(&t, (const char *const[]){ "商务部等12部门关于推进商品", "交易市场发展平台经济的指导",
                                            "意见（商建函〔2019〕61号）", NULL });
    assert_ragged(&t, geom.colw);
    assert_balanced(&t, 70);
    assert_int_equal(t.r.n, lines_plain(SHANGJIAN, &st->article, geom.colw));
    drop(&t);
}

static void test_yuefu36(void **state)
{
    (void)state;
    title t;
    set_title(&t, YUEFU36, &st->article, geom.text_w);
    assert_lines(&t, (const char *const[]){ "广东省人民政府关于印发支持自由贸易试验区深化改革",
                                            "创新若干措施分工方案的通知（粤府函〔2019〕36号）", NULL });
    assert_ragged(&t, geom.text_w);
    assert_balanced(&t, 90);
    drop(&t);
    /* In a column it needs four lines; the number is one of them. */
    set_title(&t, YUEFU36, &st->article, geom.colw);
    assert_lines(&t, (const char *const[]){ "广东省人民政府关于印发支持", "自由贸易试验区深化改革创新",
                                            "若干措施分工方案的通知", "（粤府函〔2019〕36号）", NULL });
    assert_ragged(&t, geom.colw);
    assert_balanced(&t, 80);
    drop(&t);
}

static void test_yuefu31(void **state)
{
    (void)state;
    title t;
    set_title(&t, YUEFU31, &st->article, geom.text_w);
    assert_lines(&t, (const char *const[]){ "广东省人民政府关于印发广东省优化口岸营商环境",
                                            "促进跨境贸易便利化措施的通知（粤府函〔2019〕31号）", NULL });
    assert_ragged(&t, geom.text_w);
    assert_balanced(&t, 80);
    drop(&t);
}

/* A book-title group longer than 16 characters may break inside; the （珠海） inside it
 * may not. */
static void test_long_group_breaks_inside(void **state)
{
    (void)state;
    title t;
    set_title(&t, ZHUHAI, &st->h[3], geom.colw);
    assert_lines(&t, (const char *const[]){ "珠海市商务局关于印发《关于促进", "中国（珠海）跨境电子商务综合",
                                            "试验区发展的政策措施》的通知", NULL });
    assert_ragged(&t, geom.colw);
    assert_balanced(&t, 90);
    drop(&t);
}

/* Body text keeps breaking where clreq allows: at 30 body characters the paragraph
 * runs its first line to the measure, into the document number; a heading of the same
 * size breaks before the number instead. */
static void test_body_unaffected(void **state)
{
    (void)state;
    float m = 30 * st->body.size;
    title t;
    set_title(&t, SHANGJIAN, &st->body, m);
    assert_lines(&t, (const char *const[]){ "商务部等12部门关于推进商品交易市场发展平台经济的指导意见（商",
                                            "建函〔2019〕61号）", NULL });
    drop(&t);
    set_title(&t, SHANGJIAN, &st->h[4], m);
    assert_lines(&t, (const char *const[]){ "商务部等12部门关于推进商品交易市场发展",
                                            "平台经济的指导意见（商建函〔2019〕61号）", NULL });
    assert_ragged(&t, m);
    drop(&t);
}

/* A group wider than the line breaks inside rather than past the measure. */
static void test_group_wider_than_line(void **state)
{
    (void)state;
    float m = 8 * st->h[4].size;
    title t;
    set_title(&t, "（商建函〔2019〕61号）", &st->h[4], m);
    assert_true(t.r.n >= 2);
    assert_ragged(&t, m);
    assert_false(t.r.emergency);
    drop(&t);
}

/* When breaking only between words would take a line more, the title breaks inside a
 * word instead: 14 characters in two lines of 7 must break inside 中华人民共和国. */
static void test_words_never_cost_a_line(void **state)
{
    (void)state;
    float m = 7 * st->h[4].size;
    title t;
    set_title(&t, "我们热爱中华人民共和国的山河", &st->h[4], m);
    assert_lines(&t, (const char *const[]){ "我们热爱中华人", "民共和国的山河", NULL });
    drop(&t);
    /* With room to spare, the break moves from the even 7 + 7 to the nearest word end
     * (ICU's words: 中华人民|共和国). */
    set_title(&t, "我们热爱中华人民共和国的山河", &st->h[4], 12 * st->h[4].size);
    assert_lines(&t, (const char *const[]){ "我们热爱中华人民", "共和国的山河", NULL });
    drop(&t);
}

/* A heading of two clauses breaks after the comma, where its phrase ends, while the
 * shorter line is still 60 % of the longer; the even break would cut a phrase in two
 * (创历史|新高). */
static void test_phrase_ends(void **state)
{
    (void)state;
    const char *six = "六、进出口总额创历史新高，贸易结构不断优化";
    title t;
    set_title(&t, six, &st->h[3], geom.colw);
    assert_lines(&t, (const char *const[]){ "六、进出口总额创历史新高，", "贸易结构不断优化", NULL });
    assert_ragged(&t, geom.colw);
    drop(&t);
    style_text even = st->h[3];
    even.phrase_balance = 0;
    set_title(&t, six, &even, geom.colw);
    assert_lines(&t, (const char *const[]){ "六、进出口总额创历史", "新高，贸易结构不断优化", NULL });
    drop(&t);
    /* Too uneven after 、 (12 characters, then 29): the even break between words. */
    set_title(&t, "服贸新动态|全国人大代表、广东省省长马兴瑞就“推动广东高质量发展走在全国前列”作答",
              &st->article, geom.text_w);
    assert_lines(&t, (const char *const[]){ "服贸新动态|全国人大代表、广东省省长马兴瑞就",
                                            "“推动广东高质量发展走在全国前列”作答", NULL });
    assert_balanced(&t, 85);
    drop(&t);
}

static bool starts_with_any(const char *s, const char *const *set)
{
    for (int i = 0; set[i]; i++)
        if (strncmp(s, set[i], strlen(set[i])) == 0)
            return true;
    return false;
}

/* text set in style s at measure against every rule: ragged; no more lines than
 * without balancing; no line starting with a closing or pause/stop mark or a dash
 * (CL-LB-01…03, strict) or ending with an opening mark (CL-LB-04); a last line of two
 * lines or more holding two characters (CL-PA-05); every bracketed group of up to
 * keep-brackets characters that fits the measure on one line (CL-LB-14). Returns the
 * line count. */
static int check_text(const doc_text *dt, const style_text *s, float measure)
{
    static const char *const no_start[] = { "，", "。", "、", "：", "；", "！", "？", "）", "”",
                                            "’", "》", "】", "」", "』", "〕", "·", "—", "…",
                                            "%", ",", ".", NULL };
    static const char *const no_end[] = { "（", "“", "‘", "《", "【", "「", "『", "〔", NULL };
    title t;
    set_text(&t, dt, s, measure);
    const char *text = t.p->text;
    assert_ragged(&t, measure);
    if (t.r.n != lines_unbalanced(dt, s, measure))
        fail_msg("\"%s\" at %.1f pt: %d lines balanced, %d not", text, (double)measure, t.r.n,
                 lines_unbalanced(dt, s, measure));
    for (int l = 0; l < t.r.n; l++) {
        const char *ln = t.lines[l];
        size_t len = strlen(ln);
        if (l > 0 && starts_with_any(ln, no_start))
            fail_msg("line starts with a forbidden mark: \"%s\"", ln);
        for (int e = 0; no_end[e] && l + 1 < t.r.n; e++) {
            size_t el = strlen(no_end[e]);
            if (len >= el && strcmp(ln + len - el, no_end[e]) == 0)
                fail_msg("line ends with an opening mark: \"%s\"", ln);
        }
    }
    if (t.r.n > 1) {
        int chars = 0;
        const compose_line *ln = &t.r.lines[t.r.n - 1];
        for (uint32_t u = ln->u0; u < ln->u1; u++)
            chars += t.p->u[u].line >= 0 && (t.p->u[u].cls == PC_HAN || t.p->u[u].cls == PC_LATIN ||
                                             t.p->u[u].cls == PC_DIGIT);
        if (chars < 2)
            fail_msg("\"%s\" at %.1f pt: one character on the last line", text, (double)measure);
    }
    size_t open[32];
    int depth = 0;
    for (size_t i = 0; i < t.p->nu; i++) {
        const para_unit *u = &t.p->u[i];
        if (u->cls == PC_OPEN && depth < 32) {
            open[depth++] = i;
        } else if (u->cls == PC_CLOSE && depth > 0) {
            size_t a = open[--depth];
            float w = 0;
            for (size_t k = a; k <= i; k++)
                w += t.p->u[k].w;
            if (i - a + 1 <= (size_t)s->keep_brackets && w <= measure &&
                t.p->u[a].line != u->line)
                fail_msg("\"%s\" at %.1f pt: the group at byte %u is split", text,
                         (double)measure, t.p->u[a].t0);
        }
    }
    int n = t.r.n;
    drop(&t);
    return n;
}

static const style_text *heading_style(const doc_block *blk)
{
    int lv = blk->level < 3 ? 3 : blk->level > 6 ? 6 : blk->level;
    return blk->kind == DOC_SECTION   ? &st->section
           : blk->kind == DOC_ARTICLE ? &st->article
           : blk->kind == DOC_HEADING ? &st->h[lv]
                                      : NULL;
}

/* Every heading of 总第29期 at the text width and at a column, against every rule. */
static void test_every_heading(void **state)
{
    (void)state;
    diag d;
    FILE *null = fopen("/dev/null", "w");
    diag_init(&d, null);
    doc *src = doc_read("issues/2019-03", &d);
    assert_non_null(src);
    int checked = 0, multi = 0;
    const float measures[] = { geom.text_w, geom.colw };
    for (int b = 0; b < src->nblocks; b++) {
        const style_text *s = heading_style(&src->blocks[b]);
        if (!s)
            continue;
        for (int k = 0; k < 2; k++) {
            multi += check_text(&src->blocks[b].text, s, measures[k]) > 1;
            checked++;
        }
    }
    assert_true(checked > 300);
    assert_true(multi > 30);
    doc_free(src);
    fclose(null);
}

/* The article titles at every measure from 6 to 34 of their characters: the rules
 * hold however the lines fall. */
static void test_titles_every_measure(void **state)
{
    (void)state;
    diag d;
    FILE *null = fopen("/dev/null", "w");
    diag_init(&d, null);
    doc *src = doc_read("issues/2019-03", &d);
    assert_non_null(src);
    int checked = 0;
    for (int b = 0; b < src->nblocks; b++) {
        if (src->blocks[b].kind != DOC_ARTICLE)
            continue;
        for (int m = 6; m <= 34; m++) {
            check_text(&src->blocks[b].text, &st->article, (float)m * st->article.size);
            checked++;
        }
    }
    assert_int_equal(checked, 25 * 29);
    doc_free(src);
    fclose(null);
}

/* Latin words, numbers and a hard line break in a heading, at every measure from 6 to
 * 30 of its characters: the rules hold, and a line ends at the hard break. */
static void test_mixed_and_hard_break(void **state)
{
    (void)state;
    doc_inline in[] = {
        { "关于印发《Python 3.12迁移指南》的通知", 0, NULL, 0, false },
        { " ", IN_BR, NULL, 0, false },
        { "附件：各地区跨境电子商务综合试验区名单及联系方式（2019年版）", 0, NULL, 0, false },
    };
    doc_text dt = { in, 3 };
    const style_text *s = &st->h[3];
    for (int m = 6; m <= 30; m++) {
        float measure = (float)m * s->size;
        check_text(&dt, s, measure);
        title t;
        set_text(&t, &dt, s, measure);
        bool at_break = false;
        for (int l = 0; l < t.r.n; l++)
            at_break |= t.r.lines[l].hard;
        assert_true(at_break);
        drop(&t);
    }
}

static int setup(void **state)
{
    (void)state;
    diag_init(&dg, stderr);
    fonts = font_lib_new();
    st = style_read("styles/zasto.ini", &dg);
    if (!fonts || !st || flow_geom_init(&geom, st, &dg))
        return -1;
    typeset_ctx_init(&ts, fonts, st, &dg, NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    style_free(st);
    font_lib_free(fonts);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shangjian_text_width),
        cmocka_unit_test(test_shangjian_column),
        cmocka_unit_test(test_yuefu36),
        cmocka_unit_test(test_yuefu31),
        cmocka_unit_test(test_long_group_breaks_inside),
        cmocka_unit_test(test_body_unaffected),
        cmocka_unit_test(test_group_wider_than_line),
        cmocka_unit_test(test_words_never_cost_a_line),
        cmocka_unit_test(test_phrase_ends),
        cmocka_unit_test(test_every_heading),
        cmocka_unit_test(test_titles_every_measure),
        cmocka_unit_test(test_mixed_and_hard_break),
    };
    return cmocka_run_group_tests_name("titles", tests, setup, teardown);
}
