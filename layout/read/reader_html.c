/* reader_html — HTML <table> blocks, read with libxml2's HTML parser: caption, rows
 * (<thead> rows are header rows), <th>/<td> with colspan/rowspan, cell text with
 * <b>/<strong>, <i>/<em>, <sub>, <sup>, <code>, <a href>. The grid is resolved here
 * so that a table whose spans do not add up is reported with its row number. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "layout/read/reader_int.h"

/* More columns than an A4 page can show; the bound keeps the grid check linear. */
#define MAX_COLS 256

typedef struct {
    const src_file *src;
    diag *d;
    size_t at;                /* where the table starts in the source */
    bool oom;
} html_rd;

static bool is_el(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && xmlStrcasecmp(n->name, (const xmlChar *)name) == 0;
}

/* ---- cell text ---------------------------------------------------------------- */

/* Whitespace is collapsed as HTML does, except that a line break between two Han
 * characters vanishes (CL-LB-12) as in Markdown paragraphs. */
typedef struct {
    reader_tb tb;
    int bold, em, sub, sup, code, link;
    const char *href;
    bool ws, nl;              /* whitespace (with a line break) waiting to be set */
    strbuf run;
} cell_wr;

static unsigned cell_flags(const cell_wr *w)
{
    return (w->bold ? IN_BOLD : 0) | (w->em ? IN_EM : 0) | (w->sub ? IN_SUB : 0) |
           (w->sup ? IN_SUP : 0) | (w->code ? IN_CODE : 0) | (w->link ? IN_LINK : 0);
}

static bool cell_text(cell_wr *w, const char *s, size_t at)
{
    size_t n = strlen(s);
    w->run.n = 0;
    for (size_t i = 0; i < n;) {
        char c = s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
            w->ws = true;
            w->nl |= c == '\n' || c == '\r';
            i++;
            continue;
        }
        size_t j = i;
        uint32_t cp = utf8_next(s, n, &j);
        if (w->ws) {
            uint32_t prev = w->run.n ? utf8_last(w->run.p, w->run.n) : w->tb.last;
            if (prev && !(w->nl && reader_break_vanishes(prev, cp)) && !strbuf_add(&w->run, " ", 1))
                return false;
            w->ws = w->nl = false;
        }
        if (!strbuf_add(&w->run, s + i, j - i))
            return false;
        i = j;
    }
    return reader_tb_add(&w->tb, w->run.p, w->run.n, cell_flags(w), w->href, at, false);
}

/* Elements whose content is not text. */
static bool opaque(const xmlNode *n)
{
    return is_el(n, "script") || is_el(n, "style") || is_el(n, "head");
}

static void cell_enter(cell_wr *w, xmlNode *n, int step)
{
    if (n->type != XML_ELEMENT_NODE)
        return;
    if (is_el(n, "b") || is_el(n, "strong"))
        w->bold += step;
    else if (is_el(n, "i") || is_el(n, "em"))
        w->em += step;
    else if (is_el(n, "sub"))
        w->sub += step;
    else if (is_el(n, "sup"))
        w->sup += step;
    else if (is_el(n, "code") || is_el(n, "tt") || is_el(n, "kbd"))
        w->code += step;
    else if (is_el(n, "a")) {
        w->link += step;
        if (step > 0) {
            xmlAttr *h = xmlHasProp(n, (const xmlChar *)"href");
            if (h && h->children && h->children->content)
                w->href = (const char *)h->children->content;
        }
        if (!w->link)
            w->href = NULL;
    } else if (!is_el(n, "span") && !is_el(n, "font") && !is_el(n, "u"))
        w->ws = true;         /* <br>, <p>, <div>, a nested table's cells… separate words */
}

/* All the text under node (not the node's own siblings) into t. */
static bool node_text(html_rd *r, xmlNode *node, doc_text *t)
{
    cell_wr w = { .tb = { .t = t } };
    bool ok = true;
    xmlNode *n = node->children;
    while (n && ok) {
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (n->content)
                ok = cell_text(&w, (const char *)n->content, r->at);
        } else {
            cell_enter(&w, n, 1);
        }
        if (n->type == XML_ELEMENT_NODE && n->children && !opaque(n)) {
            n = n->children;
            continue;
        }
        cell_enter(&w, n, -1);
        while (!n->next) {
            n = n->parent;
            if (n == node)
                goto done;
            cell_enter(&w, n, -1);
        }
        n = n->next;
    }
done:
    strbuf_free(&w.run);
    if (!ok)
        r->oom = true;
    return ok;
}

/* ---- rows and cells ----------------------------------------------------------- */

static doc_align cell_align(xmlNode *n)
{
    doc_align a = ALIGN_AUTO;
    xmlChar *v = xmlGetProp(n, (const xmlChar *)"align");
    if (!v) {
        /* style="text-align: center" */
        xmlChar *st = xmlGetProp(n, (const xmlChar *)"style");
        const char *p = st ? strstr((const char *)st, "text-align") : NULL;
        if (p && (p = strchr(p, ':'))) {
            p += strspn(p + 1, " \t") + 1;
            v = xmlStrndup((const xmlChar *)p, (int)strcspn(p, "; \t"));
        }
        xmlFree(st);
    }
    if (v) {
        if (xmlStrcasecmp(v, (const xmlChar *)"left") == 0)
            a = ALIGN_LEFT;
        else if (xmlStrcasecmp(v, (const xmlChar *)"center") == 0)
            a = ALIGN_CENTER;
        else if (xmlStrcasecmp(v, (const xmlChar *)"right") == 0)
            a = ALIGN_RIGHT;
        xmlFree(v);
    }
    return a;
}

/* colspan / rowspan: absent is 1; otherwise a whole number from 1 to max. */
static int span_attr(html_rd *r, xmlNode *n, const char *name, int max, int row)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v)
        return 1;
    const char *s = (const char *)v;
    s += strspn(s, " \t");
    long x = 0;
    bool ok = *s != 0;
    for (; *s >= '0' && *s <= '9'; s++)
        if ((x = x * 10 + (*s - '0')) > max) {
            ok = false;
            break;
        }
    s += strspn(s, " \t");
    if (!ok || *s || x < 1) {
        diag_error_at(r->d, r->src, r->at,
                      "table row %d: %s=\"%s\" must be a whole number from 1 to %d", row, name,
                      (const char *)v, max);
        x = 1;
    }
    xmlFree(v);
    return (int)x;
}

static doc_row *add_row(html_rd *r, doc_table *t, size_t *cap, bool header)
{
    if (t->nrows == INT_MAX || !vec_reserve((void **)&t->rows, cap, (size_t)t->nrows + 1, sizeof *t->rows)) {
        r->oom = true;
        return NULL;
    }
    doc_row *row = &t->rows[t->nrows++];
    *row = (doc_row){ .header = header };
    return row;
}

/* Reads cells from n on into a new row: the children of a <tr> (implicit false), or
 * cells found without a <tr> around them, which HTML reads as one row up to the next
 * non-cell element (implicit true). Returns the last node read. */
static xmlNode *read_row(html_rd *r, doc_table *t, size_t *cap, xmlNode *n, bool header,
                         bool implicit)
{
    doc_row *row = add_row(r, t, cap, header);
    if (!row)
        return n;
    size_t ccap = 0;
    xmlNode *last = n;
    for (; n && !r->oom; n = n->next) {
        bool th = is_el(n, "th");
        if (!th && !is_el(n, "td")) {
            if (implicit && n->type == XML_ELEMENT_NODE)
                break;
            continue;
        }
        last = n;
        if (row->ncells == INT_MAX ||
            !vec_reserve((void **)&row->cells, &ccap, (size_t)row->ncells + 1, sizeof *row->cells)) {
            r->oom = true;
            break;
        }
        doc_cell *c = &row->cells[row->ncells++];
        *c = (doc_cell){ .header = th || header, .align = cell_align(n) };
        c->colspan = span_attr(r, n, "colspan", MAX_COLS, t->nrows);
        c->rowspan = span_attr(r, n, "rowspan", 65534, t->nrows);
        node_text(r, n, &c->text);
        size_t chars = reader_text_chars(&c->text);
        if (chars > READER_MAX_CELL_CHARS)
            diag_error_at(r->d, r->src, r->at,
                          "table row %d: a cell has %zu characters; a cell holds at most %d (a "
                          "page of table text or more): move the text out of the table into "
                          "paragraphs", t->nrows, chars, READER_MAX_CELL_CHARS);
    }
    return last;
}

/* A row at n: a <tr>, or a run of cells without one. Returns the last node read. */
static xmlNode *row_at(html_rd *r, doc_table *t, size_t *cap, xmlNode *n, bool header)
{
    if (is_el(n, "tr"))
        read_row(r, t, cap, n->children, header, false);
    else if (is_el(n, "td") || is_el(n, "th"))
        n = read_row(r, t, cap, n, header, true);
    return n;
}

/* Rows of a table, section by section (<thead> rows are header rows). */
static void read_rows(html_rd *r, doc_table *t, xmlNode *table)
{
    size_t cap = 0;
    bool thead = false;
    for (xmlNode *n = table->children; n && !r->oom; n = n->next) {
        if (is_el(n, "caption") && t->caption.nin == 0) {
            node_text(r, n, &t->caption);
        } else if (is_el(n, "thead") || is_el(n, "tbody") || is_el(n, "tfoot")) {
            thead |= is_el(n, "thead");
            for (xmlNode *m = n->children; m && !r->oom; m = m->next)
                m = row_at(r, t, &cap, m, is_el(n, "thead"));
        } else {
            n = row_at(r, t, &cap, n, false);
        }
    }
    /* Without a <thead>, leading rows made only of <th> are the header. */
    for (int i = 0; !thead && i < t->nrows; i++) {
        doc_row *row = &t->rows[i];
        bool all = row->ncells > 0;
        for (int c = 0; c < row->ncells; c++)
            all &= row->cells[c].header;
        if (!all)
            break;
        row->header = true;
    }
}

/* ---- the grid ------------------------------------------------------------------ */

/* Places every cell on the grid, sets ncols (the first row's width) and reports each
 * row whose width differs, and any rowspan running past the last row. */
static void resolve_grid(html_rd *r, doc_table *t)
{
    int left[MAX_COLS] = { 0 };  /* rows still covered by a rowspan, per column */
    int from[MAX_COLS] = { 0 };  /* the row that rowspan started in */
    int span[MAX_COLS] = { 0 };
    if (t->nrows == 0) {
        diag_error_at(r->d, r->src, r->at, "the table has no rows; add <tr> rows with cells");
        return;
    }
    for (int ri = 0; ri < t->nrows; ri++) {
        doc_row *row = &t->rows[ri];
        int col = 0;
        bool wide = false;
        for (int ci = 0; ci < row->ncells && !wide; ci++) {
            doc_cell *c = &row->cells[ci];
            while (col < MAX_COLS && left[col] > 0)
                col++;
            if (col + c->colspan > MAX_COLS) {
                wide = true;
                break;
            }
            for (int k = col; k < col + c->colspan; k++) {
                if (left[k] > 0) {
                    diag_error_at(r->d, r->src, r->at,
                                  "table row %d: a cell overlaps a cell spanning down from row "
                                  "%d; check colspan/rowspan", ri + 1, from[k] + 1);
                    return;
                }
                left[k] = c->rowspan;
                from[k] = ri;
                span[k] = c->rowspan;
            }
            col += c->colspan;
        }
        if (wide) {
            diag_error_at(r->d, r->src, r->at,
                          "table row %d is more than %d columns wide; check colspan", ri + 1,
                          MAX_COLS);
            return;
        }
        int covered = 0, extent = 0;
        for (int k = 0; k < MAX_COLS; k++)
            if (left[k] > 0) {
                covered++;
                extent = k + 1;
            }
        if (ri == 0 && extent == 0) {
            diag_error_at(r->d, r->src, r->at, "table row 1 has no cells; add <td> cells");
            return;
        } else if (ri == 0) {
            t->ncols = extent;
        } else if (covered != t->ncols || extent != t->ncols) {
            diag_error_at(r->d, r->src, r->at,
                          "table row %d has %d columns, the table has %d; check colspan/rowspan",
                          ri + 1, covered != t->ncols ? covered : extent, t->ncols);
            return;
        }
        for (int k = 0; k < MAX_COLS; k++)
            if (left[k] > 0)
                left[k]--;
    }
    for (int k = 0; k < MAX_COLS; k++)
        if (left[k] > 0) {
            diag_error_at(r->d, r->src, r->at,
                          "table row %d has a cell with rowspan=\"%d\" but the table ends at "
                          "row %d; check colspan/rowspan", from[k] + 1, span[k], t->nrows);
            return;
        }
}

/* ---- scanning raw HTML ---------------------------------------------------------- */

int reader_html_table_depth(const char *s, size_t n)
{
    int depth = 0;
    for (size_t i = 0; i + 6 <= n; i++) {
        if (s[i] != '<')
            continue;
        bool close = s[i + 1] == '/';
        size_t k = i + 1 + close;
        if (k + 5 <= n && strncasecmp(s + k, "table", 5) == 0 &&
            (k + 5 == n || s[k + 5] == '>' || s[k + 5] == ' ' || s[k + 5] == '\t' ||
             s[k + 5] == '\n' || s[k + 5] == '\r' || s[k + 5] == '/'))
            depth += close ? -1 : 1;
    }
    return depth;
}

size_t reader_html_skip_blank(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
            i++;
        } else if (n - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
            size_t j = i + 4;
            while (j + 3 <= n && memcmp(s + j, "-->", 3) != 0)
                j++;
            i = j + 3 <= n ? j + 3 : n;
        } else {
            break;
        }
    }
    return i;
}

/* ---- the fragment -------------------------------------------------------------- */

/* Where a table element starts in the source: libxml2 knows its line within the
 * fragment, which starts at r->at. */
static size_t table_at(const src_file *src, size_t at, const xmlNode *table)
{
    int line, col;
    src_file_pos(src, at, &line, &col);
    long want = (long)line - 1 + (table->line > 0 ? table->line - 1 : 0);
    if (want < 0 || (size_t)want >= src->nlines)
        return at;
    size_t p = src->line_start[want];
    size_t e = (size_t)want + 1 < src->nlines ? src->line_start[want + 1] : src->len;
    if (p < at)
        p = at;
    for (size_t i = p; i + 6 <= e; i++)
        if (strncasecmp(src->text + i, "<table", 6) == 0)
            return i;
    return p;
}

static bool add_table(doc_table ***out, int *nout, doc_table *t)
{
    doc_table **n = realloc(*out, ((size_t)*nout + 1) * sizeof **out);
    if (!n)
        return false;
    *out = n;
    n[(*nout)++] = t;
    return true;
}

bool reader_html_tables(const char *html, size_t len, const src_file *src, size_t at, diag *d,
                        doc_table ***out, int *nout)
{
    *out = NULL;
    *nout = 0;
    if (len > INT_MAX) {
        diag_error_at(d, src, at, "the HTML table is larger than 2 GB; split it");
        return true;
    }
    htmlDocPtr hd = htmlReadMemory(html, (int)len, NULL, "UTF-8",
                                    HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
    if (!hd) {
        diag_error_at(d, src, at, "cannot read this HTML table; check that its tags are closed");
        return true;
    }
    html_rd r = { .src = src, .d = d, .at = at };
    /* Every <table> that is not inside another one, in document order. */
    xmlNode *n = xmlDocGetRootElement(hd);
    while (n && !r.oom) {
        if (is_el(n, "table")) {
            doc_table *t = calloc(1, sizeof *t);
            if (!t || !add_table(out, nout, t)) {
                free(t);
                r.oom = true;
                break;
            }
            r.at = table_at(src, at, n);
            read_rows(&r, t, n);
            if (!r.oom)
                resolve_grid(&r, t);
        } else if (n->type == XML_ELEMENT_NODE && n->children && !opaque(n)) {
            n = n->children;
            continue;
        }
        while (n && !n->next)
            n = n->parent && n->parent->type == XML_ELEMENT_NODE ? n->parent : NULL;
        if (n)
            n = n->next;
    }
    xmlFreeDoc(hd);
    if (r.oom)
        reader_oom(d, src);
    return !r.oom;
}
