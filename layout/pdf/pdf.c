/* pdf — see pdf.h. */
#include "layout/pdf/pdf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <hpdf.h>
#include <hpdf_doc.h>
#include <hpdf_objects.h>
#include <hpdf_pages.h>

#include "layout/base/strbuf.h"
#include "layout/base/utf8.h"
#include "layout/image/image.h"
#include "layout/pdf/flate_int.h"
#include "layout/pdf/pdffont.h"
#include "layout/pdf/pdftag.h"
#include "layout/pdf/pdfx.h"
#include "layout/pdf/xmp.h"

void pdf_options_default(pdf_options *o)
{
    memset(o, 0, sizeof *o);
    o->standard = PDF_PLAIN;
    o->date = -1;
    /* Press defaults (used only when standard is not PDF_PLAIN): 3 mm bleed, the
     * FOGRA39 output intent with its profile, K-only black overprinting. */
    o->bleed = 3 * 72 / 25.4f;
    o->icc_path = PDFX_DEFAULT_PROFILE;
    o->output_condition = "FOGRA39";
    o->overprint_black = true;
}

/* ---- content-stream output ---- */

/* A number and the space that ends it. */
static void cb_num(strbuf *c, double v, int dec)
{
    strbuf_num(c, v, dec);
    strbuf_chr(c, ' ');
}

/* Four hex digits of a glyph id. */
static void cb_hex4(strbuf *c, uint32_t g)
{
    static const char hx[] = "0123456789ABCDEF";
    char o[4] = { hx[(g >> 12) & 15], hx[(g >> 8) & 15], hx[(g >> 4) & 15], hx[g & 15] };
    strbuf_add(c, o, 4);
}

static void cb_color_plain(strbuf *c, dl_color col, bool stroke)
{
    if (col.model == DL_GRAY) {
        cb_num(c, col.v[0], 4);
        strbuf_str(c, stroke ? "G\n" : "g\n");
    } else {
        for (int i = 0; i < 4; i++)
            cb_num(c, col.v[i], 4);
        strbuf_str(c, stroke ? "K\n" : "k\n");
    }
}

static bool color_eq(dl_color a, dl_color b)
{
    return a.model == b.model && memcmp(a.v, b.v, sizeof a.v) == 0;
}

/* ---- writer state ---- */

typedef struct {
    const dl_doc *d;
    const pdf_options *o;
    font_lib *fonts;
    pdffont_set *fs;
    HPDF_Doc pdf;
    HPDF_Page *pages;
    int npages;               /* d->npages, plus blank pages when padding to 4 */
    HPDF_Image *images;
    char *err;
    size_t errlen;
    HPDF_STATUS hpdf_error;
    float off;                /* bleed + marks: trim box origin inside the media box */
    float media_h;
    pdfx_state *x;
    pdftag *tag;              /* NULL: untagged output */
    bool notdef;              /* a missing glyph (.notdef) is drawn */
    flate *z;                 /* deflates page content as it is written; NULL: later */
    dl_doc *release;          /* d, when each page's items go once it is written */
} writer;

static void cb_color(const writer *w, strbuf *c, dl_color col, bool stroke)
{
    if (w->x) {
        pdfx_color(w->x, col, stroke, c);
    } else {
        cb_color_plain(c, col, stroke);
    }
}

static void on_hpdf_error(HPDF_STATUS code, HPDF_STATUS detail, void *ud)
{
    writer *w = ud;
    (void)detail;
    if (!w->hpdf_error)
        w->hpdf_error = code;
}

static int fail(writer *w, const char *fmt, ...)
{
    if (w->err[0])
        return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->err, w->errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static double X(const writer *w, double x) { return w->off + x; }
static double Y(const writer *w, double y) { return w->media_h - w->off - y; }

/* A destination to (left 0, top) on page, keeping the reader's zoom (/XYZ 0 top null).
 * libharu 2.3.0's HPDF_Destination_SetXYZ refuses zoom 0 and cannot write null. */
static HPDF_Destination xyz_dest(writer *w, HPDF_Page page, double top)
{
    HPDF_Destination dst = HPDF_Page_CreateDestination(page);
    if (!dst)
        return NULL;
    HPDF_Null nul = HPDF_Null_New(w->pdf->mmgr);
    HPDF_Array_Clear(dst);
    if (!nul || HPDF_Array_Add(dst, page) || HPDF_Array_AddName(dst, "XYZ") ||
        HPDF_Array_AddReal(dst, 0) || HPDF_Array_AddReal(dst, (HPDF_REAL)top) ||
        HPDF_Array_Add(dst, nul))
        return NULL;
    return dst;
}

static int register_glyphs(writer *w)
{
    for (int p = 0; p < w->d->npages; p++) {
        const dl_page *pg = &w->d->pages[p];
        for (uint32_t i = 0; i < pg->n; i++) {
            const dl_item *it = &pg->items[i];
            if (it->kind != DL_TEXT)
                continue;
            for (uint32_t k = 0; k < it->u.text.ng; k++) {
                const dl_glyph *g = &it->u.text.g[k];
                w->notdef |= g->gid == 0;
                if (pdffont_use(w->fs, it->u.text.font, g->gid, it->u.text.text + g->text,
                                g->ntext))
                    return fail(w, "out of memory collecting glyphs");
            }
        }
    }
    return 0;
}

/* Where the open marked-content sequence (tagged output) was opened: inside the text
 * object, it must end before ET; outside, text objects may come and go within it. */
typedef enum { MC_NONE, MC_IN_TEXT, MC_OUTSIDE } mc_state;

typedef struct {
    bool in_text;
    int font;
    float size;
    dl_color fill;
    bool has_fill;
    mc_state mc;
    int key;                  /* pdftag_key of the open sequence */
} text_state;

static void begin_text(strbuf *c, text_state *ts)
{
    if (ts->in_text)
        return;
    strbuf_str(c, "BT\n");
    ts->in_text = true;
    ts->font = -1;
    ts->has_fill = false;
}

static void end_text(strbuf *c, text_state *ts)
{
    if (ts->in_text && ts->mc == MC_IN_TEXT) {
        strbuf_str(c, "EMC\n");
        ts->mc = MC_NONE;
    }
    if (ts->in_text)
        strbuf_str(c, "ET\n");
    ts->in_text = false;
}

/* Tagged output: opens the marked-content sequence of item it unless it continues the
 * open one. Text items open theirs inside the text object, so that consecutive runs of
 * different elements need no ET/BT; anything else opens outside. */
static void mark(writer *w, strbuf *c, text_state *ts, int page, const dl_item *it)
{
    int key = pdftag_key(w->tag, it, w->d->height);
    bool text = it->kind == DL_TEXT;
    if (ts->mc == MC_NONE || key != ts->key || (!text && ts->mc == MC_IN_TEXT)) {
        if (text && ts->mc == MC_IN_TEXT) {
            strbuf_str(c, "EMC\n");
        } else {
            end_text(c, ts);
            if (ts->mc == MC_OUTSIDE)
                strbuf_str(c, "EMC\n");
        }
        if (text)
            begin_text(c, ts);
        pdftag_open(w->tag, c, page, key);
        ts->mc = text ? MC_IN_TEXT : MC_OUTSIDE;
        ts->key = key;
    }
    if (text)
        pdftag_text(w->tag, key, it->u.text.text);
}

static void end_marks(strbuf *c, text_state *ts)
{
    end_text(c, ts);
    if (ts->mc == MC_OUTSIDE)
        strbuf_str(c, "EMC\n");
    ts->mc = MC_NONE;
}

static void emit_text(writer *w, strbuf *c, text_state *ts, const dl_item *it)
{
    int fid = it->u.text.font;
    float size = it->u.text.size;
    begin_text(c, ts);
    if (ts->font != fid || ts->size != size) {
        strbuf_printf(c, "/F%d ", fid);
        cb_num(c, size, 3);
        strbuf_str(c, "Tf\n");
        ts->font = fid;
        ts->size = size;
    }
    if (!ts->has_fill || !color_eq(ts->fill, it->color)) {
        cb_color(w, c, it->color, false);
        ts->fill = it->color;
        ts->has_fill = true;
    }
    const dl_glyph *g = it->u.text.g;
    uint32_t n = it->u.text.ng;
    uint32_t i = 0;
    while (i < n) {
        /* A segment: glyphs on one baseline, drawn with one TJ. */
        uint32_t j = i + 1;
        while (j < n && g[j].y == g[i].y)
            j++;
        strbuf_str(c, "1 0 0 1 ");
        cb_num(c, X(w, it->u.text.x + g[i].x), 3);
        cb_num(c, Y(w, it->u.text.y + g[i].y), 3);
        strbuf_str(c, "Tm\n[");
        bool open = false;
        for (uint32_t k = i; k < j; k++) {
            if (k > i) {
                double adv = pdffont_width(w->fs, fid, g[k - 1].gid) * size / 1000.0;
                double gap = g[k].x - (g[k - 1].x + adv);
                double tj = -gap * 1000.0 / size;
                if (fabs(tj) >= 0.005) {
                    if (open)
                        strbuf_str(c, ">");
                    open = false;
                    cb_num(c, tj, 2);
                }
            }
            if (!open)
                strbuf_str(c, "<");
            open = true;
            cb_hex4(c, g[k].gid & 0xFFFF);
        }
        if (open)
            strbuf_str(c, ">");
        strbuf_str(c, "]TJ\n");
        i = j;
    }
}

static void emit_path(writer *w, strbuf *c, const dl_item *it)
{
    strbuf_str(c, "q\n");
    if (it->u.path.fill)
        cb_color(w, c, it->color, false);
    if (it->u.path.stroke) {
        cb_color(w, c, it->u.path.stroke_color, true);
        cb_num(c, it->u.path.width, 3);
        strbuf_str(c, "w\n");
    }
    for (uint32_t i = 0; i < it->u.path.n; i++) {
        const dl_path_el *e = &it->u.path.el[i];
        switch (e->op) {
        case DL_MOVE:
        case DL_LINE:
            cb_num(c, X(w, e->p[0]), 3);
            cb_num(c, Y(w, e->p[1]), 3);
            strbuf_str(c, e->op == DL_MOVE ? "m\n" : "l\n");
            break;
        case DL_CURVE:
            for (int k = 0; k < 3; k++) {
                cb_num(c, X(w, e->p[2 * k]), 3);
                cb_num(c, Y(w, e->p[2 * k + 1]), 3);
            }
            strbuf_str(c, "c\n");
            break;
        case DL_CLOSE:
            strbuf_str(c, "h\n");
            break;
        }
    }
    strbuf_str(c, it->u.path.fill && it->u.path.stroke ? "B\nQ\n"
              : it->u.path.fill                    ? "f\nQ\n"
                                                   : "S\nQ\n");
}

/* ---- links in the text (plain output) ---- */

/* A linked text run's annotation, grown along its line until the link or line ends. */
typedef struct {
    bool on;
    uint16_t link;            /* dl_item.u.text.link */
    int key;                  /* its Link element (tagged output) */
    float base;
    HPDF_Rect r;
} link_run;

/* The box of a text run: its glyphs' advances, from the ideographic em box's bottom
 * (0.12 em under the baseline) to its top. */
static HPDF_Rect text_box(const writer *w, const dl_item *it)
{
    double size = it->u.text.size, x0 = 1e9, x1 = -1e9;
    for (uint32_t k = 0; k < it->u.text.ng; k++) {
        const dl_glyph *g = &it->u.text.g[k];
        double adv = pdffont_width(w->fs, it->u.text.font, g->gid) * size / 1000.0;
        x0 = fmin(x0, g->x);
        x1 = fmax(x1, g->x + adv);
    }
    if (x0 > x1)
        x0 = x1 = 0;
    double base = it->u.text.y;
    HPDF_Rect r = { (HPDF_REAL)X(w, it->u.text.x + x0), (HPDF_REAL)Y(w, base + 0.12 * size),
                    (HPDF_REAL)X(w, it->u.text.x + x1), (HPDF_REAL)Y(w, base - 0.88 * size) };
    return r;
}

/* A URI as PDF wants it, 7-bit ASCII: other bytes percent-encoded. */
static char *uri_ascii(const char *u)
{
    static const char hx[] = "0123456789ABCDEF";
    strbuf b = { 0 };
    for (const unsigned char *s = (const unsigned char *)u; *s; s++) {
        if (*s > 0x20 && *s < 0x7F) {
            strbuf_chr(&b, (char)*s);
        } else {
            char e[3] = { '%', hx[*s >> 4], hx[*s & 15] };
            strbuf_add(&b, e, 3);
        }
    }
    return strbuf_take(&b);
}

static int link_flush(writer *w, int p, link_run *lr)
{
    if (!lr->on)
        return 0;
    lr->on = false;
    char *uri = uri_ascii(w->d->uris[lr->link - 1]);
    HPDF_Annotation a = uri ? HPDF_Page_CreateURILinkAnnot(w->pages[p], lr->r, uri) : NULL;
    free(uri);
    if (!a || HPDF_LinkAnnot_SetBorderStyle(a, 0, 0, 0) ||
        (w->tag && pdftag_annot(w->tag, p, lr->key, a)))
        return fail(w, "libharu could not create a link on page %d", p + 1);
    return 0;
}

/* Follows the page's items: runs of one link on one line make one annotation. */
static int link_item(writer *w, int p, link_run *lr, const dl_item *it, int key)
{
    bool linked = it->kind == DL_TEXT && it->u.text.link > 0 &&
                  it->u.text.link <= w->d->nuris && it->u.text.ng > 0;
    if (!linked)
        return link_flush(w, p, lr);
    HPDF_Rect r = text_box(w, it);
    if (lr->on && lr->link == it->u.text.link && lr->base == it->u.text.y && lr->key == key) {
        lr->r.left = fminf(lr->r.left, r.left);
        lr->r.right = fmaxf(lr->r.right, r.right);
        return 0;
    }
    if (link_flush(w, p, lr))
        return -1;
    *lr = (link_run){ true, it->u.text.link, key, it->u.text.y, r };
    return 0;
}

static int emit_page(writer *w, int p)
{
    const dl_page *pg = &w->d->pages[p];
    HPDF_Page page = w->pages[p];
    HPDF_PageAttr attr = (HPDF_PageAttr)page->attr;
    strbuf c = { 0 };
    text_state ts = { 0 };
    ts.font = -1;
    link_run lr = { 0 };
    if (w->x)
        pdfx_page_prologue(w->x, page, &c);
    for (uint32_t i = 0; i < pg->n; i++) {
        const dl_item *it = &pg->items[i];
        if (w->tag && it->kind != DL_LINK)
            mark(w, &c, &ts, p, it);
        /* Press output carries no annotations. */
        if (!w->x && link_item(w, p, &lr, it, ts.key)) {
            strbuf_free(&c);
            return -1;
        }
        if (it->kind == DL_TEXT) {
            emit_text(w, &c, &ts, it);
            continue;
        }
        if (it->kind != DL_LINK)
            end_text(&c, &ts);
        switch (it->kind) {
        case DL_RULE:
            strbuf_str(&c, "q\n");
            cb_color(w, &c, it->color, true);
            cb_num(&c, it->u.rule.width, 3);
            strbuf_str(&c, "w\n");
            cb_num(&c, X(w, it->u.rule.x0), 3);
            cb_num(&c, Y(w, it->u.rule.y0), 3);
            strbuf_str(&c, "m\n");
            cb_num(&c, X(w, it->u.rule.x1), 3);
            cb_num(&c, Y(w, it->u.rule.y1), 3);
            strbuf_str(&c, "l\nS\nQ\n");
            break;
        case DL_RECT:
            strbuf_str(&c, "q\n");
            if (it->u.rect.stroke_width > 0) {
                cb_color(w, &c, it->u.rect.stroke, true);
                cb_num(&c, it->u.rect.stroke_width, 3);
                strbuf_str(&c, "w\n");
            } else {
                cb_color(w, &c, it->color, false);
            }
            cb_num(&c, X(w, it->u.rect.x), 3);
            cb_num(&c, Y(w, it->u.rect.y + it->u.rect.h), 3);
            cb_num(&c, it->u.rect.w, 3);
            cb_num(&c, it->u.rect.h, 3);
            strbuf_str(&c, it->u.rect.stroke_width > 0 ? "re\nS\nQ\n" : "re\nf\nQ\n");
            break;
        case DL_PATH:
            emit_path(w, &c, it);
            break;
        case DL_IMAGE: {
            HPDF_Image img = w->images[it->u.image.image];
            const char *name = HPDF_Page_GetXObjectName(page, img);
            if (!name) {
                strbuf_free(&c);
                return fail(w, "libharu could not register image %s",
                            w->d->images[it->u.image.image].path);
            }
            strbuf_str(&c, "q\n");
            cb_num(&c, it->u.image.w, 3);
            strbuf_str(&c, "0 0 ");
            cb_num(&c, it->u.image.h, 3);
            cb_num(&c, X(w, it->u.image.x), 3);
            cb_num(&c, Y(w, it->u.image.y + it->u.image.h), 3);
            strbuf_printf(&c, "cm\n/%s Do\nQ\n", name);
            break;
        }
        case DL_LINK: {
            /* PDF/X allows no annotation inside the BleedBox but printer's marks and
             * trap networks (ISO 15930): press output keeps the outline, not the links. */
            if (w->o->standard != PDF_PLAIN)
                break;
            HPDF_Rect r = { (HPDF_REAL)X(w, it->u.link.x),
                            (HPDF_REAL)Y(w, it->u.link.y + it->u.link.h),
                            (HPDF_REAL)X(w, it->u.link.x + it->u.link.w),
                            (HPDF_REAL)Y(w, it->u.link.y) };
            int tp = it->u.link.page;
            if (tp < 0 || tp >= w->d->npages)
                break;
            HPDF_Destination dst = xyz_dest(w, w->pages[tp], Y(w, it->u.link.dest_y));
            if (!dst)
                return fail(w, "libharu could not create a link destination");
            HPDF_Annotation a = HPDF_Page_CreateLinkAnnot(page, r, dst);
            if (!a || HPDF_LinkAnnot_SetBorderStyle(a, 0, 0, 0))
                return fail(w, "libharu could not create a link");
            if (w->tag && pdftag_annot(w->tag, p, it->elem, a))
                return fail(w, "out of memory tagging a link");
            break;
        }
        default:
            break;
        }
    }
    if (link_flush(w, p, &lr)) {
        strbuf_free(&c);
        return -1;
    }
    end_marks(&c, &ts);
    if (c.oom) {
        strbuf_free(&c);
        return fail(w, "out of memory writing page %d", p + 1);
    }
    /* Deflated at once, so that the raw content of every page is not held until the
     * end; except in press output, whose pages get crop marks written into their
     * content afterwards. */
    int rc = 0;
    if (c.n && w->z)
        rc = flate_set(w->z, w->o->cache, attr->contents, c.p, c.n);
    else if (c.n)
        rc = HPDF_Stream_Write(attr->stream, (const HPDF_BYTE *)c.p, (HPDF_UINT)c.n) == HPDF_OK
                 ? 0
                 : -1;
    strbuf_free(&c);
    if (rc)
        return fail(w, "libharu could not write page %d", p + 1);
    return 0;
}

/* Each page's /Resources /Font holds exactly the fonts the page uses. */
static int page_fonts(writer *w, int p)
{
    const dl_page *pg = &w->d->pages[p];
    HPDF_Page page = w->pages[p];
    HPDF_PageAttr attr = (HPDF_PageAttr)page->attr;
    HPDF_Dict res = HPDF_Page_GetInheritableItem(page, "Resources", HPDF_OCLASS_DICT);
    if (!res)
        return fail(w, "page %d has no resources", p + 1);
    HPDF_Dict fd = HPDF_Dict_New(w->pdf->mmgr);
    if (!fd || HPDF_Dict_Add(res, "Font", fd) != HPDF_OK)
        return fail(w, "libharu could not create the font resources");
    attr->fonts = fd;
    int nf = font_lib_count(w->fonts);
    for (int f = 0; f < nf; f++) {
        bool used = false;
        for (uint32_t i = 0; i < pg->n && !used; i++)
            used = pg->items[i].kind == DL_TEXT && pg->items[i].u.text.font == f;
        if (!used)
            continue;
        HPDF_Dict t0 = pdffont_dict(w->fs, f);
        char name[16];
        snprintf(name, sizeof name, "F%d", f);
        if (!t0 || HPDF_Dict_Add(fd, name, t0) != HPDF_OK)
            return fail(w, "font %d missing from the PDF", f);
    }
    return 0;
}

static int add_box(writer *w, HPDF_Page page, const char *key, double x0, double y0, double x1,
                   double y1)
{
    HPDF_Array a = HPDF_Array_New(w->pdf->mmgr);
    if (!a || HPDF_Array_AddReal(a, (HPDF_REAL)x0) || HPDF_Array_AddReal(a, (HPDF_REAL)y0) ||
        HPDF_Array_AddReal(a, (HPDF_REAL)x1) || HPDF_Array_AddReal(a, (HPDF_REAL)y1) ||
        HPDF_Dict_Add(page, key, a))
        return fail(w, "libharu could not add the %s", key);
    return 0;
}

static int make_pages(writer *w)
{
    int n = w->d->npages;
    /* Saddle stitching needs whole sheets (PR-12): blank pages at the end. */
    if (w->o->pad_to_4 && n % 4)
        n += 4 - n % 4;
    w->npages = n;
    float media_w = w->d->width + 2 * w->off;
    w->media_h = w->d->height + 2 * w->off;
    w->pages = calloc((size_t)(n ? n : 1), sizeof *w->pages);
    if (!w->pages)
        return fail(w, "out of memory");
    for (int p = 0; p < n; p++) {
        HPDF_Page page = HPDF_AddPage(w->pdf);
        if (!page || HPDF_Page_SetWidth(page, media_w) || HPDF_Page_SetHeight(page, w->media_h))
            return fail(w, "libharu could not add page %d", p + 1);
        w->pages[p] = page;
        if (w->o->standard != PDF_PLAIN) {
            float b = w->o->bleed;
            if (add_box(w, page, "TrimBox", w->off, w->off, w->off + w->d->width,
                        w->off + w->d->height) ||
                add_box(w, page, "BleedBox", w->off - b, w->off - b,
                        w->off + w->d->width + b, w->off + w->d->height + b))
                return -1;
        }
    }
    return 0;
}

/* Plain output: a JPEG's bytes go in unchanged (DCTDecode); a PNG is decoded here and
 * stored with Flate, its alpha as a soft mask. */
static HPDF_Image plain_image(writer *w, const image_file *f, const char *path)
{
    if (f->info.kind == IMAGE_JPEG) {
        HPDF_Image img = HPDF_LoadJpegImageFromMem(w->pdf, f->data, (HPDF_UINT)f->len);
        if (!img)
            fail(w, "libharu could not store image %s", path);
        return img;
    }
    image_raster r;
    char why[300];
    if (image_decode(f, &r, why, sizeof why)) {
        fail(w, "image %s %s", path, why);
        return NULL;
    }
    HPDF_ColorSpace cs = r.nc == 1 ? HPDF_CS_DEVICE_GRAY : HPDF_CS_DEVICE_RGB;
    HPDF_Image img = HPDF_LoadRawImageFromMem(w->pdf, r.px, r.w, r.h, cs, 8);
    HPDF_Image mask = img && r.alpha ? HPDF_LoadRawImageFromMem(w->pdf, r.alpha, r.w, r.h,
                                                               HPDF_CS_DEVICE_GRAY, 8)
                                     : NULL;
    if (!img || (r.alpha && (!mask || HPDF_Image_AddSMask(img, mask) != HPDF_OK))) {
        fail(w, "libharu could not store image %s", path);
        img = NULL;
    }
    image_raster_free(&r);
    return img;
}

static int load_images(writer *w)
{
    w->images = calloc((size_t)(w->d->nimages ? w->d->nimages : 1), sizeof *w->images);
    if (!w->images)
        return fail(w, "out of memory");
    for (int i = 0; i < w->d->nimages; i++) {
        const char *path = w->d->images[i].path;
        image_file f;
        char why[300];
        if (image_file_read(path, &f, why, sizeof why))
            return fail(w, "image %s %s", path, why);
        HPDF_Image img = w->x ? pdfx_load_image(w->x, w->pdf, &f, path, w->err, w->errlen)
                              : plain_image(w, &f, path);
        image_file_free(&f);
        if (!img)
            return fail(w, "cannot load image %s", path);
        w->images[i] = img;
    }
    return 0;
}

static int make_outline(writer *w)
{
    HPDF_Outline parents[8] = { 0 };
    for (int i = 0; i < w->d->noutline; i++) {
        const dl_outline *o = &w->d->outline[i];
        int lv = o->level < 0 ? 0 : o->level > 7 ? 7 : o->level;
        HPDF_Outline parent = NULL;
        for (int k = lv - 1; k >= 0 && !parent; k--)
            parent = parents[k];
        HPDF_Outline ol = HPDF_CreateOutline(w->pdf, parent, "", NULL);
        HPDF_Binary t = ol ? pdftag_string(w->pdf->mmgr, o->title) : NULL;
        if (!ol || !t || HPDF_Dict_Add(ol, "Title", t))
            return fail(w, "libharu could not create the outline");
        if (o->page >= 0 && o->page < w->d->npages) {
            HPDF_Destination dst = xyz_dest(w, w->pages[o->page], Y(w, o->y));
            if (!dst || HPDF_Outline_SetDestination(ol, dst))
                return fail(w, "libharu could not set an outline destination");
        }
        HPDF_Outline_SetOpened(ol, lv == 0);
        parents[lv] = ol;
        for (int k = lv + 1; k < 8; k++)
            parents[k] = NULL;
    }
    return 0;
}

/* /PageLabels: runs of consecutive decimal labels become /S /D ranges, anything else
 * a prefix-only label. */
static int page_labels(writer *w)
{
    HPDF_MMgr mm = w->pdf->mmgr;
    HPDF_Dict pl = HPDF_Dict_New(mm);
    HPDF_Array nums = HPDF_Array_New(mm);
    if (!pl || !nums || HPDF_Dict_Add(pl, "Nums", nums))
        return fail(w, "out of memory");
    long prev = -2;
    for (int p = 0; p < w->d->npages; p++) {
        const char *l = w->d->pages[p].label ? w->d->pages[p].label : "";
        char *end;
        long v = strtol(l, &end, 10);
        bool dec = *l && *end == 0 && v > 0;
        if (dec && v == prev + 1 && p > 0) {
            prev = v;
            continue;
        }
        HPDF_Dict e = HPDF_Dict_New(mm);
        if (!e || HPDF_Array_AddNumber(nums, p) || HPDF_Array_Add(nums, e))
            return fail(w, "out of memory");
        if (dec) {
            if (HPDF_Dict_AddName(e, "S", "D") || HPDF_Dict_AddNumber(e, "St", (HPDF_INT32)v))
                return fail(w, "out of memory");
            prev = v;
        } else {
            HPDF_Binary b = pdftag_string(mm, *l ? l : "-");
            if (!b || HPDF_Dict_Add(e, "P", b))
                return fail(w, "out of memory");
            prev = -2;
        }
    }
    if (HPDF_Dict_Add(w->pdf->catalog, "PageLabels", pl))
        return fail(w, "libharu could not add page labels");
    return 0;
}

static int info_str(writer *w, const char *key, const char *v)
{
    if (!v || !*v)
        return 0;
    HPDF_Binary b = pdftag_string(w->pdf->mmgr, v);
    if (!b || HPDF_Dict_Add(w->pdf->info, key, b))
        return fail(w, "libharu could not set %s", key);
    return 0;
}

static int doc_info(writer *w)
{
    if (HPDF_SetInfoAttr(w->pdf, HPDF_INFO_PRODUCER, "jianbao (libharu " HPDF_VERSION_TEXT ")") ||
        !w->pdf->info)
        return fail(w, "libharu could not create the document information");
    if (info_str(w, "Title", w->d->title) || info_str(w, "Subject", w->d->subject) ||
        info_str(w, "Author", w->d->author) || info_str(w, "Keywords", w->d->keywords) ||
        info_str(w, "Creator", w->d->creator))
        return -1;
    if (w->o->date >= 0) {
        time_t t = (time_t)w->o->date;
        struct tm tm;
        gmtime_r(&t, &tm);
        HPDF_Date hd = { tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                         tm.tm_min, tm.tm_sec, 'Z', 0, 0 };
        if (HPDF_SetInfoDateAttr(w->pdf, HPDF_INFO_CREATION_DATE, hd) ||
            HPDF_SetInfoDateAttr(w->pdf, HPDF_INFO_MOD_DATE, hd))
            return fail(w, "libharu could not set the dates");
    }
    return 0;
}

/* Every output: the document's language, its title in the window's title bar, the
 * outline open beside the pages. */
static int catalog_prefs(writer *w)
{
    HPDF_MMgr mm = w->pdf->mmgr;
    HPDF_Dict vp = HPDF_Dict_New(mm);
    if (!vp || HPDF_Dict_AddBoolean(vp, "DisplayDocTitle", HPDF_TRUE) ||
        HPDF_Dict_Add(w->pdf->catalog, "ViewerPreferences", vp) ||
        (w->d->noutline > 0 && HPDF_SetPageMode(w->pdf, HPDF_PAGE_MODE_USE_OUTLINE)))
        return fail(w, "libharu could not set the viewer preferences");
    if (w->d->lang && *w->d->lang) {
        HPDF_String l = HPDF_String_New(mm, w->d->lang, NULL);
        if (!l || HPDF_Dict_Add(w->pdf->catalog, "Lang", l))
            return fail(w, "libharu could not set the document language");
    }
    return 0;
}

/* PDF/UA-1's machine-checkable rules beyond the structure tree's: a title shown in the
 * title bar, a language, no missing glyph, every glyph mapped to Unicode. */
static bool ua_text(const writer *w)
{
    return w->d->title && *w->d->title && w->d->lang && *w->d->lang && !w->notdef &&
           pdffont_all_mapped(w->fs);
}

static int plain_xmp(writer *w, bool ua)
{
    const dl_doc *d = w->d;
    xmp_fields f = { d->title, d->author, d->subject, d->keywords, d->creator, d->lang,
                     w->o->date, ua, NULL, NULL, NULL };
    return xmp_write(w->pdf, &f, w->err, w->errlen);
}

/* ---- saving: temporary file, checked writes, rename ---- */

/* Temporaries are "<dir>/.<name>.jianbao-tmp-XXXXXX" beside the target: hidden, and
 * recognisable as ours. A writer holds an exclusive flock on its temporary until it is
 * renamed or removed, so one left by a killed run is told from one being written by a
 * live run: the first can be locked, the second cannot. */
#define TMP_TAG ".jianbao-tmp-"

/* The directory part of path ("." when none) and its last component. */
static void split_path(const char *path, char **dir, const char **base)
{
    const char *slash = strrchr(path, '/');
    *base = slash ? slash + 1 : path;
    *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
}

/* Removes temporaries for target base in dir that no live writer holds: ours
 * (".base.jianbao-tmp-XXXXXX") and the older "base.tmpXXXXXX" form. */
static void remove_stale_temps(const char *dir, const char *base)
{
    DIR *dp = opendir(dir);
    if (!dp)
        return;
    size_t bn = strlen(base);
    struct dirent *e;
    while ((e = readdir(dp)) != NULL) {
        const char *n = e->d_name;
        bool ours = n[0] == '.' && strncmp(n + 1, base, bn) == 0 &&
                    strncmp(n + 1 + bn, TMP_TAG, strlen(TMP_TAG)) == 0 &&
                    strlen(n + 1 + bn + strlen(TMP_TAG)) == 6;
        bool old = strncmp(n, base, bn) == 0 && strncmp(n + bn, ".tmp", 4) == 0 &&
                   strlen(n + bn + 4) == 6;
        if (!ours && !old)
            continue;
        int fd = openat(dirfd(dp), n, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
            continue;
        struct stat st;
        if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && flock(fd, LOCK_EX | LOCK_NB) == 0)
            unlinkat(dirfd(dp), n, 0);
        close(fd);
    }
    closedir(dp);
}

/* Creates a new temporary beside the target, with a second descriptor holding the
 * lock (so the writing one can be closed, and its close checked, before the rename
 * while the lock stays). Returns the writing descriptor; -1 with errno. */
static int temp_create(const char *dir, const char *base, char **tmp, int *lock_fd)
{
    for (int attempt = 0; attempt < 5; attempt++) {
        *tmp = strbuf_format("%s/.%s" TMP_TAG "XXXXXX", dir, base);
        if (!*tmp) {
            errno = ENOMEM;
            return -1;
        }
        int fd = mkstemp(*tmp);
        if (fd < 0) {
            int e = errno;
            free(*tmp);
            *tmp = NULL;
            errno = e;
            return -1;
        }
        *lock_fd = open(*tmp, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        /* Another run may have taken it for stale between mkstemp and flock: then it is
         * gone from the directory, and a new one is made. */
        struct stat a, b;
        if (*lock_fd >= 0 && fcntl(fd, F_SETFD, FD_CLOEXEC) == 0 &&
            flock(*lock_fd, LOCK_EX) == 0 && fstat(fd, &a) == 0 && a.st_nlink > 0 &&
            stat(*tmp, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
            return fd;
        int e = errno;
        if (*lock_fd >= 0)
            close(*lock_fd);
        close(fd);
        if (attempt == 4)
            unlink(*tmp);
        free(*tmp);
        *tmp = NULL;
        errno = e ? e : EAGAIN;
    }
    return -1;
}

/* The reason for a failed write, in words: a full disk is named as such. */
static const char *write_reason(int err)
{
    return err == ENOSPC ? "the disk is full" : err == EDQUOT ? "the disk quota is used up"
         : err == EFBIG ? "the file is too large for the file system" : strerror(err);
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return -1;
        if (k == 0) {
            errno = ENOSPC;
            return -1;
        }
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* The file as libharu writes it out: through a buffer to fd, every write checked. */
typedef struct {
    int fd;
    int err;                  /* errno of a failed write, else 0 */
    size_t n;
    unsigned char buf[1 << 16];
} file_out;

static int out_flush(file_out *o)
{
    if (o->n && !o->err && write_all(o->fd, o->buf, o->n) != 0)
        o->err = errno ? errno : EIO;
    o->n = 0;
    return o->err ? -1 : 0;
}

static HPDF_STATUS out_write(HPDF_Stream s, const HPDF_BYTE *p, HPDF_UINT n)
{
    file_out *o = s->attr;
    while (n > 0 && !o->err) {
        if (o->n == sizeof o->buf)
            out_flush(o);
        size_t k = sizeof o->buf - o->n < n ? sizeof o->buf - o->n : n;
        memcpy(o->buf + o->n, p, k);
        o->n += k;
        p += k;
        n -= (HPDF_UINT)k;
    }
    return o->err ? HPDF_FILE_IO_ERROR : HPDF_OK;
}

/* libharu writes the file through our stream (it would otherwise assemble the whole file
 * in memory first: 5.7 MB at the peak of the 16x issue), which checks every write. */
static int write_document(writer *w, int fd, const char *path)
{
    file_out *o = calloc(1, sizeof *o);
    HPDF_Stream s = o ? HPDF_CallbackWriter_New(w->pdf->mmgr, out_write, o) : NULL;
    if (!s) {
        free(o);
        return fail(w, "cannot assemble %s: out of memory", path);
    }
    o->fd = fd;
    if (w->pdf->stream)
        HPDF_Stream_Free(w->pdf->stream);
    w->pdf->stream = s;       /* HPDF_SaveToStream writes to the document's stream */
    int rc = 0;
    if (HPDF_SaveToStream(w->pdf) != HPDF_OK && !o->err)
        rc = fail(w, "cannot assemble %s: %s", path,
                  w->hpdf_error == HPDF_FAILD_TO_ALLOC_MEM ? "out of memory"
                                                           : "libharu failed to write the PDF");
    else if (out_flush(o) != 0)
        rc = fail(w, "cannot write %s: %s; the previous file is unchanged", path,
                  write_reason(o->err));
    w->pdf->stream = NULL;
    HPDF_Stream_Free(s);
    free(o);
    return rc;
}

/* Makes the finished temporary durable and closes it, every step checked. */
static int finish_temp(writer *w, int fd, const char *tmp, const char *path)
{
    mode_t um = umask(0);
    umask(um);
    int rc = 0;
    if (fchmod(fd, 0666 & ~um) != 0)
        rc = fail(w, "cannot set the permissions of %s: %s", tmp, strerror(errno));
    else if (fsync(fd) != 0)
        rc = fail(w, "cannot write %s: %s; the previous file is unchanged", path,
                  write_reason(errno));
    if (close(fd) != 0 && rc == 0)
        rc = fail(w, "cannot write %s: %s; the previous file is unchanged", path,
                  write_reason(errno));
    return rc;
}

/* Puts the finished temporary in place of path. */
static int commit(writer *w, const char *tmp, const char *path, const char *dir)
{
    struct stat st;
    if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return fail(w, "%s is not a regular file (a link, device, FIFO or directory); "
                       "jianbao replaces only regular files: write the PDF elsewhere", path);
    if (rename(tmp, path) != 0)
        return fail(w, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
    /* The rename itself is made durable too; a directory that cannot be synced (some
     * file systems refuse) leaves the file in place all the same. */
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return 0;
}

/* Saves through a locked temporary in the same directory: every write checked, the
 * same descriptor synced and closed (checked), and only then renamed over path. On
 * any failure the temporary is removed and path is untouched. */
static int save_atomically(writer *w, const char *path)
{
    char *dir;
    const char *base;
    split_path(path, &dir, &base);
    if (!dir)
        return fail(w, "out of memory");
    remove_stale_temps(dir, base);
    char *tmp = NULL;
    int lock_fd = -1;
    int fd = temp_create(dir, base, &tmp, &lock_fd);
    if (fd < 0) {
        fail(w, "cannot create a file in %s for %s: %s", dir, path, write_reason(errno));
        free(dir);
        return -1;
    }
    int rc = write_document(w, fd, path);
    if (rc != 0)
        close(fd);
    else
        rc = finish_temp(w, fd, tmp, path);
    if (rc == 0)
        rc = commit(w, tmp, path, dir);
    if (rc != 0)
        unlink(tmp);
    close(lock_fd);           /* the lock is held until the temporary is gone */
    free(tmp);
    free(dir);
    return rc;
}

static int write_doc(const dl_doc *d, dl_doc *release, font_lib *fonts, const pdf_options *o,
                     const char *path, char *err, size_t errlen)
{
    writer w = { 0 };
    w.d = d;
    w.o = o;
    w.fonts = fonts;
    w.err = err;
    w.errlen = errlen;
    err[0] = 0;
    w.fs = pdffont_set_new(fonts, o->cache);
    w.pdf = HPDF_New(on_hpdf_error, &w);
    int rc = -1;
    if (!w.fs || !w.pdf) {
        fail(&w, "out of memory");
        goto done;
    }
    if (HPDF_SetCompressionMode(w.pdf, HPDF_COMP_ALL)) {
        fail(&w, "libharu could not enable compression");
        goto done;
    }
    if (o->standard != PDF_PLAIN) {
        w.x = pdfx_state_new(w.pdf, o, err, errlen);
        if (!w.x)
            goto done;
        w.off = pdfx_offset(o);
    }
    /* PDF/X-1a output stays untagged: it is the print shop's file only (see pdf.h). */
    if (o->standard != PDF_X1A) {
        bool oom;
        w.tag = pdftag_new(d, o->standard == PDF_PLAIN, &oom);
        if (oom || d->tag_failed) {
            fail(&w, "out of memory building the structure tree");
            goto done;
        }
    }
    if (!w.x && !(w.z = flate_new(FLATE_LEVEL))) {
        fail(&w, "out of memory");
        goto done;
    }
    if (register_glyphs(&w) || pdffont_emit(w.fs, w.pdf, err, errlen) || make_pages(&w) ||
        load_images(&w))
        goto done;
    w.release = w.x ? NULL : release;
    for (int p = 0; p < d->npages; p++) {
        if (page_fonts(&w, p) || emit_page(&w, p))
            goto done;
        if (w.release)
            dl_page_clear(w.release, p);
    }
    if (w.x)
        for (int p = 0; p < w.npages; p++)
            if (pdfx_page_epilogue(w.x, w.pages[p], p, d->width, d->height, w.tag != NULL, err,
                                   errlen))
                goto done;
    if (make_outline(&w) || page_labels(&w) || doc_info(&w) || catalog_prefs(&w))
        goto done;
    if (w.tag && pdftag_finish(w.tag, w.pdf, w.pages, w.npages, true, err, errlen))
        goto done;
    bool ua = w.tag && pdftag_ua(w.tag) && ua_text(&w);
    if (w.x ? pdfx_finish(w.x, d, ua, err, errlen) : plain_xmp(&w, ua))
        goto done;
    /* Tagged plain output is PDF 1.7: PDF/UA-1 builds on ISO 32000-1, and page /Tabs
     * needs 1.5. */
    w.pdf->pdf_version = o->standard == PDF_X4 ? HPDF_VER_16 : w.tag ? HPDF_VER_17 : HPDF_VER_14;
    if (w.tag && pdftag_pack(w.tag, err, errlen))
        goto done;
    if (pdffont_finish(w.fs, err, errlen) || flate_doc(w.pdf, FLATE_LEVEL, o->cache, err, errlen))
        goto done;
    rc = save_atomically(&w, path);
done:
    if (rc && !err[0])
        snprintf(err, errlen, "libharu error 0x%04lX", (unsigned long)w.hpdf_error);
    pdfx_state_free(w.x);
    pdftag_free(w.tag);
    if (w.pdf)
        HPDF_Free(w.pdf);
    pdffont_set_free(w.fs);
    flate_free(w.z);
    free(w.pages);
    free(w.images);
    return rc;
}

int pdf_write(const dl_doc *d, font_lib *fonts, const pdf_options *o, const char *path,
              char *err, size_t errlen)
{
    return write_doc(d, NULL, fonts, o, path, err, errlen);
}

int pdf_write_release(dl_doc *d, font_lib *fonts, const pdf_options *o, const char *path,
                      char *err, size_t errlen)
{
    return write_doc(d, d, fonts, o, path, err, errlen);
}
