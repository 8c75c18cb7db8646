/* dlist — see dlist.h. */
#include "layout/dlist/dlist.h"

#include <stdlib.h>
#include <string.h>

#include "layout/base/vec.h"

dl_doc *dl_doc_new(float width, float height)
{
    dl_doc *d = calloc(1, sizeof *d);
    if (d) {
        d->width = width;
        d->height = height;
        d->col = -1;
        d->block = -1;
    }
    return d;
}

static void item_free(dl_item *it)
{
    if (it->kind == DL_TEXT) {
        free(it->u.text.g);
        free(it->u.text.text);
    } else if (it->kind == DL_PATH) {
        free(it->u.path.el);
    }
}

static void page_free(dl_page *pg)
{
    for (uint32_t i = 0; i < pg->n; i++)
        item_free(&pg->items[i]);
    free(pg->items);
    free(pg->label);
    free(pg->section);
}

void dl_truncate(dl_doc *d, int n)
{
    while (d->npages > n && d->npages > 0)
        page_free(&d->pages[--d->npages]);
    while (d->ngaps > 0 && d->gaps[d->ngaps - 1].page >= n)
        d->ngaps--;
}

void dl_doc_free(dl_doc *d)
{
    if (!d)
        return;
    for (int p = 0; p < d->npages; p++)
        page_free(&d->pages[p]);
    free(d->pages);
    for (int i = 0; i < d->nimages; i++)
        free(d->images[i].path);
    free(d->images);
    for (int i = 0; i < d->noutline; i++)
        free(d->outline[i].title);
    free(d->outline);
    free(d->gaps);
    free(d->title);
    free(d->subject);
    free(d->author);
    free(d->keywords);
    free(d->creator);
    free(d);
}

int dl_page_add(dl_doc *d)
{
    if (d->npages >= DL_MAX_PAGES || !VEC_PUSH_ROOM(d->pages, d->cappages, d->npages))
        return -1;
    memset(&d->pages[d->npages], 0, sizeof d->pages[0]);
    return d->npages++;
}

dl_item *dl_item_add(dl_doc *d, int page, dl_kind kind)
{
    if (page < 0 || page >= d->npages)
        return NULL;
    dl_page *p = &d->pages[page];
    if (!VEC_PUSH_ROOM(p->items, p->cap, p->n))
        return NULL;
    dl_item *it = &p->items[p->n++];
    memset(it, 0, sizeof *it);
    it->kind = kind;
    it->role = (uint8_t)d->role;
    it->col = (int16_t)d->col;
    it->block = d->block;
    it->color = dl_gray(0);
    return it;
}

dl_item *dl_text_add(dl_doc *d, int page, int font, float size, dl_color color, float x,
                     float y, const dl_glyph *g, uint32_t ng, const char *text, size_t ntext)
{
    dl_glyph *gc = malloc((ng ? ng : 1) * sizeof *gc);
    char *tc = malloc(ntext + 1);
    if (!gc || !tc) {
        free(gc);
        free(tc);
        return NULL;
    }
    memcpy(gc, g, ng * sizeof *gc);
    memcpy(tc, text, ntext);
    tc[ntext] = 0;
    dl_item *it = dl_item_add(d, page, DL_TEXT);
    if (!it) {
        free(gc);
        free(tc);
        return NULL;
    }
    it->color = color;
    it->u.text.font = font;
    it->u.text.size = size;
    it->u.text.x = x;
    it->u.text.y = y;
    it->u.text.g = gc;
    it->u.text.ng = ng;
    it->u.text.text = tc;
    return it;
}

dl_item *dl_rule_add(dl_doc *d, int page, float x0, float y0, float x1, float y1,
                     float width, dl_color color)
{
    dl_item *it = dl_item_add(d, page, DL_RULE);
    if (it) {
        it->color = color;
        it->u.rule.x0 = x0;
        it->u.rule.y0 = y0;
        it->u.rule.x1 = x1;
        it->u.rule.y1 = y1;
        it->u.rule.width = width;
    }
    return it;
}

dl_item *dl_rect_add(dl_doc *d, int page, float x, float y, float w, float h, dl_color fill)
{
    dl_item *it = dl_item_add(d, page, DL_RECT);
    if (it) {
        it->color = fill;
        it->u.rect.x = x;
        it->u.rect.y = y;
        it->u.rect.w = w;
        it->u.rect.h = h;
    }
    return it;
}

int dl_image_add(dl_doc *d, const char *path, int px_w, int px_h)
{
    for (int i = 0; i < d->nimages; i++)
        if (strcmp(d->images[i].path, path) == 0)
            return i;
    if (!VEC_PUSH_ROOM(d->images, d->capimages, d->nimages))
        return -1;
    char *p = strdup(path);
    if (!p)
        return -1;
    d->images[d->nimages] = (dl_image){ p, px_w, px_h };
    return d->nimages++;
}

int dl_gap_add(dl_doc *d, int page, int col, int block, float lines)
{
    if (!VEC_PUSH_ROOM(d->gaps, d->capgaps, d->ngaps))
        return -1;
    d->gaps[d->ngaps] = (dl_gap){ page, col, block, lines };
    return d->ngaps++;
}

int dl_outline_add(dl_doc *d, const char *title, int level, int page, float y)
{
    if (!VEC_PUSH_ROOM(d->outline, d->capoutline, d->noutline))
        return -1;
    char *t = strdup(title);
    if (!t)
        return -1;
    d->outline[d->noutline] = (dl_outline){ t, level, page, y };
    return d->noutline++;
}

int dl_set_str(char **field, const char *s)
{
    char *c = strdup(s ? s : "");
    if (!c)
        return -1;
    free(*field);
    *field = c;
    return 0;
}

dl_color dl_gray(float g)
{
    dl_color c = { DL_GRAY, { g, 0, 0, 0 } };
    return c;
}

dl_color dl_cmyk(float c, float m, float y, float k)
{
    dl_color col = { DL_CMYK, { c, m, y, k } };
    return col;
}
