/* Press output (CLREQ PR-01…PR-12): a small bulletin written as PDF/X-1a:2003 and
 * PDF/X-4 and checked with poppler, qpdf, Ghostscript and our own preflight. */
#include "testutil.h"

#include <math.h>
#include <png.h>
#include <jpeglib.h>
#include <lcms2.h>
#include <unistd.h>

#include "fonts/font.h"
#include "fonts/shape.h"
#include "layout/dlist/dlist.h"
#include "layout/pdf/pdf.h"
#include "layout/pdf/pdfx.h"
#include "layout/preflight/preflight.h"

#define PAGE_W 595.276f
#define PAGE_H 841.89f
#define BLEED (3 * 72 / 25.4f)

static font_lib *lib;
static char x1a[256], x4[256], pngpath[256], rgbapath[256], graypath[256], jpgpath[256],
    cmykjpg[256];

/* Shapes text and appends it at (x, y) as one text item per font run. */
static void place(dl_doc *d, int page, font *f, float size, dl_color color, float x, float y,
                  const char *text)
{
    shape_fonts fs = { f, f, NULL, 0 };
    shape_out so = { 0 };
    assert_int_equal(shape_text(lib, &fs, text, strlen(text), NULL, NULL, &so), 0);
    float pen = 0;
    size_t i = 0;
    while (i < so.n) {
        dl_glyph g[256];
        uint32_t ng = 0;
        font *rf = so.g[i].f;
        float scale = size / (float)font_upem(rf), run_x = pen;
        while (i < so.n && so.g[i].f == rf && ng < 256) {
            const shape_glyph *sg = &so.g[i];
            size_t cend = strlen(text);
            for (size_t k = i + 1; k < so.n; k++)
                if (so.g[k].cluster != sg->cluster) {
                    cend = so.g[k].cluster;
                    break;
                }
            bool first = i == 0 || so.g[i - 1].cluster != sg->cluster;
            g[ng] = (dl_glyph){ sg->gid, pen - run_x + sg->xoff * scale, -sg->yoff * scale,
                                sg->cluster, first ? (uint32_t)(cend - sg->cluster) : 0 };
            pen += sg->adv * scale;
            ng++;
            i++;
        }
        assert_non_null(dl_text_add(d, page, font_id(rf), size, color, x + run_x, y, g, ng,
                                    text, strlen(text)));
    }
    shape_out_free(&so);
}

/* An 8-bit PNG of w×h pixels, RGB or RGBA: red, green and blue bands; with alpha,
 * the right half is transparent. */
static void write_png(const char *path, unsigned w, unsigned h, bool alpha)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    assert_non_null(info);
    assert_int_equal(setjmp(png_jmpbuf(png)), 0);
    png_init_io(png, f);
    int nc = alpha ? 4 : 3;
    png_set_IHDR(png, info, w, h, 8, alpha ? PNG_COLOR_TYPE_RGBA : PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    unsigned char *row = malloc((size_t)w * nc);
    for (unsigned y = 0; y < h; y++) {
        for (unsigned x = 0; x < w; x++) {
            unsigned char *p = row + (size_t)x * nc;
            int band = (int)(y * 3 / h);
            p[0] = band == 0 ? 220 : 20;
            p[1] = band == 1 ? 200 : 30;
            p[2] = band == 2 ? 230 : (unsigned char)(x * 255 / w);
            if (alpha)
                p[3] = x < w / 2 ? 255 : 0;
        }
        png_write_row(png, row);
    }
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    free(row);
    fclose(f);
}

/* An 8-bit gray PNG, a horizontal ramp. */
static void write_gray_png(const char *path, unsigned w, unsigned h)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    assert_non_null(info);
    assert_int_equal(setjmp(png_jmpbuf(png)), 0);
    png_init_io(png, f);
    png_set_IHDR(png, info, w, h, 8, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    unsigned char *row = malloc(w);
    for (unsigned x = 0; x < w; x++)
        row[x] = (unsigned char)(x * 255 / w);
    for (unsigned y = 0; y < h; y++)
        png_write_row(png, row);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    free(row);
    fclose(f);
}

/* A JPEG of one flat colour: RGB with an embedded sRGB profile (APP2), or CMYK stored
 * inverted with an Adobe marker, as Photoshop writes it. */
static void write_jpeg(const char *path, unsigned w, unsigned h, const unsigned char *color,
                       int nc)
{
    struct jpeg_compress_struct ci;
    struct jpeg_error_mgr je;
    ci.err = jpeg_std_error(&je);
    jpeg_create_compress(&ci);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    jpeg_stdio_dest(&ci, f);
    ci.image_width = w;
    ci.image_height = h;
    ci.input_components = nc;
    ci.in_color_space = nc == 4 ? JCS_CMYK : JCS_RGB;
    jpeg_set_defaults(&ci);
    jpeg_set_quality(&ci, 95, TRUE);
    jpeg_start_compress(&ci, TRUE);
    if (nc == 3) {
        cmsHPROFILE srgb = cmsCreate_sRGBProfile();
        cmsUInt32Number n = 0;
        assert_true(cmsSaveProfileToMem(srgb, NULL, &n));
        unsigned char *icc = malloc(n);
        assert_true(cmsSaveProfileToMem(srgb, icc, &n));
        jpeg_write_icc_profile(&ci, icc, n);
        free(icc);
        cmsCloseProfile(srgb);
    }
    unsigned char *row = malloc((size_t)w * nc);
    for (unsigned x = 0; x < w; x++)
        for (int k = 0; k < nc; k++)
            row[x * nc + k] = nc == 4 ? (unsigned char)(255 - color[k]) : color[k];
    for (unsigned y = 0; y < h; y++) {
        JSAMPROW r = row;
        jpeg_write_scanlines(&ci, &r, 1);
    }
    jpeg_finish_compress(&ci);
    jpeg_destroy_compress(&ci);
    fclose(f);
    free(row);
}

static void add_image(dl_doc *d, int page, const char *path, int pw, int ph, float x, float y,
                      float w, float h)
{
    int img = dl_image_add(d, path, pw, ph);
    assert_true(img >= 0);
    dl_item *it = dl_item_add(d, page, DL_IMAGE);
    assert_non_null(it);
    it->u.image.image = img;
    it->u.image.x = x, it->u.image.y = y, it->u.image.w = w, it->u.image.h = h;
}

/* Three pages: a cover with a blue band bleeding off the top, white text on it, the
 * RGB photograph at exactly 300 ppi and a link; then two pages of black text. */
static dl_doc *sample_doc(void)
{
    char err[256];
    font *serif = font_lib_open(lib, "Noto Serif CJK SC", "Regular", err, sizeof err);
    assert_non_null(serif);
    dl_doc *d = dl_doc_new(PAGE_W, PAGE_H);
    assert_int_equal(dl_set_str(&d->title, "珠海市服务贸易和外包行业协会简报"), 0);
    assert_int_equal(dl_set_str(&d->author, "珠海市服务贸易和外包行业协会"), 0);
    for (int p = 0; p < 3; p++)
        assert_int_equal(dl_page_add(d), p);
    /* The band touches the trim on three sides, so it runs 3 mm into the bleed. */
    assert_non_null(dl_rect_add(d, 0, -BLEED, -BLEED, PAGE_W + 2 * BLEED, 120 + BLEED,
                                dl_cmyk(1, 0.6f, 0, 0)));
    place(d, 0, serif, 24, dl_gray(1), 72, 80, "珠海市服务贸易和外包行业协会");
    place(d, 0, serif, 12, dl_gray(0), 72, 160, "企业动态：金邦达荣获认证证书");
    int img = dl_image_add(d, pngpath, 600, 400);
    assert_int_equal(img, 0);
    dl_item *it = dl_item_add(d, 0, DL_IMAGE);
    assert_non_null(it);
    it->u.image.image = img; /* 600 px over 2 in: 300 ppi */
    it->u.image.x = 72, it->u.image.y = 200, it->u.image.w = 144, it->u.image.h = 96;
    int img2 = dl_image_add(d, rgbapath, 40, 40);
    it = dl_item_add(d, 0, DL_IMAGE);
    assert_non_null(it);
    it->u.image.image = img2;
    it->u.image.x = 300, it->u.image.y = 200, it->u.image.w = 9.6f, it->u.image.h = 9.6f;
    add_image(d, 0, jpgpath, 300, 200, 72, 320, 72, 48);
    add_image(d, 0, graypath, 100, 100, 200, 320, 24, 24);
    add_image(d, 0, cmykjpg, 40, 40, 300, 320, 9.6f, 9.6f);
    it = dl_item_add(d, 0, DL_LINK);
    assert_non_null(it);
    it->u.link.x = 72, it->u.link.y = 148, it->u.link.w = 200, it->u.link.h = 16;
    it->u.link.page = 1, it->u.link.dest_y = 100;
    place(d, 1, serif, 10.5f, dl_gray(0), 72, 100, "第二页：正文为单黑（K）叠印。");
    assert_non_null(dl_rule_add(d, 1, 72, 110, 300, 110, 0.5f, dl_gray(0)));
    place(d, 2, serif, 10.5f, dl_cmyk(0, 0, 0, 1), 72, 100, "第三页：二〇一九年三月。");
    return d;
}

static void write_sample(const char *path, pdf_standard std)
{
    char err[512];
    dl_doc *d = sample_doc();
    pdf_options o;
    pdf_options_default(&o);
    o.standard = std;
    o.crop_marks = true;
    o.date = 1551398400; /* 2019-03-01 00:00:00 UTC */
    int rc = pdf_write(d, lib, &o, path, err, sizeof err);
    if (rc)
        fprintf(stderr, "pdf_write: %s\n", err);
    assert_int_equal(rc, 0);
    dl_doc_free(d);
}

/* PR-06: Media ⊇ Bleed ⊇ Trim on every page, bleed exactly 3 mm, marks room beyond. */
static void test_boxes(void **state)
{
    (void)state;
    int st;
    char *out = tu_run(&st, "pdfinfo -box -f 1 -l 3 %s", x1a);
    assert_int_equal(st, 0);
    /* box[page][0 media, 1 bleed, 2 trim][x0 y0 x1 y1] */
    double box[3][3][4] = { { { 0 } } };
    int seen = 0;
    for (char *l = strtok(out, "\n"); l; l = strtok(NULL, "\n")) {
        int pg;
        char kind[16];
        double r[4];
        if (sscanf(l, "Page %d %15[A-Za-z]: %lf %lf %lf %lf", &pg, kind, &r[0], &r[1], &r[2],
                   &r[3]) != 6 || pg < 1 || pg > 3)
            continue;
        int k = !strcmp(kind, "MediaBox") ? 0 : !strcmp(kind, "BleedBox") ? 1
                : !strcmp(kind, "TrimBox")                               ? 2
                                                                         : -1;
        if (k >= 0) {
            memcpy(box[pg - 1][k], r, sizeof r);
            seen++;
        }
    }
    free(out);
    assert_int_equal(seen, 9);
    for (int p = 0; p < 3; p++) {
        double *m = box[p][0], *b = box[p][1], *t = box[p][2];
        for (int k = 0; k < 2; k++) {
            assert_true(fabs((t[k] - b[k]) - 8.50) < 0.011);
            assert_true(fabs((b[k + 2] - t[k + 2]) - 8.50) < 0.011);
            assert_true(b[k] > m[k] + 20 && b[k + 2] < m[k + 2] - 20); /* crop marks */
        }
        assert_true(fabs((t[2] - t[0]) - PAGE_W) < 0.011);
        assert_true(fabs((t[3] - t[1]) - PAGE_H) < 0.011);
    }
}

/* PR-03 */
static void test_fonts_embedded(void **state)
{
    (void)state;
    int st;
    char *out = tu_run(&st, "pdffonts %s | tail -n +3", x1a);
    assert_int_equal(st, 0);
    int fonts = 0;
    for (char *l = strtok(out, "\n"); l; l = strtok(NULL, "\n"), fonts++)
        assert_non_null(strstr(l, "yes yes yes"));
    free(out);
    assert_int_equal(fonts, 1);
}

/* PR-04, PR-08: the RGB photograph arrives as CMYK at 300 ppi, the RGBA one as CMYK
 * without a soft mask. */
static void test_images_cmyk(void **state)
{
    (void)state;
    int st;
    char *out = tu_run(&st, "pdfimages -list %s | tail -n +3 | awk '{print $1, $3, $4, $5, "
                            "$6, $7, $8, $13, $14}'",
                       x1a);
    assert_int_equal(st, 0);
    assert_string_equal(out, "1 image 600 400 cmyk 4 8 300 300\n"
                             "1 image 40 40 cmyk 4 8 300 300\n"
                             "1 image 300 200 cmyk 4 8 300 300\n"
                             "1 image 100 100 gray 1 8 300 300\n"
                             "1 image 40 40 cmyk 4 8 300 300\n");
    free(out);
}

/* The RGBA image's transparent half became paper white (no ink at all), its opaque
 * half kept its colour. */
static void test_alpha_flattened_on_white(void **state)
{
    (void)state;
    int st;
    char *obj = tu_run(&st, "pdfimages -list %s | awk 'NR == 4 {print $11}'", x1a);
    assert_int_equal(st, 0);
    char *out = tu_run(&st, "qpdf --show-object=%d --filtered-stream-data %s | od -An -v -tu1 "
                            "-w160 | head -1",
                       atoi(obj), x1a);
    assert_int_equal(st, 0);
    free(obj);
    /* First row: 40 pixels of 4 samples. */
    int v[160], n = 0;
    for (char *p = strtok(out, " \n"); p && n < 160; p = strtok(NULL, " \n"))
        v[n++] = atoi(p);
    free(out);
    assert_int_equal(n, 160);
    for (int x = 0; x < 40; x++) {
        int ink = v[4 * x] + v[4 * x + 1] + v[4 * x + 2] + v[4 * x + 3];
        if (x < 20)
            assert_true(ink > 0 && ink <= 765);
        else
            assert_int_equal(ink, 0);
    }
}

/* The Adobe (inverted) CMYK JPEG arrives with its real values; the sRGB JPEG's red
 * became a CMYK red (magenta and yellow, no cyan to speak of) within 300 %. */
static void test_jpeg_colours(void **state)
{
    (void)state;
    int st;
    char *objs = tu_run(&st, "pdfimages -list %s | awk 'NR == 5 || NR == 7 {print $11}'", x1a);
    assert_int_equal(st, 0);
    int rgb_obj = 0, cmyk_obj = 0;
    assert_int_equal(sscanf(objs, "%d %d", &rgb_obj, &cmyk_obj), 2);
    free(objs);
    int ids[2] = { rgb_obj, cmyk_obj };
    int v[2][4];
    for (int i = 0; i < 2; i++) {
        char *out = tu_run(&st, "qpdf --show-object=%d --filtered-stream-data %s | od -An -v "
                                "-tu1 -N4",
                           ids[i], x1a);
        assert_int_equal(st, 0);
        assert_int_equal(sscanf(out, "%d %d %d %d", &v[i][0], &v[i][1], &v[i][2], &v[i][3]), 4);
        free(out);
    }
    assert_true(v[0][0] < 20 && v[0][1] > 200 && v[0][2] > 200);
    assert_true(v[0][0] + v[0][1] + v[0][2] + v[0][3] <= 765);
    int want[4] = { 200, 30, 0, 10 };
    for (int k = 0; k < 4; k++)
        assert_true(abs(v[1][k] - want[k]) <= 4);
}

/* PR-04, PR-05: Ghostscript's ink coverage of text-only pages is K only. The cover
 * has cyan (band, photo). Measured inside the trim box, where the crop marks are not. */
static void test_inkcov(void **state)
{
    (void)state;
    int st;
    char *out = tu_run(&st, "gs -q -dNOPAUSE -dBATCH -dUseTrimBox -o - -sDEVICE=inkcov %s",
                       x1a);
    assert_int_equal(st, 0);
    double c[3], m[3], y[3], k[3];
    char *l = out;
    for (int p = 0; p < 3; p++) {
        assert_int_equal(sscanf(l, "%lf %lf %lf %lf", &c[p], &m[p], &y[p], &k[p]), 4);
        l = strchr(l, '\n');
        assert_non_null(l);
        l++;
    }
    free(out);
    assert_true(c[0] > 0.05);
    for (int p = 1; p < 3; p++) {
        assert_true(c[p] == 0 && m[p] == 0 && y[p] == 0);
        assert_true(k[p] > 0);
    }
}

/* K-only colours overprint, others knock out: the content stream switches the states. */
static void test_overprint_states(void **state)
{
    (void)state;
    int st;
    char *out = tu_run(&st, "qpdf --qdf --object-streams=disable %s - | tr -d '\\r\\0'", x1a);
    assert_int_equal(st, 0);
    /* ExtGStates: one with op on only for fills, all registered on every page. */
    assert_non_null(strstr(out, "/OP false\n  /OPM 1\n  /Type /ExtGState\n  /op true"));
    /* White text on the band: fill overprint off (E1); black text: on (E2). */
    assert_non_null(strstr(out, "0 0 0 0 k\n/E1 gs\n"));
    assert_non_null(strstr(out, "0 0 0 1 k\n/E2 gs\n"));
    assert_non_null(strstr(out, "1 0.6 0 0 k\n/E1 gs\n"));
    /* The black rule on page 2 overprints as a stroke, the black text before it still
     * as a fill: both on (E4). */
    assert_non_null(strstr(out, "0 0 0 1 K\n/E4 gs\n"));
    /* Crop marks knock out. */
    assert_non_null(strstr(out, "1 1 1 1 K\n/E1 gs\n"));
    /* Crop marks in registration colour. */
    assert_non_null(strstr(out, "1 1 1 1 K\n"));
    assert_null(strstr(out, " rg\n"));
    assert_null(strstr(out, "DeviceRGB"));
    free(out);
}

/* PR-01, PR-02, PR-10, PR-11: identification, output intent, trailer ID, version. */
static void test_identification(void **state)
{
    (void)state;
    int st;
    char *out = tu_run(&st, "pdfinfo -custom %s", x1a);
    assert_int_equal(st, 0);
    assert_non_null(strstr(out, "GTS_PDFXVersion: PDF/X-1:2003\n"));
    assert_non_null(strstr(out, "GTS_PDFXConformance:PDF/X-1a:2003\n"));
    assert_non_null(strstr(out, "Title:           珠海市服务贸易和外包行业协会简报\n"));
    assert_non_null(strstr(out, "CreationDate:    Fri Mar  1 00:00:00 2019 UTC\n"));
    assert_non_null(strstr(out, "ModDate:         Fri Mar  1 00:00:00 2019 UTC\n"));
    free(out);
    out = tu_run(&st, "pdfinfo %s", x1a);
    assert_int_equal(st, 0);
    assert_non_null(strstr(out, "PDF version:     1.4\n"));
    assert_non_null(strstr(out, "Encrypted:       no\n"));
    assert_non_null(strstr(out, "Pages:           3\n"));
    free(out);
    out = tu_run(&st, "qpdf --show-object=trailer %s", x1a);
    assert_int_equal(st, 0);
    char a[40], b[40];
    char *id = strstr(out, "/ID [ <");
    assert_non_null(id);
    assert_int_equal(sscanf(id, "/ID [ <%32[0-9a-f]> <%32[0-9a-f]> ]", a, b), 2);
    assert_int_equal(strlen(a), 32);
    assert_string_equal(a, b);
    free(out);
    out = tu_run(&st, "qpdf --json --json-key=qpdf %s | tr -d ' \\n'", x1a);
    assert_int_equal(st, 0);
    assert_non_null(strstr(out, "\"/S\":\"/GTS_PDFX\""));
    assert_non_null(strstr(out, "\"/Trapped\":\"/False\""));
    assert_non_null(strstr(out, "\"/GTS_PDFXVersion\":\"u:PDF/X-1:2003\""));
    assert_non_null(strstr(out, "\"/OutputConditionIdentifier\":\"u:FOGRA39\""));
    assert_non_null(strstr(out, "\"/RegistryName\":\"u:http://www.color.org\""));
    assert_non_null(strstr(out, "\"/DestOutputProfile\":\""));
    assert_non_null(strstr(out, "\"/N\":4"));
    /* No annotation at all: PDF/X allows none inside the BleedBox (the sample has a
     * link on page 1; plain output keeps it, see test_pdf). */
    assert_null(strstr(out, "\"/Annots\""));
    assert_null(strstr(out, "\"/Link\""));
    free(out);
    out = tu_run(&st, "qpdf --check %s 2>&1", x1a);
    assert_int_equal(st, 0);
    assert_non_null(strstr(out, "No syntax or stream encoding errors"));
    free(out);
}

/* The same input gives the same bytes; a different standard, a different ID. */
static void test_deterministic(void **state)
{
    (void)state;
    char again[300];
    snprintf(again, sizeof again, "%s/again.pdf", tu_tmpdir());
    write_sample(again, PDF_X1A);
    int st;
    char *out = tu_run(&st, "cmp %s %s", x1a, again);
    assert_int_equal(st, 0);
    free(out);
}

static void test_x4(void **state)
{
    (void)state;
    int st;
    char *out = tu_run(&st, "pdfinfo -custom %s", x4);
    assert_int_equal(st, 0);
    assert_non_null(strstr(out, "GTS_PDFXVersion: PDF/X-4\n"));
    assert_null(strstr(out, "GTS_PDFXConformance"));
    free(out);
    out = tu_run(&st, "pdfinfo %s", x4);
    assert_int_equal(st, 0);
    assert_non_null(strstr(out, "PDF version:     1.6\n"));
    assert_non_null(strstr(out, "Metadata Stream: yes\n"));
    free(out);
    out = tu_run(&st, "pdfinfo -meta %s", x4);
    assert_int_equal(st, 0);
    assert_non_null(strstr(out, "xmlns:pdfxid=\"http://www.npes.org/pdfx/ns/id/\""));
    assert_non_null(strstr(out, "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>"));
    assert_non_null(strstr(out, "<xmp:CreateDate>2019-03-01T00:00:00Z</xmp:CreateDate>"));
    assert_non_null(strstr(out, "<xmp:ModifyDate>2019-03-01T00:00:00Z</xmp:ModifyDate>"));
    assert_non_null(strstr(out, "<rdf:li xml:lang=\"x-default\">珠海市服务贸易和外包行业协会简报"
                                "</rdf:li>"));
    assert_non_null(strstr(out, "<pdf:Trapped>False</pdf:Trapped>"));
    assert_non_null(strstr(out, "<xmpMM:DocumentID>uuid:"));
    assert_non_null(strstr(out, "<xmpMM:InstanceID>uuid:"));
    free(out);
    /* The metadata stream is not compressed. */
    out = tu_run(&st, "qpdf --json --json-key=qpdf %s | tr -d ' \\n'", x4);
    assert_int_equal(st, 0);
    assert_non_null(strstr(out, "\"/Subtype\":\"/XML\",\"/Type\":\"/Metadata\"}"));
    free(out);
    out = tu_run(&st, "qpdf --check %s 2>&1", x4);
    assert_int_equal(st, 0);
    free(out);
}

/* Our preflight finds nothing wrong with our own output. */
static void test_preflight_clean(void **state)
{
    (void)state;
    char path[300];
    snprintf(path, sizeof path, "%s/pf.txt", tu_tmpdir());
    const char *files[] = { x1a, x4 };
    const char *summary[] = { ": PDF/X-1a:2003, as the file claims; 3 pages\n"
                              "preflight: 0 failures, 0 warnings (PDF/X-1a:2003)\n",
                              ": PDF/X-4, as the file claims; 3 pages\n"
                              "preflight: 0 failures, 0 warnings (PDF/X-4)\n" };
    for (int i = 0; i < 2; i++) {
        FILE *f = fopen(path, "w+");
        assert_non_null(f);
        preflight_options po;
        preflight_options_default(&po);
        int rc = preflight_run(files[i], f, &po);
        rewind(f);
        char buf[4096] = "";
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        buf[n] = 0;
        fclose(f);
        const char *after = strncmp(buf, files[i], strlen(files[i])) ? buf
                                                                      : buf + strlen(files[i]);
        if (rc != 0 || strcmp(after, summary[i]) != 0)
            fprintf(stderr, "%s", buf);
        assert_int_equal(rc, 0);
        assert_string_equal(after, summary[i]);
    }
}

/* Padding to a multiple of 4 adds blank pages, with boxes and marks. */
static void test_pad_to_4(void **state)
{
    (void)state;
    char err[512], path[300];
    snprintf(path, sizeof path, "%s/pad.pdf", tu_tmpdir());
    dl_doc *d = sample_doc();
    pdf_options o;
    pdf_options_default(&o);
    o.standard = PDF_X1A;
    o.date = 1551398400;
    o.pad_to_4 = true;
    assert_int_equal(pdf_write(d, lib, &o, path, err, sizeof err), 0);
    dl_doc_free(d);
    int st;
    char *out = tu_run(&st, "pdfinfo -box -f 4 -l 4 %s | grep -E '^(Pages|Page +4 TrimBox)'",
                       path);
    assert_int_equal(st, 0);
    assert_non_null(strstr(out, "Pages:           4\n"));
    assert_non_null(strstr(out, "TrimBox:"));
    free(out);
}

/* Clear failures instead of a wrong PDF/X. */
static void test_refusals(void **state)
{
    (void)state;
    char err[512], path[300];
    snprintf(path, sizeof path, "%s/bad.pdf", tu_tmpdir());
    dl_doc *d = sample_doc();
    pdf_options o;
    pdf_options_default(&o);
    o.standard = PDF_X1A;
    /* No date: never the wall clock. */
    assert_int_equal(pdf_write(d, lib, &o, path, err, sizeof err), -1);
    assert_non_null(strstr(err, "needs a document date"));
    o.date = 0;
    o.icc_path = "no-such-profile.icc";
    assert_int_equal(pdf_write(d, lib, &o, path, err, sizeof err), -1);
    assert_non_null(strstr(err, "output profile no-such-profile.icc not found"));
    /* An RGB profile cannot be an output intent. */
    char rgb[300];
    snprintf(rgb, sizeof rgb, "%s/rgb.icc", tu_tmpdir());
    FILE *f = fopen(rgb, "wb");
    assert_non_null(f);
    fclose(f);
    o.icc_path = rgb;
    assert_int_equal(pdf_write(d, lib, &o, path, err, sizeof err), -1);
    assert_non_null(strstr(err, "is not a valid ICC profile"));
    /* X-4 needs an embedded profile; X-1a may name the condition only. */
    o.icc_path = NULL;
    o.standard = PDF_X4;
    assert_int_equal(pdf_write(d, lib, &o, path, err, sizeof err), -1);
    assert_non_null(strstr(err, "PDF/X-4 needs an embedded output profile"));
    o.standard = PDF_X1A;
    assert_int_equal(pdf_write(d, lib, &o, path, err, sizeof err), 0);
    int st;
    char *out = tu_run(&st, "qpdf --json --json-key=qpdf %s | tr -d ' \\n'", path);
    assert_null(strstr(out, "DestOutputProfile"));
    assert_non_null(strstr(out, "\"/OutputConditionIdentifier\":\"u:FOGRA39\""));
    free(out);
    /* No title. */
    o.icc_path = PDFX_DEFAULT_PROFILE;
    free(d->title);
    d->title = NULL;
    assert_int_equal(pdf_write(d, lib, &o, path, err, sizeof err), -1);
    assert_non_null(strstr(err, "needs a document title"));
    dl_doc_free(d);
    /* An image that is not an image names its file. */
    d = dl_doc_new(PAGE_W, PAGE_H);
    dl_set_str(&d->title, "t");
    dl_page_add(d);
    dl_image_add(d, path, 1, 1); /* a PDF */
    assert_int_equal(pdf_write(d, lib, &o, path, err, sizeof err), -1);
    assert_non_null(strstr(err, "is not a PNG or JPEG image"));
    assert_non_null(strstr(err, path));
    dl_doc_free(d);
}

static void test_find_profile(void **state)
{
    (void)state;
    char path[4096], err[512];
    assert_int_equal(pdfx_find_profile(PDFX_DEFAULT_PROFILE, path, sizeof path, err,
                                       sizeof err),
                     0);
    assert_non_null(strstr(path, "FOGRA39L_coated.icc"));
    setenv("JIANBAO_ICC_DIR", tu_tmpdir(), 1);
    assert_int_equal(pdfx_find_profile("none.icc", path, sizeof path, err, sizeof err), -1);
    assert_non_null(strstr(err, "JIANBAO_ICC_DIR"));
    unsetenv("JIANBAO_ICC_DIR");
}

static int setup(void **state)
{
    (void)state;
    lib = font_lib_new();
    snprintf(pngpath, sizeof pngpath, "%s/photo.png", tu_tmpdir());
    snprintf(rgbapath, sizeof rgbapath, "%s/alpha.png", tu_tmpdir());
    snprintf(x1a, sizeof x1a, "%s/x1a.pdf", tu_tmpdir());
    snprintf(x4, sizeof x4, "%s/x4.pdf", tu_tmpdir());
    write_png(pngpath, 600, 400, false);
    write_png(rgbapath, 40, 40, true);
    snprintf(graypath, sizeof graypath, "%s/gray.png", tu_tmpdir());
    snprintf(jpgpath, sizeof jpgpath, "%s/red.jpg", tu_tmpdir());
    snprintf(cmykjpg, sizeof cmykjpg, "%s/cmyk.jpg", tu_tmpdir());
    write_gray_png(graypath, 100, 100);
    static const unsigned char red[3] = { 230, 20, 20 }, cmyk[4] = { 200, 30, 0, 10 };
    write_jpeg(jpgpath, 300, 200, red, 3);
    write_jpeg(cmykjpg, 40, 40, cmyk, 4);
    write_sample(x1a, PDF_X1A);
    write_sample(x4, PDF_X4);
    return lib ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    font_lib_free(lib);
    return tu_cleanup();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_boxes),           cmocka_unit_test(test_fonts_embedded),
        cmocka_unit_test(test_images_cmyk),     cmocka_unit_test(test_alpha_flattened_on_white),
        cmocka_unit_test(test_inkcov),          cmocka_unit_test(test_jpeg_colours),          cmocka_unit_test(test_overprint_states),
        cmocka_unit_test(test_identification),  cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_x4),              cmocka_unit_test(test_preflight_clean),
        cmocka_unit_test(test_pad_to_4),        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_find_profile),
    };
    return cmocka_run_group_tests_name("press", tests, setup, teardown);
}
