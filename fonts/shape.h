/* shape — itemize text into runs by script and font, shape them with HarfBuzz, and
 * take glyphs a font lacks from a fallback font.
 *
 * Han and CJK punctuation go to the CJK face, Latin letters and digits to the Latin
 * face; “ ” ‘ ’ · — … take the CJK face in Chinese context (clreq CL-MX-04). Control
 * characters and tabs never reach the shaper: they produce no glyph. */
#ifndef JB_SHAPE_H
#define JB_SHAPE_H

#include <stddef.h>
#include <stdint.h>

#include "fonts/font.h"

typedef struct {
    font *f;
    uint32_t gid;
    int32_t adv, xoff, yoff;  /* font units of f */
    uint32_t cluster;         /* byte offset of the cluster's first character */
} shape_glyph;

typedef struct {
    shape_glyph *g;
    size_t n, cap;
} shape_out;

typedef struct {
    font *cjk;                /* Han, CJK punctuation and symbols */
    font *latin;              /* Latin letters, digits, ASCII punctuation; may be cjk */
    font *const *fallback;    /* tried, in order, before fontconfig's charset match */
    int nfallback;
} shape_fonts;

/* Called once per character that no installed font covers (drawn as .notdef). */
typedef void (*shape_missing_fn)(void *ctx, size_t byte_offset, uint32_t cp);

/* Appends the glyphs of text[0..len) to out, in logical order. Returns 0, or -1 when
 * memory runs out. */
int shape_text(font_lib *lib, const shape_fonts *fonts, const char *text, size_t len,
               shape_missing_fn missing, void *ctx, shape_out *out);

void shape_out_clear(shape_out *out);
void shape_out_free(shape_out *out);

#endif
