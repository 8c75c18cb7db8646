/* Charts as vectors: bar heights proportional to the data, negative bars under the
 * zero line, grouped bars and lines with legends, pie slices whose angles are the
 * shares, every label read back from a PDF that holds no image and no RGB colour.
 * Data: 珠海市及各区12月服务外包执行 (the chart lost from 总第29期), in 万美元. */
#include "boxutil.h"

#include "layout/blocks/chart.h"

static font_lib *lib;
static style st;
static char out_dir[512];

static const char *districts[] = { "横琴新区", "香洲区", "金湾区", "斗门区",
                                   "高新区",   "万山区", "高栏港区", "富山工业区" };
static double done_12[] = { 35863.0, 8232.2, 849.4, 171.3, 13519.8, 0.0, 937.8, 49.0 };
static double target[] = { 388.3, 8214.4, 2657.6, 106.8, 19508.4, 0.0, 182.3, 141.9 };
static double growth[] = { 11445.3, 15.3, -60.1, 116.1, -20.2, -100.0, 594.7, -53.3 };

static int setup(void **state)
{
    (void)state;
    lib = font_lib_new();
    bu_style(&st);
    snprintf(out_dir, sizeof out_dir, "%s", getenv("JB_VIEW") ? getenv("JB_VIEW") : tu_tmpdir());
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
    doc_chart ch;
    doc_series series[4];
    doc_block blk;
    box *b;
    dl_doc *d;
} ccase;

static void ccase_open(ccase *c, doc_chart_type type, const char *title, const char *unit, int n,
                       const char **labels, int ns, const char **names, double **values,
                       float col, float full, int number)
{
    memset(c, 0, sizeof *c);
    bu_diag_open(&c->bd);
    typeset_ctx_init(&c->t, lib, &st, &c->bd.d, NULL);
    c->ch.type = type;
    c->ch.title = (char *)title;
    c->ch.unit = (char *)unit;
    c->ch.labels = (char **)labels;
    c->ch.nlabels = n;
    for (int s = 0; s < ns; s++) {
        c->series[s].name = (char *)names[s];
        c->series[s].values = values[s];
    }
    c->ch.series = c->series;
    c->ch.nseries = ns;
    c->blk.kind = DOC_CHART;
    c->blk.chart = &c->ch;
    c->b = box_new(&c->t, &c->blk, col, full, BU_MAXH, number);
    c->d = dl_doc_new(595.276f, 841.89f);
    dl_page_add(c->d);
}

static void ccase_close(ccase *c)
{
    box_free(c->b);
    dl_doc_free(c->d);
    bu_diag_close(&c->bd);
}

static void bar_chart(ccase *c, float col)
{
    const char *names[] = { "执行金额" };
    double *vals[] = { done_12 };
    ccase_open(c, CHART_BAR, "珠海市及各区12月服务外包执行", "万美元", 8, districts, 1, names, vals,
               col, BU_FULL, 1);
}

static bool color_eq(dl_color a, dl_color b)
{
    return a.model == b.model && a.v[0] == b.v[0] && a.v[1] == b.v[1] && a.v[2] == b.v[2] &&
           a.v[3] == b.v[3];
}

/* Filled rects of colour col on page 0, in drawing order. */
static int rects_of(const dl_doc *d, dl_color col, const dl_item **out, int max)
{
    int n = 0;
    for (uint32_t i = 0; i < d->pages[0].n && n < max; i++) {
        const dl_item *it = &d->pages[0].items[i];
        if (it->kind == DL_RECT && color_eq(it->color, col))
            out[n++] = it;
    }
    return n;
}

/* Nice ticks: 1, 2 or 5 × 10^n, at most six intervals, covering the data. */
static void test_ticks(void **state)
{
    (void)state;
    double lo, hi;
    bu_near(chart_ticks(0, 35863, &lo, &hi), 10000, 1e-9);
    bu_near(lo, 0, 1e-9);
    bu_near(hi, 40000, 1e-9);
    bu_near(chart_ticks(-100, 11445.3, &lo, &hi), 5000, 1e-9);
    bu_near(lo, -5000, 1e-9);
    bu_near(hi, 15000, 1e-9);
    bu_near(chart_ticks(-60.1, 594.7, &lo, &hi), 200, 1e-9);
    bu_near(lo, -200, 1e-9);
    bu_near(hi, 600, 1e-9);
    bu_near(chart_ticks(0, 1, &lo, &hi), 0.2, 1e-12);
    bu_near(chart_ticks(0, 0, &lo, &hi), 0.2, 1e-12);      /* all zero: 0…1 */
    bu_near(hi, 1, 1e-12);
    bu_near(chart_ticks(0.013, 0.0174, &lo, &hi), 0.001, 1e-12);
    bu_near(lo, 0.013, 1e-12);
    bu_near(hi, 0.018, 1e-12);
}

/* Eight long district names and five-digit values do not fit a 231 pt column, so
 * the chart spans; every bar (万山区's 0.0 has none) is as high as its value, all
 * stand on the same zero line, in data order, in the accent colour. */
static void test_bar_heights(void **state)
{
    (void)state;
    ccase c;
    bar_chart(&c, BU_COL);
    assert_non_null(c.b);
    assert_true(c.b->span);
    bu_near(c.b->w, BU_FULL, 1e-4);
    assert_int_equal(c.b->nrows, 1);
    bu_near(c.b->row_h[0], box_rows_h(c.b, 0, 1), 0);
    assert_true(c.b->row_h[0] >= 0.62f * BU_FULL);
    assert_int_equal(c.b->draw(c.b, c.d, 0, 56.6f, 60, 0, 1), 0);
    const dl_item *r[16];
    assert_int_equal(rects_of(c.d, chart_color(&st, 0), r, 16), 7);
    assert_true(color_eq(chart_color(&st, 0), st.accent));
    int k = 0;
    float base = r[0]->u.rect.y + r[0]->u.rect.h;
    for (int i = 0; i < 8; i++) {
        if (done_12[i] == 0)
            continue;
        bu_near(r[k]->u.rect.h / r[0]->u.rect.h, done_12[i] / done_12[0], 1e-3);
        bu_near(r[k]->u.rect.y + r[k]->u.rect.h, base, 1e-3);
        if (k)
            assert_true(r[k]->u.rect.x > r[k - 1]->u.rect.x);
        k++;
    }
    /* Value labels: one per category, with the data's one decimal. */
    assert_true(bu_find_text(c.d, 0, "35863.0", 0) >= 0);
    assert_true(bu_find_text(c.d, 0, "49.0", 0) >= 0);
    assert_int_equal(c.bd.d.warnings + c.bd.d.errors, 0);
    ccase_close(&c);
}

/* Negative values hang below the zero line, heights still proportional. */
static void test_negative_bars(void **state)
{
    (void)state;
    static const char *labels[] = { "金湾区", "斗门区", "高新区", "高栏港区", "富山工业区" };
    static double v[] = { -60.1, 116.1, -20.2, 594.7, -53.3 };
    const char *names[] = { "同比" };
    double *vals[] = { v };
    ccase c;
    ccase_open(&c, CHART_BAR, "各区服务外包执行金额同比增长", "%", 5, labels, 1, names, vals,
               BU_COL, BU_FULL, 2);
    assert_non_null(c.b);
    assert_false(c.b->span);
    bu_near(c.b->w, BU_COL, 1e-4);
    assert_int_equal(c.b->draw(c.b, c.d, 0, 0, 0, 0, 1), 0);
    const dl_item *r[8];
    assert_int_equal(rects_of(c.d, st.accent, r, 8), 5);
    float zero = r[1]->u.rect.y + r[1]->u.rect.h;    /* a positive bar's foot */
    for (int i = 0; i < 5; i++) {
        if (v[i] < 0)
            bu_near(r[i]->u.rect.y, zero, 1e-3);
        else
            bu_near(r[i]->u.rect.y + r[i]->u.rect.h, zero, 1e-3);
        bu_near(r[i]->u.rect.h / r[3]->u.rect.h, fabs(v[i]) / 594.7, 1e-3);
    }
    /* The zero line is a black rule at that height. */
    bool zl = false;
    for (uint32_t i = 0; i < c.d->pages[0].n; i++) {
        const dl_item *it = &c.d->pages[0].items[i];
        if (it->kind == DL_RULE && fabsf(it->u.rule.y0 - zero) < 1e-3f && it->u.rule.width > 0.5f)
            zl = true;
    }
    assert_true(zl);
    assert_true(bu_find_text(c.d, 0, "-60.1", 0) >= 0);
    assert_true(bu_find_text(c.d, 0, "-200", 0) >= 0);     /* the lowest tick */
    ccase_close(&c);
}

/* The sweep (degrees) of a slice path: centre, line to the start, arcs, close. */
static double sweep_of(const dl_item *it, double *start)
{
    const dl_path_el *e = it->u.path.el;
    double cx = e[0].p[0], cy = e[0].p[1];
    double a0 = atan2(e[1].p[0] - cx, -(e[1].p[1] - cy)) * 180 / M_PI;
    const dl_path_el *last = &e[it->u.path.n - 2];
    assert_int_equal(last->op, DL_CURVE);
    double a1 = atan2(last->p[4] - cx, -(last->p[5] - cy)) * 180 / M_PI;
    *start = fmod(a0 + 360, 360);
    double s = fmod(a1 - a0 + 720, 360);
    /* Every curve spans at most 90°. */
    double prev = a0;
    for (uint32_t k = 2; k + 1 < it->u.path.n; k++) {
        double a = atan2(e[k].p[4] - cx, -(e[k].p[5] - cy)) * 180 / M_PI;
        assert_true(fmod(a - prev + 720, 360) <= 90 + 1e-3 || fmod(a - prev + 720, 360) > 359.99);
        prev = a;
    }
    return s < 1e-9 ? 360 : s;
}

/* Pie of the same data: 万山区's 0.0 is left out and reported; seven slices from
 * twelve o'clock, clockwise, angles summing to 360° and equal to the shares. */
static void test_pie_angles(void **state)
{
    (void)state;
    const char *names[] = { "执行金额" };
    double *vals[] = { done_12 };
    ccase c;
    ccase_open(&c, CHART_PIE, "珠海市各区12月服务外包执行金额占比", NULL, 8, districts, 1, names,
               vals, BU_COL, BU_FULL, 3);
    assert_non_null(c.b);
    assert_string_equal(bu_diag_text(&c.bd),
                        "jianbao: warning: pie chart: 万山区 (0.0) is left out; a pie shows only "
                        "values above zero\n");
    bool legend = true;
    assert_int_equal(chart_pie_slices(c.b, &legend), 7);
    assert_int_equal(c.b->draw(c.b, c.d, 0, 56.6f, 60, 0, 1), 0);
    double total = 0, sum = 0, expect_start = 0;
    for (int i = 0; i < 8; i++)
        total += done_12[i];
    int k = 0;
    for (uint32_t i = 0; i < c.d->pages[0].n; i++) {
        const dl_item *it = &c.d->pages[0].items[i];
        if (it->kind != DL_PATH || !it->u.path.fill || it->u.path.el[0].op != DL_MOVE ||
            it->u.path.el[1].op != DL_LINE)
            continue;
        while (done_12[k] <= 0)
            k++;
        double start, s = sweep_of(it, &start);
        bu_near(start, fmod(expect_start, 360), 1e-3);
        bu_near(s, 360 * done_12[k] / total, 1e-3);
        assert_true(color_eq(it->color, chart_color(&st, (int)(k > 5 ? k - 1 : k))));
        expect_start += s;
        sum += s;
        k++;
    }
    assert_int_equal(k, 8);
    bu_near(sum, 360, 1e-3);
    /* Labels: shares to one decimal; the four small slices are labelled outside with
     * leader lines. */
    assert_true(bu_find_text(c.d, 0, "60.2%", 0) >= 0);
    assert_true(bu_find_text(c.d, 0, "富山工业区 0.1%", 0) >= 0);
    assert_true(bu_find_text(c.d, 0, "斗门区 0.3%", 0) >= 0);
    int leaders = 0;
    for (uint32_t i = 0; i < c.d->pages[0].n; i++) {
        const dl_item *it = &c.d->pages[0].items[i];
        if (it->kind == DL_PATH && !it->u.path.fill && it->u.path.stroke) {
            assert_int_equal(it->u.path.n, 3);
            leaders++;
        }
    }
    assert_int_equal(leaders, 4);
    ccase_close(&c);
}

/* One large slice and 25 slivers: their labels cannot be spread beside the pie,
 * neither in the column nor across the page, so every slice gets a legend row
 * (swatch, name, share) beside a pie in the column, the legend as tall as needed. */
static void test_pie_legend(void **state)
{
    (void)state;
    static char names_buf[26][32];
    static const char *labels[26];
    static double v[26];
    for (int i = 0; i < 26; i++) {
        snprintf(names_buf[i], sizeof names_buf[i], "第%d项", i + 1);
        labels[i] = names_buf[i];
        v[i] = i == 0 ? 975 : 1;
    }
    const char *names[] = { "金额" };
    double *vals[] = { v };
    ccase c;
    ccase_open(&c, CHART_PIE, "细分项目占比", NULL, 26, labels, 1, names, vals, BU_COL, BU_FULL, 7);
    assert_non_null(c.b);
    bool legend = false;
    assert_int_equal(chart_pie_slices(c.b, &legend), 26);
    assert_true(legend);
    assert_false(c.b->span);
    assert_int_equal(c.b->draw(c.b, c.d, 0, 0, 0, 0, 1), 0);
    int swatches = 0;
    float top = 1e9f, bottom = -1e9f;
    for (uint32_t i = 0; i < c.d->pages[0].n; i++) {
        const dl_item *it = &c.d->pages[0].items[i];
        if (it->kind == DL_RECT) {
            swatches++;
            top = fminf(top, it->u.rect.y);
            bottom = fmaxf(bottom, it->u.rect.y + it->u.rect.h);
        }
        assert_false(it->kind == DL_PATH && !it->u.path.fill);   /* no leader lines */
    }
    assert_int_equal(swatches, 26);
    assert_true(bottom <= c.b->row_h[0]);
    assert_true(bu_find_text(c.d, 0, "第1项 97.5%", 0) >= 0);
    assert_true(bu_find_text(c.d, 0, "第26项 0.1%", 0) >= 0);
    ccase_close(&c);
}

/* Grouped bars: two series side by side in two colours, a legend with both names;
 * heights proportional across series too. Lines: one stroked polyline per series
 * through every category, a marker on each point. */
static void test_grouped_and_line(void **state)
{
    (void)state;
    const char *names[] = { "12月实际完成", "年度目标" };
    double *vals[] = { done_12, target };
    ccase c;
    ccase_open(&c, CHART_GROUPED_BAR, "实际完成与年度目标", "万美元", 8, districts, 2, names, vals,
               BU_COL, BU_FULL, 4);
    assert_non_null(c.b);
    assert_int_equal(c.b->draw(c.b, c.d, 0, 0, 0, 0, 1), 0);
    const dl_item *a[16], *b[16];
    /* Seven bars per series plus the legend swatch. */
    assert_int_equal(rects_of(c.d, chart_color(&st, 0), a, 16), 8);
    assert_int_equal(rects_of(c.d, chart_color(&st, 1), b, 16), 8);
    assert_false(color_eq(chart_color(&st, 0), chart_color(&st, 1)));
    /* a[0], b[0]: the legend; then 横琴新区's pair, side by side. */
    bu_near(a[0]->u.rect.w, 7, 1e-4);
    bu_near(b[1]->u.rect.h / a[1]->u.rect.h, 388.3 / 35863.0, 1e-3);
    assert_true(b[1]->u.rect.x > a[1]->u.rect.x);
    assert_true(bu_find_text(c.d, 0, "12月实际完成", 0) >= 0);
    assert_true(bu_find_text(c.d, 0, "年度目标", 0) >= 0);
    ccase_close(&c);

    static const char *years[] = { "2014年", "2015年", "2016年", "2017年", "2018年" };
    static double offshore[] = { 9640.5, 12011.2, 19080.7, 26843.3, 59622.5 };
    static double hkmo[] = { 2103.0, 3551.9, 5120.4, 7704.8, 10460.1 };
    const char *ln[] = { "离岸执行金额", "对港澳执行金额" };
    double *lv[] = { offshore, hkmo };
    ccase_open(&c, CHART_LINE, "服务外包执行金额（测试数据）", "万美元", 5, years, 2, ln, lv, BU_COL,
               BU_FULL, 5);
    assert_non_null(c.b);
    assert_false(c.b->span);
    assert_int_equal(c.b->draw(c.b, c.d, 0, 0, 0, 0, 1), 0);
    int lines = 0, markers = 0;
    for (uint32_t i = 0; i < c.d->pages[0].n; i++) {
        const dl_item *it = &c.d->pages[0].items[i];
        if (it->kind != DL_PATH)
            continue;
        if (!it->u.path.fill) {
            assert_int_equal(it->u.path.n, 5);
            assert_int_equal(it->u.path.el[4].op, DL_LINE);
            lines++;
        } else {
            markers++;
        }
    }
    assert_int_equal(lines, 2);
    assert_int_equal(markers, 2 * 5 + 2);          /* points, and one per legend entry */
    /* The higher value is higher on the page. */
    ccase_close(&c);
}

/* Bad data never crashes: reported errors and no box, or warnings and gaps. */
static void test_bad_charts(void **state)
{
    (void)state;
    const char *names[] = { "a" };
    ccase c;
    ccase_open(&c, CHART_BAR, "无数据", NULL, 0, districts, 1, names, (double *[]){ done_12 },
               BU_COL, BU_FULL, 1);
    assert_null(c.b);
    assert_non_null(strstr(bu_diag_text(&c.bd), "error: this chart has no data"));
    ccase_close(&c);

    ccase_open(&c, CHART_BAR, "无系列", NULL, 8, districts, 0, names, NULL, BU_COL, BU_FULL, 1);
    assert_null(c.b);
    ccase_close(&c);

    ccase_open(&c, CHART_LINE, "无值", NULL, 8, districts, 1, names, (double *[]){ NULL }, BU_COL,
               BU_FULL, 1);
    assert_null(c.b);
    assert_non_null(strstr(bu_diag_text(&c.bd), "error: series 1 of this chart has no values"));
    ccase_close(&c);

    static double huge[] = { 1, 1e300 };
    ccase_open(&c, CHART_BAR, "太大", NULL, 2, districts, 1, names, (double *[]){ huge }, BU_COL,
               BU_FULL, 1);
    assert_null(c.b);
    assert_non_null(strstr(bu_diag_text(&c.bd), "error: chart value 1e+300 is out of range"));
    ccase_close(&c);

    static double zeros[] = { 0, -3, 0 };
    ccase_open(&c, CHART_PIE, "全零", NULL, 3, districts, 1, names, (double *[]){ zeros }, BU_COL,
               BU_FULL, 1);
    assert_null(c.b);
    assert_non_null(strstr(bu_diag_text(&c.bd), "error: this pie chart has no value above zero"));
    ccase_close(&c);

    /* NaN: reported, drawn as a missing bar; all-zero bars: an axis 0…1 and no bars. */
    static double gap[] = { 3, NAN, 5 };
    ccase_open(&c, CHART_BAR, "缺值", NULL, 3, districts, 1, names, (double *[]){ gap }, BU_COL,
               BU_FULL, 1);
    assert_non_null(c.b);
    assert_non_null(strstr(bu_diag_text(&c.bd), "warning: chart value for 香洲区 is not a number"));
    assert_int_equal(c.b->draw(c.b, c.d, 0, 0, 0, 0, 1), 0);
    const dl_item *r[8];
    assert_int_equal(rects_of(c.d, st.accent, r, 8), 2);
    bu_near(r[1]->u.rect.h / r[0]->u.rect.h, 5.0 / 3.0, 1e-3);
    ccase_close(&c);

    static double allzero[] = { 0, 0 };
    ccase_open(&c, CHART_BAR, NULL, NULL, 2, districts, 1, names, (double *[]){ allzero }, BU_COL,
               BU_FULL, 0);
    assert_non_null(c.b);
    assert_int_equal(c.b->draw(c.b, c.d, 0, 0, 0, 0, 1), 0);
    assert_int_equal(rects_of(c.d, st.accent, r, 8), 0);
    assert_true(bu_find_text(c.d, 0, "1.0", 0) >= 0);      /* the top tick */
    ccase_close(&c);

    /* One slice: a whole disc, no radius drawn. */
    static double one[] = { 42 };
    ccase_open(&c, CHART_PIE, "一项", NULL, 1, districts, 1, names, (double *[]){ one }, BU_COL,
               BU_FULL, 1);
    assert_non_null(c.b);
    assert_int_equal(c.b->draw(c.b, c.d, 0, 0, 0, 0, 1), 0);
    int discs = 0;
    for (uint32_t i = 0; i < c.d->pages[0].n; i++) {
        const dl_item *it = &c.d->pages[0].items[i];
        if (it->kind == DL_PATH && it->u.path.fill) {
            assert_int_equal(it->u.path.el[1].op, DL_CURVE);
            assert_int_equal(it->u.path.n, 1 + 4 + 1);
            discs++;
        }
    }
    assert_int_equal(discs, 1);
    assert_true(bu_find_text(c.d, 0, "100.0%", 0) >= 0);
    ccase_close(&c);
}

/* The bar chart, the pie, the grouped bars and the lines in one PDF: every label
 * reads back, pdfimages finds no image, and the page content uses no RGB colour. */
static void test_pdf(void **state)
{
    (void)state;
    ccase bar, pie, grp, neg, line;
    bar_chart(&bar, BU_COL);
    const char *names[] = { "执行金额" };
    double *vals[] = { done_12 };
    ccase_open(&pie, CHART_PIE, "珠海市各区12月服务外包执行金额占比", NULL, 8, districts, 1, names,
               vals, BU_COL, BU_FULL, 2);
    const char *gn[] = { "12月实际完成", "年度目标" };
    double *gv[] = { done_12, target };
    ccase_open(&grp, CHART_GROUPED_BAR, "实际完成与年度目标", "万美元", 8, districts, 2, gn, gv,
               BU_COL, BU_FULL, 3);
    const char *gr[] = { "同比" };
    double *grv[] = { growth };
    ccase_open(&neg, CHART_BAR, "各区执行金额同比增长", "%", 8, districts, 1, gr, grv, BU_COL,
               BU_FULL, 4);
    static const char *years[] = { "2014年", "2015年", "2016年", "2017年", "2018年" };
    static double offshore[] = { 9640.5, 12011.2, 19080.7, 26843.3, 59622.5 };
    static double hkmo[] = { 2103.0, 3551.9, 5120.4, 7704.8, 10460.1 };
    const char *ln[] = { "离岸执行金额", "对港澳执行金额" };
    double *lv[] = { offshore, hkmo };
    ccase_open(&line, CHART_LINE, "服务外包执行金额（测试数据）", "万美元", 5, years, 2, ln, lv,
               BU_COL, BU_FULL, 5);
    assert_non_null(bar.b);
    assert_non_null(pie.b);
    assert_non_null(grp.b);
    assert_non_null(neg.b);
    assert_non_null(line.b);
    dl_doc *d = bar.d;
    dl_page_add(d);
    float x = 56.6f, y = 60;
    assert_int_equal(bar.b->draw(bar.b, d, 0, x, y, 0, 1), 0);
    y += bar.b->row_h[0] + 30;
    assert_int_equal(pie.b->draw(pie.b, d, 0, x, y, 0, 1), 0);
    y = 60;
    assert_int_equal(grp.b->draw(grp.b, d, 1, x, y, 0, 1), 0);
    y += grp.b->row_h[0] + 30;
    assert_int_equal(neg.b->draw(neg.b, d, 1, x, y, 0, 1), 0);
    /* Page 3: two charts that take a column, side by side. */
    static const char *five[] = { "金湾区", "斗门区", "高新区", "高栏港区", "富山工业区" };
    static double fv[] = { -60.1, 116.1, -20.2, 594.7, -53.3 };
    const char *fn[] = { "同比" };
    double *fvv[] = { fv };
    ccase small;
    ccase_open(&small, CHART_BAR, "部分区执行金额同比增长", "%", 5, five, 1, fn, fvv, BU_COL, BU_FULL,
               6);
    assert_false(small.b->span);
    assert_false(line.b->span);
    dl_page_add(d);
    assert_int_equal(line.b->draw(line.b, d, 2, x, 60, 0, 1), 0);
    assert_int_equal(small.b->draw(small.b, d, 2, x + 251, 60, 0, 1), 0);
    /* And a pie whose labels went to a legend. */
    static char lb[12][32];
    static const char *ll[12];
    static double lvv[12];
    for (int i = 0; i < 12; i++) {
        snprintf(lb[i], sizeof lb[i], "第%d类服务", i + 1);
        ll[i] = lb[i];
        lvv[i] = i == 0 ? 900 : i == 1 ? 60 : 4;
    }
    const char *pn[] = { "金额" };
    double *pv[] = { lvv };
    ccase lp;
    ccase_open(&lp, CHART_PIE, "细分服务占比", NULL, 12, ll, 1, pn, pv, BU_COL, BU_FULL, 7);
    assert_non_null(lp.b);
    float y3 = 90 + fmaxf(line.b->row_h[0], small.b->row_h[0]);
    assert_int_equal(lp.b->draw(lp.b, d, 2, x, y3, 0, 1), 0);
    ccase_close(&lp);
    char pdf[600];
    snprintf(pdf, sizeof pdf, "%s/charts.pdf", out_dir);
    bu_write_pdf(d, lib, pdf);
    int stt;
    char *txt = tu_run(&stt, "pdftotext -f 1 -l 1 %s - | tr -d ' \\n'", pdf);
    assert_int_equal(stt, 0);
    const char *want[] = { "图1", "珠海市及各区12月服务外包执行", "单位：万美元", "40000",
                           "35863.0", "8232.2", "849.4", "171.3", "13519.8", "0.0", "937.8",
                           "49.0", "图2", "60.2%", "13.8%", "22.7%", "金湾区1.4%",
                           "高栏港区1.6%" };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (!strstr(txt, want[i]))
            fail_msg("%s not in the PDF text", want[i]);
    for (int i = 0; i < 8; i++)
        if (!strstr(txt, districts[i]))
            fail_msg("%s not in the PDF text", districts[i]);
    free(txt);
    char *img = tu_run(&stt, "pdfimages -list %s | tail -n +3 | wc -l", pdf);
    assert_int_equal(stt, 0);
    assert_string_equal(img, "0\n");
    free(img);
    char *rgb = tu_run(&stt,
                       "qpdf --qdf --object-streams=disable %s - | grep -a -c -E ' (rg|RG)$'",
                       pdf);
    assert_string_equal(rgb, "0\n");
    free(rgb);
    ccase_close(&bar);
    ccase_close(&pie);
    ccase_close(&grp);
    ccase_close(&neg);
    ccase_close(&line);
    ccase_close(&small);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ticks),
        cmocka_unit_test(test_bar_heights),
        cmocka_unit_test(test_negative_bars),
        cmocka_unit_test(test_pie_angles),
        cmocka_unit_test(test_pie_legend),
        cmocka_unit_test(test_grouped_and_line),
        cmocka_unit_test(test_bad_charts),
        cmocka_unit_test(test_pdf),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
