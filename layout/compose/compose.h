/* compose — Chinese paragraph composition (W3C clreq): break opportunities, punctuation
 * compression, Han–Latin glue, optimal line breaking and justification.
 *
 * The paragraph is a sequence of units (para.h). Between two units there may be a
 * break; the composer finds the set of breaks with the least total demerits
 * (Knuth–Plass, total fit), where
 *   - break opportunities are clreq's (CL-LB-01…07, 10) for anything involving CJK,
 *     and UAX #14 (libunibreak) between Latin letters, digits and spaces;
 *   - adjacent full-width marks are compressed to 1.5 em before breaking (CL-PW-02,
 *     CL-LB-08), a mark at a line end loses its blank half (CL-PW-03), an opening
 *     bracket at a line start may lose its leading half (CL-PW-04);
 *   - Han–Latin/digit glue is ¼ em, shrinking to ⅛ and stretching to ⅓ (CL-MX-01…03),
 *     replacing a source space;
 *   - lines shrink before they stretch, in clreq's priority orders (CL-JU-02…04);
 *   - the last line holds at least `last_min` characters (CL-PA-05).
 * The result is written into the units (x, cl, cr, line) and a list of lines. */
#ifndef JB_COMPOSE_H
#define JB_COMPOSE_H

#include <stdbool.h>

#include "layout/compose/para.h"
#include "layout/style/style.h"

typedef struct {
    float measure;            /* pt */
    float indent;             /* first line, pt (CL-PA-01: 2 em) */
    style_strictness strictness;
    bool compress;            /* CL-PW-02/03 punctuation compression */
    bool hanging;             /* 、。，hang past the measure (CL-PW-05, off by default) */
    bool open_half_at_start;  /* CL-PW-04 */
    float hl, hl_min, hl_max; /* Han–Latin glue, em */
    int last_min;             /* characters on the last line (CL-PA-05) */
    bool justify;             /* false: lines keep their natural width */
    int looseness;            /* 0: the best breaks; +n / -n: the best with n lines more /
                                 fewer, when such breaks exist (TeX's \looseness) */
} compose_opts;

typedef struct {
    uint32_t u0, u1;          /* units [u0, u1) belong to this line */
    float natural;            /* width before justification */
    float width;              /* width as set */
    float x0;                 /* offset of the first unit (indent) */
    float size;               /* largest font size on the line */
    bool last;
} compose_line;

typedef struct {
    compose_line *lines;
    int n;
    size_t cap;
    int overfull;             /* lines that could not be made to fit */
    bool fallback;            /* no feasible optimal breaks: first-fit was used */
    bool emergency;           /* a word, number or link had to break inside itself */
    double demerits;          /* total demerits of the breaks chosen */
} compose_result;

/* House defaults for a measure and body em. */
void compose_opts_default(compose_opts *o, float measure, float em);

/* Breaks and justifies p. Returns 0, or -1 when memory runs out. */
int compose(para *p, const compose_opts *o, compose_result *r);
void compose_result_free(compose_result *r);

#endif
