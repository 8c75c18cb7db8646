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
 *   - lines shrink before they stretch, in clreq's priority orders (CL-JU-02…04); Han
 *     characters are never spaced more than max_spread apart (CL-JU-07): a break
 *     inside a Latin token (after / . - _ ? & =, before @; CL-LB-10) comes first, a
 *     line left short is the last resort;
 *   - a hard break (PC_BREAK) ends a line; a list label (IN_LABEL) has a fixed box;
 *   - the last line holds at least `last_min` characters (CL-PA-05);
 *   - headings (CL-PA-09): a bracketed group of up to keep_brackets characters and a
 *     Han word (keep_words) are not broken (CL-LB-14); balanced lines are as even as
 *     the breaks allow, in the fewest lines the measure needs.
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
    bool verbatim;            /* code: spaces are rigid characters and kept at a line's
                                 start; no compression, glue or spacing; first fit */
    float wrap_indent;        /* a line the measure cut (not a hard break) starts here, pt */
    float label_min;          /* a hanging label's box at the least, pt */
    float label_gap;          /* after a label that does not end in a full-width mark, pt */
    float max_spread;         /* Han characters are never spaced further apart than this
                                 (em); a line that would need more is set short (0: no
                                 limit) */
    float token_penalty;      /* cost of a break inside a Latin token (CL-LB-10) */
    int keep_brackets;        /* a bracketed group of up to this many characters that fits
                                 the measure is not broken (CL-LB-14; 0: no such rule) */
    bool keep_words;          /* Han text breaks only between words, unless that costs a
                                 line (CL-LB-14) */
    bool balance;             /* ragged lines as even as the breaks allow, no line added
                                 (CL-PA-09; not with a looseness) */
    float phrase_balance;     /* balanced lines break where a phrase ends (after ，、；：。
                                 or at a space) when the shortest line is still this share
                                 of the longest (0: the even breaks only) */
} compose_opts;

typedef struct {
    uint32_t u0, u1;          /* units [u0, u1) belong to this line */
    float natural;            /* width before justification */
    float width;              /* width as set */
    float x0;                 /* offset of the first unit (indent) */
    float size;               /* largest font size on the line */
    bool last;
    bool hard;                /* ends at a hard break (set flush left, like a last line) */
    bool wrapped;             /* continues a line the measure cut (not the first line,
                                 not after a hard break) */
    float spread;             /* extra space between Han characters, em (justification) */
    float short_by;           /* justified, yet this much short of the measure, pt: its Han
                                 characters would have been spaced past max_spread */
} compose_line;

typedef struct {
    compose_line *lines;
    int n;
    size_t cap;
    int overfull;             /* lines that could not be made to fit */
    bool fallback;            /* no feasible optimal breaks: first-fit was used */
    bool emergency;           /* a word, number or link had to break inside itself */
    double demerits;          /* total demerits of the breaks chosen */
    size_t work;              /* (line start, break) pairs the searches for the best and
                                 for balanced breaks looked at: their work, bounded for
                                 any text (tests) */
} compose_result;

/* House defaults for a measure and body em. */
void compose_opts_default(compose_opts *o, float measure, float em);

/* Breaks and justifies p. Returns 0, or -1 when memory runs out. */
int compose(para *p, const compose_opts *o, compose_result *r);
void compose_result_free(compose_result *r);

#endif
