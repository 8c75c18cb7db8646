/* flow — see flow.h. */
#include "layout/flow/flow.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout/base/vec.h"
#include "layout/blocks/box.h"
#include "layout/compose/ahead.h"

#define EPS 0.01f

/* Floats that may wait at once for a column top; more end the page (figures keep
 * their order, so the text after them cannot run ahead without bound). */
#define FLOW_MAX_WAIT 8

/* Most demerits a paragraph may gain to close a column gap: about one more line set
 * with badness 300 (gaps some 0.2 em wider than usual); a paragraph that would be
 * spaced out or squeezed more than that keeps its breaks, and the gap stays. */
#define LOOSE_MAX_COST 100000.0

/* A paragraph moves at most this many lines either way, one at a time, away from its
 * own best breaks (never back: the passes then end). */
#define LOOSE_MAX 2

/* ---- geometry ---- */

int flow_geom_init(flow_geom *g, const style *st, diag *d)
{
    memset(g, 0, sizeof *g);
    g->pw = st->page_w;
    g->ph = st->page_h;
    g->em = st->body.size;
    g->pitch = st->body.leading;
    g->cols = st->columns > 0 ? st->columns : 1;
    float avail_w = st->page_w - st->margin_inner - st->margin_outer;
    /* CL-GR-04: the gap is a whole number of ems. */
    g->gap = roundf(st->column_gap / g->em) * g->em;
    if (g->cols > 1 && g->gap < g->em)
        g->gap = g->em;
    g->col_chars = (int)floorf((avail_w - (g->cols - 1) * g->gap) / g->cols / g->em + 1e-4f);
    float avail_h = st->page_h - st->margin_top - st->margin_bottom;
    g->lines = (int)floorf(avail_h / g->pitch + 1e-4f);
    if (g->col_chars < 4 || g->lines < 4) {
        diag_error(d, st->path, 0, 0,
                   "the page leaves %d characters per column and %d lines: make the margins, "
                   "the column count or the body size smaller",
                   g->col_chars, g->lines);
        return -1;
    }
    g->colw = g->col_chars * g->em;
    g->text_w = g->cols * g->colw + (g->cols - 1) * g->gap;
    /* What whole characters and lines leave over goes equally to both margins. */
    float slack_w = avail_w - g->text_w, slack_h = avail_h - g->lines * g->pitch;
    g->left_recto = st->margin_inner + slack_w / 2;
    g->left_verso = st->margin_outer + slack_w / 2;
    g->top = st->margin_top + slack_h / 2;
    return 0;
}

float flow_left(const flow_geom *g, int page)
{
    return page % 2 == 0 ? g->left_recto : g->left_verso;
}

float flow_text_h(const flow_geom *g) { return g->lines * g->pitch; }

/* ---- pieces ---- */

typedef enum {
    PK_LINE,                  /* one line of a paragraph */
    PK_HEAD,                  /* a heading, all its lines */
    PK_ROW,                   /* one row of a box (table row, figure, chart) */
    PK_RULE,                  /* a thematic break */
    PK_SPAN,                  /* a band across all columns: a title */
    PK_SPANROW,               /* a row of a box set across all columns */
    PK_SECTION,               /* a section starts (a page break when the style says) */
    PK_PARA,                  /* (recipe only) all the lines of a paragraph */
} piece_kind;

enum {
    PF_FIRST = 1,             /* first line of its paragraph */
    PF_LAST = 2,              /* last line of its paragraph */
    PF_KEEP = 4,              /* keep with what follows */
    PF_FLOAT = 8,             /* may move to the top of the next column */
};

typedef struct {
    uint8_t kind, flags;
    float h;                  /* height, pt */
    float h_top;              /* height when it opens a column or page (no space before) */
    int obj;                  /* setter index (text) or box index */
    int line;                 /* line of the setter, first row of the box */
    int nlines;               /* lines of its paragraph */
    int nrows;                /* rows of the box it holds (a float holds them all) */
    float pad;                /* space above its content when not at a column top */
    int outline;              /* outline entry placed with it, -1 */
    int section;              /* index of the section name it belongs to */
    int block;                /* the document block it shows */
} piece;

/* A composed text: a paragraph, heading or title. */
typedef struct {
    para *p;
    compose_result r;
    const style_text *ts;
    float x_off, measure, indent;
    style_align align;
    float space_before;
    bool is_para;             /* running text (its breaks may be loosened or tightened) */
    bool whole;               /* its lines stay together in one column (a signature) */
    bool opens;               /* it opens a list or a quotation (space may go before it) */
    int loose;                /* looseness it is set with */
    int units_at;             /* looseness its units' positions were last composed at:
                                 only drawing reads them, so trials leave them */
    int first_page, last_page;    /* where its first and last lines went (this pass) */
    int last_col, band;       /* column of its last line; band counter at that time */
    /* Its compositions at looseness -LOOSE_MAX..LOOSE_MAX (index + LOOSE_MAX), found
     * as needed: whether that many lines more or fewer is possible, at what demerits. */
    bool alt_known[2 * LOOSE_MAX + 1], alt_ok[2 * LOOSE_MAX + 1];
    double alt_d[2 * LOOSE_MAX + 1];
    compose_result alt_r[2 * LOOSE_MAX + 1];  /* the possible ones, until taken */
    int n0;                   /* its lines at looseness 0 */
    int drawn;                /* lines drawn (the drawing pass): when all are, its
                                 shaped paragraph is given back */
    int elem, lbl;            /* structure elements of its text and list label */
    uint32_t lbl_bytes;       /* the label's bytes at the start of the text */
    int ticket;               /* composing on a helper thread (ahead.h), else -1 */
} setter;

/* A page by its section and its place in it: a section run in under the last one, or
 * a change before, moves the pages after it, not this. */
typedef struct {
    int section, nth;
} flow_spot;

/* A place where the columns could not be filled to within a line, found during a
 * pass, with the paragraphs before it that could take or give lines. */
typedef struct {
    bool set;
    int page;
    flow_spot spot;
    int more, less;           /* lines of text that would close the gap either way */
    int *cands;
    int ncands;
    size_t capcands;
} flow_problem;

typedef struct {
    int page;                 /* dl page index */
    float y;                  /* used height of the text area, pt */
    int section;
    int pending[8];           /* spanning figures waiting for the top of the next page */
    int npending;
    int lines;                /* text lines set on this page */
    int last_block;           /* the block of the last of them */
    int first;                /* the page its section started on */
    int named;                /* the section whose name the page carries */
} page_state;

/* The flow's state before one step of flow_pages (a band, a title, a spanning box or a
 * section change): a pass may start again from it when nothing before it changed. */
typedef struct {
    int i, moved, band, npages;
    bool page_empty;
    page_state ps;
} flow_ckpt;

typedef struct {
    typeset_ctx *t;
    const doc *doc;
    const flow_geom *g;
    dl_doc *d;
    piece *pc;
    int npc;
    size_t cappc;
    setter *set;
    int nset;
    size_t capset;
    box **boxes;
    int nboxes;
    size_t capboxes;
    char **sections;
    int nsections;
    size_t capsections;
    int tables, figures;
    int failed;
    piece *rc;                /* the recipe: pieces with whole paragraphs (PK_PARA) */
    int nrc;
    int band;                 /* bands drawn in this pass */
    int block;                /* the block build_pieces is at */
    int at;                   /* the first piece not yet placed (a page limit names it) */
    bool dry;                 /* a measuring pass: pages are made, nothing is drawn */
    flow_problem prob;
    flow_spot *settled;       /* pages whose problem could not be fixed */
    int nsettled;
    size_t capsettled;
    int elem, lbl;            /* structure elements of the block being added */
    flow_ckpt *ck;            /* this pass's steps so far */
    int nck;
    size_t capck;
    int changed_page;         /* the first page a looseness change touched, else -1 */
    ahead *ahead;             /* build_pieces: running text composed meanwhile, or NULL */
} flow;

static piece *add_piece(flow *f, piece_kind kind, float h)
{
    if (!VEC_PUSH_ROOM(f->pc, f->cappc, f->npc))
        return NULL;
    piece *p = &f->pc[f->npc++];
    memset(p, 0, sizeof *p);
    p->kind = (uint8_t)kind;
    p->h = p->h_top = h;
    p->obj = p->line = -1;
    p->nrows = 1;
    p->outline = -1;
    p->section = f->nsections - 1;
    p->block = f->block;
    return p;
}

static float snap(const flow *f, float y)
{
    float k = ceilf(y / f->g->pitch - 1e-3f);
    return k * f->g->pitch;
}

/* A list label wider than the room left of its text ("201923.") would hang out of the
 * column: the item's text moves in by the difference. */
static int fit_label(flow *f, setter *s)
{
    float out = s->r.n > 0 ? -(s->x_off + s->r.lines[0].x0) : 0;
    if (out > EPS && out < s->measure / 2) {
        s->x_off += out;
        s->measure -= out;
        compose_result_free(&s->r);
        if (typeset_compose(f->t, s->p, s->ts, s->measure, s->indent, &s->r))
            return -1;
    }
    return 0;
}

/* A new setter for text; returns its index or -1. Composed now, or (later: running
 * text, while the flow is being built) on a helper thread, taken by take_composed. */
static int add_setter(flow *f, const doc_text *text, const style_text *ts, float measure,
                      float indent, float x_off, bool later)
{
    para *p = typeset_para(f->t, text, ts);
    if (!p)
        return -1;
    if (!VEC_PUSH_ROOM(f->set, f->capset, f->nset)) {
        para_free(p);
        return -1;
    }
    setter *s = &f->set[f->nset];
    memset(s, 0, sizeof *s);
    s->p = p;
    s->ts = ts;
    s->measure = measure;
    s->indent = indent;
    s->x_off = x_off;
    s->align = ts->align;
    s->elem = f->elem;
    s->lbl = f->lbl;
    s->ticket = later && f->ahead ? ahead_compose(f->ahead, p, ts, measure, indent) : -1;
    if (s->ticket < 0 &&
        (typeset_compose(f->t, p, ts, measure, indent, &s->r) || fit_label(f, s))) {
        para_free(p);
        s->p = NULL;
        return -1;
    }
    return f->nset++;
}

/* The compositions made on helper threads, in order (their messages come out as if
 * each had been composed in its turn). */
static int take_composed(flow *f)
{
    ahead_release(f->ahead);
    for (int i = 0; i < f->nset; i++) {
        setter *s = &f->set[i];
        if (s->ticket < 0)
            continue;
        int ticket = s->ticket;
        s->ticket = -1;
        if (ahead_take(f->ahead, ticket, &s->r) || fit_label(f, s))
            return -1;
    }
    return 0;
}

static int add_outline(flow *f, const doc_text *text, int level)
{
    char *plain = typeset_text_plain(f->t, text);
    if (!plain)
        return -1;
    int i = dl_outline_add(f->d, plain, level, -1, 0);
    free(plain);
    return i;
}

/* Height of a heading or title: space, lines at their own leading, space, rounded up
 * to whole body pitches so that the text after it stays on the grid. */
static void heading_heights(flow *f, const setter *s, float *h, float *h_top)
{
    float body = s->r.n * s->ts->leading + s->ts->space_after;
    *h = snap(f, s->ts->space_before + body);
    *h_top = snap(f, body);
}

static int add_heading(flow *f, const doc_block *b, const style_text *ts, piece_kind kind,
                       int outline_level)
{
    float measure = kind == PK_SPAN ? f->g->text_w : f->g->colw;
    int si = add_setter(f, &b->text, ts, measure, 0, 0, false);
    if (si < 0)
        return -1;
    piece *p = add_piece(f, kind, 0);
    if (!p)
        return -1;
    heading_heights(f, &f->set[si], &p->h, &p->h_top);
    p->obj = si;
    p->flags = PF_KEEP;
    if (outline_level >= 0)
        p->outline = add_outline(f, &b->text, outline_level);
    return 0;
}

static int add_lines(flow *f, int si)
{
    piece *p = add_piece(f, PK_PARA, 0);
    if (!p)
        return -1;
    p->obj = si;
    f->set[si].is_para = true;
    return 0;
}

/* The working pieces from the recipe: each paragraph becomes its lines, as many as
 * its current composition has. */
static int expand(flow *f)
{
    f->npc = 0;
    for (int i = 0; i < f->nrc; i++) {
        const piece *r = &f->rc[i];
        if (r->kind != PK_PARA) {
            piece *p = add_piece(f, (piece_kind)r->kind, 0);
            if (!p)
                return -1;
            *p = *r;
            continue;
        }
        const setter *s = &f->set[r->obj];
        for (int l = 0; l < s->r.n; l++) {
            piece *p = add_piece(f, PK_LINE, f->g->pitch);
            if (!p)
                return -1;
            p->obj = r->obj;
            p->line = l;
            p->nlines = s->r.n;
            p->section = r->section;
            p->block = r->block;
            p->flags = (uint8_t)((l == 0 ? PF_FIRST : 0) | (l == s->r.n - 1 ? PF_LAST : 0));
            if (s->whole && l < s->r.n - 1)
                p->flags |= PF_KEEP;
        }
    }
    return 0;
}

static int add_para(flow *f, const doc_block *b)
{
    const style *st = f->t->st;
    const style_text *ts = b->quote ? &st->quote : b->kind == DOC_SOURCE ? &st->source
                         : b->kind == DOC_SIGNATURE ? &st->signature : &st->body;
    float inset = (float)b->quote * f->t->st->quote_inset;
    float measure = f->g->colw - 2 * inset;
    float indent = b->kind == DOC_SOURCE || b->kind == DOC_SIGNATURE ? 0 : ts->indent;
    float x_off = inset;
    doc_text text = b->text;
    doc_inline *tmp = NULL;
    uint32_t lbl_bytes = 0;
    if (b->kind == DOC_ITEM) {
        /* A hanging indent: the item's text aligns at the paragraph indent (deeper
         * items 2 em further in); its label hangs left of it in a box of the style's
         * width, never squeezed or spread (the composer sets it). */
        const char *m = b->marker ? b->marker : "•";
        float level_in = ts->indent + (float)(b->level > 1 ? b->level - 1 : 0) * f->t->st->list_step;
        x_off += level_in;
        measure -= level_in;
        indent = 0;
        tmp = malloc((size_t)(text.nin + 1) * sizeof *tmp);
        if (!tmp)
            return -1;
        tmp[0] = (doc_inline){ (char *)m, IN_LABEL | IN_HANG, NULL, b->src, false };
        lbl_bytes = (uint32_t)strlen(m);
        if (text.nin > 0)     /* an empty item ("-" alone) has no inlines */
            memcpy(tmp + 1, text.in, (size_t)text.nin * sizeof *tmp);
        text.in = tmp;
        text.nin++;
    }
    int si = add_setter(f, &text, ts, measure, indent, x_off, true);
    free(tmp);
    if (si < 0)
        return -1;
    if (b->kind == DOC_SOURCE)
        f->set[si].align = AL_RIGHT;
    f->set[si].lbl_bytes = lbl_bytes;
    f->set[si].whole = b->kind == DOC_SIGNATURE;
    const doc_block *prev = b > f->doc->blocks ? b - 1 : NULL;
    f->set[si].opens = (b->kind == DOC_ITEM && (!prev || prev->kind != DOC_ITEM)) ||
                       (b->quote && (!prev || prev->quote < b->quote));
    return add_lines(f, si);
}

/* A box in the columns: one line of space above and below it, on the grid (none
 * above at a column top). A figure, a chart or a table no taller than a column is one
 * float; a code block or a taller table is a piece per row, the caption and header kept with the
 * first body row, and may split between rows. A box set across the columns is a
 * piece per row too (flow_span_box places it). */
static int add_box(flow *f, const doc_block *b)
{
    int number = b->kind == DOC_TABLE ? ++f->tables : b->kind == DOC_CODE ? 0 : ++f->figures;
    /* Each row at most a column less the line below the box: the last row takes that
     * line even at a column top, so a taller one would fit on no page (a figure and its
     * caption of 80 % of a small page did, and stopped the build at an internal error). */
    box *bx = box_new(f->t, b, f->g->colw, f->g->text_w, flow_text_h(f->g) - f->g->pitch,
                      number);
    if (!bx)
        return -1;
    if (!VEC_PUSH_ROOM(f->boxes, f->capboxes, f->nboxes)) {
        box_free(bx);
        return -1;
    }
    int bi = f->nboxes++;
    f->boxes[bi] = bx;
    if (box_tag(bx, b, f->d, f->elem))
        return -1;
    float pitch = f->g->pitch, total = box_rows_h(bx, 0, bx->nrows);
    /* Code stays where it is in the text: its rows flow (kept as code.c asks). */
    if (!bx->span && b->kind != DOC_CODE && total + pitch <= flow_text_h(f->g) + EPS) {
        piece *p = add_piece(f, PK_ROW, 0);
        if (!p)
            return -1;
        p->obj = bi;
        p->line = 0;
        p->nrows = bx->nrows;
        p->pad = pitch;
        p->h_top = total + pitch;
        p->h = pitch + total + pitch;
        p->flags |= PF_FLOAT;
        return 0;
    }
    for (int r = 0; r < bx->nrows; r++) {
        piece *p = add_piece(f, bx->span ? PK_SPANROW : PK_ROW, bx->row_h[r]);
        if (!p)
            return -1;
        p->obj = bi;
        p->line = r;
        if (r < bx->caption_rows + bx->nrepeat)
            p->flags |= PF_KEEP;
        if (bx->span)
            continue;
        if (r == 0) {
            p->pad = pitch;
            p->h += pitch;
        }
        if (r == bx->nrows - 1) {
            p->h += pitch;
            p->h_top += pitch;
        }
    }
    return 0;
}

static int add_section(flow *f, const doc_block *b)
{
    char *name = typeset_text_plain(f->t, &b->text);
    if (!name || !VEC_PUSH_ROOM(f->sections, f->capsections, f->nsections)) {
        free(name);
        return -1;
    }
    f->sections[f->nsections++] = name;
    if (!add_piece(f, PK_SECTION, 0))
        return -1;
    return add_heading(f, b, &f->t->st->section, PK_SPAN, 0);
}

/* Structure element types of the source's blocks (tagged PDF). */
static const uint8_t block_tags[] = {
    [DOC_SECTION] = DL_S_SECT, [DOC_ARTICLE] = DL_S_ART,   [DOC_HEADING] = DL_S_H,
    [DOC_PARA] = DL_S_P,       [DOC_ITEM] = DL_S_LI,       [DOC_SOURCE] = DL_S_P,
    [DOC_TABLE] = DL_S_TABLE,  [DOC_FIGURE] = DL_S_FIGURE, [DOC_CHART] = DL_S_FIGURE,
    [DOC_RULE] = DL_S_NONE,    [DOC_CODE] = DL_S_CODE,     [DOC_SIGNATURE] = DL_S_P,
};
_Static_assert(sizeof block_tags == DOC_SIGNATURE + 1, "a structure type for every block kind");

/* A heading right before a box set across the columns goes across with it: a column
 * heading above a spanning box would be left behind at the foot of a band. */
static void span_headings(flow *f)
{
    for (int k = f->npc - 2; k >= 0; k--)
        if (f->pc[k].kind == PK_HEAD && (f->pc[k + 1].kind == PK_SPANROW ||
                                         f->pc[k + 1].kind == PK_SPAN))
            f->pc[k].kind = PK_SPAN;
}

static int build_pieces(flow *f)
{
    const style *st = f->t->st;
    /* Running text is composed on helper threads while the blocks after it are shaped. */
    f->ahead = typeset_compose_splits(f->t) ? ahead_new(f->t) : NULL;
    for (int i = 0; i < f->doc->nblocks; i++) {
        const doc_block *b = &f->doc->blocks[i];
        int rc = 0;
        f->block = i;
        /* Elements are made here, once and in source order, whatever the passes do. */
        f->elem = dl_tag_block(f->d, (dl_stype)block_tags[b->kind], b->level, b->quote, &f->lbl);
        switch (b->kind) {
        case DOC_SECTION:
            rc = add_section(f, b);
            break;
        case DOC_ARTICLE:
            rc = add_heading(f, b, &st->article, PK_SPAN, 1);
            break;
        case DOC_HEADING: {
            int lv = b->level < 3 ? 3 : b->level > 6 ? 6 : b->level;
            rc = add_heading(f, b, &st->h[lv], PK_HEAD, lv <= 4 ? lv - 1 : -1);
            break;
        }
        case DOC_PARA:
        case DOC_ITEM:
        case DOC_SOURCE:
        case DOC_SIGNATURE:
            rc = add_para(f, b);
            break;
        case DOC_TABLE:
        case DOC_FIGURE:
        case DOC_CHART:
        case DOC_CODE:
            rc = add_box(f, b);
            break;
        case DOC_RULE:
            rc = add_piece(f, PK_RULE, f->g->pitch) ? 0 : -1;
            break;
        }
        if (rc)
            f->failed = 1;
    }
    if (f->ahead && take_composed(f))
        f->failed = 1;
    ahead_free(f->ahead);
    f->ahead = NULL;
    span_headings(f);
    return f->failed ? -1 : 0;
}

/* ---- filling columns ---- */

typedef struct {
    int piece;
    int col;
    float y;                  /* top, pt from the band's top */
    bool repeat;              /* a repeated header row */
    bool compact;             /* at a column top: set without its space before */
} placed;

typedef struct {
    placed *v;
    int n;
    size_t cap;
} placement;

static int place(placement *pl, int piece_i, int col, float y, bool repeat, bool compact)
{
    if (!VEC_PUSH_ROOM(pl->v, pl->cap, pl->n))
        return -1;
    pl->v[pl->n++] = (placed){ piece_i, col, y, repeat, compact };
    return 0;
}

static bool is_text(const piece *p) { return p->kind == PK_LINE || p->kind == PK_HEAD || p->kind == PK_RULE; }

/* What must follow piece k in its column (beyond k itself): after a heading, the rest
 * of its chain of headings and then two lines of text, or the first row of the box
 * under it (CL-PA-07); after a caption or table header, the next row. The text under
 * a heading may be shorter than two lines: then all of it, up to the next heading. */
static float keep_need(const flow *f, int k, int end)
{
    /* Walked, not recursed, and only as far as a column: a longer chain cannot be kept
     * whole anyway (the caller then keeps just the piece). 100,000 headings in a row
     * each walked the whole chain behind them, deeper on the stack each time. */
    float acc = 0, most = flow_text_h(f->g) + EPS;
    for (; acc <= most; k++) {
        const piece *p = &f->pc[k];
        if (!(p->flags & PF_KEEP) || k + 1 >= end)
            return acc;
        const piece *n = &f->pc[k + 1];
        if (p->kind == PK_HEAD &&
            (n->kind == PK_LINE || n->kind == PK_RULE || (n->flags & PF_FLOAT))) {
            /* Floats under a heading may wait for the next column: the text after them
             * comes up under the heading instead (or the first row of a box). A rule
             * under it goes with it. With nothing to come up, it goes with its float. */
            float need = 0, first_float = 0;
            int lines = 0, m = k + 1;
            for (; m < end && lines < 2; m++) {
                if (f->pc[m].flags & PF_FLOAT) {
                    if (first_float == 0)
                        first_float = f->pc[m].h;
                    continue;
                }
                if (f->pc[m].kind == PK_RULE) {
                    need += f->pc[m].h;
                    continue;
                }
                if (f->pc[m].kind != PK_LINE)
                    break;
                need += f->pc[m].h;
                lines++;
            }
            if (lines > 0)
                return acc + need;
            return acc + need + (m < end && f->pc[m].kind == PK_ROW ? f->pc[m].h : first_float);
        }
        if (n->kind == PK_ROW && n->line == 0) {
            /* A table opens with its caption, header and two body rows (table_break). */
            const box *bx = f->boxes[n->obj];
            int head = bx->caption_rows + bx->nrepeat, body = 0;
            float need = 0;
            for (int m = k + 1; m < end && f->pc[m].kind == PK_ROW && f->pc[m].obj == n->obj &&
                                body < 2; m++) {
                need += f->pc[m].h;
                if (f->pc[m].line >= head)
                    body += f->pc[m].nrows;
            }
            return acc + need;
        }
        acc += n->h;
    }
    return acc;
}

/* Whether line k is one of the two a heading keeps under it (CL-PA-07 outranks the
 * widow rule: the line stays). */
static bool heading_keeps(const flow *f, int k)
{
    int lines = 0;
    for (int m = k; m >= 0; m--) {
        const piece *p = &f->pc[m];
        if (p->kind == PK_HEAD)
            return true;
        if (p->kind == PK_LINE && ++lines > 2)
            return false;
        if (p->kind != PK_LINE && p->kind != PK_RULE && !(p->flags & PF_FLOAT))
            return false;
    }
    return false;
}

/* Height of the header rows a box repeats at the top of a continuation. */
static float repeat_h(const flow *f, const piece *p)
{
    const box *bx = f->boxes[p->obj];
    int h0 = bx->caption_rows, h1 = bx->caption_rows + bx->nrepeat;
    if (p->line < h1)
        return 0;
    return box_rows_h(bx, h0, h1);
}

/* What a fill used: the height of each column and the tallest. */
typedef struct {
    float used;
    float colh[8];
    float over[8];            /* how much more the piece that broke the column needed */
    bool textnext[8];         /* text (not a box) was what did not fit */
    int brk[8];               /* the piece that did not fit */
    int ncols;                /* columns that hold something */
    int left[FLOW_MAX_WAIT];  /* floats that found no room (they wait for the next page) */
    int nleft;
} fill_stats;

/* How far the shortest column falls below the tallest (an empty column counts: a
 * float and the text after it should not stand in one column beside an empty one). */
static float spread(const flow *f, const fill_stats *s)
{
    int cols = f->g->cols > 8 ? 8 : f->g->cols;
    float lo = 1e9f;
    for (int c = 0; c < cols; c++)
        lo = fminf(lo, c < s->ncols ? s->colh[c] : 0);
    return s->ncols ? s->used - lo : 0;
}

/* Body rows of box `obj` placed last in column col, and the first placement of its
 * run there (pl index); repeated header rows and the caption do not count. */
static int rows_here(const flow *f, const placement *pl, int col, int obj, int *first)
{
    int n = 0;
    *first = pl->n;
    for (int m = pl->n - 1; m >= 0 && pl->v[m].col == col; m--) {
        const piece *q = &f->pc[pl->v[m].piece];
        if (q->kind != PK_ROW || q->obj != obj)
            break;
        *first = m;
        const box *bx = f->boxes[obj];
        if (!pl->v[m].repeat && q->line >= bx->caption_rows + bx->nrepeat)
            n += q->nrows;
    }
    return n;
}

/* Height a placement occupies. */
static float placed_h(const flow *f, const placed *q)
{
    return q->compact ? f->pc[q->piece].h_top : f->pc[q->piece].h;
}

/* Moves a table's break at piece k so that two body rows stand on each side (see
 * fill); returns the piece the next column starts with. */
static int table_break(const flow *f, placement *pl, fill_stats *st, int col, int k, int end)
{
    const piece *p = &f->pc[k];
    const box *bx = f->boxes[p->obj];
    int head = bx->caption_rows + bx->nrepeat;
    int first, here = rows_here(f, pl, col, p->obj, &first);
    bool opened = first == 0 || pl->v[first - 1].col != col;
    int after = 0;
    for (int m = k; m < end && f->pc[m].kind == PK_ROW && f->pc[m].obj == p->obj; m++)
        after += f->pc[m].nrows;
    int back = after < 2 ? 2 - after : 0;
    if (here - back < 2)
        back = opened ? 0 : here;
    if (back == 0)
        return k;
    int m = pl->n;
    if (back >= here) {
        m = first;                   /* all of it, with its caption and header */
    } else {
        while (back > 0 && m > first) {
            m--;
            const placed *q = &pl->v[m];
            if (!q->repeat && f->pc[q->piece].line >= head)
                back -= f->pc[q->piece].nrows;
        }
    }
    k = pl->v[m].piece;
    pl->n = m;
    st->colh[col] = m > 0 && pl->v[m - 1].col == col ? pl->v[m - 1].y + placed_h(f, &pl->v[m - 1])
                                                     : 0;
    return k;
}

/* Fills `cols` columns of height H with pieces [i, end), after the floats carried in
 * (`carry`, set first at the tops of the columns). Keeps the last line of a paragraph
 * from opening a column when `widows` (CL-PA-06), a heading with what must follow it
 * (keep_need), and a split table with two body rows on each side. A float (figure,
 * chart, small table) that does not fit where it stands waits for the top of the next
 * column while the text after it fills the space; floats keep their order. Returns the
 * first piece that did not fit; floats still waiting are stats->left. The placement is
 * written to pl (which is always needed, as breaks look back at it). */
static int fill(const flow *f, int i, int end, const int *carry, int ncarry, float H, bool widows,
                placement *pl, fill_stats *stats)
{
    int cols = f->g->cols > 8 ? 8 : f->g->cols;
    fill_stats st = { 0 };
    int col = 0, k = i;
    float y = 0, maxy = 0;
    int wait[FLOW_MAX_WAIT], nwait = 0;  /* floats waiting for a column top, in order */
    for (int c = 0; c < ncarry && nwait < FLOW_MAX_WAIT; c++)
        wait[nwait++] = carry[c];
    pl->n = 0;
    while (col < cols) {
        /* A column's top takes the waiting floats first, in order, while they fit. */
        while (y == 0 && nwait > 0 && f->pc[wait[0]].h_top <= H + EPS) {
            if (place(pl, wait[0], col, 0, false, true))
                return -1;
            y = f->pc[wait[0]].h_top;
            memmove(wait, wait + 1, (size_t)--nwait * sizeof *wait);
        }
        for (; y > 0 && nwait > 0 && y + f->pc[wait[0]].h <= H + EPS;) {
            /* …and more below them when the column is otherwise done. */
            if (k < end)
                break;
            if (place(pl, wait[0], col, y, false, false))
                return -1;
            y += f->pc[wait[0]].h;
            memmove(wait, wait + 1, (size_t)--nwait * sizeof *wait);
        }
        if (y > maxy)
            maxy = y;
        if (y > 0) {
            st.colh[col] = y;
            if (col + 1 > st.ncols)
                st.ncols = col + 1;
        }
        if (k >= end) {
            if (nwait == 0 || y == 0)
                break;                   /* done, or the floats need a taller band */
            col++, y = 0;
            continue;
        }
        const piece *p = &f->pc[k];
        float top = is_text(p) ? snap(f, y) : y;
        bool at_top = top == 0;
        float h = at_top ? p->h_top : p->h;
        if (p->flags & PF_FLOAT) {
            if (nwait == 0 && top + h <= H + EPS) {
                if (place(pl, k, col, top, false, at_top))
                    return -1;
                y = top + h;
            } else if (nwait < FLOW_MAX_WAIT && (col + 1 < cols || !at_top)) {
                wait[nwait++] = k;       /* the text after it fills the space before it */
            } else {
                break;                   /* too many waiting: the page is done */
            }
            k++;
            continue;
        }
        float rep = (at_top && p->kind == PK_ROW) ? repeat_h(f, p) : 0;
        float need = rep + h + keep_need(f, k, end);
        if (need > flow_text_h(f->g) + EPS)
            need = rep + h;              /* a chain of keeps longer than a whole column */
        if (top + need <= H + EPS) {
            if (rep > 0) {
                const box *bx = f->boxes[p->obj];
                int r0 = k - (p->line - bx->caption_rows);
                for (int r = 0; r < bx->nrepeat; r++) {
                    if (place(pl, r0 + r, col, top, true, true))
                        return -1;
                    top += f->pc[r0 + r].h_top;
                }
            }
            if (place(pl, k, col, top, false, at_top))
                return -1;
            y = top + h;
            if (y > maxy)
                maxy = y;
            st.colh[col] = y;
            if (col + 1 > st.ncols)
                st.ncols = col + 1;
            k++;
            continue;
        }
        st.over[col] = top + need - H;
        st.textnext[col] = is_text(p);
        st.brk[col] = k;
        if (at_top && rep + h > H + EPS)
            break;                       /* this band is too low for the piece */
        /* A column break before p. CL-PA-06: the last line of a paragraph does not
         * open a column alone. */
        if (widows && p->kind == PK_LINE && (p->flags & PF_LAST) && p->nlines >= 2 &&
            k > i && f->pc[k - 1].kind == PK_LINE && f->pc[k - 1].obj == p->obj &&
            y > f->g->pitch && !(f->pc[k - 1].flags & PF_FIRST) && pl->n > 0 &&
            pl->v[pl->n - 1].piece == k - 1 && !heading_keeps(f, k - 1)) {
            k--;
            pl->n--;
            st.colh[col] -= f->pc[k].h;
        } else if (widows && p->kind == PK_LINE && (p->flags & PF_LAST) && p->nlines == 2 &&
                   k > i && f->pc[k - 1].obj == p->obj && pl->n > 0 &&
                   pl->v[pl->n - 1].piece == k - 1 && pl->v[pl->n - 1].y > 0 &&
                   !heading_keeps(f, k - 1)) {
            /* …nor is a two-line paragraph torn in two: it goes on whole. */
            k--;
            pl->n--;
            st.colh[col] = pl->v[pl->n].y;
        }
        /* A table splits with two body rows on each side: rows go back to the next
         * column until two follow, and when fewer than two would stay, the whole run
         * moves on (unless it opened the column: then it has to split here). */
        if (p->kind == PK_ROW && k > i && f->pc[k - 1].kind == PK_ROW &&
            f->pc[k - 1].obj == p->obj)
            k = table_break(f, pl, &st, col, k, end);
        col++;
        y = 0;
    }
    st.used = maxy;
    for (int c = 0; c < st.ncols; c++)
        if (st.colh[c] > st.used)
            st.used = st.colh[c];
    memcpy(st.left, wait, (size_t)nwait * sizeof *wait);
    st.nleft = nwait;
    if (stats)
        *stats = st;
    return k;
}

/* ---- pages ---- */


static int draw_span_rows(flow *f, page_state *ps, int piece_i, int r0, int r1);

static int new_page(flow *f, page_state *ps, int section)
{
    int p = dl_page_add(f->d);
    if (p < 0) {
        if (f->d->npages >= DL_MAX_PAGES && f->at >= 0 && f->at < f->npc)
            diag_error_at(f->t->d, f->doc->src, f->doc->blocks[f->pc[f->at].block].src,
                          "the text from here on goes past page %d, the most an issue may "
                          "have (a 简报 has about 80): split it into several issues",
                          DL_MAX_PAGES);
        else if (f->d->npages >= DL_MAX_PAGES)
            diag_error(f->t->d, f->doc->src->path, 0, 0,
                       "the issue needs more than %d pages, the most an issue may have (a "
                       "简报 has about 80): split it into several issues", DL_MAX_PAGES);
        return -1;
    }
    ps->page = p;
    ps->y = 0;
    ps->lines = 0;
    ps->section = section;
    const char *name = section >= 0 ? f->sections[section] : "";
    ps->named = section;
    if (dl_set_str(&f->d->pages[p].section, name))
        return -1;
    /* Boxes across the columns that did not fit at the foot of the last page open
     * this one, with a line of space under each. */
    int n = ps->npending;
    ps->npending = 0;
    for (int k = 0; k < n; k++) {
        const box *bx = f->boxes[f->pc[ps->pending[k]].obj];
        float whole = box_rows_h(bx, 0, bx->nrows);
        if (ps->y + whole > flow_text_h(f->g) + EPS) {
            /* The rest wait for the page after. */
            memmove(ps->pending, ps->pending + k, (size_t)(n - k) * sizeof *ps->pending);
            ps->npending = n - k;
            break;
        }
        if (draw_span_rows(f, ps, ps->pending[k], 0, bx->nrows))
            return -1;
        ps->y = snap(f, ps->y + whole + f->g->pitch);
    }
    return 0;
}

static void anchor(flow *f, const piece *p, int page, float y)
{
    if (p->outline >= 0 && p->outline < f->d->noutline) {
        f->d->outline[p->outline].page = page;
        f->d->outline[p->outline].y = y;
    }
}

/* Counts n more lines of s drawn; once all are, its glyphs are in the display list
 * and its shaped paragraph is freed (only the line count and breaks stay). */
static void drawn(setter *s, int n)
{
    s->drawn += n;
    if (s->drawn >= s->r.n) {
        para_free(s->p);
        s->p = NULL;
    }
}

static int draw_setter_lines(flow *f, setter *s, int page, float x, float y_top, float lead)
{
    for (int l = 0; l < s->r.n; l++) {
        float base = y_top + l * lead + typeset_baseline(lead, s->ts->size);
        if (typeset_emit_line(s->p, &s->r, l, f->d, page, x + s->x_off, base, s->measure, s->align))
            return -1;
    }
    drawn(s, s->r.n);
    return 0;
}

/* The English tag the style gives section `name` ("name: tag | name: tag"), or NULL. */
static char *opener_tag(const char *tags, const char *name)
{
    size_t n = strlen(name);
    for (const char *s = tags; s && *s;) {
        while (*s == ' ' || *s == '|')
            s++;
        const char *end = strchr(s, '|');
        if (!end)
            end = s + strlen(s);
        const char *colon = memchr(s, ':', (size_t)(end - s));
        if (colon) {
            const char *k1 = colon;
            while (k1 > s && k1[-1] == ' ')
                k1--;
            if ((size_t)(k1 - s) == n && memcmp(s, name, n) == 0) {
                const char *v = colon + 1, *v1 = end;
                while (v < v1 && *v == ' ')
                    v++;
                while (v1 > v && v1[-1] == ' ')
                    v1--;
                return v1 > v ? strndup(v, (size_t)(v1 - v)) : NULL;
            }
        }
        s = end;
    }
    return NULL;
}

/* The opener's English tag and rule. */
static int opener_marks(flow *f, const piece *p, int page, float x, float base)
{
    const style *st = f->t->st;
    const setter *s = &f->set[p->obj];
    char *tag = opener_tag(st->opener_tags, f->sections[p->section]);
    if (tag) {
        para *tp = typeset_plain(f->t, tag, &st->opener);
        free(tag);
        if (!tp)
            return -1;
        typeset_line(f->t, tp, &st->opener, f->d, page, x, base, f->g->text_w, st->opener.align);
        para_free(tp);
    }
    if (st->opener_rule <= 0)
        return 0;
    float ry = base + s->ts->size * st->opener_rule_gap;
    return dl_rule_add(f->d, page, x, ry, x + f->g->text_w, ry, st->opener_rule, st->accent) ? 0 : -1;
}

/* A section's opener: its English tag at the right of the name's last baseline, a
 * rule under both across the text width; on top of a page, the page carries no
 * running head (front_running). */
static int draw_opener(flow *f, const piece *p, int page, float x, float base, bool top)
{
    if (top)
        f->d->pages[page].opener = true;
    /* The tag and the rule repeat what the name says: furniture, not text to read. */
    int elem = f->d->elem;
    f->d->elem = DL_ARTIFACT;
    int rc = opener_marks(f, p, page, x, base);
    f->d->elem = elem;
    return rc;
}

/* A heading or title in its box of height h starting at y: its space before (unless
 * at the top), its lines, the rest of the rounding below. */
static int draw_heading(flow *f, const piece *p, int page, float x, float y, bool at_top)
{
    setter *s = &f->set[p->obj];
    float before = at_top ? 0 : s->ts->space_before;
    float h = at_top ? p->h_top : p->h;
    float body = s->r.n * s->ts->leading;
    float slack = h - before - body - s->ts->space_after;
    float y0 = y + before + (slack > 0 ? slack / 2 : 0);
    anchor(f, p, page, y0);
    if (draw_setter_lines(f, s, page, x, y0, s->ts->leading))
        return -1;
    /* A section's name on top of a page is its opener; so is one run in under the
     * section before when sections open pages. */
    if (f->doc->blocks[p->block].kind == DOC_SECTION && p->section >= 0 &&
        (at_top || f->t->st->section_new_page)) {
        float base = y0 + (s->r.n - 1) * s->ts->leading + typeset_baseline(s->ts->leading, s->ts->size);
        return draw_opener(f, p, page, x, base, at_top);
    }
    return 0;
}

static int draw_piece(flow *f, const piece *p, int page, float x, float y, bool at_top)
{
    if (f->dry)
        return 0;
    static const dl_role roles[] = { [PK_LINE] = DL_ROLE_BODY,    [PK_HEAD] = DL_ROLE_HEADING,
                                     [PK_ROW] = DL_ROLE_BOX,      [PK_RULE] = DL_ROLE_BODY,
                                     [PK_SPAN] = DL_ROLE_TITLE,   [PK_SPANROW] = DL_ROLE_BOX,
                                     [PK_SECTION] = DL_ROLE_NONE };
    f->d->role = roles[p->kind];
    f->d->block = p->block;
    bool text = p->kind == PK_LINE || p->kind == PK_HEAD || p->kind == PK_SPAN;
    f->d->elem = text ? f->set[p->obj].elem : DL_ARTIFACT;
    switch (p->kind) {
    case PK_LINE: {
        setter *s = &f->set[p->obj];
        float base = y + typeset_baseline(f->g->pitch, s->ts->size);
        uint32_t n0 = f->d->pages[page].n;
        if (typeset_emit_line(s->p, &s->r, p->line, f->d, page, x + s->x_off, base, s->measure,
                              s->align))
            return -1;
        if (p->line == 0 && s->lbl >= 0)
            dl_tag_split(f->d, page, n0, s->lbl_bytes, s->lbl);
        drawn(s, 1);
        return 0;
    }
    case PK_HEAD:
    case PK_SPAN:
        return draw_heading(f, p, page, x, y, at_top);
    case PK_ROW:
    case PK_SPANROW: {
        const box *bx = f->boxes[p->obj];
        return bx->draw(bx, f->d, page, x, y + (at_top ? 0 : p->pad), p->line, p->line + p->nrows);
    }
    case PK_RULE: {
        float cx = x + f->g->colw / 2, cy = y + f->g->pitch / 2;
        float half = f->t->st->break_width / 2;
        return dl_rule_add(f->d, page, cx - half, cy, cx + half, cy, f->t->st->break_weight,
                           f->t->st->rule)
                   ? 0
                   : -1;
    }
    default:
        return 0;
    }
}

/* Draws a filled band of columns at the page's current y. */
/* Where a paragraph's lines went, for the looseness pass. */
static void note_line(flow *f, const piece *p, int page, int col)
{
    setter *s = &f->set[p->obj];
    if (p->line == 0)
        s->first_page = page;
    if (p->line == s->r.n - 1) {
        s->last_page = page;
        s->last_col = col;
        s->band = f->band;
    }
}

static int draw_band(flow *f, page_state *ps, const placement *pl, float band_h)
{
    float x0 = flow_left(f->g, ps->page), y0 = f->g->top + ps->y;
    int last_col = 0;
    f->band++;
    for (int i = 0; i < pl->n; i++) {
        const placed *q = &pl->v[i];
        const piece *p = &f->pc[q->piece];
        float x = x0 + q->col * (f->g->colw + f->g->gap);
        f->d->col = q->col;
        int rc;
        if (p->kind == PK_ROW) {
            /* Consecutive rows of one box in one column are one chunk: the table draws
             * its rules once around it. */
            int m = i;
            while (m + 1 < pl->n && pl->v[m + 1].col == q->col &&
                   pl->v[m + 1].repeat == q->repeat &&
                   f->pc[pl->v[m + 1].piece].kind == PK_ROW &&
                   f->pc[pl->v[m + 1].piece].obj == p->obj &&
                   f->pc[pl->v[m + 1].piece].line ==
                       f->pc[pl->v[m].piece].line + f->pc[pl->v[m].piece].nrows)
                m++;
            const box *bx = f->boxes[p->obj];
            const piece *last = &f->pc[pl->v[m].piece];
            f->d->role = DL_ROLE_BOX;
            f->d->block = p->block;
            float yb = y0 + q->y + (q->compact ? 0 : p->pad);
            rc = f->dry ? 0 : bx->draw(bx, f->d, ps->page, x, yb, p->line, last->line + last->nrows);
            i = m;
        } else {
            rc = draw_piece(f, p, ps->page, x, y0 + q->y, q->compact);
            if (p->kind == PK_LINE) {
                note_line(f, p, ps->page, q->col);
                ps->lines++;
                ps->last_block = p->block;
            }
        }
        f->d->col = -1;
        f->d->block = -1;
        f->d->elem = DL_ARTIFACT;
        if (rc)
            return -1;
        if (p->section >= 0 && p->section != ps->section) {
            ps->section = p->section;
            dl_set_str(&f->d->pages[ps->page].section, f->sections[p->section]);
        }
        if (q->col > last_col)
            last_col = q->col;
    }
    /* A rule between columns that both hold text. */
    f->d->role = DL_ROLE_NONE;            /* decoration, not part of the text */
    if (!f->dry && f->t->st->column_rule > 0 && last_col > 0 && band_h > 0)
        for (int c = 1; c <= last_col; c++) {
            float rx = x0 + c * (f->g->colw + f->g->gap) - f->g->gap / 2;
            if (!dl_rule_add(f->d, ps->page, rx, y0, rx, y0 + band_h, f->t->st->column_rule,
                             f->t->st->rule))
                return -1;
        }
    return 0;
}

static flow_spot spot_of(const page_state *ps)
{
    return (flow_spot){ ps->section, ps->page - ps->first };
}

static bool settled(const flow *f, const page_state *ps)
{
    flow_spot at = spot_of(ps);
    for (int i = 0; i < f->nsettled; i++)
        if (f->settled[i].section == at.section && f->settled[i].nth == at.nth)
            return true;
    return false;
}

/* Records the first gap of a pass that more or fewer lines before it could close: the
 * candidates are the paragraphs wholly on the page ps is at, before the gap (in an
 * earlier band, or in this band up to column col; col < 0: every column), or on the
 * pages from `from` on. */
static void problem_from(flow *f, const page_state *ps, int from, int more, int less, int col)
{
    int page = ps->page;
    if (f->prob.set || settled(f, ps) || (more <= 0 && less <= 0))
        return;
    flow_problem *pb = &f->prob;
    pb->set = true;
    pb->page = page;
    pb->spot = spot_of(ps);
    pb->more = more;
    pb->less = less;
    pb->ncands = 0;
    for (int i = 0; i < f->nset; i++) {
        const setter *s = &f->set[i];
        if (!s->is_para || s->first_page < from || s->first_page > page || s->last_page < from ||
            s->last_page > page || s->r.n < 2)
            continue;
        if (col >= 0 && s->band == f->band && s->last_col > col)
            continue;
        if (!VEC_PUSH_ROOM(pb->cands, pb->capcands, pb->ncands))
            return;
        pb->cands[pb->ncands++] = i;
    }
}

static void problem(flow *f, const page_state *ps, int more, int less, int col)
{
    problem_from(f, ps, ps->page, more, less, col);
}

/* A section that ends on a page less than a third full, which no paragraph set a line
 * tighter could empty. */
static int report_short_end(flow *f, const page_state *ps)
{
    const doc_block *b = &f->doc->blocks[ps->last_block];
    int pct = (int)(100 * ps->y / flow_text_h(f->g));
    if (f->doc->src)
        diag_warning_at(f->t->d, f->doc->src, b->src,
                        "page %d, the last of its section, is only %d%% full (%d lines end "
                        "here): no paragraph of the section could be set a line tighter to "
                        "take them back; cutting about %d lines from the section empties that "
                        "page, adding text fills it", ps->page + 1, pct, ps->lines, ps->lines);
    return dl_gap_add(f->d, ps->page, -1, ps->last_block, (float)ps->lines) < 0 ? -1 : 0;
}

/* The pieces of one band: from i up to the next spanning piece or section. */
static int band_end(const flow *f, int i)
{
    int j = i;
    while (j < f->npc && f->pc[j].kind != PK_SPAN && f->pc[j].kind != PK_SPANROW &&
           f->pc[j].kind != PK_SECTION)
        j++;
    return j;
}

static float total_h(const flow *f, int i, int j)
{
    float h = 0;
    for (int k = i; k < j; k++)
        h += f->pc[k].h;
    return h;
}

/* A column (col -1: the text area) the flow could not fill before text that moved on
 * (block): a warning at that text, and a note on the display list. */
static int report_gap_why(flow *f, int page, int col, int block, float lines, const char *why)
{
    const doc_block *b = block >= 0 && block < f->doc->nblocks ? &f->doc->blocks[block] : NULL;
    if (b && f->doc->src)
        diag_warning_at(f->t->d, f->doc->src, b->src, "page %d%s ends %.0f lines short: %s",
                        page + 1, col >= 0 ? (col == 0 ? ", left column," : ", right column,") : "",
                        (double)lines, why);
    return dl_gap_add(f->d, page, col, block, lines) < 0 ? -1 : 0;
}

/* What block is, in a gap's message. */
static const char *gap_what(const flow *f, int block)
{
    const doc_block *b = block >= 0 && block < f->doc->nblocks ? &f->doc->blocks[block] : NULL;
    return !b ? "text" : b->kind == DOC_ARTICLE ? "title" : b->kind == DOC_HEADING ? "heading"
                                                                                   : "text";
}

static int report_gap(flow *f, int page, int col, int block, float lines)
{
    const char *what = gap_what(f, block);
    char why[300];
    snprintf(why, sizeof why, "this %s and the lines that must go with it do not fit there, and "
             "no paragraph before it could be set a line longer or shorter; lengthening or "
             "shortening a paragraph on that page closes the gap", what);
    return report_gap_why(f, page, col, block, lines, why);
}

/* Where a column may take whole lines of space: before a heading, around a float,
 * before a list or a quotation (not at the column's top). */
static bool stretch_slot(const flow *f, const placed *q)
{
    const piece *p = &f->pc[q->piece];
    if (q->compact || q->repeat)
        return false;
    return p->kind == PK_HEAD || (p->flags & PF_FLOAT) ||
           (p->kind == PK_LINE && p->line == 0 && f->set[p->obj].opens);
}

/* A full page's column that ends whole lines short before text (a heading or a float
 * that moved on, and no paragraph before it could be set a line longer or shorter)
 * gets those lines as space before its headings, floats, lists and quotations, whole
 * lines each, so its text still ends at the foot and stays on the grid. A column with
 * neither keeps its gap, which the flow reports (`reported`: the last column whose gap
 * was, so that one cause is reported once; -2 when the band ends its section). */
static int stretch_column(flow *f, int page, placement *pl, const fill_stats *fs, int col, float H,
                          int *reported)
{
    int lines = (int)floorf((H - fs->colh[col]) / f->g->pitch + 0.01f);
    if (lines < 2 || (!fs->textnext[col] && fs->colh[col] == 0))
        return 0;
    int slots = 0;
    for (int m = 0; m < pl->n; m++)
        slots += pl->v[m].col == col && stretch_slot(f, &pl->v[m]);
    if (slots == 0) {
        if (!fs->textnext[col]) {
            /* The last column of a balanced band that keeps (a heading with its lines,
             * a float) left short: reported at what opened the column. */
            int first = -1;
            for (int m = 0; m < pl->n && first < 0; m++)
                if (pl->v[m].col == col)
                    first = pl->v[m].piece;
            if (col == 0 || fs->colh[col] == 0 || first < 0 || *reported == -2)
                return 0;
            *reported = col;
            return report_gap_why(f, page, col, f->pc[first].block, (float)lines,
                                  "its columns could not be evened (a heading keeps its lines, "
                                  "a figure or table its place); lengthening or shortening a "
                                  "paragraph beside it evens them");
        }
        /* Empty columns after a reported one broke before the same piece: one gap,
         * the page's, reported once. */
        if (col > 0 && *reported == col - 1 && fs->colh[col] == 0 &&
            fs->brk[col] == fs->brk[col - 1]) {
            *reported = col;
            return 0;
        }
        *reported = col;
        int cols = f->g->cols > 8 ? 8 : f->g->cols;
        bool rest_empty = col + 1 < cols;
        for (int c = col + 1; c < cols; c++)
            rest_empty = rest_empty && fs->colh[c] == 0 && fs->brk[c] == fs->brk[col];
        return report_gap(f, page, rest_empty ? -1 : col, f->pc[fs->brk[col]].block,
                          (float)lines);
    }
    int each = lines / slots, extra = lines % slots, shift = 0;
    for (int m = 0; m < pl->n; m++) {
        placed *q = &pl->v[m];
        if (q->col != col)
            continue;
        if (stretch_slot(f, q))
            shift += each + (extra-- > 0 ? 1 : 0);
        q->y += (float)shift * f->g->pitch;
    }
    return 0;
}

/* A balanced band that left columns empty beside the others (a heading and its
 * figure, and nothing more to set beside them): a gap, reported at the band's first
 * block, once; further empty columns are noted with it. A paragraph of two lines
 * alone is no gap: it is never torn a line to each column. Returns -1 on failure. */
static int report_empty_columns(flow *f, int page, const fill_stats *fs, int i, int j)
{
    bool couplet = true;
    for (int m = i; m < j && couplet; m++)
        couplet = f->pc[m].kind == PK_LINE && f->pc[m].obj == f->pc[i].obj && f->pc[m].nlines <= 2;
    int lines = (int)floorf(fs->used / f->g->pitch + 0.01f);
    if (couplet || lines < 2 || i >= j)
        return 0;
    bool said = false;
    for (int c = 1; c < f->g->cols && c < 8; c++) {
        if (fs->colh[c] > 0)
            continue;
        int rc = said ? (dl_gap_add(f->d, page, c, f->pc[i].block, (float)lines) < 0 ? -1 : 0)
                      : report_gap_why(f, page, c, f->pc[i].block, (float)lines,
                                       "nothing in its band could stand beside the rest (a "
                                       "heading keeps its lines, a figure or table its place); "
                                       "adding text to the band fills it");
        if (rc)
            return -1;
        said = true;
    }
    return 0;
}

/* Whether a fill took everything: all pieces, and no float left waiting. */
static bool fill_all(int k, int j, const fill_stats *fs) { return k >= j && fs->nleft == 0; }

/* Whether a placement sets a two-line paragraph a line in each column: a sentence
 * torn in two, which no evenness of columns is worth. */
static bool splits_couplet(const flow *f, const placement *pl)
{
    for (int m = 0; m + 1 < pl->n; m++) {
        const piece *a = &f->pc[pl->v[m].piece], *b = &f->pc[pl->v[m + 1].piece];
        if (a->kind == PK_LINE && b->kind == PK_LINE && a->obj == b->obj && a->nlines == 2 &&
            pl->v[m].col != pl->v[m + 1].col)
            return true;
    }
    return false;
}

/* The band height to fill with [i, j) when it all fits in room: the least height that
 * still takes it all with columns within a line of each other. Widow control gives way
 * when only it stands in the way (the columns' evenness is the stronger rule), but
 * never tears a two-line paragraph in two. */
static float balance(const flow *f, int i, int j, const int *carry, int ncarry, float room,
                     bool *widows, placement *scratch)
{
    fill_stats fs;
    float lo = snap(f, total_h(f, i, j) / f->g->cols) - 2 * f->g->pitch;
    if (lo < f->g->pitch)
        lo = f->g->pitch;
    for (float h = lo; h < room + EPS; h += f->g->pitch)
        for (int w = *widows ? 1 : 0; w >= 0; w--)
            if (fill_all(fill(f, i, j, carry, ncarry, h, w, scratch, &fs), j, &fs) &&
                spread(f, &fs) <= f->g->pitch + EPS && !splits_couplet(f, scratch)) {
                *widows = w;
                return h;
            }
    /* No height evens the columns (floats, keeps): the one that comes closest. */
    *widows = f->t->st->widows;
    float best = room, best_spread = 1e9f;
    for (float h = lo; h < room + EPS; h += f->g->pitch)
        if (fill_all(fill(f, i, j, carry, ncarry, h, *widows, scratch, &fs), j, &fs)) {
            /* A torn couplet counts as worse than any unevenness. */
            float sp = spread(f, &fs) + (splits_couplet(f, scratch) ? room : 0);
            if (sp < best_spread - EPS) {
                best = h;
                best_spread = sp;
            }
        }
    return best;
}

/* Places the column pieces [i, j) from the page's current y, over as many pages as
 * needed; the last band is balanced. Floats that find no room on a page open the
 * next one. */
static int flow_band(flow *f, page_state *ps, int i, int j)
{
    placement pl = { 0 }, scratch = { 0 };
    int rc = -1, carry[FLOW_MAX_WAIT], ncarry = 0;
    while (i < j || ncarry > 0) {
        f->at = i < j ? i : carry[0];
        float room = flow_text_h(f->g) - ps->y;
        if (room < f->g->pitch - EPS) {
            if (new_page(f, ps, ps->section))
                goto out;
            continue;
        }
        bool widows = f->t->st->widows;
        fill_stats fs;
        int k = fill(f, i, j, carry, ncarry, room, widows, &scratch, &fs);
        if (k < 0)
            goto out;
        float H = room;
        if (fill_all(k, j, &fs)) {
            H = balance(f, i, j, carry, ncarry, room, &widows, &scratch);
        } else if (widows && spread(f, &fs) > f->g->pitch + EPS) {
            /* A full page whose columns end unevenly: try without widow control. */
            fill_stats nw;
            if (fill(f, i, j, carry, ncarry, room, false, &scratch, &nw) >= 0 &&
                spread(f, &nw) < spread(f, &fs))
                widows = false;
        }
        k = fill(f, i, j, carry, ncarry, H, widows, &pl, &fs);
        if (k < 0)
            goto out;
        if (pl.n == 0) {
            /* Nothing fits in what is left of the page; on an empty page that would be
             * a piece taller than a column, which box_new never makes. */
            if (ps->y == 0) {
                diag_error_general(f->t->d, "internal: nothing fits on an empty page (page %d)",
                                   ps->page + 1);
                goto out;
            }
            /* The rest of the page stays empty: worth a word when text is what moved. */
            int lines = (int)floorf(room / f->g->pitch + 0.01f);
            if (!f->dry && lines >= 2 && fs.textnext[0] &&
                report_gap(f, ps->page, -1, f->pc[fs.brk[0]].block, (float)lines))
                goto out;
            if (new_page(f, ps, ps->section))
                goto out;
            continue;
        }
        bool all = fill_all(k, j, &fs);
        /* Columns short of the band's foot (a full page's, or the tallest column of a
         * balanced band) by two lines or more: see stretch_column. */
        if (!f->dry) {
            float target = all ? fs.used : H;
            /* The last column whose gap was reported; -2: the band ends its section
             * (uneven columns there are no gap). */
            int reported = all && (j >= f->npc || f->pc[j].kind == PK_SECTION) ? -2 : -1;
            for (int c = 0; c < f->g->cols && c < 8; c++)
                if ((!all || fs.colh[c] > 0) &&
                    stretch_column(f, ps->page, &pl, &fs, c, target, &reported))
                    goto out;
            if (all && reported == -1 && report_empty_columns(f, ps->page, &fs, i, j))
                goto out;
        }
        if (draw_band(f, ps, &pl, all ? snap(f, fs.used) : H))
            goto out;
        if (!all) {
            /* A full page: a column that ends more than a line short before text is a
             * gap to close. */
            for (int c = 0; c < fs.ncols; c++)
                if (fs.colh[c] < H - f->g->pitch - EPS && fs.textnext[c]) {
                    int more = (int)floorf((H - fs.colh[c]) / f->g->pitch + 0.01f);
                    int less = (int)ceilf(fs.over[c] / f->g->pitch - 0.01f);
                    problem(f, ps, more, less, c);
                    break;
                }
        }
        i = k;
        ncarry = fs.nleft;
        memcpy(carry, fs.left, (size_t)ncarry * sizeof *carry);
        if (!all) {
            if (new_page(f, ps, ps->section))
                goto out;
        } else {
            ps->y += snap(f, fs.used);
        }
    }
    rc = 0;
out:
    free(pl.v);
    free(scratch.v);
    return rc;
}

/* The piece after the box whose rows start at piece k. */
static int box_end(const flow *f, int k)
{
    int obj = f->pc[k].obj;
    piece_kind kind = (piece_kind)f->pc[k].kind;
    while (k < f->npc && f->pc[k].kind == kind && f->pc[k].obj == obj)
        k++;
    return k;
}

/* Whether the box across the columns starting at piece k is a float: a figure, chart
 * or table a page can hold whole (code stays where it is in the text). */
static bool span_is_float(const flow *f, int k)
{
    const piece *p = &f->pc[k];
    const box *bx = f->boxes[p->obj];
    return p->line == 0 && f->doc->blocks[p->block].kind != DOC_CODE &&
           box_rows_h(bx, 0, bx->nrows) + f->g->pitch <= flow_text_h(f->g) + EPS;
}

/* Whether the heading at k is kept with a box across the columns that a page can hold
 * whole (a float: it may wait for the next page, the heading with it). */
static bool span_float_after(const flow *f, int k)
{
    if (!(f->pc[k].flags & PF_KEEP) || k + 1 >= f->npc)
        return false;
    const piece *b = &f->pc[k + 1];
    if (b->kind != PK_SPANROW || b->line != 0 || !span_is_float(f, k + 1))
        return false;
    const box *bx = f->boxes[b->obj];
    return f->pc[k].h_top + box_rows_h(bx, 0, bx->nrows) + f->g->pitch <= flow_text_h(f->g) + EPS;
}

/* Whether column text starts at piece k (not a new section, title or the end). */
static bool text_after(const flow *f, int k)
{
    return k < f->npc && f->pc[k].kind != PK_SECTION && f->pc[k].kind != PK_SPAN &&
           f->pc[k].kind != PK_SPANROW;
}

/* Whether the table across the columns at piece k runs over pages from where it is
 * though a page could hold it whole: it stands right under a title, and no column text
 * follows that could fill the page while it waited, so waiting would leave the title
 * alone on its page. It needs two body rows for each side of a break. */
static bool span_may_split(const flow *f, int k)
{
    const piece *p = &f->pc[k];
    const box *bx = f->boxes[p->obj];
    return p->line == 0 && k > 0 && f->doc->blocks[p->block].kind == DOC_TABLE &&
           bx->nrows - bx->caption_rows - bx->nrepeat >= 4 && f->pc[k - 1].kind == PK_SPAN &&
           (f->pc[k - 1].flags & PF_KEEP) && !text_after(f, box_end(f, k));
}

/* How much must follow a spanning piece on the same page: the next spanning pieces it
 * keeps with, plus two lines of the columns below. */
/* The rows a box across the columns keeps with its first body row: its caption and
 * header. */
static int box_head_rows(const box *bx) { return bx->caption_rows + bx->nrepeat; }

/* The body rows on each side of a break in such a box: two, or all of a short one. */
static int box_first_body(const box *bx)
{
    int nbody = bx->nrows - box_head_rows(bx);
    return nbody >= 4 ? 2 : nbody;
}

static float span_need(const flow *f, int i)
{
    float need = 0, pitch = f->g->pitch;
    int k = i;
    while (k < f->npc && (k == i || (f->pc[k - 1].flags & PF_KEEP))) {
        const piece *p = &f->pc[k];
        if (p->kind == PK_SPAN) {
            need += p->h;
            if (span_float_after(f, k) && text_after(f, box_end(f, k + 1))) {
                /* A heading over a float: the float may wait for the next page, the
                 * text after it coming up under the heading. */
                k = box_end(f, k + 1);
                break;
            }
            k++;
            continue;
        }
        if (p->kind != PK_SPANROW)
            break;
        const box *bx = f->boxes[p->obj];
        float whole = box_rows_h(bx, 0, bx->nrows);
        if (span_is_float(f, k) && !span_may_split(f, k)) {
            /* A box a page can hold is set whole, a line of space around it. */
            need += pitch + whole + pitch;
            k = box_end(f, k);
            break;
        }
        if (p->line == 0)
            /* A table that runs over pages opens with its caption, header and first
             * body rows (flow_span_box): all of them come with the title. */
            return need + pitch + box_rows_h(bx, 0, box_head_rows(bx) + box_first_body(bx));
        need += p->h;
        k++;
    }
    if (k < f->npc && f->pc[k].kind == PK_HEAD) {
        /* A heading opening the band under it keeps its two lines with it (the band
         * sets it as at a column top); a float under it may go to the next column. */
        float keep = keep_need(f, k, band_end(f, k));
        need += f->pc[k].h_top + (keep < 2 * pitch ? keep : 2 * pitch);
    } else if (k < f->npc && f->pc[k].kind != PK_SECTION && f->pc[k].kind != PK_SPAN) {
        need += 2 * pitch;
    }
    return need;
}

static int draw_span_rows(flow *f, page_state *ps, int piece_i, int r0, int r1)
{
    if (f->dry)
        return 0;
    const box *bx = f->boxes[f->pc[piece_i].obj];
    f->d->role = DL_ROLE_BOX;
    f->d->block = f->pc[piece_i].block;
    int rc = bx->draw(bx, f->d, ps->page, flow_left(f->g, ps->page), f->g->top + ps->y, r0, r1);
    f->d->block = -1;
    return rc;
}

/* A box set across all columns, from piece i (its first row), with a line of space
 * above (but at a page top) and below. One that a page can hold is a float: when it
 * does not fit in what is left of this page it waits for the next one (in order),
 * and the text after it fills this page (a table under a lone title runs over instead:
 * span_may_split). A longer one (a table) runs over pages, as
 * many rows as fit on each, drawn as one chunk; a continuation repeats the header
 * rows, the caption and header stay with the first body rows, and two body rows
 * stand on each side of every break. Returns the piece after the box. */
static int flow_span_box(flow *f, page_state *ps, int i)
{
    const box *bx = f->boxes[f->pc[i].obj];
    int end = i;
    while (end < f->npc && f->pc[end].kind == PK_SPANROW && f->pc[end].obj == f->pc[i].obj)
        end++;
    float pitch = f->g->pitch, whole = box_rows_h(bx, 0, bx->nrows);
    if (span_is_float(f, i) && !(span_may_split(f, i) && ps->npending == 0)) {
        /* Behind waiting boxes it waits too (they keep their order); with no room it
         * waits, or, when too many wait, the page ends and they open the next. */
        while (ps->y > 0 && (ps->npending > 0 || pitch + whole > flow_text_h(f->g) - ps->y + EPS)) {
            if (ps->npending < 8) {
                ps->pending[ps->npending++] = i;
                return end;
            }
            if (new_page(f, ps, ps->section))
                return -1;
        }
        if (ps->y > 0)
            ps->y += pitch;
        if (draw_span_rows(f, ps, i, 0, bx->nrows))
            return -1;
        ps->y = snap(f, ps->y + whole + pitch);
        return end;
    }
    int head = box_head_rows(bx);                 /* rows kept with the first body row */
    while (i < end) {
        int r0 = f->pc[i].line;
        if (ps->y > 0 && r0 == 0)
            ps->y += pitch;
        float room = flow_text_h(f->g) - ps->y;
        bool cont = r0 >= head;                   /* a continuation: repeat the header */
        float rep = cont ? box_rows_h(bx, bx->caption_rows, head) : 0;
        float used = rep;
        int k = i;
        while (k < end && used + f->pc[k].h <= room + EPS)
            used += f->pc[k].h, k++;
        /* Two body rows on each side of the break (or all, for a short table). */
        int body_here = (k - i) - (cont ? 0 : head - r0);
        int rest = end - k;
        int want = box_first_body(bx);
        if (rest > 0 && rest < want && body_here - (want - rest) >= want)
            k -= want - rest, body_here -= want - rest;
        if (k < end && body_here < want) {
            if (ps->y > 0) {
                if (room >= 2 * pitch - EPS) {
                    float first = rep + box_rows_h(bx, r0, r0 + (cont ? 0 : head - r0) + want);
                    int more = ((int)floorf(room / pitch + 0.01f) - 1) * f->g->cols;
                    int less = (int)ceilf((first - room) / pitch - 0.01f) * f->g->cols;
                    problem(f, ps, more, less, -1);
                }
                if (new_page(f, ps, ps->section))
                    return -1;
                continue;
            }
            if (k == i) {
                diag_error_general(f->t->d, "internal: a table row does not fit an empty page "
                                            "(page %d)", ps->page + 1);
                return -1;
            }
        }
        used = rep + box_rows_h(bx, r0, f->pc[k - 1].line + 1);
        float x = flow_left(f->g, ps->page), y = f->g->top + ps->y;
        f->d->role = DL_ROLE_BOX;
        f->d->block = f->pc[i].block;
        if (!f->dry && cont && bx->draw(bx, f->d, ps->page, x, y, bx->caption_rows, head))
            return -1;
        if (!f->dry && bx->draw(bx, f->d, ps->page, x, y + rep, r0, f->pc[k - 1].line + 1))
            return -1;
        f->d->block = -1;
        ps->y = snap(f, ps->y + used + (k >= end ? pitch : 0));
        i = k;
        if (i < end && new_page(f, ps, ps->section))
            return -1;
    }
    return end;
}

/* Takes the flow back to checkpoint k of the last pass: the pages after it go, and
 * the paragraphs set from there on are not placed yet. */
static int restore_ckpt(flow *f, int k, page_state *ps, int *moved, bool *page_empty)
{
    const flow_ckpt *c = &f->ck[k];
    dl_truncate(f->d, c->npages);
    *ps = c->ps;
    *moved = c->moved;
    *page_empty = c->page_empty;
    f->band = c->band;
    f->nck = k;
    for (int j = c->i; j < f->npc; j++)
        if (f->pc[j].kind == PK_LINE)
            f->set[f->pc[j].obj].first_page = f->set[f->pc[j].obj].last_page = -1;
    const char *name = ps->named >= 0 ? f->sections[ps->named] : "";
    return dl_set_str(&f->d->pages[ps->page].section, name) ? -1 : c->i;
}

/* Lays out the pages from checkpoint `from` of the last pass (-1: from the start). A
 * measuring pass stops at its first gap: only that one is fixed. */
static int flow_pages(flow *f, int from)
{
    page_state ps = { .page = -1, .section = -1, .named = -1 };
    int moved = -1;                   /* the title last moved to a new page */
    bool page_empty = true;
    int i = 0;
    if (from >= 0) {
        i = restore_ckpt(f, from, &ps, &moved, &page_empty);
        if (i < 0)
            return -1;
    } else {
        f->nck = 0;
        if (new_page(f, &ps, -1))
            return -1;
    }
    while (i < f->npc) {
        if (f->dry && f->prob.set)
            return 0;
        if (!VEC_PUSH_ROOM(f->ck, f->capck, f->nck))
            return -1;
        f->ck[f->nck++] = (flow_ckpt){ i, moved, f->band, f->d->npages, page_empty, ps };
        f->at = i;
        piece *p = &f->pc[i];
        if (p->kind == PK_SECTION) {
            /* Waiting figures belong to the section before: give them a page of their own
             * section rather than the next section's first page. */
            while (ps.npending > 0)
                if (new_page(f, &ps, ps.section))
                    return -1;
            bool run_in = false;
            if (f->t->st->section_new_page && !page_empty) {
                /* The section before ends on a page less than a third full: its last
                 * lines could go back if paragraphs on the page before were set a line
                 * tighter; when none can (the gap was given up), the next section
                 * opens on that page, if the style lets it, rather than leave it
                 * almost empty. */
                if (ps.page > ps.first && ps.y < flow_text_h(f->g) / 3 && ps.lines > 0) {
                    problem_from(f, &ps, ps.first, 0, ps.lines, -1);
                    run_in = f->t->st->section_run_in && settled(f, &ps);
                    if (!run_in && !f->dry && report_short_end(f, &ps))
                        return -1;
                }
                if (run_in) {
                    ps.y = snap(f, ps.y + f->t->st->section_run_in_space);
                } else {
                    if (new_page(f, &ps, p->section))
                        return -1;
                    page_empty = true;
                }
            }
            ps.first = ps.page;
            ps.section = p->section;
            /* The running head names the section the page begins with. */
            if (!run_in) {
                ps.named = p->section;
                dl_set_str(&f->d->pages[ps.page].section, f->sections[p->section]);
            }
            i++;
            continue;
        }
        if (p->kind == PK_SPANROW) {
            int next = flow_span_box(f, &ps, i);
            if (next < 0)
                return -1;
            page_empty = false;
            i = next;
            continue;
        }
        if (p->kind == PK_SPAN) {
            float room = flow_text_h(f->g) - ps.y;
            /* A title moves on when what must follow it does not fit — once: when even
             * a fresh page cannot hold it all, it is set where it is. */
            if (ps.y > 0 && span_need(f, i) > room + EPS && moved != i &&
                span_need(f, i) <= flow_text_h(f->g) + EPS) {
                moved = i;
                /* The title goes over: the page ends short, unless more lines fill it or
                 * fewer let the title in. */
                if (room >= 2 * f->g->pitch - EPS) {
                    int more = ((int)floorf(room / f->g->pitch + 0.01f) - 1) * f->g->cols;
                    int less = (int)ceilf((span_need(f, i) - room) / f->g->pitch - 0.01f) * f->g->cols;
                    problem(f, &ps, more, less, -1);
                    if (!f->dry && report_gap(f, ps.page, -1, p->block,
                                              floorf(room / f->g->pitch + 0.01f)))
                        return -1;
                }
                if (new_page(f, &ps, ps.section))
                    return -1;
                /* Boxes across the columns that waited open that page: under them it is
                 * no fresh page, and the title moves on again while what must follow it
                 * does not fit (each such page takes at least one of them, so this
                 * ends). Set there, it stood alone over the space they left. */
                while (ps.y > 0 && span_need(f, i) > flow_text_h(f->g) - ps.y + EPS) {
                    float left = floorf((flow_text_h(f->g) - ps.y) / f->g->pitch + 0.01f);
                    const char *what = gap_what(f, p->block);
                    char why[300];
                    snprintf(why, sizeof why, "the figures or tables that waited for this "
                             "page leave too little room under them for this %s and what "
                             "must go with it; moving one of them or this %s in the source "
                             "closes the gap", what, what);
                    if (!f->dry && left >= 2 &&
                        report_gap_why(f, ps.page, -1, p->block, left, why))
                        return -1;
                    if (new_page(f, &ps, ps.section))
                        return -1;
                }
            }
            /* Whatever must follow it, the title itself never goes past the foot (the
             * page it moved to may have filled with waiting floats). */
            room = flow_text_h(f->g) - ps.y;
            if (ps.y > 0 && p->h > room + EPS) {
                if (!f->dry && room >= 2 * f->g->pitch - EPS &&
                    report_gap(f, ps.page, -1, p->block, floorf(room / f->g->pitch + 0.01f)))
                    return -1;
                if (new_page(f, &ps, ps.section))
                    return -1;
            }
            bool top = ps.y == 0;
            float h = top ? p->h_top : p->h;
            float x = flow_left(f->g, ps.page), y = f->g->top + ps.y;
            if (draw_piece(f, p, ps.page, x, y, top))
                return -1;
            f->d->block = -1;
            ps.y = snap(f, ps.y + h);
            page_empty = false;
            i++;
            continue;
        }
        int j = band_end(f, i);
        if (flow_band(f, &ps, i, j))
            return -1;
        page_empty = false;
        i = j;
    }
    while (ps.npending > 0)
        if (new_page(f, &ps, ps.section))
            return -1;
    return 0;
}

static void flow_free(flow *f)
{
    for (int i = 0; i < f->nset; i++) {
        para_free(f->set[i].p);
        compose_result_free(&f->set[i].r);
        for (int k = 0; k < 2 * LOOSE_MAX + 1; k++)
            compose_result_free(&f->set[i].alt_r[k]);
    }
    free(f->set);
    for (int i = 0; i < f->nboxes; i++)
        box_free(f->boxes[i]);
    free(f->boxes);
    for (int i = 0; i < f->nsections; i++)
        free(f->sections[i]);
    free(f->sections);
    free(f->pc);
    free(f->rc);
    free(f->prob.cands);
    free(f->settled);
    free(f->ck);
}

typedef struct {
    int setter, dir;
    double cost;
} loosen;

static int cmp_loosen(const void *a, const void *b)
{
    const loosen *x = a, *y = b;
    if (x->cost != y->cost)
        return x->cost < y->cost ? -1 : 1;
    return x->setter - y->setter;    /* deterministic ties */
}

/* Recomposes setter s with looseness dir (its unit positions follow the result). */
static int recompose(flow *f, setter *s, int dir, compose_result *out)
{
    return typeset_compose_loose(f->t, s->p, s->ts, s->measure, s->indent, dir, out);
}

/* Whether setter s can be set at looseness L (within ±LOOSE_MAX), and its demerits
 * there; compositions are made once and remembered. */
static bool alt_at(flow *f, setter *s, int L, double *d)
{
    int i = L + LOOSE_MAX;
    if (!s->alt_known[i]) {
        compose_result r;
        s->alt_known[i] = true;
        if (recompose(f, s, L, &r) == 0) {
            s->units_at = L;
            /* A paragraph spaced out or squeezed visibly is worse than the gap. */
            s->alt_ok[i] = r.n == s->n0 + L && !r.overfull && !r.fallback && !r.emergency;
            s->alt_d[i] = r.demerits;
            if (s->alt_ok[i] && L != s->loose)
                s->alt_r[i] = r;
            else
                compose_result_free(&r);
        }
    }
    *d = s->alt_d[i];
    return s->alt_ok[i];
}

/* Composes again the setters whose units a trial left at another looseness, so the
 * drawing pass emits the breaks each is set with. */
static int restore_units(flow *f)
{
    for (int i = 0; i < f->nset; i++) {
        setter *s = &f->set[i];
        compose_result r;
        if (s->units_at == s->loose || !s->p)
            continue;
        if (recompose(f, s, s->loose, &r))
            return -1;
        compose_result_free(&r);
        s->units_at = s->loose;
    }
    return 0;
}

/* Closes the pass's gap by setting the cheapest paragraphs before it a line longer
 * (dir +1) or shorter (-1), like TeX's \looseness; a paragraph already moved may move
 * one line further the same way. Returns 1 when something changed. */
static int fix_problem(flow *f)
{
    flow_problem *pb = &f->prob;
    int n = pb->ncands;
    loosen *opt = calloc((size_t)(2 * n + 1), sizeof *opt);
    if (!opt)
        return -1;
    int nopt = 0;
    /* The paragraphs nearest the gap first: a change far above it moves more text. */
    int lo = n > 24 ? n - 24 : 0;
    for (int k = lo; k < n; k++) {
        setter *s = &f->set[pb->cands[k]];
        if (!s->alt_known[LOOSE_MAX]) {
            s->n0 = s->r.n;
            s->alt_known[LOOSE_MAX] = s->alt_ok[LOOSE_MAX] = true;
            s->alt_d[LOOSE_MAX] = s->r.demerits;
        }
        for (int dir = -1; dir <= 1; dir += 2) {
            int to = s->loose + dir;
            if (abs(to) > LOOSE_MAX || abs(to) <= abs(s->loose))
                continue;            /* only further from its own best breaks */
            double d_from, d_to;
            alt_at(f, s, s->loose, &d_from);
            if (alt_at(f, s, to, &d_to) && d_to - d_from <= LOOSE_MAX_COST)
                opt[nopt++] = (loosen){ pb->cands[k], dir, d_to - d_from };
        }
    }
    qsort(opt, (size_t)nopt, sizeof *opt, cmp_loosen);
    double cost[2] = { 0, 0 };
    int have[2] = { 0, 0 }, need[2] = { pb->less, pb->more };
    for (int k = 0; k < nopt; k++) {
        int d = opt[k].dir > 0;
        if (have[d] < need[d]) {
            have[d]++;
            cost[d] += opt[k].cost;
        }
    }
    bool ok_less = need[0] > 0 && have[0] == need[0], ok_more = need[1] > 0 && have[1] == need[1];
    int changed = 0;
    if (ok_less || ok_more) {
        int dir = ok_less && (!ok_more || cost[0] <= cost[1]) ? -1 : 1;
        int want = need[dir > 0], done = 0;
        for (int k = 0; k < nopt && done < want; k++) {
            if (opt[k].dir != dir)
                continue;
            setter *s = &f->set[opt[k].setter];
            int to = s->loose + dir;
            /* The trial's breaks when alt_at kept them, else composed again (which
             * moves the units there too). A setter only moves away from its best
             * breaks, so the ones it leaves are not kept. */
            compose_result r = s->alt_r[to + LOOSE_MAX];
            if (!r.lines) {
                if (recompose(f, s, to, &r))
                    continue;
                s->units_at = to;
            }
            memset(&s->alt_r[to + LOOSE_MAX], 0, sizeof r);
            compose_result_free(&s->r);
            s->r = r;
            s->loose = to;
            if (f->changed_page < 0 || s->first_page < f->changed_page)
                f->changed_page = s->first_page;
            if (getenv("JIANBAO_DEBUG"))
                fprintf(stderr, "flow: setter %d to looseness %d (%d lines)\n", opt[k].setter,
                        s->loose, s->r.n);
            done++;
            changed = 1;
        }
    }
    free(opt);
    return changed;
}

/* The checkpoint the next pass starts from when the layout changed from page `page` on
 * (or a gap there was given up): the last step begun two pages before, so that what
 * looks ahead from the page before (a title keeping lines under it) is decided
 * again. -1: from the start, always with JIANBAO_FLOW_FULL set (the tests compare). */
static int restart_from(const flow *f, int page)
{
    int k = -1;
    for (int j = 0; j < f->nck && !getenv("JIANBAO_FLOW_FULL") && f->ck[j].ps.page <= page - 2; j++)
        k = j;
    return k;
}

int flow_run(typeset_ctx *t, const doc *dc, const flow_geom *g, dl_doc *d)
{
    flow f = { 0 };
    f.t = t;
    f.doc = dc;
    f.g = g;
    f.d = d;
    int rc = -1;
    if (build_pieces(&f))
        goto out;
    /* What build_pieces made is the recipe; passes expand it. */
    f.rc = f.pc;
    f.nrc = f.npc;
    f.pc = NULL;
    f.npc = f.cappc = 0;
    f.dry = true;
    int first = d->npages;
    /* A pass lays out every page; where a column or page ends more than a line short,
     * paragraphs before the gap are set a line looser or tighter and the pass runs
     * again. Each pass fixes one gap or gives it up, so this ends. */
    /* Passes only measure; the last one, with nothing left to fix, draws. */
    int from = -1;
    for (int pass = 0; pass < 65; pass++) {
        if (from < 0) {
            dl_truncate(d, first);
            for (int i = 0; i < f.nset; i++)
                f.set[i].first_page = f.set[i].last_page = -1;
            f.band = 0;
        }
        f.prob.set = false;
        if (expand(&f) || flow_pages(&f, from))
            goto out;
        if (!f.dry)
            break;
        if (!f.prob.set || pass >= 63) {
            f.dry = false;           /* settled: this layout again, drawn */
            from = -1;
            if (restore_units(&f))
                goto out;
            continue;
        }
        f.changed_page = -1;
        int fixed = fix_problem(&f);
        if (fixed < 0)
            goto out;
        if (getenv("JIANBAO_DEBUG"))
            fprintf(stderr, "flow: pass %d: page %d needs %d more or %d fewer lines; %d candidates; %s\n",
                    pass, f.prob.page + 1, f.prob.more, f.prob.less, f.prob.ncands,
                    fixed ? "fixed" : "settled");
        if (!fixed) {
            if (!VEC_PUSH_ROOM(f.settled, f.capsettled, f.nsettled))
                goto out;
            f.settled[f.nsettled++] = f.prob.spot;
        }
        from = restart_from(&f, fixed ? f.changed_page : f.prob.page);
    }
    rc = 0;
out:
    flow_free(&f);
    return rc;
}
