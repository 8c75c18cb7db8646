/* boxtext — what the table, figure and chart layouts share: the box shell, messages
 * at the block's source line, captions and box_text; private to this folder.
 *
 * box_text is a piece of text (a cell, a caption, a chart label) shaped once in one
 * style and composed to a measure through typeset_compose, so every box obeys the
 * same clreq rules as running text. */
#ifndef JB_BOXTEXT_H
#define JB_BOXTEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "layout/blocks/box.h"

/* A box with nrows rows (heights zeroed); NULL when memory runs out. */
box *box_alloc(int nrows);
/* Frees the rows and the box itself (not b->data). */
void box_free_shell(box *b);

/* Messages at the block's source position (or positionless when t->src is NULL). */
void box_warn(typeset_ctx *t, size_t src, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void box_error(typeset_ctx *t, size_t src, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

typedef struct {
    para *p;
    style_text ts;            /* the style it was shaped in; align decides justification */
    float lead;               /* line pitch, pt */
    compose_result r;         /* the last composition */
    float measure;            /* measure of the last composition */
    float w;                  /* widest composed line, pt */
    int nlines;               /* >= 1 once composed, even for empty text */
} box_text;

/* Shapes text (a doc_text, or the plain UTF-8 string when dt is NULL) in style ts.
 * Returns 0, or -1 after reporting. */
int box_text_init(box_text *bt, typeset_ctx *t, const doc_text *dt, const char *plain,
                  const style_text *ts);
void box_text_free(box_text *bt);

/* Width of the text set on one line. */
float box_text_pref(box_text *bt, typeset_ctx *t);
/* Narrowest measure at which the text composes without an overfull line or a
 * first-fit fallback: the widest unbreakable piece with its clreq-bound neighbours
 * and the last line's minimum characters (CL-PA-05). */
float box_text_min(box_text *bt, typeset_ctx *t);
/* Composes to measure (quiet: no overfull warnings, for trial layouts). */
int box_text_compose(box_text *bt, typeset_ctx *t, float measure, bool quiet);
/* Height of the composed text: lines × pitch. */
float box_text_h(const box_text *bt);
/* Baseline of line l below the top of the text block. */
float box_text_baseline(const box_text *bt, int l);
/* Draws the composed lines with the top of the first line box at y_top; each line
 * aligned in measure (AL_JUSTIFY draws flush left). */
int box_text_draw(const box_text *bt, dl_doc *d, int page, float x, float y_top, float measure,
                  style_align al);
/* Draws lines [l0, l1) only, each where box_text_draw puts it (a table row split
 * over columns draws its cells a piece at a time). */
int box_text_draw_lines(const box_text *bt, dl_doc *d, int page, float x, float y_top,
                        float measure, style_align al, int l0, int l1);

/* A caption "表N　text" / "图N　text": a doc_text whose first inline is the label
 * (number < 1: no label). The inlines array is allocated in *out (free out->in);
 * texts point into lab (at least 32 bytes) and the caption. */
int box_caption_text(doc_text *out, char *lab, size_t lablen, const char *word, int number,
                     const doc_text *caption, size_t src);
/* True when the caption has any text. */
bool box_text_nonempty(const doc_text *dt);

/* A copy of ts at another size; pitch and spacing scale with it. */
style_text box_style_at(const style_text *ts, float size);

#endif
