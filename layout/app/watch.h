/* watch — `jianbao watch`: builds an issue, then again whenever its source, a figure or
 * the style changes (inotify), until interrupted.
 *
 * One process and one issue_ctx for every rebuild, so fonts (and the caches the
 * context will hold) are reused. Each build prints one line: when, how long, the
 * pages and the warnings, or that it failed and the last good PDF was kept. The PDF
 * is replaced in place (a temporary renamed over it), so viewers that reload files
 * follow along. */
#ifndef JB_WATCH_H
#define JB_WATCH_H

#include <stdio.h>

#include "layout/app/issue.h"

typedef struct {
    issue_opts opts;          /* style, press, output (-o) */
    FILE *status;             /* the one-line reports (stdout) */
    int settle_ms;            /* a file written is built once no other change came for
                                 this long */
    int quiet_ms;             /* ... a file moved off or deleted, this long (the editor
                                 may be saving by moving the old one aside) */
} watch_opts;

void watch_opts_default(watch_opts *o);

/* Runs until SIGINT or SIGTERM. Returns 0 then, 1 when watching cannot start. */
int watch_run(const char *issue_dir, const watch_opts *o);

#endif
