/* chart — a doc_chart drawn as vectors: one unsplittable box row holding the title
 * "图N　…" and the chart below it.
 *
 * Everything is laid out at box_new time into a list of drawing operations relative
 * to the box's corner (rects, rules, paths, composed texts); draw replays them. Text
 * goes through box_text, so labels are shaped and composed like any other text.
 * Colours come from chart_color: tints of the style's accent, CMYK or gray only.
 *
 * Bar, grouped bar and line charts: a value axis with nice ticks and light
 * gridlines, the unit above it, category labels below (wrapped in their slot, type
 * made smaller when they do not fit), value labels on the bars, a legend when there
 * are several series. The body is 0.62 × the width high. The chart takes the column
 * unless that crowds it: more than 8 categories, category labels needing more than
 * two lines at 7.5 pt, or value labels not fitting over their bars at 6.5 pt; then it
 * spans the text area.
 *
 * Pie: slices clockwise from twelve o'clock in data order, each a Bézier path of
 * arcs of at most 90°, separated by white rules. A slice whose label (name, share to
 * one decimal) fits inside carries it there; the others are labelled outside with a
 * leader line, spread vertically so they do not overlap. The radius is at most 0.17
 * of the width; in a column whose outside labels would squeeze the pie below 45 pt
 * radius, or whose labels cannot be spread, the pie spans the text area; when they
 * still cannot be spread, all labels go to a legend beside a pie in the column. Values that are zero, negative or not numbers cannot be slices: they are left
 * out and reported. */
#include "layout/chart.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout/box_impl.h"

#define CHART_ASPECT 0.62f    /* body height / width */
#define CHART_MAX_CATEGORIES 60
#define CHART_MAX_VALUE 1e15
#define COLUMN_MAX_CATEGORIES 8
#define PIE_MAX_R 0.17        /* of the width */
#define PIE_MIN_R 45.0        /* pt: smaller, and the chart spans */
#define PI 3.14159265358979323846

typedef enum { OP_RECT, OP_RULE, OP_PATH, OP_TEXT } op_kind;

typedef struct {
    op_kind kind;
    dl_color color;           /* fill (rect, path), stroke (rule) */
    float x, y, x1, y1;       /* rect: x y w h; rule: from (x, y) to (x1, y1) */
    float width;              /* rule or path stroke width */
    dl_path_el *el;           /* path */
    uint32_t n;
    bool fill, stroke;
    dl_color stroke_color;
    int text;                 /* text: index; (x, y) top-left, x1 measure */
    style_align al;
} chart_op;

typedef struct {
    chart_op *ops;
    int nops, capops;
    box_text *texts;
    int ntexts, captexts;
    int slices;               /* pie: number of slices drawn */
    bool legend;              /* pie: labels in a legend */
    bool is_pie;
    float h;
} chart_layout;

/* ---- colours ---- */

static dl_color tint(dl_color c, float t)
{
    if (c.model == DL_GRAY)
        return dl_gray(1 - (1 - c.v[0]) * t);
    return dl_cmyk(c.v[0] * t, c.v[1] * t, c.v[2] * t, c.v[3] * t);
}

dl_color chart_color(const style *st, int i)
{
    static const float levels[] = { 1.0f, 0.55f, 0.28f, 0.8f, 0.4f, 0.15f };
    if (i < 0)
        i = 0;
    dl_color accent = st->accent;
    /* An accent that prints nothing would make invisible charts. */
    bool blank = accent.model == DL_GRAY ? accent.v[0] >= 0.95f
                                         : accent.v[0] + accent.v[1] + accent.v[2] + accent.v[3] < 0.05f;
    if (blank)
        accent = dl_gray(0.25f);
    float lv = levels[(i / 3) % 6];
    if (accent.model == DL_GRAY) {
        /* Gray accent: gray tints only, far enough apart to tell. */
        static const float g[] = { 1.0f, 0.6f, 0.35f, 0.8f, 0.45f, 0.2f };
        return tint(accent, g[i % 6]);
    }
    switch (i % 3) {
    case 0:
        return tint(accent, lv);
    case 1: {
        /* A second hue: cyan and yellow exchanged (blue gives ochre, red gives
         * violet); an accent that is its own mirror (green) is rotated instead. */
        dl_color h = dl_cmyk(accent.v[2], accent.v[1], accent.v[0], accent.v[3]);
        if (fabsf(h.v[0] - accent.v[0]) + fabsf(h.v[2] - accent.v[2]) < 0.3f)
            h = dl_cmyk(accent.v[2], accent.v[0], accent.v[1], accent.v[3]);
        return tint(h, lv);
    }
    default:
        return dl_gray(1 - 0.6f * lv);
    }
}

/* Dark fills carry white text. */
static bool is_dark(dl_color c)
{
    float r, g, b;
    if (c.model == DL_GRAY) {
        r = g = b = c.v[0];
    } else {
        r = (1 - c.v[0]) * (1 - c.v[3]);
        g = (1 - c.v[1]) * (1 - c.v[3]);
        b = (1 - c.v[2]) * (1 - c.v[3]);
    }
    return 0.299f * r + 0.587f * g + 0.114f * b < 0.5f;
}

/* ---- numbers ---- */

double chart_ticks(double lo, double hi, double *axis_lo, double *axis_hi)
{
    if (!(hi > lo)) {
        hi = lo + 1;
    }
    double range = hi - lo;
    double step = pow(10, floor(log10(range)) - 2);
    static const double m[3] = { 1, 2, 5 };
    for (int k = 0; k < 40; k++) {
        double s = step * m[k % 3] * pow(10, k / 3);
        double a = floor(lo / s + 1e-9) * s, b = ceil(hi / s - 1e-9) * s;
        if ((b - a) / s <= 6 + 1e-9) {
            *axis_lo = a;
            *axis_hi = b;
            return s;
        }
    }
    *axis_lo = lo;
    *axis_hi = hi;
    return range;
}

/* Decimals that show every value as given (up to 3). */
static int value_decimals(const doc_chart *ch)
{
    int dec = 0;
    for (int s = 0; s < ch->nseries; s++)
        for (int i = 0; i < ch->nlabels; i++) {
            double v = ch->series[s].values[i];
            if (!isfinite(v))
                continue;
            for (int d = dec; d <= 3; d++) {
                double sc = v * pow(10, d);
                if (fabs(sc - round(sc)) < 1e-6 * fmax(1, fabs(sc))) {
                    dec = d;
                    break;
                }
                if (d == 3)
                    dec = 3;
            }
        }
    return dec;
}

static void format_num(char *buf, size_t n, double v, int dec)
{
    if (fabs(v) < 0.5 * pow(10, -dec))
        v = 0;                 /* never "-0.0" */
    snprintf(buf, n, "%.*f", dec, v);
}

/* ---- recording ---- */

static chart_op *op_add(chart_layout *cl, op_kind k)
{
    if (cl->nops == cl->capops) {
        int cap = cl->capops ? cl->capops * 2 : 64;
        chart_op *n = realloc(cl->ops, (size_t)cap * sizeof *n);
        if (!n)
            return NULL;
        cl->ops = n;
        cl->capops = cap;
    }
    chart_op *o = &cl->ops[cl->nops++];
    memset(o, 0, sizeof *o);
    o->kind = k;
    return o;
}

static int rect(chart_layout *cl, float x, float y, float w, float h, dl_color c)
{
    chart_op *o = op_add(cl, OP_RECT);
    if (!o)
        return -1;
    o->x = x, o->y = y, o->x1 = w, o->y1 = h, o->color = c;
    return 0;
}

static int rule(chart_layout *cl, float x0, float y0, float x1, float y1, float w, dl_color c)
{
    chart_op *o = op_add(cl, OP_RULE);
    if (!o)
        return -1;
    o->x = x0, o->y = y0, o->x1 = x1, o->y1 = y1, o->width = w, o->color = c;
    return 0;
}

/* A path op owning el (n elements). */
static int path(chart_layout *cl, dl_path_el *el, uint32_t n, bool fill, dl_color c, bool stroke,
                dl_color sc, float w)
{
    chart_op *o = op_add(cl, OP_PATH);
    if (!o) {
        free(el);
        return -1;
    }
    o->el = el, o->n = n, o->fill = fill, o->color = c, o->stroke = stroke;
    o->stroke_color = sc, o->width = w;
    return 0;
}

/* A new text shaped in ts; returns its index or -1. */
static int text_new(chart_layout *cl, typeset_ctx *t, const doc_text *dt, const char *s,
                    const style_text *ts)
{
    if (cl->ntexts == cl->captexts) {
        int cap = cl->captexts ? cl->captexts * 2 : 32;
        box_text *n = realloc(cl->texts, (size_t)cap * sizeof *n);
        if (!n)
            return -1;
        cl->texts = n;
        cl->captexts = cap;
    }
    box_text *bt = &cl->texts[cl->ntexts];
    if (box_text_init(bt, t, dt, s, ts)) {
        box_text_free(bt);
        return -1;
    }
    return cl->ntexts++;
}

static int text_op(chart_layout *cl, int text, float x, float y, float measure, style_align al)
{
    chart_op *o = op_add(cl, OP_TEXT);
    if (!o)
        return -1;
    o->text = text, o->x = x, o->y = y, o->x1 = measure, o->al = al;
    return 0;
}

static void layout_clear(chart_layout *cl)
{
    for (int i = 0; i < cl->nops; i++)
        if (cl->ops[i].kind == OP_PATH)
            free(cl->ops[i].el);
    for (int i = 0; i < cl->ntexts; i++)
        box_text_free(&cl->texts[i]);
    cl->nops = cl->ntexts = 0;
    cl->slices = 0;
    cl->legend = false;
    cl->h = 0;
}

static void layout_free(chart_layout *cl)
{
    if (!cl)
        return;
    layout_clear(cl);
    free(cl->ops);
    free(cl->texts);
    free(cl);
}

/* Where a text's first line box puts its ideographic em box: these give the top of
 * the text block for an em box bottom at yb, top at yt, or centre at yc. */
static float top_for_bottom(const box_text *bt, float yb) { return yb - (bt->lead + bt->ts.size) / 2; }
static float top_for_top(const box_text *bt, float yt) { return yt - (bt->lead - bt->ts.size) / 2; }
static float top_for_centre(const box_text *bt, float yc) { return yc - box_text_h(bt) / 2; }

/* ---- shapes ---- */

/* Appends the Bézier arc of radius r around (cx, cy) from angle a0 to a1 (degrees
 * clockwise from twelve o'clock, a1 > a0), in pieces of at most 90°. */
static uint32_t arc(dl_path_el *el, double cx, double cy, double r, double a0, double a1)
{
    int n = (int)ceil((a1 - a0) / 90 - 1e-9);
    if (n < 1)
        n = 1;
    double step = (a1 - a0) / n * PI / 180, a = a0 * PI / 180;
    double k = 4.0 / 3 * tan(step / 4) * r;
    for (int i = 0; i < n; i++, a += step) {
        double b = a + step;
        double x0 = cx + r * sin(a), y0 = cy - r * cos(a);
        double x3 = cx + r * sin(b), y3 = cy - r * cos(b);
        el[i].op = DL_CURVE;
        el[i].p[0] = (float)(x0 + k * cos(a));
        el[i].p[1] = (float)(y0 + k * sin(a));
        el[i].p[2] = (float)(x3 - k * cos(b));
        el[i].p[3] = (float)(y3 - k * sin(b));
        el[i].p[4] = (float)x3;
        el[i].p[5] = (float)y3;
    }
    return (uint32_t)n;
}

static int slice(chart_layout *cl, double cx, double cy, double r, double a0, double a1,
                 dl_color fill)
{
    dl_path_el *el = calloc(8, sizeof *el);
    if (!el)
        return -1;
    uint32_t n = 0;
    bool whole = a1 - a0 >= 360 - 1e-9;
    if (!whole) {
        el[n].op = DL_MOVE;
        el[n].p[0] = (float)cx, el[n].p[1] = (float)cy;
        n++;
        el[n].op = DL_LINE;
    } else {
        el[n].op = DL_MOVE;
    }
    el[n].p[0] = (float)(cx + r * sin(a0 * PI / 180));
    el[n].p[1] = (float)(cy - r * cos(a0 * PI / 180));
    n++;
    n += arc(el + n, cx, cy, r, a0, a1);
    el[n++].op = DL_CLOSE;
    return path(cl, el, n, true, fill, true, dl_gray(1), 0.75f);
}

/* Series markers for line charts: circle, square, triangle, diamond. */
static int marker(chart_layout *cl, int kind, float x, float y, float s, dl_color c)
{
    dl_path_el *el = calloc(8, sizeof *el);
    if (!el)
        return -1;
    uint32_t n = 0;
    switch (kind % 4) {
    case 0:
        el[n].op = DL_MOVE, el[n].p[0] = x, el[n].p[1] = y - s, n++;
        n += arc(el + n, x, y, s, 0, 360);
        break;
    case 1:
        s *= 0.9f;
        el[n].op = DL_MOVE, el[n].p[0] = x - s, el[n].p[1] = y - s, n++;
        el[n].op = DL_LINE, el[n].p[0] = x + s, el[n].p[1] = y - s, n++;
        el[n].op = DL_LINE, el[n].p[0] = x + s, el[n].p[1] = y + s, n++;
        el[n].op = DL_LINE, el[n].p[0] = x - s, el[n].p[1] = y + s, n++;
        break;
    case 2:
        s *= 1.2f;
        el[n].op = DL_MOVE, el[n].p[0] = x, el[n].p[1] = y - s, n++;
        el[n].op = DL_LINE, el[n].p[0] = x + s * 0.87f, el[n].p[1] = y + s * 0.5f, n++;
        el[n].op = DL_LINE, el[n].p[0] = x - s * 0.87f, el[n].p[1] = y + s * 0.5f, n++;
        break;
    default:
        s *= 1.25f;
        el[n].op = DL_MOVE, el[n].p[0] = x, el[n].p[1] = y - s, n++;
        el[n].op = DL_LINE, el[n].p[0] = x + s, el[n].p[1] = y, n++;
        el[n].op = DL_LINE, el[n].p[0] = x, el[n].p[1] = y + s, n++;
        el[n].op = DL_LINE, el[n].p[0] = x - s, el[n].p[1] = y, n++;
        break;
    }
    el[n++].op = DL_CLOSE;
    return path(cl, el, n, true, c, true, dl_gray(1), 0.5f);
}

/* ---- shared pieces ---- */

typedef struct {
    typeset_ctx *t;
    const doc_block *b;
    const doc_chart *ch;
    int number;
    bool quiet;
    style_text label, small, legend, title;
    dl_color ink, grid;
    int dec;
} chart_ctx;

/* The title "图N　title", centred over width w; returns its height with the gap. */
static float title(chart_layout *cl, chart_ctx *c, float w)
{
    const doc_chart *ch = c->ch;
    doc_inline in = { ch->title ? ch->title : "", 0, NULL, c->b->src, false };
    doc_text src = { &in, ch->title && ch->title[0] ? 1 : 0 };
    if (c->number < 1 && !src.nin)
        return 0;
    char lab[48];
    doc_text dt;
    if (box_caption_text(&dt, lab, sizeof lab, "图", c->number, &src, c->b->src))
        return -1;
    int i = text_new(cl, c->t, &dt, NULL, &c->title);
    free(dt.in);
    if (i < 0 || box_text_compose(&cl->texts[i], c->t, w, c->quiet) ||
        text_op(cl, i, 0, 0, w, AL_CENTER))
        return -1;
    return box_text_h(&cl->texts[i]) + 0.5f * c->title.size;
}

typedef struct {
    int text;
    float w;
} legend_item;

/* Legend entries (swatch or line sample, then the name) in rows centred in w, or
 * right-aligned on the row at y when they fit beside `beside` pt of other content.
 * Returns the height used below y (0 when set beside). */
static float legend(chart_layout *cl, chart_ctx *c, int n, const char *const *names,
                    const dl_color *cols, bool lines, float w, float y, float beside)
{
    legend_item *it = calloc((size_t)n, sizeof *it);
    if (!it)
        return -1;
    float sw = lines ? 16 : 7, gap = 3, sep = 12, total = 0;
    for (int i = 0; i < n; i++) {
        it[i].text = text_new(cl, c->t, NULL, names[i] ? names[i] : "", &c->legend);
        if (it[i].text < 0) {
            free(it);
            return -1;
        }
        box_text *bt = &cl->texts[it[i].text];
        box_text_compose(bt, c->t, 1e6f, true);
        it[i].w = sw + gap + bt->w;
        total += it[i].w + (i ? sep : 0);
    }
    float lead = cl->texts[it[0].text].lead, used = 0;
    bool same_row = beside > 0 && beside + 2 * sep + total <= w;
    float x = same_row ? w - total : 0, row_y = y;
    int i = 0;
    while (i < n) {
        /* One row: as many entries as fit, centred. */
        int j = i;
        float rw = 0;
        while (j < n && (j == i || rw + sep + it[j].w <= w))
            rw += it[j].w + (j > i ? sep : 0), j++;
        if (!same_row)
            x = (w - rw) / 2;
        for (int k = i; k < j; k++) {
            box_text *bt = &cl->texts[it[k].text];
            float yc = row_y + lead / 2;
            if (lines) {
                if (rule(cl, x, yc, x + sw, yc, 1.2f, cols[k]) ||
                    marker(cl, k, x + sw / 2, yc, 2, cols[k]))
                    goto fail;
            } else if (rect(cl, x, yc - sw / 2, sw, sw, cols[k])) {
                goto fail;
            }
            if (text_op(cl, it[k].text, x + sw + gap, top_for_centre(bt, yc), bt->w, AL_LEFT))
                goto fail;
            x += it[k].w + sep;
        }
        row_y += lead;
        used += lead;
        i = j;
    }
    free(it);
    return same_row ? 0 : used + 2;
fail:
    free(it);
    return -1;
}

/* ---- bar, grouped bar, line ---- */

typedef struct {
    float cat_size, val_size; /* chosen sizes; val_size 0: no value labels */
    int cat_lines;
    bool fits;                /* sizes and lines within the column's limits */
} axis_fit;

/* Composes the category labels at size sz in slot measure m; returns the most lines,
 * or -1. *ok: every label composes within the measure. */
static int category_lines(chart_layout *cl, chart_ctx *c, float sz, float m, int *first,
                          bool *ok)
{
    style_text ts = box_style_at(&c->label, sz);
    ts.align = AL_LEFT;
    *first = cl->ntexts;
    *ok = true;
    int most = 1;
    for (int i = 0; i < c->ch->nlabels; i++) {
        const char *s = c->ch->labels && c->ch->labels[i] ? c->ch->labels[i] : "";
        int k = text_new(cl, c->t, NULL, s, &ts);
        if (k < 0)
            return -1;
        box_text *bt = &cl->texts[k];
        if (box_text_min(bt, c->t) > m)
            *ok = false;
        if (box_text_compose(bt, c->t, m, true))
            return -1;
        if (bt->nlines > most)
            most = bt->nlines;
    }
    return most;
}

static void drop_texts(chart_layout *cl, int from)
{
    for (int i = from; i < cl->ntexts; i++)
        box_text_free(&cl->texts[i]);
    cl->ntexts = from;
}

static double value(const doc_chart *ch, int s, int i)
{
    double v = ch->series[s].values[i];
    return isfinite(v) ? v : NAN;
}

static int axis_chart(chart_layout *cl, chart_ctx *c, float W, axis_fit *fit)
{
    const doc_chart *ch = c->ch;
    int n = ch->nlabels, ns = ch->nseries;
    bool bars = ch->type != CHART_LINE;
    if (ch->type == CHART_BAR)
        ns = 1;                 /* a bar chart shows its first series */
    float y = title(cl, c, W);
    if (y < 0)
        return -1;
    float body_top = y, body_h = CHART_ASPECT * W;
    /* Range: bars always stand on zero; lines include it when the data comes close. */
    double lo = INFINITY, hi = -INFINITY;
    for (int s = 0; s < ns; s++)
        for (int i = 0; i < n; i++) {
            double v = value(ch, s, i);
            if (!isnan(v))
                lo = fmin(lo, v), hi = fmax(hi, v);
        }
    if (!isfinite(lo))
        lo = hi = 0;
    if (bars || (lo > 0 && lo < 0.6 * hi))
        lo = fmin(lo, 0);
    if (bars || (hi < 0 && hi > 0.6 * lo))
        hi = fmax(hi, 0);
    double alo, ahi, step = chart_ticks(lo, hi, &alo, &ahi);
    int tdec = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
    if (tdec > 6)
        tdec = 6;
    /* Unit over the axis, legend beside it or below. */
    float uh = 0, uw = 0;
    style_text small = c->small;
    if (ch->unit && ch->unit[0]) {
        char buf[256];
        snprintf(buf, sizeof buf, "单位：%s", ch->unit);
        int k = text_new(cl, c->t, NULL, buf, &small);
        if (k < 0 || box_text_compose(&cl->texts[k], c->t, 1e6f, true) ||
            text_op(cl, k, 0, y, W, AL_LEFT))
            return -1;
        uh = box_text_h(&cl->texts[k]);
        uw = cl->texts[k].w;
    }
    float lh = 0;
    if (ns > 1) {
        const char *names[64];
        dl_color cols[64];
        int m = ns < 64 ? ns : 64;
        for (int s = 0; s < m; s++)
            names[s] = ch->series[s].name, cols[s] = chart_color(c->t->st, s);
        lh = legend(cl, c, m, names, cols, !bars, W, y, uh > 0 ? uw : 1);
        if (lh < 0)
            return -1;
        if (uh == 0 && lh == 0)
            uh = c->legend.leading > 0 ? c->legend.leading : c->legend.size * 1.4f;
    }
    y += uh + lh;
    /* Tick labels fix the left edge of the plot. */
    int nt = (int)llround((ahi - alo) / step);
    int t0 = cl->ntexts;
    float tw = 0;
    for (int k = 0; k <= nt; k++) {
        char buf[64];
        format_num(buf, sizeof buf, alo + k * step, tdec);
        int i = text_new(cl, c->t, NULL, buf, &small);
        if (i < 0 || box_text_compose(&cl->texts[i], c->t, 1e6f, true))
            return -1;
        tw = fmaxf(tw, cl->texts[i].w);
    }
    float pl = tw + 5, pr = W - 2, slot = (pr - pl) / (float)n;
    float group = bars ? slot * (ns > 1 ? 0.8f : 0.56f) : 0, bw = bars ? group / (float)ns : 0;
    /* Category labels: the largest size (9, 8, 7.5 pt…) that sets them in two lines. */
    int cat0 = -1, lines = 0;
    bool ok = false;
    fit->fits = n <= COLUMN_MAX_CATEGORIES;
    float sizes[] = { c->label.size, c->label.size - 1, c->label.size - 1.5f,
                      c->label.size - 2, c->label.size - 2.5f };
    for (int k = 0; k < 5; k++) {
        float sz = fmaxf(sizes[k], 5);
        if (cat0 >= 0)
            drop_texts(cl, cat0);
        lines = category_lines(cl, c, sz, slot - 4, &cat0, &ok);
        if (lines < 0)
            return -1;
        fit->cat_size = sz;
        fit->cat_lines = lines;
        if (ok && lines <= 2)
            break;
    }
    if (!ok || lines > 2 || fit->cat_size < c->label.size - 1.5f - 1e-3f)
        fit->fits = false;
    /* Value labels on bars: the largest size that fits over its bar. */
    fit->val_size = 0;
    int val0 = cl->ntexts;
    if (bars) {
        float room = ns > 1 ? bw + 1 : slot - 2;
        for (float sz = small.size; sz >= 6 - 1e-3f && fit->val_size == 0; sz -= 0.5f) {
            style_text vs = box_style_at(&small, sz);
            drop_texts(cl, val0);
            bool all = true;
            for (int s = 0; s < ns && all; s++)
                for (int i = 0; i < n; i++) {
                    char buf[64] = "";
                    double v = value(ch, s, i);
                    if (!isnan(v))
                        format_num(buf, sizeof buf, v, c->dec);
                    int k = text_new(cl, c->t, NULL, buf, &vs);
                    if (k < 0 || box_text_compose(&cl->texts[k], c->t, 1e6f, true))
                        return -1;
                    if (cl->texts[k].w > room)
                        all = false;
                }
            if (all)
                fit->val_size = sz;
        }
        if (fit->val_size == 0) {
            drop_texts(cl, val0);
            /* A single series must show its numbers; groups may do without. */
            if (ns == 1)
                fit->fits = false;
        } else if (fit->val_size < 6.5f - 1e-3f) {
            fit->fits = false;
        }
    }
    float vlead = fit->val_size > 0 ? cl->texts[val0].lead : 0;
    float ptop = y + (vlead > 0 ? vlead : small.size);
    float cat_h = (float)lines * cl->texts[cat0].lead;
    float pbot = body_top + body_h - cat_h - 4;
    /* The label under the lowest negative bar needs room above the category labels
     * only when that bar reaches near the bottom of the axis. */
    bool neg = false;
    if (lo < 0 && vlead > 0) {
        float reach = (float)((lo - alo) / (ahi - alo)) * (pbot - ptop);
        if (reach < vlead + 2) {
            neg = true;
            pbot -= vlead;
        }
    }
    if (pbot - ptop < 40)
        pbot = ptop + 40;       /* never a flat plot: the box grows instead */
    float ph = pbot - ptop;
    double span = ahi - alo;
#define YV(v) (pbot - (float)(((v) - alo) / span) * ph)
    /* Gridlines and tick labels. */
    for (int k = 0; k <= nt; k++) {
        double v = alo + k * step;
        float gy = YV(v);
        if (fabs(v) > step * 1e-6 && rule(cl, pl, gy, pr, gy, 0.3f, c->grid))
            return -1;
        box_text *bt = &cl->texts[t0 + k];
        if (text_op(cl, t0 + k, 0, top_for_centre(bt, gy), tw, AL_RIGHT))
            return -1;
    }
    float zy = YV(0.0);
    /* Data. */
    for (int s = 0; s < ns; s++) {
        dl_color col = chart_color(c->t->st, s);
        if (bars) {
            for (int i = 0; i < n; i++) {
                double v = value(ch, s, i);
                float x = pl + (float)i * slot + (slot - group) / 2 + (float)s * bw;
                float vy = isnan(v) ? zy : YV(v);
                /* Neighbouring bars of a group are parted by a hairline of paper. */
                float w = ns > 1 ? bw - 0.6f : bw;
                if (fabsf(vy - zy) > 1e-4f && rect(cl, x, fminf(vy, zy), w, fabsf(vy - zy), col))
                    return -1;
                if (fit->val_size > 0 && !isnan(v)) {
                    int k = val0 + s * n + i;
                    box_text *bt = &cl->texts[k];
                    float mid = x + w / 2, m = bt->w + 2;
                    float ty = v >= 0 ? top_for_bottom(bt, vy - 1.5f) : top_for_top(bt, vy + 1.5f);
                    if (text_op(cl, k, mid - m / 2, ty, m, AL_CENTER))
                        return -1;
                }
            }
        } else {
            dl_path_el *el = calloc((size_t)n, sizeof *el);
            if (!el)
                return -1;
            uint32_t m = 0;
            bool pen = false;
            for (int i = 0; i < n; i++) {
                double v = value(ch, s, i);
                if (isnan(v)) {
                    pen = false;       /* a gap in the line */
                    continue;
                }
                el[m].op = pen ? DL_LINE : DL_MOVE;
                el[m].p[0] = pl + ((float)i + 0.5f) * slot;
                el[m].p[1] = YV(v);
                m++;
                pen = true;
            }
            if (path(cl, el, m, false, col, true, col, 1.2f))
                return -1;
            for (int i = 0; i < n; i++) {
                double v = value(ch, s, i);
                if (!isnan(v) && marker(cl, s, pl + ((float)i + 0.5f) * slot, YV(v), 2, col))
                    return -1;
            }
        }
    }
    /* The zero line over the bars' feet. */
    if (rule(cl, pl, zy, pr, zy, 0.6f, c->ink))
        return -1;
    for (int i = 0; i < n; i++) {
        box_text *bt = &cl->texts[cat0 + i];
        float top = top_for_top(bt, pbot + 4 + (neg ? vlead : 0));
        if (!c->quiet && box_text_compose(bt, c->t, slot - 4, false))
            return -1;
        if (text_op(cl, cat0 + i, pl + (float)i * slot + 2, top, slot - 4, AL_CENTER))
            return -1;
    }
#undef YV
    cl->h = fmaxf(body_top + body_h, pbot + 4 + (neg ? vlead : 0) + cat_h);
    return 0;
}

/* ---- pie ---- */

typedef struct {
    int idx;                  /* category */
    double a0, a1, share;
    bool inside;
    float lw, lh;             /* outside label size */
    float y0;                 /* outside label centre where it belongs */
    float y;                  /* outside label centre, after spreading */
    bool right;
    int t_name, t_pct, t_out;
} pie_slice;

/* Whether a w × h box centred at (x, y) lies inside the sector [a0, a1] of radius r. */
static bool in_sector(double cx, double cy, double r, double a0, double a1, double x, double y,
                      double w, double h)
{
    for (int k = 0; k < 4; k++) {
        double px = x + (k & 1 ? w : -w) / 2, py = y + (k & 2 ? h : -h) / 2;
        double dx = px - cx, dy = py - cy, d = hypot(dx, dy);
        if (d > r - 3)
            return false;
        if (d < 1e-6)
            continue;
        double ang = atan2(dx, -dy) * 180 / PI;
        double rel = fmod(ang - a0 + 720, 360), margin = 2.5 / d * 180 / PI;
        if (a1 - a0 < 360 - 1e-9 && (rel < margin || rel > a1 - a0 - margin))
            return false;
    }
    return true;
}

/* Spreads the outside labels of one side so they do not overlap, inside [top, bot].
 * Returns false when they cannot all fit. */
static bool spread(pie_slice **v, int n, float top, float bot)
{
    for (int i = 1; i < n; i++)      /* by natural height, top first */
        for (int j = i; j > 0 && v[j]->y < v[j - 1]->y; j--) {
            pie_slice *tmp = v[j];
            v[j] = v[j - 1];
            v[j - 1] = tmp;
        }
    for (int i = 0; i < n; i++) {
        float min = i ? v[i - 1]->y + (v[i - 1]->lh + v[i]->lh) / 2 : top + v[i]->lh / 2;
        if (v[i]->y < min)
            v[i]->y = min;
    }
    for (int i = n - 1; i >= 0; i--) {
        float max = i < n - 1 ? v[i + 1]->y - (v[i + 1]->lh + v[i]->lh) / 2 : bot - v[i]->lh / 2;
        if (v[i]->y > max)
            v[i]->y = max;
    }
    return n == 0 || v[0]->y - v[0]->lh / 2 >= top - 1e-3f;
}

static int pie_chart(chart_layout *cl, chart_ctx *c, float W, bool use_legend, bool *fits)
{
    const doc_chart *ch = c->ch;
    int n = ch->nlabels;
    float y = title(cl, c, W);
    if (y < 0)
        return -1;
    style_text lab = c->legend;
    float lead = lab.leading > 0 ? lab.leading : lab.size * 1.4f;
    /* A pie needs less height than axes: at most 0.17 of the width in radius, with a
     * label line above and below. */
    double r = fmin(PIE_MAX_R * W, CHART_ASPECT * W / 2 - lead - 2);
    float body_top = y, body_h = (float)(2 * (r + lead + 6));
    pie_slice *sl = calloc((size_t)n, sizeof *sl);
    if (!sl)
        return -1;
    int ns = 0;
    double total = 0;
    for (int i = 0; i < n; i++) {
        double v = value(ch, 0, i);
        if (!isnan(v) && v > 0)
            total += v;
    }
    double a = 0;
    for (int i = 0; i < n; i++) {
        double v = value(ch, 0, i);
        if (isnan(v) || v <= 0)
            continue;
        pie_slice *s = &sl[ns++];
        s->idx = i;
        s->share = v / total;
        s->a0 = a;
        a += 360 * s->share;
        s->a1 = ns == 1 && s->share >= 1 ? 360 : a;
    }
    if (ns > 0)
        sl[ns - 1].a1 = 360;    /* no sliver lost to rounding */
    style_text white = lab;
    white.color = dl_gray(1);
    /* Texts: name and share for inside, "name share" for outside or legend. */
    for (int k = 0; k < ns; k++) {
        pie_slice *s = &sl[k];
        const char *name = ch->labels && ch->labels[s->idx] ? ch->labels[s->idx] : "";
        char pct[32], both[512];
        snprintf(pct, sizeof pct, "%.1f%%", 100 * s->share);
        snprintf(both, sizeof both, "%s %s", name, pct);
        const style_text *in = is_dark(chart_color(c->t->st, k)) ? &white : &lab;
        s->t_name = text_new(cl, c->t, NULL, name, in);
        s->t_pct = text_new(cl, c->t, NULL, pct, in);
        s->t_out = text_new(cl, c->t, NULL, both, &lab);
        if (s->t_name < 0 || s->t_pct < 0 || s->t_out < 0)
            goto fail;
        box_text_compose(&cl->texts[s->t_name], c->t, 1e6f, true);
        box_text_compose(&cl->texts[s->t_pct], c->t, 1e6f, true);
        box_text_compose(&cl->texts[s->t_out], c->t, 1e6f, true);
        s->lw = cl->texts[s->t_out].w;
        s->lh = lead;
    }
    *fits = true;
    float lgw = 0;
    if (use_legend) {
        for (int k = 0; k < ns; k++)
            lgw = fmaxf(lgw, 7 + 4 + sl[k].lw);
        lgw += 12;
        /* Every slice has a legend row: the legend may need more height. */
        body_h = fmaxf(body_h, (float)ns * lead + 8);
        if (lgw > W * 0.6f)
            lgw = W * 0.6f;
    }
    double cx = (W - lgw) / 2, cy = body_top + body_h / 2;
    if (use_legend)
        r = fmax(fmin(body_h / 2 - 4, (W - lgw) / 2 - 6), 15);
    /* Inside or outside; outside labels need room beside the pie, which may shrink
     * it and push more labels outside: settle in a few rounds. */
    for (int round = 0; round < 3 && !use_legend; round++) {
        float mw = 0;
        for (int k = 0; k < ns; k++) {
            pie_slice *s = &sl[k];
            double mid = (s->a0 + s->a1) / 2 * PI / 180;
            double ri = s->a1 - s->a0 >= 180 ? 0.45 * r : 0.62 * r;
            float w = fmaxf(cl->texts[s->t_name].w, cl->texts[s->t_pct].w);
            s->inside = in_sector(cx, cy, r, s->a0, s->a1, cx + ri * sin(mid), cy - ri * cos(mid),
                                  w, 2 * lead);
            if (!s->inside)
                mw = fmaxf(mw, s->lw);
        }
        double rmax = (W - 2 * (mw + 16)) / 2;
        if (rmax >= r)
            break;
        r = fmax(rmax, 20);
    }
    /* Outside labels: on a circle a little outside the pie, spread per side. */
    pie_slice *side[2][256];
    int nside[2] = { 0, 0 };
    if (!use_legend) {
        for (int k = 0; k < ns; k++) {
            pie_slice *s = &sl[k];
            if (s->inside)
                continue;
            double mid = (s->a0 + s->a1) / 2 * PI / 180;
            s->right = mid < PI - 1e-9;
            s->y = s->y0 = (float)(cy - (r + 12) * cos(mid));
            int sd = s->right;
            if (nside[sd] < 256)
                side[sd][nside[sd]++] = s;
        }
        for (int sd = 0; sd < 2; sd++)
            if (!spread(side[sd], nside[sd], body_top, body_top + body_h))
                *fits = false;
        for (int k = 0; k < ns; k++) {
            const pie_slice *s = &sl[k];
            if (s->inside)
                continue;
            double dy = s->y - cy, rr = r + 12;
            double dx = sqrt(fmax(0, rr * rr - dy * dy));
            double ex = s->right ? cx + dx + 2 : cx - dx - 2 - s->lw;
            if (ex < -0.5 || ex + s->lw > W + 0.5)
                *fits = false;
            /* A label pushed far from its slice needs a long leader that crosses
             * the pie: the labels collide. */
            if (fabsf(s->y - s->y0) > 1.5f * lead)
                *fits = false;
        }
    }
    /* Squeezed by its labels to a small disc, it is better across the page. */
    if (r < PIE_MIN_R && !use_legend)
        *fits = false;
    if (!*fits) {
        free(sl);
        return 0;
    }
    /* Slices, then white separators are part of each slice's outline. */
    for (int k = 0; k < ns; k++)
        if (slice(cl, cx, cy, r, sl[k].a0, sl[k].a1, chart_color(c->t->st, k)))
            goto fail;
    cl->slices = ns;
    cl->legend = use_legend;
    for (int k = 0; k < ns; k++) {
        pie_slice *s = &sl[k];
        double mid = (s->a0 + s->a1) / 2 * PI / 180;
        if (use_legend) {
            /* Legend rows beside the pie; big slices keep their share on them. */
            float ly = (float)(cy - (double)ns * lead / 2 + k * lead);
            float lx = (float)(W - lgw + 12);
            box_text *bt = &cl->texts[s->t_out];
            if (rect(cl, lx, ly + lead / 2 - 3.5f, 7, 7, chart_color(c->t->st, k)) ||
                text_op(cl, s->t_out, lx + 11, top_for_centre(bt, ly + lead / 2), bt->w, AL_LEFT))
                goto fail;
            double ri = s->a1 - s->a0 >= 180 ? 0.45 * r : 0.62 * r;
            box_text *pt = &cl->texts[s->t_pct];
            double px = cx + ri * sin(mid), py = cy - ri * cos(mid);
            if (in_sector(cx, cy, r, s->a0, s->a1, px, py, pt->w, lead) &&
                text_op(cl, s->t_pct, (float)(px - pt->w / 2 - 1), top_for_centre(pt, (float)py),
                        pt->w + 2, AL_CENTER))
                goto fail;
        } else if (s->inside) {
            double ri = s->a1 - s->a0 >= 180 ? 0.45 * r : 0.62 * r;
            double px = cx + ri * sin(mid), py = cy - ri * cos(mid);
            box_text *nt = &cl->texts[s->t_name], *pt = &cl->texts[s->t_pct];
            float w = fmaxf(nt->w, pt->w) + 2;
            if (text_op(cl, s->t_name, (float)(px - w / 2), (float)(py - lead), w, AL_CENTER) ||
                text_op(cl, s->t_pct, (float)(px - w / 2), (float)py, w, AL_CENTER))
                goto fail;
        } else {
            double dy = s->y - cy, rr = r + 12;
            double dx = sqrt(fmax(0, rr * rr - dy * dy));
            double ex = s->right ? cx + dx : cx - dx;
            box_text *bt = &cl->texts[s->t_out];
            float tx = (float)(s->right ? ex + 2 : ex - 2 - s->lw);
            /* Leader: out of the slice radially, then to the label. */
            dl_path_el *el = calloc(3, sizeof *el);
            if (!el)
                goto fail;
            el[0].op = DL_MOVE;
            el[0].p[0] = (float)(cx + r * sin(mid)), el[0].p[1] = (float)(cy - r * cos(mid));
            el[1].op = DL_LINE;
            el[1].p[0] = (float)(cx + (r + 6) * sin(mid));
            el[1].p[1] = (float)(cy - (r + 6) * cos(mid));
            el[2].op = DL_LINE;
            el[2].p[0] = (float)ex, el[2].p[1] = s->y;
            if (path(cl, el, 3, false, c->ink, true, c->ink, 0.4f) ||
                text_op(cl, s->t_out, tx, top_for_centre(bt, s->y), s->lw, AL_LEFT))
                goto fail;
        }
    }
    cl->h = body_top + body_h;
    free(sl);
    return 0;
fail:
    free(sl);
    return -1;
}

/* ---- the box ---- */

static int chart_draw(const box *b, dl_doc *d, int page, float x, float y, int r0, int r1)
{
    const chart_layout *cl = b->data;
    if (r0 > 0 || r1 < 1)
        return 0;
    for (int i = 0; i < cl->nops; i++) {
        const chart_op *o = &cl->ops[i];
        switch (o->kind) {
        case OP_RECT:
            if (!dl_rect_add(d, page, x + o->x, y + o->y, o->x1, o->y1, o->color))
                return -1;
            break;
        case OP_RULE:
            if (!dl_rule_add(d, page, x + o->x, y + o->y, x + o->x1, y + o->y1, o->width, o->color))
                return -1;
            break;
        case OP_PATH: {
            dl_item *it = dl_item_add(d, page, DL_PATH);
            dl_path_el *el = malloc((o->n ? o->n : 1) * sizeof *el);
            if (!it || !el) {
                free(el);
                return -1;
            }
            for (uint32_t k = 0; k < o->n; k++) {
                el[k] = o->el[k];
                for (int j = 0; j < 6; j += 2)
                    el[k].p[j] += x, el[k].p[j + 1] += y;
            }
            it->color = o->color;
            it->u.path.el = el;
            it->u.path.n = o->n;
            it->u.path.fill = o->fill;
            it->u.path.stroke = o->stroke;
            it->u.path.width = o->width;
            it->u.path.stroke_color = o->stroke_color;
            break;
        }
        case OP_TEXT:
            if (box_text_draw(&cl->texts[o->text], d, page, x + o->x, y + o->y, o->x1, o->al))
                return -1;
            break;
        }
    }
    return 0;
}

static void chart_free(box *b)
{
    layout_free(b->data);
    box_free_shell(b);
}

/* Checks the data; reports and returns false when nothing can be drawn. */
static bool check_data(typeset_ctx *t, const doc_block *b)
{
    const doc_chart *ch = b->chart;
    if (!ch || ch->nlabels <= 0 || ch->nseries <= 0 || !ch->series) {
        box_error(t, b->src, "this chart has no data: give it labels and at least one series");
        return false;
    }
    if (ch->nlabels > CHART_MAX_CATEGORIES) {
        box_error(t, b->src, "this chart has %d categories; at most %d can be read in print",
                  ch->nlabels, CHART_MAX_CATEGORIES);
        return false;
    }
    int usable = 0;
    for (int s = 0; s < ch->nseries; s++) {
        if (!ch->series[s].values) {
            box_error(t, b->src, "series %d of this chart has no values", s + 1);
            return false;
        }
        for (int i = 0; i < ch->nlabels; i++) {
            double v = ch->series[s].values[i];
            if (isfinite(v) && fabs(v) >= CHART_MAX_VALUE) {
                box_error(t, b->src, "chart value %g is out of range (at most 1e15)", v);
                return false;
            }
            usable += isfinite(v);
        }
    }
    if (!usable) {
        box_error(t, b->src, "this chart has no numbers to draw");
        return false;
    }
    return true;
}

/* Values that cannot be drawn are reported (and drawn as gaps, or left out of a pie). */
static void report_values(typeset_ctx *t, const doc_block *b)
{
    const doc_chart *ch = b->chart;
    char buf[64];
    int ns = ch->type == CHART_BAR || ch->type == CHART_PIE ? 1 : ch->nseries;
    for (int s = 0; s < ns; s++)
        for (int i = 0; i < ch->nlabels; i++) {
            double v = ch->series[s].values[i];
            const char *name = ch->labels && ch->labels[i] ? ch->labels[i] : "?";
            if (!isfinite(v))
                box_warn(t, b->src, "chart value for %s is not a number; it is left out", name);
            else if (ch->type == CHART_PIE && v <= 0) {
                format_num(buf, sizeof buf, v, value_decimals(ch));
                box_warn(t, b->src,
                         "pie chart: %s (%s) is left out; a pie shows only values above zero",
                         name, buf);
            }
        }
    if (ch->type == CHART_BAR && ch->nseries > 1)
        box_warn(t, b->src, "a bar chart shows one series; use type grouped-bar for %d",
                 ch->nseries);
}

box *chart_box_new(typeset_ctx *t, const doc_block *b, float col_w, float full_w, int number)
{
    if (!check_data(t, b))
        return NULL;
    const doc_chart *ch = b->chart;
    const style *st = t->st;
    if (!(st->table.size > 0)) {
        box_error(t, b->src, "the style gives chart text no size (it uses the table text)");
        return NULL;
    }
    chart_ctx c = { t, b, ch, number, true, { 0 }, { 0 }, { 0 }, { 0 }, dl_gray(0), dl_gray(0.78f), 0 };
    c.label = st->table;
    c.label.align = AL_LEFT;
    c.small = box_style_at(&st->table, fmaxf(st->table.size - 1.5f, 6));
    c.small.align = AL_LEFT;
    c.legend = box_style_at(&st->table, fmaxf(st->table.size - 1, 6));
    c.legend.align = AL_LEFT;
    c.title = st->caption;
    c.title.align = AL_JUSTIFY;
    c.ink = st->table.color;
    c.dec = value_decimals(ch);
    chart_layout *cl = calloc(1, sizeof *cl);
    if (!cl) {
        box_error(t, b->src, "out of memory laying out a chart");
        return NULL;
    }
    cl->is_pie = ch->type == CHART_PIE;
    if (cl->is_pie) {
        bool any = false;
        for (int i = 0; i < ch->nlabels; i++)
            any |= isfinite(ch->series[0].values[i]) && ch->series[0].values[i] > 0;
        if (!any) {
            box_error(t, b->src, "this pie chart has no value above zero");
            layout_free(cl);
            return NULL;
        }
    }
    report_values(t, b);
    /* Trials are quiet; the layout that is kept is made again, reporting. */
    float widths[2] = { col_w, full_w };
    int nw = full_w > col_w + 0.5f ? 2 : 1;
    float w = col_w;
    bool legend_mode = false, done = false;
    for (int k = 0; k < nw && !done; k++) {
        bool fits = false;
        layout_clear(cl);
        int rc;
        if (cl->is_pie) {
            rc = pie_chart(cl, &c, widths[k], false, &fits);
        } else {
            axis_fit af;
            rc = axis_chart(cl, &c, widths[k], &af);
            fits = af.fits;
        }
        if (rc) {
            layout_free(cl);
            box_error(t, b->src, "out of memory laying out a chart");
            return NULL;
        }
        w = widths[k];
        done = fits;
    }
    if (!done && cl->is_pie) {
        legend_mode = true;
        w = col_w;
    }
    c.quiet = false;
    layout_clear(cl);
    bool fits;
    axis_fit af;
    int rc = cl->is_pie ? pie_chart(cl, &c, w, legend_mode, &fits) : axis_chart(cl, &c, w, &af);
    if (rc) {
        layout_free(cl);
        box_error(t, b->src, "out of memory laying out a chart");
        return NULL;
    }
    box *bx = box_alloc(1);
    if (!bx) {
        layout_free(cl);
        box_error(t, b->src, "out of memory laying out a chart");
        return NULL;
    }
    bx->w = w;
    bx->row_h[0] = cl->h;
    bx->span = w > col_w + 0.5f;
    bx->draw = chart_draw;
    bx->free = chart_free;
    bx->data = cl;
    return bx;
}

int chart_pie_slices(const box *b, bool *legend)
{
    const chart_layout *cl = b && b->draw == chart_draw ? b->data : NULL;
    if (!cl || !cl->is_pie)
        return -1;
    *legend = cl->legend;
    return cl->slices;
}
