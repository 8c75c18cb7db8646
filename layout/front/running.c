/* running — running heads and feet. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout/front/front.h"

static int put(typeset_ctx *t, const char *tmpl, const char *const *vals, const style_text *ts,
               dl_doc *d, int page, float x, float y, float w, style_align al)
{
    if (!tmpl || !*tmpl)
        return 0;
    char *s = typeset_template(tmpl, vals);
    if (!s)
        return -1;
    int rc = 0;
    if (*s) {
        para *p = typeset_plain(t, s, ts);
        if (!p)
            rc = -1;
        else
            typeset_line(t, p, ts, d, page, x, y, w, al);
        para_free(p);
    }
    free(s);
    return rc;
}

/* A footer template splits at its first run of 2+ spaces into a left and a right
 * part; each part is expanded once (a value that itself holds braces or spaces is
 * printed as it is). Without such a run the footer goes to the outer side. */
static int put_footer(typeset_ctx *t, const char *tmpl, const char *const *vals,
                      const style_text *fs, dl_doc *d, int page, float x, float y, float w,
                      bool recto)
{
    const char *gap = strstr(tmpl, "  ");
    if (!gap)
        return put(t, tmpl, vals, fs, d, page, x, y, w, recto ? AL_RIGHT : AL_LEFT);
    char *left = strndup(tmpl, (size_t)(gap - tmpl));
    if (!left)
        return -1;
    const char *right = gap;
    while (*right == ' ')
        right++;
    int rc = put(t, left, vals, fs, d, page, x, y, w, AL_LEFT) ||
             put(t, right, vals, fs, d, page, x, y, w, AL_RIGHT);
    free(left);
    return rc ? -1 : 0;
}

int front_running(typeset_ctx *t, const doc_meta *m, const flow_geom *g, dl_doc *d)
{
    d->role = DL_ROLE_RUNNING;
    d->elem = DL_ARTIFACT;            /* furniture, never read as the text */
    const style *st = t->st;
    const style_text *hs = &st->header, *fs = &st->footer;
    for (int p = 1; p < d->npages; p++) {
        dl_page *pg = &d->pages[p];
        bool recto = p % 2 == 0;
        const char *vals[] = { "title", m->title, "issue", m->issue, "number", m->number,
                               "section", pg->section ? pg->section : "", "page",
                               pg->label ? pg->label : "", "website", m->website,
                               "association", m->association, NULL, NULL };
        float x = flow_left(g, p), w = g->text_w;
        float hy = g->top - hs->size * st->header_gap;
        float rule_y = g->top - hs->size * st->header_rule_gap;
        const char *hl = recto ? st->header_odd_left : st->header_even_left;
        const char *hr = recto ? st->header_odd_right : st->header_even_right;
        /* A section's opener stands in for the head on its first page. */
        bool head = !pg->opener || st->opener_running_head;
        if (head && (put(t, hl, vals, hs, d, p, x, hy, w, AL_LEFT) ||
                     put(t, hr, vals, hs, d, p, x, hy, w, AL_RIGHT)))
            return -1;
        if (head && st->header_rule > 0 &&
            !dl_rule_add(d, p, x, rule_y, x + w, rule_y, st->header_rule, st->rule))
            return -1;
        float fy = g->top + flow_text_h(g) + fs->size * st->footer_gap;
        const char *ft = recto ? st->footer_odd : st->footer_even;
        if (put_footer(t, ft ? ft : "", vals, fs, d, p, x, fy, w, recto))
            return -1;
    }
    return 0;
}

int front_labels(dl_doc *d)
{
    for (int p = 0; p < d->npages; p++) {
        char num[16];
        snprintf(num, sizeof num, "%d", p + 1);
        if (dl_set_str(&d->pages[p].label, p == 0 ? "封面" : num))
            return -1;
    }
    return 0;
}
