/* table — a doc_table laid out as a splittable box.
 *
 * Column widths follow CSS automatic table layout: each column has a minimum (its
 * widest unbreakable piece, found by composing the cell with the clreq composer) and a
 * preferred width (the cell on one line); spanning cells spread what they need over
 * their columns. One step is added between the two, because header cells wrap before
 * body cells do: the "header on two lines" width, where headers take the narrowest
 * measure that still sets them in two lines. The table always fills its measure:
 * widths are interpolated between the two levels the measure falls between (and the
 * spare room shared in proportion when everything fits on one line). A table whose
 * minimum widths do not fit the column becomes a band across the text area (span); so
 * does one that fits but whose body rows the column would make much taller (1.2×)
 * than the full width would. Still too wide, it shrinks its type in half points down
 * to the style's minimum, and is reported when even that does not fit.
 *
 * Box rows are bands of table rows: rows joined by a rowspan cannot be separated, so
 * they form one band. With a caption, box row 0 is the caption; the header bands
 * (leading rows marked header, grown to cover their rowspans) follow and are repeated
 * by the flow after a break. A body band too tall for a column is cut into pieces
 * between lines of its cells (its cells then set from the top, so that each piece
 * holds the lines beside each other); each piece is a box row, so the flow breaks it
 * like any other. A table that fits a column is never split, and the flow's two body
 * rows on each side of a break count pieces: across a split row that is two lines on
 * each side, not two rows (the one exception). */
#include "layout/blocks/table.h"

#include "layout/blocks/boxtext.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TABLE_MAX_COLS 64
#define RULE_THICK 1.0f
#define RULE_THIN 0.5f

typedef struct {
    int r, c, rs, cs;
    const doc_cell *dc;       /* NULL: a grid position no source cell covers */
    bool header;
    bool numeric;             /* a body cell holding a number */
    bool decimal;             /* aligned on the decimal point with its column */
    style_align al;
    box_text text;
    /* A header ending in a bracketed unit, "总量 (万美元)", breaks before the unit
     * when it needs two lines: then main and unit are set as lines of their own. */
    bool has_unit;
    bool split;               /* set as main + unit (decided by the final width) */
    box_text main, unit;
    char *main_s, *unit_s;
    float cmin, cpref;        /* content widths at the nominal size */
    float ctwo;               /* header: narrowest width in two lines; else cpref */
    float frac;               /* decimal cells: from the alignment point to the end */
    int elem;                 /* structure: its TH or TD */
} tcell;

typedef struct {
    int nrows, ncols;
    tcell *cells;
    int ncells;
    float *colw, *colx;       /* colx[ncols + 1] */
    float *colfrac;           /* widest fraction part of a decimal column */
    float *colint;            /* widest integer part of a decimal column */
    float *rowh, *rowy;       /* rowy[nrows + 1], from the table top */
    int nhead;                /* table rows in the repeated header */
    int nbands;
    int *band0;               /* band k holds table rows [band0[k], band0[k + 1]) */
    int *rband;               /* the band of each table row */
    /* Pieces: the box rows after the caption. A band is one piece, or several when it
     * is split; piece p spans table y [py[p], py[p + 1]). */
    int npieces;
    float *py;                /* npieces + 1 values, from the table top */
    int *pband;               /* the band of each piece */
    int *bpiece;              /* band k is pieces [bpiece[k], bpiece[k + 1]) */
    bool *bsplit;             /* bands cut into pieces */
    bool has_caption;
    box_text caption;
    float caption_h;          /* caption text plus the gap below it */
    style_text body, head;
    float pad, vpad;
    float w;
    style_table_rules rules;
    dl_color rule_color;
    int caption_elem;         /* structure: the Caption */
    bool *drawn;              /* pieces drawn once: drawn again, they are a repeated header */
} table_layout;

static void cell_free_text(tcell *c)
{
    box_text_free(&c->text);
    if (c->has_unit) {
        box_text_free(&c->main);
        box_text_free(&c->unit);
    }
    free(c->main_s);
    free(c->unit_s);
    c->main_s = c->unit_s = NULL;
    c->has_unit = c->split = false;
}

static void layout_free(table_layout *tl)
{
    if (!tl)
        return;
    for (int i = 0; i < tl->ncells; i++)
        cell_free_text(&tl->cells[i]);
    free(tl->cells);
    free(tl->colw);
    free(tl->colx);
    free(tl->colfrac);
    free(tl->colint);
    free(tl->rowh);
    free(tl->rowy);
    free(tl->band0);
    free(tl->rband);
    free(tl->py);
    free(tl->pband);
    free(tl->bpiece);
    free(tl->bsplit);
    free(tl->drawn);
    if (tl->has_caption)
        box_text_free(&tl->caption);
    free(tl);
}

/* ---- the grid ---- */

/* Places the source cells on the grid, resolving spans; positions nobody covers get
 * an empty cell so every position belongs to exactly one cell. */
static int build_grid(table_layout *tl, const doc_table *dt, typeset_ctx *t, size_t src)
{
    int nr = dt->nrows;
    int *at = malloc((size_t)nr * TABLE_MAX_COLS * sizeof *at);
    size_t total = 0;
    for (int r = 0; r < nr; r++)
        total += dt->rows[r].ncells > 0 && dt->rows[r].cells ? (size_t)dt->rows[r].ncells : 0;
    tl->cells = calloc(total ? total : 1, sizeof *tl->cells);
    if (!at || !tl->cells) {
        free(at);
        box_error(t, src, "out of memory laying out a table");
        return -1;
    }
    for (int i = 0; i < nr * TABLE_MAX_COLS; i++)
        at[i] = -1;
    int ncols = 0;
    for (int r = 0; r < nr; r++) {
        const doc_row *row = &dt->rows[r];
        int c = 0;
        for (int k = 0; row->cells && k < row->ncells; k++) {
            const doc_cell *dc = &row->cells[k];
            while (c < TABLE_MAX_COLS && at[r * TABLE_MAX_COLS + c] >= 0)
                c++;
            if (c >= TABLE_MAX_COLS) {
                free(at);
                box_error(t, src, "this table has more than %d columns; split it",
                          TABLE_MAX_COLS);
                return -1;
            }
            int cs = dc->colspan < 1 ? 1 : dc->colspan > TABLE_MAX_COLS ? TABLE_MAX_COLS
                                                                          : dc->colspan;
            int rs = dc->rowspan < 1 ? 1 : dc->rowspan > nr - r ? nr - r : dc->rowspan;
            if (c + cs > TABLE_MAX_COLS) {
                free(at);
                box_error(t, src, "this table has more than %d columns; split it",
                          TABLE_MAX_COLS);
                return -1;
            }
            /* A span running into a cell spanned from above stops short of it. */
            for (int j = 1; j < cs; j++)
                if (at[r * TABLE_MAX_COLS + c + j] >= 0) {
                    cs = j;
                    break;
                }
            for (int i = 1; i < rs; i++)
                for (int j = 0; j < cs; j++)
                    if (at[(r + i) * TABLE_MAX_COLS + c + j] >= 0 && rs > i)
                        rs = i;
            int id = tl->ncells++;
            tcell *cell = &tl->cells[id];
            cell->r = r, cell->c = c, cell->rs = rs, cell->cs = cs;
            cell->dc = dc;
            cell->header = dc->header || row->header;
            for (int i = 0; i < rs; i++)
                for (int j = 0; j < cs; j++)
                    at[(r + i) * TABLE_MAX_COLS + c + j] = id;
            c += cs;
            if (c > ncols)
                ncols = c;
        }
    }
    size_t holes = 0;
    for (int r = 0; r < nr; r++)
        for (int c = 0; c < ncols; c++)
            holes += at[r * TABLE_MAX_COLS + c] < 0;
    if (holes) {
        tcell *more = realloc(tl->cells, ((size_t)tl->ncells + holes) * sizeof *more);
        if (!more) {
            free(at);
            box_error(t, src, "out of memory laying out a table");
            return -1;
        }
        tl->cells = more;
        memset(more + tl->ncells, 0, holes * sizeof *more);
    }
    for (int r = 0; r < nr; r++)
        for (int c = 0; c < ncols; c++)
            if (at[r * TABLE_MAX_COLS + c] < 0) {
                tcell *cell = &tl->cells[tl->ncells++];
                cell->r = r, cell->c = c, cell->rs = 1, cell->cs = 1;
                cell->header = dt->rows[r].header;
            }
    free(at);
    tl->nrows = nr;
    tl->ncols = ncols;
    if (ncols == 0) {
        box_error(t, src, "this table has no cells");
        return -1;
    }
    return 0;
}

/* Header rows: the leading rows marked header, grown to cover their rowspans; bands:
 * runs of rows tied together by rowspans. */
static int find_bands(table_layout *tl)
{
    int nh = 0;
    while (nh < tl->nrows) {
        bool head = false;
        for (int i = 0; i < tl->ncells; i++)
            if (tl->cells[i].r == nh && tl->cells[i].dc && tl->cells[i].header)
                head = true;
        bool any_body = false;
        for (int i = 0; i < tl->ncells; i++)
            if (tl->cells[i].r == nh && tl->cells[i].dc && !tl->cells[i].header)
                any_body = true;
        if (!head || any_body)
            break;
        nh++;
    }
    for (bool grew = true; grew;) {
        grew = false;
        for (int i = 0; i < tl->ncells; i++) {
            const tcell *c = &tl->cells[i];
            if (c->r < nh && c->r + c->rs > nh) {
                nh = c->r + c->rs;
                grew = true;
            }
        }
    }
    tl->nhead = nh;
    tl->band0 = malloc((size_t)(tl->nrows + 1) * sizeof *tl->band0);
    if (!tl->band0)
        return -1;
    int *end = malloc((size_t)tl->nrows * sizeof *end);
    if (!end)
        return -1;
    for (int r = 0; r < tl->nrows; r++)
        end[r] = r + 1;
    for (int i = 0; i < tl->ncells; i++) {
        const tcell *c = &tl->cells[i];
        if (c->r + c->rs > end[c->r])
            end[c->r] = c->r + c->rs;
    }
    tl->nbands = 0;
    int r = 0;
    while (r < tl->nrows) {
        tl->band0[tl->nbands++] = r;
        int e = end[r];
        for (int q = r; q < e; q++)
            if (end[q] > e)
                e = end[q];
        /* The header ends a band of its own (it is repeated alone). */
        if (r < nh && e > nh)
            e = nh;
        r = e;
    }
    tl->band0[tl->nbands] = tl->nrows;
    free(end);
    tl->rband = malloc((size_t)tl->nrows * sizeof *tl->rband);
    if (!tl->rband)
        return -1;
    for (int k = 0; k < tl->nbands; k++)
        for (int q = tl->band0[k]; q < tl->band0[k + 1]; q++)
            tl->rband[q] = k;
    return 0;
}

/* ---- numbers ---- */

static void cell_plain(const doc_cell *dc, char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = 0;
    for (int i = 0; dc && i < dc->text.nin; i++) {
        const char *s = dc->text.in[i].text;
        for (; s && *s && n + 1 < len; s++)
            buf[n++] = *s;
    }
    buf[n] = 0;
}

/* A number as statistical tables print them: digits with signs, thousands commas, a
 * decimal point, a percent sign; or a dash standing for "no data". Returns 1 for a
 * number, 2 for a lone dash, 0 otherwise (also for empty text). */
static int numeric_kind(const char *s)
{
    bool digit = false, dash = false, other = false;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        if (*p >= '0' && *p <= '9')
            digit = true;
        else if (*p == '+' || *p == ',' || *p == '.' || *p == '%' || *p == ' ')
            ;
        else if (*p == '-')
            dash = true;
        else if (p[0] == 0xE2 && p[1] == 0x88 && p[2] == 0x92)      /* − minus */
            p += 2, dash = true;
        else if (p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0x94 || p[2] == 0x93)) /* — – */
            p += 2, dash = true;
        else if (p[0] == 0xC2 && p[1] == 0xB1)                      /* ± */
            p += 1;
        else if (p[0] == 0xE2 && p[1] == 0x80 && p[2] == 0xB0)      /* ‰ */
            p += 2;
        else
            other = true;
        if (!*p)
            break;
        p++;
    }
    if (other)
        return 0;
    return digit ? 1 : dash ? 2 : 0;
}

/* A column is numeric when its body cells (one column wide) are all numbers or
 * dashes, at least one of them a number. */
static void mark_numeric(table_layout *tl, bool *col_num)
{
    char buf[256];
    int *nums = calloc((size_t)tl->ncols, sizeof *nums);
    bool *bad = calloc((size_t)tl->ncols, sizeof *bad);
    if (!nums || !bad) {
        free(nums);
        free(bad);
        return;
    }
    for (int i = 0; i < tl->ncells; i++) {
        tcell *c = &tl->cells[i];
        if (c->header || !c->dc)
            continue;
        cell_plain(c->dc, buf, sizeof buf);
        int k = numeric_kind(buf);
        c->numeric = k != 0;
        if (c->cs != 1)
            continue;
        bool empty = true;
        for (const char *s = buf; *s; s++)
            if (*s != ' ')
                empty = false;
        if (k == 1)
            nums[c->c]++;
        else if (k == 0 && !empty)
            bad[c->c] = true;
    }
    for (int c = 0; c < tl->ncols; c++)
        col_num[c] = nums[c] > 0 && !bad[c];
    free(nums);
    free(bad);
}

/* Width from the alignment point (the decimal point, else the end of the last digit)
 * to the end of the composed first line. */
static float decimal_frac(const box_text *bt)
{
    if (bt->r.n < 1)
        return 0;
    const compose_line *ln = &bt->r.lines[0];
    const para *p = bt->p;
    float end = ln->x0 + ln->width, point = -1;
    for (uint32_t i = ln->u0; i < ln->u1; i++) {
        const para_unit *u = &p->u[i];
        if (u->line < 0)
            continue;
        if (u->cp == '.') {
            point = u->x;
            break;
        }
        if (u->cp >= '0' && u->cp <= '9')
            point = u->x + u->w - u->cl - u->cr;
    }
    return point < 0 ? 0 : end - point;
}

/* ---- cells ---- */

/* Figures in a column of numbers are set tabular, as statistical tables need: the
 * text faces have proportional digits (Noto Serif CJK's "1" is narrower, and it has
 * no tnum feature), so each digit gets the widest digit's advance, its glyph centred
 * in it. */
static void tabular_digits(para *p)
{
    for (size_t i = 0; i < p->nu; i++) {
        para_unit *u = &p->u[i];
        if (u->cp < '0' || u->cp > '9' || para_unit_g1(p, i) != u->g0 + 1)
            continue;
        para_glyph *g = &p->g[u->g0];
        float size = p->spans[u->span].size;
        int32_t widest = 0;
        for (uint32_t cp = '0'; cp <= '9'; cp++) {
            uint32_t gid = font_glyph(para_glyph_font(p, g), cp);
            int32_t a = gid ? font_advance(para_glyph_font(p, g), gid) : 0;
            if (a > widest)
                widest = a;
        }
        float more = (float)widest * size / (float)font_upem(para_glyph_font(p, g)) - u->w;
        if (more <= 0)
            continue;
        g->dx += more / 2;
        g->adv += more;
        u->w += more;
        p->cache = NULL;     /* no longer the paragraph as shaped: compose it afresh */
    }
}

static style_align cell_align(const tcell *c, bool col_num)
{
    if (c->dc && c->dc->align == ALIGN_LEFT)
        return AL_LEFT;
    if (c->dc && c->dc->align == ALIGN_CENTER)
        return AL_CENTER;
    if (c->dc && c->dc->align == ALIGN_RIGHT)
        return AL_RIGHT;
    if (c->header)
        return AL_CENTER;
    if (c->numeric && (col_num || c->cs > 1))
        return AL_RIGHT;
    /* Text flush left: justifying a short label over two narrow lines would spread
     * it letter by letter. */
    return AL_LEFT;
}

/* The narrowest measure in [lo, hi] at which the text takes at most two lines. */
static float two_line_width(box_text *bt, typeset_ctx *t, float lo, float hi)
{
    if (hi <= lo)
        return hi;
    if (box_text_compose(bt, t, lo, true) == 0 && bt->r.n <= 2)
        return lo;
    for (int i = 0; i < 14 && hi - lo > 0.02f; i++) {
        float mid = (lo + hi) / 2;
        if (box_text_compose(bt, t, mid, true) == 0 && bt->r.n <= 2)
            hi = mid;
        else
            lo = mid;
    }
    return hi + 0.01f;
}

/* Byte offset of the bracketed unit that ends s ("… (亿元)", "…（%）"), with text
 * before it; 0 when there is none. *main_end: end of the text before it, spaces
 * trimmed. */
static size_t unit_at(const char *s, size_t *main_end)
{
    size_t n = strlen(s), open = 0;
    bool ascii = n >= 1 && s[n - 1] == ')';
    bool wide = n >= 3 && memcmp(s + n - 3, "\xEF\xBC\x89", 3) == 0;   /* ） */
    if (!ascii && !wide)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((ascii && s[i] == '(') || (wide && i + 3 <= n && memcmp(s + i, "\xEF\xBC\x88", 3) == 0))
            open = i;                 /* the last opening bracket of the kind */
    size_t e = open;
    while (e > 0 && s[e - 1] == ' ')
        e--;
    while (e >= 3 && memcmp(s + e - 3, "\xE3\x80\x80", 3) == 0)   /* ideographic space */
        e -= 3;
    *main_end = e;
    return e > 0 ? open : 0;
}

/* Prepares the main and unit parts of a header cell of one plain inline. */
static int split_unit(tcell *c, typeset_ctx *t, const style_text *ts)
{
    if (!c->header || !c->dc || c->dc->text.nin != 1 || c->dc->text.in[0].flags)
        return 0;
    const doc_inline *in = &c->dc->text.in[0];
    size_t me = 0, ua = in->text ? unit_at(in->text, &me) : 0;
    if (!ua)
        return 0;
    c->main_s = strndup(in->text, me);
    c->unit_s = strdup(in->text + ua);
    if (!c->main_s || !c->unit_s)
        return -1;
    doc_inline mi = { c->main_s, 0, NULL, in->src, in->src_verbatim };
    doc_inline ui = { c->unit_s, 0, NULL, in->src_verbatim ? in->src + ua : in->src,
                      in->src_verbatim };
    doc_text mt = { &mi, 1 }, ut = { &ui, 1 };
    c->has_unit = true;
    if (box_text_init(&c->main, t, &mt, NULL, ts) || box_text_init(&c->unit, t, &ut, NULL, ts))
        return -1;
    return 0;
}

/* Shapes every cell at the current sizes and measures it. */
static int shape_cells(table_layout *tl, typeset_ctx *t, const bool *col_num)
{
    static const doc_text empty = { NULL, 0 };
    for (int i = 0; i < tl->ncells; i++) {
        tcell *c = &tl->cells[i];
        cell_free_text(c);
        c->al = cell_align(c, col_num[c->c]);
        c->decimal = c->al == AL_RIGHT && c->cs == 1 && col_num[c->c] && c->numeric &&
                     !(c->dc && c->dc->align == ALIGN_RIGHT);
        style_text ts = c->header ? tl->head : tl->body;
        ts.align = c->al == AL_JUSTIFY ? AL_JUSTIFY : AL_LEFT;
        if (box_text_init(&c->text, t, c->dc ? &c->dc->text : &empty, NULL, &ts))
            return -1;
        if (c->numeric && !c->header)
            tabular_digits(c->text.p);
        c->cpref = box_text_pref(&c->text, t);
        c->frac = 0;
        if (c->decimal) {
            /* Numbers never break (CL-LB-10): one line, measured where it sits. */
            if (box_text_compose(&c->text, t, 1e6f, true))
                return -1;
            c->frac = decimal_frac(&c->text);
            c->cmin = c->cpref;
        } else {
            c->cmin = box_text_min(&c->text, t);
        }
        c->ctwo = c->header ? two_line_width(&c->text, t, c->cmin, c->cpref) : c->cpref;
        if (split_unit(c, t, &ts))
            return -1;
        if (c->has_unit) {
            float mn = box_text_min(&c->main, t), un = box_text_min(&c->unit, t);
            float mp = box_text_pref(&c->main, t), up = box_text_pref(&c->unit, t);
            c->cmin = mn > un ? mn : un;
            c->ctwo = mp > up ? mp : up;
            if (c->ctwo > c->cpref)
                c->ctwo = c->cpref;
        }
    }
    return 0;
}

/* Composes a cell to its inner width; a header with a unit that does not fit on one
 * line is set as its main text and its unit on lines of their own. */
static int compose_cell(tcell *c, typeset_ctx *t, float inner, bool quiet)
{
    c->split = c->has_unit && inner + 0.005f < c->cpref;
    if (!c->split)
        return box_text_compose(&c->text, t, inner, quiet);
    if (box_text_compose(&c->main, t, inner, quiet) || box_text_compose(&c->unit, t, inner, quiet))
        return -1;
    return 0;
}

static float cell_text_h(const tcell *c)
{
    return c->split ? box_text_h(&c->main) + box_text_h(&c->unit) : box_text_h(&c->text);
}

/* Per-column widths at the three levels (minimum, headers on two lines, everything
 * on one line) at scale k of the content (the type size relative to the nominal
 * one), padding included. lv[0..2] each hold ncols floats. */
static int column_needs(const table_layout *tl, float k, float *lv[3])
{
    int nc = tl->ncols;
    float *fr = calloc((size_t)nc, sizeof *fr), *in = calloc((size_t)nc, sizeof *in);
    if (!fr || !in) {
        free(fr);
        free(in);
        return -1;
    }
    for (int q = 0; q < 3; q++)
        for (int c = 0; c < nc; c++)
            lv[q][c] = 2 * tl->pad;
    for (int i = 0; i < tl->ncells; i++) {
        const tcell *c = &tl->cells[i];
        float want[3] = { c->cmin, c->ctwo, c->cpref };
        for (int q = 0; q < 3; q++) {
            float v = want[q] * k + 2 * tl->pad;
            if (c->cs == 1 && v > lv[q][c->c])
                lv[q][c->c] = v;
        }
        if (c->cs == 1 && c->decimal) {
            if (c->frac * k > fr[c->c])
                fr[c->c] = c->frac * k;
            if ((c->cpref - c->frac) * k > in[c->c])
                in[c->c] = (c->cpref - c->frac) * k;
        }
    }
    /* Decimal alignment needs the widest integer part plus the widest fraction. */
    for (int c = 0; c < nc; c++) {
        float need = fr[c] + in[c] + 2 * tl->pad;
        for (int q = 0; q < 3; q++)
            if (need > lv[q][c])
                lv[q][c] = need;
    }
    free(fr);
    free(in);
    /* Spanning cells, narrowest spans first, spread any shortfall over their columns
     * in proportion to what those columns already have. */
    for (int span = 2; span <= nc; span++)
        for (int i = 0; i < tl->ncells; i++) {
            const tcell *c = &tl->cells[i];
            if (c->cs != span)
                continue;
            float want[3] = { c->cmin, c->ctwo, c->cpref };
            for (int q = 0; q < 3; q++) {
                float have = 0;
                for (int j = c->c; j < c->c + c->cs; j++)
                    have += lv[q][j];
                float more = want[q] * k + 2 * tl->pad - have;
                if (more <= 0)
                    continue;
                for (int j = c->c; j < c->c + c->cs; j++)
                    lv[q][j] += have > 0 ? more * lv[q][j] / have : more / (float)c->cs;
            }
        }
    for (int c = 0; c < nc; c++) {
        if (lv[1][c] < lv[0][c])
            lv[1][c] = lv[0][c];
        if (lv[2][c] < lv[1][c])
            lv[2][c] = lv[1][c];
    }
    return 0;
}

/* Column widths for measure m; false when even the minimum widths do not fit (then
 * the minimum widths are squeezed to the measure). */
static bool column_widths(const table_layout *tl, float k, float m, float *colw)
{
    int nc = tl->ncols;
    float *buf = malloc(3 * (size_t)nc * sizeof *buf);
    float *lv[3] = { buf, buf + nc, buf + 2 * nc };
    if (!buf || column_needs(tl, k, lv)) {
        free(buf);
        for (int c = 0; c < nc; c++)
            colw[c] = m / (float)nc;
        return false;
    }
    double sum[3] = { 0, 0, 0 };
    for (int q = 0; q < 3; q++)
        for (int c = 0; c < nc; c++)
            sum[q] += lv[q][c];
    bool fit = sum[0] <= m;
    for (int c = 0; c < nc; c++) {
        if (sum[2] <= 0)
            colw[c] = m / (float)nc;        /* nothing in it at all */
        else if (sum[2] <= m)
            colw[c] = lv[2][c] + (float)((m - sum[2]) * lv[2][c] / sum[2]);
        else if (sum[1] <= m)
            colw[c] = lv[1][c] + (float)((lv[2][c] - lv[1][c]) * (m - sum[1]) / (sum[2] - sum[1]));
        else if (fit)
            colw[c] = lv[0][c] + (float)((lv[1][c] - lv[0][c]) * (m - sum[0]) / (sum[1] - sum[0]));
        else
            colw[c] = (float)(lv[0][c] * m / sum[0]);
    }
    free(buf);
    return fit;
}

static float span_w(const float *colw, const tcell *c)
{
    float w = 0;
    for (int j = c->c; j < c->c + c->cs; j++)
        w += colw[j];
    return w;
}

/* Composes every cell for the widths colw; returns the height of the body rows (after
 * the header), or -1. quiet: a trial layout (nothing reported, row heights kept
 * only when not quiet). */
static float compose_cells(table_layout *tl, typeset_ctx *t, const float *colw, bool quiet)
{
    float *rowh = calloc((size_t)tl->nrows, sizeof *rowh);
    if (!rowh)
        return -1;
    float h = 0;
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < tl->ncells; i++) {
            tcell *c = &tl->cells[i];
            if ((pass == 0) != (c->rs == 1))
                continue;
            float inner = span_w(colw, c) - 2 * tl->pad;
            if (compose_cell(c, t, inner > 0.01f ? inner : 0.01f, quiet)) {
                free(rowh);
                return -1;
            }
            if (c->decimal)
                c->frac = decimal_frac(&c->text);
            float need = cell_text_h(c) + 2 * tl->vpad;
            /* A rowspan cell makes its last row tall enough. */
            float have = 0;
            for (int r = c->r; r < c->r + c->rs - 1; r++)
                have += rowh[r];
            float *last = &rowh[c->r + c->rs - 1];
            if (need - have > *last)
                *last = need - have;
        }
    for (int r = tl->nhead; r < tl->nrows; r++)
        h += rowh[r];
    if (!quiet) {
        free(tl->rowh);
        tl->rowh = rowh;
    } else {
        free(rowh);
    }
    return h;
}

static int set_sizes(table_layout *tl, const style *st, float size)
{
    tl->body = box_style_at(&st->table, size);
    tl->head = box_style_at(&st->table_head, st->table.size > 0
                                                 ? st->table_head.size * size / st->table.size
                                                 : size);
    return 0;
}

/* Chooses measure and type size; leaves the widths in tl->colw. */
static int choose_layout(table_layout *tl, typeset_ctx *t, const doc_block *b, const bool *col_num,
                         float col_w, float full_w, bool *span)
{
    const style *st = t->st;
    float size0 = st->table.size;
    *span = false;
    if (column_widths(tl, 1, col_w, tl->colw)) {
        if (full_w <= col_w + 0.5f)
            return 0;
        /* It fits the column, but if the column makes its body rows wrap much more
         * than the full width would, a band across the page reads better. */
        float *fw = malloc((size_t)tl->ncols * sizeof *fw);
        if (!fw)
            return -1;
        column_widths(tl, 1, full_w, fw);
        float h_col = compose_cells(tl, t, tl->colw, true);
        float h_full = compose_cells(tl, t, fw, true);
        if (h_col > 1.2f * h_full && h_full > 0) {
            memcpy(tl->colw, fw, (size_t)tl->ncols * sizeof *fw);
            *span = true;
        }
        free(fw);
        return 0;
    }
    if (full_w > col_w + 0.5f) {
        *span = true;
        if (column_widths(tl, 1, full_w, tl->colw))
            return 0;
    }
    float m = *span ? full_w : col_w;
    float minsz = st->table_min_size > 0 && st->table_min_size < size0 ? st->table_min_size
                                                                       : size0;
    float size = size0;
    bool fit = false;
    /* Glyph advances scale with the size, so the trial needs no reshaping. */
    for (float s = size0 - 0.5f; s >= minsz - 1e-3f && !fit; s -= 0.5f) {
        size = s;
        fit = column_widths(tl, s / size0, m, tl->colw);
    }
    if (!fit && size != minsz) {
        size = minsz;
        fit = column_widths(tl, minsz / size0, m, tl->colw);
    }
    if (size != size0) {
        set_sizes(tl, st, size);
        if (shape_cells(tl, t, col_num))
            return -1;
        fit = column_widths(tl, 1, m, tl->colw);
    }
    if (!fit)
        box_warn(t, b->src,
                 "this table is too wide for the page even at %.1f pt (%d columns); its cells "
                 "break where they should not. Shorten the widest cells, or split the table",
                 (double)size, tl->ncols);
    return 0;
}

/* ---- drawing ---- */

static void rule(dl_doc *d, int page, const table_layout *tl, float x0, float y0, float x1,
                 float y1, float w)
{
    dl_rule_add(d, page, x0, y0, x1, y1, w, tl->rule_color);
}

/* The lines of bt, its top at table y `top`, whose middles lie in [lo, hi): [*l0, *l1).
 * A split row is cut only between lines, so each line falls in one piece. */
static void lines_in(const box_text *bt, float top, float lo, float hi, int *l0, int *l1)
{
    int n = bt->r.n;
    if (!(bt->lead > 0)) {
        *l0 = 0;
        *l1 = top >= lo && top < hi ? n : 0;
        return;
    }
    float a = ceilf((lo - top) / bt->lead - 0.5f), b = ceilf((hi - top) / bt->lead - 0.5f);
    *l0 = a < 0 ? 0 : a > (float)n ? n : (int)a;
    *l1 = b < (float)*l0 ? *l0 : b > (float)n ? n : (int)b;
}

/* Draws cell c of a table whose top is at y. part: NULL for the whole cell, its text
 * centred in its rows; else the table y range [part[0], part[1]) of a piece of a split
 * row, whose cells are set from the top: the lines that fall in it. */
static int draw_cell(const table_layout *tl, const tcell *c, dl_doc *d, int page, float x,
                     float y, const float *part)
{
    float cx = x + tl->colx[c->c] + tl->pad;
    float cw = tl->colx[c->c + c->cs] - tl->colx[c->c] - 2 * tl->pad;
    float top = y + tl->rowy[c->r] + tl->vpad;
    float avail = tl->rowy[c->r + c->rs] - tl->rowy[c->r] - 2 * tl->vpad;
    float ty = part ? top : top + (avail - cell_text_h(c)) / 2;
    float lo = part ? part[0] - tl->rowy[c->r] - tl->vpad : -INFINITY;  /* from the text top */
    float hi = part ? part[1] - tl->rowy[c->r] - tl->vpad : INFINITY;
    int l0, l1;
    if (c->split) {
        float uh = box_text_h(&c->main);
        lines_in(&c->main, 0, lo, hi, &l0, &l1);
        if (box_text_draw_lines(&c->main, d, page, cx, ty, cw, c->al, l0, l1))
            return -1;
        lines_in(&c->unit, uh, lo, hi, &l0, &l1);
        return box_text_draw_lines(&c->unit, d, page, cx, ty + uh, cw, c->al, l0, l1);
    }
    lines_in(&c->text, 0, lo, hi, &l0, &l1);
    if (c->decimal && c->text.r.n == 1) {
        if (l0 >= l1)
            return 0;
        /* The column's numbers form a block, aligned on the decimal point inside it
         * and centred under the header (a wide column would leave them far right). */
        const compose_line *ln = &c->text.r.lines[0];
        float used = ln->x0 + ln->width;
        float block = tl->colint[c->c] + tl->colfrac[c->c];
        float right = cx + cw - (block < cw ? (cw - block) / 2 : 0);
        float lx = right - (tl->colfrac[c->c] - c->frac) - used;
        return typeset_emit_line(c->text.p, &c->text.r, 0, d, page, lx,
                                 ty + box_text_baseline(&c->text, 0), used, AL_LEFT);
    }
    return box_text_draw_lines(&c->text, d, page, cx, ty, cw, c->al, l0, l1);
}

/* Three-line rules (三线表) for table rows [r0, r1), cut to table y [y0, y1) (the
 * rows' own edges unless a split row is cut), the table's top at y. */
static void three_line(const table_layout *tl, dl_doc *d, int page, float x, float y, int r0,
                       int r1, float y0, float y1)
{
    float x1 = x + tl->w;
    bool body = r1 > tl->nhead;
    /* Top: the table's first rule; a continuation without a header opens with it
     * too. A continuation after a repeated header has the header's rules above it. */
    if (r0 == 0 || (r0 >= tl->nhead && tl->nhead == 0))
        rule(d, page, tl, x, y + y0 + RULE_THICK / 2, x1, y + y0 + RULE_THICK / 2, RULE_THICK);
    if (tl->nhead > 0 && r0 < tl->nhead && r1 >= tl->nhead && tl->nhead < tl->nrows)
        rule(d, page, tl, x, y + tl->rowy[tl->nhead], x1, y + tl->rowy[tl->nhead], RULE_THIN);
    /* Under a header cell that groups the cells below it, a short rule over its
     * columns shows the grouping. */
    for (int i = 0; i < tl->ncells; i++) {
        const tcell *c = &tl->cells[i];
        if (!c->header || c->cs < 2 || c->r < r0 || c->r >= r1 || c->r + c->rs >= tl->nhead)
            continue;
        float ry = y + tl->rowy[c->r + c->rs];
        rule(d, page, tl, x + tl->colx[c->c] + tl->pad / 2, ry,
             x + tl->colx[c->c + c->cs] - tl->pad / 2, ry, RULE_THIN);
    }
    if (body || r1 == tl->nrows)
        rule(d, page, tl, x, y + y1 - RULE_THICK / 2, x1, y + y1 - RULE_THICK / 2, RULE_THICK);
}

/* Grid rules: every cell border; the outer ones inside the box. A piece of a split row
 * (rows [r0, r1) cut to table y [y0, y1)) is closed like a table of its own: the cells
 * it cuts get a border at the cut, and their sides run on. */
static void grid(const table_layout *tl, dl_doc *d, int page, float x, float y, int r0, int r1,
                 float y0, float y1)
{
    float h = RULE_THIN / 2;
    bool cut0 = y0 > tl->rowy[r0], cut1 = y1 < tl->rowy[r1];
    for (int i = 0; i < tl->ncells; i++) {
        const tcell *c = &tl->cells[i];
        if (c->r < r0 || c->r >= r1)
            continue;
        float ct = tl->rowy[c->r], cb = tl->rowy[c->r + c->rs];
        if ((cut0 && cb <= y0) || (cut1 && ct >= y1))
            continue;                 /* in the split row, but not in this piece */
        bool top = cut0 ? ct <= y0 : c->r == r0;
        bool bottom = cut1 ? cb >= y1 : c->r + c->rs == r1;
        if (cut0 && ct < y0)
            ct = y0;
        if (cut1 && cb > y1)
            cb = y1;
        float xl = x + tl->colx[c->c], xr = x + tl->colx[c->c + c->cs];
        float yt = y + ct, yb = y + cb;
        float exl = c->c == 0 ? xl + h : xl;
        float exr = c->c + c->cs == tl->ncols ? xr - h : xr;
        float eyt = top ? yt + h : yt;
        float eyb = bottom ? yb - h : yb;
        if (top)
            rule(d, page, tl, xl, eyt, xr, eyt, RULE_THIN);
        rule(d, page, tl, xl, eyb, xr, eyb, RULE_THIN);
        if (c->c == 0)
            rule(d, page, tl, exl, yt, exl, yb, RULE_THIN);
        rule(d, page, tl, exr, yt, exr, yb, RULE_THIN);
    }
}

static int table_draw(const box *b, dl_doc *d, int page, float x, float y, int r0, int r1)
{
    const table_layout *tl = b->data;
    if (r0 < 0)
        r0 = 0;
    if (r1 > b->nrows)
        r1 = b->nrows;
    if (r0 >= r1)
        return 0;
    if (r0 < b->caption_rows) {
        d->elem = tl->caption_elem;
        if (box_text_draw(&tl->caption, d, page, x, y, tl->w, AL_CENTER))
            return -1;
        y += b->row_h[0];
    }
    /* Pieces [k0, k1): table rows [t0, t1), cut to table y [y0, y1) when the first or
     * last is a piece of a split row. */
    int k0 = (r0 > b->caption_rows ? r0 : b->caption_rows) - b->caption_rows;
    int k1 = r1 - b->caption_rows;
    if (k0 >= k1)
        return 0;
    int t0 = tl->band0[tl->pband[k0]], t1 = tl->band0[tl->pband[k1 - 1] + 1];
    float y0 = tl->py[k0], y1 = tl->py[k1];
    float ty = y - y0;
    for (int i = 0; i < tl->ncells; i++) {
        const tcell *c = &tl->cells[i];
        if (c->r < t0 || c->r >= t1)
            continue;
        int k = tl->rband[c->r];
        if (!tl->bsplit[k]) {
            d->elem = tl->drawn[tl->bpiece[k]] ? DL_ARTIFACT_PAGINATION : c->elem;
            if (draw_cell(tl, c, d, page, x, ty, NULL))
                return -1;
            continue;
        }
        /* A split row's cells: what falls in each of its pieces drawn here (a piece is
         * never a repeated header, but drawn twice it is marked so all the same). */
        int p0 = tl->bpiece[k] > k0 ? tl->bpiece[k] : k0;
        int p1 = tl->bpiece[k + 1] < k1 ? tl->bpiece[k + 1] : k1;
        for (int p = p0; p < p1; p++) {
            d->elem = tl->drawn[p] ? DL_ARTIFACT_PAGINATION : c->elem;
            if (draw_cell(tl, c, d, page, x, ty, &tl->py[p]))
                return -1;
        }
    }
    for (int p = k0; p < k1; p++)
        tl->drawn[p] = true;
    d->elem = DL_ARTIFACT;
    if (tl->rules == TABLE_GRID)
        grid(tl, d, page, x, ty, t0, t1, y0, y1);
    else
        three_line(tl, d, page, x, ty, t0, t1, y0, y1);
    return 0;
}

/* Table: its Caption, THead (the header rows) and TBody, a TR per row holding a TH or
 * TD for every cell that starts in it, in column order, with its spans and, for a
 * header, its Scope: a header row's cells head columns, a body row's head the row. */
static void table_tag(box *b, const doc_block *blk, dl_doc *d, int elem)
{
    table_layout *tl = b->data;
    (void)blk;
    int *at = malloc((size_t)tl->nrows * (size_t)tl->ncols * sizeof *at);
    if (!at) {
        d->tag_failed = true;
        return;
    }
    for (int i = 0; i < tl->nrows * tl->ncols; i++)
        at[i] = -1;
    for (int i = 0; i < tl->ncells; i++)
        at[tl->cells[i].r * tl->ncols + tl->cells[i].c] = i;
    if (tl->has_caption)
        tl->caption_elem = dl_elem_add(d, DL_S_CAPTION, elem);
    int head = tl->nhead > 0 ? dl_elem_add(d, DL_S_THEAD, elem) : elem;
    int body = tl->nhead < tl->nrows ? dl_elem_add(d, DL_S_TBODY, elem) : elem;
    for (int r = 0; r < tl->nrows; r++) {
        int tr = dl_elem_add(d, DL_S_TR, r < tl->nhead ? head : body);
        for (int k = 0; k < tl->ncols; k++) {
            if (at[r * tl->ncols + k] < 0)
                continue;
            tcell *c = &tl->cells[at[r * tl->ncols + k]];
            c->elem = dl_elem_add(d, c->header ? DL_S_TH : DL_S_TD, tr);
            if (c->elem < 0)
                continue;
            dl_elem *e = &d->elems[c->elem];
            e->rowspan = (uint16_t)c->rs;
            e->colspan = (uint16_t)c->cs;
            if (c->header)
                e->scope = r < tl->nhead ? DL_SCOPE_COLUMN : DL_SCOPE_ROW;
        }
    }
    free(at);
}

static void table_free(box *b)
{
    layout_free(b->data);
    box_free_shell(b);
}

/* ---- the box ---- */

static int alloc_axes(table_layout *tl)
{
    tl->colw = calloc((size_t)tl->ncols, sizeof *tl->colw);
    tl->colx = calloc((size_t)tl->ncols + 1, sizeof *tl->colx);
    tl->colfrac = calloc((size_t)tl->ncols, sizeof *tl->colfrac);
    tl->colint = calloc((size_t)tl->ncols, sizeof *tl->colint);
    tl->rowy = calloc((size_t)tl->nrows + 1, sizeof *tl->rowy);
    for (int i = 0; i < tl->ncells; i++)
        tl->cells[i].elem = DL_ARTIFACT;
    return tl->colw && tl->colx && tl->colfrac && tl->colint && tl->rowy ? 0 : -1;
}

static int make_caption(table_layout *tl, typeset_ctx *t, const doc_block *b, int number)
{
    const doc_table *dt = b->table;
    tl->has_caption = number >= 1 || box_text_nonempty(&dt->caption);
    if (!tl->has_caption)
        return 0;
    char lab[48];
    doc_text cap;
    if (box_caption_text(&cap, lab, sizeof lab, "表", number, &dt->caption, b->src))
        return -1;
    style_text ts = t->st->caption;
    ts.align = AL_JUSTIFY;
    int rc = box_text_init(&tl->caption, t, &cap, NULL, &ts);
    free(cap.in);
    if (rc == 0)
        rc = box_text_compose(&tl->caption, t, tl->w, false);
    /* The caption sits close above its table: half a line of its own size. */
    tl->caption_h = box_text_h(&tl->caption) + 0.5f * ts.size;
    return rc;
}

/* Where the longest cell of rows [r0, r1) starts in the source (the one to split when
 * the rows are taller than a column), else `fallback` (the table's start). */
static size_t longest_cell(const doc_table *dt, int r0, int r1, size_t fallback)
{
    size_t best = 0, at = fallback;
    for (int r = r0; r < r1 && r < dt->nrows; r++)
        for (int c = 0; c < dt->rows[r].ncells; c++) {
            const doc_text *tx = &dt->rows[r].cells[c].text;
            size_t n = 0;
            for (int i = 0; i < tx->nin; i++)
                n += strlen(tx->in[i].text);
            if (n > best && tx->nin > 0 && tx->in[0].src_verbatim) {
                best = n;
                at = tx->in[0].src;
            }
        }
    return at;
}

/* ---- splitting a row taller than a column ---- */

/* Positions closer than this are one (a split row's cells share a pitch, but their
 * line edges are sums of floats). */
#define CUT_EPS 0.05f

/* A cell's text parts in a split row: its text, or its main text and unit; their tops
 * in table y, the cell set from the top. Returns how many. */
static int cell_parts(const table_layout *tl, const tcell *c, const box_text *bt[2], float top[2])
{
    top[0] = tl->rowy[c->r] + tl->vpad;
    if (!c->split) {
        bt[0] = &c->text;
        return 1;
    }
    bt[0] = &c->main;
    bt[1] = &c->unit;
    top[1] = top[0] + box_text_h(&c->main);
    return 2;
}

/* Whether table y cuts no line of the cells cell[0..n). */
static bool cut_clear(const table_layout *tl, const int *cell, int n, float y)
{
    for (int i = 0; i < n; i++) {
        const box_text *bt[2];
        float top[2];
        int np = cell_parts(tl, &tl->cells[cell[i]], bt, top);
        for (int j = 0; j < np; j++) {
            float lead = bt[j]->lead, rel = y - top[j];
            if (!(lead > 0) || rel <= CUT_EPS || rel >= (float)bt[j]->r.n * lead - CUT_EPS)
                continue;
            if (fabsf(rel / lead - roundf(rel / lead)) * lead > CUT_EPS)
                return false;
        }
    }
    return true;
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return x < y ? -1 : x > y;
}

/* Where rows [t0, t1), holding the cells cell[0..n), may be cut: between lines of
 * every cell, with a line above and below each cut, in order. Every place is
 * returned, the pieces as short as the lines allow, so the flow can fill columns
 * as it does with text (and keep two lines on each side of a break). Returns the
 * count, the places in *out (to free), or -1 when memory ran out. */
static int band_cuts(const table_layout *tl, const int *cell, int n, int t0, int t1, float **out)
{
    size_t cap = 0;
    float first = INFINITY, last = -INFINITY;   /* first line's bottom, last line's top */
    for (int i = 0; i < n; i++) {
        const box_text *bt[2];
        float top[2];
        int np = cell_parts(tl, &tl->cells[cell[i]], bt, top);
        for (int j = 0; j < np; j++) {
            if (!(bt[j]->lead > 0) || bt[j]->r.n < 1)
                continue;
            cap += (size_t)bt[j]->r.n;
            first = fminf(first, top[j] + bt[j]->lead);
            last = fmaxf(last, top[j] + (float)(bt[j]->r.n - 1) * bt[j]->lead);
        }
    }
    float *y = malloc((cap ? cap : 1) * sizeof *y);
    if (!y)
        return -1;
    size_t m = 0;
    float y0 = tl->rowy[t0] + CUT_EPS, y1 = tl->rowy[t1] - CUT_EPS;
    for (int i = 0; i < n; i++) {
        const box_text *bt[2];
        float top[2];
        int np = cell_parts(tl, &tl->cells[cell[i]], bt, top);
        for (int j = 0; j < np; j++) {
            if (!(bt[j]->lead > 0))
                continue;
            for (int l = 1; l <= bt[j]->r.n; l++) {
                float at = top[j] + (float)l * bt[j]->lead;
                if (at > y0 && at < y1 && at >= first - CUT_EPS && at <= last + CUT_EPS)
                    y[m++] = at;
            }
        }
    }
    qsort(y, m, sizeof *y, cmp_float);
    int k = 0;
    for (size_t i = 0; i < m; i++)
        if ((k == 0 || y[i] - y[k - 1] > CUT_EPS) && cut_clear(tl, cell, n, y[i]))
            y[k++] = y[i];
    *out = y;
    return k;
}

/* Appends a piece of band k from table y top. */
static int add_piece(table_layout *tl, int *cap, float top, int k)
{
    if (tl->npieces + 1 >= *cap) {
        int ncap = *cap ? 2 * *cap : 64;
        float *py = realloc(tl->py, (size_t)ncap * sizeof *py);
        if (!py)
            return -1;
        tl->py = py;
        int *pb = realloc(tl->pband, (size_t)ncap * sizeof *pb);
        if (!pb)
            return -1;
        tl->pband = pb;
        *cap = ncap;
    }
    tl->py[tl->npieces] = top;
    tl->pband[tl->npieces++] = k;
    return 0;
}

/* The box rows after the caption: each band a piece, except a body band taller than a
 * third of a column (max_h), or that does not fit one under what comes with it (the
 * caption and header with the first body band, the repeated header with the others):
 * it is cut between lines of its cells. nrep: the header bands (repeated, never cut). Returns 0; 1 after reporting a
 * row that cannot be cut small enough (a line taller than a column, or no line
 * boundary its cells share); -1 when memory ran out. */
static int cut_rows(table_layout *tl, typeset_ctx *t, const doc_table *dt, size_t src, int nrep,
                    float max_h)
{
    int nb = tl->nbands, pcap = 0, rc = -1;
    float *bh = malloc((size_t)nb * sizeof *bh);
    int *order = malloc((size_t)tl->ncells * sizeof *order);
    int *at = calloc((size_t)nb + 1, sizeof *at);
    float *cuts = NULL;
    tl->bpiece = malloc(((size_t)nb + 1) * sizeof *tl->bpiece);
    tl->bsplit = calloc((size_t)nb, sizeof *tl->bsplit);
    if (!bh || !order || !at || !tl->bpiece || !tl->bsplit)
        goto out;
    /* The cells of band k: order[at[k] .. at[k + 1]). */
    for (int i = 0; i < tl->ncells; i++)
        at[tl->rband[tl->cells[i].r] + 1]++;
    for (int k = 0; k < nb; k++)
        at[k + 1] += at[k];
    {
        int *next = malloc((size_t)nb * sizeof *next);
        if (!next)
            goto out;
        memcpy(next, at, (size_t)nb * sizeof *next);
        for (int i = 0; i < tl->ncells; i++)
            order[next[tl->rband[tl->cells[i].r]]++] = i;
        free(next);
    }
    /* Summed as box_rows_h sums the box rows, so a table decides as it always did. */
    float first = 0, head = 0;
    if (tl->has_caption)
        first += tl->caption_h;
    for (int k = 0; k < nb; k++) {
        bh[k] = tl->rowy[tl->band0[k + 1]] - tl->rowy[tl->band0[k]];
        if (k < nrep) {
            first += bh[k];
            head += bh[k];
        }
    }
    for (int k = 0; k < nb; k++) {
        tl->bpiece[k] = tl->npieces;
        if (add_piece(tl, &pcap, tl->rowy[tl->band0[k]], k))
            goto out;
        float lead = k == nrep ? first : head;
        /* A row taller than a third of a column may also break between its lines, as
         * a paragraph does: moved whole, it could leave most of a page empty above it.
         * (A table that fits a column is still set whole: the flow keeps it so.) */
        if (k < nrep || (lead + bh[k] <= max_h && bh[k] <= max_h / 3))
            continue;
        int t0 = tl->band0[k], t1 = tl->band0[k + 1];
        int n = band_cuts(tl, order + at[k], at[k + 1] - at[k], t0, t1, &cuts);
        if (n < 0)
            goto out;
        tl->bsplit[k] = true;
        for (int i = 0; i < n; i++)
            if (add_piece(tl, &pcap, cuts[i], k))
                goto out;
        free(cuts);
        cuts = NULL;
        /* Truly impossible: what cannot be parted is taller than a column. */
        for (int p = tl->bpiece[k]; p < tl->npieces; p++) {
            float bot = p + 1 < tl->npieces ? tl->py[p + 1] : tl->rowy[t1];
            bool opens = p == tl->bpiece[k] && k == nrep;
            float h = bot - tl->py[p], above = p == tl->bpiece[k] ? lead : head;
            if (above + h <= max_h)
                continue;
            const char *with = !opens       ? " with the header repeated above it"
                               : !tl->has_caption ? " with the header"
                               : nrep > 0         ? " with the caption and header"
                                                  : " with the caption";
            /* At the cell when a piece alone is too tall, else at the table: what is
             * above the piece (its caption, its header) takes the room. */
            box_error(t, h > max_h ? longest_cell(dt, t0, t1, src) : src,
                      "row %d of this table cannot be split between the lines of its cells into "
                      "pieces a column holds: one is %.0f pt high%s, more than the %.0f pt a "
                      "column holds above the line kept under a table; %s",
                      t0 + 1, (double)(above + h), above > 0 ? with : "", (double)max_h,
                      h > max_h ? "give the table smaller type"
                                : "shorten the caption or the header, or give the table smaller type");
            rc = 1;
            goto out;
        }
    }
    tl->bpiece[nb] = tl->npieces;
    if (add_piece(tl, &pcap, tl->rowy[tl->nrows], -1))
        goto out;
    tl->npieces--;                    /* py[npieces] is the table's foot */
    tl->drawn = calloc((size_t)tl->npieces, sizeof *tl->drawn);
    rc = tl->drawn ? 0 : -1;
out:
    free(cuts);
    free(bh);
    free(order);
    free(at);
    return rc;
}

box *table_box_new(typeset_ctx *t, const doc_block *b, float col_w, float full_w, float max_h,
                  int number)
{
    const doc_table *dt = b->table;
    const style *st = t->st;
    if (!dt || dt->nrows <= 0 || !dt->rows) {
        box_error(t, b->src, "this table has no rows");
        return NULL;
    }
    if (!(st->table.size > 0) || !(st->table_head.size > 0)) {
        box_error(t, b->src, "the style gives the table text no size");
        return NULL;
    }
    table_layout *tl = calloc(1, sizeof *tl);
    bool *col_num = NULL;
    box *bx = NULL;
    if (!tl)
        goto oom;
    tl->caption_elem = DL_ARTIFACT;
    if (build_grid(tl, dt, t, b->src))
        goto fail;
    if (find_bands(tl) || alloc_axes(tl))
        goto oom;
    col_num = calloc((size_t)tl->ncols, sizeof *col_num);
    if (!col_num)
        goto oom;
    mark_numeric(tl, col_num);
    tl->pad = st->table_padding > 0 && st->table_padding < 100 ? st->table_padding : 0;
    /* Vertical padding a little tighter than the horizontal: rows read as lines. */
    tl->vpad = tl->pad * 0.6f;
    tl->rules = st->table_rules;
    tl->rule_color = st->rule;
    set_sizes(tl, st, st->table.size);
    if (shape_cells(tl, t, col_num))
        goto fail;
    bool span = false;
    if (choose_layout(tl, t, b, col_num, col_w, full_w, &span))
        goto fail;
    tl->w = 0;
    for (int c = 0; c < tl->ncols; c++) {
        tl->colx[c] = tl->w;
        tl->w += tl->colw[c];
    }
    tl->colx[tl->ncols] = tl->w;
    if (compose_cells(tl, t, tl->colw, false) < 0)
        goto fail;
    for (int i = 0; i < tl->ncells; i++) {
        const tcell *c = &tl->cells[i];
        if (!c->decimal || c->text.r.n < 1)
            continue;
        float used = c->text.r.lines[0].x0 + c->text.r.lines[0].width;
        if (c->frac > tl->colfrac[c->c])
            tl->colfrac[c->c] = c->frac;
        if (used - c->frac > tl->colint[c->c])
            tl->colint[c->c] = used - c->frac;
    }
    for (int r = 0; r < tl->nrows; r++)
        tl->rowy[r + 1] = tl->rowy[r] + tl->rowh[r];
    if (make_caption(tl, t, b, number))
        goto fail;
    int cap = tl->has_caption ? 1 : 0;
    int hb = 0;
    while (hb < tl->nbands && tl->band0[hb + 1] <= tl->nhead)
        hb++;
    int nrep = tl->nhead < tl->nrows ? hb : 0;
    int rc = cut_rows(tl, t, dt, b->src, nrep, max_h);
    if (rc < 0)
        goto oom;
    if (rc > 0)
        goto fail;
    bx = box_alloc(cap + tl->npieces);
    if (!bx)
        goto oom;
    if (cap)
        bx->row_h[0] = tl->caption_h;
    for (int p = 0; p < tl->npieces; p++)
        bx->row_h[cap + p] = tl->py[p + 1] - tl->py[p];
    bx->w = tl->w;
    bx->caption_rows = cap;
    bx->nrepeat = nrep;
    bx->span = span;
    bx->draw = table_draw;
    bx->tag = table_tag;
    bx->free = table_free;
    bx->data = tl;
    free(col_num);
    return bx;
oom:
    box_error(t, b->src, "out of memory laying out a table");
fail:
    free(col_num);
    layout_free(tl);
    return NULL;
}

int table_columns(const box *b, const float **colx)
{
    const table_layout *tl = b && b->draw == table_draw ? b->data : NULL;
    if (!tl)
        return -1;
    *colx = tl->colx;
    return tl->ncols;
}

int table_rows(const box *b, const float **rowy)
{
    const table_layout *tl = b && b->draw == table_draw ? b->data : NULL;
    if (!tl)
        return -1;
    *rowy = tl->rowy;
    return tl->nrows;
}

float table_text_size(const box *b)
{
    const table_layout *tl = b && b->draw == table_draw ? b->data : NULL;
    return tl ? tl->body.size : 0;
}
