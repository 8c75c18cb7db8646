/* issue — builds one issue: source and style in, PDF out. */
#ifndef JB_ISSUE_H
#define JB_ISSUE_H

#include <stdbool.h>

#include "layout/base/diag.h"
#include "layout/dlist/dlist.h"
#include "fonts/font.h"

typedef enum { PRESS_FROM_STYLE = -1, PRESS_OFF = 0, PRESS_ON_X1A = 1, PRESS_ON_X4 = 2 } issue_press;

typedef struct {
    const char *style_path;   /* --style; NULL: the issue's own (front matter) */
    const char *out;          /* -o; NULL: out/<issue>.pdf */
    issue_press press;
} issue_opts;

void issue_opts_default(issue_opts *o);

/* The default output path for an issue directory: out/<last path component>.pdf.
 * Caller frees. */
char *issue_default_out(const char *issue_dir);

/* Reads, lays out and writes one issue. Every problem is reported through d; no PDF
 * is written (and an existing one is kept) when there is any error. */
int issue_build(const char *issue_dir, const issue_opts *o, diag *d);

/* Reads and lays out an issue into a display list (for tests and the writer). The
 * caller frees *out_doc and *out_fonts. */
int issue_layout(const char *issue_dir, const char *style_path, diag *d, dl_doc **out_doc,
                 font_lib **out_fonts);

#endif
