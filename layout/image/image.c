/* image — see image.h. */
#include "layout/image/image.h"

#include <errno.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>
#include <png.h>

#include "layout/base/fileio.h"

/* Ancillary chunks (text, profiles) larger than this are a sign of a hostile file. */
#define IMAGE_MAX_CHUNK ((png_alloc_size_t)16 << 20)

static const unsigned char png_sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };

static bool is_png(const image_file *f) { return f->len >= 8 && !memcmp(f->data, png_sig, 8); }

static bool is_jpeg(const image_file *f)
{
    return f->len >= 3 && f->data[0] == 0xFF && f->data[1] == 0xD8 && f->data[2] == 0xFF;
}

/* The pixel budget and what the file's bytes can hold, before anything is
 * allocated for the samples. */
static int check_budget(const image_file *f, unsigned long long w, unsigned long long h,
                        unsigned long long per_byte, char *err, size_t errlen)
{
    if (w == 0 || h == 0) {
        snprintf(err, errlen, "is corrupt (an image of %llux%llu pixels)", w, h);
        return -1;
    }
    if (w > IMAGE_MAX_PIXELS || h > IMAGE_MAX_PIXELS || w * h > IMAGE_MAX_PIXELS) {
        snprintf(err, errlen,
                 "is %llux%llu pixels, more than the %llu million this program decodes; "
                 "scale it down (a full A4 page at 300 ppi is about 9 million)",
                 w, h, IMAGE_MAX_PIXELS / 1000000);
        return -1;
    }
    if (per_byte && w * h > (unsigned long long)f->len * per_byte) {
        snprintf(err, errlen,
                 "is corrupt (its header claims %llux%llu pixels, more than its %zu bytes "
                 "of data can hold); export it again",
                 w, h, f->len);
        return -1;
    }
    return 0;
}

/* ---- PNG ---- */

typedef struct {
    const image_file *f;
    size_t at;
    png_structp png;
    png_infop info;
    png_bytep *rows;
    char msg[160];
} png_ctx;

static void png_on_error(png_structp p, png_const_charp msg)
{
    png_ctx *c = png_get_error_ptr(p);
    snprintf(c->msg, sizeof c->msg, "%s", msg);
    png_longjmp(p, 1);
}

static void png_on_warning(png_structp p, png_const_charp msg) { (void)p, (void)msg; }

static void png_from_mem(png_structp p, png_bytep out, size_t n)
{
    png_ctx *c = png_get_io_ptr(p);
    if (n > c->f->len - c->at)
        png_error(p, "the file ends inside the image data");
    memcpy(out, c->f->data + c->at, n);
    c->at += n;
}

static void png_ctx_end(png_ctx *c)
{
    free(c->rows);
    c->rows = NULL;
    png_destroy_read_struct(&c->png, c->info ? &c->info : NULL, NULL);
}

static int png_ctx_begin(png_ctx *c, const image_file *f, char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    c->f = f;
    c->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, c, png_on_error, png_on_warning);
    c->info = c->png ? png_create_info_struct(c->png) : NULL;
    if (!c->info) {
        png_ctx_end(c);
        snprintf(err, errlen, "cannot be decoded: out of memory");
        return -1;
    }
    png_set_read_fn(c->png, c, png_from_mem);
    png_set_user_limits(c->png, IMAGE_MAX_PIXELS, IMAGE_MAX_PIXELS);
    png_set_chunk_malloc_max(c->png, IMAGE_MAX_CHUNK);
    return 0;
}

/* Called after png_read_info, inside the setjmp scope. */
static void png_header(png_ctx *c, image_info *info)
{
    info->kind = IMAGE_PNG;
    info->px_w = (int)png_get_image_width(c->png, c->info);
    info->px_h = (int)png_get_image_height(c->png, c->info);
    info->bits = png_get_bit_depth(c->png, c->info);
    info->components = png_get_channels(c->png, c->info);
    png_uint_32 rx, ry;
    int unit;
    if (png_get_pHYs(c->png, c->info, &rx, &ry, &unit) && unit == PNG_RESOLUTION_METER) {
        info->dpi_x = rx * 0.0254;            /* pixels per metre */
        info->dpi_y = ry * 0.0254;
    }
}

/* Moves an alpha channel out of interleaved samples (ch = nc + 1) into its own plane;
 * drops it when every pixel is opaque. */
static int split_alpha(image_raster *r, int ch)
{
    size_t npx = (size_t)r->w * r->h;
    int nc = ch - 1;
    bool opaque = true;
    for (size_t i = 0; i < npx && opaque; i++)
        opaque = r->px[i * (size_t)ch + (size_t)nc] == 255;
    if (!opaque && !(r->alpha = malloc(npx)))
        return -1;
    for (size_t i = 0; i < npx; i++) {
        const unsigned char *s = r->px + i * (size_t)ch;
        if (r->alpha)
            r->alpha[i] = s[nc];
        memmove(r->px + i * (size_t)nc, s, (size_t)nc);
    }
    r->nc = nc;
    return 0;
}

/* Decodes every sample into r (inside png_read's setjmp scope): 8-bit gray,
 * gray+alpha, RGB or RGBA, interlacing undone. */
static void png_samples(png_ctx *c, image_raster *r)
{
    png_uint_32 w = png_get_image_width(c->png, c->info), h = png_get_image_height(c->png, c->info);
    int type = png_get_color_type(c->png, c->info);
    if (type == PNG_COLOR_TYPE_PALETTE)
        png_set_palette_to_rgb(c->png);
    if (type == PNG_COLOR_TYPE_GRAY && png_get_bit_depth(c->png, c->info) < 8)
        png_set_expand_gray_1_2_4_to_8(c->png);
    if (png_get_valid(c->png, c->info, PNG_INFO_tRNS))
        png_set_tRNS_to_alpha(c->png);
    png_set_strip_16(c->png);
    png_set_interlace_handling(c->png);
    png_read_update_info(c->png, c->info);
    int ch = png_get_channels(c->png, c->info);
    if (ch < 1 || ch > 4 || png_get_rowbytes(c->png, c->info) != (size_t)w * (size_t)ch)
        png_error(c->png, "an unsupported sample layout");
    png_charp name;
    int comp;
    png_bytep prof;
    png_uint_32 plen;
    if (png_get_iCCP(c->png, c->info, &name, &comp, &prof, &plen) && plen > 0 &&
        (r->icc = malloc(plen)) != NULL) {
        memcpy(r->icc, prof, plen);
        r->icc_len = plen;
    }
    r->w = w;
    r->h = h;
    r->nc = ch;
    r->px = malloc((size_t)w * h * (size_t)ch);
    c->rows = malloc(h * sizeof *c->rows);
    if (!r->px || !c->rows)
        png_error(c->png, "out of memory");
    for (png_uint_32 y = 0; y < h; y++)
        c->rows[y] = r->px + (size_t)y * w * (size_t)ch;
    png_read_image(c->png, c->rows);
    png_read_end(c->png, NULL);
}

/* Reads the header into info and, when r is not NULL, every sample into r. */
static int png_read(const image_file *f, image_info *info, image_raster *r, char *err,
                    size_t errlen)
{
    png_ctx c;
    if (png_ctx_begin(&c, f, err, errlen))
        return -1;
    if (setjmp(png_jmpbuf(c.png))) {
        snprintf(err, errlen, "is a broken PNG (%s); export it again", c.msg);
        png_ctx_end(&c);
        if (r)
            image_raster_free(r);
        return -1;
    }
    png_read_info(c.png, c.info);
    png_header(&c, info);
    if (r)
        png_samples(&c, r);
    png_ctx_end(&c);
    if (r && (r->nc == 2 || r->nc == 4) && split_alpha(r, r->nc)) {
        image_raster_free(r);
        snprintf(err, errlen, "cannot be decoded: out of memory");
        return -1;
    }
    return 0;
}

/* ---- JPEG ---- */

typedef struct {
    struct jpeg_error_mgr pub;
    jmp_buf jb;
    char msg[JMSG_LENGTH_MAX];
} jpg_err;

static void jpg_on_error(j_common_ptr ci)
{
    jpg_err *e = (jpg_err *)ci->err;
    (*ci->err->format_message)(ci, e->msg);
    longjmp(e->jb, 1);
}

static void jpg_on_message(j_common_ptr ci, int level)
{
    /* Data that ends early is filled with grey by libjpeg, with only a warning: treat
     * it as the error it is. Other warnings (extraneous bytes, which many cameras
     * write) leave the picture intact. */
    int code = ci->err->msg_code;
    if (level < 0 && (code == JWRN_JPEG_EOF || code == JWRN_HIT_MARKER))
        jpg_on_error(ci);
}

typedef struct {
    struct jpeg_decompress_struct ci;
    jpg_err je;
} jpg_ctx;

static jpg_ctx *jpg_begin(void)
{
    jpg_ctx *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->ci.err = jpeg_std_error(&c->je.pub);
    c->je.pub.error_exit = jpg_on_error;
    c->je.pub.emit_message = jpg_on_message;
    return c;
}

/* Called inside the setjmp scope after jpeg_create_decompress. */
static void jpg_header(jpg_ctx *c, const image_file *f, image_info *info)
{
    jpeg_mem_src(&c->ci, f->data, (unsigned long)f->len);
    jpeg_save_markers(&c->ci, JPEG_APP0 + 2, 0xFFFF); /* ICC_PROFILE chunks */
    jpeg_read_header(&c->ci, TRUE);
    info->kind = IMAGE_JPEG;
    info->px_w = (int)c->ci.image_width;
    info->px_h = (int)c->ci.image_height;
    info->bits = c->ci.data_precision;
    info->components = c->ci.num_components;
    if (c->ci.saw_JFIF_marker && c->ci.density_unit != 0) {
        double k = c->ci.density_unit == 1 ? 1 : 2.54;     /* dots per inch, or per cm */
        info->dpi_x = c->ci.X_density * k;
        info->dpi_y = c->ci.Y_density * k;
    }
}

static int jpg_header_checked(jpg_ctx *c, const image_file *f, image_info *info, char *err,
                              size_t errlen)
{
    jpg_header(c, f, info);
    /* Arithmetic coding can go below a bit per block: the bound is for Huffman data. */
    unsigned long long per_byte = c->ci.arith_code ? 0 : IMAGE_JPEG_PIXELS_PER_BYTE;
    if (check_budget(f, c->ci.image_width, c->ci.image_height, per_byte, err, errlen))
        return -1;
    if (info->components != 1 && info->components != 3 && info->components != 4) {
        snprintf(err, errlen, "is a JPEG with %d colour components; export it as RGB, gray "
                              "or CMYK", info->components);
        return -1;
    }
    return 0;
}

static int jpg_read_header(const image_file *f, image_info *info, char *err, size_t errlen)
{
    jpg_ctx *c = jpg_begin();
    if (!c) {
        snprintf(err, errlen, "cannot be decoded: out of memory");
        return -1;
    }
    int rc = -1;
    if (setjmp(c->je.jb)) {
        snprintf(err, errlen, "is a broken JPEG (%s); export it again", c->je.msg);
    } else {
        jpeg_create_decompress(&c->ci);
        rc = jpg_header_checked(c, f, info, err, errlen);
    }
    jpeg_destroy_decompress(&c->ci);
    free(c);
    return rc;
}

static int jpg_decode(const image_file *f, image_raster *r, char *err, size_t errlen)
{
    jpg_ctx *c = jpg_begin();
    if (!c) {
        snprintf(err, errlen, "cannot be decoded: out of memory");
        return -1;
    }
    int rc = -1;
    image_info info;
    if (setjmp(c->je.jb)) {
        snprintf(err, errlen, "is a broken JPEG (%s); export it again", c->je.msg);
        image_raster_free(r);
        goto done;
    }
    jpeg_create_decompress(&c->ci);
    if (jpg_header_checked(c, f, &info, err, errlen))
        goto done;
    JOCTET *icc = NULL;
    unsigned icc_len = 0;
    if (jpeg_read_icc_profile(&c->ci, &icc, &icc_len) && icc) {
        r->icc = icc;
        r->icc_len = icc_len;
    }
    switch (c->ci.jpeg_color_space) {
    case JCS_GRAYSCALE: c->ci.out_color_space = JCS_GRAYSCALE; break;
    case JCS_CMYK:
    case JCS_YCCK: c->ci.out_color_space = JCS_CMYK; break;
    default: c->ci.out_color_space = JCS_RGB; break;
    }
    jpeg_start_decompress(&c->ci);
    unsigned w = c->ci.output_width, h = c->ci.output_height;
    int nc = c->ci.output_components;
    r->w = w;
    r->h = h;
    r->nc = nc;
    r->px = malloc((size_t)w * h * (size_t)nc);
    if (!r->px) {
        snprintf(err, errlen, "cannot be decoded: out of memory");
        image_raster_free(r);
        goto done;
    }
    while (c->ci.output_scanline < h) {
        JSAMPROW row = r->px + (size_t)c->ci.output_scanline * w * (size_t)nc;
        if (jpeg_read_scanlines(&c->ci, &row, 1) != 1) {
            snprintf(err, errlen, "is a broken JPEG (its data ends early); export it again");
            image_raster_free(r);
            goto done;
        }
    }
    /* Adobe's CMYK JPEGs store inverted samples. */
    bool inverted = nc == 4 && c->ci.saw_Adobe_marker;
    jpeg_finish_decompress(&c->ci);
    if (inverted)
        for (size_t i = 0; i < (size_t)w * h * 4; i++)
            r->px[i] = (unsigned char)(255 - r->px[i]);
    rc = 0;
done:
    jpeg_destroy_decompress(&c->ci);
    free(c);
    return rc;
}

/* ---- entry points ---- */

int image_file_read(const char *path, image_file *f, char *err, size_t errlen)
{
    memset(f, 0, sizeof *f);
    f->data = fileio_read(path, IMAGE_MAX_BYTES, &f->len);
    if (!f->data) {
        if (errno == EFBIG)
            snprintf(err, errlen, "is larger than %zu MB", IMAGE_MAX_BYTES >> 20);
        else
            snprintf(err, errlen, "cannot be read: %s", fileio_error(errno));
        return -1;
    }
    int rc;
    if (is_png(f)) {
        rc = png_read(f, &f->info, NULL, err, errlen);
        if (rc == 0)
            rc = check_budget(f, (unsigned)f->info.px_w, (unsigned)f->info.px_h,
                              IMAGE_PNG_PIXELS_PER_BYTE, err, errlen);
    } else if (is_jpeg(f)) {
        rc = jpg_read_header(f, &f->info, err, errlen);
    } else {
        snprintf(err, errlen, "is not a PNG or JPEG image; export it again as PNG or JPEG");
        rc = -1;
    }
    if (rc)
        image_file_free(f);
    return rc;
}

void image_file_free(image_file *f)
{
    free(f->data);
    memset(f, 0, sizeof *f);
}

int image_decode(const image_file *f, image_raster *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    image_info info;
    return f->info.kind == IMAGE_PNG ? png_read(f, &info, r, err, errlen)
                                     : jpg_decode(f, r, err, errlen);
}

void image_raster_free(image_raster *r)
{
    free(r->px);
    free(r->alpha);
    free(r->icc);
    memset(r, 0, sizeof *r);
}

int image_check(const char *path, image_info *info, char *err, size_t errlen)
{
    image_file f;
    if (image_file_read(path, &f, err, errlen))
        return -1;
    image_raster r;
    int rc = image_decode(&f, &r, err, errlen);
    *info = f.info;
    image_raster_free(&r);
    image_file_free(&f);
    return rc;
}
