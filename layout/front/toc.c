/* toc — the contents page (目录 CONTENTS). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout/front/front.h"

typedef struct {
    typeset_ctx *t;
    const flow_geom *g;
    dl_doc *d;
    int first, npages;        /* pages reserved for the contents */
    bool draw;
    int page;                 /* current page, relative to first */
    float y;                  /* pt from the text area's top */
    int toc;                  /* structure: the TOC element (when drawing) */
} toc;

static int draw_text(toc *c, const char *s, const style_text *ts, float x, float base, float w,
                     style_align al, float *width)
{
    para *p = typeset_plain(c->t, s, ts);
    if (!p)
        return -1;
    float wd = c->draw ? typeset_line(c->t, p, ts, c->d, c->first + c->page, x, base, w, al)
                       : typeset_width(c->t, p, ts);
    para_free(p);
    if (width)
        *width = wd;
    return 0;
}

/* Dot leaders: small squares on the style's pitch, drawn as paths so that text
 * extraction reads "title 12", not a row of periods. */
static int leaders(toc *c, float x0, float x1, float base, dl_color col)
{
    float step = c->t->st->toc_leader_pitch, s = c->t->st->toc_leader_dot;
    float start = (float)((int)(x0 / step) + 1) * step;  /* aligned across entries */
    int elem = c->d->elem;
    c->d->elem = DL_ARTIFACT;
    for (float x = start; x + s <= x1; x += step)
        if (!dl_rect_add(c->d, c->first + c->page, x, base - s, s, s, col))
            return -1;
    c->d->elem = elem;
    return 0;
}

/* Moves to the next contents page when h does not fit on this one. */
static void need_room(toc *c, float h)
{
    if (c->y + h > flow_text_h(c->g) + 0.01f) {
        c->page++;
        c->y = 0;
    }
}

static int heading(toc *c)
{
    const style *st = c->t->st;
    float x = flow_left(c->g, c->first + c->page);
    const style_text *ts = &st->section;
    float base = typeset_baseline(ts->leading, ts->size) + c->g->top;
    float w = 0;
    if (c->draw)
        c->d->elem = dl_tag_block(c->d, DL_S_H, 1, 0, NULL);
    if (draw_text(c, "目录", ts, x, base, c->g->text_w, AL_LEFT, &w))
        return -1;
    style_text en = st->cover_org_en;
    en.color = st->accent;
    if (draw_text(c, "CONTENTS", &en, x + w + ts->size * st->toc_title_gap, base, 0, AL_LEFT,
                  NULL))
        return -1;
    c->y = ts->leading + ts->size * st->toc_rule_gap;
    if (c->draw)
        c->d->elem = DL_ARTIFACT;
    if (c->draw && !dl_rule_add(c->d, c->first + c->page, x, c->g->top + c->y,
                                x + c->g->text_w, c->g->top + c->y, st->toc_rule, st->accent))
        return -1;
    c->y += ts->size * st->toc_after_rule;
    if (c->draw)
        c->toc = dl_tag_block(c->d, DL_S_TOC, 0, 0, NULL);
    return 0;
}

/* One article entry: the title wrapped in the measure left of the number column,
 * leaders on its last line, the number flush right, a link over it all. */
static int article(toc *c, const dl_outline *o, const char *num)
{
    const style *st = c->t->st;
    const style_text *ts = &st->toc;
    float indent = st->toc_indent * ts->size, numw = st->toc_number_width * ts->size;
    float measure = c->g->text_w - indent - numw;
    para *p = typeset_plain(c->t, o->title, ts);
    if (!p)
        return -1;
    compose_result r;
    style_text ragged = *ts;
    ragged.align = AL_LEFT;
    if (typeset_compose(c->t, p, &ragged, measure, 0, &r)) {
        para_free(p);
        return -1;
    }
    float h = r.n * ts->leading;
    need_room(c, h);
    int page = c->first + c->page;
    float x = flow_left(c->g, page);
    float top = c->g->top + c->y;
    int rc = 0;
    if (c->draw && c->page < c->npages) {
        /* TOCI → P → Link: the title, its page number and the link annotation. */
        int toci = dl_elem_add(c->d, DL_S_TOCI, c->toc);
        int link = dl_elem_add(c->d, DL_S_LINK, dl_elem_add(c->d, DL_S_P, toci));
        c->d->elem = link;
        for (int l = 0; l < r.n && rc == 0; l++) {
            float base = top + l * ts->leading + typeset_baseline(ts->leading, ts->size);
            rc = typeset_emit_line(p, &r, l, c->d, page, x + indent, base, measure, AL_LEFT);
            if (l == r.n - 1 && rc == 0) {
                float end = x + indent + r.lines[l].x0 + r.lines[l].width;
                float nw = 0;
                rc = draw_text(c, num, ts, x + c->g->text_w - numw, base, numw, AL_RIGHT, &nw);
                if (rc == 0)
                    rc = leaders(c, end + ts->size * st->toc_leader_gap,
                                 x + c->g->text_w - nw - ts->size * st->toc_leader_gap, base,
                                 ts->color);
            }
        }
        dl_item *lk = rc == 0 ? dl_item_add(c->d, page, DL_LINK) : NULL;
        if (lk) {
            lk->u.link.x = x;
            lk->u.link.y = top;
            lk->u.link.w = c->g->text_w;
            lk->u.link.h = h;
            lk->u.link.page = o->page;
            lk->u.link.dest_y = o->y;
        } else if (rc == 0) {
            rc = -1;
        }
    }
    c->y += h;
    compose_result_free(&r);
    para_free(p);
    return rc;
}

static int section(toc *c, const dl_outline *o)
{
    const style_text *ts = &c->t->st->toc_section;
    float h = ts->space_before + ts->leading + ts->space_after;
    /* A section heading keeps with its first entry. */
    need_room(c, h + c->t->st->toc.leading);
    c->y += ts->space_before;
    int page = c->first + c->page;
    if (c->draw && c->page < c->npages) {
        c->d->elem = dl_elem_add(c->d, DL_S_P, dl_elem_add(c->d, DL_S_TOCI, c->toc));
        float base = c->g->top + c->y + typeset_baseline(ts->leading, ts->size);
        if (draw_text(c, o->title, ts, flow_left(c->g, page), base, c->g->text_w, AL_LEFT, NULL))
            return -1;
    }
    c->y += ts->leading + ts->space_after;
    return 0;
}

static int layout(toc *c)
{
    c->page = 0;
    c->y = 0;
    if (heading(c))
        return -1;
    for (int i = 0; i < c->d->noutline; i++) {
        const dl_outline *o = &c->d->outline[i];
        int rc = 0;
        if (o->level == 0) {
            rc = section(c, o);
        } else if (o->level == 1) {
            const char *num = "000";
            if (o->page >= 0 && o->page < c->d->npages && c->d->pages[o->page].label)
                num = c->d->pages[o->page].label;
            rc = article(c, o, num);
        }
        if (rc)
            return -1;
    }
    return c->page + 1;
}

int front_toc_pages(typeset_ctx *t, const flow_geom *g, const dl_doc *d)
{
    toc c = { t, g, (dl_doc *)d, 0, 0, false, 0, 0, DL_ARTIFACT };
    return layout(&c);
}

int front_toc(typeset_ctx *t, const flow_geom *g, dl_doc *d, int first, int n)
{
    d->role = DL_ROLE_TOC;
    toc c = { t, g, d, first, n, true, 0, 0, DL_ARTIFACT };
    for (int p = first; p < first + n; p++)
        if (dl_set_str(&d->pages[p].section, "目录"))
            return -1;
    /* In reading order the contents come after the cover, before the body. */
    dl_tag_open(d, DL_S_SECT, -1);
    int used = layout(&c);
    d->elem = DL_ARTIFACT;
    return used < 0 ? -1 : used > n ? 1 : 0;
}
