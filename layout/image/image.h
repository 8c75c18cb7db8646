/* image — the figures' image files (PNG through libpng, JPEG through libjpeg): one
 * reader for the layout's check, the plain writer and the press writer.
 *
 * Every file is untrusted. Only regular files are read; a header is checked against
 * the pixel budget and against the data the file can hold before anything is
 * allocated for its samples; a decoder error becomes a message, never an abort. */
#ifndef JB_IMAGE_H
#define JB_IMAGE_H

#include <stdbool.h>
#include <stddef.h>

/* A file larger than this is refused before it is read. */
#define IMAGE_MAX_BYTES ((size_t)256 << 20)
/* Pixel budget: a full A3 spread at 300 ppi is 17 M pixels; anything above this
 * costs gigabytes to decode and only makes the PDF bigger. */
#define IMAGE_MAX_PIXELS 40000000ull
/* The most pixels a compressed byte can stand for. Deflate expands at most 1032:1 and
 * a PNG pixel takes at least one bit of the inflated stream; a JPEG's 8×8 block takes
 * at least two bits (a DC and an end-of-block code). A header claiming more pixels
 * than its data can hold is a broken or hostile file. */
#define IMAGE_PNG_PIXELS_PER_BYTE 8256ull
#define IMAGE_JPEG_PIXELS_PER_BYTE 256ull

typedef enum { IMAGE_PNG, IMAGE_JPEG } image_kind;

typedef struct {
    image_kind kind;
    int px_w, px_h;
    int bits;                 /* bits per sample as stored */
    int components;           /* as stored, alpha included */
    double dpi_x, dpi_y;      /* density stored in the file (pHYs, JFIF); 0: none */
} image_info;

/* Samples decoded to 8 bits, rows top to bottom. */
typedef struct {
    unsigned char *px;        /* nc samples per pixel */
    unsigned w, h;
    int nc;                   /* 1 gray, 3 RGB, 4 CMYK */
    unsigned char *alpha;     /* one sample per pixel, or NULL when opaque */
    unsigned char *icc;       /* the file's embedded ICC profile, or NULL */
    size_t icc_len;
} image_raster;

/* A file's bytes, as read once (the plain writer embeds a JPEG's bytes unchanged). */
typedef struct {
    unsigned char *data;
    size_t len;
    image_info info;
} image_file;

/* Reads the file and its header. err receives a phrase that follows the file's name
 * ("is not a PNG or JPEG image", "is corrupt (…)"). Returns 0 or -1. */
int image_file_read(const char *path, image_file *f, char *err, size_t errlen);
void image_file_free(image_file *f);

/* Decodes all samples; -1 with the reason in err (the same kind of phrase) when the
 * data is broken anywhere. */
int image_decode(const image_file *f, image_raster *r, char *err, size_t errlen);
void image_raster_free(image_raster *r);

/* Reads, checks the header and decodes every sample, keeping only the header: what
 * the layout does so that broken image data is reported at the figure's line. */
int image_check(const char *path, image_info *info, char *err, size_t errlen);

#endif
