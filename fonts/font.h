/* font — font discovery (fontconfig), loading (HarfBuzz) and metrics.
 *
 * A font_lib owns every font it opens; a font lives as long as its lib. Fonts are
 * numbered in the order they were opened (font_id), which keeps PDF object order,
 * and so the output bytes, deterministic. */
#ifndef JB_FONT_H
#define JB_FONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hb.h>

typedef struct font font;
typedef struct font_lib font_lib;

typedef struct {
    int ascent, descent;      /* font units, descent negative */
    int cap_height;
    int bbox[4];              /* xmin ymin xmax ymax */
    int stem_v;
    int italic_angle;
    unsigned flags;           /* PDF FontDescriptor /Flags */
} font_metrics;

font_lib *font_lib_new(void);
void font_lib_free(font_lib *lib);

/* The installed face whose family (any of its names, case-insensitive) is `family`
 * and whose style is `style` ("Regular", "Bold", "Light"…; NULL = Regular). No
 * substitution: when the family is not installed, NULL with a message in err. */
font *font_lib_open(font_lib *lib, const char *family, const char *style, char *err,
                    size_t errlen);

/* Opens a font file directly (tests, user-supplied fonts). */
font *font_lib_open_file(font_lib *lib, const char *path, unsigned index, char *err,
                         size_t errlen);

/* A font that has a glyph for cp, through fontconfig's charset matching (Chinese
 * language preferred); NULL when no installed font covers it. Cached. */
font *font_lib_cover(font_lib *lib, uint32_t cp);

int font_lib_count(const font_lib *lib);
font *font_lib_at(const font_lib *lib, int id);

int font_id(const font *f);
hb_font_t *font_hb(const font *f);
hb_face_t *font_hb_face(const font *f);
unsigned font_upem(const font *f);
const char *font_family(const font *f);
const char *font_style(const font *f);
const char *font_path(const font *f);
/* The face's index in its file (a .ttc holds several). */
unsigned font_face_index(const font *f);
const char *font_ps_name(const font *f);
bool font_is_cff(const font *f);
const font_metrics *font_get_metrics(const font *f);

/* Glyph for cp in this font, 0 when missing. */
uint32_t font_glyph(const font *f, uint32_t cp);
bool font_has(const font *f, uint32_t cp);
/* Horizontal advance of a glyph in font units. */
int32_t font_advance(const font *f, uint32_t gid);
/* Lets the kernel drop the font file's pages that are in memory (they are read again
 * if needed): after subsetting, the big CJK files need not all stay resident. */
void font_drop_resident(const font *f);

/* Ink extents of a glyph in font units (x_bearing, width); false when empty. */
bool font_ink_x(const font *f, uint32_t gid, int32_t *x0, int32_t *x1);

#endif
