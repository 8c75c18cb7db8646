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
        d->elem = DL_ARTIFACT;
        d->tag.sect = d->tag.art = d->tag.quote = -1;
        for (int i = 0; i < 8; i++)
            d->tag.list[i] = d->tag.last_body[i] = -1;
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

void dl_page_clear(dl_doc *d, int p)
{
    dl_page *pg = &d->pages[p];
    for (uint32_t i = 0; i < pg->n; i++)
        item_free(&pg->items[i]);
    free(pg->items);
    pg->items = NULL;
    pg->n = 0;
    pg->cap = 0;
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
    for (int i = 0; i < d->nelems; i++) {
        free(d->elems[i].alt);
        free(d->elems[i].lang);
    }
    free(d->elems);
    for (int i = 0; i < d->nuris; i++)
        free(d->uris[i]);
    free(d->uris);
    free(d->lang);
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
    it->elem = d->elem;
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

/* ---- structure ---- */

int dl_elem_add(dl_doc *d, dl_stype type, int parent)
{
    if (type != DL_S_DOCUMENT && d->nelems == 0 && dl_elem_add(d, DL_S_DOCUMENT, -1) < 0)
        return DL_ARTIFACT;
    if (!VEC_PUSH_ROOM(d->elems, d->capelems, d->nelems)) {
        d->tag_failed = true;
        return DL_ARTIFACT;
    }
    dl_elem *e = &d->elems[d->nelems];
    memset(e, 0, sizeof *e);
    e->type = (uint8_t)type;
    e->parent = type == DL_S_DOCUMENT ? -1 : parent >= 0 && parent < d->nelems ? parent : 0;
    e->rowspan = e->colspan = 1;
    return d->nelems++;
}

static void close_lists(dl_tagger *t, int from)
{
    for (int i = from; i < 8; i++)
        t->list[i] = t->last_body[i] = -1;
}

int dl_tag_open(dl_doc *d, dl_stype type, int order)
{
    dl_tagger *t = &d->tag;
    close_lists(t, 0);
    t->quote = -1;
    int e;
    if (type == DL_S_ART) {
        e = t->art = dl_elem_add(d, DL_S_ART, t->sect);
    } else {
        t->art = -1;
        e = t->sect = dl_elem_add(d, DL_S_SECT, -1);
    }
    if (e >= 0)
        d->elems[e].order = (int8_t)order;
    return e;
}

/* Levels are renumbered so that none is skipped below the one before (PDF/UA). */
static int heading(dl_doc *d, int level, int parent)
{
    int lv = level < 1 ? 1 : level > 6 ? 6 : level;
    if (lv > d->tag.hlevel + 1)
        lv = d->tag.hlevel + 1;
    int e = dl_elem_add(d, DL_S_H, parent);
    if (e >= 0) {
        d->elems[e].level = (uint8_t)lv;
        d->tag.hlevel = lv;
    }
    return e;
}

/* A list item at depth 1…8: its LBody; a deeper list opens inside the LBody above. */
static int list_item(dl_doc *d, int depth, int parent, int *lbl)
{
    dl_tagger *t = &d->tag;
    int k = (depth < 1 ? 1 : depth > 8 ? 8 : depth) - 1;
    close_lists(t, k + 1);
    if (t->list[k] < 0) {
        int up = k > 0 ? t->last_body[k - 1] : -1;
        t->list[k] = dl_elem_add(d, DL_S_L, up >= 0 ? up : parent);
    }
    int li = dl_elem_add(d, DL_S_LI, t->list[k]);
    int l = dl_elem_add(d, DL_S_LBL, li);
    int body = dl_elem_add(d, DL_S_LBODY, li);
    if (li < 0 || l < 0 || body < 0)
        return DL_ARTIFACT;
    t->last_body[k] = body;
    if (lbl)
        *lbl = l;
    return body;
}

int dl_tag_block(dl_doc *d, dl_stype type, int level, int quote, int *lbl)
{
    dl_tagger *t = &d->tag;
    if (lbl)
        *lbl = DL_ARTIFACT;
    if (type == DL_S_NONE)
        return DL_ARTIFACT;
    if (type == DL_S_SECT || type == DL_S_ART) {
        int c = dl_tag_open(d, type, 0);
        return c < 0 ? c : heading(d, level, c);
    }
    if (type != DL_S_LI)
        close_lists(t, 0);
    int parent = t->art >= 0 ? t->art : t->sect;
    if (quote <= 0) {
        t->quote = -1;
    } else {
        if (t->quote < 0)
            t->quote = dl_elem_add(d, DL_S_BLOCKQUOTE, parent);
        parent = t->quote;
    }
    if (type == DL_S_H)
        return heading(d, level, parent);
    if (type == DL_S_LI)
        return list_item(d, level, parent, lbl);
    return dl_elem_add(d, type, parent);
}

/* Splits text item i of page at glyph k: glyphs [k, ng) move to a new item after it. */
static int split_item(dl_page *pg, uint32_t i, uint32_t k)
{
    if (!VEC_PUSH_ROOM(pg->items, pg->cap, pg->n))
        return -1;
    dl_item *it = &pg->items[i];
    uint32_t ng = it->u.text.ng, cut = it->u.text.g[k].text;
    size_t len = strlen(it->u.text.text);
    dl_glyph *g2 = malloc((ng - k) * sizeof *g2);
    char *t2 = malloc(len - cut + 1);
    if (!g2 || !t2) {
        free(g2);
        free(t2);
        return -1;
    }
    memcpy(g2, it->u.text.g + k, (ng - k) * sizeof *g2);
    for (uint32_t j = 0; j < ng - k; j++)
        g2[j].text = g2[j].ntext ? g2[j].text - cut : 0;
    memcpy(t2, it->u.text.text + cut, len - cut + 1);
    memmove(&pg->items[i + 2], &pg->items[i + 1], (pg->n - i - 1) * sizeof *pg->items);
    pg->n++;
    dl_item *rest = &pg->items[i + 1];
    *rest = *it;
    rest->u.text.g = g2;
    rest->u.text.ng = ng - k;
    rest->u.text.text = t2;
    it->u.text.ng = k;
    it->u.text.text[cut] = 0;
    return 0;
}

void dl_tag_split(dl_doc *d, int page, uint32_t from, size_t nbytes, int elem)
{
    if (page < 0 || page >= d->npages)
        return;
    dl_page *pg = &d->pages[page];
    for (uint32_t i = from; i < pg->n && nbytes > 0; i++) {
        dl_item *it = &pg->items[i];
        if (it->kind != DL_TEXT)
            continue;
        size_t len = strlen(it->u.text.text);
        uint32_t k = 0;
        while (nbytes < len && k < it->u.text.ng &&
               !(it->u.text.g[k].ntext && it->u.text.g[k].text >= nbytes))
            k++;
        if (nbytes < len && k > 0 && k < it->u.text.ng && split_item(pg, i, k)) {
            d->tag_failed = true;
            return;
        }
        if (nbytes < len && k == 0)
            return;              /* the marker ends inside a cluster: leave it */
        pg->items[i].elem = elem;
        nbytes -= nbytes < len ? nbytes : len;
    }
}

uint16_t dl_uri_add(dl_doc *d, const char *uri)
{
    for (int i = 0; i < d->nuris; i++)
        if (strcmp(d->uris[i], uri) == 0)
            return (uint16_t)(i + 1);
    char *u = d->nuris < UINT16_MAX - 1 ? strdup(uri) : NULL;
    if (!u || !VEC_PUSH_ROOM(d->uris, d->capuris, d->nuris)) {
        free(u);
        d->tag_failed = true;
        return 0;
    }
    d->uris[d->nuris] = u;
    return (uint16_t)++d->nuris;
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
