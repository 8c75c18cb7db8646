/* import_lines — the cleaned text as lines (classified, running footers marked) and the
 * lines as blocks: paragraphs, headings, tab-separated rows, numbered lists. */
#include "layout/import/import_int.h"

#include <stdlib.h>
#include <string.h>

#include "layout/base/vec.h"

/* ===================== lines ===================== */

static bool imp_is_heading_line(const char *s, size_t n)
{
    size_t k = 0;
    while (k < n && s[k] == '#')
        k++;
    return k >= 1 && k <= 6 && (k == n || s[k] == ' ' || s[k] == '\t');
}

/* The whole line is one **bold** span. */
static bool imp_is_bold_line(const char *s, size_t n)
{
    if (n <= 4 || memcmp(s, "**", 2) != 0 || memcmp(s + n - 2, "**", 2) != 0)
        return false;
    for (size_t i = 2; i + 2 < n; i++)
        if (s[i] == '*' && s[i + 1] == '*')
            return false;
    return true;
}

bool imp_split_lines(imp_ctx *c)
{
    size_t count = 1;
    for (size_t i = 0; i < c->len; i++)
        count += c->text[i] == '\n';
    c->line = calloc(count, sizeof *c->line);
    if (!c->line) {
        c->oom = true;
        return false;
    }
    size_t start = 0;
    for (size_t i = 0; i <= c->len; i++) {
        if (i < c->len && c->text[i] != '\n')
            continue;
        const char *s = c->text + start;
        size_t n = i - start, a = 0;
        while (a < n) {
            size_t k = a;
            if (!imp_is_blank(imp_next(s, n, &k)) || s[a] == '\t')
                break;
            a = k;
        }
        while (n > a) {
            size_t k = n;
            if (!imp_is_blank(utf8_prev(s, &k)) || s[n - 1] == '\t')
                break;
            n = k;
        }
        imp_line *l = &c->line[c->nline];
        l->s = s + a;
        l->n = n - a;
        l->no = c->nline + 1;
        bool only_tabs = true;
        for (size_t k = 0; k < l->n; k++)
            only_tabs &= l->s[k] == '\t';
        l->kind = only_tabs ? L_BLANK
                  : imp_is_heading_line(l->s, l->n) ? L_HEAD
                  : memchr(l->s, '\t', l->n)        ? L_ROW
                                                    : L_TEXT;
        c->nline++;
        start = i + 1;
    }
    return true;
}

/* ===================== running footers ===================== */

/* <http://www.zasto.org.cn>, www.example.com, https://… — one word that names a site. */
static bool imp_url_like(const char *s, size_t n)
{
    if (n >= 2 && s[0] == '<' && s[n - 1] == '>')
        s++, n -= 2;
    if (n < 4 || memchr(s, ' ', n))
        return false;
    for (size_t i = 0; i + 3 <= n; i++)
        if (memcmp(s + i, "://", 3) == 0)
            return true;
    if (n > 4 && memcmp(s, "www.", 4) == 0)
        return true;
    size_t dot = 0, letters = 0;
    for (size_t i = 0; i < n && s[i] != '/'; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 0x80)
            return false;
        if (ch == '.')
            dot = i + 1, letters = 0;
        else
            letters += (ch | 0x20) >= 'a' && (ch | 0x20) <= 'z';
    }
    return dot > 1 && letters >= 2;
}

/* 12, - 12 -, — 12 —, 第12页, 12/40, Page 12. */
static bool imp_pageno_like(const char *s, size_t n)
{
    while (n > 0 && (s[0] == '-' || s[0] == ' '))
        s++, n--;
    while (n > 0 && (s[n - 1] == '-' || s[n - 1] == ' '))
        n--;
    while (n >= 3 && (memcmp(s, "—", 3) == 0 || memcmp(s, "–", 3) == 0))
        s += 3, n -= 3;
    while (n >= 3 && (memcmp(s + n - 3, "—", 3) == 0 || memcmp(s + n - 3, "–", 3) == 0))
        n -= 3;
    while (n > 0 && s[0] == ' ')
        s++, n--;
    while (n > 0 && s[n - 1] == ' ')
        n--;
    if (n >= 5 && strncmp(s, "Page ", 5) == 0)
        s += 5, n -= 5;
    if (n >= 6 && memcmp(s, "第", 3) == 0 && memcmp(s + n - 3, "页", 3) == 0)
        s += 3, n -= 6;
    size_t digits = 0, slash = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] >= '0' && s[i] <= '9')
            digits++;
        else if (s[i] == '/' && digits > 0 && !slash)
            slash = 1;
        else if (s[i] != ' ')
            return false;
    }
    return digits >= 1 && digits <= (slash ? 8u : 4u);
}

static bool imp_isolated(const imp_ctx *c, int i)
{
    return (i == 0 || c->line[i - 1].kind == L_BLANK) &&
           (i + 1 == c->nline || c->line[i + 1].kind == L_BLANK);
}

void imp_mark_footers(imp_ctx *c)
{
    size_t cand = 0;
    for (int i = 0; i < c->nline; i++)
        cand += c->line[i].kind == L_TEXT && c->line[i].n <= IMP_FOOTER_MAX;
    imp_map m;
    if (!imp_map_init(c, &m, cand))
        return;
    int pages = 0;
    for (int i = 0; i < c->nline; i++) {
        imp_line *l = &c->line[i];
        if (l->kind != L_TEXT || l->n > IMP_FOOTER_MAX)
            continue;
        int *v = imp_map_at(&m, l->s, l->n, true);
        *v = *v < 0 ? 1 : *v + 1;
        pages += imp_pageno_like(l->s, l->n) && imp_isolated(c, i);
    }
    for (int i = 0; i < c->nline; i++) {
        imp_line *l = &c->line[i];
        if (l->kind != L_TEXT || l->n > IMP_FOOTER_MAX)
            continue;
        bool url = imp_url_like(l->s, l->n) && *imp_map_at(&m, l->s, l->n, false) >= IMP_FOOTER_MIN;
        bool page = pages >= IMP_FOOTER_MIN && imp_pageno_like(l->s, l->n) && imp_isolated(c, i);
        if (url && !c->footer)
            c->footer = l->s, c->footer_n = l->n;
        if (url || page)
            l->kind = L_FOOTER;
    }
    free(m.slot);
}

/* ===================== blocks ===================== */

static int imp_add_block(imp_ctx *c, imp_bkind kind, int first, int last)
{
    if (c->oom)
        return -1;
    if (!VEC_PUSH_ROOM(c->blk, c->capblk, c->nblk)) {
        c->oom = true;
        return -1;
    }
    imp_block *b = &c->blk[c->nblk];
    memset(b, 0, sizeof *b);
    b->kind = kind;
    b->role = R_PARA;
    b->first = first;
    b->last = last;
    return c->nblk++;
}

void imp_join_text(strbuf *b, const char *t, size_t n)
{
    while (b->n > 0 && b->p[b->n - 1] == ' ')
        b->p[--b->n] = 0;
    if (b->n > 0 && n > 0) {
        size_t e = imp_rtrim_marks(b->p, b->n), i = imp_ltrim_marks(t, n);
        uint32_t pc = utf8_prev(b->p, &e), nc = imp_next(t, n, &i);
        if ((imp_is_latin(pc) || imp_cp_in(pc, ",.;:!?%)")) && (imp_is_latin(nc) || nc == '('))
            strbuf_chr(b, ' ');
    }
    strbuf_add(b, t, n);
}

/* Heading text: the line without its # marks (and a closing # sequence), bold wrapper,
 * tabs as spaces. */
static char *imp_heading_text(imp_ctx *c, const imp_line *l, int *marks, bool *bold)
{
    const char *s = l->s;
    size_t n = l->n, k = 0;
    while (k < n && s[k] == '#')
        k++;
    *marks = imp_is_heading_line(s, n) ? (int)k : 0;
    if (*marks == 0)
        k = 0;
    while (k < n && (s[k] == ' ' || s[k] == '\t'))
        k++;
    s += k, n -= k;
    size_t e = n;
    while (e > 0 && s[e - 1] == '#')
        e--;
    if (e < n && (e == 0 || s[e - 1] == ' ' || s[e - 1] == '\t'))
        n = e;
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    *bold = imp_is_bold_line(s, n);
    if (*bold)
        s += 2, n -= 4;
    char *t = imp_dup(c, s, n);
    for (size_t i = 0; t && i < n; i++)
        if (t[i] == '\t')
            t[i] = ' ';
    return t;
}

static void imp_head_block(imp_ctx *c, int i)
{
    int b = imp_add_block(c, BK_HEAD, i, i);
    if (b >= 0)
        c->blk[b].text = imp_heading_text(c, &c->line[i], &c->blk[b].marks, &c->blk[b].bold);
}

static char *imp_join_lines(imp_ctx *c, int from, int to)
{
    strbuf b = { 0 };
    for (int i = from; i < to; i++)
        imp_join_text(&b, c->line[i].s, c->line[i].n);
    return imp_take(c, &b);
}

/* "1. text" for an item whose line starts "1." "1、" "1．" or "N) text" for "(1)" "（1）". */
static void imp_list_item(imp_ctx *c, strbuf *b, int from, int to)
{
    char *t = imp_join_lines(c, from, to);
    if (!t)
        return;
    size_t after, n = strlen(t), i = imp_ltrim_marks(t, n);
    imp_kind k = imp_numbering(t, &after);
    if (i > 0 || (k != K_NUM && k != K_PNUM)) {
        strbuf_str(b, t);
        free(t);
        return;
    }
    if (t[i] == '(' || (unsigned char)t[i] == 0xEF)
        imp_next(t, n, &i);
    while (i < n && imp_is_digit((unsigned char)t[i]))
        strbuf_chr(b, t[i++]);
    strbuf_str(b, k == K_NUM ? ". " : ") ");
    strbuf_str(b, t + after);
    free(t);
}

static bool imp_numeric_item(const imp_line *l)
{
    char tmp[64];
    size_t n = l->n < sizeof tmp - 1 ? l->n : sizeof tmp - 1;
    memcpy(tmp, l->s, n);
    tmp[n] = 0;
    imp_kind k = imp_numbering(tmp, NULL);
    return (k == K_NUM || k == K_PNUM) && imp_ltrim_marks(tmp, n) == 0;
}

static bool imp_line_starts_item(const imp_line *l)
{
    char tmp[64];
    size_t n = l->n < sizeof tmp - 1 ? l->n : sizeof tmp - 1;
    memcpy(tmp, l->s, n);
    tmp[n] = 0;
    return imp_starts_item(tmp);
}

/* Text lines [from, to) with no blank line between: each line that starts an item starts
 * a new piece; other lines continue the piece (a paragraph wrapped by the extraction).
 * Two or more consecutive numbered pieces (1. 2. …) are an ordered list. */
static void imp_text_blocks(imp_ctx *c, int from, int to)
{
    int p = from;
    while (p < to && !c->oom) {
        int q = p + 1;
        while (q < to && !imp_line_starts_item(&c->line[q]))
            q++;
        if (!imp_numeric_item(&c->line[p]) || q == to || !imp_numeric_item(&c->line[q])) {
            int b = imp_add_block(c, BK_PARA, p, q - 1);
            if (b >= 0)
                c->blk[b].text = imp_join_lines(c, p, q);
            p = q;
            continue;
        }
        strbuf items = { 0 };
        int start = p;
        while (p < to && imp_numeric_item(&c->line[p])) {
            q = p + 1;
            while (q < to && !imp_line_starts_item(&c->line[q]))
                q++;
            if (items.n)
                strbuf_chr(&items, '\n');
            imp_list_item(c, &items, p, q);
            p = q;
        }
        int b = imp_add_block(c, BK_LIST, start, p - 1);
        if (b >= 0)
            c->blk[b].text = imp_take(c, &items);
        else
            strbuf_free(&items);
    }
}

/* Tab-separated lines [from, to): two or more make a table; a single one is a paragraph
 * with its cells separated by spaces. */
static void imp_rows_block(imp_ctx *c, int from, int to)
{
    if (to - from >= 2) {
        imp_add_block(c, BK_TABLE, from, to - 1);
        return;
    }
    int b = imp_add_block(c, BK_PARA, from, from);
    if (b < 0)
        return;
    strbuf t = { 0 };
    const imp_line *l = &c->line[from];
    for (size_t i = 0; i < l->n;) {
        size_t j = i;
        while (j < l->n && l->s[j] != '\t')
            j++;
        if (j > i) {
            if (t.n)
                strbuf_chr(&t, ' ');
            strbuf_add(&t, l->s + i, j - i);
        }
        i = j + 1;
    }
    c->blk[b].text = imp_take(c, &t);
    imp_check(c, l->no, "a single tab-separated line: written as a paragraph, not a table");
}

/* Lines [from, to), none blank nor a footer, into blocks; page marks the first one as
 * following a page break. */
static void imp_group(imp_ctx *c, int from, int to, bool page)
{
    int i = from;
    while (i < to && !c->oom) {
        int before = c->nblk;
        const imp_line *l = &c->line[i];
        int j = i + 1;
        if (l->kind == L_HEAD || imp_is_bold_line(l->s, l->n)) {
            imp_head_block(c, i);
        } else if (l->kind == L_ROW) {
            while (j < to && c->line[j].kind == L_ROW)
                j++;
            imp_rows_block(c, i, j);
        } else {
            while (j < to && c->line[j].kind == L_TEXT && !imp_is_bold_line(c->line[j].s, c->line[j].n))
                j++;
            imp_text_blocks(c, i, j);
        }
        if (page && c->nblk > before) {
            c->blk[before].page_before = true;
            page = false;
        }
        i = j;
    }
}

void imp_make_blocks(imp_ctx *c)
{
    bool page = false;
    int i = 0;
    while (i < c->nline && !c->oom) {
        imp_lkind k = c->line[i].kind;
        if (k == L_BLANK || k == L_FOOTER) {
            page |= k == L_FOOTER;
            i++;
            continue;
        }
        int j = i;
        while (j < c->nline && c->line[j].kind != L_BLANK && c->line[j].kind != L_FOOTER)
            j++;
        imp_group(c, i, j, page);
        page = false;
        i = j;
    }
    for (int b = 0; b < c->nblk; b++)
        c->blk[b].num = c->blk[b].text ? imp_numbering(c->blk[b].text, NULL) : K_U;
}
