/* boxtext — see boxtext.h. */
#include "layout/blocks/boxtext.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

float box_rows_h(const box *b, int r0, int r1)
{
    float h = 0;
    if (r0 < 0)
        r0 = 0;
    for (int r = r0; r < r1 && r < b->nrows; r++)
        h += b->row_h[r];
    return h;
}

void box_free(box *b)
{
    if (b && b->free)
        b->free(b);
}

box *box_alloc(int nrows)
{
    box *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->row_h = calloc((size_t)(nrows > 0 ? nrows : 1), sizeof *b->row_h);
    if (!b->row_h) {
        free(b);
        return NULL;
    }
    b->nrows = nrows;
    return b;
}

void box_free_shell(box *b)
{
    if (!b)
        return;
    free(b->row_h);
    free(b);
}

static void vmsg(typeset_ctx *t, size_t src, bool error, const char *fmt, va_list ap)
{
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (t->src && error)
        diag_error_at(t->d, t->src, src, "%s", msg);
    else if (t->src)
        diag_warning_at(t->d, t->src, src, "%s", msg);
    else if (error)
        diag_error(t->d, NULL, 0, 0, "%s", msg);
    else
        diag_warning(t->d, NULL, 0, 0, "%s", msg);
}

void box_warn(typeset_ctx *t, size_t src, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg(t, src, false, fmt, ap);
    va_end(ap);
}

void box_error(typeset_ctx *t, size_t src, const char *fmt, ...)
{
    /* After a missing font every text fails; that one message says it all. */
    if (t->font_error)
        return;
    va_list ap;
    va_start(ap, fmt);
    vmsg(t, src, true, fmt, ap);
    va_end(ap);
}

/* ---- box_text ---- */

style_text box_style_at(const style_text *ts, float size)
{
    style_text s = *ts;
    float k = ts->size > 0 ? size / ts->size : 1;
    s.size = size;
    s.leading = ts->leading * k;
    s.space_before = ts->space_before * k;
    s.space_after = ts->space_after * k;
    s.indent = ts->indent * k;
    return s;
}

int box_text_init(box_text *bt, typeset_ctx *t, const doc_text *dt, const char *plain,
                  const style_text *ts)
{
    memset(bt, 0, sizeof *bt);
    bt->ts = *ts;
    /* A style without a pitch (hand-made) still gets readable lines. */
    bt->lead = ts->leading > 0 ? ts->leading : ts->size * 1.4f;
    bt->nlines = 1;
    if (!dt) {
        bt->p = typeset_plain(t, plain ? plain : "", ts);
        return bt->p ? 0 : -1;
    }
    /* Inlines without text (a reader's slip) are skipped, never dereferenced. */
    doc_inline *in = malloc((size_t)(dt->nin > 0 ? dt->nin : 1) * sizeof *in);
    if (!in)
        return -1;
    doc_text ok = { in, 0 };
    for (int i = 0; i < dt->nin; i++)
        if (dt->in && dt->in[i].text)
            in[ok.nin++] = dt->in[i];
    bt->p = typeset_para(t, &ok, ts);
    free(in);
    return bt->p ? 0 : -1;
}

void box_text_free(box_text *bt)
{
    if (!bt)
        return;
    para_free(bt->p);
    compose_result_free(&bt->r);
    bt->p = NULL;
}

/* Composition with the context's clreq options; quiet ones report nothing (trial
 * layouts at measures that are not final). */
static int compose_as(typeset_ctx *t, para *p, const style_text *ts, float measure, bool quiet,
                      compose_result *r)
{
    typeset_ctx q = *t;
    if (quiet)
        q.src = NULL;
    return typeset_compose(quiet ? &q : t, p, ts, measure, 0, r);
}

static float widest(const compose_result *r)
{
    float w = 0;
    for (int l = 0; l < r->n; l++)
        if (r->lines[l].x0 + r->lines[l].width > w)
            w = r->lines[l].x0 + r->lines[l].width;
    return w;
}

float box_text_pref(box_text *bt, typeset_ctx *t)
{
    if (!bt->p || bt->p->nu == 0)
        return 0;
    style_text one = bt->ts;
    one.align = AL_LEFT;
    compose_result r;
    float w = 0;
    if (compose_as(t, bt->p, &one, 1e6f, true, &r) == 0)
        w = widest(&r);
    compose_result_free(&r);
    return w;
}

/* True when p composes at measure without an overfull line, first-fit or a word
 * broken inside (the composer's last resort, not a width to plan for). */
static bool fits_at(typeset_ctx *t, para *p, const style_text *ts, float measure)
{
    compose_result r;
    bool ok = compose_as(t, p, ts, measure, true, &r) == 0 && !r.overfull && !r.fallback &&
              !r.emergency;
    compose_result_free(&r);
    return ok;
}

float box_text_min(box_text *bt, typeset_ctx *t)
{
    if (!bt->p || bt->p->nu == 0)
        return 0;
    /* At a hair's measure first-fit sets every unbreakable piece on its own line:
     * the widest is a lower bound. */
    style_text ragged = bt->ts;
    ragged.align = AL_LEFT;
    compose_result r;
    float lo = 0;
    if (compose_as(t, bt->p, &ragged, 0.01f, true, &r) == 0)
        lo = widest(&r);
    compose_result_free(&r);
    float hi = box_text_pref(bt, t);
    if (hi < lo)
        hi = lo;
    if (fits_at(t, bt->p, &bt->ts, lo + 0.01f))
        return lo + 0.01f;
    /* No box is wider than the page: the search stays below it (when the text needs
     * more, its one-line width is answer enough). This also keeps every trial short:
     * Knuth–Plass weighs each break against the breaks a line back, so a trial at half
     * the text's width cost the square of its length (a long cell or chart label ran
     * for minutes). */
    float page = t->st && t->st->page_w > 0 ? t->st->page_w : hi;
    if (hi > page) {
        if (lo >= page || !fits_at(t, bt->p, &bt->ts, page))
            return hi;
        hi = page;
    }
    /* The last-line rule (CL-PA-05) or a forbidden break can need more: the
     * narrowest feasible measure lies between the bound and one line. */
    for (int i = 0; i < 14 && hi - lo > 0.02f; i++) {
        float mid = (lo + hi) / 2;
        if (fits_at(t, bt->p, &bt->ts, mid))
            hi = mid;
        else
            lo = mid;
    }
    return hi + 0.01f;
}

int box_text_compose(box_text *bt, typeset_ctx *t, float measure, bool quiet)
{
    compose_result_free(&bt->r);
    bt->measure = measure;
    bt->w = 0;
    bt->nlines = 1;
    if (!bt->p)
        return -1;
    if (compose_as(t, bt->p, &bt->ts, measure, quiet, &bt->r))
        return -1;
    bt->w = widest(&bt->r);
    if (bt->r.n > 1)
        bt->nlines = bt->r.n;
    return 0;
}

float box_text_h(const box_text *bt) { return (float)bt->nlines * bt->lead; }

float box_text_baseline(const box_text *bt, int l)
{
    return (float)l * bt->lead + typeset_baseline(bt->lead, bt->ts.size);
}

int box_text_draw(const box_text *bt, dl_doc *d, int page, float x, float y_top, float measure,
                  style_align al)
{
    return box_text_draw_lines(bt, d, page, x, y_top, measure, al, 0, bt->r.n);
}

int box_text_draw_lines(const box_text *bt, dl_doc *d, int page, float x, float y_top,
                        float measure, style_align al, int l0, int l1)
{
    if (l0 < 0)
        l0 = 0;
    if (l1 > bt->r.n)
        l1 = bt->r.n;
    for (int l = l0; l < l1; l++)
        if (typeset_emit_line(bt->p, &bt->r, l, d, page, x, y_top + box_text_baseline(bt, l),
                              measure, al))
            return -1;
    return 0;
}

bool box_text_nonempty(const doc_text *dt)
{
    for (int i = 0; dt && i < dt->nin; i++)
        if (dt->in[i].text && dt->in[i].text[0])
            return true;
    return false;
}

int box_caption_text(doc_text *out, char *lab, size_t lablen, const char *word, int number,
                     const doc_text *caption, size_t src)
{
    int n = caption ? caption->nin : 0;
    out->in = calloc((size_t)n + 1, sizeof *out->in);
    out->nin = 0;
    if (!out->in)
        return -1;
    bool text = box_text_nonempty(caption);
    if (number >= 1) {
        /* The label and the caption are separated by one ideographic space. */
        snprintf(lab, lablen, "%s%d%s", word, number, text ? "\xE3\x80\x80" : "");
        out->in[out->nin++] = (doc_inline){ lab, 0, NULL, src, false };
    }
    for (int i = 0; i < n; i++)
        if (caption->in[i].text)
            out->in[out->nin++] = caption->in[i];
    return 0;
}
