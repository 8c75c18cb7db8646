/* reader_cjk — CJK-friendly emphasis for md4c, as a pre-pass over the source.
 *
 * CommonMark opens and closes * and _ by what touches the delimiter run: a run
 * between punctuation and a letter does not close. Chinese has no spaces, so
 * **会议指出：**协会 prints its asterisks. The CJK-friendly amendment (the rule
 * markdown-it-cjk-friendly and remark-cjk-friendly implement,
 * github.com/tats-u/markdown-cjk-friendly/blob/main/specification.md) counts a CJK
 * punctuation mark like a letter, and a CJK character like a space where the rule
 * asks for a space or punctuation on the other side.
 *
 * md4c has no hook for this, and a fork would have to be kept up. Instead md4c reads
 * a copy of the source in which, next to a run whose CommonMark answer differs, a CJK
 * character is replaced by a stand-in of the same byte length — 一 (a letter), 、
 * (punctuation) or the ideographic space — chosen so that CommonMark's rule, applied
 * to the copy, gives the CJK-friendly answer. Every byte keeps its offset, so
 * file:line:col stays exact, and the reader takes all text from the real source at
 * those offsets: no stand-in ever reaches the page. */
#include <stdlib.h>
#include <string.h>

#include "layout/read/reader_int.h"

typedef enum { C_SPACE, C_PUNCT, C_OTHER } cclass;

/* Unicode whitespace as CommonMark counts it (the start and end count too). */
static bool is_space(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0xA0 ||
           c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x205F ||
           c == 0x3000;
}

/* Unicode punctuation (ASCII punctuation and the P categories of the blocks Chinese
 * text uses). */
static bool is_punct(uint32_t c)
{
    if (c < 0x80)
        return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) ||
               (c >= 0x7B && c <= 0x7E);
    return c == 0xA1 || c == 0xA7 || c == 0xAB || c == 0xB6 || c == 0xB7 || c == 0xBB ||
           c == 0xBF || (c >= 0x2010 && c <= 0x2027) || (c >= 0x2030 && c <= 0x205E) ||
           (c >= 0x3001 && c <= 0x3003) || (c >= 0x3008 && c <= 0x3011) ||
           (c >= 0x3014 && c <= 0x301F) || c == 0x3030 || c == 0x303D || c == 0x30A0 ||
           c == 0x30FB || (c >= 0xFE10 && c <= 0xFE19) || (c >= 0xFE30 && c <= 0xFE52) ||
           (c >= 0xFE54 && c <= 0xFE63) || c == 0xFE68 || c == 0xFE6A || c == 0xFE6B ||
           (c >= 0xFF01 && c <= 0xFF03) || (c >= 0xFF05 && c <= 0xFF0A) ||
           (c >= 0xFF0C && c <= 0xFF0F) || c == 0xFF1A || c == 0xFF1B || c == 0xFF1F ||
           c == 0xFF20 || (c >= 0xFF3B && c <= 0xFF3D) || c == 0xFF3F || c == 0xFF5B ||
           c == 0xFF5D || (c >= 0xFF5F && c <= 0xFF65);
}

/* East Asian Wide, Fullwidth or Halfwidth, or Hangul: a "CJK character". */
static bool is_cjk(uint32_t c)
{
    return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) ||
           (c >= 0x3041 && c <= 0x33FF) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
           (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
           (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFD);
}

typedef struct {
    bool open, close;
} flanks;

/* CommonMark 0.31 §6.2 for a run of ch between characters of classes p and n, with
 * "punctuation" and "space-or-punctuation" as the caller decides. */
static flanks rule(char ch, bool p_space, bool n_space, bool p_punct, bool n_punct,
                   bool p_sp_or_punct, bool n_sp_or_punct)
{
    bool left = !n_space && (!n_punct || p_sp_or_punct);
    bool right = !p_space && (!p_punct || n_sp_or_punct);
    if (ch == '*')
        return (flanks){ left, right };
    return (flanks){ left && (!right || p_punct), right && (!left || n_punct) };
}

/* What md4c computes when the neighbours are of classes p and n. */
static flanks commonmark(char ch, cclass p, cclass n)
{
    return rule(ch, p == C_SPACE, n == C_SPACE, p == C_PUNCT, n == C_PUNCT,
                p != C_OTHER, n != C_OTHER);
}

/* The amendment: only non-CJK punctuation counts as punctuation for (2a); a CJK
 * character (punctuation or not) beside it satisfies (2b). _'s extra conditions
 * still see all punctuation. */
static flanks friendly(char ch, uint32_t p, uint32_t n)
{
    bool ps = is_space(p), ns = is_space(n);
    bool pn = is_punct(p) && !is_cjk(p), nn = is_punct(n) && !is_cjk(n);
    flanks f = rule('*', ps, ns, pn, nn, ps || pn || is_cjk(p), ns || nn || is_cjk(n));
    if (ch == '*')
        return f;
    return (flanks){ f.open && (!f.close || is_punct(p)), f.close && (!f.open || is_punct(n)) };
}

static cclass class_of(uint32_t c)
{
    return is_space(c) ? C_SPACE : is_punct(c) ? C_PUNCT : C_OTHER;
}

/* Stand-ins of three bytes for each class. */
static const char *const stand_in[] = { "\xE3\x80\x80", "\xE3\x80\x81", "\xE4\xB8\x80" };

/* A character next to a run: where it is, what it is, what md4c will see. */
typedef struct {
    size_t at, len;           /* len 0: the start or end of the text */
    uint32_t cp;
    cclass seen;
    bool locked;              /* another run relies on what md4c sees here */
} side;

/* The choice for one run: which class each side shows, changing as few as possible. */
static bool choose(char ch, const side *p, const side *n, flanks want, cclass *cp, cclass *cn)
{
    for (int changes = 0; changes <= 2; changes++)
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++) {
                cclass ca = (cclass)a, cb = (cclass)b;
                int k = (ca != p->seen) + (cb != n->seen);
                bool pa = ca == p->seen || (!p->locked && p->len == 3);
                bool pb = cb == n->seen || (!n->locked && n->len == 3);
                flanks f = commonmark(ch, ca, cb);
                if (k == changes && pa && pb && f.open == want.open && f.close == want.close) {
                    *cp = ca;
                    *cn = cb;
                    return true;
                }
            }
    return false;
}

static side side_before(const char *t, size_t at)
{
    side s = { at, 0, '\n', C_SPACE, false };
    if (at == 0)
        return s;
    size_t i = at;
    s.cp = utf8_prev(t, &i);
    s.at = i;
    s.len = at - i;
    s.seen = class_of(s.cp);
    return s;
}

static side side_after(const char *t, size_t n, size_t at)
{
    side s = { at, 0, '\n', C_SPACE, false };
    if (at >= n)
        return s;
    size_t i = at;
    s.cp = utf8_next(t, n, &i);
    s.len = i - at;
    s.seen = class_of(s.cp);
    return s;
}

/* Puts class c's stand-in at s (a three-byte character) in the copy. */
static bool stand(char **copy, const char *text, size_t n, const side *s, cclass c)
{
    if (c == s->seen)
        return true;
    if (!*copy) {
        if (!(*copy = malloc(n + 1)))
            return false;
        memcpy(*copy, text, n);
        (*copy)[n] = 0;
    }
    memcpy(*copy + s->at, stand_in[c], 3);
    return true;
}

char *reader_cjk_emphasis(const char *text, size_t n, bool *oom)
{
    char *copy = NULL;
    size_t locked_at = (size_t)-1;  /* the character the last run's right side fixed */
    cclass locked_as = C_OTHER;
    *oom = false;
    for (size_t i = 0; i < n;) {
        char ch = text[i];
        if ((ch != '*' && ch != '_') || (i > 0 && text[i - 1] == '\\')) {
            i++;
            continue;
        }
        size_t e = i;
        while (e < n && text[e] == ch)
            e++;
        side p = side_before(text, i), q = side_after(text, n, e);
        if (p.len && p.at == locked_at) {
            p.seen = locked_as;
            p.locked = true;
        }
        flanks want = friendly(ch, p.cp, q.cp);
        flanks now = commonmark(ch, p.seen, q.seen);
        cclass cp = p.seen, cq = q.seen;
        if ((want.open != now.open || want.close != now.close) && choose(ch, &p, &q, want, &cp, &cq) &&
            (!stand(&copy, text, n, &p, cp) || !stand(&copy, text, n, &q, cq))) {
            *oom = true;
            free(copy);
            return NULL;
        }
        locked_at = q.len ? q.at : (size_t)-1;
        locked_as = cq;
        i = e;
    }
    return copy;
}
