/* reader — reads an issue (front matter + Markdown) into the flat block list of doc.h.
 *
 * md4c reports blocks and spans as callbacks; text callbacks point into our copy of
 * the source, which is how every inline knows its byte offset. Block positions are
 * not given by md4c: a block takes the offset of its first text, and constructs
 * without text (rules, fences, images) are located from the last text seen
 * (r->cursor) or from pointers md4c gives in their details. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <md4c.h>

#include "layout/base/fileio.h"
#include "layout/dlist/dlist.h"
#include "layout/read/reader_int.h"

/* The largest issue.md read. Two thousand pages (DL_MAX_PAGES) of dense Chinese text
 * are some 13 MB of source; the layout holds a few hundred bytes for each byte of it
 * until the PDF is written. */
#define MAX_SOURCE_BYTES ((size_t)16 << 20)

/* UTF-8 errors reported before giving up on a file that is not UTF-8 at all. */
#define MAX_UTF8_ERRORS 10

/* Lists and quotations nest at most this many levels, a quotation counting two: it
 * is set in from both sides. Each level takes [list] step (2 em in the house style)
 * of a column of 22 em, so six levels leave 10 em, about ten characters a line, the
 * least that still reads as text; at eleven nothing is left, and deeper items were
 * set off the page (issue 13). */
#define MAX_NEST 6

typedef struct {
    bool ordered;
    unsigned next;            /* number of the next item */
    char delim;               /* '.' or ')' */
    char marker[16];          /* the open item's marker */
    bool item_open;           /* the open item has not yet given its marker to a block */
} list_frame;

/* An image met in the paragraph being read. */
typedef struct {
    char *path;               /* as written (references decoded) */
    size_t at;                /* where the path is */
    doc_text alt;             /* the alt text: the figure's caption */
} para_image;

/* Where text goes: a block's text, a table cell, or an image's alt text. */
typedef struct {
    reader_tb tb;
    bool brk;                 /* a soft break waits for the next character (CL-LB-12) */
    unsigned brk_flags;
    size_t brk_src;
} sink;

typedef enum { RAW_NONE, RAW_CHART, RAW_HTML } raw_kind;

typedef struct {
    const src_file *src;
    const char *md_copy;      /* the copy md4c reads (reader_cjk.c), or NULL */
    const char *dir;
    bool allow_outside;       /* figures from anywhere (doc_options) */
    diag *d;
    doc *doc;
    size_t bcap;
    bool oom;
    size_t cursor;            /* end of the last source text seen */
    size_t nls_from, nls_at;  /* next_line_start memo: its answer for nls_from */

    /* containers */
    int quote;
    int nest_err;             /* depth of the container reported too deep (0: none open) */
    MD_BLOCKTYPE *cont;       /* open QUOTE / UL / OL / LI, innermost last */
    size_t ncont, ccap;
    list_frame *lists;
    size_t nlists, lcap;

    /* the text being built */
    int cur;                  /* its block (-1: a table cell or none) */
    bool active;              /* para is a live target */
    bool lazy;                /* cur is a tight list item opened by its first text */
    bool skipped;             /* cur lies inside an HTML table read from the raw source */
    bool code_text;           /* cur is the text of a code or signature block: lines kept */
    unsigned line_flags;      /* IN_CODE (code) or IN_KEEP (signature) for its text */
    int code_nl;              /* line ends waiting for the block's next text */
    size_t code_col;          /* characters on the code line so far (tab stops) */
    sink para;
    int bold, em, code, link, hbold, hem, hsub, hsup;
    size_t hopen_at;          /* the last unclosed inline HTML tag */
    char *href;
    bool other;               /* para has text outside images */
    size_t pipe_at;           /* a line inside para starting with '|' (0: none) */

    /* images in the paragraph being read */
    int img;                  /* depth of image spans */
    para_image *imgs;
    size_t nimgs, imgs_cap;
    sink alt;                 /* the alt text of the last image */

    /* GFM table */
    doc_table *table;
    size_t table_at;          /* its header line */
    size_t rows_cap, cells_cap;
    bool thead;

    /* collected code / HTML block */
    raw_kind raw;
    reader_raw rawbuf;
    size_t fence_at;
    char fence_char;
    int fence_len;
    size_t skip_until;        /* source already read as an HTML table */

    int caption_para;         /* a "表：" paragraph that may caption the next table */
} rd;

/* ---- positions ------------------------------------------------------------------- */

/* md4c reads r->md_copy when the source needed CJK-friendly stand-ins: a pointer into it
 * is turned into the same place in the source, whose text is what we keep. */
static const char *orig(const rd *r, const char *p)
{
    uintptr_t a = (uintptr_t)p, lo = (uintptr_t)r->md_copy;
    if (r->md_copy && a >= lo && a - lo <= r->src->len)
        return r->src->text + (a - lo);
    return p;
}

static bool src_offset(const rd *r, const char *p, size_t n, size_t *off)
{
    return reader_src_offset(r->src, orig(r, p), n, off);
}

static void see(rd *r, const char *p, size_t n)
{
    size_t off;
    if (src_offset(r, p, n, &off) && off + n > r->cursor)
        r->cursor = off + n;
}

/* Start of the first non-blank line after the line holding the cursor (the cursor
 * itself when it is at a line start): where a block without text begins. */
static size_t next_line_start(rd *r, size_t p)
{
    /* Asked again and again at one cursor (nested blocks on one line): remember. */
    if (p == r->nls_from && r->nls_at)
        return r->nls_at;
    r->nls_from = p;
    const char *t = r->src->text;
    size_t n = r->src->len;
    if (p > 0 && p <= n && t[p - 1] != '\n') {
        const char *nl = memchr(t + p, '\n', n - p);
        p = nl ? (size_t)(nl - t) + 1 : n;
    }
    while (p < n) {
        size_t q = p;
        while (q < n && (t[q] == ' ' || t[q] == '\t' || t[q] == '\r'))
            q++;
        if (q < n && t[q] != '\n')
            break;
        p = q < n ? q + 1 : n;
    }
    return r->nls_at = p;
}

static void oom(rd *r)
{
    if (!r->oom)
        reader_oom(r->d, r->src);
    r->oom = true;
}

static void check_hash_line(rd *r, size_t off);
static void check_table_rows(rd *r, size_t at, int nrows, int ncols);

/* ---- blocks ----------------------------------------------------------------------- */

static list_frame *open_item(rd *r)
{
    return r->ncont && r->cont[r->ncont - 1] == MD_BLOCK_LI && r->nlists
               ? &r->lists[r->nlists - 1] : NULL;
}

static doc_block *block_push(rd *r, doc_kind kind, size_t src)
{
    doc *d = r->doc;
    if (d->nblocks == INT_MAX ||
        !vec_reserve((void **)&d->blocks, &r->bcap, (size_t)d->nblocks + 1, sizeof *d->blocks)) {
        oom(r);
        return NULL;
    }
    doc_block *b = &d->blocks[d->nblocks++];
    *b = (doc_block){ .kind = kind, .quote = r->quote, .src = src,
                      .level = kind == DOC_SECTION ? 1 : kind == DOC_ARTICLE ? 2 : 0 };
    r->caption_para = -1;
    return b;
}

/* An item's text block, taking the item's marker if no block has yet. */
static doc_block *item_push(rd *r, list_frame *f, size_t src)
{
    doc_block *b = block_push(r, DOC_ITEM, src);
    if (!b)
        return NULL;
    b->level = (int)r->nlists;
    if (!(b->marker = strdup(f->item_open ? f->marker : ""))) {
        oom(r);
        return NULL;
    }
    f->item_open = false;
    return b;
}

/* A block of any other kind. Inside a list item that has not shown its marker yet,
 * an empty item carries the marker first, so that numbering stays visible. */
static doc_block *block_new(rd *r, doc_kind kind, size_t src)
{
    list_frame *f = open_item(r);
    if (f && f->item_open && !item_push(r, f, src))
        return NULL;
    return block_push(r, kind, src);
}

static void block_drop_last(rd *r)
{
    doc_block *b = &r->doc->blocks[--r->doc->nblocks];
    free(b->marker);
    doc_text_clear(&b->text);
}

/* ---- inline text ---------------------------------------------------------------- */

static unsigned cur_flags(const rd *r)
{
    return (r->bold || r->hbold ? IN_BOLD : 0) | (r->em || r->hem ? IN_EM : 0) |
           (r->code ? IN_CODE : 0) | (r->code_text ? r->line_flags : 0) | (r->hsub ? IN_SUB : 0) |
           (r->hsup ? IN_SUP : 0) | (r->link ? IN_LINK : 0);
}

static sink *cur_sink(rd *r)
{
    return r->img ? &r->alt : &r->para;
}

static bool has_ink(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return true;
    return false;
}

static void emit_as(rd *r, const char *s, size_t n, size_t src, bool verbatim, unsigned flags);

/* Appends text to the current sink, first settling a waiting soft break. */
static void emit(rd *r, const char *s, size_t n, size_t src, bool verbatim)
{
    emit_as(r, s, n, src, verbatim, cur_flags(r));
}

/* A hard line break (CommonMark: two spaces or a backslash at a line end, <br>). */
static void emit_break(rd *r, size_t src)
{
    sink *k = cur_sink(r);
    k->brk = false;                   /* the soft break it replaces */
    emit_as(r, " ", 1, src, false, cur_flags(r) | IN_BR);
}

static void emit_as(rd *r, const char *s, size_t n, size_t src, bool verbatim, unsigned flags)
{
    if (!n || r->oom)
        return;
    sink *k = cur_sink(r);
    if (r->img > 1 || (r->img && !r->nimgs))
        return;               /* alt text of an image inside alt text: left out */
    if (k->brk) {
        k->brk = false;
        uint32_t first = utf8_first(s, n);
        if (k == &r->para && first == '|' && !r->pipe_at)
            r->pipe_at = src;
        if (k->tb.last && first != ' ' && !reader_break_vanishes(k->tb.last, first) &&
            !reader_tb_add(&k->tb, " ", 1, k->brk_flags, r->href, k->brk_src, false)) {
            oom(r);
            return;
        }
    }
    if (k == &r->para && has_ink(s, n))
        r->other = true;
    if (!reader_tb_add(&k->tb, s, n, flags, r->href, src, verbatim))
        oom(r);
}

static void soft_break(rd *r, size_t src)
{
    sink *k = cur_sink(r);
    k->brk = true;
    k->brk_flags = cur_flags(r);
    k->brk_src = src;
}

static void images_clear(rd *r)
{
    for (size_t i = 0; i < r->nimgs; i++) {
        free(r->imgs[i].path);
        doc_text_clear(&r->imgs[i].alt);
    }
    r->nimgs = 0;
}

static void text_begin(rd *r, int block, doc_text *t)
{
    r->cur = block;
    r->active = true;
    r->skipped = false;
    r->para = (sink){ .tb = { .t = t } };
    r->other = false;
    r->pipe_at = 0;
    images_clear(r);
    /* Spans never cross blocks; starting from zero also survives md4c reporting an
     * unbalanced leave_span (it does, for input like "![)](![)]()"). */
    r->hbold = r->hem = r->hsub = r->hsup = 0;
    r->bold = r->em = r->code = r->link = r->img = 0;
    free(r->href);
    r->href = NULL;
}

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The bytes of "表：" / "表:" and the blanks after it at the start of s; 0 if absent. */
static size_t caption_prefix(const char *s)
{
    size_t k = starts_with(s, "表：") ? strlen("表：") : starts_with(s, "表:") ? strlen("表:") : 0;
    if (k)
        while (s[k] == ' ')
            k++;
    return k;
}

/* （来源：…） / (文件来源：…): the opening bracket closes only at the very end. */
static bool is_source_note(const char *s)
{
    static const char *const open[] = { "（", "(" };
    static const char *const label[] = { "来源：", "来源:", "文件来源：", "文件来源:" };
    size_t n = strlen(s);
    while (n && s[n - 1] == ' ')
        n--;
    size_t o = 0;
    for (size_t i = 0; i < 2 && !o; i++)
        if (starts_with(s, open[i]))
            o = strlen(open[i]);
    if (!o)
        return false;
    bool labelled = false;
    for (size_t i = 0; i < 4 && !labelled; i++)
        labelled = starts_with(s + o, label[i]);
    if (!labelled)
        return false;
    int depth = 0;
    for (size_t i = 0; i < n;) {
        size_t w = 1;
        if (s[i] == '(') {
            depth++;
        } else if (starts_with(s + i, "（")) {
            depth++;
            w = strlen("（");
        } else if (s[i] == ')' || starts_with(s + i, "）")) {
            w = s[i] == ')' ? 1 : strlen("）");
            if (--depth == 0)
                return i + w == n;
        }
        i += w;
    }
    return false;
}

/* The first bytes of t's text (up to n - 1 of them) into buf. */
static void text_head(const doc_text *t, char *buf, size_t n)
{
    size_t k = 0;
    for (int i = 0; i < t->nin && k < n - 1; i++) {
        size_t m = strlen(t->in[i].text);
        if (m > n - 1 - k)
            m = n - 1 - k;
        memcpy(buf + k, t->in[i].text, m);
        k += m;
    }
    buf[k] = 0;
}

/* Removes the first k bytes of t's text. */
static void text_drop_head(doc_text *t, size_t k)
{
    int i = 0;
    while (k && i < t->nin) {
        doc_inline *in = &t->in[i];
        size_t n = strlen(in->text);
        if (n <= k) {
            k -= n;
            free(in->text);
            free(in->href);
            i++;
            continue;
        }
        memmove(in->text, in->text + k, n - k + 1);
        if (in->src_verbatim)
            in->src += k;
        k = 0;
    }
    memmove(t->in, t->in + i, (size_t)(t->nin - i) * sizeof *t->in);
    t->nin -= i;
}

/* ---- figures -------------------------------------------------------------------- */

/* The paragraph held images and nothing else: each becomes a figure, the first in
 * the paragraph's place (or after it, when it is a list item showing its marker). */
static void make_figures(rd *r)
{
    for (size_t i = 0; i < r->nimgs && !r->oom; i++) {
        para_image *im = &r->imgs[i];
        doc_block *b = &r->doc->blocks[r->cur];
        if (i == 0 && !(b->kind == DOC_ITEM && b->marker[0])) {
            doc_text_clear(&b->text);
            free(b->marker);
            b->marker = NULL;
            b->kind = DOC_FIGURE;
            b->level = 0;
            b->src = im->at;
        } else {
            if (i == 0)
                doc_text_clear(&b->text);
            if (!(b = block_push(r, DOC_FIGURE, im->at)))
                return;
        }
        if (!(b->figure = calloc(1, sizeof *b->figure))) {
            oom(r);
            return;
        }
        b->figure->caption = im->alt;
        im->alt = (doc_text){ 0 };
        /* NULL after a reported problem: the document is not returned then. */
        b->figure->path = reader_image(r->src, r->dir, r->allow_outside, im->path, im->at, r->d,
                                       &b->figure->info);
    }
}

/* ---- finishing a text block ------------------------------------------------------ */

/* A paragraph that starts with a list label （一） 1. 第一节 …: the label becomes an
 * inline of its own (IN_LABEL), the blanks after it go; the composer gives it a fixed
 * width, so that every such paragraph's text starts alike. False when out of memory. */
static bool mark_label(doc_text *t)
{
    if (t->nin == 0 || (t->in[0].flags & (IN_CODE | IN_LINK | IN_BR)))
        return true;
    doc_inline *in = &t->in[0];
    size_t n = strlen(in->text), skip, k = reader_label(in->text, n, &skip);
    if (!k)
        return true;
    if (k + skip == n) {              /* the label fills its inline: only mark it */
        in->text[k] = 0;
        in->flags |= IN_LABEL;
        return true;
    }
    doc_inline *v = realloc(t->in, (size_t)(t->nin + 1) * sizeof *v);
    if (!v)
        return false;
    t->in = v;
    in = &t->in[0];
    char *rest = strdup(in->text + k + skip);
    char *href = in->href ? strdup(in->href) : NULL;
    if (!rest || (in->href && !href)) {
        free(rest);
        free(href);
        return false;
    }
    memmove(t->in + 2, t->in + 1, (size_t)(t->nin - 1) * sizeof *t->in);
    t->nin++;
    t->in[1] = (doc_inline){ rest, in->flags, href, in->src_verbatim ? in->src + k + skip : in->src,
                             in->src_verbatim };
    in->text[k] = 0;
    in->flags |= IN_LABEL;
    return true;
}

/* A paragraph may really be a figure, a source line, or a table caption. */
static void classify_para(rd *r)
{
    if (r->nimgs && !r->other) {
        make_figures(r);
        return;
    }
    if (r->nimgs)
        diag_warning_at(r->d, r->src, r->imgs[0].at,
                        "an image inside text is left out; give it a paragraph of its own to "
                        "make it a figure");
    doc_block *b = &r->doc->blocks[r->cur];
    if (b->kind != DOC_PARA || r->code_text || b->text.nin == 0)
        return;
    char head[32];
    text_head(&b->text, head, sizeof head);
    if (caption_prefix(head)) {
        if (r->pipe_at) {
            diag_error_at(r->d, r->src, r->pipe_at,
                          "this table is read as part of the caption paragraph above it; add a "
                          "blank line between the caption and the table");
        }
        r->caption_para = r->cur;
        return;
    }
    if (starts_with(head, "（") || head[0] == '(') {
        char *plain = doc_text_plain(&b->text);
        if (!plain) {
            oom(r);
            return;
        }
        if (is_source_note(plain))
            b->kind = DOC_SOURCE;
        free(plain);
    }
    if (b->kind == DOC_PARA && !mark_label(&b->text))
        oom(r);
}

static void warn_open_html(rd *r)
{
    const char *tag = r->hsub ? "sub" : r->hsup ? "sup" : r->hbold ? "b" : r->hem ? "i" : NULL;
    if (tag)
        diag_warning_at(r->d, r->src, r->hopen_at,
                        "<%s> is not closed in this paragraph; add </%s>", tag, tag);
}

/* The text is complete: gives back what its growth reserved (a short paragraph holds
 * one inline of the eight reserved; 300,000 of them kept 84 MB idle). */
static void text_fit(reader_tb *tb)
{
    doc_text *t = tb->t;
    if (!t || t->nin == 0 || tb->cap <= (size_t)t->nin)
        return;
    doc_inline *v = realloc(t->in, (size_t)t->nin * sizeof *v);
    if (v) {
        t->in = v;
        tb->cap = (size_t)t->nin;
    }
}

static void text_end(rd *r)
{
    if (!r->active)
        return;
    text_fit(&r->para.tb);
    warn_open_html(r);
    r->active = r->lazy = false;
    doc_block *b = r->cur >= 0 ? &r->doc->blocks[r->cur] : NULL;
    if (r->oom) {
        /* nothing more to check */
    } else if (b && r->skipped && b->text.nin == 0 && r->cur == r->doc->nblocks - 1) {
        block_drop_last(r);
    } else if (b && (b->kind == DOC_PARA || b->kind == DOC_ITEM)) {
        classify_para(r);
    } else if (r->nimgs) {
        diag_warning_at(r->d, r->src, r->imgs[0].at,
                        "an image in a heading or table cell is left out; give it a paragraph "
                        "of its own to make it a figure");
    }
    images_clear(r);
    r->cur = -1;
    r->code_text = false;
    r->line_flags = 0;
    r->code_nl = 0;
    r->code_col = 0;
}

/* Opens a text block of the given kind (a list item's text inside an item). */
static void text_block(rd *r, doc_kind kind, size_t src)
{
    list_frame *f = open_item(r);
    doc_block *b = kind == DOC_PARA && f ? item_push(r, f, src) : block_new(r, kind, src);
    if (b)
        text_begin(r, r->doc->nblocks - 1, &b->text);
}

/* In a tight list the item's text arrives with no paragraph around it: the first
 * text or span opens the item's block. False when there is nowhere for text to go. */
static bool open_lazy(rd *r, size_t src)
{
    if (r->active)
        return true;
    if (!open_item(r))
        return false;
    text_block(r, DOC_PARA, src);
    r->lazy = r->active;
    return r->active;
}

static void close_lazy(rd *r)
{
    if (r->lazy)
        text_end(r);
}

/* ---- inline HTML ---------------------------------------------------------------- */

static void inline_html(rd *r, const char *s, size_t n, size_t at)
{
    if (n >= 4 && memcmp(s, "<!--", 4) == 0)
        return;
    size_t i = 1;
    bool close = i < n && s[i] == '/';
    i += close;
    char name[16];
    size_t k = 0;
    while (i < n && k < sizeof name - 1 &&
           ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
        name[k++] = (char)(s[i++] | 0x20);
    name[k] = 0;
    int *counter = strcmp(name, "sub") == 0 ? &r->hsub : strcmp(name, "sup") == 0 ? &r->hsup
                 : strcmp(name, "b") == 0 || strcmp(name, "strong") == 0 ? &r->hbold
                 : strcmp(name, "i") == 0 || strcmp(name, "em") == 0 ? &r->hem : NULL;
    if (counter) {
        if (!close) {
            (*counter)++;
            r->hopen_at = at;
        } else if (*counter > 0) {
            (*counter)--;
        }
    } else if (strcmp(name, "br") == 0) {
        emit_break(r, at);
    } else {
        diag_warning_at(r->d, r->src, at,
                        "HTML tag %.*s is not supported here and is left out (its text is kept)",
                        (int)n, s);
    }
}

/* ---- code and HTML blocks ------------------------------------------------------- */

/* A piece of a code or signature block's text; md4c gives each line, then "\n". A
 * line end becomes a hard break once the next line comes (none after the last); a
 * tab goes to the next stop of four columns (as CommonMark counts them); a signature
 * line loses its leading blanks. */
static void code_line_text(rd *r, const char *s, size_t n, size_t off, bool in)
{
    if (n == 1 && s[0] == '\n') {
        r->code_nl++;
        r->code_col = 0;
        return;
    }
    for (; r->code_nl > 0; r->code_nl--)
        emit_break(r, off);
    while ((r->line_flags & IN_KEEP) && r->code_col == 0 && n && (*s == ' ' || *s == '\t'))
        s++, n--, off++;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && s[j] != '\t')
            j++;
        emit(r, s + i, j - i, off + i, in);
        for (size_t k = i; k < j; k++)
            r->code_col += ((unsigned char)s[k] & 0xC0) != 0x80;
        if (j < n) {
            size_t w = 4 - r->code_col % 4;
            emit(r, "    ", w, off + j, false);
            r->code_col += w;
            j++;
        }
        i = j;
    }
}

static bool fence_line(const rd *r, size_t p, size_t e, char ch, int len)
{
    const char *t = r->src->text;
    while (p < e && (t[p] == ' ' || t[p] == '\t' || t[p] == '>'))
        p++;
    int k = 0;
    while (p < e && t[p] == ch) {
        p++;
        k++;
    }
    while (p < e && (t[p] == ' ' || t[p] == '\t' || t[p] == '\r'))
        p++;
    return k >= len && p == e;
}

/* Finds the closing fence after the block's last text (the cursor). Returns false
 * when the block runs to the end of the file or of its container unclosed. */
static bool fence_closed(rd *r)
{
    const char *t = r->src->text;
    size_t n = r->src->len;
    for (size_t p = next_line_start(r, r->cursor); p < n;) {
        const char *nl = memchr(t + p, '\n', n - p);
        size_t e = nl ? (size_t)(nl - t) : n;
        if (fence_line(r, p, e, r->fence_char, r->fence_len)) {
            r->cursor = e;
            return true;
        }
        size_t q = p;
        while (q < e && (t[q] == ' ' || t[q] == '\t' || t[q] == '\r' || t[q] == '>'))
            q++;
        if (q < e)
            return false;
        p = e + 1;
    }
    return false;
}

/* Where the opening fence is, and its length: from the info string when there is
 * one, else the first line after the cursor that starts with the fence character. */
static void locate_fence(rd *r, const MD_BLOCK_CODE_DETAIL *det)
{
    const char *t = r->src->text;
    size_t n = r->src->len, off;
    r->fence_char = det->fence_char;
    r->fence_len = 3;
    size_t p = next_line_start(r, r->cursor);
    if (!det->fence_char) {           /* an indented block: no fence */
        r->fence_at = p;
        r->fence_len = 0;
        return;
    }
    if (det->info.size && src_offset(r, det->info.text, det->info.size, &off)) {
        p = off;
        while (p > 0 && (t[p - 1] == ' ' || t[p - 1] == '\t'))
            p--;
        while (p > 0 && t[p - 1] == det->fence_char)
            p--;
    } else {
        while (p < n) {
            const char *nl = memchr(t + p, '\n', n - p);
            size_t e = nl ? (size_t)(nl - t) : n, q = p;
            while (q < e && (t[q] == ' ' || t[q] == '\t' || t[q] == '>'))
                q++;
            if (q + 3 <= e && t[q] == det->fence_char && t[q + 1] == det->fence_char &&
                t[q + 2] == det->fence_char) {
                p = q;
                break;
            }
            p = e + 1;
        }
        if (p > n)
            p = n;
    }
    r->fence_at = p;
    int k = 0;
    while (p + (size_t)k < n && t[p + (size_t)k] == det->fence_char)
        k++;
    if (k >= 3)
        r->fence_len = k;
    if (p + (size_t)k > r->cursor)
        r->cursor = p + (size_t)k;
}

/* An attribute (link target, image path, info string) as a C string, references
 * decoded. */
static char *attr_string(rd *r, const MD_ATTRIBUTE *a)
{
    strbuf b = { 0 };
    bool ok = strbuf_add(&b, "", 0);
    for (int i = 0; ok && a->substr_offsets && a->substr_offsets[i] < a->size; i++) {
        const char *s = orig(r, a->text + a->substr_offsets[i]);
        size_t n = a->substr_offsets[i + 1] - a->substr_offsets[i];
        char u[4];
        int k;
        if (a->substr_types[i] == MD_TEXT_ENTITY && (k = reader_entity(s, n, u)) > 0)
            ok = strbuf_add(&b, u, (size_t)k);
        else if (a->substr_types[i] == MD_TEXT_NULLCHAR)
            ok = strbuf_add(&b, "\xEF\xBF\xBD", 3);
        else
            ok = strbuf_add(&b, s, n);
    }
    see(r, a->text, a->size);
    if (!ok) {
        strbuf_free(&b);
        oom(r);
        return NULL;
    }
    return b.p;
}

static void chart_block(rd *r)
{
    if (!fence_closed(r)) {
        diag_error_at(r->d, r->src, r->fence_at,
                      "unterminated chart block; close it with a line %.*s", r->fence_len,
                      r->fence_char == '~' ? "~~~~~~~~~~~~~~~~" : "````````````````");
        return;
    }
    doc_chart *c = reader_chart(&r->rawbuf, r->src, r->fence_at, r->d);
    if (!c)
        return;
    doc_block *b = block_new(r, DOC_CHART, r->fence_at);
    if (!b) {
        doc_chart_free(c);
        return;
    }
    b->chart = c;
}

/* The table caption a "表：" paragraph right before it gives. */
static void take_caption(rd *r, doc_table *t)
{
    int cp = r->caption_para;
    if (cp < 0 || cp != r->doc->nblocks - 1 || r->doc->blocks[cp].quote != r->quote ||
        t->caption.nin)
        return;
    doc_block *b = &r->doc->blocks[cp];
    char head[32];
    text_head(&b->text, head, sizeof head);
    size_t k = caption_prefix(head);
    t->caption = b->text;
    b->text = (doc_text){ 0 };
    text_drop_head(&t->caption, k);
    block_drop_last(r);
    r->caption_para = -1;
}

static void add_tables(rd *r, const char *html, size_t n, size_t at)
{
    doc_table **tables;
    int nt;
    if (!reader_html_tables(html, n, r->src, at, r->d, &tables, &nt))
        r->oom = true;        /* already reported */
    for (int i = 0; i < nt; i++) {
        doc_table *t = tables[i];
        if (r->oom) {
            doc_table_free(t);
            continue;
        }
        if (i == 0)
            take_caption(r, t);
        doc_block *b = block_new(r, DOC_TABLE, at);
        if (!b) {
            doc_table_free(t);
            continue;
        }
        b->table = t;
    }
    free(tables);
}

/* An HTML block: a <table> is read; anything else is left out with a warning. */
static void html_block(rd *r)
{
    reader_raw *raw = &r->rawbuf;
    const char *s = raw->text.p ? raw->text.p : "";
    size_t n = raw->text.n, b0 = 0;
    if (raw->nseg && raw->seg[0].src < r->skip_until) {
        /* Part of a table already read from the source: only what follows it counts. */
        size_t i = 0;
        while (i < raw->nseg && raw->seg[i].src + raw->seg[i].n <= r->skip_until)
            i++;
        if (i == raw->nseg)
            return;
        b0 = raw->seg[i].buf + (raw->seg[i].src < r->skip_until ? r->skip_until - raw->seg[i].src : 0);
    }
    size_t b = b0 + reader_html_skip_blank(s + b0, n - b0);
    size_t at = reader_raw_src(raw, b, r->cursor);
    if (!(n - b >= 6 && strncasecmp(s + b, "<table", 6) == 0)) {
        if (b < n)
            diag_warning_at(r->d, r->src, at,
                            "raw HTML is left out (only <table> is read); write this in Markdown");
        return;
    }
    if (reader_html_table_depth(s + b, n - b) <= 0) {
        add_tables(r, s + b, n - b, at);
        return;
    }
    /* A blank line inside the table ended md4c's HTML block: read the table from the
     * source up to its </table>, and skip what md4c reports from that stretch. */
    if (r->quote || r->nlists) {
        diag_error_at(r->d, r->src, at,
                      "a <table> inside a quote or list must not contain blank lines; remove them");
        return;
    }
    const char *t = r->src->text;
    size_t len = r->src->len, e = at;
    int depth = 0;
    for (size_t i = at; i < len; i++) {
        if (t[i] != '<')
            continue;
        const char *gt = memchr(t + i, '>', len - i);
        size_t te = gt ? (size_t)(gt - t) + 1 : len;
        depth += reader_html_table_depth(t + i, te - i);
        i = te - 1;
        if (depth <= 0) {
            e = te;
            break;
        }
    }
    if (depth > 0) {
        diag_error_at(r->d, r->src, at, "this <table> has no matching </table>; close it");
        r->skip_until = len;
        return;
    }
    r->skip_until = e;
    if (e > r->cursor)
        r->cursor = e;
    add_tables(r, t + at, e - at, at);
}

/* ---- md4c callbacks ------------------------------------------------------------- */

/* Decrements a span or container counter; never below zero (see text_begin). */
static int leave(int *counter)
{
    if (*counter > 0)
        (*counter)--;
    return *counter;
}

static bool push_cont(rd *r, MD_BLOCKTYPE type)
{
    if (!vec_reserve((void **)&r->cont, &r->ccap, r->ncont + 1, sizeof *r->cont)) {
        oom(r);
        return false;
    }
    r->cont[r->ncont++] = type;
    return true;
}

static void enter_list(rd *r, MD_BLOCKTYPE type, void *detail)
{
    list_frame *f = open_item(r);
    if (f && f->item_open)
        item_push(r, f, next_line_start(r, r->cursor));
    if (!push_cont(r, type))
        return;
    if (!vec_reserve((void **)&r->lists, &r->lcap, r->nlists + 1, sizeof *r->lists)) {
        oom(r);
        return;
    }
    list_frame *l = &r->lists[r->nlists++];
    *l = (list_frame){ .ordered = type == MD_BLOCK_OL, .next = 1, .delim = '.' };
    if (type == MD_BLOCK_OL) {
        const MD_BLOCK_OL_DETAIL *ol = detail;
        l->next = ol->start;
        l->delim = ol->mark_delimiter;
    }
}

/* How deep the open lists and quotations are set in, in list steps (see MAX_NEST). */
static int nest_depth(const rd *r)
{
    return (int)r->nlists + 2 * r->quote;
}

/* A list or quotation just opened past MAX_NEST: reported once, at its first item's
 * marker (its '>'), not again for what nests inside it. */
static void check_nest(rd *r, bool quote)
{
    int depth = nest_depth(r);
    if (depth <= MAX_NEST || r->nest_err)
        return;
    r->nest_err = depth;
    const char *t = r->src->text;
    size_t p = next_line_start(r, r->cursor), n = r->src->len;
    /* Past the indentation and the markers of the quotations around it. */
    for (int q = quote ? r->quote - 1 : r->quote; p < n;) {
        if (t[p] == ' ' || t[p] == '\t')
            p++;
        else if (t[p] == '>' && q > 0)
            p++, q--;
        else
            break;
    }
    if (r->quote == 0)
        diag_error_at(r->d, r->src, p,
                      "lists nest at most %d deep (this one is %d): flatten it, or make the "
                      "inner items paragraphs of the item above", MAX_NEST, depth);
    else
        diag_error_at(r->d, r->src, p,
                      "lists and quotations nest at most %d deep, a quotation counting 2 (it "
                      "is set in from both sides); this one is %d: flatten it", MAX_NEST, depth);
}

static void enter_item(rd *r)
{
    if (!push_cont(r, MD_BLOCK_LI) || !r->nlists)
        return;
    list_frame *l = &r->lists[r->nlists - 1];
    if (l->ordered)
        snprintf(l->marker, sizeof l->marker, "%u%c", l->next++, l->delim);
    else
        strcpy(l->marker, "•");
    l->item_open = true;
}

static void enter_code(rd *r, const MD_BLOCK_CODE_DETAIL *det)
{
    locate_fence(r, det);
    char *info = attr_string(r, &det->lang);
    if (!info)
        return;
    bool chart = strcmp(info, "chart") == 0, sig = strcmp(info, "signature") == 0;
    free(info);
    if (chart) {
        r->raw = RAW_CHART;
        reader_raw_reset(&r->rawbuf);
    } else {
        /* Code keeps its lines; a signature (落款) too, each line kept whole. */
        text_block(r, sig ? DOC_SIGNATURE : DOC_CODE, r->fence_at);
        r->code_text = true;
        r->line_flags = sig ? IN_KEEP : IN_CODE;
    }
}

static void enter_cell(rd *r, bool th, const MD_BLOCK_TD_DETAIL *det)
{
    doc_table *t = r->table;
    if (!t || !t->nrows)
        return;
    doc_row *row = &t->rows[t->nrows - 1];
    if (row->ncells == INT_MAX ||
        !vec_reserve((void **)&row->cells, &r->cells_cap, (size_t)row->ncells + 1, sizeof *row->cells)) {
        oom(r);
        return;
    }
    static const doc_align al[] = { ALIGN_AUTO, ALIGN_LEFT, ALIGN_CENTER, ALIGN_RIGHT };
    doc_cell *c = &row->cells[row->ncells++];
    *c = (doc_cell){ .colspan = 1, .rowspan = 1, .header = th,
                     .align = det->align <= MD_ALIGN_RIGHT ? al[det->align] : ALIGN_AUTO };
    text_begin(r, -1, &c->text);
}

static void enter_table(rd *r)
{
    doc_table *t = calloc(1, sizeof *t);
    if (!t) {
        oom(r);
        return;
    }
    take_caption(r, t);
    doc_block *b = block_new(r, DOC_TABLE, next_line_start(r, r->cursor));
    if (!b) {
        doc_table_free(t);
        return;
    }
    b->table = t;
    r->table = t;
    r->table_at = b->src;
    r->rows_cap = 0;
}

static void enter_row(rd *r)
{
    doc_table *t = r->table;
    if (!t)
        return;
    if (t->nrows == INT_MAX ||
        !vec_reserve((void **)&t->rows, &r->rows_cap, (size_t)t->nrows + 1, sizeof *t->rows)) {
        oom(r);
        return;
    }
    t->rows[t->nrows++] = (doc_row){ .header = r->thead };
    r->cells_cap = 0;
}

/* A GFM cell longer than READER_MAX_CELL_CHARS, at its first character. */
static void check_cell(rd *r)
{
    const doc_text *t = r->active && r->cur < 0 ? r->para.tb.t : NULL;
    size_t n = reader_text_chars(t);
    if (n > READER_MAX_CELL_CHARS)
        diag_error_at(r->d, r->src, t->in[0].src,
                      "this table cell has %zu characters; a cell holds at most %d (a page of "
                      "table text or more): move the text out of the table into paragraphs", n,
                      READER_MAX_CELL_CHARS);
}

static void leave_table(rd *r, const MD_BLOCK_TABLE_DETAIL *det)
{
    doc_table *t = r->table;
    r->table = NULL;
    if (!t)
        return;
    t->ncols = (int)det->col_count;
    check_table_rows(r, r->table_at, t->nrows, t->ncols);
    /* md4c gives each row col_count cells; pad defensively so the grid is complete. */
    for (int i = 0; i < t->nrows; i++) {
        doc_row *row = &t->rows[i];
        if (row->ncells >= t->ncols)
            continue;
        doc_cell *c = realloc(row->cells, (size_t)t->ncols * sizeof *c);
        if (!c) {
            oom(r);
            return;
        }
        for (int k = row->ncells; k < t->ncols; k++)
            c[k] = (doc_cell){ .colspan = 1, .rowspan = 1, .header = row->header };
        row->cells = c;
        row->ncells = t->ncols;
    }
}

static int on_enter_block(MD_BLOCKTYPE type, void *detail, void *u)
{
    rd *r = u;
    if (r->oom)
        return 1;
    if (type != MD_BLOCK_DOC)
        close_lazy(r);
    switch (type) {
    case MD_BLOCK_QUOTE: {
        list_frame *f = open_item(r);
        if (f && f->item_open)
            item_push(r, f, next_line_start(r, r->cursor));
        push_cont(r, type);
        r->quote++;
        check_nest(r, true);
        break;
    }
    case MD_BLOCK_UL:
    case MD_BLOCK_OL:
        enter_list(r, type, detail);
        check_nest(r, false);
        break;
    case MD_BLOCK_LI:
        enter_item(r);
        break;
    case MD_BLOCK_HR:
        block_new(r, DOC_RULE, next_line_start(r, r->cursor));
        break;
    case MD_BLOCK_H: {
        unsigned lv = ((const MD_BLOCK_H_DETAIL *)detail)->level;
        text_block(r, lv == 1 ? DOC_SECTION : lv == 2 ? DOC_ARTICLE : DOC_HEADING,
                   next_line_start(r, r->cursor));
        if (lv > 2 && r->cur >= 0)
            r->doc->blocks[r->cur].level = (int)lv;
        break;
    }
    case MD_BLOCK_CODE:
        enter_code(r, detail);
        break;
    case MD_BLOCK_HTML:
        r->raw = RAW_HTML;
        reader_raw_reset(&r->rawbuf);
        break;
    case MD_BLOCK_P:
        text_block(r, DOC_PARA, next_line_start(r, r->cursor));
        break;
    case MD_BLOCK_TABLE:
        enter_table(r);
        break;
    case MD_BLOCK_THEAD:
        r->thead = true;
        break;
    case MD_BLOCK_TR:
        enter_row(r);
        break;
    case MD_BLOCK_TH:
    case MD_BLOCK_TD:
        enter_cell(r, type == MD_BLOCK_TH, detail);
        break;
    default:
        break;
    }
    return r->oom;
}

static int on_leave_block(MD_BLOCKTYPE type, void *detail, void *u)
{
    rd *r = u;
    if (r->oom)
        return 1;
    switch (type) {
    case MD_BLOCK_QUOTE:
        close_lazy(r);
        if (r->nest_err == nest_depth(r))
            r->nest_err = 0;
        leave(&r->quote);
        r->ncont -= r->ncont > 0;
        break;
    case MD_BLOCK_UL:
    case MD_BLOCK_OL:
        close_lazy(r);
        if (r->nest_err == nest_depth(r))
            r->nest_err = 0;
        r->ncont -= r->ncont > 0;
        r->nlists -= r->nlists > 0;
        break;
    case MD_BLOCK_LI: {
        close_lazy(r);
        list_frame *f = open_item(r);
        if (f && f->item_open)
            item_push(r, f, next_line_start(r, r->cursor));
        r->ncont -= r->ncont > 0;
        break;
    }
    case MD_BLOCK_TH:
    case MD_BLOCK_TD:
        check_cell(r);
        text_end(r);
        break;
    case MD_BLOCK_H:
    case MD_BLOCK_P:
        text_end(r);
        break;
    case MD_BLOCK_CODE:
        if (r->raw == RAW_CHART) {
            r->raw = RAW_NONE;
            chart_block(r);
        } else {
            size_t at = r->fence_at;
            bool fenced = r->fence_char != 0;
            text_end(r);
            if (fenced && !fence_closed(r))
                diag_warning_at(r->d, r->src, at,
                                "this code block is not closed, so the rest of the file is "
                                "code; close it with a line %.*s", r->fence_len,
                                r->fence_char == '~' ? "~~~~~~~~~~~~~~~~" : "````````````````");
        }
        break;
    case MD_BLOCK_HTML:
        r->raw = RAW_NONE;
        html_block(r);
        break;
    case MD_BLOCK_THEAD:
        r->thead = false;
        break;
    case MD_BLOCK_TABLE:
        leave_table(r, detail);
        break;
    default:
        break;
    }
    return r->oom;
}

static void add_image(rd *r, const MD_ATTRIBUTE *path)
{
    size_t off;
    char *p = attr_string(r, path);
    if (!p || !vec_reserve((void **)&r->imgs, &r->imgs_cap, r->nimgs + 1, sizeof *r->imgs)) {
        free(p);
        oom(r);
        return;
    }
    para_image *im = &r->imgs[r->nimgs++];
    *im = (para_image){
        .path = p,
        .at = src_offset(r, path->text, path->size, &off) && path->size ? off : r->cursor,
    };
    r->alt = (sink){ .tb = { .t = &im->alt } };
}

static int on_enter_span(MD_SPANTYPE type, void *detail, void *u)
{
    rd *r = u;
    if (!r->active && !open_lazy(r, next_line_start(r, r->cursor)))
        return r->oom;
    switch (type) {
    case MD_SPAN_EM:
        r->em++;
        break;
    case MD_SPAN_STRONG:
        r->bold++;
        break;
    case MD_SPAN_CODE:
        r->code++;
        break;
    case MD_SPAN_A:
        r->link++;
        free(r->href);
        r->href = attr_string(r, &((const MD_SPAN_A_DETAIL *)detail)->href);
        break;
    case MD_SPAN_IMG:
        if (r->img++ == 0)
            add_image(r, &((const MD_SPAN_IMG_DETAIL *)detail)->src);
        break;
    default:
        break;
    }
    return r->oom;
}

static int on_leave_span(MD_SPANTYPE type, void *detail, void *u)
{
    rd *r = u;
    (void)detail;
    switch (type) {
    case MD_SPAN_EM:
        leave(&r->em);
        break;
    case MD_SPAN_STRONG:
        leave(&r->bold);
        break;
    case MD_SPAN_CODE:
        leave(&r->code);
        break;
    case MD_SPAN_A:
        if (leave(&r->link) == 0) {
            free(r->href);
            r->href = NULL;
        }
        break;
    case MD_SPAN_IMG:
        leave(&r->img);
        break;
    default:
        break;
    }
    return r->oom;
}

static int on_text(MD_TEXTTYPE type, const MD_CHAR *s, MD_SIZE n, void *u)
{
    rd *r = u;
    s = orig(r, s);
    size_t off = r->cursor;
    bool in = src_offset(r, s, n, &off);
    see(r, s, n);
    if (r->raw != RAW_NONE) {
        if (!reader_raw_add(&r->rawbuf, s, n, r->src))
            oom(r);
        return r->oom;
    }
    if (in && off < r->skip_until) {
        /* Source already read as part of an HTML table (see html_block). */
        r->skipped |= r->active;
        return 0;
    }
    if (r->skipped || !open_lazy(r, off))
        return r->oom;
    if (r->cur >= 0 && r->para.tb.t->nin == 0 && in && !r->img)
        r->doc->blocks[r->cur].src = off;
    switch (type) {
    case MD_TEXT_NORMAL:
        if (in && s[0] == '#' && r->cur >= 0 && r->doc->blocks[r->cur].kind == DOC_PARA &&
            !r->code_text)
            check_hash_line(r, off);
        emit(r, s, n, off, in);
        break;
    case MD_TEXT_NULLCHAR:
        emit(r, "\xEF\xBF\xBD", 3, off, false);
        break;
    case MD_TEXT_BR:
        emit_break(r, off);
        break;
    case MD_TEXT_SOFTBR:
        soft_break(r, off);
        break;
    case MD_TEXT_ENTITY: {
        char buf[4];
        int k = reader_entity(s, n, buf);
        if (k > 0)
            emit(r, buf, (size_t)k, off, false);
        else
            emit(r, s, n, off, false);
        break;
    }
    case MD_TEXT_CODE:
        if (r->code_text)
            code_line_text(r, s, n, off, in);
        else
            emit(r, s, n, off, false);
        break;
    case MD_TEXT_HTML:
        inline_html(r, s, n, off);
        break;
    default:
        emit(r, s, n, off, false);
        break;
    }
    return r->oom;
}

/* ---- silent mistakes ------------------------------------------------------------ */

/* Offset of the first character of the line holding off. */
static size_t line_start(const src_file *src, size_t off)
{
    while (off > 0 && src->text[off - 1] != '\n')
        off--;
    return off;
}

/* Text at off, at the start of a paragraph line, that begins with '#': "##标题" was
 * meant as a heading but, without a space after the #s, is printed as text. */
static void check_hash_line(rd *r, size_t off)
{
    const char *t = r->src->text;
    for (size_t i = line_start(r->src, off); i < off; i++)
        if (t[i] != ' ' && t[i] != '\t' && t[i] != '>')
            return;           /* not the first text of its line */
    size_t h = off;
    while (h < r->src->len && t[h] == '#' && h - off < 7)
        h++;
    if (h - off > 6 || h >= r->src->len || strchr(" \t\r\n#", t[h]))
        return;
    /* The rest of the line, up to ten characters, for the example. */
    size_t e = h, chars = 0;
    while (e < r->src->len && t[e] != '\n' && t[e] != '\r' && chars < 10) {
        utf8_next(t, r->src->len, &e);
        chars++;
    }
    bool more = e < r->src->len && t[e] != '\n' && t[e] != '\r';
    diag_warning_at(r->d, r->src, off,
                    "'%.*s%s' is printed as text, not as a heading: put a space after the #, "
                    "'%.*s %.*s%s' (or write \\# to print a #)",
                    (int)(e - off), t + off, more ? "…" : "", (int)(h - off), t + off,
                    (int)(e - h), t + h, more ? "…" : "");
}

/* Past a code span opening at t[i] (a run of backticks closed by a run as long on
 * the same line): pipes inside it do not split cells. i itself when it is not closed. */
static size_t skip_code_span(const char *t, size_t i, size_t e)
{
    size_t run = 0;
    while (i + run < e && t[i + run] == '`')
        run++;
    for (size_t j = i + run; j < e;) {
        size_t k = 0;
        while (j + k < e && t[j + k] == '`')
            k++;
        if (k == run)
            return j + k - 1;
        j += k ? k : 1;
    }
    return i + run - 1;
}

/* Where a table line's cells start: after blanks and quote markers, and on the first
 * line of a table that opens a list item, after the item's marker. */
static size_t table_line_start(const char *t, size_t p, size_t e, bool first)
{
    for (;;) {
        while (p < e && (t[p] == ' ' || t[p] == '\t' || t[p] == '>'))
            p++;
        size_t m = p;
        while (first && m < e && m - p < 9 && t[m] >= '0' && t[m] <= '9')
            m++;
        if (first && m < e && (m > p ? t[m] == '.' || t[m] == ')' : strchr("-*+", t[m]) != NULL) &&
            m + 1 < e && (t[m + 1] == ' ' || t[m + 1] == '\t'))
            p = m + 1;
        else
            return p;
    }
}

/* Cells of one GFM table line [p, e): unescaped pipes outside code spans split it; a
 * pipe at either end only closes it. *extra_at gets where cell number ncols + 1
 * starts. */
static int table_line_cells(const char *t, size_t p, size_t e, int ncols, size_t *extra_at)
{
    while (e > p && (t[e - 1] == ' ' || t[e - 1] == '\t' || t[e - 1] == '\r'))
        e--;
    if (p == e)
        return 0;
    bool lead = t[p] == '|';
    bool trail = e - p > 1 && t[e - 1] == '|' && t[e - 2] != '\\';
    int cells = 1;
    *extra_at = e;
    for (size_t i = p + lead; i < e - trail; i++) {
        if (t[i] == '\\' && i + 1 < e) {
            i++;
        } else if (t[i] == '`') {
            i = skip_code_span(t, i, e - trail);
        } else if (t[i] == '|' && cells++ == ncols) {
            size_t c = i + 1;
            while (c < e && (t[c] == ' ' || t[c] == '\t'))
                c++;
            *extra_at = c;
        }
    }
    return cells;
}

/* A GFM table row with fewer or more cells than its header is filled with empty
 * cells or cut by md4c without a word: say so. Rows are the table's source lines,
 * from its header line (at) on, the delimiter row second. */
static void check_table_rows(rd *r, size_t at, int nrows, int ncols)
{
    const src_file *src = r->src;
    size_t p = line_start(src, at);
    for (int row = 0; row <= nrows && p < src->len; row++) {
        const char *nl = memchr(src->text + p, '\n', src->len - p);
        size_t e = nl ? (size_t)(nl - src->text) : src->len;
        size_t q = table_line_start(src->text, p, e, row == 0), extra_at = q;
        int cells = table_line_cells(src->text, q, e, ncols, &extra_at);
        if (row != 1 && cells > 0 && cells < ncols)
            diag_warning_at(r->d, src, q,
                            "this table row has %d cell%s but the header has %d; the row is "
                            "filled with empty cells: add the missing %s ('| |' for an empty one)",
                            cells, cells == 1 ? "" : "s", ncols,
                            ncols - cells == 1 ? "cell" : "cells");
        else if (row != 1 && cells > ncols)
            diag_warning_at(r->d, src, extra_at,
                            "this table row has %d cells but the header has %d; the cells from "
                            "here on are left out: remove them or add %s to the header",
                            cells, ncols, cells - ncols == 1 ? "a column" : "columns");
        p = nl ? e + 1 : e;
    }
}

/* ---- entry points --------------------------------------------------------------- */

static void reader_free_state(rd *r)
{
    free(r->cont);
    free(r->lists);
    free(r->href);
    images_clear(r);
    free(r->imgs);
    reader_raw_free(&r->rawbuf);
}

static void read_body(doc *dc, size_t body, const doc_options *o, diag *d)
{
    rd r = { .src = dc->src, .dir = dc->dir, .allow_outside = o->allow_outside, .d = d,
             .doc = dc, .cur = -1, .caption_para = -1, .cursor = body };
    size_t len = dc->src->len - body;
    if (len > UINT_MAX) {
        diag_error_at(d, dc->src, body, "the issue is larger than 4 GB; split it");
        return;
    }
    bool no_mem;
    char *alt = reader_cjk_emphasis(dc->src->text, dc->src->len, &no_mem);
    if (no_mem) {
        reader_oom(d, dc->src);
        return;
    }
    r.md_copy = alt;
    MD_PARSER p = {
        .flags = MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH,
        .enter_block = on_enter_block,
        .leave_block = on_leave_block,
        .enter_span = on_enter_span,
        .leave_span = on_leave_span,
        .text = on_text,
    };
    int rc = md_parse((alt ? alt : dc->src->text) + body, (MD_SIZE)len, &p, &r);
    if (rc != 0 && !r.oom)
        diag_error_at(d, dc->src, body, "the Markdown parser failed (code %d)", rc);
    reader_free_state(&r);
    free(alt);
}

/* Reports each byte that is not UTF-8 (a few, then gives up). False if any. */
static bool check_utf8(const src_file *src, diag *d)
{
    int n = 0;
    for (size_t i = utf8_invalid(src->text, src->len, 0); i < src->len;) {
        if (n++ == MAX_UTF8_ERRORS) {
            diag_note(d, "%s: more bytes are not UTF-8; save the file as UTF-8", src->path);
            break;
        }
        diag_error_at(d, src, i, "invalid UTF-8 byte 0x%02X; save the file as UTF-8",
                      (unsigned char)src->text[i]);
        /* The rest of a broken character is the same mistake. */
        size_t j = i + 1;
        while (j < src->len && ((unsigned char)src->text[j] & 0xC0) == 0x80)
            j++;
        i = utf8_invalid(src->text, src->len, j);
    }
    return n == 0;
}

static bool is_blank_file(const src_file *src)
{
    size_t i = src->len >= 3 && memcmp(src->text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    for (; i < src->len; i++)
        if (!src->text[i] || !strchr(" \t\r\n\f\v", src->text[i]))
            return false;
    return true;
}

static void too_big(diag *d, const char *path)
{
    diag_error(d, path, 0, 0, "the issue is larger than %zu MB, more text than an issue's "
                              "%d pages hold; split it into several issues",
               MAX_SOURCE_BYTES >> 20, DL_MAX_PAGES);
}

/* Takes src (freed on failure). */
static doc *read_src(src_file *src, const char *dir, const doc_options *o, diag *d)
{
    if (src->len > MAX_SOURCE_BYTES) {
        too_big(d, src->path);
        src_file_free(src);
        return NULL;
    }
    int errors = d->errors;
    doc *dc = calloc(1, sizeof *dc);
    if (!dc || !(dc->dir = strdup(dir))) {
        reader_oom(d, src);
        free(dc);
        src_file_free(src);
        return NULL;
    }
    dc->src = src;
    if (check_utf8(src, d)) {
        if (is_blank_file(src)) {
            diag_error_at(d, src, 0,
                          "the file is empty; an issue starts with front matter ('---', "
                          "'key: value' lines, '---') followed by its Markdown text");
        } else {
            size_t body = reader_front_matter(src, d, &dc->meta);
            if (!o->front_matter_only)
                read_body(dc, body, o, d);
        }
    }
    if (d->errors > errors) {
        doc_free(dc);
        return NULL;
    }
    return dc;
}

doc *doc_read_mem(const char *name, const char *text, size_t len, const char *dir, diag *d)
{
    src_file *src = src_file_new(name, text ? text : "", text ? len : 0);
    if (!src) {
        diag_error_general(d, "out of memory while reading %s", name ? name : "the issue");
        return NULL;
    }
    static const doc_options defaults;
    return read_src(src, dir ? dir : ".", &defaults, d);
}

doc *doc_read(const char *path, diag *d)
{
    return doc_read_with(path, NULL, d);
}

doc *doc_read_with(const char *path, const doc_options *o, diag *d)
{
    static const doc_options defaults;
    if (!o)
        o = &defaults;
    struct stat st;
    bool is_dir = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
    size_t n = strlen(path);
    char *file = malloc(n + sizeof "/issue.md"), *dir = malloc(n + 2);
    if (!file || !dir) {
        free(file);
        free(dir);
        diag_error_general(d, "out of memory while reading %s", path);
        return NULL;
    }
    if (is_dir) {
        strcpy(dir, path);
        while (n > 1 && dir[n - 1] == '/')
            dir[--n] = 0;
        sprintf(file, "%s%sissue.md", dir, dir[n - 1] == '/' ? "" : "/");
    } else {
        strcpy(file, path);
        const char *slash = strrchr(path, '/');
        if (!slash)
            strcpy(dir, ".");
        else if (slash == path)
            strcpy(dir, "/");
        else {
            memcpy(dir, path, (size_t)(slash - path));
            dir[slash - path] = 0;
        }
    }
    size_t len;
    unsigned char *text = fileio_read(file, MAX_SOURCE_BYTES, &len);
    int err = errno;
    src_file *src = text ? src_file_new(file, (const char *)text, len) : NULL;
    free(text);
    doc *dc = NULL;
    if (!text && err == EFBIG)
        too_big(d, file);
    else if (!text)
        diag_error(d, file, 0, 0, "cannot read the issue: %s", fileio_error(err));
    else if (!src)
        diag_error_general(d, "out of memory while reading %s", file);
    else
        dc = read_src(src, dir, o, d);
    free(file);
    free(dir);
    return dc;
}
