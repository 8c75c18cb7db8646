/* figure — image files as the layout sees them: kind, pixel size, stored density.
 * The figure box itself is made by box_new (box.h). */
#ifndef JB_FIGURE_H
#define JB_FIGURE_H

#include <stddef.h>

#include "layout/blocks/box.h"

typedef enum { FIGURE_PNG, FIGURE_JPEG } figure_kind;

typedef struct {
    figure_kind kind;
    int px_w, px_h;
    int bits;                 /* bits per component (libharu 2.3.0 draws 16-bit PNGs wrong) */
    double dpi_x, dpi_y;      /* density stored in the file (pHYs, JFIF); 0: none */
} figure_info;

/* Reads and checks an image file: a PNG's chunk structure and CRCs, a JPEG's
 * segments up to its end-of-image marker. Returns 0, or -1 with the reason in err. */
int figure_probe(const char *path, figure_info *info, char *err, size_t errlen);

/* Effective resolution of a figure box's image at its placed size (pixels per inch),
 * or 0 when b is not a figure. */
double figure_ppi(const box *b);
/* Placed image size, pt (0 when b is not a figure). */
void figure_placed(const box *b, float *w, float *h);

#endif
