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
 * The file is checked here, not only by the PDF writer: a corrupt or mislabelled
 * image is reported at the figure's source line, and the document is not lost at
 * the end of the run. */
#include "layout/blocks/figure.h"
#include "layout/base/fileio.h"
#include "layout/base/path.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "layout/blocks/box_impl.h"

#define FIGURE_WIDE 1.6f      /* aspect ratio above which an image spans */
#define FIGURE_MAX_H 0.6f     /* of the text area's height */
#define FIGURE_MIN_PPI 300.0
#define FIGURE_MAX_BYTES (512L * 1024 * 1024)

typedef struct {
    char *path;
    figure_info info;
    float iw, ih;             /* placed image size, pt */
    float ix;                 /* image offset inside the box */
    float gap;                /* between the image and the caption */
    bool has_caption;
    box_text caption;
} figure_layout;

/* ---- reading image headers ---- */

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static unsigned be16(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }

/* CRC-32 as PNG defines it (ISO 3309). */
static uint32_t png_crc(const unsigned char *p, size_t n)
{
    static uint32_t table[256];
    static int ready;
    if (!ready) {
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++)
                c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
        ready = 1;
    }
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++)
        c = table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

static bool png_depth_ok(unsigned type, unsigned depth)
{
    switch (type) {
    case 0: return depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
    case 3: return depth == 1 || depth == 2 || depth == 4 || depth == 8;
    case 2: case 4: case 6: return depth == 8 || depth == 16;
    default: return false;
    }
}

static int probe_png(const unsigned char *b, size_t n, figure_info *info, char *err, size_t el)
{
    size_t at = 8;
    bool ihdr = false, idat = false, iend = false;
    while (!iend) {
        if (n - at < 12) {
            snprintf(err, el, "is truncated (a PNG chunk runs past the end of the file)");
            return -1;
        }
        uint32_t len = be32(b + at);
        const unsigned char *type = b + at + 4, *data = b + at + 8;
        if (len > n - at - 12) {
            snprintf(err, el, "is truncated (a PNG chunk runs past the end of the file)");
            return -1;
        }
        if (png_crc(type, (size_t)len + 4) != be32(data + len)) {
            snprintf(err, el, "is corrupt (PNG chunk %.4s fails its checksum)", (const char *)type);
            return -1;
        }
        if (!ihdr && memcmp(type, "IHDR", 4) != 0) {
            snprintf(err, el, "is corrupt (a PNG must start with its IHDR chunk)");
            return -1;
        }
        if (memcmp(type, "IHDR", 4) == 0) {
            if (len != 13 || ihdr) {
                snprintf(err, el, "is corrupt (bad PNG IHDR chunk)");
                return -1;
            }
            uint32_t w = be32(data), h = be32(data + 4);
            if (w == 0 || h == 0 || w > 0x7FFFFFFFu || h > 0x7FFFFFFFu ||
                !png_depth_ok(data[9], data[8]) || data[10] != 0 || data[11] != 0 ||
                data[12] > 1) {
                snprintf(err, el, "is corrupt (impossible PNG header: %ux%u, depth %u, "
                                  "colour type %u)",
                         (unsigned)w, (unsigned)h, data[8], data[9]);
                return -1;
            }
            info->px_w = (int)w;
            info->px_h = (int)h;
            info->bits = data[8];
            ihdr = true;
        } else if (memcmp(type, "pHYs", 4) == 0 && len == 9 && data[8] == 1) {
            info->dpi_x = be32(data) * 0.0254;      /* pixels per metre */
            info->dpi_y = be32(data + 4) * 0.0254;
        } else if (memcmp(type, "IDAT", 4) == 0) {
            idat = true;
        } else if (memcmp(type, "IEND", 4) == 0) {
            iend = true;
        }
        at += (size_t)len + 12;
    }
    if (!idat) {
        snprintf(err, el, "is corrupt (a PNG without image data)");
        return -1;
    }
    info->kind = FIGURE_PNG;
    return 0;
}

static bool is_sof(unsigned m)
{
    return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
}

static int probe_jpeg(const unsigned char *b, size_t n, figure_info *info, char *err, size_t el)
{
    size_t at = 2;
    bool sof = false;
    for (;;) {
        while (at < n && b[at] != 0xFF)
            at++;                       /* tolerate junk before a marker */
        while (at < n && b[at] == 0xFF)
            at++;                       /* fill bytes */
        if (at >= n) {
            snprintf(err, el, "is truncated (the JPEG ends before its image data)");
            return -1;
        }
        unsigned m = b[at++];
        if (m == 0xD8 || (m >= 0xD0 && m <= 0xD7) || m == 0x01)
            continue;                   /* markers without a length */
        if (m == 0xD9) {
            snprintf(err, el, "is corrupt (the JPEG ends before its image data)");
            return -1;
        }
        if (n - at < 2 || be16(b + at) < 2 || be16(b + at) > n - at) {
            snprintf(err, el, "is truncated (a JPEG segment runs past the end of the file)");
            return -1;
        }
        unsigned len = be16(b + at);
        const unsigned char *s = b + at + 2;
        if (is_sof(m)) {
            if (len < 8) {
                snprintf(err, el, "is corrupt (bad JPEG frame header)");
                return -1;
            }
            unsigned h = be16(s + 1), w = be16(s + 3), nc = s[5];
            if (w == 0 || h == 0 || (nc != 1 && nc != 3 && nc != 4)) {
                snprintf(err, el, "is not usable (JPEG of %ux%u pixels with %u components)", w,
                         h, nc);
                return -1;
            }
            info->px_w = (int)w;
            info->px_h = (int)h;
            info->bits = s[0];
            sof = true;
        } else if (m == 0xE0 && len >= 14 && memcmp(s, "JFIF", 5) == 0 && s[7] != 0) {
            double k = s[7] == 1 ? 1 : 2.54;      /* dots per inch, or per cm */
            info->dpi_x = be16(s + 8) * k;
            info->dpi_y = be16(s + 10) * k;
        } else if (m == 0xDA) {
            if (!sof) {
                snprintf(err, el, "is corrupt (JPEG image data before its frame header)");
                return -1;
            }
            /* Entropy-coded data cannot contain FF D9: the first one is the end. */
            for (size_t i = at + len; i + 1 < n; i++)
                if (b[i] == 0xFF && b[i + 1] == 0xD9) {
                    info->kind = FIGURE_JPEG;
                    return 0;
                }
            snprintf(err, el, "is truncated (the JPEG has no end-of-image marker)");
            return -1;
        }
        at += len;
    }
}

static unsigned char *read_all(const char *path, size_t *n, char *err, size_t el)
{
    unsigned char *b = fileio_read(path, (size_t)FIGURE_MAX_BYTES, n);
    if (!b && errno == EFBIG)
        snprintf(err, el, "is larger than %ld MB", FIGURE_MAX_BYTES >> 20);
    else if (!b)
        snprintf(err, el, "cannot be read: %s", strerror(errno));
    return b;
}

int figure_probe(const char *path, figure_info *info, char *err, size_t errlen)
{
    memset(info, 0, sizeof *info);
    size_t n = 0;
    unsigned char *b = read_all(path, &n, err, errlen);
    if (!b)
        return -1;
    int rc;
    static const unsigned char png_sig[8] = { 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A };
    if (n >= 8 && memcmp(b, png_sig, 8) == 0) {
        rc = probe_png(b, n, info, err, errlen);
    } else if (n >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) {
        rc = probe_jpeg(b, n, info, err, errlen);
    } else {
        snprintf(err, errlen, "is not a PNG or JPEG image");
        rc = -1;
    }
    free(b);
    if (rc)
        return rc;
    /* The PDF writer goes by the name: a mislabelled file would fail there. */
    bool jpeg_name = path_has_suffix(path, ".jpg") || path_has_suffix(path, ".jpeg");
    if (info->kind == FIGURE_JPEG && !jpeg_name) {
        snprintf(err, errlen, "is a JPEG image; name it .jpg");
        return -1;
    }
    if (info->kind == FIGURE_PNG && jpeg_name) {
        snprintf(err, errlen, "is a PNG image; name it .png");
        return -1;
    }
    return 0;
}

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
    dl_item *it = dl_item_add(d, page, DL_IMAGE);
    if (!it)
        return -1;
    it->u.image.image = img;
    it->u.image.x = x + fl->ix;
    it->u.image.y = y;
    it->u.image.w = fl->iw;
    it->u.image.h = fl->ih;
    if (fl->has_caption)
        return box_text_draw(&fl->caption, d, page, x, y + fl->ih + fl->gap, b->w, AL_CENTER);
    return 0;
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

box *figure_box_new(typeset_ctx *t, const doc_block *b, float col_w, float full_w, int number)
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
    char err[256];
    if (figure_probe(fig->path, &fl->info, err, sizeof err)) {
        box_error(t, b->src, "figure %s %s", fig->path, err);
        figure_layout_free(fl);
        return NULL;
    }
    float aspect = (float)fl->info.px_w / (float)fl->info.px_h;
    bool span = aspect > FIGURE_WIDE && full_w > col_w + 0.5f;
    float m = span ? full_w : col_w;
    fl->iw = m;
    fl->ih = m / aspect;
    float maxh = FIGURE_MAX_H * text_height(t->st);
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
    fl->gap = 0.6f * cs->size;
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
