/* import_text — measuring and classifying the text: visible length, sentence ends,
 * Chinese outline numbering, comparable forms of titles and their edit distance, and
 * the small hash map the footer and contents passes share. */
#include "layout/import/import_int.h"

#include <stdlib.h>
#include <string.h>

/* ===================== character classes and small helpers ===================== */

bool imp_cp_in(uint32_t c, const char *set)
{
    size_t n = strlen(set), i = 0;
    while (i < n)
        if (imp_next(set, n, &i) == c)
            return true;
    return false;
}

bool imp_is_punct(uint32_t c)
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

char *imp_dup(imp_ctx *c, const char *s, size_t n)
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

char *imp_take(imp_ctx *c, strbuf *b)
{
    char *s = strbuf_take(b);
    if (!s)
        c->oom = true;
    return s;
}

int imp_no(const imp_ctx *c, const imp_block *b)
{
    return c->line[b->first].no;
}

/* ===================== text measures ===================== */

size_t imp_vis_len(const char *s)
{
    size_t n = strlen(s), i = 0, k = 0;
    while (i < n) {
        uint32_t c = imp_next(s, n, &i);
        k += !imp_is_blank(c) && c != '*';
    }
    return k;
}

size_t imp_rtrim_marks(const char *s, size_t n)
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

size_t imp_ltrim_marks(const char *s, size_t n)
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

uint32_t imp_last(const char *s)
{
    size_t n = imp_rtrim_marks(s, strlen(s));
    return utf8_prev(s, &n);
}

uint32_t imp_first(const char *s)
{
    size_t n = strlen(s), i = imp_ltrim_marks(s, n);
    return imp_next(s, n, &i);
}

bool imp_ends_sentence(const char *s)
{
    size_t e = imp_rtrim_marks(s, strlen(s)), i = e;
    uint32_t c = utf8_prev(s, &i);
    if (!imp_cp_in(c, IMP_CLOSERS))
        return c && imp_cp_in(c, IMP_STOPS);
    size_t k = i;
    if (imp_cp_in(utf8_prev(s, &k), IMP_STOPS))
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
            return imp_cp_in(utf8_prev(s, &b), IMP_STOPS);
        }
    }
    return false;
}

bool imp_inner_stop(const char *s)
{
    size_t n = imp_rtrim_marks(s, strlen(s)), i = imp_ltrim_marks(s, n);
    size_t last = n;
    utf8_prev(s, &last);
    while (i < last)
        if (imp_cp_in(imp_next(s, n, &i), "。！？；!?;"))
            return true;
    return false;
}

bool imp_ends_stop(const char *s)
{
    return imp_cp_in(imp_last(s), "。！？!?");
}

bool imp_drop_han_spaces(char *s)
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

size_t imp_scan_numerals(const char *s, size_t n, size_t *i, bool han, bool dig)
{
    size_t k = 0;
    while (*i < n) {
        size_t j = *i;
        uint32_t c = imp_next(s, n, &j);
        if (!((han && imp_cp_in(c, IMP_HAN_NUMERALS)) || (dig && imp_is_digit(c))))
            break;
        *i = j;
        k++;
    }
    return k;
}

imp_kind imp_numbering(const char *s, size_t *after)
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
    } else if (imp_cp_in(c, IMP_HAN_NUMERALS)) {
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

bool imp_starts_item(const char *s)
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

/* ===================== a hash map over keys owned elsewhere ===================== */

static uint64_t imp_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

bool imp_map_init(imp_ctx *c, imp_map *m, size_t keys)
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

int *imp_map_at(imp_map *m, const char *k, size_t n, bool add)
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

/* ===================== comparing titles ===================== */

char *imp_norm(imp_ctx *c, const char *s)
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

bool imp_close_enough(const char *heading, const char *title)
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
