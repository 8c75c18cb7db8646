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
#include "layout/blocks/chart.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout/base/strbuf.h"
#include "layout/base/vec.h"
#include "layout/blocks/boxtext.h"

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
    int nops;
    size_t capops;
    box_text *texts;
    int ntexts;
    size_t captexts;
    int slices;               /* pie: number of slices drawn */
    bool legend;              /* pie: labels in a legend */
    bool is_pie;
    float h;
    float xoff;               /* a chart narrowed to fit a column sits centred in it */
    int title_text;           /* the text that is the title "图N　…" (-1: none) */
    int elem, caption_elem;   /* structure: the Figure, the title's Caption */
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
    if (!VEC_PUSH_ROOM(cl->ops, cl->capops, cl->nops))
        return NULL;
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
    if (!VEC_PUSH_ROOM(cl->texts, cl->captexts, cl->ntexts))
        return -1;
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
    cl->title_text = -1;
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
    cl->title_text = i;
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

/* Geometry of an axis chart, in box coordinates. */
typedef struct {
    int n, ns;                /* categories, series shown */
    bool bars;
    double lo, hi;            /* data range (with zero for bars) */
    double alo, ahi, step;    /* axis */
    int nt;                   /* intervals */
    int t0, cat0, val0;       /* first tick, category and value label texts */
    float tw;                 /* widest tick label */
    float pl, pr, ptop, pbot; /* plot area */
    float slot, group, bw;    /* per category; bars: group and bar widths */
    float vlead;              /* pitch of the value labels (0: none) */
    int lines;                /* category label lines */
    bool neg_room;            /* room under the plot for a low negative bar's label */
} axis_geom;

static float axis_y(const axis_geom *g, double v)
{
    return g->pbot - (float)((v - g->alo) / (g->ahi - g->alo)) * (g->pbot - g->ptop);
}

/* Data range: bars always stand on zero; lines include it when the data comes near. */
static void axis_range(const doc_chart *ch, axis_geom *g)
{
    double lo = INFINITY, hi = -INFINITY;
    for (int s = 0; s < g->ns; s++)
        for (int i = 0; i < g->n; i++) {
            double v = value(ch, s, i);
            if (!isnan(v))
                lo = fmin(lo, v), hi = fmax(hi, v);
        }
    if (!isfinite(lo))
        lo = hi = 0;
    if (g->bars || (lo > 0 && lo < 0.6 * hi))
        lo = fmin(lo, 0);
    if (g->bars || (hi < 0 && hi > 0.6 * lo))
        hi = fmax(hi, 0);
    g->lo = lo;
    g->hi = hi;
    g->step = chart_ticks(lo, hi, &g->alo, &g->ahi);
    g->nt = (int)llround((g->ahi - g->alo) / g->step);
}

/* The unit over the axis ("单位：万美元") and the legend, beside it when there is room
 * or below. Returns the height used from y, or -1. */
static float axis_heading(chart_layout *cl, chart_ctx *c, const axis_geom *g, float W, float y)
{
    const doc_chart *ch = c->ch;
    float uh = 0, uw = 0;
    if (ch->unit && ch->unit[0]) {
        char buf[256];
        snprintf(buf, sizeof buf, "单位：%s", ch->unit);
        int k = text_new(cl, c->t, NULL, buf, &c->small);
        if (k < 0 || box_text_compose(&cl->texts[k], c->t, 1e6f, true) ||
            text_op(cl, k, 0, y, W, AL_LEFT))
            return -1;
        uh = box_text_h(&cl->texts[k]);
        uw = cl->texts[k].w;
    }
    if (g->ns < 2)
        return uh;
    const char *names[64];
    dl_color cols[64];
    int m = g->ns < 64 ? g->ns : 64;
    for (int s = 0; s < m; s++)
        names[s] = ch->series[s].name, cols[s] = chart_color(c->t->st, s);
    float lh = legend(cl, c, m, names, cols, !g->bars, W, y, uh > 0 ? uw : 1);
    if (lh < 0)
        return -1;
    if (uh == 0 && lh == 0)     /* the legend took the unit's row alone */
        uh = c->legend.leading > 0 ? c->legend.leading : c->legend.size * 1.4f;
    return uh + lh;
}

/* Tick labels (their widest fixes the plot's left edge). */
static int tick_texts(chart_layout *cl, chart_ctx *c, axis_geom *g)
{
    int dec = g->step >= 1 ? 0 : (int)ceil(-log10(g->step) - 1e-9);
    if (dec > 6)
        dec = 6;
    g->t0 = cl->ntexts;
    g->tw = 0;
    for (int k = 0; k <= g->nt; k++) {
        char buf[64];
        format_num(buf, sizeof buf, g->alo + k * g->step, dec);
        int i = text_new(cl, c->t, NULL, buf, &c->small);
        if (i < 0 || box_text_compose(&cl->texts[i], c->t, 1e6f, true))
            return -1;
        g->tw = fmaxf(g->tw, cl->texts[i].w);
    }
    return 0;
}

/* Category labels: the largest size (9, 8, 7.5 pt…) that sets them in two lines. */
static int fit_categories(chart_layout *cl, chart_ctx *c, axis_geom *g, axis_fit *fit)
{
    float sizes[] = { c->label.size, c->label.size - 1, c->label.size - 1.5f,
                      c->label.size - 2, c->label.size - 2.5f };
    bool ok = false;
    g->cat0 = -1;
    for (int k = 0; k < 5; k++) {
        float sz = fmaxf(sizes[k], 5);
        if (g->cat0 >= 0)
            drop_texts(cl, g->cat0);
        g->lines = category_lines(cl, c, sz, g->slot - 4, &g->cat0, &ok);
        if (g->lines < 0)
            return -1;
        fit->cat_size = sz;
        fit->cat_lines = g->lines;
        if (ok && g->lines <= 2)
            break;
    }
    if (!ok || g->lines > 2 || fit->cat_size < c->label.size - 1.5f - 1e-3f)
        fit->fits = false;
    return 0;
}

/* Value labels over the bars: the largest size (7.5 pt down to 6) at which every
 * label is no wider than its bar's room. */
static int fit_values(chart_layout *cl, chart_ctx *c, axis_geom *g, axis_fit *fit)
{
    fit->val_size = 0;
    g->val0 = cl->ntexts;
    g->vlead = 0;
    if (!g->bars)
        return 0;
    float room = g->ns > 1 ? g->bw + 1 : g->slot - 2;
    for (float sz = c->small.size; sz >= 6 - 1e-3f && fit->val_size == 0; sz -= 0.5f) {
        style_text vs = box_style_at(&c->small, sz);
        drop_texts(cl, g->val0);
        bool all = true;
        for (int s = 0; s < g->ns && all; s++)
            for (int i = 0; i < g->n; i++) {
                char buf[64] = "";
                double v = value(c->ch, s, i);
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
        drop_texts(cl, g->val0);
        /* A single series must show its numbers; groups may do without. */
        if (g->ns == 1)
            fit->fits = false;
    } else {
        g->vlead = cl->texts[g->val0].lead;
        if (fit->val_size < 6.5f - 1e-3f)
            fit->fits = false;
    }
    return 0;
}

/* Gridlines with their tick labels; the zero line comes later, over the bars. */
static int draw_grid(chart_layout *cl, chart_ctx *c, const axis_geom *g)
{
    for (int k = 0; k <= g->nt; k++) {
        double v = g->alo + k * g->step;
        float gy = axis_y(g, v);
        if (fabs(v) > g->step * 1e-6 && rule(cl, g->pl, gy, g->pr, gy, 0.3f, c->grid))
            return -1;
        box_text *bt = &cl->texts[g->t0 + k];
        if (text_op(cl, g->t0 + k, 0, top_for_centre(bt, gy), g->tw, AL_RIGHT))
            return -1;
    }
    return 0;
}

/* Series s as bars standing on zero, with their value labels. */
static int draw_bars(chart_layout *cl, chart_ctx *c, const axis_geom *g, int s)
{
    dl_color col = chart_color(c->t->st, s);
    float zy = axis_y(g, 0);
    for (int i = 0; i < g->n; i++) {
        double v = value(c->ch, s, i);
        float x = g->pl + (float)i * g->slot + (g->slot - g->group) / 2 + (float)s * g->bw;
        float vy = isnan(v) ? zy : axis_y(g, v);
        /* Neighbouring bars of a group are parted by a hairline of paper. */
        float w = g->ns > 1 ? g->bw - 0.6f : g->bw;
        if (fabsf(vy - zy) > 1e-4f && rect(cl, x, fminf(vy, zy), w, fabsf(vy - zy), col))
            return -1;
        if (g->vlead > 0 && !isnan(v)) {
            int k = g->val0 + s * g->n + i;
            box_text *bt = &cl->texts[k];
            float mid = x + w / 2, m = bt->w + 2;
            float ty = v >= 0 ? top_for_bottom(bt, vy - 1.5f) : top_for_top(bt, vy + 1.5f);
            if (text_op(cl, k, mid - m / 2, ty, m, AL_CENTER))
                return -1;
        }
    }
    return 0;
}

/* Series s as a polyline through the slot centres (broken where a value is missing),
 * with a marker on every point. */
static int draw_line(chart_layout *cl, chart_ctx *c, const axis_geom *g, int s)
{
    dl_color col = chart_color(c->t->st, s);
    dl_path_el *el = calloc((size_t)g->n, sizeof *el);
    if (!el)
        return -1;
    uint32_t m = 0;
    bool pen = false;
    for (int i = 0; i < g->n; i++) {
        double v = value(c->ch, s, i);
        if (isnan(v)) {
            pen = false;
            continue;
        }
        el[m].op = pen ? DL_LINE : DL_MOVE;
        el[m].p[0] = g->pl + ((float)i + 0.5f) * g->slot;
        el[m].p[1] = axis_y(g, v);
        m++;
        pen = true;
    }
    if (path(cl, el, m, false, col, true, col, 1.2f))
        return -1;
    for (int i = 0; i < g->n; i++) {
        double v = value(c->ch, s, i);
        if (!isnan(v) && marker(cl, s, g->pl + ((float)i + 0.5f) * g->slot, axis_y(g, v), 2, col))
            return -1;
    }
    return 0;
}

/* Category labels under the plot, centred in their slots. The kept layout composes
 * them again, reporting what does not fit. */
static int draw_categories(chart_layout *cl, chart_ctx *c, const axis_geom *g)
{
    float below = g->pbot + 4 + (g->neg_room ? g->vlead : 0);
    for (int i = 0; i < g->n; i++) {
        box_text *bt = &cl->texts[g->cat0 + i];
        if (!c->quiet && box_text_compose(bt, c->t, g->slot - 4, false))
            return -1;
        if (text_op(cl, g->cat0 + i, g->pl + (float)i * g->slot + 2, top_for_top(bt, below),
                    g->slot - 4, AL_CENTER))
            return -1;
    }
    return 0;
}

static int axis_chart(chart_layout *cl, chart_ctx *c, float W, axis_fit *fit)
{
    const doc_chart *ch = c->ch;
    axis_geom g = { 0 };
    g.n = ch->nlabels;
    g.bars = ch->type != CHART_LINE;
    g.ns = ch->type == CHART_BAR ? 1 : ch->nseries;    /* a bar chart shows one series */
    float y = title(cl, c, W);
    if (y < 0)
        return -1;
    float body_top = y, body_h = CHART_ASPECT * W;
    axis_range(ch, &g);
    float hh = axis_heading(cl, c, &g, W, y);
    if (hh < 0 || tick_texts(cl, c, &g))
        return -1;
    y += hh;
    g.pl = g.tw + 5;
    g.pr = W - 2;
    g.slot = (g.pr - g.pl) / (float)g.n;
    g.group = g.bars ? g.slot * (g.ns > 1 ? 0.8f : 0.56f) : 0;
    g.bw = g.bars ? g.group / (float)g.ns : 0;
    fit->fits = g.n <= COLUMN_MAX_CATEGORIES;
    if (fit_categories(cl, c, &g, fit) || fit_values(cl, c, &g, fit))
        return -1;
    g.ptop = y + (g.vlead > 0 ? g.vlead : c->small.size);
    float cat_h = (float)g.lines * cl->texts[g.cat0].lead;
    g.pbot = body_top + body_h - cat_h - 4;
    /* The label under the lowest negative bar needs room above the category labels
     * only when that bar reaches near the bottom of the axis. */
    if (g.lo < 0 && g.vlead > 0 &&
        (float)((g.lo - g.alo) / (g.ahi - g.alo)) * (g.pbot - g.ptop) < g.vlead + 2) {
        g.neg_room = true;
        g.pbot -= g.vlead;
    }
    if (g.pbot - g.ptop < 40)
        g.pbot = g.ptop + 40;   /* never a flat plot: the box grows instead */
    if (draw_grid(cl, c, &g))
        return -1;
    for (int s = 0; s < g.ns; s++)
        if (g.bars ? draw_bars(cl, c, &g, s) : draw_line(cl, c, &g, s))
            return -1;
    /* The zero line over the bars' feet; a line chart whose axis does not reach
     * zero gets its baseline at the bottom. */
    float zy = axis_y(&g, g.alo > 0 ? g.alo : g.ahi < 0 ? g.ahi : 0);
    if (rule(cl, g.pl, zy, g.pr, zy, 0.6f, c->ink) || draw_categories(cl, c, &g))
        return -1;
    cl->h = fmaxf(body_top + body_h, g.pbot + 4 + (g.neg_room ? g.vlead : 0) + cat_h);
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

typedef struct {
    double cx, cy, r;
    float top, h;             /* body */
    float lead;               /* label pitch */
    float lgw;                /* legend width (legend mode) */
} pie_geom;

/* Slices of the positive values, clockwise from twelve o'clock; returns how many. */
static int pie_slices(const doc_chart *ch, pie_slice *sl)
{
    int ns = 0;
    double total = 0, a = 0;
    for (int i = 0; i < ch->nlabels; i++) {
        double v = value(ch, 0, i);
        if (!isnan(v) && v > 0)
            total += v;
    }
    for (int i = 0; i < ch->nlabels; i++) {
        double v = value(ch, 0, i);
        if (isnan(v) || v <= 0)
            continue;
        pie_slice *s = &sl[ns++];
        s->idx = i;
        s->share = v / total;
        s->a0 = a;
        a += 360 * s->share;
        s->a1 = a;
    }
    if (ns > 0)
        sl[ns - 1].a1 = 360;    /* no sliver lost to rounding */
    return ns;
}

/* Each slice's texts: name and share (inside: white on dark fills), and "name share"
 * for a label outside or a legend row. */
static int pie_texts(chart_layout *cl, chart_ctx *c, pie_slice *sl, int ns, float lead)
{
    style_text white = c->legend;
    white.color = dl_gray(1);
    for (int k = 0; k < ns; k++) {
        pie_slice *s = &sl[k];
        const char *name =
            c->ch->labels && c->ch->labels[s->idx] ? c->ch->labels[s->idx] : "";
        char pct[32], both[512];
        snprintf(pct, sizeof pct, "%.1f%%", 100 * s->share);
        snprintf(both, sizeof both, "%s %s", name, pct);
        const style_text *in = is_dark(chart_color(c->t->st, k)) ? &white : &c->legend;
        s->t_name = text_new(cl, c->t, NULL, name, in);
        s->t_pct = text_new(cl, c->t, NULL, pct, in);
        s->t_out = text_new(cl, c->t, NULL, both, &c->legend);
        if (s->t_name < 0 || s->t_pct < 0 || s->t_out < 0 ||
            box_text_compose(&cl->texts[s->t_name], c->t, 1e6f, true) ||
            box_text_compose(&cl->texts[s->t_pct], c->t, 1e6f, true) ||
            box_text_compose(&cl->texts[s->t_out], c->t, 1e6f, true))
            return -1;
        s->lw = cl->texts[s->t_out].w;
        s->lh = lead;
    }
    return 0;
}

/* Where a slice's inside label is centred: further in for slices of half the pie or
 * more, whose middle is wide near the centre. */
static void inside_point(const pie_geom *g, const pie_slice *s, double *x, double *y)
{
    double mid = (s->a0 + s->a1) / 2 * PI / 180;
    double ri = s->a1 - s->a0 >= 180 ? 0.45 * g->r : 0.62 * g->r;
    *x = g->cx + ri * sin(mid);
    *y = g->cy - ri * cos(mid);
}

/* Inside or outside for each slice; outside labels need room beside the pie, which
 * may shrink it and push more labels outside: settle in a few rounds. */
static void pie_settle(const chart_layout *cl, pie_slice *sl, int ns, pie_geom *g, float W)
{
    for (int round = 0; round < 3; round++) {
        float mw = 0;
        for (int k = 0; k < ns; k++) {
            pie_slice *s = &sl[k];
            double x, y;
            inside_point(g, s, &x, &y);
            float w = fmaxf(cl->texts[s->t_name].w, cl->texts[s->t_pct].w);
            s->inside = in_sector(g->cx, g->cy, g->r, s->a0, s->a1, x, y, w, 2 * g->lead);
            if (!s->inside)
                mw = fmaxf(mw, s->lw);
        }
        double rmax = (W - 2 * (mw + 16)) / 2;
        if (rmax >= g->r)
            break;
        g->r = fmax(rmax, 20);
    }
}

/* Left edge of an outside label at its final height: on a circle a little outside
 * the pie. */
static double outside_x(const pie_geom *g, const pie_slice *s)
{
    double dy = s->y - g->cy, rr = g->r + 12;
    double dx = sqrt(fmax(0, rr * rr - dy * dy));
    return s->right ? g->cx + dx + 2 : g->cx - dx - 2 - s->lw;
}

/* Spreads the outside labels per side; false when they collide: they cannot be
 * spread inside the body, leave the box, or end far from their slices (a long
 * leader would cross the pie). */
static bool pie_outside(pie_slice *sl, int ns, const pie_geom *g, float W)
{
    pie_slice *side[2][CHART_MAX_CATEGORIES];
    int nside[2] = { 0, 0 };
    bool ok = true;
    for (int k = 0; k < ns; k++) {
        pie_slice *s = &sl[k];
        if (s->inside)
            continue;
        double mid = (s->a0 + s->a1) / 2 * PI / 180;
        s->right = mid < PI - 1e-9;
        s->y = s->y0 = (float)(g->cy - (g->r + 12) * cos(mid));
        side[s->right][nside[s->right]++] = s;
    }
    for (int sd = 0; sd < 2; sd++)
        ok &= spread(side[sd], nside[sd], g->top, g->top + g->h);
    for (int k = 0; k < ns; k++) {
        const pie_slice *s = &sl[k];
        if (s->inside)
            continue;
        double ex = outside_x(g, s);
        if (ex < -0.5 || ex + s->lw > W + 0.5 || fabsf(s->y - s->y0) > 1.5f * g->lead)
            ok = false;
    }
    return ok;
}

static int label_inside(chart_layout *cl, const pie_geom *g, const pie_slice *s)
{
    double x, y;
    inside_point(g, s, &x, &y);
    const box_text *nt = &cl->texts[s->t_name], *pt = &cl->texts[s->t_pct];
    float w = fmaxf(nt->w, pt->w) + 2;
    if (text_op(cl, s->t_name, (float)(x - w / 2), (float)(y - g->lead), w, AL_CENTER) ||
        text_op(cl, s->t_pct, (float)(x - w / 2), (float)y, w, AL_CENTER))
        return -1;
    return 0;
}

/* An outside label with its leader: out of the slice radially, then to the label. */
static int label_outside(chart_layout *cl, chart_ctx *c, const pie_geom *g, const pie_slice *s)
{
    double mid = (s->a0 + s->a1) / 2 * PI / 180;
    float tx = (float)outside_x(g, s);
    float ex = s->right ? tx - 2 : tx + s->lw + 2;
    dl_path_el *el = calloc(3, sizeof *el);
    if (!el)
        return -1;
    el[0].op = DL_MOVE;
    el[0].p[0] = (float)(g->cx + g->r * sin(mid));
    el[0].p[1] = (float)(g->cy - g->r * cos(mid));
    el[1].op = DL_LINE;
    el[1].p[0] = (float)(g->cx + (g->r + 6) * sin(mid));
    el[1].p[1] = (float)(g->cy - (g->r + 6) * cos(mid));
    el[2].op = DL_LINE;
    el[2].p[0] = ex, el[2].p[1] = s->y;
    const box_text *bt = &cl->texts[s->t_out];
    if (path(cl, el, 3, false, c->ink, true, c->ink, 0.4f) ||
        text_op(cl, s->t_out, tx, top_for_centre(bt, s->y), s->lw, AL_LEFT))
        return -1;
    return 0;
}

/* Legend row k beside the pie; the slice keeps its share when it fits inside. */
static int label_legend(chart_layout *cl, chart_ctx *c, const pie_geom *g, const pie_slice *s,
                        int k, int ns, float W)
{
    float ly = (float)(g->cy - (double)ns * g->lead / 2 + k * g->lead) + g->lead / 2;
    float lx = W - g->lgw + 12;
    const box_text *bt = &cl->texts[s->t_out], *pt = &cl->texts[s->t_pct];
    if (rect(cl, lx, ly - 3.5f, 7, 7, chart_color(c->t->st, k)) ||
        text_op(cl, s->t_out, lx + 11, top_for_centre(bt, ly), bt->w, AL_LEFT))
        return -1;
    double x, y;
    inside_point(g, s, &x, &y);
    if (in_sector(g->cx, g->cy, g->r, s->a0, s->a1, x, y, pt->w, g->lead) &&
        text_op(cl, s->t_pct, (float)(x - pt->w / 2 - 1), top_for_centre(pt, (float)y), pt->w + 2,
                AL_CENTER))
        return -1;
    return 0;
}

static int pie_chart(chart_layout *cl, chart_ctx *c, float W, bool use_legend, bool *fits)
{
    float y = title(cl, c, W);
    if (y < 0)
        return -1;
    pie_geom g = { 0 };
    g.lead = c->legend.leading > 0 ? c->legend.leading : c->legend.size * 1.4f;
    /* A pie needs less height than axes: at most 0.17 of the width in radius, with a
     * label line above and below. */
    g.r = fmin(PIE_MAX_R * W, CHART_ASPECT * W / 2 - g.lead - 2);
    g.top = y;
    g.h = (float)(2 * (g.r + g.lead + 6));
    pie_slice *sl = calloc((size_t)c->ch->nlabels, sizeof *sl);
    if (!sl)
        return -1;
    int ns = pie_slices(c->ch, sl);
    if (pie_texts(cl, c, sl, ns, g.lead))
        goto fail;
    if (use_legend) {
        for (int k = 0; k < ns; k++)
            g.lgw = fmaxf(g.lgw, 7 + 4 + sl[k].lw);
        g.lgw = fminf(g.lgw + 12, W * 0.6f);
        /* Every slice has a legend row: the legend may need more height. */
        g.h = fmaxf(g.h, (float)ns * g.lead + 8);
        g.r = fmax(fmin(g.h / 2 - 4, (W - g.lgw) / 2 - 6), 15);
    }
    g.cx = (W - g.lgw) / 2;
    g.cy = g.top + g.h / 2;
    *fits = true;
    if (!use_legend) {
        pie_settle(cl, sl, ns, &g, W);
        /* Squeezed by its labels to a small disc, it is better across the page. */
        *fits = pie_outside(sl, ns, &g, W) && g.r >= PIE_MIN_R;
    }
    if (!*fits) {
        free(sl);
        return 0;
    }
    /* Each slice's white outline parts it from its neighbours. */
    for (int k = 0; k < ns; k++)
        if (slice(cl, g.cx, g.cy, g.r, sl[k].a0, sl[k].a1, chart_color(c->t->st, k)))
            goto fail;
    for (int k = 0; k < ns; k++) {
        int rc = use_legend       ? label_legend(cl, c, &g, &sl[k], k, ns, W)
                 : sl[k].inside   ? label_inside(cl, &g, &sl[k])
                                  : label_outside(cl, c, &g, &sl[k]);
        if (rc)
            goto fail;
    }
    cl->slices = ns;
    cl->legend = use_legend;
    cl->h = g.top + g.h;
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
    x += cl->xoff;
    for (int i = 0; i < cl->nops; i++) {
        const chart_op *o = &cl->ops[i];
        /* Axes and grid lines are decoration; marks and labels are the figure. */
        d->elem = o->kind == OP_RULE                                   ? DL_ARTIFACT
                  : o->kind == OP_TEXT && o->text == cl->title_text ? cl->caption_elem
                                                                      : cl->elem;
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

/* The chart in words, for its Figure's Alt: kind, title, unit and every value. */
static char *chart_alt(const doc_chart *ch)
{
    static const char *const kinds[] = { [CHART_BAR] = "柱形图", [CHART_GROUPED_BAR] = "分组柱形图",
                                         [CHART_LINE] = "折线图", [CHART_PIE] = "饼图" };
    strbuf b = { 0 };
    strbuf_str(&b, kinds[ch->type]);
    if (ch->title && *ch->title)
        strbuf_printf(&b, "：%s", ch->title);
    if (ch->unit && *ch->unit)
        strbuf_printf(&b, "（单位：%s）", ch->unit);
    int dec = value_decimals(ch);
    for (int s = 0; s < ch->nseries; s++) {
        strbuf_str(&b, "。");
        if (ch->series[s].name && *ch->series[s].name)
            strbuf_printf(&b, "%s：", ch->series[s].name);
        for (int i = 0; i < ch->nlabels; i++) {
            char num[64] = "—";
            if (isfinite(ch->series[s].values[i]))
                format_num(num, sizeof num, ch->series[s].values[i], dec);
            strbuf_printf(&b, "%s%s %s", i ? "，" : "", ch->labels[i], num);
        }
    }
    strbuf_str(&b, "。");
    return strbuf_take(&b);
}

static void chart_tag(box *b, const doc_block *blk, dl_doc *d, int elem)
{
    chart_layout *cl = b->data;
    cl->elem = elem;
    char *alt = chart_alt(blk->chart);
    if (!alt || dl_set_str(&d->elems[elem].alt, alt))
        d->tag_failed = true;
    free(alt);
    if (cl->title_text >= 0)
        cl->caption_elem = dl_elem_add(d, DL_S_CAPTION, d->elems[elem].parent);
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

box *chart_box_new(typeset_ctx *t, const doc_block *b, float col_w, float full_w, float max_h,
                  int number)
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
    cl->title_text = -1;
    cl->elem = cl->caption_elem = DL_ARTIFACT;
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
            axis_fit af = { 0 };
            rc = axis_chart(cl, &c, widths[k], &af);
            fits = rc == 0 && af.fits;
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
    /* A chart taller than a column is laid out narrower (its height follows its
     * width) until it fits, keeping its proportions. */
    float w0 = w;
    bool fits = false;
    axis_fit af = { 0 };
    int rc = 0;
    for (int trial = 0; trial < 8; trial++) {
        layout_clear(cl);
        c.quiet = trial < 7;
        rc = cl->is_pie ? pie_chart(cl, &c, w, legend_mode, &fits) : axis_chart(cl, &c, w, &af);
        if (rc || cl->h <= max_h)
            break;
        w *= 0.97f * max_h / cl->h;
    }
    if (rc == 0 && cl->h > max_h) {
        layout_free(cl);
        box_error(t, b->src, "this chart does not fit a column even at a narrower width; give it "
                             "fewer labels or a shorter title");
        return NULL;
    }
    if (rc == 0 && w < w0) {
        layout_clear(cl);
        c.quiet = false;
        rc = cl->is_pie ? pie_chart(cl, &c, w, legend_mode, &fits) : axis_chart(cl, &c, w, &af);
        box_warn(t, b->src, "this chart is scaled down to %.0f%% to fit a column",
                 (double)(100 * w / w0));
    }
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
    cl->xoff = (w0 - w) / 2;
    bx->w = w0;
    bx->row_h[0] = cl->h;
    bx->span = w0 > col_w + 0.5f;
    bx->draw = chart_draw;
    bx->tag = chart_tag;
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
