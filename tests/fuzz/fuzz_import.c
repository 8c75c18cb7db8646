/* libFuzzer target: the importer on arbitrary bytes — encoding detection and conversion,
 * lines, footers, the outline, tables, rejoining, signatures, messages mapped to lines of
 * the output — and, on the same bytes, what is done to pandoc's output for a Word
 * article: the typography of one line, and the whole article (headings, <img> and
 * ![..](..){..} pictures, captions). Pictures named under a media folder that does not
 * exist cannot be moved: that is an error, never a crash. Run from the repository root
 * (make fuzz). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout/base/utf8.h"
#include "layout/import/import.h"
#include "layout/import/import_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *null;
    if (!null && !(null = fopen("/dev/null", "w")))
        abort();
    diag d;
    diag_init(&d, null);
    import_opts o = { .in = "fuzz.txt", .out = "issue.md", .verbose = true };
    import_counts n;
    char *md = import_text((const char *)data, size, &o, &n, &d);
    /* a source exactly when no error was reported; every place to check is a warning */
    if ((md != NULL) != (d.errors == 0) || (md && n.check != d.warnings))
        abort();
    /* the source is valid UTF-8 with front matter first */
    if (md && (utf8_invalid(md, strlen(md), 0) != strlen(md) || strncmp(md, "---\n", 4) != 0))
        abort();
    free(md);
    /* the typography keeps valid UTF-8 valid */
    strbuf t = { 0 };
    imp_typeset_line((const char *)data, size, &t);
    bool valid = utf8_invalid((const char *)data, size, 0) == size;
    if (t.oom || (valid && t.p && utf8_invalid(t.p, t.n, 0) != t.n))
        abort();
    strbuf_free(&t);
    /* the article: NUL-terminated, in place */
    char *gfm = malloc(size + 1);
    if (!gfm)
        return 0;
    memcpy(gfm, data, size);
    gfm[size] = 0;
    diag_init(&d, null);
    int counts[2];
    char *art = imp_docx_markdown(gfm, "/nonexistent/jianbao-fuzz", "/nonexistent/figures", "fuzz", counts, &d);
    if (!art && d.errors == 0)
        abort();
    free(art);
    free(gfm);
    return 0;
}
