/* Helpers for the table, figure and chart tests (header-only: each test is one
 * program). The house style is filled by hand here because the style reader lives on
 * another branch; the values are the house style's. */
#ifndef JB_BOXUTIL_H
#define JB_BOXUTIL_H

#include "testutil.h"

#include <math.h>

#include "fonts/font.h"
#include "layout/blocks/box.h"
#include "layout/pdf/pdf.h"

#define BU_COL 231.0f         /* one of two columns on A4 */
#define BU_FULL 482.0f        /* the text area */
#define BU_MAXH 725.0f        /* a column's height */

static inline style_text bu_text(const char *family, const char *face, float size, float leading,
                          style_align al)
{
    style_text t;
    memset(&t, 0, sizeof t);
    t.family = (char *)family;
    t.style = (char *)face;
    t.size = size;
    t.leading = leading;
    t.color = dl_gray(0);
    t.align = al;
    return t;
}

static inline void bu_style(style *s)
{
    memset(s, 0, sizeof *s);
    s->page_w = 595.276f;
    s->page_h = 841.89f;
    s->margin_top = s->margin_bottom = 62;
    s->margin_inner = s->margin_outer = 56.6f;
    s->columns = 2;
    s->column_gap = 21;
    s->latin_family = "Noto Serif CJK SC", s->latin_style = "Regular";
    s->bold_family = "Noto Sans CJK SC", s->bold_style = "Bold";
    s->em_family = "LXGW WenKai", s->em_style = "Regular";
    s->mono_family = "Noto Sans Mono CJK SC", s->mono_style = "Regular";
    s->body = bu_text("Noto Serif CJK SC", "Regular", 10.5f, 18, AL_JUSTIFY);
    s->table = bu_text("Noto Serif CJK SC", "Regular", 9, 13.5f, AL_JUSTIFY);
    s->table_head = bu_text("Noto Sans CJK SC", "Bold", 9, 13.5f, AL_CENTER);
    s->caption = bu_text("LXGW WenKai", "Regular", 10, 15, AL_CENTER);
    s->strictness = STRICT_STRICT;
    s->compress = true;
    s->hanging = false;
    s->han_latin = 0.25f;
    s->han_latin_min = 0.125f;
    s->han_latin_max = 1.0f / 3;
    s->last_line_min = 2;
    s->table_rules = TABLE_THREE_LINE;
    s->table_min_size = 7;
    s->table_padding = 4;
    s->accent = dl_cmyk(1, 0.55f, 0, 0.15f);
    s->rule = dl_gray(0);
    s->figure_span_aspect = 1.6f;
    s->figure_max_height = 0.6f;
    s->figure_caption_gap = 0.6f;
    s->script_size = 0.62f;
    s->script_rise = 0.36f;
    s->script_drop = 0.14f;
}

/* ---- documents built by hand ---- */

/* One inline of plain text (the string is not copied: literals only). */
static inline doc_text bu_dtext(const char *s)
{
    doc_text t = { NULL, 0 };
    if (s && *s) {
        t.in = calloc(1, sizeof *t.in);
        t.in[0].text = (char *)s;
        t.nin = 1;
    }
    return t;
}

/* A table from rows written as "a|b@c2|c@r3": cells split by '|', "@cN" colspan,
 * "@rN" rowspan. The first nhead rows are header rows. */
static inline doc_table *bu_table(const char *caption, int nhead, int nrows, const char *const *rows)
{
    doc_table *t = calloc(1, sizeof *t);
    t->rows = calloc((size_t)nrows, sizeof *t->rows);
    t->nrows = nrows;
    t->caption = bu_dtext(caption);
    for (int r = 0; r < nrows; r++) {
        doc_row *row = &t->rows[r];
        row->header = r < nhead;
        int n = 1;
        for (const char *p = rows[r]; *p; p++)
            n += *p == '|';
        row->cells = calloc((size_t)n, sizeof *row->cells);
        const char *p = rows[r];
        for (int k = 0; k < n; k++) {
            const char *e = strchr(p, '|');
            size_t len = e ? (size_t)(e - p) : strlen(p);
            char *txt = strndup(p, len);
            doc_cell *c = &row->cells[row->ncells++];
            c->colspan = c->rowspan = 1;
            c->header = row->header;
            char *at = strchr(txt, '@');
            if (at) {
                for (char *q = at; *q; q++) {
                    if (*q == 'c')
                        c->colspan = atoi(q + 1);
                    else if (*q == 'r')
                        c->rowspan = atoi(q + 1);
                }
                *at = 0;
            }
            if (*txt) {
                c->text.in = calloc(1, sizeof *c->text.in);
                c->text.in[0].text = txt;
                c->text.nin = 1;
            } else {
                free(txt);
            }
            p = e ? e + 1 : p + len;
        }
    }
    return t;
}

static inline void bu_table_free(doc_table *t)
{
    for (int r = 0; r < t->nrows; r++) {
        for (int k = 0; k < t->rows[r].ncells; k++) {
            if (t->rows[r].cells[k].text.nin)
                free(t->rows[r].cells[k].text.in[0].text);
            free(t->rows[r].cells[k].text.in);
        }
        free(t->rows[r].cells);
    }
    free(t->rows);
    free(t->caption.in);
    free(t);
}

/* ---- the display list ---- */

/* Right edge of a text item's last glyph, pt. */
static inline float bu_text_right(font_lib *lib, const dl_item *it)
{
    const dl_glyph *g = &it->u.text.g[it->u.text.ng - 1];
    font *f = font_lib_at(lib, it->u.text.font);
    float adv = (float)font_advance(f, g->gid) * it->u.text.size / (float)font_upem(f);
    return it->u.text.x + g->x + adv;
}

/* Index of the first text item on page p whose text contains s, from item `from`;
 * -1 when none. */
static inline int bu_find_text(const dl_doc *d, int p, const char *s, int from)
{
    for (uint32_t i = (uint32_t)from; i < d->pages[p].n; i++) {
        const dl_item *it = &d->pages[p].items[i];
        if (it->kind == DL_TEXT && strstr(it->u.text.text, s))
            return (int)i;
    }
    return -1;
}

/* All the text of page p's items between [from, to) concatenated (caller frees). */
static inline char *bu_page_text(const dl_doc *d, int p)
{
    size_t n = 1;
    for (uint32_t i = 0; i < d->pages[p].n; i++)
        if (d->pages[p].items[i].kind == DL_TEXT)
            n += strlen(d->pages[p].items[i].u.text.text);
    char *s = calloc(n, 1);
    for (uint32_t i = 0; i < d->pages[p].n; i++)
        if (d->pages[p].items[i].kind == DL_TEXT)
            strcat(s, d->pages[p].items[i].u.text.text);
    return s;
}

static inline void bu_write_pdf(const dl_doc *d, font_lib *lib, const char *path)
{
    pdf_options o;
    pdf_options_default(&o);
    char err[512];
    if (pdf_write(d, lib, &o, path, err, sizeof err))
        fail_msg("pdf_write: %s", err);
}

static inline void bu_near(double a, double b, double tol)
{
    if (fabs(a - b) > tol)
        fail_msg("%.4f != %.4f (tolerance %g)", a, b, tol);
}

/* A diag writing into a memory buffer, so tests can read the messages. */
typedef struct {
    diag d;
    char *buf;
    size_t len;
} bu_diag;

static inline void bu_diag_open(bu_diag *bd)
{
    bd->buf = NULL;
    bd->len = 0;
    diag_init(&bd->d, open_memstream(&bd->buf, &bd->len));
}

/* The messages so far (valid until the next call). */
static inline const char *bu_diag_text(bu_diag *bd)
{
    fflush(bd->d.out);
    return bd->buf ? bd->buf : "";
}

static inline void bu_diag_close(bu_diag *bd)
{
    fclose(bd->d.out);
    free(bd->buf);
}

#endif
