/* punct — ASCII punctuation in Chinese text, rewritten before shaping (CL-MX-05,
 * GB/T 15834) and range dashes (CL-LB-13).
 *
 * Writers type ( ) , : ; ! ? on a Latin keyboard layout in the middle of Chinese.
 * Touching Han text they are the Chinese marks and are set full width: a bracket
 * pair whose content or neighbour is Han, any other mark whose nearest neighbour
 * (blanks skipped) is. Blanks beside a converted mark go (its blank half is the
 * space). The dash of a range (10:00-12:00, 15-16日) may become an en dash or a
 * full-width tilde, its blanks dropped. Code is never touched.
 *
 * Each changed character becomes an inline of its own, so that every other one keeps
 * its exact source offset (file:line:col in later messages). */
#ifndef JB_PUNCT_H
#define JB_PUNCT_H

#include <stdbool.h>

#include "layout/read/doc.h"
#include "layout/style/style.h"

typedef struct {
    bool fullwidth;           /* ( ) , : ; ! ? touching Han → （ ） ， ： ； ！ ？ */
    style_range range;        /* the dash of a range */
} punct_opts;

/* Rewrites in into *out. Returns 1 when out holds a new text (free it with
 * doc_text_clear), 0 when nothing changes (out untouched), -1 when memory ran out. */
int punct_apply(const doc_text *in, const punct_opts *o, doc_text *out);

#endif
