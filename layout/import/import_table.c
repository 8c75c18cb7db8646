/* import_table — tab-separated rows as tables: header rows, spans guessed from empty
 * header cells, a title row as caption; written as a GFM pipe table when the grid is
 * regular, else as HTML. */
#include "layout/import/import_int.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *text;
    int colspan, rowspan;
    int owner;                /* index of the cell covering this one, or itself */
    bool header;
} imp_cell;

typedef struct {
    int nrows, ncols;
    imp_cell *cell;           /* nrows * ncols */
    int nhead;                /* leading header rows */
    bool spans, ragged, no_header, title_row, wrapped;
    char *caption;
} imp_table;

static imp_cell *imp_at(imp_table *t, int r, int col)
{
    return &t->cell[(size_t)r * (size_t)t->ncols + (size_t)col];
}

static bool imp_empty(imp_table *t, int r, int col)
{
    return imp_at(t, r, col)->text[0] == 0;
}

/* A row whose only text is its first cell: a title or a label spanning the table. */
static bool imp_single_row(imp_table *t, int r)
{
    if (t->ncols < 2 || imp_empty(t, r, 0))
        return false;
    for (int col = 1; col < t->ncols; col++)
        if (!imp_empty(t, r, col))
            return false;
    return true;
}

static bool imp_full_row(imp_table *t, int r)
{
    for (int col = 0; col < t->ncols; col++)
        if (imp_empty(t, r, col))
            return false;
    return true;
}

/* A cell of data rather than words: 59622.5, -60.1, 1,581, 9.7%, 09:30-10:00, —. */
static bool imp_numeric(const char *s)
{
    size_t n = strlen(s), i = 0, digits = 0;
    if (strcmp(s, "—") == 0 || strcmp(s, "-") == 0)
        return true;
    while (i < n) {
        uint32_t u = imp_next(s, n, &i);
        if (imp_is_digit(u))
            digits++;
        else if (!imp_cp_in(u, ".,:-+%−/ ()（）"))
            return false;
    }
    return digits > 0;
}

/* With no empty cell to mark the header: the first row is a header when some column has
 * words above numbers, or when every first-row cell is a short word shorter than the
 * cells below it (姓名 | 职务 above names). */
static bool imp_first_row_header(imp_table *t)
{
    if (t->nrows < 2)
        return false;
    bool shorter = true;
    for (int col = 0; col < t->ncols; col++) {
        const char *h = imp_at(t, 0, col)->text;
        int num = 0, all = 0;
        size_t sum = 0;
        for (int r = 1; r < t->nrows; r++) {
            const char *s = imp_at(t, r, col)->text;
            if (!*s)
                continue;
            all++;
            num += imp_numeric(s);
            sum += imp_vis_len(s);
        }
        if (*h && !imp_numeric(h) && all > 0 && num * 3 >= all * 2)
            return true;
        size_t hv = imp_vis_len(h);
        shorter &= *h && hv <= 6 && all > 0 && hv * (size_t)all < sum;
    }
    return shorter;
}

/* Reads the rows: cells split at tabs, trimmed; short rows padded with empty cells. */
static bool imp_table_read(imp_ctx *c, const imp_block *b, imp_table *t)
{
    t->nrows = b->last - b->first + 1;
    t->ncols = 0;
    int mincols = INT_MAX;
    for (int i = b->first; i <= b->last; i++) {
        int cols = 1;
        for (size_t k = 0; k < c->line[i].n; k++)
            cols += c->line[i].s[k] == '\t';
        if (cols > t->ncols)
            t->ncols = cols;
        if (cols < mincols)
            mincols = cols;
    }
    if (t->ncols > IMP_TABLE_COLS || (size_t)t->nrows * (size_t)t->ncols > IMP_TABLE_CELLS)
        return false;
    t->ragged = mincols != t->ncols;
    t->cell = calloc((size_t)t->nrows * (size_t)t->ncols, sizeof *t->cell);
    if (!t->cell) {
        c->oom = true;
        return false;
    }
    for (int r = 0; r < t->nrows; r++) {
        const imp_line *l = &c->line[b->first + r];
        size_t i = 0;
        for (int col = 0; col < t->ncols; col++) {
            size_t j = i;
            while (j < l->n && l->s[j] != '\t')
                j++;
            size_t a = i < l->n ? i : l->n, e = j < l->n ? j : l->n;
            while (a < e && l->s[a] == ' ')
                a++;
            while (e > a && l->s[e - 1] == ' ')
                e--;
            imp_cell *cell = imp_at(t, r, col);
            cell->text = imp_dup(c, l->s + a, e - a);
            cell->colspan = cell->rowspan = 1;
            cell->owner = r * t->ncols + col;
            if (!cell->text)
                return false;
            i = j + 1;
        }
    }
    return true;
}

static void imp_table_free(imp_table *t)
{
    if (t->cell)
        for (size_t k = 0; k < (size_t)t->nrows * (size_t)t->ncols; k++)
            free(t->cell[k].text);
    free(t->cell);
    free(t->caption);
}

/* Drops the first row, once it has become the caption. */
static void imp_table_drop_first(imp_table *t)
{
    for (int col = 0; col < t->ncols; col++)
        free(t->cell[col].text);
    memmove(t->cell, t->cell + t->ncols, (size_t)(t->nrows - 1) * (size_t)t->ncols * sizeof *t->cell);
    t->nrows--;
    for (size_t k = 0; k < (size_t)t->nrows * (size_t)t->ncols; k++)
        t->cell[k].owner = (int)k;
}

/* Header spans from empty cells: in the header rows an empty cell at the row's start
 * continues the cell above (rowspan); elsewhere it continues the cell to its left
 * (colspan) — except in the last header row, which names single columns. A row with
 * text only in its first cell spans the whole width. */
static void imp_table_spans(imp_table *t)
{
    int last_multi = -1;
    for (int r = 0; r < t->nhead; r++)
        if (!imp_single_row(t, r))
            last_multi = r;
    for (int r = 0; r < t->nhead; r++) {
        if (imp_single_row(t, r)) {
            imp_at(t, r, 0)->colspan = t->ncols;
            t->spans = true;
            for (int col = 1; col < t->ncols; col++)
                imp_at(t, r, col)->owner = r * t->ncols;
            continue;
        }
        bool leading = true;
        for (int col = 0; col < t->ncols; col++) {
            imp_cell *cell = imp_at(t, r, col);
            if (!imp_empty(t, r, col)) {
                leading = false;
                continue;
            }
            if (leading && r > 0) {
                imp_cell *up = &t->cell[imp_at(t, r - 1, col)->owner];
                int upc = imp_at(t, r - 1, col)->owner % t->ncols;
                bool below_empty = true;
                for (int k = upc; k < upc + up->colspan; k++)
                    below_empty &= imp_empty(t, r, k) && imp_at(t, r, k)->owner == r * t->ncols + k;
                bool single_above = imp_single_row(t, imp_at(t, r - 1, col)->owner / t->ncols);
                if (upc == col && below_empty && !single_above) {
                    up->rowspan++;
                    for (int k = col; k < col + up->colspan; k++)
                        imp_at(t, r, k)->owner = imp_at(t, r - 1, col)->owner;
                    t->spans = true;
                    col += up->colspan - 1;
                }
                continue;
            }
            if (!leading && r != last_multi && cell->owner == r * t->ncols + col) {
                int left = imp_at(t, r, col - 1)->owner;
                t->cell[left].colspan++;
                cell->owner = left;
                t->spans = true;
            }
        }
    }
}

/* Header rows, caption from a title row, spans. */
static void imp_table_shape(imp_table *t, bool has_caption)
{
    if (!has_caption && t->nrows >= 3 && imp_single_row(t, 0)) {
        t->caption = t->cell[0].text;
        t->cell[0].text = NULL;
        imp_table_drop_first(t);
        t->title_row = true;
    }
    t->nhead = 0;
    while (t->nhead < t->nrows && !imp_full_row(t, t->nhead))
        t->nhead++;
    if (t->nhead == t->nrows)
        t->nhead = 0;
    if (t->nhead == 0)
        t->nhead = imp_first_row_header(t) ? 1 : 0;
    t->no_header = t->nhead == 0;
    imp_table_spans(t);
    for (int r = 0; r < t->nhead; r++)
        for (int col = 0; col < t->ncols; col++) {
            imp_cell *cell = imp_at(t, r, col);
            cell->header = true;
            /* a header cell set on two lines: 完成进度 排位 */
            t->wrapped |= imp_drop_han_spaces(cell->text);
        }
}

static bool imp_table_gfm(imp_table *t)
{
    if (t->nhead != 1 || t->spans || t->ragged)
        return false;
    for (int col = 0; col < t->ncols; col++)
        if (imp_empty(t, 0, col))
            return false;
    return true;
}

static void imp_gfm_cell(strbuf *o, const char *s)
{
    for (; *s; s++) {
        if (*s == '|')
            strbuf_chr(o, '\\');
        strbuf_chr(o, *s);
    }
}

static void imp_html_text(strbuf *o, const char *s)
{
    static const char *const keep[] = { "<sub>", "</sub>", "<sup>", "</sup>" };
    while (*s) {
        bool kept = false;
        for (size_t k = 0; k < 4 && !kept; k++)
            if (strncmp(s, keep[k], strlen(keep[k])) == 0) {
                strbuf_str(o, keep[k]);
                s += strlen(keep[k]);
                kept = true;
            }
        if (kept)
            continue;
        if (*s == '&')
            strbuf_str(o, "&amp;");
        else if (*s == '<')
            strbuf_str(o, "&lt;");
        else if (*s == '>')
            strbuf_str(o, "&gt;");
        else
            strbuf_chr(o, *s);
        s++;
    }
}

static void imp_render_gfm(imp_table *t, strbuf *o)
{
    if (t->caption) {
        if (strncmp(t->caption, "表", strlen("表")) != 0)
            strbuf_str(o, "表：");
        strbuf_str(o, t->caption);
        strbuf_str(o, "\n\n");
    }
    for (int r = 0; r < t->nrows; r++) {
        strbuf_chr(o, '|');
        for (int col = 0; col < t->ncols; col++) {
            strbuf_chr(o, ' ');
            imp_gfm_cell(o, imp_at(t, r, col)->text);
            strbuf_str(o, imp_empty(t, r, col) ? "|" : " |");
        }
        if (r == 0) {
            strbuf_str(o, "\n|");
            for (int col = 0; col < t->ncols; col++)
                strbuf_str(o, " --- |");
        }
        if (r + 1 < t->nrows)
            strbuf_chr(o, '\n');
    }
}

static void imp_render_html(imp_table *t, strbuf *o)
{
    strbuf_str(o, "<table>\n");
    if (t->caption) {
        strbuf_str(o, "<caption>");
        imp_html_text(o, t->caption);
        strbuf_str(o, "</caption>\n");
    }
    for (int r = 0; r < t->nrows; r++) {
        if (r == 0 && t->nhead > 0)
            strbuf_str(o, "<thead>\n");
        if (r == t->nhead)
            strbuf_str(o, "<tbody>\n");
        strbuf_str(o, "<tr>");
        for (int col = 0; col < t->ncols; col++) {
            imp_cell *cell = imp_at(t, r, col);
            if (cell->owner != r * t->ncols + col)
                continue;
            const char *tag = cell->header ? "th" : "td";
            char attr[64] = "";
            if (cell->colspan > 1)
                snprintf(attr, sizeof attr, " colspan=\"%d\"", cell->colspan);
            if (cell->rowspan > 1)
                snprintf(attr + strlen(attr), sizeof attr - strlen(attr), " rowspan=\"%d\"", cell->rowspan);
            strbuf_str(o, "<");
            strbuf_str(o, tag);
            strbuf_str(o, attr);
            strbuf_str(o, ">");
            imp_html_text(o, cell->text);
            strbuf_str(o, "</");
            strbuf_str(o, tag);
            strbuf_str(o, ">");
        }
        strbuf_str(o, "</tr>\n");
        if (r + 1 == t->nhead)
            strbuf_str(o, "</thead>\n");
    }
    if (t->nrows > t->nhead)
        strbuf_str(o, "</tbody>\n");
    strbuf_str(o, "</table>");
}

static void imp_table_warn(imp_ctx *c, const imp_table *t, int line, bool gfm)
{
    if (t->spans)
        imp_check(c, line, "table: merged header cells guessed from its empty cells (rowspan/colspan); check the header");
    if (t->no_header)
        imp_check(c, line, "table: no header row found (the first row reads as data); written without header cells");
    if (t->ragged)
        imp_check(c, line, "table: rows have different numbers of cells; short rows padded with empty cells");
    if (t->title_row)
        imp_notice(c, line, "table: its title row taken as the caption");
    if (t->wrapped)
        imp_notice(c, line, "table: a space between Han characters in a header cell dropped (a cell on two lines)");
    if (!gfm && !t->spans && !t->no_header && !t->ragged)
        imp_notice(c, line, "table: header row has empty cells; written as HTML");
}

void imp_table_block(imp_ctx *c, imp_block *b)
{
    imp_table t = { 0 };
    int line = imp_no(c, b);
    if (!imp_table_read(c, b, &t)) {
        imp_table_free(&t);
        if (c->oom)
            return;
        imp_check(c, line, "tab-separated lines too wide for a table; each written as a paragraph");
        strbuf o = { 0 };
        for (int i = b->first; i <= b->last; i++) {
            if (o.n)
                strbuf_str(&o, "\n\n");
            for (size_t k = 0; k < c->line[i].n; k++)
                strbuf_chr(&o, c->line[i].s[k] == '\t' ? ' ' : c->line[i].s[k]);
        }
        b->text = imp_take(c, &o);
        b->role = R_RAW;
        return;
    }
    t.caption = b->caption;
    b->caption = NULL;
    imp_table_shape(&t, t.caption != NULL);
    bool gfm = imp_table_gfm(&t);
    strbuf o = { 0 };
    if (gfm)
        imp_render_gfm(&t, &o);
    else
        imp_render_html(&t, &o);
    imp_table_warn(c, &t, line, gfm);
    free(b->text);
    b->text = imp_take(c, &o);
    b->role = R_RAW;
    imp_table_free(&t);
}
