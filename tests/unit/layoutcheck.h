/* layoutcheck — the flow's invariants, checked on a laid-out issue's display list.
 * Used by the layout fuzzer on generated issues and by test_issue on the default one.
 *
 *   frame     every glyph, rule, image and box of the body lies inside its column, or
 *             inside the text area when it spans; running heads inside the page
 *   grid      body lines at the body size sit on the baseline grid
 *   kinsoku   no line starts with a closing or pause/stop mark, none ends with an
 *             opening one (CL-LB-01…04)
 *   lastline  a paragraph of two lines or more ends with at least two characters
 *             (CL-PA-05)
 *   heading   at least two lines of text (or the box) under a heading in its column
 *             (CL-PA-07), unless the text under it is shorter
 *   table     a table no taller than a column is not split; a split one leaves two
 *             body rows on each side
 *   float     a figure or chart and its caption stay together (one column, one page)
 *   balance   the columns of a band closed by a spanning title or box end within a
 *             line of each other
 *   fill      a page that is not the last of its section has every column of its last
 *             band within a line of the foot, and is at least a third full; a short
 *             page is reported for its text area or for every column of it
 *
 * Each finding names the invariant, the page (1-based) and the source line of the
 * block it concerns. */
#ifndef JB_LAYOUTCHECK_H
#define JB_LAYOUTCHECK_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout/base/utf8.h"
#include "layout/compose/typeset.h"
#include "layout/dlist/dlist.h"
#include "layout/flow/flow.h"
#include "layout/read/doc.h"

#define LC_EPS 0.05f
/* Text is measured by its glyphs' unkerned advances (the display list keeps positions,
 * not the shaped advances), and a glyph's ink may overhang its advance by design (a
 * kerned slash, an italic): half a point is allowed for that, nothing for boxes. */
#define LC_TEXT_EPS 0.5f
#define LC_MAX 64

typedef struct {
    char what[16];
    int page;                 /* 1-based */
    int line;                 /* source line, 0 when none */
    char msg[200];
} lc_finding;

typedef struct {
    lc_finding v[LC_MAX];
    int n, total;
} lc_report;

/* The lines and box rows of a block: page and column of its first and last piece,
 * and its height summed over the places it occupies. */
typedef struct {
    int p0, c0, p1, c1;
    float y1;                 /* bottom of its last piece */
    float h;                  /* ink height summed over (page, column) places */
    int np, lastp, lastc;
    float top, bot;           /* of the current place */
} lc_extent;

typedef struct {
    const dl_doc *d;
    font_lib *fonts;
    const doc *dc;
    const flow_geom *g;
    const style *st;
    lc_report *r;
    lc_extent *ext;           /* per block */
} lc_ctx;

static inline void lc_add(lc_ctx *c, const char *what, int page, int block, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static inline void lc_add(lc_ctx *c, const char *what, int page, int block, const char *fmt, ...)
{
    c->r->total++;
    if (c->r->n >= LC_MAX)
        return;
    lc_finding *f = &c->r->v[c->r->n++];
    snprintf(f->what, sizeof f->what, "%s", what);
    f->page = page + 1;
    f->line = 0;
    if (block >= 0 && block < c->dc->nblocks) {
        int col;
        src_file_pos(c->dc->src, c->dc->blocks[block].src, &f->line, &col);
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->msg, sizeof f->msg, fmt, ap);
    va_end(ap);
}

/* ---- geometry of items ---- */

typedef struct {
    float x0, y0, x1, y1;
} lc_box;

static inline lc_box lc_item_box(const lc_ctx *c, const dl_item *it)
{
    lc_box b = { 0, 0, 0, 0 };
    switch (it->kind) {
    case DL_TEXT: {
        float size = it->u.text.size;
        b.x0 = 1e9f, b.x1 = -1e9f;
        /* The advance box, but a punctuation mark's ink: a compressed mark keeps its
         * full advance, its blank half overlapping its neighbour or the margin. */
        font *f = font_lib_at(c->fonts, it->u.text.font);
        float k_pt = size / (float)font_upem(f);
        const char *txt = it->u.text.text;
        size_t tlen = strlen(txt);
        for (uint32_t k = 0; k < it->u.text.ng; k++) {
            const dl_glyph *g = &it->u.text.g[k];
            float x = it->u.text.x + g->x, x0, x1;
            size_t at = g->text;
            uint32_t cp = at < tlen ? utf8_next(txt, tlen, &at) : 0;
            int32_t i0, i1;
            if (!font_ink_x(f, g->gid, &i0, &i1))
                continue;             /* a space: nothing printed */
            if (para_is_mark(para_class_of(cp))) {
                x0 = x + (float)i0 * k_pt, x1 = x + (float)i1 * k_pt;
            } else {
                float adv = (float)font_advance(f, g->gid) * k_pt;
                if (adv <= 0)
                    continue;
                x0 = x, x1 = x + adv;
            }
            b.x0 = fminf(b.x0, x0);
            b.x1 = fmaxf(b.x1, x1);
        }
        if (b.x0 > b.x1)
            b.x0 = b.x1 = it->u.text.x;
        /* The ideographic em box (typeset_baseline). */
        b.y0 = it->u.text.y - 0.88f * size;
        b.y1 = it->u.text.y + 0.12f * size;
        break;
    }
    case DL_RULE:
        b.x0 = fminf(it->u.rule.x0, it->u.rule.x1), b.x1 = fmaxf(it->u.rule.x0, it->u.rule.x1);
        b.y0 = fminf(it->u.rule.y0, it->u.rule.y1), b.y1 = fmaxf(it->u.rule.y0, it->u.rule.y1);
        break;
    case DL_RECT:
        b = (lc_box){ it->u.rect.x, it->u.rect.y, it->u.rect.x + it->u.rect.w,
                      it->u.rect.y + it->u.rect.h };
        break;
    case DL_IMAGE:
        b = (lc_box){ it->u.image.x, it->u.image.y, it->u.image.x + it->u.image.w,
                      it->u.image.y + it->u.image.h };
        break;
    case DL_PATH:
        b.x0 = b.y0 = 1e9f, b.x1 = b.y1 = -1e9f;
        for (uint32_t k = 0; k < it->u.path.n; k++) {
            const dl_path_el *e = &it->u.path.el[k];
            int np = e->op == DL_CURVE ? 3 : e->op == DL_CLOSE ? 0 : 1;
            for (int q = 0; q < np; q++) {
                b.x0 = fminf(b.x0, e->p[2 * q]), b.x1 = fmaxf(b.x1, e->p[2 * q]);
                b.y0 = fminf(b.y0, e->p[2 * q + 1]), b.y1 = fmaxf(b.y1, e->p[2 * q + 1]);
            }
        }
        break;
    case DL_LINK:
        b = (lc_box){ it->u.link.x, it->u.link.y, it->u.link.x + it->u.link.w,
                      it->u.link.y + it->u.link.h };
        break;
    }
    return b;
}

static inline bool lc_body_role(int role)
{
    return role == DL_ROLE_BODY || role == DL_ROLE_HEADING || role == DL_ROLE_TITLE ||
           role == DL_ROLE_BOX;
}

static inline void lc_frame(lc_ctx *c)
{
    const flow_geom *g = c->g;
    for (int p = 1; p < c->d->npages; p++) {
        const dl_page *pg = &c->d->pages[p];
        float left = flow_left(g, p), top = g->top, bottom = g->top + flow_text_h(g);
        for (uint32_t i = 0; i < pg->n; i++) {
            const dl_item *it = &pg->items[i];
            lc_box b = lc_item_box(c, it);
            if (it->role == DL_ROLE_RUNNING || it->role == DL_ROLE_COVER || it->kind == DL_LINK) {
                if (b.x0 < -LC_EPS || b.x1 > g->pw + LC_EPS || b.y0 < -LC_EPS || b.y1 > g->ph + LC_EPS)
                    lc_add(c, "frame", p, it->block, "furniture outside the page");
                continue;
            }
            if (!lc_body_role(it->role) && it->role != DL_ROLE_TOC)
                continue;
            float x0 = left, x1 = left + g->text_w;
            if (it->col >= 0) {
                x0 = left + it->col * (g->colw + g->gap);
                x1 = x0 + g->colw;
            }
            float tol = it->kind == DL_TEXT ? LC_TEXT_EPS : LC_EPS;
            if (b.x0 < x0 - tol || b.x1 > x1 + tol || b.y0 < top - LC_EPS ||
                b.y1 > bottom + LC_EPS) {
                char t[40] = "";
                if (it->kind == DL_TEXT)
                    snprintf(t, sizeof t, " \"%.24s\"", it->u.text.text);
                lc_add(c, "frame", p, it->block,
                       "%s%s at x %.1f–%.1f y %.1f–%.1f outside %s x %.1f–%.1f y %.1f–%.1f",
                       it->kind == DL_TEXT ? "text" : it->kind == DL_IMAGE ? "image" : "ink", t,
                       (double)b.x0, (double)b.x1, (double)b.y0, (double)b.y1,
                       it->col >= 0 ? "its column" : "the text area", (double)x0, (double)x1,
                       (double)top, (double)bottom);
            }
        }
    }
}

/* ---- lines of body text ---- */

typedef struct {
    int page, col, block;
    float y;                  /* baseline */
    float x;                  /* left edge */
    float size;
    int role;
    char text[512];
} lc_line;

typedef struct {
    lc_line *v;
    int n, cap;
} lc_lines;

/* Reading order: by block, then where its lines went. */
static inline int lc_line_cmp(const void *a, const void *b)
{
    const lc_line *x = a, *y = b;
    if (x->block != y->block)
        return x->block - y->block;
    if (x->page != y->page)
        return x->page - y->page;
    if (x->col != y->col)
        return x->col - y->col;
    return x->y < y->y ? -1 : x->y > y->y;
}

/* The body text lines (paragraphs, items, headings, titles), in reading order. */
static inline void lc_collect(const lc_ctx *c, lc_lines *ls)
{
    ls->n = 0;
    for (int p = 1; p < c->d->npages; p++) {
        const dl_page *pg = &c->d->pages[p];
        for (uint32_t i = 0; i < pg->n; i++) {
            const dl_item *it = &pg->items[i];
            if (it->kind != DL_TEXT || it->block < 0 ||
                (it->role != DL_ROLE_BODY && it->role != DL_ROLE_HEADING && it->role != DL_ROLE_TITLE))
                continue;
            lc_line *l = NULL;
            for (int k = ls->n - 1; k >= 0 && k >= ls->n - 8; k--)
                if (ls->v[k].page == p && ls->v[k].col == it->col && ls->v[k].block == it->block &&
                    fabsf(ls->v[k].y - it->u.text.y) < 3) {
                    l = &ls->v[k];
                    break;
                }
            if (!l) {
                if (ls->n == ls->cap) {
                    ls->cap = ls->cap ? ls->cap * 2 : 256;
                    ls->v = realloc(ls->v, (size_t)ls->cap * sizeof *ls->v);
                }
                l = &ls->v[ls->n++];
                memset(l, 0, sizeof *l);
                l->page = p, l->col = it->col, l->block = it->block, l->role = it->role;
                l->y = it->u.text.y, l->x = it->u.text.x, l->size = it->u.text.size;
            }
            if (it->u.text.x < l->x)
                l->x = it->u.text.x;
            if (fabsf(it->u.text.y - l->y) < 0.01f && it->u.text.size > l->size)
                l->size = it->u.text.size;
            size_t have = strlen(l->text);
            snprintf(l->text + have, sizeof l->text - have, "%s", it->u.text.text);
        }
    }
    qsort(ls->v, (size_t)ls->n, sizeof *ls->v, lc_line_cmp);
}

static inline void lc_grid(lc_ctx *c, const lc_lines *ls)
{
    const flow_geom *g = c->g;
    float base = typeset_baseline(g->pitch, c->st->body.size);
    for (int i = 0; i < ls->n; i++) {
        const lc_line *l = &ls->v[i];
        if (l->role != DL_ROLE_BODY || fabsf(l->size - c->st->body.size) > 0.01f)
            continue;
        float k = (l->y - g->top - base) / g->pitch;
        if (fabsf(k - roundf(k)) > 0.01f)
            lc_add(c, "grid", l->page, l->block, "a body line %.2f pitches off the grid: \"%.30s\"",
                   (double)(k - roundf(k)), l->text);
    }
}

static inline bool lc_in(uint32_t cp, const uint32_t *set, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (set[i] == cp)
            return true;
    return false;
}

static inline void lc_kinsoku(lc_ctx *c, const lc_lines *ls)
{
    static const uint32_t no_start[] = { 0x3001, 0xFF0C, 0x3002, 0xFF1A, 0xFF1B, 0xFF01, 0xFF1F,
                                         0xFF0E, 0x201D, 0x2019, 0x300D, 0x300F, 0xFF09, 0xFF3D,
                                         0xFF5D, 0x3015, 0x3011, 0x3017, 0x3009, 0x300B };
    static const uint32_t no_end[] = { 0x201C, 0x2018, 0x300C, 0x300E, 0xFF08, 0xFF3B, 0xFF5B,
                                       0x3014, 0x3010, 0x3016, 0x3008, 0x300A };
    for (int i = 0; i < ls->n; i++) {
        const lc_line *l = &ls->v[i];
        if (l->role != DL_ROLE_BODY)
            continue;
        size_t n = strlen(l->text);
        uint32_t first = utf8_first(l->text, n), last = utf8_last(l->text, n);
        /* A list item's first line starts with its marker, and a line may begin with
         * the paragraph's own first character: only line starts after a break count. */
        bool para_start = i == 0 || ls->v[i - 1].block != l->block;
        if (!para_start && lc_in(first, no_start, sizeof no_start / sizeof *no_start))
            lc_add(c, "kinsoku", l->page, l->block, "a line starts with %.3s: \"%.30s\"", l->text,
                   l->text);
        bool para_end = i + 1 == ls->n || ls->v[i + 1].block != l->block;
        if (!para_end && lc_in(last, no_end, sizeof no_end / sizeof *no_end))
            lc_add(c, "kinsoku", l->page, l->block, "a line ends with an opening mark: \"%.30s\"",
                   l->text);
    }
}

/* Characters that count on a last line: not marks, not spaces. */
static inline int lc_chars(const char *s)
{
    size_t n = strlen(s), i = 0;
    int k = 0;
    while (i < n) {
        uint32_t cp = utf8_next(s, n, &i);
        para_class cl = para_class_of(cp);
        if (!para_is_mark(cl) && cl != PC_SPACE)
            k++;
    }
    return k;
}

static inline void lc_last_lines(lc_ctx *c, const lc_lines *ls)
{
    for (int i = 0; i < ls->n; i++) {
        const lc_line *l = &ls->v[i];
        if (l->role != DL_ROLE_BODY || c->dc->blocks[l->block].kind != DOC_PARA)
            continue;
        bool last = i + 1 == ls->n || ls->v[i + 1].block != l->block;
        bool first = i == 0 || ls->v[i - 1].block != l->block;
        if (last && !first && lc_chars(l->text) < 2)
            lc_add(c, "lastline", l->page, l->block, "a paragraph ends with \"%s\" alone",
                   l->text);
    }
}

/* ---- headings, tables, floats ---- */

/* Blocks set as boxes of rows rather than lines of text. */
static inline bool lc_is_box(doc_kind k)
{
    return k == DOC_TABLE || k == DOC_FIGURE || k == DOC_CHART || k == DOC_CODE;
}

/* Fills c->ext in one pass over the items (pages in order, so places come in order). */
static inline void lc_extents(lc_ctx *c)
{
    for (int b = 0; b < c->dc->nblocks; b++)
        c->ext[b] = (lc_extent){ -1, -1, -1, -1, 0, 0, 0, -1, -2, 1e9f, -1e9f };
    for (int p = 1; p < c->d->npages; p++) {
        const dl_page *pg = &c->d->pages[p];
        for (uint32_t i = 0; i < pg->n; i++) {
            const dl_item *it = &pg->items[i];
            if (it->block < 0 || it->block >= c->dc->nblocks || it->kind == DL_LINK)
                continue;
            lc_extent *e = &c->ext[it->block];
            lc_box bx = lc_item_box(c, it);
            if (e->p0 < 0)
                e->p0 = p, e->c0 = it->col;
            if (e->lastp != p || e->lastc != it->col) {
                if (e->bot > e->top)
                    e->h += e->bot - e->top;
                e->lastp = p, e->lastc = it->col, e->top = 1e9f, e->bot = -1e9f;
                e->np++;
            }
            e->top = fminf(e->top, bx.y0), e->bot = fmaxf(e->bot, bx.y1);
            if (p > e->p1 || (p == e->p1 && (it->col > e->c1 || (it->col == e->c1 && bx.y1 > e->y1))))
                e->p1 = p, e->c1 = it->col, e->y1 = bx.y1;
        }
    }
    for (int b = 0; b < c->dc->nblocks; b++) {
        lc_extent *e = &c->ext[b];
        if (e->bot > e->top)
            e->h += e->bot - e->top;
    }
}

static inline void lc_headings(lc_ctx *c, const lc_lines *ls)
{
    for (int b = 0; b < c->dc->nblocks; b++) {
        const doc_block *hb = &c->dc->blocks[b];
        if (hb->kind != DOC_HEADING)
            continue;
        const lc_extent he = c->ext[b];
        if (he.p0 < 0 || b + 1 >= c->dc->nblocks)
            continue;
        const doc_block *nb = &c->dc->blocks[b + 1];
        if (nb->kind == DOC_HEADING || nb->kind == DOC_ARTICLE || nb->kind == DOC_SECTION)
            continue;             /* a chain: the last heading of it is checked */
        if (lc_is_box(nb->kind)) {
            /* The box under it stands under it, or waits for the next column while the
             * text after it comes up under the heading (checked below). */
            const lc_extent ne = c->ext[b + 1];
            if (ne.p0 < 0 || (ne.p0 == he.p1 && ne.c0 == he.c1))
                continue;
        }
        /* The next two lines of text after the heading, in source order. */
        int want = 2, got = 0, seen = 0;
        int lo = 0, hi = ls->n;
        while (lo < hi) {
            int mid = (lo + hi) / 2;
            if (ls->v[mid].block <= b)
                lo = mid + 1;
            else
                hi = mid;
        }
        int boxed = c->dc->nblocks;      /* the first box after the heading's text */
        for (int m = b + 1; m < c->dc->nblocks; m++) {
            doc_kind mk = c->dc->blocks[m].kind;
            if (lc_is_box(mk) && m > b + 1) {
                boxed = m;
                break;
            }
            if (mk == DOC_HEADING || mk == DOC_ARTICLE || mk == DOC_SECTION)
                break;
        }
        for (int i = lo; i < ls->n && seen < want; i++) {
            const lc_line *l = &ls->v[i];
            if (l->block >= boxed)
                break;
            doc_kind bk = c->dc->blocks[l->block].kind;
            if (bk == DOC_HEADING || bk == DOC_ARTICLE || bk == DOC_SECTION)
                break;
            if (l->role != DL_ROLE_BODY)
                continue;
            seen++;
            /* Under a heading set across the columns, any column of the page will do. */
            got += l->page == he.p1 && (l->col == he.c1 || he.c1 < 0);
        }
        if (got < seen)
            lc_add(c, "heading", he.p1, b, "%d of the %d lines after a heading in its column", got,
                   seen);
    }
}

/* A table right under a title with no running text after it may run over pages
 * although a page could hold it: waiting would leave the title alone. */
static inline bool lc_table_under_title(const lc_ctx *c, int b)
{
    if (b == 0)
        return false;
    doc_kind before = c->dc->blocks[b - 1].kind;
    if (before != DOC_HEADING && before != DOC_ARTICLE)
        return false;
    if (b + 1 >= c->dc->nblocks)
        return true;
    doc_kind after = c->dc->blocks[b + 1].kind;
    return after == DOC_SECTION || after == DOC_ARTICLE || after == DOC_HEADING ||
           after == DOC_TABLE || after == DOC_FIGURE || after == DOC_CHART || after == DOC_CODE;
}

static inline void lc_boxes(lc_ctx *c)
{
    for (int b = 0; b < c->dc->nblocks; b++) {
        doc_kind k = c->dc->blocks[b].kind;
        if (k != DOC_TABLE && k != DOC_FIGURE && k != DOC_CHART)
            continue;
        const lc_extent e = c->ext[b];
        if (e.p0 < 0)
            continue;
        bool split = e.np > 1;
        if (!split)
            continue;
        if (k != DOC_TABLE) {
            lc_add(c, "float", e.p0, b, "a %s parted from its caption",
                   k == DOC_FIGURE ? "figure" : "chart");
        } else if (e.h <= flow_text_h(c->g) - c->g->pitch && !lc_table_under_title(c, b)) {
            lc_add(c, "table", e.p0, b, "a table that fits a column (%.0f pt) is split", (double)e.h);
        }
    }
}

/* ---- balance and fill ---- */

/* The last page of each section: the page before the next section's first page, or
 * the last page. */
static inline bool lc_section_last(const lc_ctx *c, int p)
{
    if (p + 1 >= c->d->npages)
        return true;
    const char *a = c->d->pages[p].section, *b = c->d->pages[p + 1].section;
    if (!a || !b || strcmp(a, b) != 0)
        return true;
    /* A section title at the top of the next page opens a new section. */
    for (int i = 0; i < c->d->noutline; i++)
        if (c->d->outline[i].level == 0 && c->d->outline[i].page == p + 1)
            return true;
    return false;
}

/* Whether the flow reported a gap it could not close on page p, column col (or the
 * whole text area). */
static inline bool lc_reported(const lc_ctx *c, int p, int col)
{
    for (int i = 0; i < c->d->ngaps; i++)
        if (c->d->gaps[i].page == p && (c->d->gaps[i].col == col || c->d->gaps[i].col < 0))
            return true;
    return false;
}

/* Whether a page that ends short of the foot was reported: for its text area, or for
 * each of its columns (bottom[k]: where column k ends), every one of them short, as
 * the flow names each column's cause when they differ (a heading that moved on from
 * one, a float from the other). */
static inline bool lc_page_reported(const lc_ctx *c, int p, const float *bottom, int ncol,
                                    float foot)
{
    if (lc_reported(c, p, -1))
        return true;
    for (int k = 0; k < ncol; k++)
        if (floorf((foot - bottom[k]) / c->g->pitch + 0.01f) >= 2 && !lc_reported(c, p, k))
            return false;
    return true;
}

/* Where a box whose drawing ends at y1 ends in the flow: past its padding (up to half
 * a line, a code block's), on the grid's next line, with the line of space under it. */
static inline float lc_box_foot(const flow_geom *g, float y1)
{
    return g->top + ceilf((y1 + g->pitch / 2 - g->top) / g->pitch - 0.01f) * g->pitch + g->pitch;
}

/* Whether what comes after page p is a box (a table, figure or chart that did not fit):
 * a page may end short before one; the rule is about text. */
static inline bool lc_box_next(const lc_ctx *c, int p)
{
    if (p + 1 >= c->d->npages)
        return false;
    int first = -1;
    const dl_page *pg = &c->d->pages[p + 1];
    for (uint32_t i = 0; i < pg->n; i++) {
        const dl_item *it = &pg->items[i];
        if (lc_body_role(it->role) && it->block >= 0 && (first < 0 || it->block < first))
            first = it->block;
    }
    if (first < 0)
        return false;
    return lc_is_box(c->dc->blocks[first].kind);
}

static inline void lc_fill(lc_ctx *c)
{
    const flow_geom *g = c->g;
    float text_h = flow_text_h(g);
    for (int p = 1; p < c->d->npages; p++) {
        const dl_page *pg = &c->d->pages[p];
        if (pg->n == 0)
            continue;
        /* Spanning pieces (title bands, wide boxes) cut the page into bands; the
         * columns below the last one are what is measured. */
        float last_span = g->top;
        float colbot[8] = { 0 }, coltext[8] = { 0 }, coltop[8];
        bool coltop_box[8] = { false };
        bool body = false;
        for (int k = 0; k < 8; k++)
            coltop[k] = 1e9f;
        for (uint32_t i = 0; i < pg->n; i++) {
            const dl_item *it = &pg->items[i];
            if (!lc_body_role(it->role) || it->kind == DL_LINK)
                continue;
            lc_box b = lc_item_box(c, it);
            if (it->col < 0)
                last_span = fmaxf(last_span, it->role == DL_ROLE_BOX ? lc_box_foot(g, b.y1) : b.y1);
            body = true;
        }
        if (!body || pg->items[0].role == DL_ROLE_TOC)
            continue;
        /* Columns of the last band. */
        int ncol = g->cols > 8 ? 8 : g->cols;
        float lowest_any = 0;
        float used_area = 0;
        /* The band's text: one block of at most two lines (a paragraph the flow never
         * tears a line to each column) may leave the other columns empty. */
        int band_blk = -2;
        bool band_one = true;
        float band_top = 1e9f, band_bot = 0;
        for (uint32_t i = 0; i < pg->n; i++) {
            const dl_item *it = &pg->items[i];
            if (!lc_body_role(it->role) || it->col < 0 || it->col >= ncol || it->kind == DL_LINK)
                continue;
            lc_box b = lc_item_box(c, it);
            if (b.y0 < last_span - LC_EPS)
                continue;
            if (it->role == DL_ROLE_BOX || (band_blk != -2 && it->block != band_blk))
                band_one = false;
            band_blk = it->block;
            band_top = fminf(band_top, b.y0);
            band_bot = fmaxf(band_bot, b.y1);
            lowest_any = fmaxf(lowest_any, it->role == DL_ROLE_BOX ? lc_box_foot(g, b.y1) : b.y1);
            colbot[it->col] = fmaxf(colbot[it->col], it->role == DL_ROLE_BOX ? lc_box_foot(g, b.y1) : b.y1);
            /* A column is measured against the text of the others: a float cannot split
             * to even them. */
            if (it->role != DL_ROLE_BOX)
                coltext[it->col] = fmaxf(coltext[it->col], b.y1);
            if (b.y0 < coltop[it->col]) {
                coltop[it->col] = b.y0;
                coltop_box[it->col] = it->role == DL_ROLE_BOX;
            }
        }
        float text_lowest = last_span;
        for (int k = 0; k < ncol; k++)
            text_lowest = fmaxf(text_lowest, coltext[k]);
        float lowest = fmaxf(text_lowest, lowest_any);
        used_area = lowest - g->top;
        if (lc_section_last(c, p) || lc_box_next(c, p))
            continue;
        bool couplet = band_one && band_blk >= 0 && band_bot - band_top <= 2 * g->pitch + LC_EPS;
        int blk = -1;
        for (uint32_t i = 0; i < pg->n && blk < 0; i++)
            blk = pg->items[i].block;
        if (used_area < text_h / 3)
            lc_add(c, "fill", p, blk, "a page mid-section only %.0f%% full",
                   (double)(100 * used_area / text_h));
        /* The page's text reaches within a line of the foot, and each column within a
         * line of the tallest (short by two whole lines: room for two more lines). */
        float foot = g->top + text_h, bottom[8];
        for (int k = 0; k < ncol; k++)
            bottom[k] = colbot[k] > 0 ? colbot[k] : last_span;
        if (floorf((foot - lowest) / g->pitch + 0.01f) >= 2 &&
            !lc_page_reported(c, p, bottom, ncol, foot))
            lc_add(c, "fill", p, blk, "the page ends %.1f lines short of the foot mid-section",
                   (double)((foot - lowest) / g->pitch));
        for (int k = 0; k < ncol; k++) {
            /* A column may end short before a box it could not hold (as a page may). */
            bool box_next = k + 1 < ncol ? coltop_box[k + 1] : lc_box_next(c, p);
            if (floorf((text_lowest - bottom[k]) / g->pitch + 0.01f) >= 2 && !box_next && !couplet &&
                !lc_reported(c, p, k))
                lc_add(c, "fill", p, blk, "column %d ends %.1f lines short of its neighbour "
                       "mid-section", k + 1, (double)((text_lowest - bottom[k]) / g->pitch));
        }
    }
}

/* Runs every check; returns the number of findings. */
static inline int lc_check(const dl_doc *d, font_lib *fonts, const doc *dc, const flow_geom *g,
                           const style *st, lc_report *r)
{
    memset(r, 0, sizeof *r);
    lc_ctx c = { d, fonts, dc, g, st, r, calloc((size_t)dc->nblocks + 1, sizeof(lc_extent)) };
    lc_lines ls = { 0 };
    lc_extents(&c);
    lc_collect(&c, &ls);
    lc_frame(&c);
    lc_grid(&c, &ls);
    lc_kinsoku(&c, &ls);
    lc_last_lines(&c, &ls);
    lc_headings(&c, &ls);
    lc_boxes(&c);
    lc_fill(&c);
    free(ls.v);
    free(c.ext);
    return r->total;
}

static inline void lc_print(const lc_report *r, FILE *out, const char *prefix)
{
    for (int i = 0; i < r->n; i++)
        fprintf(out, "%s%s: page %d, source line %d: %s\n", prefix, r->v[i].what, r->v[i].page,
                r->v[i].line, r->v[i].msg);
    if (r->total > r->n)
        fprintf(out, "%s… and %d more\n", prefix, r->total - r->n);
}

#endif
