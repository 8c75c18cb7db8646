/* compose_int — what the composer's files share (compose.c, breaks.c); private to
 * this folder. */
#ifndef JB_COMPOSE_INT_H
#define JB_COMPOSE_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "layout/compose/compose.h"
#include "layout/read/doc.h"

static inline bool compose_is_latinish(para_class c) { return c == PC_LATIN || c == PC_DIGIT; }

static inline bool compose_is_cjkish(para_class c)
{
    return c == PC_HAN || para_is_mark(c) || c == PC_DASH || c == PC_OTHER;
}

/* The doc_inline flags of unit i's span. */
static inline unsigned compose_flags(const para *p, size_t i)
{
    return p->spans[p->u[i].span].flags;
}

/* A letter or digit of a Latin-like script: what Han–Latin glue goes next to
 * (CL-MX-01). ASCII punctuation, symbols and general punctuation get none. */
static inline bool compose_is_word(const para_unit *u)
{
    if (u->cls == PC_DIGIT)
        return true;
    if (u->cls != PC_LATIN)
        return false;
    uint32_t c = u->cp;
    if (c < 0x80)
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    return c >= 0xC0 && c != 0xD7 && c != 0xF7 && !(c >= 0x2000 && c <= 0x206F);
}

/* Where a line may, must or should not start. */
typedef struct {
    bool ok;                  /* a line may start at this unit */
    bool forced;              /* a line must start here (after a hard break) */
    float penalty;            /* cost of starting a line here */
} compose_brk;

/* Break opportunities before every unit of p (b[0] is the paragraph's start).
 * uax: libunibreak's answers per byte of p->text (read only between Latin units);
 * label_end: units [0, label_end) are a list label, kept whole and with its text;
 * emergency: a line would not fit — 1: break inside Latin words too, 2: anywhere. */
void breaks_find(const para *p, const compose_opts *o, const char *uax, size_t label_end,
                 int emergency, compose_brk *b);

/* start[i]: a word of the text begins at unit i (ICU's word boundaries; words.c).
 * Returns 0, or -1 when ICU or memory fails (then start is not set). */
int words_find(const para *p, bool *start);

#endif
