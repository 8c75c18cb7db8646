/* batch — rebuild many issues: in parallel on the available cores, skipping issues
 * whose inputs, style and program are unchanged since their last good build, one
 * failure not stopping the others, with a progress line on a terminal and a summary:
 * failures and warnings first, then one line counting built, skipped and failed.
 *
 * Each good build leaves a stamp, out/.<name>.stamp: the fingerprint of what it read
 * (issue.md, the style, every figure the issue references wherever it lies, the
 * profile, the program and the options), the list of those files, and its warnings,
 * which a skipped issue repeats. */
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

/* Builds every directory in dirs. Returns the number of failed issues (a path that
 * is not an issue counts as failed). */
int batch_run(char *const *dirs, int ndirs, const batch_opts *o, FILE *out);

/* The fingerprint (hex, caller frees) of a build of issue_dir that read `inputs`:
 * their contents, the styles folders it may take a style from, the program and the
 * options. NULL when an input cannot be read as a regular file. */
char *batch_fingerprint(const char *issue_dir, char *const *inputs, int ninputs,
                        const batch_opts *o);

#endif
