/* figure — an image with its caption "图N　…" below it, as one box row (a figure is
 * never split).
 *
 * Placement: the image fills the column measure, keeping its aspect ratio. A wide
 * image (width/height > 1.6) in a multi-column page spans the text area instead, as
 * it would be too low to read in a column. An image that would be taller than 60 %
 * of the text area's height is scaled down to that height and centred: a taller
 * picture leaves too little text around it on the page. The effective resolution at
 * the placed size is checked against print's 300 ppi (PR-08).
 *
 * The reader has checked the file (image.h): every sample decodes, so a broken image
 * is reported at the figure's source line, and the writer meets no surprise. */
#include "layout/blocks/figure.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout/blocks/boxtext.h"

/* PR-08: what print needs at the placed size. */
#define FIGURE_MIN_PPI 300.0

typedef struct {
    char *path;
    image_info info;          /* as the reader checked it */
    float iw, ih;             /* placed image size, pt */
    float ix;                 /* image offset inside the box */
    float gap;                /* between the image and the caption */
    bool has_caption;
    box_text caption;
    int elem, caption_elem;   /* structure: the Figure, its Caption */
} figure_layout;

/* ---- the box ---- */

static void figure_layout_free(figure_layout *fl)
{
    if (!fl)
        return;
    if (fl->has_caption)
        box_text_free(&fl->caption);
    free(fl->path);
    free(fl);
}

static int figure_draw(const box *b, dl_doc *d, int page, float x, float y, int r0, int r1)
{
    const figure_layout *fl = b->data;
    if (r0 > 0 || r1 < 1)
        return 0;
    int img = dl_image_add(d, fl->path, fl->info.px_w, fl->info.px_h);
    if (img < 0)
        return -1;
    d->elem = fl->elem;
    dl_item *it = dl_item_add(d, page, DL_IMAGE);
    if (!it)
        return -1;
    it->u.image.image = img;
    it->u.image.x = x + fl->ix;
    it->u.image.y = y;
    it->u.image.w = fl->iw;
    it->u.image.h = fl->ih;
    d->elem = fl->caption_elem;
    if (fl->has_caption)
        return box_text_draw(&fl->caption, d, page, x, y + fl->ih + fl->gap, b->w, AL_CENTER);
    return 0;
}

/* The Figure's Alt is the image's alt text; its caption follows it as a Caption. */
static void figure_tag(box *b, const doc_block *blk, dl_doc *d, int elem)
{
    figure_layout *fl = b->data;
    fl->elem = elem;
    char *alt = doc_text_plain(&blk->figure->caption);
    if (!alt || (*alt && dl_set_str(&d->elems[elem].alt, alt)))
        d->tag_failed = true;
    free(alt);
    if (fl->has_caption)
        fl->caption_elem = dl_elem_add(d, DL_S_CAPTION, d->elems[elem].parent);
}

static void figure_free(box *b)
{
    figure_layout_free(b->data);
    box_free_shell(b);
}

/* Text area height, for the tallest sensible figure; a style without page geometry
 * gets A4's. */
static float text_height(const style *st)
{
    float h = st->page_h - st->margin_top - st->margin_bottom;
    return h > 72 ? h : 841.89f - 2 * 72;
}

box *figure_box_new(typeset_ctx *t, const doc_block *b, float col_w, float full_w, float max_h,
                   int number)
{
    const doc_figure *fig = b->figure;
    if (!fig || !fig->path || !fig->path[0]) {
        box_error(t, b->src, "this figure has no image file");
        return NULL;
    }
    figure_layout *fl = calloc(1, sizeof *fl);
    if (!fl || !(fl->path = strdup(fig->path))) {
        free(fl);
        box_error(t, b->src, "out of memory laying out a figure");
        return NULL;
    }
    fl->info = fig->info;
    fl->elem = fl->caption_elem = DL_ARTIFACT;
    if (fl->info.px_w < 1 || fl->info.px_h < 1) {
        box_error(t, b->src, "figure %s has no size (the reader did not check it)", fig->path);
        figure_layout_free(fl);
        return NULL;
    }
    float aspect = (float)fl->info.px_w / (float)fl->info.px_h;
    bool span = aspect > t->st->figure_span_aspect && full_w > col_w + 0.5f;
    float m = span ? full_w : col_w;
    fl->iw = m;
    fl->ih = m / aspect;
    float maxh = t->st->figure_max_height * text_height(t->st);
    if (fl->ih > maxh) {
        fl->ih = maxh;
        fl->iw = maxh * aspect;
    }
    fl->ix = (m - fl->iw) / 2;
    double ppi = fl->info.px_w / (fl->iw / 72.0);
    if (ppi < FIGURE_MIN_PPI - 0.5)
        box_warn(t, b->src,
                 "figure %s is %.0f ppi at its placed size (needs 300 for print); supply a "
                 "larger image",
                 fig->path, ppi);
    const style_text *cs = &t->st->caption;
    fl->gap = t->st->figure_caption_gap * cs->size;
    fl->has_caption = number >= 1 || box_text_nonempty(&fig->caption);
    if (fl->has_caption) {
        char lab[48];
        doc_text cap;
        if (box_caption_text(&cap, lab, sizeof lab, "图", number, &fig->caption, b->src)) {
            fl->has_caption = false;
            figure_layout_free(fl);
            box_error(t, b->src, "out of memory laying out a figure");
            return NULL;
        }
        style_text ts = *cs;
        ts.align = AL_JUSTIFY;
        int rc = box_text_init(&fl->caption, t, &cap, NULL, &ts);
        free(cap.in);
        if (rc || box_text_compose(&fl->caption, t, m, false)) {
            figure_layout_free(fl);
            return NULL;
        }
    }
    float cap_h = fl->has_caption ? fl->gap + box_text_h(&fl->caption) : 0;
    if (fl->ih + cap_h > max_h) {
        /* Taller than a column with its caption: smaller, keeping its aspect. */
        float ih = max_h - cap_h;
        if (ih < 0.2f * max_h) {
            box_error(t, b->src, "figure %s: its caption is too long to leave room for the "
                                 "picture in a column; shorten the caption", fig->path);
            figure_layout_free(fl);
            return NULL;
        }
        box_warn(t, b->src, "figure %s is scaled down to %.0f%% to fit a column with its caption",
                 fig->path, (double)(100 * ih / fl->ih));
        fl->ih = ih;
        fl->iw = ih * aspect;
        fl->ix = (m - fl->iw) / 2;
    }
    box *bx = box_alloc(1);
    if (!bx) {
        figure_layout_free(fl);
        box_error(t, b->src, "out of memory laying out a figure");
        return NULL;
    }
    bx->w = m;
    bx->row_h[0] = fl->ih + (fl->has_caption ? fl->gap + box_text_h(&fl->caption) : 0);
    bx->span = span;
    bx->draw = figure_draw;
    bx->tag = figure_tag;
    bx->free = figure_free;
    bx->data = fl;
    return bx;
}

double figure_ppi(const box *b)
{
    const figure_layout *fl = b && b->draw == figure_draw ? b->data : NULL;
    return fl && fl->iw > 0 ? fl->info.px_w / (fl->iw / 72.0) : 0;
}

void figure_placed(const box *b, float *w, float *h)
{
    const figure_layout *fl = b && b->draw == figure_draw ? b->data : NULL;
    *w = fl ? fl->iw : 0;
    *h = fl ? fl->ih : 0;
}
