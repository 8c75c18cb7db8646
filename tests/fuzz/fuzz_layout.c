/* libFuzzer target: the layout on arbitrary sources — the source reader's output laid
 * out through the flow with the house style on small pages, where every box, heading,
 * table row and long word is large against the column, then the contents, the cover
 * and the running heads, as a build does (layout/app/issue.c). Every failure must be an
 * error that was reported, never a crash.
 *
 * A first byte below 0x08 picks the page (and is not part of the source): a third of
 * A4 in two columns (also the page when there is no such byte), A6, a narrow strip, a
 * tiny page at the flow's smallest grid, a short wide page in three columns, A4 in
 * two. Sources are cut at 16 KB so that runs stay fast. Figures resolve against
 * tests/fuzz (figures/ok.png and figures/ok.jpg); run from the repository root (make
 * fuzz). JB_FUZZ_LOG=1 in the environment prints the diagnostics and the outcome of
 * each input (to replay one). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fonts/font.h"
#include "layout/compose/typeset.h"
#include "layout/dlist/dlist.h"
#include "layout/flow/flow.h"
#include "layout/front/front.h"
#include "layout/read/doc.h"
#include "layout/style/style.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__lsan_default_suppressions(void);

/* fontconfig keeps a little of its configuration to the end of the process (no FcFini):
 * not a leak of the layout's. */
const char *__lsan_default_suppressions(void) { return "leak:libfontconfig.so\n"; }

#define MAX_SOURCE 16384
#define MM(x) ((float)(x) * 72.0f / 25.4f)

typedef struct {
    float w, h, margin;
    int columns;
} page_kind;

static const page_kind pages[] = {
    { MM(121), MM(172), MM(10), 2 },    /* A4 / √3: a third of its area */
    { MM(105), MM(148), MM(8), 1 },     /* A6 */
    { MM(60), MM(200), MM(5), 1 },      /* a narrow strip */
    { MM(40), MM(40), MM(2), 1 },       /* tiny: a few characters, a few lines */
    { MM(150), MM(70), MM(6), 3 },      /* short and wide, three columns */
    { MM(210), MM(297), MM(18), 2 },    /* A4 as the house style has it */
};


/* The first internal error of a log ("…: error: internal: …"), else NULL. Only where
 * the message starts: the input's own text, quoted in a message, may say the same
 * (libFuzzer learns the string from the comparison below). */
static const char *internal_error(const char *log)
{
    static const char key[] = "error: internal: ";
    for (const char *e = log; e && (e = strstr(e, key)); e += sizeof key - 1) {
        const char *line = e;
        while (line > log && line[-1] != '\n')
            line--;
        if (!memchr(line, '\'', (size_t)(e - line)))
            return e;
    }
    return NULL;
}

/* Closes the input's diagnostics; an internal error aborts with the message. */
static void check_log(FILE *mem, char **log)
{
    if (!mem)
        return;
    fclose(mem);             /* sets *log */
    const char *e = *log ? internal_error(*log) : NULL;
    if (e) {
        fprintf(stderr, "fuzz_layout: %s", e);
        abort();
    }
    free(*log);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *null;
    static font_lib *fonts;
    static style *house[sizeof pages / sizeof *pages];
    static int verbose = -1;
    if (verbose < 0)
        verbose = getenv("JB_FUZZ_LOG") != NULL;
    if (!null && !(null = verbose ? stderr : fopen("/dev/null", "w")))
        abort();
    if (!fonts && !(fonts = font_lib_new()))
        abort();
    size_t k = 0;
    if (size > 0 && data[0] < 0x08) {
        k = data[0] % (sizeof pages / sizeof *pages);
        data++;
        size--;
    }
    if (size > MAX_SOURCE)
        return 0;
    if (!house[k]) {
        if (!(house[k] = style_default()))
            abort();
        const page_kind *pk = &pages[k];
        style *s = house[k];
        s->page_w = pk->w;
        s->page_h = pk->h;
        s->margin_top = s->margin_bottom = s->margin_inner = s->margin_outer = pk->margin;
        s->columns = pk->columns;
    }
    const style *st = house[k];

    /* the diagnostics are kept to look for internal errors: a broken invariant of the
     * layout's own is a finding, like a crash */
    char *log = NULL;
    size_t loglen = 0;
    FILE *mem = verbose ? NULL : open_memstream(&log, &loglen);
    diag d;
    diag_init(&d, mem ? mem : null);
    doc *dc = doc_read_mem("fuzz.md", (const char *)data, size, "tests/fuzz", &d);
    if ((dc != NULL) != (d.errors == 0))
        abort();
    flow_geom g;
    if (!dc || flow_geom_init(&g, st, &d)) {
        if (d.errors == 0)
            abort();
        doc_free(dc);
        check_log(mem, &log);
        return 0;
    }
    typeset_ctx t;
    typeset_ctx_init(&t, fonts, st, &d, dc->src);
    dl_doc *out = dl_doc_new(g.pw, g.ph);
    if (!out)
        abort();
    /* the cover, one page for the contents, the body */
    int rc = dl_page_add(out) < 0 || dl_page_add(out) < 0 ? -1 : 0;
    if (rc == 0)
        rc = flow_run(&t, dc, &g, out);
    if (rc == 0 && !t.font_error && d.errors == 0) {
        int n = front_toc_pages(&t, &g, out);
        rc = n < 0 || front_labels(out) ? -1 : 0;
        if (rc == 0 && n == 1)
            rc = front_toc(&t, &g, out, 1, 1);
        if (rc == 0)
            rc = front_cover(&t, &dc->meta, &g, out, 0);
        if (rc == 0)
            rc = front_running(&t, &dc->meta, &g, out);
    }
    /* a failure is reported: no silent half-made layout */
    if (rc && d.errors == 0)
        abort();
    if (verbose)
        fprintf(stderr, "page %zu: %s, %d pages, %d errors\n", k, rc ? "failed" : "laid out",
                out->npages, d.errors);
    if (rc == 0 && (out->npages < 2 || out->npages > DL_MAX_PAGES))
        abort();
    dl_doc_free(out);
    doc_free(dc);
    check_log(mem, &log);
    return 0;
}
