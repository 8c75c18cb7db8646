/* reader_meta — the front matter of an issue: "---", "key: value" lines, "---". */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "layout/base/suggest.h"
#include "layout/read/reader_int.h"

static const struct {
    const char *name;
    size_t off;
    bool required;
} meta_keys[] = {
    { "association", offsetof(doc_meta, association), true },
    { "association_en", offsetof(doc_meta, association_en), false },
    { "title", offsetof(doc_meta, title), true },
    { "number", offsetof(doc_meta, number), true },
    { "issue", offsetof(doc_meta, issue), true },
    { "month", offsetof(doc_meta, month), true },
    { "date", offsetof(doc_meta, date), false },
    { "editor", offsetof(doc_meta, editor), false },
    { "typesetter", offsetof(doc_meta, typesetter), false },
    { "phone", offsetof(doc_meta, phone), false },
    { "fax", offsetof(doc_meta, fax), false },
    { "email", offsetof(doc_meta, email), false },
    { "address", offsetof(doc_meta, address), false },
    { "website", offsetof(doc_meta, website), false },
    { "style", offsetof(doc_meta, style), false },
    { "keywords", offsetof(doc_meta, keywords), false },
    { "lang", offsetof(doc_meta, lang), false },
};
#define NMETA (sizeof meta_keys / sizeof meta_keys[0])

/* A front-matter value is one line of the cover, a running head or the document
 * information: the association's name, 编号, 总第N期, a name or a telephone number
 * take a few dozen characters; 200 are several lines of the cover. keywords go only
 * into the PDF's information (which keeps the first 8000 bytes, app/issue.c) and
 * may be a long list. */
#define META_MAX_CHARS 200
#define META_MAX_KEYWORDS_CHARS 100000

#define VALID_KEYS "association, association_en, title, number, issue, month, date, editor, " \
                   "typesetter, phone, fax, email, address, website, style, keywords, lang"

static char **meta_field(doc_meta *m, size_t k)
{
    return (char **)((char *)m + meta_keys[k].off);
}

/* End of the line starting at p (the '\n' or the end of the text). */
static size_t line_end(const src_file *src, size_t p)
{
    const char *nl = memchr(src->text + p, '\n', src->len - p);
    return nl ? (size_t)(nl - src->text) : src->len;
}

static size_t next_line(const src_file *src, size_t p)
{
    size_t e = line_end(src, p);
    return e < src->len ? e + 1 : e;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* A "---" line, trailing blanks allowed. */
static bool is_fence(const src_file *src, size_t p, size_t e)
{
    while (e > p && is_space(src->text[e - 1]))
        e--;
    return e - p == 3 && memcmp(src->text + p, "---", 3) == 0;
}

static bool digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static int number(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* "YYYY-MM" (and "-DD" when day), a real calendar date. */
static bool valid_date(const char *s, bool day)
{
    size_t len = strlen(s);
    if (len != (day ? 10u : 7u) || s[4] != '-' || !digits(s, 4) || !digits(s + 5, 2))
        return false;
    int y = number(s, 4), m = number(s + 5, 2);
    if (y < 1900 || m < 1 || m > 12)
        return false;
    if (!day)
        return true;
    if (s[7] != '-' || !digits(s + 8, 2))
        return false;
    static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    int d = number(s + 8, 2);
    return d >= 1 && d <= mdays[m - 1] + (m == 2 && leap);
}

/* A BCP 47 language tag's shape: a 2–8 letter language, then subtags of 1–8 letters
 * or digits, joined by '-' ("zh-CN", "zh-Hant-TW", "en"). */
static bool valid_lang(const char *s)
{
    size_t n = 0, first = 0;
    for (const char *p = s;; p++) {
        bool alpha = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z');
        if (alpha || (*p >= '0' && *p <= '9' && first)) {
            if (++n > 8)
                return false;
            continue;
        }
        if ((*p != '-' && *p) || n == 0 || (!first && n < 2))
            return false;
        if (!*p)
            return true;
        first++;
        n = 0;
    }
}

/* The key's index in meta_keys, or -1. */
static int find_key(const char *k, size_t n)
{
    for (size_t i = 0; i < NMETA; i++)
        if (strlen(meta_keys[i].name) == n && memcmp(meta_keys[i].name, k, n) == 0)
            return (int)i;
    return -1;
}

/* One "key: value" line [p, e). seen[] holds the line of each key already set. */
static void meta_line(const src_file *src, size_t p, size_t e, int seen[], diag *d, doc_meta *m)
{
    const char *t = src->text;
    while (p < e && is_space(t[p]))
        p++;
    if (p == e || t[p] == '#')        /* blank line or YAML comment */
        return;
    size_t after;
    size_t colon = reader_key_colon(t, p, e, &after);
    if (!after) {
        diag_error_at(d, src, p, "expected 'key: value' in the front matter, or '---' to end it");
        return;
    }
    size_t kend = colon;
    while (kend > p && is_space(t[kend - 1]))
        kend--;
    int k = find_key(t + p, kend - p);
    if (k < 0) {
        suggest sg;
        suggest_init(&sg, t + p, kend - p);
        for (size_t i = 0; i < NMETA; i++)
            suggest_offer(&sg, meta_keys[i].name);
        if (suggest_best(&sg))
            diag_error_at(d, src, p, "unknown front-matter key '%.*s'; did you mean '%s'?",
                          (int)(kend - p), t + p, suggest_best(&sg));
        else
            diag_error_at(d, src, p, "unknown front-matter key '%.*s'; valid keys: " VALID_KEYS,
                          (int)(kend - p), t + p);
        return;
    }
    int line, col;
    src_file_pos(src, p, &line, &col);
    if (seen[k]) {
        diag_error_at(d, src, p, "duplicate front-matter key '%s' (first set on line %d); keep one",
                      meta_keys[k].name, seen[k]);
        return;
    }
    seen[k] = line;
    size_t v = after, ve = e;
    while (v < ve && is_space(t[v]))
        v++;
    while (ve > v && is_space(t[ve - 1]))
        ve--;
    /* YAML habit: a value may be quoted. */
    if (ve - v >= 2 && (t[v] == '"' || t[v] == '\'') && t[ve - 1] == t[v]) {
        v++;
        ve--;
    }
    if (v == ve) {
        if (meta_keys[k].required)
            diag_error_at(d, src, p, "front-matter key '%s' needs a value", meta_keys[k].name);
        return;
    }
    bool kw = strcmp(meta_keys[k].name, "keywords") == 0;
    size_t chars = utf8_count(t + v, ve - v), most = kw ? META_MAX_KEYWORDS_CHARS : META_MAX_CHARS;
    if (chars > most) {
        diag_error_at(d, src, v, "the value of '%s' has %zu characters; at most %zu%s: shorten it",
                      meta_keys[k].name, chars, most,
                      kw ? "" : " (it is a line of the cover or the running head)");
        return;
    }
    char *val = strndup(t + v, ve - v);
    if (!val) {
        reader_oom(d, src);
        return;
    }
    *meta_field(m, (size_t)k) = val;
    if (strcmp(meta_keys[k].name, "issue") == 0)
        m->issue_at = v;
    if (strcmp(meta_keys[k].name, "month") == 0)
        m->month_at = v;
    if (strcmp(meta_keys[k].name, "style") == 0)
        m->style_at = v;
    if (strcmp(meta_keys[k].name, "month") == 0 && !valid_date(val, false))
        diag_error_at(d, src, v, "month '%s' must be YYYY-MM, e.g. 2019-03", val);
    if (strcmp(meta_keys[k].name, "date") == 0 && !valid_date(val, true))
        diag_error_at(d, src, v, "date '%s' must be a date YYYY-MM-DD, e.g. 2019-03-31", val);
    if (strcmp(meta_keys[k].name, "lang") == 0 && !valid_lang(val))
        diag_error_at(d, src, v, "lang '%s' must be a language tag such as zh-CN, zh-Hant-TW or en",
                      val);
}

size_t reader_front_matter(const src_file *src, diag *d, doc_meta *m)
{
    size_t p = 0;
    if (src->len >= 3 && memcmp(src->text, "\xEF\xBB\xBF", 3) == 0)
        p = 3;                /* a byte-order mark, as some Windows editors write */
    if (!is_fence(src, p, line_end(src, p))) {
        diag_error_at(d, src, 0,
                      "an issue starts with front matter: a line '---', then 'key: value' "
                      "lines (association, title, number, issue, month, …), then '---'");
        return p;
    }
    size_t first = next_line(src, p), close = first;
    while (close < src->len && !is_fence(src, close, line_end(src, close)))
        close = next_line(src, close);
    if (close >= src->len) {
        diag_error_at(d, src, p,
                      "the front matter is not closed; add a line '---' after its last "
                      "'key: value' line");
        return src->len;
    }
    int seen[NMETA] = { 0 };
    for (size_t q = first; q < close; q = next_line(src, q))
        meta_line(src, q, line_end(src, q), seen, d, m);
    for (size_t k = 0; k < NMETA; k++)
        if (meta_keys[k].required && !seen[k])
            diag_error_at(d, src, close,
                          "missing front-matter key '%s'; add a line '%s: …' before this line",
                          meta_keys[k].name, meta_keys[k].name);
    if (!m->style && !(m->style = strdup("zasto")))
        reader_oom(d, src);
    if (!m->lang && !(m->lang = strdup("zh-CN")))
        reader_oom(d, src);
    return next_line(src, close);
}
