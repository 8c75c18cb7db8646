/* import — turns the text extracted from a past issue's PDF into issues/<yyyy-mm>/issue.md
 * (the source format described in layout/read/doc.h).
 *
 * The extraction is Markdown-ish but unreliable: heading marks at random levels, running
 * footers between pages, paragraphs cut at page breaks, tables as tab-separated lines,
 * the printed masthead and contents listing in the text flow. The importer rebuilds the
 * structure from the issue's own contents listing and Chinese outline numbering (第一章,
 * 第一节, 一、, （一）, 1.), with general rules only.
 *
 * Its messages point at the lines of the issue.md it writes, where the editor works.
 * They come in two kinds: places to check (a guess to confirm, something lost — reported
 * as warnings, "issue.md:120:1: warning: …") and notices of what it did on its own by a
 * sure rule (a heading level set, a caption found — "note:", only when asked for).
 *
 * Nothing is invented: text that cannot be placed stays as a paragraph; a lost image keeps
 * its caption as a paragraph. */
#ifndef JB_IMPORT_H
#define JB_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "layout/base/diag.h"

typedef struct {
    const char *in;           /* the input's name, in messages about the file itself */
    const char *out;          /* the issue.md the other messages point into */
    bool verbose;             /* report the notices too, not only the places to check */
    bool force;               /* import_run: replace an existing issue.md */
} import_opts;

/* How many messages of each kind an import gave. */
typedef struct {
    int check;                /* places to check (reported as warnings) */
    int notices;              /* notices (reported only when verbose) */
} import_counts;

/* Converts text extracted from a past issue's PDF into issue.md in out_dir (created if
 * needed). An existing issue.md is kept (an error) unless o->force is set; o->in and
 * o->out are filled in from the paths. Returns 0, or -1 with errors reported. */
int import_run(const char *in_path, const char *out_dir, const import_opts *o, import_counts *n, diag *d);

/* The same into memory: returns the Markdown (caller frees), or NULL with an error
 * reported (an encoding it cannot tell, out of memory). n may be NULL. */
char *import_text(const char *text, size_t len, const import_opts *o, import_counts *n, diag *d);

/* A Word article (.docx) as an article of the issue source, by pandoc (import_docx.c):
 * with into (an issue folder holding issue.md) its pictures go to into/figures/ and the
 * article is appended to into/issue.md; without, the pictures go to ./figures/ and the
 * article is written to out. Messages as for import_run (o->verbose: the notices too).
 * Returns 0, or -1 with errors reported (pandoc missing: how to install it). */
int import_docx(const char *docx, const char *into, FILE *out, const import_opts *o, import_counts *n, diag *d);

#endif
