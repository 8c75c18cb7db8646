/* breaks — where a line may start: clreq's prohibitions for anything involving CJK,
 * UAX #14 between Latin letters and digits, and the places typesetters break long
 * Latin tokens (paths, URLs, e-mail addresses, option names, hashes). */
#include <linebreak.h>

#include "layout/compose/compose_int.h"

/* CL-LB-01…03 (+06 strict): characters that must not start a line. */
static bool no_start(const para_unit *u, style_strictness st)
{
    switch (u->cls) {
    case PC_CLOSE: case PC_PAUSE: case PC_STOP: case PC_MIDDLE:
        return true;
    case PC_DASH:
        /* A single dash is a connector (CL-LB-03); ——/…… only in strict mode. */
        return st == STRICT_STRICT || u->cp == 0x2015 || (u->t1 - u->t0) <= 3;
    default:
        break;
    }
    switch (u->cp) {
    case ',': case '.': case ':': case ';': case '!': case '?': case ')': case ']':
    case '}': case '%': case 0xFF5E: case 0x301C: case '-': case 0x2013: case '/':
    case 0xFF0F: case 0x2030: case 0x2103: case 0x00B0:
    /* The closing quotes, whatever class their glyph gave them: a face with narrow,
     * Latin-style quotes (LXGW WenKai) still may not start a line with one. */
    case 0x201D: case 0x2019:
        return true;
    default:
        return false;
    }
}

/* CL-LB-04 (+05): characters that must not end a line. */
static bool no_end(const para_unit *u)
{
    if (u->cls == PC_OPEN)
        return true;
    switch (u->cp) {
    case '(': case '[': case '{': case 0xFF0F: case 0x201C: case 0x2018:
        return true;
    default:
        return false;
    }
}

static bool is_dash_char(uint32_t c) { return c == 0x2014 || c == 0x2026 || c == 0x2015; }

static bool is_hex(uint32_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* A Latin token: units [t0, t1) with no space or CJK between them. */
typedef struct {
    size_t t0, t1;
    size_t hyphens;           /* leading hyphens of an option (--bzip2): 2 */
    bool hash;                /* 16 or more hex digits with letters and digits */
} token;

static token token_at(const para *p, size_t i)
{
    token t = { i, i, 0, false };
    while (t.t0 > 0 && compose_is_latinish(p->u[t.t0 - 1].cls))
        t.t0--;
    while (t.t1 < p->nu && compose_is_latinish(p->u[t.t1].cls))
        t.t1++;
    while (t.t0 + t.hyphens < t.t1 && p->u[t.t0 + t.hyphens].cp == '-')
        t.hyphens++;
    bool letter = false, digit = false, hex = t.t1 - t.t0 >= 16;
    for (size_t k = t.t0; k < t.t1 && hex; k++) {
        uint32_t c = p->u[k].cp;
        hex = is_hex(c);
        digit |= c >= '0' && c <= '9';
        letter |= c > '9';
    }
    t.hash = hex && letter && digit;
    return t;
}

/* Inside a Latin token, before unit i (i - 1 and i both in it): 1 a typesetter's
 * break (CL-LB-10), -1 never, 0 UAX #14 decides. */
static int token_break(const para *p, const token *t, size_t i)
{
    const para_unit *a = &p->u[i - 1], *b = &p->u[i];
    if (i <= t->t0 + t->hyphens)
        return -1;                        /* --|bzip2: the option stays whole */
    bool digits = a->cls == PC_DIGIT || b->cls == PC_DIGIT;
    switch (a->cp) {
    case '/':
        return b->cp == '/' ? -1 : 1;     /* after a slash, not inside "//" */
    case '-':
        /* Between digits it is a range or a number (10:00-12:00, 15-16): whole. */
        return i >= 2 && p->u[i - 2].cls == PC_DIGIT && b->cls == PC_DIGIT ? -1 : 1;
    case '.':
        return digits ? 0 : 1;            /* 4369712.57 stays whole */
    case '_': case '?': case '&': case '=':
        return b->cp == a->cp ? 0 : 1;
    default:
        break;
    }
    if (b->cp == '@')
        return 1;
    if (t->hash)
        return 1;
    return 0;
}

/* A range dash (10:00-12:00, 15-16日, 10:00 – 12:00): the unit index of the digits on
 * each side, spaces between allowed. False when unit i is not one. */
static bool range_at(const para *p, size_t i, size_t *lo, size_t *hi)
{
    uint32_t c = p->u[i].cp;
    if (c != '-' && c != 0x2013 && c != '~' && c != 0xFF5E && c != 0x301C)
        return false;
    size_t l = i, h = i + 1;
    while (l > 0 && p->u[l - 1].cls == PC_SPACE)
        l--;
    while (h < p->nu && p->u[h].cls == PC_SPACE)
        h++;
    if (l == 0 || h >= p->nu || p->u[l - 1].cls != PC_DIGIT || p->u[h].cls != PC_DIGIT)
        return false;
    *lo = l - 1;
    *hi = h;
    return true;
}

/* Before unit i, between two ordinary units; t: the Latin token around i - 1 and i
 * when both are Latin. */
static bool plain_break(const para *p, const compose_opts *o, const char *uax, size_t i,
                        const token *t)
{
    const para_unit *a = &p->u[i - 1], *b = &p->u[i];
    bool ok;
    if (b->cls == PC_SPACE)
        ok = false;                     /* break after the space, not before */
    else if (a->cls == PC_SPACE)
        ok = !no_start(b, o->strictness);
    else if (compose_is_latinish(a->cls) && compose_is_latinish(b->cls)) {
        int k = token_break(p, t, i);
        ok = k > 0 || (k == 0 && uax[b->t0 - 1] == LINEBREAK_ALLOWBREAK);   /* UAX #14 */
    } else
        ok = !no_start(b, o->strictness) && !no_end(a);
    /* CL-LB-07: ——/…… are one unit even when the font does not ligate them. */
    if (is_dash_char(a->cp) && a->cp == b->cp)
        ok = false;
    /* CL-LB-10: a number stays with the unit or measure word that follows it. */
    if (a->cls == PC_DIGIT && b->cls == PC_HAN)
        ok = false;
    /* CL-LB-05 (GB): a solidus in Chinese text does not end a line. */
    if (a->cp == '/' &&
        (compose_is_cjkish(b->cls) || (i >= 2 && compose_is_cjkish(p->u[i - 2].cls))))
        ok = false;
    /* Names in a signature (IN_KEEP) break only at the spaces between them. */
    if (((compose_flags(p, i - 1) | compose_flags(p, i)) & IN_KEEP) && a->cls != PC_SPACE)
        ok = false;
    return ok;
}

/* CL-LB-14: a bracketed group — （商建函〔2019〕61号）, 《…》, “…” — of up to keep_brackets
 * characters (units, brackets included) stays on one line: no break after its opening
 * mark up to its closing one, so the line breaks before it. Groups nest; a closing
 * mark closes the innermost open group whatever its kind. A group wider than the
 * measure may break inside: nothing may reach past the measure. */
static void keep_groups(const para *p, const compose_opts *o, compose_brk *b)
{
    enum { DEPTH = 32 };
    size_t open[DEPTH];
    int depth = 0, deeper = 0;          /* deeper: openings past DEPTH, not kept */
    for (size_t i = 0; i < p->nu; i++) {
        uint8_t cls = p->u[i].cls;
        if (cls == PC_BREAK) {
            depth = deeper = 0;         /* a hard break ends every group */
        } else if (cls == PC_OPEN) {
            if (depth < DEPTH)
                open[depth++] = i;
            else
                deeper++;
        } else if (cls == PC_CLOSE && deeper > 0) {
            deeper--;
        } else if (cls == PC_CLOSE && depth > 0) {
            size_t a = open[--depth];
            if (i - a + 1 > (size_t)o->keep_brackets)
                continue;
            double w = 0;
            for (size_t k = a; k <= i; k++)
                w += p->u[k].w;
            if (w > o->measure)
                continue;
            for (size_t k = a + 1; k <= i; k++)
                b[k].ok = false;
        }
    }
}

/* The cost of breaking inside a word (no hyphen): far above any other break. */
#define EMERGENCY_PENALTY 5000.0f

void breaks_find(const para *p, const compose_opts *o, const char *uax, size_t label_end,
                 int emergency, compose_brk *b)
{
    size_t n = p->nu;
    token tok = { 0, 0, 0, false };
    for (size_t i = 1; i < n; i++) {
        const para_unit *a = &p->u[i - 1], *u = &p->u[i];
        compose_brk *k = &b[i];
        /* Each token is measured once, when its first pair is met: linear time even
         * for a megabyte without a space. */
        if (compose_is_latinish(a->cls) && compose_is_latinish(u->cls) && i - 1 >= tok.t1)
            tok = token_at(p, i);
        *k = (compose_brk){ 0 };
        if (a->cls == PC_BREAK) {
            k->ok = k->forced = true;       /* a hard line break */
            continue;
        }
        if (u->cls == PC_BREAK || i <= label_end)
            continue;                       /* the label stays with its text */
        k->ok = plain_break(p, o, uax, i, &tok);
        /* Breaking inside a Latin token costs a little: justification still prefers
         * it to spacing out the Han characters of the line (CL-JU-07). */
        if (k->ok && compose_is_latinish(a->cls) && compose_is_latinish(u->cls))
            k->penalty = o->token_penalty;
        /* Nothing may reach past the column: when a word, number or link is longer
         * than a line, it breaks between any two of its characters — at a cost, so
         * only where there is no other way. */
        if (!k->ok && (emergency >= 2 || (emergency && compose_is_latinish(a->cls) &&
                                          compose_is_latinish(u->cls)))) {
            k->ok = true;
            k->penalty = EMERGENCY_PENALTY;
        }
        /* CL-LB-06: strict forbids ——/…… at a line start (no_start); basic avoids it. */
        if (u->cls == PC_DASH && (u->t1 - u->t0) > 3)
            k->penalty = 100;
    }
    /* CL-LB-13: a range never breaks at its dash, nor at the spaces around it (unless
     * the measure is narrower than the range). */
    for (size_t i = 1; i + 1 < n && emergency < 2; i++) {
        size_t lo, hi;
        if (range_at(p, i, &lo, &hi))
            for (size_t k = lo + 1; k <= hi; k++)
                if (!b[k].forced)
                    b[k].ok = false;
    }
    if (o->keep_brackets > 0 && emergency < 2)
        keep_groups(p, o, b);
    b[0] = (compose_brk){ true, false, 0 };
}
