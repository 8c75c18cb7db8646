/* A test figure: an RGB PNG of w × h pixels, a gradient with a constant blue, written
 * with libpng (the tests make their figures at run time instead of keeping blobs). */
#ifndef JB_TEST_PNGWRITE_H
#define JB_TEST_PNGWRITE_H

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

static inline void tu_write_png(const char *path, int w, int h, unsigned char blue)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    png_structp p = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(p);
    assert_false(setjmp(png_jmpbuf(p)));
    png_init_io(p, f);
    png_set_IHDR(p, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_compression_level(p, 1);
    png_write_info(p, info);
    unsigned char *row = malloc((size_t)w * 3);
    assert_non_null(row);
    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
            row[3 * x] = (unsigned char)(x * 255 / w);
            row[3 * x + 1] = (unsigned char)(y * 255 / h);
            row[3 * x + 2] = blue;
        }
        png_write_row(p, row);
    }
    png_write_end(p, NULL);
    png_destroy_write_struct(&p, &info);
    free(row);
    fclose(f);
}

#endif
