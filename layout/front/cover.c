/* cover — the masthead page. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout/base/strbuf.h"
#include "layout/front/front.h"

/* One line of the masthead, as its own structure element of type (in lang when not
 * NULL); href: the line after label is a link to it. */
static int line_as(typeset_ctx *t, dl_stype type, const char *lang, const char *label,
                   const char *s, const char *href, const style_text *ts, dl_doc *d, int page,
                   float x, float y, float w, style_align al)
{
    if (!s || !*s)
        return 0;
    doc_inline in[2] = { { (char *)label, 0, NULL, 0, false },
                         { (char *)s, href ? IN_LINK : 0, (char *)href, 0, false } };
    doc_text dt = { label ? in : in + 1, label ? 2 : 1 };
    para *p = typeset_para(t, &dt, ts);
    if (!p)
        return -1;
    d->elem = dl_tag_block(d, type, 1, 0, NULL);
    if (lang && d->elem >= 0 && dl_set_str(&d->elems[d->elem].lang, lang))
        d->tag_failed = true;
    typeset_line(t, p, ts, d, page, x, y, w, al);
    d->elem = DL_ARTIFACT;
    para_free(p);
    return 0;
}

static int text_at(typeset_ctx *t, const char *s, const style_text *ts, dl_doc *d, int page,
                   float x, float y, float w, style_align al)
{
    return line_as(t, DL_S_P, NULL, NULL, s, NULL, ts, d, page, x, y, w, al);
}

/* "2019-03" → "2019年3月". */
static void month_text(const char *month, char *out, size_t n)
{
    int y = 0, m = 0;
    if (month && sscanf(month, "%d-%d", &y, &m) == 2 && m >= 1 && m <= 12)
        snprintf(out, n, "%d年%d月", y, m);
    else
        snprintf(out, n, "%s", month ? month : "");
}

/* Up to three article titles per section, with the page each starts on, in the space
 * from y to limit; whatever does not fit is left to the contents page. */
static int highlights(typeset_ctx *t, const flow_geom *g, dl_doc *d, int page, float x, float y,
                      float limit)
{
    const style *st = t->st;
    const style_text *sec = &st->toc_section, *art = &st->toc;
    style_text label = st->toc_section;
    label.color = st->accent;
    if (y + label.leading > limit)
        return 0;
    if (text_at(t, "本期要目", &label, d, page, x, y + label.size, g->text_w, AL_LEFT))
        return -1;
    y += label.leading + label.size * st->toc_after_rule;
    int shown = 0;
    for (int i = 0; i < d->noutline; i++) {
        const dl_outline *o = &d->outline[i];
        if (o->level == 0) {
            if (y + 2 * sec->size + art->leading > limit)
                break;
            y += 2 * sec->size;
            if (text_at(t, o->title, sec, d, page, x, y, g->text_w, AL_LEFT))
                return -1;
            shown = 0;
        } else if (o->level == 1 && shown < st->cover_highlights) {
            if (y + art->leading > limit)
                break;
            y += art->leading;
            char num[16] = "";
            if (o->page >= 0 && o->page < d->npages && d->pages[o->page].label)
                snprintf(num, sizeof num, "%s", d->pages[o->page].label);
            /* Title on one line, cut with an ellipsis when longer than the measure. */
            para *p = typeset_plain(t, o->title, art);
            if (!p)
                return -1;
            float w = typeset_width(t, p, art), room = g->text_w - st->toc_number_width * art->size;
            para_free(p);
            char buf[1024];
            snprintf(buf, sizeof buf, "%s", o->title);
            while (w > room && strlen(buf) > 3) {
                size_t n = strlen(buf);
                size_t cut = n - 1;
                while (cut > 0 && ((unsigned char)buf[cut] & 0xC0) == 0x80)
                    cut--;
                buf[cut] = 0;
                char tmp[1100];
                snprintf(tmp, sizeof tmp, "%s……", buf);
                p = typeset_plain(t, tmp, art);
                if (!p)
                    return -1;
                w = typeset_width(t, p, art);
                para_free(p);
                if (w <= room) {
                    snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "……");
                    break;
                }
            }
            if (text_at(t, buf, art, d, page, x + st->toc_indent * art->size, y, room, AL_LEFT) ||
                text_at(t, num, art, d, page, x, y, g->text_w, AL_RIGHT))
                return -1;
            shown++;
        }
    }
    return 0;
}

int front_cover(typeset_ctx *t, const doc_meta *m, const flow_geom *g, dl_doc *d, int page)
{
    d->role = DL_ROLE_COVER;
    /* First in reading order; its band and rules are artifacts. */
    dl_tag_open(d, DL_S_SECT, -2);
    d->elem = DL_ARTIFACT;
    const style *st = t->st;
    float left = flow_left(g, page), right = left + g->text_w;
    float band = st->cover_band_height;
    /* The band reaches past the trim into the bleed (press output keeps the style's
     * bleed), and half a point further, so that no hairline of paper shows at the
     * bleed's edge. */
    float bleed = st->bleed + 0.5f;
    if (!dl_rect_add(d, page, -bleed, -bleed, g->pw + 2 * bleed, band + bleed, st->cover_band))
        return -1;
    dl_color white = dl_cmyk(0, 0, 0, 0);
    style_text org = st->cover_org, org_en = st->cover_org_en;
    org.color = white;
    org_en.color = white;
    float y = band * st->cover_name_baseline;
    if (text_at(t, m->association, &org, d, page, left, y, g->text_w, AL_LEFT))
        return -1;
    y += org.size * st->cover_name_en_gap;
    if (line_as(t, DL_S_P, "en", NULL, m->association_en, NULL, &org_en, d, page, left, y,
                g->text_w, AL_LEFT))
        return -1;

    /* The title, large, with the issue's number line under a rule. */
    const style_text *title = &st->cover_title;
    y = band + title->size * st->cover_title_baseline;
    if (line_as(t, DL_S_H, NULL, NULL, m->title, NULL, title, d, page, left, y, g->text_w,
                AL_LEFT))
        return -1;
    char month[64];
    month_text(m->month, month, sizeof month);
    const style_text *info = &st->toc_section;
    if (text_at(t, month, info, d, page, left, y, g->text_w, AL_RIGHT))
        return -1;
    y += title->size * st->cover_title_rule_gap;
    if (!dl_rule_add(d, page, left, y, right, y, st->cover_title_rule, st->accent))
        return -1;
    y += info->size * st->cover_number_gap;
    if (text_at(t, m->number, info, d, page, left, y, g->text_w, AL_LEFT) ||
        text_at(t, m->issue, info, d, page, left, y, g->text_w, AL_RIGHT))
        return -1;

    /* 本期要目: the sections and their first articles, between the masthead and the
     * editorial box — what a reader sees of the issue before opening it. */
    const style_text *ci = &st->cover_info;
    float lead = ci->leading;
    float box_h = (float)st->cover_box_lines * lead;
    float by = g->top + flow_text_h(g) - box_h;
    y += info->size * st->cover_contents_gap;
    if (highlights(t, g, d, page, left, y, by - 2 * lead))
        return -1;

    /* The editorial box at the foot of the page. */
    if (!dl_rule_add(d, page, left, by, right, by, st->cover_box_rule, st->accent) ||
        !dl_rule_add(d, page, left, by + box_h, right, by + box_h, st->cover_box_rule,
                     st->accent))
        return -1;
    char line[512];
    float half = g->text_w / 2;
    float base = by + typeset_baseline(lead, ci->size) + lead * 0.5f;
    snprintf(line, sizeof line, "主编：%s", m->editor ? m->editor : "");
    if (m->editor && text_at(t, line, ci, d, page, left, base, half, AL_LEFT))
        return -1;
    snprintf(line, sizeof line, "排版：%s", m->typesetter ? m->typesetter : "");
    if (m->typesetter && text_at(t, line, ci, d, page, left + half, base, half, AL_LEFT))
        return -1;
    base += lead;
    snprintf(line, sizeof line, "电话：%s", m->phone ? m->phone : "");
    if (m->phone && text_at(t, line, ci, d, page, left, base, half, AL_LEFT))
        return -1;
    snprintf(line, sizeof line, "传真：%s", m->fax ? m->fax : "");
    if (m->fax && text_at(t, line, ci, d, page, left + half, base, half, AL_LEFT))
        return -1;
    base += lead;
    if (m->website) {
        char *href = strstr(m->website, "://") ? strdup(m->website)
                                               : strbuf_format("http://%s", m->website);
        int rc = !href || line_as(t, DL_S_P, NULL, "网址：", m->website, href, ci, d, page, left,
                                  base, half, AL_LEFT);
        free(href);
        if (rc)
            return -1;
    }
    if (m->email) {
        char *href = strbuf_format("mailto:%s", m->email);
        int rc = !href || line_as(t, DL_S_P, NULL, "邮箱：", m->email, href, ci, d, page,
                                  left + half, base, half, AL_LEFT);
        free(href);
        if (rc)
            return -1;
    }
    return 0;
}
