/* batch — rebuild many issues: in parallel on the available cores, skipping issues
 * whose inputs, style and program are unchanged since their last good build, one
 * failure not stopping the others, with a progress line on a terminal and a summary. */
#ifndef JB_BATCH_H
#define JB_BATCH_H

#include <stdbool.h>
#include <stdio.h>

#include "layout/app/issue.h"

typedef struct {
    int jobs;                 /* parallel builds; 0: the number of online cores */
    bool force;               /* rebuild even when unchanged */
    const char *out_dir;      /* where PDFs go (default "out") */
    const char *self;         /* path of the running program (its identity counts) */
    issue_opts opts;          /* style and press options for every issue */
} batch_opts;

/* Builds every directory in dirs. Returns the number of failed issues. */
int batch_run(char *const *dirs, int ndirs, const batch_opts *o, FILE *out);

/* The fingerprint of an issue build's inputs (hex, caller frees): the source, its
 * figures, the style file and the program. NULL when something cannot be read. */
char *batch_fingerprint(const char *issue_dir, const char *style_path, const char *self);

#endif
