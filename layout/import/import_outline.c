/* import — see import.h.
 *
 * One pass per concern, each over the previous one's output:
 *   clean     bytes → valid UTF-8 (LF, no NUL or control characters)
 *   lines     split, trimmed, classified; running footers marked
 *   blocks    runs of lines → paragraphs, headings, tables, lists (page breaks remembered)
 *   masthead  the blocks before the contents listing → front matter
 *   contents  the 目录 listing → section names and article titles (then dropped)
 *   roles     body blocks → sections, articles, inner headings, paragraphs
 *   articles  per article: embedded contents, demoted and promoted headings, levels
 *   tables    captions, grids → GFM or HTML; source lines; lost figures
 *   rejoin    paragraphs cut at page breaks
 *   artifacts Latin words standing in for Chinese ones (reported only); ** that
 *             CommonMark would not close next to CJK punctuation
 *   emit      front matter + Markdown
 * Every step is linear in the input (title matching is hashed; the fuzzy comparison only
 * looks at the next few titles and at most IMP_FUZZY_MAX characters). Warnings are
 * collected and reported in line order at the end. */
#include "layout/import/import.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layout/base/strbuf.h"
#include "layout/base/utf8.h"
#include "layout/base/vec.h"

enum {
    IMP_FOOTER_MAX = 100,    /* bytes: a running footer is a short line */
    IMP_FOOTER_MIN = 3,      /* repeats before a line counts as a running footer */
    IMP_LONG = 40,           /* characters: a line this long is a sentence, not a title */
    IMP_SHORT_HEAD = 30,     /* characters: a numbered line this short may be a heading */
    IMP_TOP_TITLE = 8,       /* characters: an unnumbered heading this long heads a part */
    IMP_SECTION_MAX = 12,    /* characters: a section name in the contents listing */
    IMP_FUZZY_MAX = 256,     /* characters compared by edit distance */
    IMP_NOTE_MAX = 256,      /* characters: a trailing note in brackets is shorter */
    IMP_TITLE_WINDOW = 3,    /* next unmatched contents titles tried by fuzzy matching */
    IMP_TABLE_COLS = 64,     /* wider tab-separated runs are not tables */
    IMP_TABLE_CELLS = 1 << 20,
    IMP_ENCODING_WARNINGS = 20,
};

/* ===================== character classes ===================== */

/* utf8_next, but 0 at the end of s: the scanners below look one character past what
 * they read without checking first. */
static uint32_t imp_next(const char *s, size_t n, size_t *i)
{
    return *i < n ? utf8_next(s, n, i) : 0;
}

#define HAN_NUMERALS "〇零一二三四五六七八九十百千两"
#define STOPS "。！？；：….!?;:．"
#define CLOSERS "”’」』）)】〕》〉］]\"'"

static bool imp_cp_in(uint32_t c, const char *set)
{
    size_t n = strlen(set), i = 0;
    while (i < n)
        if (imp_next(set, n, &i) == c)
            return true;
    return false;
}

static bool imp_is_han(uint32_t c)
{
    return (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3FFFF);
}

static bool imp_is_digit(uint32_t c)
{
    return c >= '0' && c <= '9';
}

static bool imp_is_latin(uint32_t c)
{
    return imp_is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool imp_is_blank(uint32_t c)
{
    return c == ' ' || c == '\t' || c == 0x3000 || c == 0xA0;
}

/* ASCII and CJK punctuation: what CommonMark's flanking rules treat as punctuation. */
static bool imp_is_punct(uint32_t c)
{
    if (c < 0x80)
        return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) ||
               (c >= 0x7B && c <= 0x7E);
    return (c >= 0x2010 && c <= 0x2027) || (c >= 0x2030 && c <= 0x205E) ||
           (c >= 0x3001 && c <= 0x3003) || (c >= 0x3008 && c <= 0x3011) ||
           (c >= 0x3014 && c <= 0x301F) || (c >= 0xFE10 && c <= 0xFE6F) ||
           (c >= 0xFF01 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20) ||
           (c >= 0xFF3B && c <= 0xFF40) || (c >= 0xFF5B && c <= 0xFF65) || c == 0xB7;
}

/* ===================== context and warnings ===================== */

typedef enum { L_BLANK, L_FOOTER, L_TEXT, L_HEAD, L_ROW } imp_lkind;

typedef struct {
    const char *s;            /* into the cleaned text, not NUL-terminated */
    size_t n;                 /* without surrounding spaces */
    int no;                   /* 1-based line number */
    imp_lkind kind;
} imp_line;

/* Outline numbering, outermost first. K_U: a heading without numbering. */
typedef enum { K_U, K_CHAP, K_SECT, K_HAN, K_PAREN, K_NUM, K_PNUM, K_COUNT } imp_kind;

typedef enum { BK_PARA, BK_HEAD, BK_TABLE, BK_LIST } imp_bkind;

typedef enum {
    R_DROP,                   /* not written: masthead, contents, a used caption, joined */
    R_PARA,
    R_BOLD,                   /* a heading mark on a short sentence: a bold paragraph */
    R_SOURCE,                 /* （来源：…） */
    R_FIGURE,                 /* the caption of a lost image, kept as a paragraph */
    R_SECTION,
    R_ARTICLE,
    R_HEADING,
    R_TOC_ITEM,               /* an entry of a document's own contents, as a list item */
    R_LIST,
    R_RAW,                    /* already Markdown: tables */
} imp_role;

typedef struct {
    imp_bkind kind;
    imp_role role;
    int first, last;          /* its lines, inclusive */
    int marks;                /* '#' on a heading line; 0 when none */
    bool bold;                /* the whole line was **bold** */
    bool page_before;         /* a running footer lies between it and the previous block */
    bool promoted;            /* a numbered line taken as a heading */
    imp_kind num;             /* the numbering it starts with */
    int level;                /* heading level; list depth of a R_TOC_ITEM */
    int joined;               /* the next block joined onto this one across a page break; 0: none */
    char *text;               /* owned */
    char *caption;            /* tables: owned, or NULL */
} imp_block;

typedef struct {
    char *text;               /* as listed */
    char *norm;               /* imp_norm(text) */
    int no;
    bool used;
} imp_entry;

typedef struct {
    const char *k;
    size_t n;
    int v;
} imp_slot;

/* Open addressing over keys owned elsewhere; sized once for the keys it will hold. */
typedef struct {
    imp_slot *slot;
    size_t mask;
} imp_map;

typedef struct {
    int line;
    int seq;
    char *msg;
} imp_warning;

enum {
    M_ASSOC, M_ASSOC_EN, M_TITLE, M_NUMBER, M_ISSUE, M_MONTH, M_EDITOR, M_TYPESETTER,
    M_PHONE, M_FAX, M_EMAIL, M_ADDRESS, M_WEBSITE, M_STYLE, M_COUNT
};

static const char *const imp_meta_key[M_COUNT] = {
    "association", "association_en", "title", "number", "issue", "month", "editor",
    "typesetter", "phone", "fax", "email", "address", "website", "style",
};

/* The style every imported issue starts with (doc.h's default). */
#define IMP_STYLE "zasto"

typedef struct {
    const char *name;
    char *text;               /* cleaned input */
    size_t len;
    imp_line *line;
    int nline;
    imp_block *blk;
    int nblk;
    size_t capblk;
    imp_entry *sec, *tit;     /* the contents listing: sections, article titles */
    int nsec, ntit;
    size_t capsec, captit;
    imp_map secmap, titmap;
    int next_title;           /* first title not yet met in the body */
    char *meta[M_COUNT];
    const char *footer;       /* the first running footer, for the website */
    size_t footer_n;
    imp_warning *warn;
    int nwarn;
    size_t capwarn;
    bool oom;
} imp_ctx;

static void imp_warn(imp_ctx *c, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void imp_warn(imp_ctx *c, int line, const char *fmt, ...)
{
    if (c->oom)
        return;
    if (!VEC_PUSH_ROOM(c->warn, c->capwarn, c->nwarn)) {
        c->oom = true;
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *msg = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (!msg) {
        c->oom = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(msg, (size_t)n + 1, fmt, ap);
    va_end(ap);
    c->warn[c->nwarn] = (imp_warning){ line, c->nwarn, msg };
    c->nwarn++;
}

static int imp_warning_cmp(const void *a, const void *b)
{
    const imp_warning *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

static void imp_report(imp_ctx *c, diag *d)
{
    qsort(c->warn, (size_t)c->nwarn, sizeof *c->warn, imp_warning_cmp);
    for (int i = 0; i < c->nwarn; i++)
        diag_warning(d, c->name, c->warn[i].line, 1, "%s", c->warn[i].msg);
}

/* At most 24 characters of s, for messages; … when cut. */
static const char *imp_snip(char out[128], const char *s)
{
    size_t n = strlen(s), i = 0, o = 0;
    int k = 0;
    while (i < n && k < 24) {
        size_t j = i;
        imp_next(s, n, &j);
        memcpy(out + o, s + i, j - i);
        o += j - i;
        i = j;
        k++;
    }
    if (i < n) {
        memcpy(out + o, "…", strlen("…"));
        o += strlen("…");
    }
    out[o] = 0;
    return out;
}

/* The last k characters of s. */
static const char *imp_tail(const char *s, size_t k)
{
    size_t i = strlen(s);
    while (i > 0 && k-- > 0)
        utf8_prev(s, &i);
    return s + i;
}

static char *imp_dup(imp_ctx *c, const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (!d) {
        c->oom = true;
        return NULL;
    }
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

static char *imp_take(imp_ctx *c, strbuf *b)
{
    char *s = strbuf_take(b);
    if (!s)
        c->oom = true;
    return s;
}

static int imp_no(const imp_ctx *c, const imp_block *b)
{
    return c->line[b->first].no;
}

/* ===================== text measures ===================== */

/* Characters that print: everything but spaces and emphasis marks. */
static size_t imp_vis_len(const char *s)
{
    size_t n = strlen(s), i = 0, k = 0;
    while (i < n) {
        uint32_t c = imp_next(s, n, &i);
        k += !imp_is_blank(c) && c != '*';
    }
    return k;
}

/* End of s without trailing spaces and emphasis marks. */
static size_t imp_rtrim_marks(const char *s, size_t n)
{
    while (n > 0) {
        size_t k = n;
        uint32_t c = utf8_prev(s, &k);
        if (!imp_is_blank(c) && c != '*')
            break;
        n = k;
    }
    return n;
}

/* Start of s after leading spaces and emphasis marks. */
static size_t imp_ltrim_marks(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t k = i;
        uint32_t c = imp_next(s, n, &k);
        if (!imp_is_blank(c) && c != '*')
            break;
        i = k;
    }
    return i;
}

static uint32_t imp_last(const char *s)
{
    size_t n = imp_rtrim_marks(s, strlen(s));
    return utf8_prev(s, &n);
}

static uint32_t imp_first(const char *s)
{
    size_t n = strlen(s), i = imp_ltrim_marks(s, n);
    return imp_next(s, n, &i);
}

/* True when s ends a sentence: 。！？；：… (and ASCII .!?;:). A closing quote or bracket
 * counts only after such a mark — “……。” and "…。（完）" end, “促进就业九条” does not. */
static bool imp_ends_sentence(const char *s)
{
    size_t e = imp_rtrim_marks(s, strlen(s)), i = e;
    uint32_t c = utf8_prev(s, &i);
    if (!imp_cp_in(c, CLOSERS))
        return c && imp_cp_in(c, STOPS);
    size_t k = i;
    if (imp_cp_in(utf8_prev(s, &k), STOPS))
        return true;
    if (c != 0xFF09 && c != ')')
        return false;
    int depth = 0, steps = 0;
    /* a trailing note in brackets is short; no need to look further back */
    for (size_t m = e; m > 0 && steps++ < IMP_NOTE_MAX;) {
        uint32_t q = utf8_prev(s, &m);
        if (q == 0xFF09 || q == ')')
            depth++;
        else if ((q == 0xFF08 || q == '(') && --depth == 0) {
            size_t b = m;
            return imp_cp_in(utf8_prev(s, &b), STOPS);
        }
    }
    return false;
}

/* A 。！？；before the last character: more than one clause. */
static bool imp_inner_stop(const char *s)
{
    size_t n = imp_rtrim_marks(s, strlen(s)), i = imp_ltrim_marks(s, n);
    size_t last = n;
    utf8_prev(s, &last);
    while (i < last)
        if (imp_cp_in(imp_next(s, n, &i), "。！？；!?;"))
            return true;
    return false;
}

static bool imp_ends_stop(const char *s)
{
    return imp_cp_in(imp_last(s), "。！？!?");
}

/* Removes spaces between two Han characters in place (a line break inside a title or a
 * table cell, clreq CL-LB-12); true when there were any. */
static bool imp_drop_han_spaces(char *s)
{
    size_t n = strlen(s), w = 0, i = 0;
    uint32_t prev = 0;
    bool changed = false;
    while (i < n) {
        size_t j = i;
        uint32_t u = imp_next(s, n, &j);
        if (u == ' ' && imp_is_han(prev)) {
            size_t k = j;
            while (k < n && s[k] == ' ')
                k++;
            size_t m = k;
            if (imp_is_han(imp_next(s, n, &m))) {
                i = k;
                changed = true;
                continue;
            }
        }
        memmove(s + w, s + i, j - i);
        w += j - i;
        i = j;
        prev = u;
    }
    s[w] = 0;
    return changed;
}

/* ===================== outline numbering ===================== */

static size_t imp_scan_numerals(const char *s, size_t n, size_t *i, bool han, bool dig)
{
    size_t k = 0;
    while (*i < n) {
        size_t j = *i;
        uint32_t c = imp_next(s, n, &j);
        if (!((han && imp_cp_in(c, HAN_NUMERALS)) || (dig && imp_is_digit(c))))
            break;
        *i = j;
        k++;
    }
    return k;
}

/* The outline numbering s starts with (第一章, 第一节, 一、, （一）, 1. 1、, （1）);
 * *after is where the text after it begins. K_U when there is none. */
static imp_kind imp_numbering(const char *s, size_t *after)
{
    size_t n = strlen(s), i = imp_ltrim_marks(s, n), j = i;
    imp_kind k = K_U;
    uint32_t c = imp_next(s, n, &j);
    if (c == 0x7B2C /* 第 */) {
        size_t m = j;
        if (imp_scan_numerals(s, n, &m, true, true) > 0) {
            uint32_t d = imp_next(s, n, &m);
            if (d == 0x7AE0 /* 章 */ || d == 0x8282 /* 节 */)
                k = d == 0x7AE0 ? K_CHAP : K_SECT, i = m;
        }
    } else if (c == 0xFF08 || c == '(') {
        size_t m = j;
        bool han = imp_scan_numerals(s, n, &m, true, false) > 0;
        size_t cnt = han ? 1 : imp_scan_numerals(s, n, &m, false, true);
        uint32_t d = imp_next(s, n, &m);
        if ((han || (cnt > 0 && cnt <= 3)) && (d == 0xFF09 || d == ')'))
            k = han ? K_PAREN : K_PNUM, i = m;
    } else if (imp_cp_in(c, HAN_NUMERALS)) {
        size_t m = i;
        size_t cnt = imp_scan_numerals(s, n, &m, true, false);
        if (cnt <= 4 && imp_next(s, n, &m) == 0x3001 /* 、 */)
            k = K_HAN, i = m;
    } else if (imp_is_digit(c)) {
        size_t m = i;
        size_t cnt = imp_scan_numerals(s, n, &m, false, true);
        uint32_t d = imp_next(s, n, &m);
        size_t p = m;
        if (cnt <= 3 && (d == '.' || d == 0xFF0E || d == 0x3001) && !imp_is_digit(imp_next(s, n, &p)))
            k = K_NUM, i = m;
    }
    while (i < n && s[i] == ' ')
        i++;
    if (after)
        *after = i;
    return k;
}

/* True when s starts a new item of some enumeration: outline numbering, ①, 一是, 第一条,
 * a leading —— or bullet. Such a line never continues the paragraph before it. */
static bool imp_starts_item(const char *s)
{
    if (imp_numbering(s, NULL) != K_U)
        return true;
    size_t n = strlen(s), i = imp_ltrim_marks(s, n), j = i;
    uint32_t c = imp_next(s, n, &j);
    if ((c >= 0x2460 && c <= 0x2473) || imp_cp_in(c, "•●■◆▪★▲◇□○"))
        return true;
    if (c == 0x2014 && imp_next(s, n, &j) == 0x2014)
        return true;
    size_t m = i;
    if (c == 0x7B2C /* 第 */)
        imp_next(s, n, &m);
    if (imp_scan_numerals(s, n, &m, true, c == 0x7B2C) > 0) {
        uint32_t d = imp_next(s, n, &m);
        return (c != 0x7B2C && d == 0x662F /* 是 */) || (c == 0x7B2C && d == 0x6761 /* 条 */);
    }
    return false;
}

/* ===================== cleaning and lines ===================== */

/* Length of the valid UTF-8 sequence at text[i], 0 when it is invalid (utf8_next reads
 * a bad byte as U+FFFD and steps one byte; a real U+FFFD takes three). */
static size_t imp_valid(const char *text, size_t len, size_t i)
{
    size_t j = i;
    return utf8_next(text, len, &j) == 0xFFFD && j - i == 1 ? 0 : j - i;
}

/* Copies text as valid UTF-8: invalid bytes become U+FFFD, NUL and other control
 * characters (but tab and newline) are dropped, CR LF becomes LF, a BOM goes. */
static bool imp_clean(imp_ctx *c, const char *text, size_t len)
{
    const unsigned char *p = (const unsigned char *)text;
    strbuf b = { 0 };
    int line = 1, reported = 0;
    bool bad = false;
    size_t i = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    while (i < len) {
        unsigned ch = p[i];
        size_t k = ch == '\n' || ch == '\t' ? 1 : ch < 0x20 || ch == 0x7F ? 0 : imp_valid(text, len, i);
        bool c1 = k == 2 && ch == 0xC2 && p[i + 1] < 0xA0;
        if (ch == '\r' && i + 1 < len && p[i + 1] == '\n') {
            i++;
            continue;
        }
        if (k == 0 || c1) {
            if (!bad && reported++ < IMP_ENCODING_WARNINGS)
                imp_warn(c, line, "invalid UTF-8 or control characters removed from this line");
            bad = true;
            if (k == 0 && ch >= 0x80)
                strbuf_str(&b, "\xEF\xBF\xBD");
            i += c1 ? 2 : 1;
            continue;
        }
        if (ch == '\n')
            line++, bad = false;
        strbuf_add(&b, text + i, k);
        i += k;
    }
    if (reported > IMP_ENCODING_WARNINGS)
        imp_warn(c, line, "%d more lines had invalid UTF-8 or control characters",
                 reported - IMP_ENCODING_WARNINGS);
    c->len = b.n;
    c->text = imp_take(c, &b);
    return c->text != NULL;
}

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

/* Splits the cleaned text into lines without surrounding spaces (ASCII, ideographic,
 * no-break) — tabs stay, they separate table cells. */
static bool imp_split_lines(imp_ctx *c)
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

static uint64_t imp_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static bool imp_map_init(imp_ctx *c, imp_map *m, size_t keys)
{
    size_t cap = 16;
    while (cap < keys * 2 + 1)
        cap *= 2;
    m->slot = calloc(cap, sizeof *m->slot);
    m->mask = cap - 1;
    if (!m->slot)
        c->oom = true;
    return m->slot != NULL;
}

/* The value kept for key (k, n); added with value -1 when absent and add is set. */
static int *imp_map_at(imp_map *m, const char *k, size_t n, bool add)
{
    if (!m->slot)
        return NULL;
    for (size_t h = imp_hash(k, n) & m->mask;; h = (h + 1) & m->mask) {
        imp_slot *s = &m->slot[h];
        if (!s->k) {
            if (!add)
                return NULL;
            *s = (imp_slot){ k, n, -1 };
            return &s->v;
        }
        if (s->n == n && memcmp(s->k, k, n) == 0)
            return &s->v;
    }
}

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

/* A line repeated on many pages (the same URL-like line at least IMP_FOOTER_MIN times),
 * and isolated page numbers when there are that many, are running furniture. */
static void imp_mark_footers(imp_ctx *c)
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

/* Appends line text t to a paragraph the way a line break inside it reads: nothing
 * between Han characters (clreq CL-LB-12) or next to any non-Latin character, one space
 * between two Latin words. Emphasis marks at the seam are looked through. */
static void imp_join_text(strbuf *b, const char *t, size_t n)
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
    imp_warn(c, l->no, "a single tab-separated line: written as a paragraph, not a table");
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

static void imp_make_blocks(imp_ctx *c)
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

/* ===================== comparing titles ===================== */

/* The comparable form of a title: no spaces or emphasis, full-width ASCII folded to ASCII,
 * quotes, brackets and dashes unified, ASCII lower case. */
static char *imp_norm(imp_ctx *c, const char *s)
{
    strbuf b = { 0 };
    size_t n = strlen(s), i = 0;
    while (i < n) {
        uint32_t u = imp_next(s, n, &i);
        if (imp_is_blank(u) || u == '*' || u == '#')
            continue;
        if (u >= 0xFF01 && u <= 0xFF5E)
            u -= 0xFEE0;
        if (imp_cp_in(u, "“”„‟「」『』"))
            u = '"';
        else if (imp_cp_in(u, "‘’"))
            u = '\'';
        else if (imp_cp_in(u, "〔【［"))
            u = '[';
        else if (imp_cp_in(u, "〕】］"))
            u = ']';
        else if (imp_cp_in(u, "—–‐‑−─"))
            u = '-';
        if (u >= 'A' && u <= 'Z')
            u += 'a' - 'A';
        char enc[4];
        strbuf_add(&b, enc, (size_t)utf8_put(u, enc));
    }
    return imp_take(c, &b);
}

static size_t imp_cps(const char *s, uint32_t *out, size_t max)
{
    size_t n = strlen(s), i = 0, k = 0;
    while (i < n && k < max)
        out[k++] = imp_next(s, n, &i);
    return i < n ? max + 1 : k;
}

/* Levenshtein distance over code points, or cap + 1 when it is larger (or a string is
 * longer than IMP_FUZZY_MAX). */
static size_t imp_distance(const char *a, const char *b, size_t cap)
{
    uint32_t x[IMP_FUZZY_MAX], y[IMP_FUZZY_MAX];
    size_t row[2][IMP_FUZZY_MAX + 1];
    size_t nx = imp_cps(a, x, IMP_FUZZY_MAX), ny = imp_cps(b, y, IMP_FUZZY_MAX);
    if (nx > IMP_FUZZY_MAX || ny > IMP_FUZZY_MAX || (nx > ny ? nx - ny : ny - nx) > cap)
        return cap + 1;
    for (size_t j = 0; j <= ny; j++)
        row[0][j] = j;
    for (size_t i = 1; i <= nx; i++) {
        size_t *cur = row[i & 1], *prev = row[(i - 1) & 1], best = cur[0] = i;
        for (size_t j = 1; j <= ny; j++) {
            size_t v = prev[j - 1] + (x[i - 1] != y[j - 1]);
            if (prev[j] + 1 < v)
                v = prev[j] + 1;
            if (cur[j - 1] + 1 < v)
                v = cur[j - 1] + 1;
            cur[j] = v;
            if (v < best)
                best = v;
        }
        if (best > cap)
            return cap + 1;
    }
    return row[nx & 1][ny];
}

/* A heading that is the listed title give or take a few characters: one contains the
 * other with at most a fifth more, or they differ by a tenth of their characters. */
static bool imp_close_enough(const char *heading, const char *title)
{
    size_t lh = imp_vis_len(heading), lt = imp_vis_len(title);
    if (lt < 4)
        return false;
    size_t diff = lh > lt ? lh - lt : lt - lh, allow = lt / 5 > 2 ? lt / 5 : 2;
    if ((strstr(heading, title) || strstr(title, heading)) && diff <= allow)
        return true;
    size_t cap = lt / 10 > 1 ? lt / 10 : 1;
    return imp_distance(heading, title, cap) <= cap;
}

/* ===================== masthead ===================== */

static const struct {
    const char *label;
    int key;
} imp_labels[] = {
    { "联系电话", M_PHONE }, { "电子邮箱", M_EMAIL }, { "主编", M_EDITOR },
    { "排版", M_TYPESETTER }, { "电话", M_PHONE }, { "传真", M_FAX }, { "邮箱", M_EMAIL },
    { "E-mail", M_EMAIL }, { "Email", M_EMAIL }, { "地址", M_ADDRESS }, { "网址", M_WEBSITE },
    { "网站", M_WEBSITE },
};

static void imp_set_meta(imp_ctx *c, int key, const char *s, size_t n, int line)
{
    while (n > 0 && (s[0] == ' ' || s[0] == '\t'))
        s++, n--;
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n == 0)
        return;
    if (c->meta[key]) {
        imp_warn(c, line, "masthead gives %s twice; the first one is kept", imp_meta_key[key]);
        return;
    }
    c->meta[key] = imp_dup(c, s, n);
}

/* The label (from imp_labels) followed by ：or : at s[i], or -1; *end is after the colon. */
static int imp_label_at(const char *s, size_t n, size_t i, size_t *end)
{
    for (size_t k = 0; k < sizeof imp_labels / sizeof *imp_labels; k++) {
        size_t ln = strlen(imp_labels[k].label);
        if (i + ln > n || memcmp(s + i, imp_labels[k].label, ln) != 0)
            continue;
        size_t j = i + ln;
        uint32_t col = imp_next(s, n, &j);
        if (col == ':' || col == 0xFF1A) {
            *end = j;
            return (int)k;
        }
    }
    return -1;
}

/* "主编：徐阳丽", "电话：0756-3628126 传真：0756-3628125": every "label：value" pair. */
static bool imp_masthead_labels(imp_ctx *c, const char *t, int line)
{
    size_t n = strlen(t), end = 0;
    int cur = -1;
    size_t val = 0;
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && t[i - 1] != ' ' && t[i - 1] != '\t')
            continue;
        int k = imp_label_at(t, n, i, &end);
        if (k < 0)
            continue;
        if (cur >= 0)
            imp_set_meta(c, imp_labels[cur].key, t + val, i - val, line);
        cur = k, val = end, any = true;
        i = end - 1;
    }
    if (cur >= 0)
        imp_set_meta(c, imp_labels[cur].key, t + val, n - val, line);
    return any && imp_label_at(t, n, 0, &end) >= 0;
}

/* 总第29期 anywhere in t: its start and end, or false. */
static bool imp_find_issue(const char *t, size_t *from, size_t *to)
{
    const char *p = strstr(t, "总第");
    if (!p)
        return false;
    size_t n = strlen(t), i = (size_t)(p - t) + strlen("总第");
    if (imp_scan_numerals(t, n, &i, true, true) == 0)
        return false;
    size_t j = i;
    if (imp_next(t, n, &j) != 0x671F /* 期 */)
        return false;
    *from = (size_t)(p - t);
    *to = j;
    return true;
}

/* 2019-03 from 珠外协编【2019年3月报】. */
static void imp_month_from(imp_ctx *c, const char *number, int line)
{
    const char *y = strstr(number, "年");
    if (!y || y - number < 4)
        goto fail;
    int year = 0, month = 0;
    for (const char *p = y - 4; p < y; p++) {
        if (*p < '0' || *p > '9')
            goto fail;
        year = year * 10 + (*p - '0');
    }
    const char *m = y + strlen("年");
    for (int k = 0; k < 2 && *m >= '0' && *m <= '9'; k++, m++)
        month = month * 10 + (*m - '0');
    if (month < 1 || month > 12 || strncmp(m, "月", strlen("月")) != 0)
        goto fail;
    char s[16];
    snprintf(s, sizeof s, "%04d-%02d", year, month);
    c->meta[M_MONTH] = imp_dup(c, s, strlen(s));
    return;
fail:
    imp_warn(c, line, "no year and month (YYYY年M月) in the issue number; month left out");
}

static bool imp_mostly_latin(const char *t)
{
    size_t n = strlen(t), i = 0, latin = 0, all = 0;
    while (i < n) {
        uint32_t u = imp_next(t, n, &i);
        latin += imp_is_latin(u);
        all += !imp_is_blank(u);
    }
    return all > 0 && latin * 2 > all && strchr(t, ' ');
}

static bool imp_han_only(const char *t)
{
    size_t n = strlen(t), i = 0;
    while (i < n)
        if (!imp_is_han(imp_next(t, n, &i)))
            return false;
    return n > 0;
}

static bool imp_names_body(const char *t)
{
    static const char *const words[] = { "协会", "学会", "商会", "联合会", "促进会", "研究会", "联盟" };
    for (size_t k = 0; k < sizeof words / sizeof *words; k++)
        if (strstr(t, words[k]))
            return true;
    return false;
}

/* One masthead line into the front matter; false when it is none of the known parts.
 * strict (no contents listing marks where the masthead ends): the name, its English
 * form and the title count only as marked or bold lines. */
static bool imp_masthead_block(imp_ctx *c, const imp_block *b, bool strict)
{
    const char *t = b->text;
    int line = imp_no(c, b);
    size_t from, to;
    bool hit = false;
    if (!t || b->kind == BK_TABLE || b->kind == BK_LIST)
        return false;
    if (imp_find_issue(t, &from, &to)) {
        imp_set_meta(c, M_ISSUE, t + from, to - from, line);
        hit = true;
    } else {
        from = to = strlen(t);
    }
    if ((strstr(t, "【") || strstr(t, "[")) && strstr(t, "年") && strstr(t, "月")) {
        strbuf nb = { 0 };
        strbuf_add(&nb, t, from);
        strbuf_str(&nb, t + to);
        char *num = imp_take(c, &nb);
        if (num)
            imp_set_meta(c, M_NUMBER, num, strlen(num), line);
        free(num);
        return true;
    }
    if (hit || imp_masthead_labels(c, t, line))
        return true;
    bool shown = b->kind == BK_HEAD || !strict;
    if (!c->meta[M_ASSOC_EN] && shown && imp_mostly_latin(t)) {
        imp_set_meta(c, M_ASSOC_EN, t, strlen(t), line);
        return true;
    }
    if (!c->meta[M_TITLE] && shown && imp_han_only(t) && imp_vis_len(t) <= 6 && !imp_names_body(t)) {
        imp_set_meta(c, M_TITLE, t, strlen(t), line);
        return true;
    }
    if (!c->meta[M_ASSOC] && (shown || imp_names_body(t)) && imp_han_only(t) && imp_vis_len(t) >= 4) {
        imp_set_meta(c, M_ASSOC, t, strlen(t), line);
        return true;
    }
    return false;
}

/* The masthead is every block before the contents listing (to >= 0), or else the leading
 * blocks that are recognizably masthead parts. Returns where the rest begins. */
static int imp_masthead(imp_ctx *c, int to)
{
    int end = to >= 0 ? to : c->nblk;
    int b = 0;
    for (; b < end && !c->oom; b++) {
        char snip[128];
        bool ok = imp_masthead_block(c, &c->blk[b], to < 0);
        if (!ok && to < 0)
            break;
        if (!ok)
            imp_warn(c, imp_no(c, &c->blk[b]), "masthead line not recognized, left out: \"%s\"",
                     c->blk[b].text ? imp_snip(snip, c->blk[b].text) : "(table)");
        c->blk[b].role = R_DROP;
    }
    int line = b < c->nblk ? imp_no(c, &c->blk[b]) : (c->nline > 0 ? c->nline : 1);
    if (c->meta[M_NUMBER])
        imp_month_from(c, c->meta[M_NUMBER], line);
    if (!c->meta[M_WEBSITE] && c->footer) {
        const char *s = c->footer;
        size_t n = c->footer_n;
        if (n >= 2 && s[0] == '<' && s[n - 1] == '>')
            s++, n -= 2;
        strbuf w = { 0 };
        bool scheme = false;
        for (size_t i = 0; i + 3 <= n; i++)
            scheme |= memcmp(s + i, "://", 3) == 0;
        if (!scheme)
            strbuf_str(&w, "http://");
        strbuf_add(&w, s, n);
        c->meta[M_WEBSITE] = imp_take(c, &w);
    }
    c->meta[M_STYLE] = imp_dup(c, IMP_STYLE, strlen(IMP_STYLE));
    static const int required[] = { M_ASSOC, M_TITLE, M_NUMBER, M_ISSUE };
    for (size_t k = 0; k < sizeof required / sizeof *required; k++)
        if (!c->meta[required[k]])
            imp_warn(c, 1, "masthead has no %s; add it to the front matter by hand",
                     imp_meta_key[required[k]]);
    return b;
}

/* ===================== the contents listing ===================== */

static bool imp_is_contents_marker(imp_ctx *c, const char *t)
{
    if (!t || imp_vis_len(t) > IMP_SECTION_MAX)
        return false;
    char *n = imp_norm(c, t);
    bool yes = n && (strncmp(n, "目录", strlen("目录")) == 0 || strncmp(n, "目次", strlen("目次")) == 0 ||
                     strcmp(n, "contents") == 0);
    free(n);
    return yes;
}

static bool imp_body_text(const imp_block *b)
{
    return b->kind == BK_PARA && b->text && imp_vis_len(b->text) > 60 && imp_ends_sentence(b->text);
}

/* The issue's contents listing: the first 目录 line before any body paragraph, or -1. */
static int imp_find_contents(imp_ctx *c)
{
    for (int b = 0; b < c->nblk && !c->oom; b++) {
        if (imp_body_text(&c->blk[b]))
            return -1;
        if (c->blk[b].kind != BK_TABLE && imp_is_contents_marker(c, c->blk[b].text))
            return b;
    }
    return -1;
}

static bool imp_add_entry(imp_ctx *c, imp_entry **arr, int *n, size_t *cap, const char *text, int line)
{
    if (!vec_reserve((void **)arr, cap, (size_t)*n + 1, sizeof **arr)) {
        c->oom = true;
        return false;
    }
    imp_entry *e = &(*arr)[*n];
    e->text = imp_dup(c, text, strlen(text));
    e->norm = imp_norm(c, text);
    e->no = line;
    e->used = false;
    if (!e->text || !e->norm) {
        free(e->text);
        free(e->norm);
        return false;
    }
    (*n)++;
    return true;
}

/* A contents entry without its page number ("标题 …… 12", "标题  12"). */
static void imp_strip_page(char *t)
{
    size_t n = strlen(t), e = n;
    while (e > 0 && imp_is_digit((unsigned char)t[e - 1]))
        e--;
    if (e == n || e == 0 || n - e > 3)
        return;
    size_t k = e;
    bool leader = false;
    while (k > 0) {
        size_t j = k;
        uint32_t u = utf8_prev(t, &j);
        if (!(u == ' ' || u == '.' || u == 0x2026 || u == 0xB7 || u == 0x3000 || u == '\t'))
            break;
        leader = true;
        k = j;
    }
    if (leader && k > 0)
        t[k] = 0;
}

static bool imp_section_entry(const imp_block *b, bool marked_sections)
{
    size_t v = imp_vis_len(b->text);
    if (marked_sections)
        return (b->kind == BK_HEAD) && v <= IMP_SECTION_MAX;
    return imp_han_only(b->text) && v <= 6;
}

static bool imp_same_norm(imp_ctx *c, const char *t, const char *norm)
{
    char *n = imp_norm(c, t);
    bool same = n && strcmp(n, norm) == 0;
    free(n);
    return same;
}

/* Body text rather than a listed title: a sentence, or longer than a title gets. */
static bool imp_contents_body(const imp_block *b)
{
    return b->kind == BK_PARA && b->text && (imp_vis_len(b->text) > 2 * IMP_LONG || imp_last(b->text) == 0x3002);
}

/* Whether the listing marks its section names (short heading lines); else they are its
 * short Han-only lines. */
static bool imp_marked_sections(const imp_ctx *c, int marker)
{
    for (int b = marker + 1; b < c->nblk; b++) {
        const imp_block *bl = &c->blk[b];
        if (imp_contents_body(bl))
            break;
        if (bl->text && imp_section_entry(bl, true))
            return true;
    }
    return false;
}

/* The listing ends where a section name it listed comes again (the body begins), or at
 * the first body paragraph — then the heading lines just before it belong to the body. */
static int imp_contents_end(imp_ctx *c, int marker, bool marked)
{
    imp_map seen;
    char **norms = calloc((size_t)(c->nblk - marker), sizeof *norms);
    int nn = 0, end = marker + 1;
    if (!norms || !imp_map_init(c, &seen, (size_t)(c->nblk - marker))) {
        c->oom = true;
        free(norms);
        return end;
    }
    for (; end < c->nblk && !c->oom; end++) {
        const imp_block *b = &c->blk[end];
        if (imp_contents_body(b)) {
            while (end - 1 > marker && c->blk[end - 1].kind == BK_HEAD)
                end--;
            break;
        }
        if (b->kind == BK_TABLE || b->kind == BK_LIST || !b->text || !imp_section_entry(b, marked))
            continue;
        char *n = imp_norm(c, b->text);
        if (!n)
            break;
        int *v = imp_map_at(&seen, n, strlen(n), true);
        norms[nn++] = n;
        if (*v >= 0)
            break;
        *v = end;
    }
    for (int k = 0; k < nn; k++)
        free(norms[k]);
    free(norms);
    free(seen.slot);
    return end;
}

static void imp_title_entry(imp_ctx *c, const char *s, size_t n, int line)
{
    char *t = imp_dup(c, s, n);
    if (t && imp_vis_len(t) > 0) {
        imp_strip_page(t);
        imp_add_entry(c, &c->tit, &c->ntit, &c->captit, t, line);
    }
    free(t);
}

/* One block of the listing: a section name, or titles (a tab-separated row gives its first
 * cell, a list one title per item). */
static void imp_contents_entry(imp_ctx *c, const imp_block *b, bool marked)
{
    if (b->kind == BK_TABLE) {
        for (int i = b->first; i <= b->last; i++) {
            const imp_line *l = &c->line[i];
            size_t k = 0;
            while (k < l->n && l->s[k] != '\t')
                k++;
            imp_title_entry(c, l->s, k, l->no);
        }
    } else if (b->kind == BK_LIST) {
        for (const char *p = b->text; *p;) {
            const char *e = strchr(p, '\n');
            size_t n = e ? (size_t)(e - p) : strlen(p);
            imp_title_entry(c, p, n, imp_no(c, b));
            p += n + (e != NULL);
        }
    } else if (b->text && imp_section_entry(b, marked)) {
        imp_add_entry(c, &c->sec, &c->nsec, &c->capsec, b->text, imp_no(c, b));
    } else if (b->text) {
        imp_title_entry(c, b->text, strlen(b->text), imp_no(c, b));
    }
}

/* Reads the listing after its marker into section names and article titles (and drops
 * it); returns the first body block. */
static int imp_contents(imp_ctx *c, int marker)
{
    bool marked = imp_marked_sections(c, marker);
    int end = imp_contents_end(c, marker, marked);
    c->blk[marker].role = R_DROP;
    for (int b = marker + 1; b < end && !c->oom; b++) {
        imp_contents_entry(c, &c->blk[b], marked);
        c->blk[b].role = R_DROP;
    }
    if (c->ntit == 0)
        imp_warn(c, imp_no(c, &c->blk[marker]), "contents listing has no article titles");
    return end;
}

static void imp_index_contents(imp_ctx *c)
{
    if (!imp_map_init(c, &c->secmap, (size_t)c->nsec) || !imp_map_init(c, &c->titmap, (size_t)c->ntit))
        return;
    for (int k = 0; k < c->nsec; k++) {
        int *v = imp_map_at(&c->secmap, c->sec[k].norm, strlen(c->sec[k].norm), true);
        if (*v < 0)
            *v = k;
    }
    for (int k = 0; k < c->ntit; k++) {
        int *v = imp_map_at(&c->titmap, c->tit[k].norm, strlen(c->tit[k].norm), true);
        if (*v < 0)
            *v = k;
    }
}

/* ===================== roles: sections and articles ===================== */

/* The listed title a body line names: an exact match (after imp_norm) of any unmet title
 * when the line is a heading, of the next one otherwise; for headings also a close match
 * of the next few. -1 when none. */
static int imp_match_title(imp_ctx *c, const char *norm, bool heading, bool *fuzzy)
{
    while (c->next_title < c->ntit && c->tit[c->next_title].used)
        c->next_title++;
    *fuzzy = false;
    int *v = imp_map_at(&c->titmap, norm, strlen(norm), false);
    if (v && *v >= 0 && !c->tit[*v].used && (heading || *v == c->next_title))
        return *v;
    if (!heading)
        return -1;
    int tried = 0;
    /* bounded: titles met out of order may sit among the next ones */
    for (int k = c->next_title; k < c->ntit && tried < IMP_TITLE_WINDOW && k < c->next_title + 64; k++) {
        if (c->tit[k].used)
            continue;
        tried++;
        if (strcmp(norm, c->tit[k].norm) == 0)
            return k;
        if (imp_close_enough(norm, c->tit[k].norm)) {
            *fuzzy = true;
            return k;
        }
    }
    return -1;
}

static void imp_set_text(imp_ctx *c, imp_block *b, const char *t)
{
    char *d = imp_dup(c, t, strlen(t));
    if (d) {
        free(b->text);
        b->text = d;
    }
}

static bool imp_headingish(const imp_block *b)
{
    return b->kind == BK_HEAD;
}

/* A body block that names a section: → "# name"; the same section twice with no article
 * between is one. */
static bool imp_try_section(imp_ctx *c, int i, const char *norm, int *last_section, bool *article_since)
{
    imp_block *b = &c->blk[i];
    int *v = imp_map_at(&c->secmap, norm, strlen(norm), false);
    char snip[128];
    if (!v || *v < 0 || (!imp_headingish(b) && imp_vis_len(b->text) > IMP_SECTION_MAX))
        return false;
    if (*last_section == *v && !*article_since) {
        b->role = R_DROP;
        imp_warn(c, imp_no(c, b), "section heading \"%s\" repeated with no article between: merged",
                 imp_snip(snip, b->text));
        return true;
    }
    b->role = R_SECTION;
    b->level = 1;
    if (!imp_headingish(b))
        imp_warn(c, imp_no(c, b), "unmarked line \"%s\" taken as a section heading (it is in the contents)",
                 imp_snip(snip, b->text));
    else if (b->marks != 1)
        imp_warn(c, imp_no(c, b), "section heading \"%s\" was %s; now level 1",
                 imp_snip(snip, b->text), b->bold ? "a bold line" : b->marks == 2 ? "level 2" : "deeper");
    imp_set_text(c, b, c->sec[*v].text);
    *last_section = *v;
    *article_since = false;
    return true;
}

static bool imp_try_article(imp_ctx *c, int i, const char *norm)
{
    imp_block *b = &c->blk[i];
    bool fuzzy;
    char snip[128], snip2[128];
    if (!imp_headingish(b) && imp_vis_len(b->text) > 2 * IMP_LONG)
        return false;
    int t = imp_match_title(c, norm, imp_headingish(b), &fuzzy);
    if (t < 0)
        return false;
    int line = imp_no(c, b);
    if (t != c->next_title)
        imp_warn(c, line, "article \"%s\" comes earlier in the contents than here", imp_snip(snip, c->tit[t].text));
    if (fuzzy)
        imp_warn(c, line, "heading \"%s\" taken as the listed title \"%s\" (close, not equal)",
                 imp_snip(snip, b->text), imp_snip(snip2, c->tit[t].text));
    if (!imp_headingish(b))
        imp_warn(c, line, "unmarked line \"%s\" taken as an article title (it is in the contents)",
                 imp_snip(snip, b->text));
    else if (b->marks != 2)
        imp_warn(c, line, "article title \"%s\" was %s; now level 2", imp_snip(snip, c->tit[t].text),
                 b->bold ? "a bold line" : b->marks == 1 ? "level 1" : "deeper");
    c->tit[t].used = true;
    b->role = R_ARTICLE;
    b->level = 2;
    imp_set_text(c, b, c->tit[t].text);
    return true;
}

/* Sections and articles from the contents listing; other marked lines are provisional
 * inner headings; everything else paragraphs, tables, lists. */
static void imp_roles(imp_ctx *c, int from)
{
    int last_section = -1;
    bool article_since = false;
    for (int i = from; i < c->nblk && !c->oom; i++) {
        imp_block *b = &c->blk[i];
        if (b->kind == BK_TABLE || b->kind == BK_LIST) {
            b->role = b->kind == BK_TABLE ? R_RAW : R_LIST;
            continue;
        }
        char *norm = b->text ? imp_norm(c, b->text) : NULL;
        if (!norm)
            continue;
        if (!imp_try_section(c, i, norm, &last_section, &article_since)) {
            if (imp_try_article(c, i, norm))
                article_since = true;
            else
                b->role = b->kind == BK_HEAD ? R_HEADING : R_PARA;
        }
        free(norm);
    }
    char snip[128];
    for (int k = 0; k < c->ntit; k++)
        if (!c->tit[k].used)
            imp_warn(c, c->tit[k].no, "article \"%s\" of the contents not found in the body",
                     imp_snip(snip, c->tit[k].text));
}

/* Without a contents listing the extraction's own marks are all there is: # sections,
 * ## articles, deeper inner headings. */
static void imp_roles_from_marks(imp_ctx *c, int from)
{
    if (from < c->nblk)
        imp_warn(c, imp_no(c, &c->blk[from]),
                 "no contents listing (目录) found: sections and articles taken from the heading marks");
    for (int i = from; i < c->nblk; i++) {
        imp_block *b = &c->blk[i];
        if (b->kind == BK_TABLE || b->kind == BK_LIST)
            b->role = b->kind == BK_TABLE ? R_RAW : R_LIST;
        else if (b->kind == BK_HEAD && b->marks == 1)
            b->role = R_SECTION, b->level = 1;
        else if (b->kind == BK_HEAD && b->marks == 2)
            b->role = R_ARTICLE, b->level = 2;
        else
            b->role = b->kind == BK_HEAD ? R_HEADING : R_PARA;
    }
}

/* ===================== articles: inner structure ===================== */

static bool imp_toc_marker(imp_ctx *c, const imp_block *b)
{
    if ((b->role != R_HEADING && b->role != R_PARA) || !b->text || imp_vis_len(b->text) > 4)
        return false;
    char *n = imp_norm(c, b->text);
    bool yes = n && (strcmp(n, "目录") == 0 || strcmp(n, "目次") == 0 || strcmp(n, "contents") == 0);
    free(n);
    return yes;
}

static bool imp_toc_entry(const imp_block *b)
{
    return b->role == R_HEADING ||
           (b->role == R_PARA && imp_vis_len(b->text) <= IMP_LONG && !imp_ends_sentence(b->text));
}

/* Depth of each numbering kind in a list of entries or level in an article: the kinds
 * present, outermost first, take consecutive levels from base. An unnumbered entry sits
 * beside the outermost numbered one, or above all of them when top is set. */
static void imp_kind_levels(const bool present[K_COUNT], bool top, int base, int max, int level[K_COUNT])
{
    int next = base + (top && present[K_U]);
    level[K_U] = base;
    for (int k = K_CHAP; k < K_COUNT; k++) {
        level[k] = next < max ? next : max;
        next += present[k];
    }
}

/* A document's own contents inside an article (a 目录 line and a run of headings before
 * the real text, which repeats the first entry): kept as a nested list, not as headings. */
static void imp_toc(imp_ctx *c, int from, int to)
{
    for (int m = from; m < to; m++) {
        if (!imp_toc_marker(c, &c->blk[m]))
            continue;
        int e = m + 1;
        char *first = e < to && c->blk[e].text ? imp_norm(c, c->blk[e].text) : NULL;
        while (e < to && imp_toc_entry(&c->blk[e]) &&
               (e == m + 1 || !first || !imp_same_norm(c, c->blk[e].text, first)))
            e++;
        free(first);
        if (e - m - 1 < 2)
            continue;
        bool present[K_COUNT] = { false };
        for (int k = m + 1; k < e; k++)
            present[c->blk[k].num] = true;
        int depth[K_COUNT];
        imp_kind_levels(present, false, 1, 6, depth);
        for (int k = m + 1; k < e; k++) {
            c->blk[k].role = R_TOC_ITEM;
            c->blk[k].level = depth[c->blk[k].num];
        }
        c->blk[m].role = R_PARA;
        imp_warn(c, imp_no(c, &c->blk[m]),
                 "the document's own contents (%d entries) kept as a list, not as headings", e - m - 1);
        m = e - 1;
    }
}

/* A heading mark on a sentence (ending with 。！？ unless it is a short numbered heading
 * such as "（一）指导思想。", or longer than IMP_LONG) is dropped: a short one becomes a
 * bold paragraph, a long one a plain paragraph. */
static void imp_demote(imp_ctx *c, int from, int to)
{
    char snip[128];
    for (int i = from; i < to; i++) {
        imp_block *b = &c->blk[i];
        if (b->role != R_HEADING)
            continue;
        size_t v = imp_vis_len(b->text);
        bool numbered_short = b->num != K_U && v <= IMP_SHORT_HEAD && !imp_inner_stop(b->text);
        if (v <= IMP_LONG && (!imp_ends_stop(b->text) || numbered_short))
            continue;
        b->role = v <= IMP_LONG || b->bold ? R_BOLD : R_PARA;
        imp_warn(c, imp_no(c, b), "heading mark on a sentence \"%s\" dropped: written as a %s paragraph",
                 imp_snip(snip, b->text), b->role == R_BOLD ? "bold" : "plain");
    }
}

/* A short numbered line without a mark, of a numbering the article's marked headings use,
 * is a heading the extraction missed ("（三）总体目标。" among marked （一）（二）). */
static void imp_promote(imp_ctx *c, int from, int to)
{
    bool used[K_COUNT] = { false };
    for (int i = from; i < to; i++)
        if (c->blk[i].role == R_HEADING)
            used[c->blk[i].num] = true;
    char snip[128];
    for (int i = from; i < to; i++) {
        imp_block *b = &c->blk[i];
        if (b->role != R_PARA || b->num == K_U || !used[b->num] || b->kind != BK_PARA ||
            imp_vis_len(b->text) > IMP_SHORT_HEAD || imp_inner_stop(b->text))
            continue;
        b->role = R_HEADING;
        b->promoted = true;
        imp_warn(c, imp_no(c, b), "numbered line \"%s\" taken as a heading like its marked siblings",
                 imp_snip(snip, b->text));
    }
}

/* Inner heading levels by numbering, relative per article: the kinds present take ###,
 * ####, … outermost first; unnumbered headings sit beside the outermost numbered ones,
 * or above them when one of them is long enough to name a part (a document inside the
 * article, "展会详情及报名方式"), as short ones (前言, 附注) rarely do. */
static const char *const imp_kind_name[K_COUNT] = {
    "unnumbered", "第X章", "第X节", "一、", "（一）", "1.", "（1）",
};

static void imp_levels(imp_ctx *c, int from, int to)
{
    bool present[K_COUNT] = { false }, top = false;
    for (int i = from; i < to; i++) {
        imp_block *b = &c->blk[i];
        if (b->role != R_HEADING)
            continue;
        present[b->num] = true;
        top |= b->num == K_U && imp_vis_len(b->text) >= IMP_TOP_TITLE;
    }
    int level[K_COUNT];
    imp_kind_levels(present, top, 3, 6, level);
    char snip[128];
    for (int i = from; i < to; i++) {
        imp_block *b = &c->blk[i];
        if (b->role != R_HEADING)
            continue;
        b->level = level[b->num];
        if (b->promoted)
            continue;
        if (b->bold)
            imp_warn(c, imp_no(c, b), "bold line \"%s\" taken as a level-%d heading (%s)",
                     imp_snip(snip, b->text), b->level, imp_kind_name[b->num]);
        else if (b->marks != b->level)
            imp_warn(c, imp_no(c, b), "heading \"%s\" was level %d; now %d (%s in this article's outline)",
                     imp_snip(snip, b->text), b->marks, b->level, imp_kind_name[b->num]);
    }
}

/* A display title set on two lines comes out with a space between two Han characters;
 * when the article's title spells the same words without it (the 通知 naming the document
 * it prints), the space is that line break. */
static void imp_heading_spaces(imp_ctx *c, int from, int to, const imp_block *article)
{
    char snip[128];
    if (!article || article->role != R_ARTICLE)
        return;
    char *title = imp_norm(c, article->text);
    for (int i = from; i < to && title; i++) {
        imp_block *b = &c->blk[i];
        if (b->role != R_HEADING || imp_vis_len(b->text) > IMP_LONG || !strchr(b->text, ' '))
            continue;
        char *t = imp_dup(c, b->text, strlen(b->text));
        char *n = t ? imp_norm(c, t) : NULL;
        if (n && strstr(title, n) && imp_drop_han_spaces(t)) {
            imp_warn(c, imp_no(c, b), "space in heading \"%s\" dropped: the article's title spells it without",
                     imp_snip(snip, b->text));
            free(b->text);
            b->text = t;
            t = NULL;
        }
        free(t);
        free(n);
    }
    free(title);
}

static void imp_articles(imp_ctx *c, int from)
{
    int start = from;
    for (int i = from; i <= c->nblk && !c->oom; i++) {
        if (i < c->nblk && c->blk[i].role != R_SECTION && c->blk[i].role != R_ARTICLE)
            continue;
        imp_toc(c, start, i);
        imp_demote(c, start, i);
        imp_promote(c, start, i);
        imp_levels(c, start, i);
        imp_heading_spaces(c, start, i, start > from ? &c->blk[start - 1] : NULL);
        start = i + 1;
    }
}

/* ===================== tables ===================== */

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
        imp_warn(c, line, "table: merged header cells guessed from its empty cells (rowspan/colspan); check the header");
    if (t->no_header)
        imp_warn(c, line, "table: no header row found (the first row reads as data); written without header cells");
    if (t->ragged)
        imp_warn(c, line, "table: rows have different numbers of cells; short rows padded with empty cells");
    if (t->title_row)
        imp_warn(c, line, "table: its title row taken as the caption");
    if (t->wrapped)
        imp_warn(c, line, "table: a space between Han characters in a header cell dropped (a cell on two lines)");
    if (!gfm && !t->spans && !t->no_header && !t->ragged)
        imp_warn(c, line, "table: header row has empty cells; written as HTML");
}

/* A table block → GFM pipe table when the grid is regular, else HTML with spans. */
static void imp_table_block(imp_ctx *c, imp_block *b)
{
    imp_table t = { 0 };
    int line = imp_no(c, b);
    if (!imp_table_read(c, b, &t)) {
        imp_table_free(&t);
        if (c->oom)
            return;
        imp_warn(c, line, "tab-separated lines too wide for a table; each written as a paragraph");
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

/* ===================== captions, figures, sources ===================== */

static int imp_prev(const imp_ctx *c, int i)
{
    while (--i >= 0 && c->blk[i].role == R_DROP) {
    }
    return i;
}

static bool imp_title_like(const imp_block *b)
{
    return b->role == R_PARA && b->kind == BK_PARA && imp_vis_len(b->text) <= IMP_LONG &&
           !imp_ends_sentence(b->text) && !imp_starts_item(b->text);
}

/* A short title line right before a table (no page break between) is its caption. */
static void imp_captions(imp_ctx *c, int from)
{
    char snip[128];
    for (int i = from; i < c->nblk; i++) {
        imp_block *b = &c->blk[i];
        if (b->kind != BK_TABLE || b->role != R_RAW || b->page_before)
            continue;
        int p = imp_prev(c, i);
        if (p < from || !imp_title_like(&c->blk[p]))
            continue;
        b->caption = c->blk[p].text;
        c->blk[p].text = NULL;
        c->blk[p].role = R_DROP;
        imp_warn(c, imp_no(c, &c->blk[p]), "line \"%s\" taken as the caption of the table below",
                 imp_snip(snip, b->caption));
    }
}

static bool imp_figure_caption(const char *t)
{
    size_t n = strlen(t), i = imp_ltrim_marks(t, n);
    if (strncmp(t + i, "Figure", 6) == 0 || strncmp(t + i, "Fig.", 4) == 0)
        return true;
    if (strncmp(t + i, "图", strlen("图")) != 0)
        return false;
    i += strlen("图");
    while (i < n && t[i] == ' ')
        i++;
    size_t j = i;
    uint32_t u = imp_next(t, n, &j);
    return imp_is_digit(u) || imp_cp_in(u, HAN_NUMERALS);
}

/* The caption of an image the extraction lost: "图1 …", or a short title left between a
 * table and the text (a chart's title). Kept as a paragraph; no data is invented. */
static void imp_figures(imp_ctx *c, int from)
{
    char snip[128];
    for (int i = from; i < c->nblk; i++) {
        imp_block *b = &c->blk[i];
        if (b->role != R_PARA || b->kind != BK_PARA || imp_vis_len(b->text) > IMP_LONG ||
            imp_ends_sentence(b->text))
            continue;
        int p = imp_prev(c, i);
        bool after = p >= from && (c->blk[p].role == R_FIGURE || (c->blk[p].role == R_RAW && c->blk[p].kind == BK_TABLE));
        bool caption = imp_figure_caption(b->text);
        if (!caption && (!after || strstr(b->text, "：") || strchr(b->text, ':') || imp_starts_item(b->text)))
            continue;
        b->role = R_FIGURE;
        imp_warn(c, imp_no(c, b), "lost figure: only its caption \"%s\" remains; kept as a paragraph",
                 imp_snip(snip, b->text));
    }
}

/* "(来源：珠海特区报)", "（文件来源:商务部）", "来源：新华社" → "（来源：珠海特区报）" … */
static char *imp_source_line(imp_ctx *c, const char *t)
{
    size_t n = strlen(t), i = 0, j = 0;
    bool paren = false;
    uint32_t u = imp_next(t, n, &j);
    if (imp_vis_len(t) > IMP_LONG)
        return NULL;
    if (u == '(' || u == 0xFF08)
        paren = true, i = j;
    const char *src = strstr(t + i, "来源");
    if (!src || (size_t)(src - (t + i)) > 4 * 3)
        return NULL;
    for (size_t k = i; k < (size_t)(src - t);) {
        if (!imp_is_han(imp_next(t, n, &k)))
            return NULL;
    }
    size_t prefix = i, after = (size_t)(src - t) + strlen("来源");
    while (after < n && t[after] == ' ')
        after++;
    j = after;
    u = imp_next(t, n, &j);
    if (u != ':' && u != 0xFF1A)
        return NULL;
    while (j < n && t[j] == ' ')
        j++;
    size_t e = n;
    if (paren) {
        size_t k = e;
        uint32_t close = utf8_prev(t, &k);
        if (close != ')' && close != 0xFF09)
            return NULL;
        e = k;
    } else if (imp_vis_len(t) > 30) {
        return NULL;
    }
    while (e > j && t[e - 1] == ' ')
        e--;
    if (e <= j)
        return NULL;
    strbuf o = { 0 };
    strbuf_str(&o, "（");
    strbuf_add(&o, t + prefix, (size_t)(src - t) - prefix);
    strbuf_str(&o, "来源：");
    strbuf_add(&o, t + j, e - j);
    strbuf_str(&o, "）");
    return imp_take(c, &o);
}

static void imp_sources(imp_ctx *c, int from)
{
    for (int i = from; i < c->nblk; i++) {
        imp_block *b = &c->blk[i];
        if (b->role != R_PARA || b->kind != BK_PARA)
            continue;
        char *s = imp_source_line(c, b->text);
        if (!s)
            continue;
        free(b->text);
        b->text = s;
        b->role = R_SOURCE;
    }
}

/* ===================== rejoining page breaks ===================== */

static bool imp_joinable(const imp_block *b)
{
    return b->role == R_PARA && b->kind == BK_PARA;
}

/* Whether n continues a paragraph cut at a page break: the paragraph so far (its first
 * part b, its last part t, pv characters) lacks final punctuation and n continues plain
 * text (not a heading, table, item, source line or bold lead-in). A page break (a running
 * footer) between them is the evidence; a long first part (a full line of body text)
 * without one is a weaker sign, reported. */
static bool imp_join_decide(imp_ctx *c, const imp_block *b, const imp_block *t, size_t pv, const imp_block *n)
{
    char snip[128];
    int before = c->line[t->last].no;
    if (imp_ends_sentence(t->text)) {
        if (n->page_before && imp_starts_item(b->text) && !imp_starts_item(n->text) &&
            imp_vis_len(n->text) > IMP_LONG)
            imp_warn(c, imp_no(c, n),
                     "paragraph after the page break may continue the numbered item before it (line %d); "
                     "not joined as that one ends a sentence", before);
        return false;
    }
    bool evidence = (n->page_before && pv >= 15) || pv >= IMP_LONG;
    bool bold_lead = strncmp(n->text, "**", 2) == 0;
    if (!evidence || imp_starts_item(n->text) || bold_lead) {
        if (evidence && n->page_before)
            imp_warn(c, imp_no(c, n),
                     "paragraph before the page break (line %d) ends without final punctuation; not joined "
                     "because this one starts %s",
                     before, bold_lead ? "with bold text" : "a numbered item");
        return false;
    }
    uint32_t pc = imp_last(t->text), nc = imp_first(n->text);
    bool unsure = !n->page_before || imp_cp_in(pc, CLOSERS) || (imp_is_digit(pc) && imp_is_digit(nc)) ||
                  (imp_vis_len(n->text) < 15 && !imp_ends_sentence(n->text));
    if (unsure)
        imp_warn(c, imp_no(c, n), "joined to the paragraph before (line %d, which ends \"%s\") as cut at a %s",
                 before, imp_snip(snip, imp_tail(t->text, 12)),
                 n->page_before ? "page break" : "page break without a footer");
    return true;
}

/* Builds each joined paragraph once, from its parts in order. */
static void imp_rejoin_texts(imp_ctx *c, int from)
{
    for (int i = from; i < c->nblk && !c->oom; i++) {
        imp_block *b = &c->blk[i];
        if (!b->joined || b->role == R_DROP)
            continue;
        strbuf o = { 0 };
        strbuf_str(&o, b->text);
        for (int j = b->joined; j; j = c->blk[j].joined)
            imp_join_text(&o, c->blk[j].text, strlen(c->blk[j].text));
        char *t = imp_take(c, &o);
        if (!t)
            return;
        free(b->text);
        b->text = t;
    }
}

/* Paragraphs cut at page breaks (possibly more than once) become one: decided pair by pair
 * on the paragraph so far, then each built once (linear in the text). */
static void imp_rejoin(imp_ctx *c, int from)
{
    int head = -1, tail = -1;
    size_t pv = 0;
    for (int i = from; i < c->nblk && !c->oom; i++) {
        imp_block *n = &c->blk[i];
        if (n->role == R_DROP)
            continue;
        imp_block *b = head >= 0 ? &c->blk[head] : NULL;
        if (b && imp_joinable(b) && imp_joinable(n) && imp_join_decide(c, b, &c->blk[tail], pv, n)) {
            c->blk[tail].joined = i;
            n->role = R_DROP;
            b->last = n->last;
            pv += imp_vis_len(n->text);
            tail = i;
            continue;
        }
        head = tail = i;
        pv = n->text ? imp_vis_len(n->text) : 0;
    }
    imp_rejoin_texts(c, from);
}

/* ===================== extraction artifacts ===================== */

/* "思想 and 党的十九大精神": a short lower-case Latin word between Han characters is no
 * Chinese writing; some extractions put it for 和. Reported, not changed. */
static void imp_latin_words(imp_ctx *c, int from)
{
    for (int i = from; i < c->nblk; i++) {
        const imp_block *b = &c->blk[i];
        if (!b->text || b->role == R_DROP || b->role == R_RAW)
            continue;
        const char *t = b->text;
        size_t n = strlen(t);
        for (size_t k = 0; k + 2 < n; k++) {
            if (t[k] != ' ' || t[k + 1] < 'a' || t[k + 1] > 'z')
                continue;
            size_t e = k + 1;
            while (e < n && t[e] >= 'a' && t[e] <= 'z')
                e++;
            size_t before = k, after = e + 1;
            if (e - k - 1 > 5 || e >= n || t[e] != ' ' || !imp_is_han(utf8_prev(t, &before)) ||
                !imp_is_han(imp_next(t, n, &after)))
                continue;
            imp_warn(c, imp_no(c, b), "Latin word \"%.*s\" between Han characters: the extraction may have put "
                     "it for a Chinese word (\"and\" for 和); check", (int)(e - k - 1), t + k + 1);
            k = e;
        }
    }
}

/* ===================== emphasis ===================== */

/* CommonMark closes ** only when it is right-flanking, so "**一是……。**坚持" (a CJK mark
 * inside before a letter outside) never closes; the same holds for an opening ** before a
 * mark and after a letter. Moves such marks at the inner edges of a bold span outside it:
 * "**一是……**。坚持". */
static char *imp_fix_bold(imp_ctx *c, const char *s, int line)
{
    size_t n = strlen(s), pairs = 0;
    for (size_t i = 0; i + 1 < n; i++)
        if (s[i] == '*' && s[i + 1] == '*')
            pairs++, i++;
    if (pairs == 0)
        return NULL;
    if (pairs % 2) {
        imp_warn(c, line, "unbalanced ** in this paragraph; emphasis left as it is");
        return NULL;
    }
    strbuf o = { 0 };
    size_t i = 0;
    while (i < n) {
        const char *open = strstr(s + i, "**");
        const char *close = open ? strstr(open + 2, "**") : NULL;
        if (!close) {
            strbuf_str(&o, s + i);
            break;
        }
        size_t a = (size_t)(open - s) + 2, z = (size_t)(close - s);
        strbuf_add(&o, s + i, (size_t)(open - s) - i);
        size_t k = (size_t)(open - s);
        uint32_t before = utf8_prev(s, &k);
        size_t m = z + 2;
        uint32_t after = imp_next(s, n, &m);
        size_t ia = a, iz = z;
        /* an opening ** after a letter must not be followed by a mark */
        while (before && !imp_is_blank(before) && !imp_is_punct(before) && ia < iz) {
            size_t q = ia;
            if (!imp_is_punct(imp_next(s, n, &q)))
                break;
            ia = q;
            size_t r = ia;
            before = utf8_prev(s, &r);
        }
        /* a closing ** before a letter must not follow a mark */
        for (;;) {
            size_t q = iz;
            uint32_t last = utf8_prev(s, &q), next = after;
            if (iz < z) {
                size_t r = iz;
                next = imp_next(s, n, &r);
            }
            if (iz <= ia || !imp_is_punct(last) || !next || imp_is_blank(next) || imp_is_punct(next))
                break;
            iz = q;
        }
        if (ia == iz)
            ia = a, iz = z;
        strbuf_add(&o, s + a, ia - a);
        strbuf_str(&o, "**");
        strbuf_add(&o, s + ia, iz - ia);
        strbuf_str(&o, "**");
        strbuf_add(&o, s + iz, z - iz);
        i = z + 2;
    }
    return imp_take(c, &o);
}

static void imp_emphasis(imp_ctx *c, int from)
{
    for (int i = from; i < c->nblk; i++) {
        imp_block *b = &c->blk[i];
        if (!b->text || (b->role != R_PARA && b->role != R_LIST && b->role != R_FIGURE))
            continue;
        char *f = imp_fix_bold(c, b->text, imp_no(c, b));
        if (f) {
            free(b->text);
            b->text = f;
        }
    }
}

/* ===================== emit ===================== */

/* Escapes what would otherwise start a Markdown construct the text is not. */
static void imp_emit_start(strbuf *o, const char *t, bool list_markers)
{
    char c0 = t[0], c1 = c0 ? t[1] : 0;
    bool thematic = false;
    if (c0 == '-' || c0 == '_' || c0 == '*') {
        size_t k = 0;
        while (t[k] == c0 || t[k] == ' ')
            k++;
        thematic = t[k] == 0 && strlen(t) >= 3;
    }
    if (c0 == '#' || c0 == '>' || c0 == '=' || c0 == '|' || thematic ||
        ((c0 == '-' || c0 == '+' || c0 == '*') && (c1 == ' ' || c1 == 0)) ||
        strncmp(t, "```", 3) == 0 || strncmp(t, "~~~", 3) == 0)
        strbuf_chr(o, '\\');
    if (list_markers) {
        size_t k = 0;
        while (imp_is_digit((unsigned char)t[k]))
            k++;
        if (k > 0 && k <= 9 && (t[k] == '.' || t[k] == ')') && (t[k + 1] == ' ' || t[k + 1] == 0)) {
            strbuf_add(o, t, k);
            strbuf_chr(o, '\\');
            strbuf_str(o, t + k);
            return;
        }
    }
    strbuf_str(o, t);
}

static void imp_emit_heading(strbuf *o, int level, const char *t)
{
    for (int k = 0; k < level; k++)
        strbuf_chr(o, '#');
    strbuf_chr(o, ' ');
    size_t n = strlen(t);
    while (n > 0 && t[n - 1] == '#')
        n--;
    for (size_t k = 0; k < strlen(t); k++) {
        if (t[k] == '*' && t[k + 1] == '*') {
            k++;
            continue;
        }
        if (k == n)
            strbuf_chr(o, '\\');
        strbuf_chr(o, t[k]);
    }
}

static void imp_emit_front(imp_ctx *c, strbuf *o)
{
    strbuf_str(o, "---\n");
    for (int k = 0; k < M_COUNT; k++) {
        if (!c->meta[k])
            continue;
        strbuf_str(o, imp_meta_key[k]);
        strbuf_str(o, ": ");
        for (const char *p = c->meta[k]; *p; p++)
            strbuf_chr(o, *p == '\n' ? ' ' : *p);
        strbuf_chr(o, '\n');
    }
    strbuf_str(o, "---\n");
}

static void imp_emit_block(strbuf *o, const imp_block *b)
{
    switch (b->role) {
    case R_SECTION:
    case R_ARTICLE:
    case R_HEADING:
        imp_emit_heading(o, b->level, b->text);
        break;
    case R_BOLD:
        strbuf_str(o, "**");
        strbuf_str(o, b->text);
        strbuf_str(o, "**");
        break;
    case R_TOC_ITEM:
        for (int k = 1; k < b->level; k++)
            strbuf_str(o, "  ");
        strbuf_str(o, "- ");
        imp_emit_start(o, b->text, true);
        break;
    case R_LIST:
    case R_RAW:
        strbuf_str(o, b->text);
        break;
    default:
        imp_emit_start(o, b->text, false);
        break;
    }
}

static char *imp_emit(imp_ctx *c, int from)
{
    strbuf o = { 0 };
    imp_emit_front(c, &o);
    imp_role prev = R_DROP;
    for (int i = from; i < c->nblk; i++) {
        imp_block *b = &c->blk[i];
        if (b->role == R_DROP || !b->text)
            continue;
        if (prev != R_DROP)
            strbuf_str(&o, b->role == R_TOC_ITEM && prev == R_TOC_ITEM ? "\n" : "\n\n");
        else
            strbuf_chr(&o, '\n');
        imp_emit_block(&o, b);
        prev = b->role;
    }
    if (prev != R_DROP)
        strbuf_chr(&o, '\n');
    char *s = imp_take(c, &o);
    if (!s)
        return NULL;
    /* no trailing spaces anywhere (a heading or cell may have kept one) */
    size_t w = 0, n = strlen(s);
    for (size_t r = 0; r < n; r++) {
        if (s[r] == '\n')
            while (w > 0 && s[w - 1] == ' ')
                w--;
        s[w++] = s[r];
    }
    s[w] = 0;
    return s;
}

/* ===================== the API ===================== */

static void imp_free(imp_ctx *c)
{
    for (int i = 0; i < c->nblk; i++) {
        free(c->blk[i].text);
        free(c->blk[i].caption);
    }
    free(c->blk);
    for (int k = 0; k < c->nsec; k++)
        free(c->sec[k].text), free(c->sec[k].norm);
    for (int k = 0; k < c->ntit; k++)
        free(c->tit[k].text), free(c->tit[k].norm);
    free(c->sec);
    free(c->tit);
    free(c->secmap.slot);
    free(c->titmap.slot);
    for (int k = 0; k < M_COUNT; k++)
        free(c->meta[k]);
    for (int k = 0; k < c->nwarn; k++)
        free(c->warn[k].msg);
    free(c->warn);
    free(c->line);
    free(c->text);
}

/* The body passes, in the order their evidence needs. */
static void imp_structure(imp_ctx *c)
{
    int contents = imp_find_contents(c);
    int body = imp_masthead(c, contents);
    if (contents >= 0) {
        body = imp_contents(c, contents);
        imp_index_contents(c);
        imp_roles(c, body);
    } else {
        imp_roles_from_marks(c, body);
    }
    imp_articles(c, body);
    imp_captions(c, body);
    for (int i = body; i < c->nblk && !c->oom; i++)
        if (c->blk[i].kind == BK_TABLE && c->blk[i].role == R_RAW)
            imp_table_block(c, &c->blk[i]);
    imp_sources(c, body);
    imp_figures(c, body);
    imp_rejoin(c, body);
    imp_latin_words(c, body);
    imp_emphasis(c, body);
}

char *import_text(const char *name, const char *text, size_t len, diag *d)
{
    diag fallback;
    if (!d) {
        diag_init(&fallback, stderr);
        d = &fallback;
    }
    imp_ctx c = { 0 };
    c.name = name ? name : "<input>";
    char *out = NULL;
    if (imp_clean(&c, text ? text : "", text ? len : 0) && imp_split_lines(&c)) {
        imp_mark_footers(&c);
        imp_make_blocks(&c);
        if (!c.oom)
            imp_structure(&c);
        if (!c.oom)
            out = imp_emit(&c, 0);
    }
    if (c.oom) {
        free(out);
        out = NULL;
        diag_error_general(d, "%s: out of memory while importing", c.name);
    } else {
        imp_report(&c, d);
    }
    imp_free(&c);
    return out;
}

/* mkdir -p */
static int imp_mkdirs(const char *dir, diag *d)
{
    char *p = strdup(dir);
    if (!p) {
        diag_error_general(d, "out of memory");
        return -1;
    }
    int rc = 0;
    for (char *s = p + 1;; s++) {
        if (*s != '/' && *s != 0)
            continue;
        char keep = *s;
        *s = 0;
        struct stat st;
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            diag_error(d, p, 0, 0, "cannot create directory: %s", strerror(errno));
            rc = -1;
        } else if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode)) {
            diag_error(d, p, 0, 0, "exists and is not a directory");
            rc = -1;
        }
        *s = keep;
        if (rc != 0 || keep == 0)
            break;
    }
    free(p);
    return rc;
}

/* Writes text to path through a temporary file in the same directory, then renames it,
 * so a failure never leaves half a file. */
static int imp_write(const char *path, const char *text, diag *d)
{
    size_t n = strlen(path);
    char *tmp = malloc(n + 16);
    if (!tmp) {
        diag_error_general(d, "out of memory");
        return -1;
    }
    snprintf(tmp, n + 16, "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        diag_error(d, path, 0, 0, "cannot write: %s", strerror(errno));
        free(tmp);
        return -1;
    }
    FILE *f = fdopen(fd, "wb");
    size_t len = strlen(text);
    bool ok = f && fchmod(fd, 0644) == 0 && fwrite(text, 1, len, f) == len && fflush(f) == 0;
    int err = errno;
    if (f) {
        if (fclose(f) != 0 && ok)
            ok = false, err = errno;
    } else {
        close(fd);
    }
    if (ok && rename(tmp, path) != 0)
        ok = false, err = errno;
    if (!ok) {
        diag_error(d, path, 0, 0, "cannot write: %s", strerror(err));
        unlink(tmp);
    }
    free(tmp);
    return ok ? 0 : -1;
}

int import_run(const char *in_path, const char *out_dir, diag *d)
{
    if (!in_path || !out_dir) {
        diag_error_general(d, "import: an input file and an output directory are needed");
        return -1;
    }
    if (!*out_dir)
        out_dir = ".";
    src_file *in = src_file_read(in_path);
    if (!in) {
        diag_error(d, in_path, 0, 0, "cannot read: %s", strerror(errno));
        return -1;
    }
    char *md = import_text(in->path, in->text, in->len, d);
    src_file_free(in);
    if (!md)
        return -1;
    int rc = imp_mkdirs(out_dir, d);
    if (rc == 0) {
        size_t n = strlen(out_dir);
        char *path = malloc(n + sizeof "/issue.md");
        if (!path) {
            diag_error_general(d, "out of memory");
            rc = -1;
        } else {
            snprintf(path, n + sizeof "/issue.md", "%s%sissue.md", out_dir,
                     n > 0 && out_dir[n - 1] == '/' ? "" : "/");
            rc = imp_write(path, md, d);
            free(path);
        }
    }
    free(md);
    return rc;
}
