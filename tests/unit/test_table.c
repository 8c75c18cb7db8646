/* Tables as boxes: column widths from content, numbers right- and decimal-aligned,
 * spans, three-line and grid rules, header repeat after a break, the PDF read back.
 * Data: the tables of 总第29期 (balance of payments; 服务外包 by district). */
#include "boxutil.h"

#include "layout/blocks/table.h"

static font_lib *lib;
static style st;
static char view_dir[512];

#define X0 56.6f
#define Y0 60.0f

static const char *const bop_rows[] = {
    "项目|按人民币计值 (亿元)|按美元计值 (亿美元)|项目|按美元计值 (亿美元)",
    "货物和服务贸易差额|1,581|233|2.5建设差额|37",
    "贷方|15,960|2351|贷方|95",
    "借方|-14,379|-2118|借方|-58",
    "1.货物贸易差额|3,126|460|2.6保险和养老金服务差额|-38",
    "贷方|14,511|2137|贷方|15",
    "借方|-11,385|-1677|借方|-54",
    "2.服务贸易差额|-1,545|-228|2.7金融服务差额|6",
    "贷方|1,449|213|贷方|18",
    "借方|-2,994|-441|借方|-12",
    "2.1加工服务差额|104|15|2.8知识产权使用费差额|-139",
    "贷方|107|16|贷方|31",
    "借方|-3|0|借方|-169",
    "2.2维护和维修服务差额|23|3|2.9电信、计算机和信息服务差额|66",
    "贷方|37|5|贷方|195",
    "借方|-14|-2|借方|-129",
    "2.3运输差额|-338|-50|2.10其他商业服务差额|181",
    "贷方|279|41|贷方|470",
    "借方|-616|-91|借方|-288",
    "2.4旅行差额|-1,429|-210|2.11个人、文化和娱乐服务差额|-18",
    "贷方|187|28|贷方|5",
    "借方|-1,615|-238|借方|-24",
    "|||2.12别处未提及的政府服务差额|-1",
    "|||贷方|11",
    "|||借方|-12",
};
#define BOP_N ((int)(sizeof bop_rows / sizeof bop_rows[0]))

static const char *const fw_rows[] = {
    "单位@r3|12月@c5",
    "实际完成@c2|年度目标@c2|完成进度排位@r2",
    "总量|同比 (%)|总量|完成进度 (%)",
    "服务外包执行金额 (万美元)@c6",
    "全市|59622.5|122.1|30892.1|193.0|—",
    "横琴新区|35863.0|11445.3|388.3|9236.2|1",
    "香洲区|8232.2|15.3|8214.4|100.2|4",
    "金湾区|849.4|-60.1|2657.6|32.0|7",
    "斗门区|171.3|116.1|106.8|160.4|3",
    "高新区|13519.8|-20.2|19508.4|69.3|5",
    "万山区|0.0|-100.0|0.0|0.0|8",
    "高栏港区|937.8|594.7|182.3|514.6|2",
    "富山工业区|49.0|-53.3|141.9|34.5|6",
};
#define FW_N ((int)(sizeof fw_rows / sizeof fw_rows[0]))

static int setup(void **state)
{
    (void)state;
    lib = font_lib_new();
    bu_style(&st);
    const char *v = getenv("JB_VIEW");
    if (v)
        snprintf(view_dir, sizeof view_dir, "%s", v);
    return lib ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    font_lib_free(lib);
    char *out = tu_run(NULL, "rm -rf %s", tu_tmpdir());
    free(out);
    return 0;
}

typedef struct {
    bu_diag bd;
    typeset_ctx t;
    doc_block blk;
    doc_table *tab;
    box *b;
    dl_doc *d;
} tcase;

static void tcase_open(tcase *c, const char *caption, int nhead, int n, const char *const *rows,
                       float col, float full, int number)
{
    memset(c, 0, sizeof *c);
    bu_diag_open(&c->bd);
    typeset_ctx_init(&c->t, lib, &st, &c->bd.d, NULL);
    c->tab = bu_table(caption, nhead, n, rows);
    c->blk.kind = DOC_TABLE;
    c->blk.table = c->tab;
    c->b = box_new(&c->t, &c->blk, col, full, BU_MAXH, number);
    c->d = dl_doc_new(595.276f, 841.89f);
    dl_page_add(c->d);
    dl_page_add(c->d);
}

static void tcase_close(tcase *c)
{
    box_free(c->b);
    bu_table_free(c->tab);
    dl_doc_free(c->d);
    bu_diag_close(&c->bd);
}

/* The text item whose text is exactly s with its left edge in [x0, x1) and baseline
 * in [y0, y1); -1 when none. */
static int find_in(const dl_doc *d, int p, const char *s, float x0, float x1, float y0, float y1)
{
    for (uint32_t i = 0; i < d->pages[p].n; i++) {
        const dl_item *it = &d->pages[p].items[i];
        if (it->kind == DL_TEXT && strcmp(it->u.text.text, s) == 0 && it->u.text.x >= x0 &&
            it->u.text.x < x1 && it->u.text.y >= y0 && it->u.text.y < y1)
            return (int)i;
    }
    return -1;
}

/* Right edge of a number's text item: a digit's box is as wide as the widest digit
 * (tabular figures), its glyph centred in it. */
static float num_right(const dl_item *it)
{
    const dl_glyph *g = &it->u.text.g[it->u.text.ng - 1];
    font *f = font_lib_at(lib, it->u.text.font);
    float k = it->u.text.size / (float)font_upem(f);
    float adv = (float)font_advance(f, g->gid) * k;
    char last = it->u.text.text[strlen(it->u.text.text) - 1];
    if (last < '0' || last > '9')
        return it->u.text.x + g->x + adv;
    int32_t widest = 0;
    for (uint32_t cp = '0'; cp <= '9'; cp++)
        if (font_advance(f, font_glyph(f, cp)) > widest)
            widest = font_advance(f, font_glyph(f, cp));
    return it->u.text.x + g->x + (adv + (float)widest * k) / 2;
}

/* Splits row r of a spec into its cell texts (without span marks). */
static int cells_of(const char *spec, char out[8][96])
{
    int n = 0;
    const char *p = spec;
    while (n < 8) {
        const char *e = strchr(p, '|');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        snprintf(out[n], 96, "%.*s", (int)len, p);
        char *at = strchr(out[n], '@');
        if (at)
            *at = 0;
        n++;
        if (!e)
            break;
        p = e + 1;
    }
    return n;
}

/* The balance-of-payments table cannot be set in a 231 pt column without wrapping
 * nearly every row, so it spans the text area; its text columns are wider than its
 * number columns, the longer item column widest; the header wraps before any body
 * cell does (every body row is one line high). */
static void test_bop_columns(void **state)
{
    (void)state;
    tcase c;
    tcase_open(&c, "中国国际货物和服务贸易（国际收支口径）", 1, BOP_N, bop_rows, BU_COL, BU_FULL, 1);
    assert_non_null(c.b);
    assert_true(c.b->span);
    bu_near(c.b->w, BU_FULL, 0.01);
    const float *cx;
    assert_int_equal(table_columns(c.b, &cx), 5);
    float w[5];
    for (int i = 0; i < 5; i++)
        w[i] = cx[i + 1] - cx[i];
    for (int num = 1; num <= 4; num += (num == 2 ? 2 : 1)) {
        assert_true(w[0] > w[num]);
        assert_true(w[3] > w[num]);
    }
    assert_true(w[3] > w[0]);
    const float *ry;
    assert_int_equal(table_rows(c.b, &ry), BOP_N);
    float one = 13.5f + 2 * 0.6f * 4;     /* one line plus the vertical padding */
    for (int r = 1; r < BOP_N; r++)
        bu_near(ry[r + 1] - ry[r], one, 0.01);
    assert_true(ry[1] - ry[0] > one + 1);  /* the header took two lines */
    /* Rows: caption, header, 24 body rows; the header repeats. */
    assert_int_equal(c.b->nrows, 1 + BOP_N);
    assert_int_equal(c.b->caption_rows, 1);
    assert_int_equal(c.b->nrepeat, 1);
    assert_int_equal(c.bd.d.warnings + c.bd.d.errors, 0);
    tcase_close(&c);
}

/* Every number of a numeric column ends at the same right edge (within 0.01 pt),
 * inside the padding: the column's numbers form a right-aligned block centred under
 * the header. Text columns start at the left padding; headers are centred. */
static void test_numbers_right_aligned(void **state)
{
    (void)state;
    tcase c;
    tcase_open(&c, "中国国际货物和服务贸易（国际收支口径）", 1, BOP_N, bop_rows, BU_COL, BU_FULL, 1);
    assert_non_null(c.b);
    assert_int_equal(c.b->draw(c.b, c.d, 0, X0, Y0, 0, c.b->nrows), 0);
    const float *cx, *ry;
    table_columns(c.b, &cx);
    table_rows(c.b, &ry);
    float top = Y0 + c.b->row_h[0];
    int checked = 0;
    float right[5] = { -1, -1, -1, -1, -1 };
    for (int r = 1; r < BOP_N; r++) {
        char cell[8][96];
        int n = cells_of(bop_rows[r], cell);
        assert_int_equal(n, 5);
        for (int k = 0; k < 5; k++) {
            if (!cell[k][0])
                continue;
            int i = find_in(c.d, 0, cell[k], X0 + cx[k], X0 + cx[k + 1], top + ry[r],
                            top + ry[r + 1]);
            if (i < 0)
                fail_msg("row %d: %s not in its cell", r, cell[k]);
            const dl_item *it = &c.d->pages[0].items[i];
            if (k == 1 || k == 2 || k == 4) {
                float e = num_right(it);
                if (right[k] < 0)
                    right[k] = e;
                bu_near(e, right[k], 0.01);
                assert_true(e <= X0 + cx[k + 1] - 4 + 0.01f);
                checked++;
            } else {
                bu_near(it->u.text.x, X0 + cx[k] + 4, 0.01);
            }
        }
    }
    assert_int_equal(checked, 21 * 2 + 24);   /* three rows have only the right half */
    /* The first header cell is centred in its column. */
    int i = bu_find_text(c.d, 0, "项目", 0);
    assert_true(i >= 0);
    const dl_item *h = &c.d->pages[0].items[i];
    bu_near((h->u.text.x + bu_text_right(lib, h)) / 2, X0 + (cx[0] + cx[1]) / 2, 0.01);
    tcase_close(&c);
}

/* x of the first glyph standing for byte `at` of the item's text. */
static float glyph_x(const dl_item *it, uint32_t at)
{
    for (uint32_t g = 0; g < it->u.text.ng; g++)
        if (it->u.text.g[g].ntext && it->u.text.g[g].text == at)
            return it->u.text.x + it->u.text.g[g].x;
    fail_msg("no glyph at byte %u of %s", at, it->u.text.text);
    return 0;
}

/* A column whose values have different numbers of decimals is aligned on the decimal
 * point (an integer's point is the end of its digits); a column with one decimal
 * everywhere is plainly right-aligned. */
static void test_decimal_alignment(void **state)
{
    (void)state;
    static const char *const rows[] = {
        "地区|金额|同比 (%)",
        "全市|59622.5|122.1",
        "横琴新区|122.1|11445.3",
        "金湾区|-60.1|-60.1",
        "斗门区|12|-100.0",
        "万山区|3.75|0.0",
        "高栏港区|—|594.7",
    };
    tcase c;
    tcase_open(&c, NULL, 1, 7, rows, BU_COL, BU_FULL, 0);
    assert_non_null(c.b);
    assert_int_equal(c.b->caption_rows, 0);
    assert_int_equal(c.b->draw(c.b, c.d, 0, X0, Y0, 0, c.b->nrows), 0);
    const float *cx;
    table_columns(c.b, &cx);
    const char *vals[] = { "59622.5", "122.1", "-60.1", "3.75" };
    float point = -1;
    for (int k = 0; k < 4; k++) {
        int i = find_in(c.d, 0, vals[k], X0 + cx[1], X0 + cx[2], 0, 900);
        assert_true(i >= 0);
        const dl_item *it = &c.d->pages[0].items[i];
        float px = glyph_x(it, (uint32_t)(strchr(vals[k], '.') - vals[k]));
        if (point < 0)
            point = px;
        bu_near(px, point, 0.01);
    }
    int i = find_in(c.d, 0, "12", X0 + cx[1], X0 + cx[2], 0, 900);
    assert_true(i >= 0);
    bu_near(num_right(&c.d->pages[0].items[i]), point, 0.01);
    /* The block (widest integer part + widest fraction) is centred in the column:
     * "59622" and ".75" define it. */
    i = find_in(c.d, 0, "3.75", X0 + cx[1], X0 + cx[2], 0, 900);
    float end = num_right(&c.d->pages[0].items[i]);
    i = find_in(c.d, 0, "59622.5", X0 + cx[1], X0 + cx[2], 0, 900);
    float start = c.d->pages[0].items[i].u.text.x;
    bu_near((start + end) / 2, X0 + (cx[1] + cx[2]) / 2, 0.01);
    /* One decimal everywhere: right-aligned (tabular figures: "1" as wide as "5"). */
    const char *col2[] = { "122.1", "11445.3", "-60.1", "-100.0", "0.0", "594.7" };
    float r0 = -1;
    for (int k = 0; k < 6; k++) {
        i = find_in(c.d, 0, col2[k], X0 + cx[2], X0 + cx[3], 0, 900);
        assert_true(i >= 0);
        float e = num_right(&c.d->pages[0].items[i]);
        if (r0 < 0)
            r0 = e;
        bu_near(e, r0, 0.01);
    }
    /* Tabular: every digit box as wide as the widest digit, so "11445.3" and
     * "-100.0" have their last digits at the same x. */
    i = find_in(c.d, 0, "11445.3", X0 + cx[2], X0 + cx[3], 0, 900);
    int j = find_in(c.d, 0, "-100.0", X0 + cx[2], X0 + cx[3], 0, 900);
    const dl_item *a = &c.d->pages[0].items[i], *b = &c.d->pages[0].items[j];
    font *f = font_lib_at(lib, a->u.text.font);
    int32_t widest = 0;
    for (uint32_t cp = '0'; cp <= '9'; cp++)
        if (font_advance(f, font_glyph(f, cp)) > widest)
            widest = font_advance(f, font_glyph(f, cp));
    float tab = (float)widest * a->u.text.size / (float)font_upem(f);
    bu_near(glyph_x(a, 1) - glyph_x(a, 0), tab, 0.001);    /* "1" widened */
    bu_near(glyph_x(a, 3) - glyph_x(a, 2), tab, 0.001);    /* "4" */
    bu_near(glyph_x(a, 5), glyph_x(b, 4), 0.01);    /* the decimal points */
    tcase_close(&c);
}

/* The 服务外包 header: 单位 spans three rows, 12月 five columns, 实际完成 and 年度目标
 * two each, 完成进度排位 two rows; a body row spans all six columns. The three header
 * rows form one band (repeated as a whole); spanned cells are centred over what they
 * span. */
static void test_spans(void **state)
{
    (void)state;
    tcase c;
    tcase_open(&c, "2018年12月珠海市服务外包执行情况", 3, FW_N, fw_rows, BU_FULL, BU_FULL, 2);
    assert_non_null(c.b);
    assert_false(c.b->span);
    const float *cx, *ry;
    assert_int_equal(table_columns(c.b, &cx), 6);
    assert_int_equal(table_rows(c.b, &ry), FW_N);
    assert_int_equal(c.b->nrows, 1 + 1 + (FW_N - 3));
    assert_int_equal(c.b->nrepeat, 1);
    bu_near(c.b->row_h[1], ry[3] - ry[0], 0.001);
    assert_int_equal(c.b->draw(c.b, c.d, 0, X0, Y0, 0, c.b->nrows), 0);
    float top = Y0 + c.b->row_h[0];
    struct {
        const char *s;
        int c0, c1, r0, r1;
    } want[] = {
        { "单位", 0, 1, 0, 3 },     { "12月", 1, 6, 0, 1 },         { "实际完成", 1, 3, 1, 2 },
        { "年度目标", 3, 5, 1, 2 }, { "完成进度排位", 5, 6, 1, 3 }, { "总量", 1, 2, 2, 3 },
    };
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
        int i = find_in(c.d, 0, want[k].s, 0, 999, 0, 999);
        if (i < 0)
            fail_msg("%s missing (wrapped?)", want[k].s);
        const dl_item *it = &c.d->pages[0].items[i];
        float mid = (it->u.text.x + bu_text_right(lib, it)) / 2;
        bu_near(mid, X0 + (cx[want[k].c0] + cx[want[k].c1]) / 2, 0.01);
        /* Vertically centred: the ideographic box (0.88 em above the baseline, 0.12
         * below) sits in the middle of the rows it spans. */
        float box_mid = it->u.text.y - 0.38f * it->u.text.size;
        bu_near(box_mid, top + (ry[want[k].r0] + ry[want[k].r1]) / 2, 0.01);
    }
    /* The body row across all columns starts at the left padding. */
    int i = bu_find_text(c.d, 0, "服务外包执行金额", 0);
    assert_true(i >= 0);
    bu_near(c.d->pages[0].items[i].u.text.x, X0 + 4, 0.01);
    tcase_close(&c);
}

/* A rowspan cell taller than its rows makes the last spanned row tall enough. */
static void test_rowspan_height(void **state)
{
    (void)state;
    static const char *const rows[] = {
        "项目|说明|数值",
        ("服务外包@r2|珠海市服务外包离岸执行金额连续六年保持增长，横琴新区与高新区合计占全市八成以上，"
         "对香港、澳门的合作持续深入，全年执行金额超过一亿美元@r2|1"),
        "2",
    };
    tcase c;
    tcase_open(&c, NULL, 1, 3, rows, 150, 150, 0);
    assert_non_null(c.b);
    const float *ry;
    table_rows(c.b, &ry);
    /* Rows 1 and 2 are one band: they cannot be separated. */
    assert_int_equal(c.b->nrows, 2);
    float one = 13.5f + 2 * 2.4f;
    bu_near(ry[2] - ry[1], one, 0.01);
    float span = ry[3] - ry[1];
    assert_true(span > 3 * one);
    /* The span is exactly the long cell: whole lines plus padding. */
    float lines = (span - 2 * 2.4f) / 13.5f;
    bu_near(lines, roundf(lines), 0.001);
    tcase_close(&c);
}

typedef struct {
    float x0, x1, y, w;
} hrule;

static int rules_of(const dl_doc *d, int p, hrule *out, int max)
{
    int n = 0;
    for (uint32_t i = 0; i < d->pages[p].n && n < max; i++) {
        const dl_item *it = &d->pages[p].items[i];
        if (it->kind != DL_RULE)
            continue;
        assert_true(it->u.rule.y0 == it->u.rule.y1);   /* three-line: horizontal only */
        assert_int_equal(it->color.model, DL_GRAY);
        out[n++] = (hrule){ it->u.rule.x0, it->u.rule.x1, it->u.rule.y0, it->u.rule.width };
    }
    return n;
}

/* 三线表: a 1 pt rule on top, 0.5 pt under the header, 1 pt at the end, inside the box;
 * short 0.5 pt rules under the grouping header cells (12月, 实际完成, 年度目标). */
static void test_three_line_rules(void **state)
{
    (void)state;
    tcase c;
    tcase_open(&c, "中国国际货物和服务贸易（国际收支口径）", 1, BOP_N, bop_rows, BU_COL, BU_FULL, 1);
    assert_int_equal(c.b->draw(c.b, c.d, 0, X0, Y0, 0, c.b->nrows), 0);
    const float *ry;
    table_rows(c.b, &ry);
    float top = Y0 + c.b->row_h[0];
    hrule r[16];
    assert_int_equal(rules_of(c.d, 0, r, 16), 3);
    float want_y[3] = { top + 0.5f, top + ry[1], top + ry[BOP_N] - 0.5f };
    float want_w[3] = { 1, 0.5f, 1 };
    for (int i = 0; i < 3; i++) {
        bu_near(r[i].y, want_y[i], 0.001);
        bu_near(r[i].w, want_w[i], 0.001);
        bu_near(r[i].x0, X0, 0.001);
        bu_near(r[i].x1, X0 + BU_FULL, 0.01);
    }
    bu_near(box_rows_h(c.b, 0, c.b->nrows), c.b->row_h[0] + ry[BOP_N], 0.01);
    tcase_close(&c);

    tcase_open(&c, NULL, 3, FW_N, fw_rows, BU_FULL, BU_FULL, 0);
    assert_int_equal(c.b->caption_rows, 0);
    assert_int_equal(c.b->draw(c.b, c.d, 0, X0, Y0, 0, c.b->nrows), 0);
    const float *cx;
    table_columns(c.b, &cx);
    table_rows(c.b, &ry);
    assert_int_equal(rules_of(c.d, 0, r, 16), 6);
    /* Order: top, under the header, the three grouping rules, bottom. */
    bu_near(r[0].y, Y0 + 0.5f, 0.001);
    bu_near(r[1].y, Y0 + ry[3], 0.001);
    bu_near(r[2].y, Y0 + ry[1], 0.001);                 /* under 12月 */
    bu_near(r[2].x0, X0 + cx[1] + 2, 0.001);
    bu_near(r[2].x1, X0 + cx[6] - 2, 0.001);
    bu_near(r[3].y, Y0 + ry[2], 0.001);                 /* under 实际完成 */
    bu_near(r[3].x1, X0 + cx[3] - 2, 0.001);
    bu_near(r[4].x0, X0 + cx[3] + 2, 0.001);            /* under 年度目标 */
    bu_near(r[5].y, Y0 + ry[FW_N] - 0.5f, 0.001);
    tcase_close(&c);
}

/* Split after the 10th body row: the first chunk ends with the bottom rule; the
 * continuation draws the repeated header first (top rule, header text, header rule),
 * then the remaining rows, and ends with the bottom rule; no caption again. */
static void test_header_repeat(void **state)
{
    (void)state;
    tcase c;
    tcase_open(&c, "中国国际货物和服务贸易（国际收支口径）", 1, BOP_N, bop_rows, BU_COL, BU_FULL, 1);
    box *b = c.b;
    int split = b->caption_rows + b->nrepeat + 10;
    assert_int_equal(b->draw(b, c.d, 0, X0, Y0, 0, split), 0);
    float y = Y0, hh = box_rows_h(b, b->caption_rows, b->caption_rows + b->nrepeat);
    assert_int_equal(b->draw(b, c.d, 1, X0, y, b->caption_rows, b->caption_rows + b->nrepeat), 0);
    assert_int_equal(b->draw(b, c.d, 1, X0, y + hh, split, b->nrows), 0);
    hrule r[16];
    /* Page 0: top, header rule, bottom rule right under row 10. */
    assert_int_equal(rules_of(c.d, 0, r, 16), 3);
    bu_near(r[2].y, Y0 + box_rows_h(b, 0, split) - 0.5f, 0.001);
    assert_true(bu_find_text(c.d, 0, "2.4旅行差额", 0) < 0);
    assert_true(bu_find_text(c.d, 0, "2.1加工服务差额", 0) >= 0);
    /* Page 1. */
    assert_int_equal(rules_of(c.d, 1, r, 16), 3);
    bu_near(r[0].y, Y0 + 0.5f, 0.001);
    bu_near(r[0].w, 1, 0.001);
    bu_near(r[1].y, Y0 + hh, 0.001);
    bu_near(r[1].w, 0.5f, 0.001);
    bu_near(r[2].y, Y0 + hh + box_rows_h(b, split, b->nrows) - 0.5f, 0.001);
    bu_near(r[2].w, 1, 0.001);
    assert_true(bu_find_text(c.d, 1, "国际收支口径", 0) < 0);
    int head = bu_find_text(c.d, 1, "按人民币计值", 0);
    int first = bu_find_text(c.d, 1, "2.2维护和维修服务差额", 0);
    assert_true(head >= 0 && first > head);
    assert_true(bu_find_text(c.d, 1, "2.1加工服务差额", 0) < 0);
    const dl_item *h = &c.d->pages[1].items[head], *f = &c.d->pages[1].items[first];
    assert_true(h->u.text.y < Y0 + hh && f->u.text.y > Y0 + hh);
    tcase_close(&c);
}

/* Grid: every border 0.5 pt; vertical rules on the column edges (the outer ones half
 * a rule inside). */
static void test_grid_rules(void **state)
{
    (void)state;
    static const char *const rows[] = { "地区|金额", "横琴新区|35863.0", "香洲区|8232.2" };
    st.table_rules = TABLE_GRID;
    tcase c;
    tcase_open(&c, NULL, 1, 3, rows, BU_COL, BU_FULL, 0);
    st.table_rules = TABLE_THREE_LINE;
    assert_int_equal(c.b->draw(c.b, c.d, 0, X0, Y0, 0, c.b->nrows), 0);
    const float *cx;
    table_columns(c.b, &cx);
    int horiz = 0, vert = 0, at_mid = 0;
    for (uint32_t i = 0; i < c.d->pages[0].n; i++) {
        const dl_item *it = &c.d->pages[0].items[i];
        if (it->kind != DL_RULE)
            continue;
        bu_near(it->u.rule.width, 0.5f, 0.001);
        if (it->u.rule.y0 == it->u.rule.y1) {
            horiz++;
        } else {
            vert++;
            at_mid += fabsf(it->u.rule.x0 - (X0 + cx[1])) < 0.001f;
            assert_true(it->u.rule.x0 >= X0 + 0.25f - 0.001f);
            assert_true(it->u.rule.x0 <= X0 + cx[2] - 0.25f + 0.001f);
        }
    }
    /* 2 top edges + 6 bottom edges; 3 left + 6 right edges. */
    assert_int_equal(horiz, 8);
    assert_int_equal(vert, 9);
    assert_int_equal(at_mid, 3);
    tcase_close(&c);
}

/* Rendered to PDF, pdftotext -layout shows each row's cells on one line in order. */
static void test_pdf_rows(void **state)
{
    (void)state;
    tcase c;
    tcase_open(&c, "中国国际货物和服务贸易（国际收支口径）", 1, BOP_N, bop_rows, BU_COL, BU_FULL, 1);
    assert_int_equal(c.b->draw(c.b, c.d, 0, X0, Y0, 0, c.b->nrows), 0);
    char pdf[600];
    snprintf(pdf, sizeof pdf, "%s/bop.pdf", view_dir[0] ? view_dir : tu_tmpdir());
    bu_write_pdf(c.d, lib, pdf);
    int stt;
    char *txt = tu_run(&stt, "pdftotext -layout -f 1 -l 1 %s -", pdf);
    assert_int_equal(stt, 0);
    char *lines[128];
    int nl = 0;
    for (char *l = strtok(txt, "\n"); l && nl < 128; l = strtok(NULL, "\n"))
        lines[nl++] = tu_squeeze(l);
    assert_true(nl >= BOP_N);
    /* The caption first, then every row on a line of its own, in order. */
    assert_non_null(strstr(lines[0], "表1"));
    assert_non_null(strstr(lines[0], "中国国际货物和服务贸易（国际收支口径）"));
    int at = 0;
    for (int r = 1; r < BOP_N; r++) {
        char cell[8][96];
        int n = cells_of(bop_rows[r], cell);
        int found = -1;
        for (int l = at + 1; l < nl && found < 0; l++) {
            const char *p = lines[l];
            int k = 0;
            for (; k < n && p; k++)
                if (cell[k][0] && (p = strstr(p, cell[k])))
                    p += strlen(cell[k]);
            if (p && k == n)
                found = l;
        }
        if (found < 0)
            fail_msg("row %d (%s) not found on one line after line %d", r, bop_rows[r], at);
        at = found;
    }
    free(txt);
    tcase_close(&c);
}

/* ---- a row taller than a column (issue 13) ---- */

/* The long cell of the split-row tests: numbered sentences, so that order shows. */
static char *long_text(int n)
{
    static const char sent[] = "句近日金邦达成功通过国家知识产权管理专业机构评审获得认证证书。";
    size_t cap = (size_t)n * (sizeof sent + 8) + 1, len = 0;
    char *s = malloc(cap);
    assert_non_null(s);
    for (int i = 0; i < n; i++)
        len += (size_t)snprintf(s + len, cap - len, "第%03d%s", i, sent);
    return s;
}

/* The table of the split-row tests: a header, a short row, the row holding `lng`
 * (tall_row makes it; the caller frees), two short rows. */
static char *tall_row(const char *lng)
{
    char *tall = malloc(strlen(lng) + 32);
    assert_non_null(tall);
    sprintf(tall, "横琴|%s|3,000.0", lng);
    return tall;
}
#define TALL_ROWS(tall)                                                                   \
    { "企业|说明|金额 (万元)", "金邦达|已认证|12.5", tall, "香洲|待认证|1.0", "斗门|待认证|2.0" }

/* Appends the text of page p's text items whose element is elem. */
static void text_of_elem(const dl_doc *d, int p, int elem, char *out, size_t cap)
{
    size_t n = strlen(out);
    for (uint32_t i = 0; i < d->pages[p].n; i++) {
        const dl_item *it = &d->pages[p].items[i];
        if (it->kind == DL_TEXT && it->elem == elem)
            n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, "%s", it->u.text.text);
    }
}

/* A body row taller than a column is cut between the lines of its cells into box rows,
 * each (with the header repeated above it) within a column; the other rows stay whole.
 * Drawn a piece a page after the header, as the flow draws a continuation: every line
 * once, in order, inside its piece, in the cell's own TD (one TR per source row); the
 * row's short cells stand at its top; each piece is closed by the bottom rule. */
static void test_tall_row_split(void **state)
{
    (void)state;
    char *lng = long_text(120);
    char *tall = tall_row(lng);
    const char *rows[] = TALL_ROWS(tall);
    tcase c;
    tcase_open(&c, "企业认证情况", 1, 5, rows, BU_COL, BU_FULL, 1);
    box *b = c.b;
    assert_non_null(b);
    assert_int_equal(c.bd.d.errors, 0);
    assert_int_equal(b->caption_rows, 1);
    assert_int_equal(b->nrepeat, 1);
    const float *ry;
    assert_int_equal(table_rows(b, &ry), 5);
    /* Caption, header, 金邦达, the pieces of 横琴, 香洲, 斗门. */
    int p0 = 3, p1 = b->nrows - 2, npieces = p1 - p0;
    assert_true(ry[3] - ry[2] > BU_MAXH);
    assert_true(npieces >= (int)((ry[3] - ry[2]) / BU_MAXH) + 1);
    float head = b->row_h[1];
    bu_near(head, ry[1], 1e-4);
    bu_near(b->row_h[2], ry[2] - ry[1], 1e-4);
    bu_near(b->row_h[p1], ry[4] - ry[3], 1e-4);
    bu_near(b->row_h[p1 + 1], ry[5] - ry[4], 1e-4);
    bu_near(box_rows_h(b, p0, p1), ry[3] - ry[2], 0.01);
    for (int r = p0; r < p1; r++)
        assert_true(head + b->row_h[r] <= BU_MAXH);

    dl_doc *d = c.d;
    while (d->npages < npieces + 1)
        dl_page_add(d);
    dl_tag_block(d, DL_S_ART, 2, 0, NULL);
    int tab = dl_tag_block(d, DL_S_TABLE, 0, 0, NULL);
    assert_int_equal(box_tag(b, &c.blk, d, tab), 0);
    assert_int_equal(b->draw(b, d, 0, X0, Y0, 0, p0), 0);
    size_t cap = strlen(lng) + 1;
    char *got = calloc(cap + 64, 1);
    assert_non_null(got);
    int td = -1, trs = 0;
    for (int i = tab + 1; i < d->nelems; i++)
        trs += d->elems[i].type == DL_S_TR;
    assert_int_equal(trs, 5);
    for (int r = p0; r < p1; r++) {
        int pg = r - p0 + 1;
        assert_int_equal(b->draw(b, d, pg, X0, Y0, 1, 2), 0);
        float top = Y0 + head, foot = top + b->row_h[r];
        assert_int_equal(b->draw(b, d, pg, X0, top, r, r + 1), 0);
        int lines = 0;
        for (uint32_t i = 0; i < d->pages[pg].n; i++) {
            const dl_item *it = &d->pages[pg].items[i];
            if (it->kind != DL_TEXT || it->elem == DL_ARTIFACT_PAGINATION)
                continue;
            /* The glyphs' em box (the baseline 0.88 em below its top) inside the piece. */
            float y = it->u.text.y, sz = it->u.text.size;
            if (y - 0.88f * sz < top - 0.01f || y + 0.12f * sz > foot - 1 + 0.01f)
                fail_msg("piece %d (%.1f-%.1f pt): \"%.12s\" at baseline %.1f", r - p0,
                         (double)top, (double)foot, it->u.text.text, (double)y);
            if (it->u.text.x > X0 + 20 && it->u.text.x < X0 + 400) {
                if (td < 0)
                    td = it->elem;
                assert_int_equal(it->elem, td);
                lines++;
            }
        }
        if (lines < 1)
            fail_msg("piece %d of %d (%.1f pt) holds no line of the long cell", r - p0, npieces,
                     (double)b->row_h[r]);
        text_of_elem(d, pg, td, got, cap + 64);
        hrule rl[8];
        assert_int_equal(rules_of(d, pg, rl, 8), 3);
        bu_near(rl[2].y, foot - 0.5f, 0.001);
        bu_near(rl[2].w, 1, 0.001);
    }
    assert_true(td > tab);
    assert_int_equal(d->elems[td].type, DL_S_TD);
    assert_string_equal(got, lng);
    /* The row's short cells at its top, in the first piece. */
    int hq = bu_find_text(d, 1, "横琴", 0), num = bu_find_text(d, 1, "3,000.0", 0);
    assert_true(hq >= 0 && num >= 0);
    assert_true(d->pages[1].items[hq].elem != DL_ARTIFACT_PAGINATION);
    assert_true(d->pages[1].items[hq].u.text.y < Y0 + head + 13.5f);
    assert_true(bu_find_text(d, 2, "横琴", 0) < 0);
    free(got);
    tcase_close(&c);

    /* Grid rules: a piece is closed at its cuts, and the cells' sides run through it. */
    st.table_rules = TABLE_GRID;
    tcase_open(&c, NULL, 1, 5, rows, BU_COL, BU_FULL, 0);
    st.table_rules = TABLE_THREE_LINE;
    assert_non_null(c.b);
    int mid = c.b->nrows / 2;
    float y0 = Y0 + 100, y1 = y0 + c.b->row_h[mid];
    assert_int_equal(c.b->draw(c.b, c.d, 0, X0, y0, mid, mid + 1), 0);
    int horiz = 0, vert = 0;
    for (uint32_t i = 0; i < c.d->pages[0].n; i++) {
        const dl_item *it = &c.d->pages[0].items[i];
        if (it->kind != DL_RULE)
            continue;
        float lo = fminf(it->u.rule.y0, it->u.rule.y1), hi = fmaxf(it->u.rule.y0, it->u.rule.y1);
        assert_true(lo >= y0 - 0.001f && hi <= y1 + 0.001f);
        if (it->u.rule.y0 == it->u.rule.y1) {
            horiz++;
            assert_true(fabsf(lo - (y0 + 0.25f)) < 0.001f || fabsf(lo - (y1 - 0.25f)) < 0.001f);
        } else {
            vert++;
            bu_near(lo, y0, 0.001);
            bu_near(hi, y1, 0.001);
        }
    }
    assert_int_equal(horiz, 6);
    assert_int_equal(vert, 4);
    tcase_close(&c);
    free(tall);
    free(lng);
}

/* A body row taller than a third of a column, though a column could hold it, is cut
 * too: moved whole past a page foot it left most of a page empty above it (layout fuzz
 * seed 2754: one 117 pt row on a page, then a 558 pt one on the next). A row of a few
 * lines stays one box row. */
static void test_third_column_row_split(void **state)
{
    (void)state;
    char *lng = long_text(40);
    char *tall = tall_row(lng);
    const char *rows[] = TALL_ROWS(tall);
    tcase c;
    tcase_open(&c, "企业认证情况", 1, 5, rows, BU_COL, BU_FULL, 1);
    assert_non_null(c.b);
    assert_int_equal(c.bd.d.errors, 0);
    const float *ry;
    assert_int_equal(table_rows(c.b, &ry), 5);
    float h = ry[3] - ry[2];
    /* The case: taller than a third of a column, and a column holds it whole. */
    assert_true(h > BU_MAXH / 3 && c.b->row_h[0] + ry[2] - ry[0] + h <= BU_MAXH);
    /* Caption, header and 金邦达 one box row each, then the pieces of 横琴. */
    int npieces = c.b->nrows - 2 - 3;
    assert_true(npieces >= 2);
    assert_true(box_rows_h(c.b, 3, 3 + npieces) > h - 0.01f);
    for (int r = 3; r < 3 + npieces; r++)
        assert_true(c.b->row_h[r] < h);
    tcase_close(&c);
    free(tall);
    free(lng);
}

/* What cannot be cut small enough is an error at the table's line: a line taller than
 * the column; the caption and header with the first line of the row. */
static void test_tall_row_error(void **state)
{
    (void)state;
    const char *md = "# 行业动态\n\n| 甲 | 乙 |\n";
    src_file *sf = src_file_new("issues/2019-03/issue.md", md, strlen(md));
    static const char *const one[] = { "甲|乙" };
    char *lng = long_text(40);
    char *tall = malloc(strlen(lng) + 16);
    assert_non_null(tall);
    sprintf(tall, "横琴|%s", lng);
    const char *rows[] = { "企业|说明", tall };
    static const struct {
        const char *caption;
        int nhead, n;
        float max_h;
        const char *msg;
    } cases[] = {
        { NULL, 0, 1, 12, "issues/2019-03/issue.md:3:1: error: row 1 of this table cannot be "
                          "split between the lines of its cells into pieces a column holds: one "
                          "is 18 pt high, more than the 12 pt a column holds above the line kept "
                          "under a table; give the table smaller type\n" },
        { "企业认证情况", 1, 2, 50,
          "issues/2019-03/issue.md:3:1: error: row 2 of this table cannot be split between the "
          "lines of its cells into pieces a column holds: one is 54 pt high with the caption "
          "and header, more than the 50 pt a column holds above the line kept under a table; "
          "shorten the caption or the header, or give the table smaller type\n" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tcase c;
        memset(&c, 0, sizeof c);
        bu_diag_open(&c.bd);
        typeset_ctx_init(&c.t, lib, &st, &c.bd.d, sf);
        c.tab = bu_table(cases[i].caption, cases[i].nhead, cases[i].n, cases[i].n == 1 ? one : rows);
        c.blk.kind = DOC_TABLE;
        c.blk.table = c.tab;
        c.blk.src = (size_t)(strstr(md, "| 甲") - md);
        c.b = box_new(&c.t, &c.blk, BU_COL, BU_FULL, cases[i].max_h, cases[i].caption ? 1 : 0);
        c.d = dl_doc_new(595.276f, 841.89f);
        assert_null(c.b);
        assert_string_equal(bu_diag_text(&c.bd), cases[i].msg);
        tcase_close(&c);
    }
    /* With room for the caption, header and a line or two, the row is split. */
    tcase c;
    tcase_open(&c, "企业认证情况", 1, 2, rows, BU_COL, BU_FULL, 1);
    box_free(c.b);
    c.b = box_new(&c.t, &c.blk, BU_COL, BU_FULL, 80, 1);
    assert_non_null(c.b);
    assert_true(c.b->nrows > 10);
    assert_true(box_rows_h(c.b, 0, 3) <= 80);
    tcase_close(&c);
    free(tall);
    free(lng);
    src_file_free(sf);
}

/* Long unbreakable words: at 9 pt they do not fit the text area, so the type shrinks
 * by half points until they do. */
static void test_shrink(void **state)
{
    (void)state;
    static const char *const rows[] = {
        "代码|名称|网址|电话|备注",
        "Zhuhaiserviceoutsourcing|Internationalization|Telecommunications|Jinbangdatechnology|"
        "Incomprehensibilities",
    };
    tcase c;
    tcase_open(&c, NULL, 1, 2, rows, BU_COL, BU_FULL, 0);
    assert_non_null(c.b);
    assert_true(c.b->span);
    /* 8.5 pt is still too wide by a few points; 8 pt fits. */
    bu_near(table_text_size(c.b), 8, 1e-4);
    bu_near(c.b->w, BU_FULL, 0.01);
    assert_int_equal(c.bd.d.warnings, 0);
    tcase_close(&c);
}

/* Too wide even at the minimum size: reported at the table's source position, and
 * the box still fills the text area exactly. */
static void test_too_wide_warning(void **state)
{
    (void)state;
    static const char *const rows[] = {
        "A|B|C|D|E|F",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123|ABCDEFGHIJKLMNOPQRSTUVWXYZ0123|"
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123|ABCDEFGHIJKLMNOPQRSTUVWXYZ0123|"
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123|ABCDEFGHIJKLMNOPQRSTUVWXYZ0123",
    };
    const char *md = "# 行业动态\n\n| A | B |\n";
    src_file *sf = src_file_new("issues/2019-03/issue.md", md, strlen(md));
    tcase c;
    memset(&c, 0, sizeof c);
    bu_diag_open(&c.bd);
    typeset_ctx_init(&c.t, lib, &st, &c.bd.d, sf);
    c.tab = bu_table(NULL, 1, 2, rows);
    c.blk.kind = DOC_TABLE;
    c.blk.table = c.tab;
    c.blk.src = (size_t)(strstr(md, "| A") - md);
    c.b = box_new(&c.t, &c.blk, BU_COL, BU_FULL, BU_MAXH, 3);
    c.d = dl_doc_new(595.276f, 841.89f);
    assert_non_null(c.b);
    bu_near(c.b->w, BU_FULL, 0.01);
    bu_near(table_text_size(c.b), 7, 1e-4);
    const char *msg = bu_diag_text(&c.bd);
    assert_non_null(strstr(msg, "issues/2019-03/issue.md:3:1: warning: this table is too wide "
                                "for the page even at 7.0 pt (6 columns)"));
    tcase_close(&c);
    src_file_free(sf);
}

/* Bad input is reported, never a crash: no rows, rows without cells, absurd spans,
 * a single empty cell. */
static void test_bad_tables(void **state)
{
    (void)state;
    bu_diag bd;
    bu_diag_open(&bd);
    typeset_ctx t;
    typeset_ctx_init(&t, lib, &st, &bd.d, NULL);
    doc_block blk = { 0 };
    blk.kind = DOC_TABLE;
    assert_null(box_new(&t, &blk, BU_COL, BU_FULL, BU_MAXH, 1));
    assert_non_null(strstr(bu_diag_text(&bd), "error: this table has no rows"));
    doc_table empty = { 0 };
    blk.table = &empty;
    assert_null(box_new(&t, &blk, BU_COL, BU_FULL, BU_MAXH, 1));
    doc_row rows[2] = { { NULL, 0, true }, { NULL, 0, false } };
    doc_table nocells = { rows, 2, 0, { NULL, 0 } };
    blk.table = &nocells;
    assert_null(box_new(&t, &blk, BU_COL, BU_FULL, BU_MAXH, 1));
    assert_non_null(strstr(bu_diag_text(&bd), "error: this table has no cells"));
    assert_int_equal(bd.d.errors, 3);
    bu_diag_close(&bd);

    /* Rowspans beyond the table are clipped to it; nonsense spans count as 1; a
     * cell pushed right by a rowspan from above lands after it. */
    static const char *const wild[] = { "甲@c3@r1000|乙", "丙|丁@r-3@c0" };
    tcase c;
    tcase_open(&c, NULL, 0, 2, wild, BU_COL, BU_FULL, 0);
    assert_non_null(c.b);
    const float *cx;
    assert_int_equal(table_columns(c.b, &cx), 5);
    assert_int_equal(c.b->nrows, 1);        /* one band: the rowspan ties both rows */
    assert_int_equal(c.b->draw(c.b, c.d, 0, X0, Y0, 0, c.b->nrows), 0);
    int i = bu_find_text(c.d, 0, "丙", 0);
    assert_true(i >= 0 && c.d->pages[0].items[i].u.text.x > X0 + cx[3]);
    tcase_close(&c);
    /* More than 64 columns is an error, not a crash. */
    static const char *const wide[] = { "甲@c1000|乙" };
    tcase_open(&c, NULL, 0, 1, wide, BU_COL, BU_FULL, 0);
    assert_null(c.b);
    assert_non_null(strstr(bu_diag_text(&c.bd), "error: this table has more than 64 columns"));
    tcase_close(&c);

    static const char *const one[] = { "" };
    tcase_open(&c, NULL, 0, 1, one, BU_COL, BU_FULL, 0);
    assert_non_null(c.b);
    assert_int_equal(c.b->nrows, 1);
    assert_true(c.b->row_h[0] > 0);
    assert_int_equal(c.b->draw(c.b, c.d, 0, X0, Y0, -5, 99), 0);
    assert_int_equal(c.b->draw(c.b, c.d, 0, X0, Y0, 1, 0), 0);
    tcase_close(&c);
}

/* For looking at: the 服务外包 table in a column and the balance of payments across
 * the page, three-line; the district table again as a grid. */
static void test_render_for_review(void **state)
{
    (void)state;
    tcase a, b, g;
    tcase_open(&a, "2018年12月珠海市服务外包执行情况", 3, FW_N, fw_rows, BU_COL, BU_FULL, 2);
    tcase_open(&b, "中国国际货物和服务贸易（国际收支口径）", 1, BOP_N, bop_rows, BU_COL, BU_FULL,
               1);
    st.table_rules = TABLE_GRID;
    tcase_open(&g, "2018年12月珠海市服务外包执行情况", 3, FW_N, fw_rows, BU_FULL, BU_FULL, 3);
    st.table_rules = TABLE_THREE_LINE;
    assert_non_null(a.b);
    assert_non_null(b.b);
    assert_non_null(g.b);
    dl_doc *d = a.d;
    float y = Y0;
    assert_int_equal(a.b->draw(a.b, d, 0, X0, y, 0, a.b->nrows), 0);
    y += box_rows_h(a.b, 0, a.b->nrows) + 20;
    assert_int_equal(g.b->draw(g.b, d, 0, X0, y, 0, g.b->nrows), 0);
    assert_int_equal(b.b->draw(b.b, d, 1, X0, Y0, 0, b.b->nrows), 0);
    char pdf[600];
    snprintf(pdf, sizeof pdf, "%s/tables.pdf", view_dir[0] ? view_dir : tu_tmpdir());
    bu_write_pdf(d, lib, pdf);
    int stt;
    char *txt = tu_run(&stt, "pdftotext %s - | tr -d ' \\n'", pdf);
    assert_int_equal(stt, 0);
    assert_non_null(strstr(txt, "表2"));
    assert_non_null(strstr(txt, "富山工业区"));
    free(txt);
    tcase_close(&a);
    tcase_close(&b);
    tcase_close(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bop_columns),
        cmocka_unit_test(test_numbers_right_aligned),
        cmocka_unit_test(test_decimal_alignment),
        cmocka_unit_test(test_spans),
        cmocka_unit_test(test_rowspan_height),
        cmocka_unit_test(test_three_line_rules),
        cmocka_unit_test(test_header_repeat),
        cmocka_unit_test(test_grid_rules),
        cmocka_unit_test(test_pdf_rows),
        cmocka_unit_test(test_tall_row_split),
        cmocka_unit_test(test_third_column_row_split),
        cmocka_unit_test(test_tall_row_error),
        cmocka_unit_test(test_shrink),
        cmocka_unit_test(test_too_wide_warning),
        cmocka_unit_test(test_bad_tables),
        cmocka_unit_test(test_render_for_review),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
