/* para — a paragraph ready for line breaking: its text in styled spans, shaped into
 * glyphs, grouped into units (one grapheme cluster each) that the composer places.
 *
 * Each unit knows its typographic class (Han, Latin, a punctuation mark and which of
 * its halves is blank and may be compressed), its natural width and its glyphs. The
 * composer writes each unit's final position back into it. */
#ifndef JB_PARA_H
#define JB_PARA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fonts/font.h"
#include "fonts/shape.h"
#include "layout/dlist/dlist.h"

typedef enum {
    PC_HAN,                   /* ideographs, kana, full-width letters: 1 em boxes */
    PC_LATIN,                 /* Latin letters and Latin punctuation inside words */
    PC_DIGIT,
    PC_OPEN,                  /* （“《【〔「『 …: blank on the left */
    PC_CLOSE,                 /* ）”》】〕」』 … */
    PC_PAUSE,                 /* 、，；： */
    PC_STOP,                  /* 。．？！ */
    PC_MIDDLE,                /* · ・ ‧ (interpuncts) */
    PC_DASH,                  /* —— …… (2-em units) and single — … */
    PC_SPACE,                 /* a Latin space: glue */
    PC_OTHER,                 /* symbols and anything else */
    PC_BREAK,                 /* a hard line break (an IN_BR span): no glyphs, no width */
} para_class;

/* Which blank half of a full-width mark may be taken away (clreq CL-PW-01). */
enum { PA_LEFT = 1, PA_RIGHT = 2 };

typedef struct {
    shape_fonts fonts;
    float size;               /* pt */
    float rise;               /* baseline shift up, pt (superscript > 0) */
    dl_color color;
    unsigned flags;           /* doc_inline_flags */
    size_t src;               /* source offset of the span's first byte */
    bool src_verbatim;        /* src + byte offset locates every character */
    const char *href;         /* IN_LINK: the target (para_add copies it; para_free frees) */
} para_span;

typedef struct {
    uint16_t font;            /* index into the paragraph's fonts (para_glyph_font) */
    uint16_t gid;             /* OpenType glyph ids are 16 bits */
    float dx, dy;             /* offset from the pen, pt (dy down) */
    float adv;                /* advance, pt */
} para_glyph;

/* A paragraph holds one unit per character or cluster until its page is drawn, so a
 * unit keeps only what cannot be derived: its glyphs end where the next unit's begin
 * (para_unit_g1), its size is its span's (para_unit_em). */
typedef struct {
    uint32_t t0, t1;          /* bytes of para text */
    uint32_t g0;              /* first glyph */
    uint32_t cp;              /* first character */
    uint16_t span;
    uint8_t cls;              /* para_class */
    uint8_t blank;            /* PA_LEFT | PA_RIGHT: halves without ink */
    float w;                  /* natural advance, pt */
    /* set by the composer */
    float cl, cr;             /* compression taken from the left / right, pt */
    float x;                  /* left edge on its line, pt from the line start */
    int32_t line;             /* line index, -1: dropped (a space at a break) */
} para_unit;

typedef struct {
    char *text;
    size_t len, cap;
    para_span *spans;
    int nspans;
    size_t capspans;
    uint32_t *span_end;       /* byte where each span's text ends */
    size_t capends;
    para_glyph *g;
    size_t ng;
    para_unit *u;
    size_t nu;
    font **fonts;             /* the fonts its glyphs are set in, each once */
    int nfonts;
    size_t capfonts;
    struct pcache_entry *cache;   /* the kept copy it was made from or into (pcache),
                                     NULL when none or when changed since shaping */
    bool warned;              /* its break warnings are out (trial settings repeat them) */
    char *uax;                /* libunibreak's answers per byte of the text, found by the
                                 composer and kept for its next composition of the same
                                 text (the flow's looseness trials); NULL: none yet */
    size_t uax_len;           /* the text's length when they were found (text only grows) */
} para;

/* The font glyph g is set in. */
static inline font *para_glyph_font(const para *p, const para_glyph *g)
{
    return p->fonts[g->font];
}

/* The size of unit u's font, pt: its span's. */
static inline float para_unit_em(const para *p, const para_unit *u)
{
    return p->spans[u->span].size;
}

/* The end of unit i's glyphs: where unit i + 1's begin (units own consecutive glyphs). */
static inline uint32_t para_unit_g1(const para *p, size_t i)
{
    return i + 1 < p->nu ? p->u[i + 1].g0 : (uint32_t)p->ng;
}

para *para_new(void);
void para_free(para *p);

/* Appends text with the given span style. */
int para_add(para *p, const char *text, size_t len, const para_span *span);

typedef void (*para_missing_fn)(void *ctx, const para_span *span, size_t span_off,
                                uint32_t cp);

/* Shapes every span and builds the units. Characters no font covers are reported
 * through missing (span_off = byte offset inside the span's text). */
int para_shape(para *p, font_lib *lib, para_missing_fn missing, void *ctx);

/* Class of a character, before its glyph is known. */
para_class para_class_of(uint32_t cp);
bool para_is_mark(para_class c);

/* Emits the units [u0, u1) as text items (one per font, size, colour, baseline, link
 * and code span), each unit at x0 + unit.x - unit.cl on baseline y. Units with
 * line == -1 are skipped. */
int para_emit(const para *p, size_t u0, size_t u1, dl_doc *d, int page, float x0, float y);

#endif
