/* import — turns the text extracted from a past issue's PDF into issues/<yyyy-mm>/issue.md
 * (the source format described in layout/read/doc.h).
 *
 * The extraction is Markdown-ish but unreliable: heading marks at random levels, running
 * footers between pages, paragraphs cut at page breaks, tables as tab-separated lines,
 * the printed masthead and contents listing in the text flow. The importer rebuilds the
 * structure from the issue's own contents listing and Chinese outline numbering (第一章,
 * 第一节, 一、, （一）, 1.), with general rules only, and reports every guess it made as a
 * warning "file:line:col: warning: …" so an editor can check those places by hand.
 *
 * Nothing is invented: text that cannot be placed stays as a paragraph; a lost image keeps
 * its caption as a paragraph. */
#ifndef JB_IMPORT_H
#define JB_IMPORT_H

#include <stddef.h>

#include "layout/base/diag.h"

/* Converts text extracted from a past issue's PDF into issue.md in out_dir (created
 * if needed; an existing issue.md is replaced). Reports every place it was unsure as a
 * warning file:line: through d. Returns 0, or -1 with errors reported. */
int import_run(const char *in_path, const char *out_dir, diag *d);

/* The same into memory, for tests: returns the Markdown (caller frees), or NULL with an
 * error reported (out of memory). name is the file name used in the warnings. */
char *import_text(const char *name, const char *text, size_t len, diag *d);

#endif
