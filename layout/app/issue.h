/* issue — builds one issue: source and style in, PDF out.
 *
 * A build runs in an issue_ctx, what lives from one build to the next in one process:
 * the fonts (fontconfig, FreeType faces, HarfBuzz fonts and their glyph caches), the
 * writer's cache (subset fonts, deflated streams) and, when asked
 * (issue_ctx_keep_paragraphs), shaped and composed paragraphs. `jianbao watch` keeps one
 * context for all its rebuilds; `jianbao build` makes one per run.
 *
 * The body is laid out once: the contents' page count is known from its entries before
 * (JIANBAO_TIMING's layout-rounds counts the layouts). */
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
    bool allow_outside;       /* --allow-outside: figures, styles named by the issue and
                                 the style's profile may lie anywhere */
} issue_opts;

void issue_opts_default(issue_opts *o);

/* What a build read and made, for the batch (fingerprints) and watch (what to watch,
 * the line it prints). Filled as far as the build got, also when it failed. */
typedef struct {
    char **inputs;            /* every file read: issue.md, the style file, figures, the
                                 output profile, in that order */
    int ninputs;
    char *out;                /* the PDF (written only when the build succeeded) */
    int pages;                /* as laid out (without the blank pages of padding) */
    bool padded;              /* blank pages were added to a multiple of 4 */
    char *issue;              /* front matter: 总第29期 */
    char *month;              /* 2019-03 */
} issue_report;

void issue_report_free(issue_report *r);

typedef struct issue_ctx issue_ctx;

/* NULL when memory runs out. Fonts are opened on first use. */
issue_ctx *issue_ctx_new(void);
/* Keeps shaped and composed paragraphs from one build to the next (pcache; about twice
 * the paragraphs' own memory, up to a bound): for rebuilds of the same issue. */
void issue_ctx_keep_paragraphs(issue_ctx *c);
void issue_ctx_free(issue_ctx *c);

/* An issue's name: its folder's name (the real one when the path is "." or ".."); the
 * folder of a path to its issue.md. Caller frees. */
char *issue_name(const char *issue_dir);
/* The default output path for an issue: out/<name>.pdf. Caller frees. */
char *issue_default_out(const char *issue_dir);
/* The folder of an issue path (the path itself, or the folder of a file). Caller frees. */
char *issue_folder(const char *issue_dir);

/* Reads, lays out and writes one issue in ctx. Every problem is reported through d;
 * no PDF is written (and an existing one is kept) when there is any error. rep may be
 * NULL; else it is filled (free it with issue_report_free). */
int issue_build_in(issue_ctx *ctx, const char *issue_dir, const issue_opts *o, diag *d,
                   issue_report *rep);
/* The same in a context of its own. */
int issue_build(const char *issue_dir, const issue_opts *o, diag *d);

/* Reads and lays out an issue into a display list (for tests and the writer). The
 * caller frees *out_doc and *out_fonts. */
int issue_layout(const char *issue_dir, const char *style_path, diag *d, dl_doc **out_doc,
                 font_lib **out_fonts);

/* Where the program's own data lives (styles/ with the house style and icc/): the
 * folder holding styles/ beside the program (a checkout), or <prefix>/share/jianbao
 * for an installed program. NULL when neither is found. Caller frees. */
char *issue_data_dir(void);

#endif
