/* typeset — from styled text to composed, placed lines: the one place that turns a
 * doc_text and a style_text into fonts, a shaped paragraph, lines, and glyphs on the
 * display list. Used by the flow, the contents, the cover, furniture, tables and
 * charts, so every piece of text obeys the same clreq rules. */
#ifndef JB_TYPESET_H
#define JB_TYPESET_H

#include <stdbool.h>

#include "fonts/font.h"
#include "layout/compose/compose.h"
#include "layout/base/diag.h"
#include "layout/dlist/dlist.h"
#include "layout/read/doc.h"
#include "layout/compose/para.h"
#include "layout/compose/pcache.h"
#include "layout/style/style.h"

typedef struct {
    font_lib *fonts;
    const style *st;
    diag *d;
    const src_file *src;      /* for positions of uncovered characters; may be NULL */
    bool font_error;          /* a style font was missing (already reported) */
    font *fallback[16];       /* the style's fallback fonts, resolved once */
    int nfallback;            /* -1 until resolved */
    long long ns_shape, ns_compose;   /* time spent, for `make bench` */
    bool debug;               /* JIANBAO_DEBUG: report lines set short (CL-JU-07) */
    pcache *cache;            /* shaped and composed paragraphs of earlier builds (jianbao
                                 watch), NULL: none; not used with JIANBAO_DEBUG */
    size_t dbg_seen[64];      /* source offsets already reported (a paragraph is
                                 composed again for each looseness the flow tries) */
    int ndbg;
} typeset_ctx;

/* Monotonic clock in nanoseconds (stage timings). */
long long typeset_now_ns(void);

/* Sets up a context; fields may also be filled by hand (then nfallback = -1).
 * JIANBAO_DEBUG in the environment turns on the composer's reports. */
void typeset_ctx_init(typeset_ctx *t, font_lib *fonts, const style *st, diag *d,
                      const src_file *src);

/* The font of a style_text (regular or bold face), or NULL after reporting. */
font *typeset_font(typeset_ctx *t, const char *family, const char *face);

/* A shaped paragraph of inline text in style ts (bold in the Hei face, emphasis in Kai,
 * sub/superscripts smaller and shifted). NULL on failure (reported). */
para *typeset_para(typeset_ctx *t, const doc_text *text, const style_text *ts);
/* The same for a plain UTF-8 string. */
para *typeset_plain(typeset_ctx *t, const char *text, const style_text *ts);
/* The text as it is printed (ASCII punctuation in Chinese set full width, range dashes
 * as the style has them), as one string for outlines and running heads; caller frees. */
char *typeset_text_plain(typeset_ctx *t, const doc_text *text);

/* Composes p to measure with the style's clreq options; indent is the first-line
 * indent (negative for a hanging indent). Lines are justified when ts->align is
 * AL_JUSTIFY. Overfull lines and fallbacks are reported at the text's position. */
int typeset_compose(typeset_ctx *t, para *p, const style_text *ts, float measure, float indent,
                    compose_result *r);

/* The same with a looseness (compose_opts.looseness): n lines more or fewer than the
 * best breaks, where the paragraph allows it. */
int typeset_compose_loose(typeset_ctx *t, para *p, const style_text *ts, float measure,
                          float indent, int looseness, compose_result *r);

/* typeset_compose in three steps, so that the middle one may run on another thread
 * (the flow composes running text on helper threads): the options; compose() itself,
 * which reads and writes only p and r; and the report of what is wrong with the result
 * (overfull lines, words broken inside), in the context's diag. Only when
 * typeset_compose_splits: without the paragraph cache (jianbao watch), which is not
 * shared between threads, and without JIANBAO_DEBUG's reports. */
bool typeset_compose_splits(const typeset_ctx *t);
void typeset_compose_opts(const typeset_ctx *t, const style_text *ts, float measure,
                          float indent, compose_opts *o);
void typeset_compose_report(typeset_ctx *t, para *p, const compose_result *r, float measure);

/* Code: p composed to measure line by line as written (compose_opts.verbatim), a line
 * too long wrapping wrap_indent further in. */
int typeset_compose_code(typeset_ctx *t, para *p, const style_text *ts, float measure,
                         float wrap_indent, compose_result *r);

/* Draws line l of r with its left edge at x and baseline y; ragged alignments place
 * it inside measure. */
int typeset_emit_line(const para *p, const compose_result *r, int l, dl_doc *d, int page,
                      float x, float y, float measure, style_align al);

/* Natural width of p set without breaking (its widest line when it has hard breaks). */
float typeset_width(typeset_ctx *t, para *p, const style_text *ts);

/* Sets p on one line at (x, baseline y), aligned in measure (which may be 0 for
 * left-aligned text). Returns the width used. */
float typeset_line(typeset_ctx *t, para *p, const style_text *ts, dl_doc *d, int page, float x,
                   float y, float measure, style_align al);

/* Baseline offset from the top of a line box of height `pitch` holding text of `size`:
 * the ideographic em box is centred in the pitch. */
float typeset_baseline(float pitch, float size);

/* Expands {key} placeholders of a running-head template. vals: NULL-terminated
 * key, value pairs. Caller frees. */
char *typeset_template(const char *tmpl, const char *const *vals);

#endif
