/* reader_util — buffers, text building and character tests for the issue reader. */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>

#include "layout/base/script.h"
#include "layout/read/reader_int.h"

bool reader_tb_add(reader_tb *tb, const char *s, size_t n, unsigned flags, const char *href,
                   size_t src, bool verbatim)
{
    if (n == 0)
        return true;
    doc_text *t = tb->t;
    if (t->nin == INT_MAX ||
        !vec_reserve((void **)&t->in, &tb->cap, (size_t)t->nin + 1, sizeof *t->in))
        return false;
    char *text = malloc(n + 1);
    char *h = NULL;
    if (text && (flags & IN_LINK) && href)
        h = strdup(href);
    if (!text || ((flags & IN_LINK) && href && !h)) {
        free(text);
        return false;
    }
    /* The shaper must never see control characters (they would print as boxes);
     * replacing them byte for byte keeps src offsets exact. */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        text[i] = (c < 0x20 || c == 0x7F) ? ' ' : (char)c;
    }
    text[n] = 0;
    t->in[t->nin++] = (doc_inline){
        .text = text, .flags = flags, .href = h, .src = src, .src_verbatim = verbatim
    };
    tb->last = utf8_last(text, n);
    return true;
}

size_t reader_text_chars(const doc_text *t)
{
    size_t n = 0;
    for (int i = 0; t && i < t->nin; i++)
        n += utf8_count(t->in[i].text, strlen(t->in[i].text));
    return n;
}

/* A full-width punctuation mark: CJK symbols and punctuation, full-width forms. */
static bool fullwidth_mark(uint32_t c)
{
    return (c >= 0x3001 && c <= 0x301F) || (c >= 0xFF01 && c <= 0xFF0F) ||
           (c >= 0xFF1A && c <= 0xFF20) || (c >= 0xFF3B && c <= 0xFF40) ||
           (c >= 0xFF5B && c <= 0xFF65);
}

bool reader_break_vanishes(uint32_t before, uint32_t after)
{
    if (fullwidth_mark(before) || fullwidth_mark(after))
        return true;
    script_kind a = script_of(before), b = script_of(after);
    if (a == SCRIPT_CJK)
        return b == SCRIPT_CJK || b == SCRIPT_EITHER;
    return a == SCRIPT_EITHER && b == SCRIPT_CJK;
}

/* Chinese numerals of a label: 一 … 十, 百, 零, 〇, 两. */
static size_t cn_numerals(const char *s, size_t n)
{
    static const char *const num[] = { "一", "二", "三", "四", "五", "六", "七", "八", "九",
                                       "十", "百", "零", "〇", "两" };
    size_t i = 0;
    for (int count = 0; count < 4; count++) {
        size_t k = 0;
        for (size_t j = 0; j < sizeof num / sizeof num[0] && !k; j++)
            if (n - i >= 3 && memcmp(s + i, num[j], 3) == 0)
                k = 3;
        if (!k)
            break;
        i += k;
    }
    return i;
}

static size_t digits(const char *s, size_t n, size_t most)
{
    size_t i = 0;
    while (i < n && i < most && s[i] >= '0' && s[i] <= '9')
        i++;
    return i;
}

static bool at(const char *s, size_t n, const char *lit)
{
    size_t k = strlen(lit);
    return n >= k && memcmp(s, lit, k) == 0;
}

/* Blanks after a label: ASCII spaces and ideographic spaces. */
static size_t blanks(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && (s[i] == ' ' || at(s + i, n - i, "　")))
        i += s[i] == ' ' ? 1 : 3;
    return i;
}

size_t reader_label(const char *s, size_t n, size_t *skip)
{
    size_t k = 0;
    *skip = 0;
    bool open = at(s, n, "（") || at(s, n, "(");
    if (open) {                                   /* （一） (1) (a) */
        size_t o = s[0] == '(' ? 1 : 3, m = cn_numerals(s + o, n - o);
        if (!m)
            m = digits(s + o, n - o, 3);
        if (!m && o < n && ((s[o] >= 'a' && s[o] <= 'z') || (s[o] >= 'A' && s[o] <= 'Z')))
            m = 1;
        size_t c = o + m;
        if (m && (at(s + c, n - c, "）") || at(s + c, n - c, ")")))
            k = c + (s[c] == ')' ? 1 : 3);
    } else if (at(s, n, "第")) {                  /* 第一节 第3章, a blank after it */
        size_t m = cn_numerals(s + 3, n - 3);
        if (!m)
            m = digits(s + 3, n - 3, 3);
        static const char *const unit[] = { "章", "节", "条", "款", "部分", "篇" };
        for (size_t j = 0; m && j < sizeof unit / sizeof unit[0] && !k; j++)
            if (at(s + 3 + m, n - 3 - m, unit[j]))
                k = 3 + m + strlen(unit[j]);
        if (k && !blanks(s + k, n - k))
            k = 0;
    } else if (n >= 3 && (unsigned char)s[0] == 0xE2 && (unsigned char)s[1] == 0x91 &&
               (unsigned char)s[2] >= 0xA0 && (unsigned char)s[2] <= 0xB3) {
        k = 3;                                    /* ① … ⑳ */
    } else {                                      /* 一、 1、 1． 1. */
        size_t m = cn_numerals(s, n);
        bool cn = m > 0;
        if (!m)
            m = digits(s, n, 3);
        if (m && at(s + m, n - m, "、"))
            k = m + 3;
        else if (m && !cn && at(s + m, n - m, "．"))
            k = m + 3;
        else if (m && !cn && at(s + m, n - m, ".") && m + 1 < n && !(s[m + 1] >= '0' && s[m + 1] <= '9'))
            k = m + 1;
    }
    if (!k)
        return 0;
    *skip = blanks(s + k, n - k);
    return k + *skip < n ? k : 0;                 /* a label alone is just text */
}

int reader_entity(const char *s, size_t n, char out[4])
{
    if (n < 3 || s[0] != '&' || s[n - 1] != ';')
        return 0;
    const char *name = s + 1;
    size_t len = n - 2;
    uint32_t cp = 0;
    if (name[0] == '#') {
        bool hex = len > 1 && (name[1] == 'x' || name[1] == 'X');
        size_t i = hex ? 2 : 1;
        if (i >= len || len - i > 8)
            return 0;
        for (; i < len; i++) {
            char c = name[i];
            int v = c >= '0' && c <= '9' ? c - '0'
                  : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                  : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (v < 0)
                return 0;
            cp = cp * (hex ? 16u : 10u) + (uint32_t)v;
            if (cp > 0x10FFFF)
                cp = 0x110000; /* saturate: replaced below */
        }
        /* CommonMark: invalid code points become U+FFFD. */
        if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            cp = 0xFFFD;
    } else {
        char buf[40];
        if (len >= sizeof buf)
            return 0;
        memcpy(buf, name, len);
        buf[len] = 0;
        if (strcmp(buf, "apos") == 0) {
            cp = '\'';
        } else {
            const htmlEntityDesc *e = htmlEntityLookup((const xmlChar *)buf);
            if (!e)
                return 0;
            cp = e->value;
        }
    }
    /* A control character from a reference would reach the shaper: make it a space. */
    if (cp < 0x20 || cp == 0x7F)
        cp = ' ';
    return utf8_put(cp, out);
}

bool reader_src_offset(const src_file *src, const char *p, size_t n, size_t *off)
{
    /* Compared as integers: p may point into md4c's own buffers. */
    uintptr_t a = (uintptr_t)p, lo = (uintptr_t)src->text;
    if (a < lo || a - lo > src->len || n > src->len - (a - lo))
        return false;
    *off = (size_t)(a - lo);
    return true;
}

bool reader_raw_add(reader_raw *r, const char *s, size_t n, const src_file *src)
{
    size_t off;
    if (reader_src_offset(src, s, n, &off)) {
        if (!vec_reserve((void **)&r->seg, &r->cap, r->nseg + 1, sizeof *r->seg))
            return false;
        r->seg[r->nseg++] = (reader_seg){ r->text.n, off, n };
    }
    return strbuf_add(&r->text, s, n);
}

size_t reader_raw_src(const reader_raw *r, size_t off, size_t fallback)
{
    size_t lo = 0, hi = r->nseg;
    while (lo < hi) {         /* the last segment starting at or before off */
        size_t mid = (lo + hi) / 2;
        if (r->seg[mid].buf <= off)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return fallback;
    const reader_seg *g = &r->seg[lo - 1];
    return off - g->buf <= g->n ? g->src + (off - g->buf) : fallback;
}

void reader_raw_reset(reader_raw *r)
{
    r->text.n = 0;
    if (r->text.p)
        r->text.p[0] = 0;
    r->nseg = 0;
}

void reader_raw_free(reader_raw *r)
{
    strbuf_free(&r->text);
    free(r->seg);
    r->seg = NULL;
    r->nseg = r->cap = 0;
}

void reader_oom(diag *d, const src_file *src)
{
    diag_error_general(d, "out of memory while reading %s", src ? src->path : "the issue");
}

size_t reader_key_colon(const char *t, size_t p, size_t e, size_t *after)
{
    *after = 0;
    for (size_t c = p; c < e; c++) {
        if (t[c] == ':') {
            *after = c + 1;
            return c;
        }
        if (e - c >= 3 && memcmp(t + c, "\xEF\xBC\x9A", 3) == 0) {
            *after = c + 3;
            return c;
        }
    }
    return e;
}
