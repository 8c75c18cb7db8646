/* punct — see punct.h. */
#include "layout/compose/punct.h"

#include <stdlib.h>
#include <string.h>

#include "layout/base/script.h"
#include "layout/base/utf8.h"
#include "layout/base/vec.h"

enum { KEEP, REPLACE, DROP };

/* One character of the text, where it came from and what becomes of it. */
typedef struct {
    uint32_t cp;
    uint32_t at, len;         /* bytes inside its inline */
    int inl;
    bool fixed;               /* code or a hard break: never changed, never Han */
    uint8_t act;
    const char *rep;
} pchar;

typedef struct {
    pchar *c;
    size_t n, cap;
} ptext;

static bool is_han(const pchar *c)
{
    return !c->fixed && (c->act == REPLACE || script_of(c->cp) == SCRIPT_CJK);
}

static bool is_blank(const pchar *c) { return !c->fixed && c->cp == ' ' && c->act != REPLACE; }

/* The nearest character before / after i that is not a blank; -1 / n when none. */
static long prev_ink(const ptext *t, long i)
{
    while (--i >= 0 && is_blank(&t->c[i]))
        ;
    return i;
}

static long next_ink(const ptext *t, long i)
{
    while (++i < (long)t->n && is_blank(&t->c[i]))
        ;
    return i;
}

static bool han_at(const ptext *t, long i) { return i >= 0 && i < (long)t->n && is_han(&t->c[i]); }

static const char *fullwidth_of(uint32_t c)
{
    switch (c) {
    case '(': return "（";
    case ')': return "）";
    case ',': return "，";
    case ':': return "：";
    case ';': return "；";
    case '!': return "！";
    case '?': return "？";
    default: return NULL;
    }
}

static void convert(ptext *t, long i)
{
    t->c[i].act = REPLACE;
    t->c[i].rep = fullwidth_of(t->c[i].cp);
}

/* A bracket pair is Chinese when its content holds Han or a neighbour is Han. */
static void brackets(ptext *t)
{
    long *stack = NULL;
    size_t depth = 0, cap = 0;
    for (long i = 0; i < (long)t->n; i++) {
        const pchar *c = &t->c[i];
        if (c->fixed || (c->cp != '(' && c->cp != ')'))
            continue;
        if (c->cp == '(') {
            if (VEC_PUSH_ROOM(stack, cap, depth))
                stack[depth++] = i;
            continue;
        }
        long o = depth ? stack[--depth] : -1;
        bool han = han_at(t, next_ink(t, i)) || han_at(t, prev_ink(t, o >= 0 ? o : i));
        for (long k = o + 1; k < i && !han && o >= 0; k++)
            han = is_han(&t->c[k]);
        if (!han)
            continue;
        convert(t, i);
        if (o >= 0)
            convert(t, o);
    }
    /* Unmatched opening brackets: by their neighbours. */
    for (size_t k = 0; k < depth; k++)
        if (han_at(t, prev_ink(t, stack[k])) || han_at(t, next_ink(t, stack[k])))
            convert(t, stack[k]);
    free(stack);
}

/* , : ; ! ? whose nearest neighbour is Han (left to right: 交流!!! converts all three). */
static void marks(ptext *t)
{
    for (long i = 0; i < (long)t->n; i++) {
        const pchar *c = &t->c[i];
        if (c->fixed || c->act != KEEP || !fullwidth_of(c->cp) || c->cp == '(' || c->cp == ')')
            continue;
        if (han_at(t, prev_ink(t, i)) || han_at(t, next_ink(t, i)))
            convert(t, i);
    }
}

/* A full-width mark brings its own blank half: blanks beside it go. */
static void drop_blanks(ptext *t)
{
    for (long i = 0; i < (long)t->n; i++) {
        if (t->c[i].act != REPLACE)
            continue;
        for (long k = i - 1; k >= 0 && is_blank(&t->c[k]); k--)
            t->c[k].act = DROP;
        for (long k = i + 1; k < (long)t->n && is_blank(&t->c[k]); k++)
            t->c[k].act = DROP;
    }
}

static bool digitish(const pchar *c)
{
    return !c->fixed && c->act == KEEP && ((c->cp >= '0' && c->cp <= '9') || c->cp == ':');
}

/* The run of digits and colons ending at (dir < 0) or starting at (dir > 0) index i:
 * its far end, and whether it is a time h:mm or a number of at most four digits. */
static long num_run(const ptext *t, long i, int dir, bool *time, bool *num)
{
    long k = i, digits = 0, colons = 0, colon_at = -1;
    while (k >= 0 && k < (long)t->n && digitish(&t->c[k])) {
        if (t->c[k].cp == ':')
            colons++, colon_at = k;
        else
            digits++;
        k += dir;
    }
    long lo = dir < 0 ? k + 1 : i, hi = dir < 0 ? i : k - 1;
    long after = colon_at >= 0 ? hi - colon_at : 0;
    *time = colons == 1 && after == 2 && colon_at - lo >= 1 && colon_at - lo <= 2;
    *num = colons == 0 && digits >= 1 && digits <= 4;
    return k - dir;
}

/* 10:00-12:00, 10:00 - 12:00, 15-16日: a range, never a date (2019-03-31) or a phone
 * number (0756-3628126). Its dash becomes the style's, its blanks go. */
static void ranges(ptext *t, style_range dash)
{
    for (long i = 1; i + 1 < (long)t->n; i++) {
        pchar *c = &t->c[i];
        if (c->fixed || (c->cp != '-' && c->cp != '~') || c->act != KEEP)
            continue;
        long l = prev_ink(t, i), r = next_ink(t, i);
        if (l < 0 || r >= (long)t->n || !digitish(&t->c[l]) || !digitish(&t->c[r]))
            continue;
        bool lt, ln, rt, rn;
        long l0 = num_run(t, l, -1, &lt, &ln), r1 = num_run(t, r, +1, &rt, &rn);
        bool before_ok = l0 == 0 || (t->c[l0 - 1].cp != '-' && t->c[l0 - 1].cp != '.');
        bool unit = r1 + 1 < (long)t->n && is_han(&t->c[r1 + 1]);
        if (!before_ok || !((lt && rt) || (ln && rn && unit)))
            continue;
        if (dash == RANGE_HYPHEN)
            continue;
        c->act = REPLACE;
        c->rep = dash == RANGE_TILDE ? "～" : "–";
        for (long k = l + 1; k < r; k++)
            if (k != i)
                t->c[k].act = DROP;
    }
}

static bool read_chars(const doc_text *in, ptext *t)
{
    for (int k = 0; k < in->nin; k++) {
        const doc_inline *d = &in->in[k];
        size_t n = strlen(d->text);
        bool fixed = d->flags & (IN_CODE | IN_BR);
        for (size_t i = 0; i < n;) {
            size_t at = i;
            uint32_t cp = utf8_next(d->text, n, &i);
            if (!VEC_PUSH_ROOM(t->c, t->cap, t->n))
                return false;
            t->c[t->n++] = (pchar){ cp, (uint32_t)at, (uint32_t)(i - at), k, fixed, KEEP, NULL };
        }
    }
    return true;
}

/* Appends an inline: n bytes of s, in d's style, at source offset src. */
static bool put(doc_text *out, size_t *cap, const doc_inline *d, const char *s, size_t n,
                size_t src, bool verbatim)
{
    if (!n)
        return true;
    if (!VEC_PUSH_ROOM(out->in, *cap, out->nin))
        return false;
    char *text = strndup(s, n);
    char *href = d->href ? strdup(d->href) : NULL;
    if (!text || (d->href && !href)) {
        free(text);
        free(href);
        return false;
    }
    out->in[out->nin++] = (doc_inline){ text, d->flags, href, src, verbatim };
    return true;
}

/* The inlines again, each run of kept characters whole with its exact offset. */
static bool write_text(const doc_text *in, const ptext *t, doc_text *out)
{
    size_t cap = 0, i = 0;
    for (int k = 0; k < in->nin; k++) {
        const doc_inline *d = &in->in[k];
        size_t run = 0;       /* start of the pending run of kept bytes */
        bool ok = true;
        for (; i < t->n && t->c[i].inl == k; i++) {
            const pchar *c = &t->c[i];
            if (c->act == KEEP)
                continue;
            size_t src = d->src_verbatim ? d->src + c->at : d->src;
            size_t run_src = d->src_verbatim ? d->src + run : d->src;
            ok = put(out, &cap, d, d->text + run, c->at - run, run_src, d->src_verbatim) &&
                 (c->act == DROP || put(out, &cap, d, c->rep, strlen(c->rep), src, false));
            if (!ok)
                return false;
            run = c->at + c->len;
        }
        size_t n = strlen(d->text);
        if (!put(out, &cap, d, d->text + run, n - run, d->src_verbatim ? d->src + run : d->src,
                 d->src_verbatim))
            return false;
    }
    return true;
}

int punct_apply(const doc_text *in, const punct_opts *o, doc_text *out)
{
    ptext t = { 0 };
    int rc = -1;
    if (!read_chars(in, &t))
        goto done;
    if (o->fullwidth) {
        brackets(&t);
        marks(&t);
        drop_blanks(&t);
    }
    ranges(&t, o->range);
    bool changed = false;
    for (size_t i = 0; i < t.n && !changed; i++)
        changed = t.c[i].act != KEEP;
    rc = 0;
    if (changed) {
        doc_text nt = { 0 };
        if (write_text(in, &t, &nt)) {
            *out = nt;
            rc = 1;
        } else {
            doc_text_clear(&nt);
            rc = -1;
        }
    }
done:
    free(t.c);
    return rc;
}

