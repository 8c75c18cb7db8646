/* pf_interp — content streams, interpreted just far enough to know the CTM, colours,
 * overprint state, text position and the current path's extent at every painting
 * operator. Text is measured glyph by glyph with the fonts' own widths (PR-07), so
 * proportional Latin set in a 2-byte CID font is as wide as it prints. */
#include "layout/preflight/pf_int.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "layout/base/vec.h"

#define MAX_GSTACK 64         /* q nesting tracked */
#define MAX_OPERANDS 32
typedef enum { T_NUM, T_NAME, T_STR, T_OP, T_ARRAY, T_DICT, T_EOF } tok_kind;

typedef struct {
    tok_kind k;
    double num;
    char name[128];           /* names with '/', operators */
    size_t off, len;          /* strings: decoded bytes in the lexer's store; arrays: their
                               * elements in the lexer's element list */
    bool partial;             /* strings, arrays: some bytes or elements could not be kept */
} tok;

/* One element of an array operand (a TJ array: strings and adjustments). */
typedef struct {
    bool is_str;
    double num;
    size_t off, len;          /* strings: decoded bytes in the lexer's store */
} elem;

/* Caps what one operator's operands may hold, so that a hostile stream cannot make the
 * element list many times larger than the stream itself. */
#define MAX_OPERAND_ELEMS (1 << 20)

/* The lexer keeps the decoded bytes of string operands and the elements of array
 * operands until the next operator (interpret() empties both there): the text
 * operators measure those bytes glyph by glyph. */
typedef struct {
    const unsigned char *b;
    size_t n, i;
    unsigned char *sb;        /* decoded string bytes (owned) */
    size_t sn, scap;
    elem *el;                 /* array elements (owned) */
    size_t en, ecap;
    size_t lost;              /* stores that failed: out of memory or past the cap */
} lexer;

static void lexer_reset_operands(lexer *L) { L->sn = L->en = 0; }

/* The kept bytes of a string from off (NULL while none are kept: no arithmetic on it). */
static const unsigned char *operand_bytes(const lexer *L, size_t off)
{
    return L->sb ? L->sb + off : NULL;
}

static void lexer_free(lexer *L)
{
    free(L->sb);
    free(L->el);
    L->sb = NULL;
    L->el = NULL;
    L->sn = L->scap = L->en = L->ecap = 0;
}

static void keep_byte(lexer *L, int c)
{
    if (!VEC_PUSH_ROOM(L->sb, L->scap, L->sn)) {
        L->lost++;
        return;
    }
    L->sb[L->sn++] = (unsigned char)c;
}

static void keep_elem(lexer *L, const elem *e)
{
    if (L->en >= MAX_OPERAND_ELEMS || !VEC_PUSH_ROOM(L->el, L->ecap, L->en)) {
        L->lost++;
        return;
    }
    L->el[L->en++] = *e;
}

static bool is_ws(int c) { return c == 0 || c == 9 || c == 10 || c == 12 || c == 13 || c == 32; }
static bool is_delim(int c) { return c && strchr("()<>[]{}/%", c) != NULL; }

static void skip_ws(lexer *L)
{
    while (L->i < L->n) {
        int c = L->b[L->i];
        if (c == '%') {
            while (L->i < L->n && L->b[L->i] != '\n' && L->b[L->i] != '\r')
                L->i++;
        } else if (is_ws(c)) {
            L->i++;
        } else {
            break;
        }
    }
}

/* The byte a backslash escape stands for; e is the byte after the backslash (octal
 * escapes are read by the caller). */
static int unescape(int e)
{
    switch (e) {
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    case 'b': return '\b';
    case 'f': return '\f';
    default: return e; /* \( \) \\ and unknown escapes: the byte itself */
    }
}

/* A literal string from its '('; its decoded bytes are kept when keep is set (strings
 * inside skipped dictionaries are not). */
static void lex_literal(lexer *L, bool keep)
{
    int depth = 1;
    L->i++;
    while (L->i < L->n && depth > 0) {
        int c = L->b[L->i++];
        if (c == '\\' && L->i < L->n) {
            int e = L->b[L->i++];
            if (e >= '0' && e <= '7') {
                c = e - '0';
                for (int k = 0; k < 2 && L->i < L->n && L->b[L->i] >= '0' && L->b[L->i] <= '7'; k++)
                    c = c * 8 + (L->b[L->i++] - '0');
                c &= 0xFF; /* \777 overflows a byte: high bits ignored */
            } else if (e == '\r' || e == '\n') {
                if (e == '\r' && L->i < L->n && L->b[L->i] == '\n')
                    L->i++;
                continue; /* line continuation */
            } else {
                c = unescape(e);
            }
        } else if (c == '(') {
            depth++;
        } else if (c == ')') {
            if (--depth == 0)
                break;
        } else if (c == '\r') {
            /* An unescaped end of line is one '\n', whatever its form. */
            if (L->i < L->n && L->b[L->i] == '\n')
                L->i++;
            c = '\n';
        }
        if (keep)
            keep_byte(L, c);
    }
}

static int hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* A hex string from its '<'; an odd last digit is followed by 0. Other bytes are
 * skipped (white space is allowed, garbage is not worth a finding). */
static void lex_hex(lexer *L)
{
    int high = -1;
    L->i++;
    while (L->i < L->n && L->b[L->i] != '>') {
        int v = hex_value(L->b[L->i++]);
        if (v < 0)
            continue;
        if (high < 0) {
            high = v;
        } else {
            keep_byte(L, high << 4 | v);
            high = -1;
        }
    }
    if (high >= 0)
        keep_byte(L, high << 4);
    if (L->i < L->n)
        L->i++;
}

static void lex_regular(lexer *L, char *out, size_t outlen)
{
    size_t k = 0;
    while (L->i < L->n && !is_ws(L->b[L->i]) && !is_delim(L->b[L->i])) {
        if (k + 1 < outlen)
            out[k++] = (char)L->b[L->i];
        L->i++;
    }
    out[k] = 0;
}

/* A name with its '/', #xx escapes decoded. */
static void lex_name(lexer *L, char *out, size_t outlen)
{
    size_t k = 0;
    out[k++] = '/';
    L->i++;
    while (L->i < L->n && !is_ws(L->b[L->i]) && !is_delim(L->b[L->i])) {
        int c = L->b[L->i++];
        if (c == '#' && L->i + 1 < L->n && isxdigit(L->b[L->i]) && isxdigit(L->b[L->i + 1])) {
            char hx[3] = { (char)L->b[L->i], (char)L->b[L->i + 1], 0 };
            c = (int)strtol(hx, NULL, 16);
            L->i += 2;
        }
        if (k + 1 < outlen)
            out[k++] = (char)c;
    }
    out[k] = 0;
}

static bool parse_number(const char *s, double *v)
{
    if (!*s)
        return false;
    char *end;
    *v = strtod(s, &end);
    /* strtod also takes "inf", "nan", hex and exponents, which PDF does not have. */
    for (const char *c = s; *c; c++)
        if (!strchr("+-.0123456789", *c))
            return false;
    return *end == 0 && isfinite(*v);
}

/* A dictionary (marked-content properties), from its "<<": skipped whole. */
static void skip_dict(lexer *L)
{
    int depth = 0;
    while (L->i < L->n) {
        if (L->b[L->i] == '<' && L->i + 1 < L->n && L->b[L->i + 1] == '<') {
            depth++;
            L->i += 2;
        } else if (L->b[L->i] == '>' && L->i + 1 < L->n && L->b[L->i + 1] == '>') {
            L->i += 2;
            if (--depth == 0)
                break;
        } else if (L->b[L->i] == '(') {
            lex_literal(L, false);
        } else {
            L->i++;
        }
    }
}

static void next_token(lexer *L, tok *t);

/* An array from its '[': numbers and strings go to the element list in order (nested
 * arrays, invalid in TJ, are flattened into it). */
static void lex_array(lexer *L, tok *t)
{
    L->i++;
    t->k = T_ARRAY;
    t->off = L->en;
    for (int guard = 0; guard < 1 << 20; guard++) {
        tok e;
        skip_ws(L);
        if (L->i >= L->n)
            break;
        if (L->b[L->i] == ']') {
            L->i++;
            break;
        }
        next_token(L, &e);
        if (e.k == T_EOF)
            break;
        if (e.k == T_STR)
            keep_elem(L, &(elem){ .is_str = true, .off = e.off, .len = e.len });
        else if (e.k == T_NUM)
            keep_elem(L, &(elem){ .num = e.num });
    }
    t->len = L->en - t->off;
}

/* The next token; arrays and dictionaries come back whole, as one token. */
static void next_token(lexer *L, tok *t)
{
    memset(t, 0, sizeof *t);
    skip_ws(L);
    if (L->i >= L->n) {
        t->k = T_EOF;
        return;
    }
    size_t lost = L->lost;
    int c = L->b[L->i];
    if (c == '(' || (c == '<' && !(L->i + 1 < L->n && L->b[L->i + 1] == '<'))) {
        t->k = T_STR;
        t->off = L->sn;
        if (c == '(')
            lex_literal(L, true);
        else
            lex_hex(L);
        t->len = L->sn - t->off;
    } else if (c == '<') {
        skip_dict(L);
        t->k = T_DICT;
    } else if (c == '[') {
        lex_array(L, t);
    } else if (c == '/') {
        t->k = T_NAME;
        lex_name(L, t->name, sizeof t->name);
    } else if (c == ')' || c == '>' || c == ']' || c == '{' || c == '}') {
        L->i++; /* stray delimiter (or a PostScript brace): an operator that does nothing */
        t->k = T_OP;
    } else {
        lex_regular(L, t->name, sizeof t->name);
        t->k = parse_number(t->name, &t->num) ? T_NUM : T_OP;
    }
    t->partial = L->lost != lost;
}

typedef struct {
    double ctm[6];
    cs_kind fill_cs, stroke_cs;
    double fill[4], stroke[4];
    bool op, OP;
    int opm;
    double font_size, th, tc, tw, tl, rise;
    int tr;
    const font_metrics *font; /* NULL before Tf: the ½ em estimate */
} gstate;

typedef struct {
    pf *p;
    qpdf_oh res;
    int obj;                  /* object to name in findings (page or form) */
    gstate gs[MAX_GSTACK];
    int top;
    double tm[6], tlm[6];
    double sub[4];            /* current subpath's extent in page space */
    bool has_sub;
    bool path_inside;         /* some subpath of the current path reaches the bleed box */
    int depth;                /* form nesting */
    int *chain;               /* object ids of forms being interpreted (cycle guard) */
} interp;

static void mat_mul(const double a[6], const double b[6], double out[6])
{
    double r[6] = { a[0] * b[0] + a[1] * b[2],        a[0] * b[1] + a[1] * b[3],
                    a[2] * b[0] + a[3] * b[2],        a[2] * b[1] + a[3] * b[3],
                    a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5] };
    memcpy(out, r, sizeof r);
}

static void apply(const double m[6], double x, double y, double *ox, double *oy)
{
    *ox = m[0] * x + m[2] * y + m[4];
    *oy = m[1] * x + m[3] * y + m[5];
}

/* Ends the current subpath: does it reach into the bleed box? (Judged per subpath, so
 * that printer's marks around the page, drawn as one path, stay outside.) */
static void end_subpath(interp *I)
{
    if (!I->has_sub)
        return;
    double box[4];
    memcpy(box, I->sub, sizeof box);
    box[2] = fmax(box[2], box[0] + 0.01); /* lines have no area */
    box[3] = fmax(box[3], box[1] + 0.01);
    if (I->p->has_boxes && pf_intersects(box, I->p->bleed))
        I->path_inside = true;
    I->has_sub = false;
}

static void path_add(interp *I, double x, double y, bool new_subpath)
{
    if (new_subpath)
        end_subpath(I);
    double px, py;
    apply(I->gs[I->top].ctm, x, y, &px, &py);
    if (!I->has_sub) {
        I->sub[0] = I->sub[2] = px;
        I->sub[1] = I->sub[3] = py;
        I->has_sub = true;
    } else {
        I->sub[0] = fmin(I->sub[0], px);
        I->sub[1] = fmin(I->sub[1], py);
        I->sub[2] = fmax(I->sub[2], px);
        I->sub[3] = fmax(I->sub[3], py);
    }
}

static double total_ink(const gstate *g, bool stroke)
{
    const double *v = stroke ? g->stroke : g->fill;
    return v[0] + v[1] + v[2] + v[3];
}

/* PR-05 total ink, for what is painted inside the bleed box (printer's marks outside
 * it are in registration colour on purpose). */
static void check_ink(interp *I, bool stroke)
{
    pf *p = I->p;
    gstate *g = &I->gs[I->top];
    if ((stroke ? g->stroke_cs : g->fill_cs) != CSK_CMYK)
        return;
    double ink = total_ink(g, stroke);
    if (ink > 3.0 + 1e-4)
        pf_finding(p, false, 5, I->obj, "total ink %.0f %% above 300 %%", ink * 100);
}

static void paint(interp *I, bool fill, bool stroke)
{
    end_subpath(I);
    if (I->path_inside) {
        if (fill)
            check_ink(I, false);
        if (stroke)
            check_ink(I, true);
    }
    I->path_inside = false;
}

/* Where the glyphs of one text-showing operator go, along the baseline in unscaled
 * text space (Th applied, Tfs and Tc included): the pen's advance and the extent of the
 * glyphs themselves. */
typedef struct {
    double pen;
    double lo, hi;            /* glyph extent; valid when glyphs > 0 */
    size_t glyphs;
} text_run;

/* One glyph of advance w0 (per unit font size): its box spans its own width from the
 * pen; the pen then moves on by tx = (w0 Tfs + Tc + Tw) Th, Tw only for a space. */
static void run_glyph(text_run *r, const gstate *g, double w0, bool space)
{
    double a = r->pen, b = r->pen + w0 * g->font_size * g->th;
    r->lo = r->glyphs ? fmin(r->lo, fmin(a, b)) : fmin(a, b);
    r->hi = r->glyphs ? fmax(r->hi, fmax(a, b)) : fmax(a, b);
    r->glyphs++;
    r->pen += (w0 * g->font_size + g->tc + (space ? g->tw : 0)) * g->th;
}

/* A TJ number: thousandths of text space, subtracted; it moves only what follows, so
 * the extent stays where the glyphs went. */
static void run_adjust(text_run *r, const gstate *g, double adj)
{
    r->pen -= adj / 1000 * g->font_size * g->th;
}

/* One string's glyphs. For 2-byte fonts a last odd byte is no complete code and shows
 * nothing; word spacing applies to the single-byte code 32 only (so never with
 * Identity-H). */
static void run_string(text_run *r, const gstate *g, const unsigned char *s, size_t n)
{
    const font_metrics *m = g->font ? g->font : pf_fm_guess();
    if (pf_fm_two_byte(m)) {
        for (size_t i = 0; i + 1 < n; i += 2)
            run_glyph(r, g, pf_fm_width(m, (unsigned)s[i] << 8 | s[i + 1]), false);
    } else {
        for (size_t i = 0; i < n; i++)
            run_glyph(r, g, pf_fm_width(m, s[i]), s[i] == 32);
    }
}

/* PR-07: the run's box (glyph extent by the font's height estimate: 0.2 em below the
 * baseline to 0.8 em above, raised by Ts) against the trim. */
static void check_text_margin(interp *I, const text_run *r)
{
    pf *p = I->p;
    const gstate *g = &I->gs[I->top];
    double trm[6];
    mat_mul(I->tm, g->ctm, trm);
    double box[4] = { INFINITY, INFINITY, -INFINITY, -INFINITY };
    double xs[2] = { r->lo, r->hi }, ys[2] = { g->rise - 0.2 * g->font_size,
                                               g->rise + 0.8 * g->font_size };
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
            double x, y;
            apply(trm, xs[i], ys[j], &x, &y);
            box[0] = fmin(box[0], x), box[1] = fmin(box[1], y);
            box[2] = fmax(box[2], x), box[3] = fmax(box[3], y);
        }
    if (!p->has_boxes || !pf_intersects(box, p->bleed))
        return;
    double d = fmin(fmin(box[0] - p->trim[0], p->trim[2] - box[2]),
                    fmin(box[1] - p->trim[1], p->trim[3] - box[3]));
    if (d < p->o->safe_mm * PT_PER_MM - 0.01) {
        p->text_near++;
        p->text_min_dist = fmin(p->text_min_dist, d);
    }
}

/* PR-05: black text K only, overprinting (OPM 1, or DeviceCMYK zeros knock out). */
static void check_text_colour(interp *I)
{
    pf *p = I->p;
    const gstate *g = &I->gs[I->top];
    const double *v = g->fill;
    if (g->fill_cs == CSK_CMYK) {
        bool konly = v[0] == 0 && v[1] == 0 && v[2] == 0 && v[3] > 0;
        if (konly && (!g->op || g->opm != 1))
            pf_finding(p, false, 5, I->obj, "K-only text does not overprint (%s)",
                    g->op ? "overprint mode 0" : "overprint off");
        else if (!konly && v[3] >= 0.9 && v[0] + v[1] + v[2] > 0)
            pf_finding(p, false, 5, I->obj, "black text in several inks (rich black %.0f %%)",
                    total_ink(g, false) * 100);
        if (total_ink(g, false) > 3.0 + 1e-4)
            pf_finding(p, false, 5, I->obj, "total ink %.0f %% above 300 %%",
                    total_ink(g, false) * 100);
    } else if (g->fill_cs == CSK_GRAY && v[0] <= 0.1) {
        pf_finding(p, false, 5, I->obj, "black text in DeviceGray: knocks out instead of "
                                     "overprinting K");
    } else if (g->fill_cs == CSK_RGB && v[0] <= 0.1 && v[1] <= 0.1 && v[2] <= 0.1) {
        pf_finding(p, false, 5, I->obj, "black text in RGB, not K only");
    }
}

/* PR-05 and PR-07 for one measured text-showing operator; then the text matrix moves
 * on by the pen's advance. Invisible text (Tr 3, 7) is not checked. */
static void show_text(interp *I, const text_run *r)
{
    const gstate *g = &I->gs[I->top];
    if (g->tr != 3 && g->tr != 7 && r->glyphs > 0) {
        check_text_margin(I, r);
        check_text_colour(I);
    }
    double adv[6] = { 1, 0, 0, 1, r->pen, 0 };
    mat_mul(adv, I->tm, I->tm);
}

/* Tj, ' and ": one string operand. Operands the lexer could not keep whole (out of
 * memory) are not measured. */
static void show_string(interp *I, const lexer *L, const tok *t)
{
    if (t->k != T_STR || t->partial)
        return;
    text_run r = { 0 };
    run_string(&r, &I->gs[I->top], operand_bytes(L, t->off), t->len);
    show_text(I, &r);
}

/* TJ: strings and adjustments in order. */
static void show_array(interp *I, const lexer *L, const tok *t)
{
    if (t->k != T_ARRAY || t->partial)
        return;
    const gstate *g = &I->gs[I->top];
    text_run r = { 0 };
    for (size_t i = 0; i < t->len; i++) {
        const elem *e = &L->el[t->off + i];
        if (e->is_str)
            run_string(&r, g, operand_bytes(L, e->off), e->len);
        else
            run_adjust(&r, g, e->num);
    }
    show_text(I, &r);
}

static void set_color(interp *I, bool stroke, cs_kind k, const double *v, int n)
{
    gstate *g = &I->gs[I->top];
    double *dst = stroke ? g->stroke : g->fill;
    memset(dst, 0, 4 * sizeof *dst);
    for (int i = 0; i < n && i < 4; i++)
        dst[i] = v[i];
    if (stroke)
        g->stroke_cs = k;
    else
        g->fill_cs = k;
}

static void set_cs(interp *I, bool stroke, const tok *t)
{
    pf *p = I->p;
    qpdf_oh cs = qpdf_oh_new_name(p->q, t->name);
    const char *why;
    cs_kind k = pf_classify_cs(p, pf_resolve_cs(p, I->res, cs), &why, 0);
    if (why)
        pf_finding(p, true, 4, I->obj, "%s colour space %s selected for %s", why, t->name,
                stroke ? "strokes" : "fills");
    /* Initial colour: black in every device space. */
    double init[4] = { 0, 0, 0, k == CSK_CMYK ? 1 : 0 };
    set_color(I, stroke, k, init, 4);
}

static void set_extgstate(interp *I, const char *name)
{
    pf *p = I->p;
    qpdf_oh gs = pf_key(p, pf_key(p, I->res, "/ExtGState"), name);
    if (!qpdf_oh_is_dictionary(p->q, gs))
        return;
    gstate *g = &I->gs[I->top];
    qpdf_oh OP = pf_key(p, gs, "/OP"), op = pf_key(p, gs, "/op");
    double opm;
    if (qpdf_oh_is_bool(p->q, OP)) {
        g->OP = qpdf_oh_get_bool_value(p->q, OP);
        g->op = g->OP; /* /OP also sets op when /op is absent */
    }
    if (qpdf_oh_is_bool(p->q, op))
        g->op = qpdf_oh_get_bool_value(p->q, op);
    if (pf_num(p, pf_key(p, gs, "/OPM"), &opm))
        g->opm = pf_clamp_int(opm);
}

static void interpret(interp *I, const unsigned char *data, size_t len);

static void check_placed_image(interp *I, qpdf_oh img, double w_px, double h_px, bool mask)
{
    pf *p = I->p;
    const double *m = I->gs[I->top].ctm;
    double wpt = hypot(m[0], m[1]), hpt = hypot(m[2], m[3]);
    if (mask || wpt <= 0 || hpt <= 0 || w_px <= 0 || h_px <= 0)
        return;
    double ppi = fmin(w_px * 72 / wpt, h_px * 72 / hpt);
    if (ppi < p->o->min_ppi - 0.5)
        pf_finding(p, false, 8, img ? pf_objid(p, img) : I->obj,
                "image placed at %.0f ppi (%.0f needed)", ppi, p->o->min_ppi);
}

static void do_form(interp *I, qpdf_oh form)
{
    pf *p = I->p;
    int id = pf_objid(p, form);
    if (I->depth >= MAX_FORM_DEPTH)
        return;
    for (int i = 0; i < I->depth; i++)
        if (I->chain[i] == id)
            return;
    unsigned char *data = NULL;
    size_t len = 0;
    if (qpdf_oh_get_stream_data(p->q, form, qpdf_dl_all, NULL, &data, &len) & QPDF_ERRORS) {
        qpdf_get_error(p->q);
        pf_finding(p, true, 10, id, "form XObject cannot be decoded");
        free(data);
        return;
    }
    interp *sub = malloc(sizeof *sub);
    if (!sub) {
        free(data);
        return;
    }
    *sub = *I;
    sub->obj = id;
    sub->depth = I->depth + 1;
    sub->top = 0;
    sub->gs[0] = I->gs[I->top];
    sub->has_sub = sub->path_inside = false;
    qpdf_oh fres = pf_key(p, form, "/Resources");
    if (qpdf_oh_is_dictionary(p->q, fres)) {
        sub->res = fres;
        pf_scan_resources(p, fres);
    }
    double fm[6] = { 1, 0, 0, 1, 0, 0 };
    qpdf_oh mo = pf_key(p, form, "/Matrix");
    if (qpdf_oh_is_array(p->q, mo) && qpdf_oh_get_array_n_items(p->q, mo) == 6)
        for (int i = 0; i < 6; i++)
            if (!pf_num(p, qpdf_oh_get_array_item(p->q, mo, i), &fm[i]))
                fm[i] = i == 0 || i == 3;
    mat_mul(fm, sub->gs[0].ctm, sub->gs[0].ctm);
    I->chain[I->depth] = id;
    interpret(sub, data, len);
    free(sub);
    free(data);
}

static void do_xobject(interp *I, const char *name)
{
    pf *p = I->p;
    qpdf_oh xo = pf_key(p, pf_key(p, I->res, "/XObject"), name);
    if (!qpdf_oh_is_stream(p->q, xo))
        return;
    pname subn = pf_name_of(p, pf_key(p, xo, "/Subtype"));
    const char *sub = subn.s;
    if (!strcmp(sub, "/Image")) {
        double w = 0, h = 0;
        qpdf_oh im = pf_key(p, xo, "/ImageMask");
        bool mask = qpdf_oh_is_bool(p->q, im) && qpdf_oh_get_bool_value(p->q, im);
        if (pf_num(p, pf_key(p, xo, "/Width"), &w) && pf_num(p, pf_key(p, xo, "/Height"), &h))
            check_placed_image(I, xo, w, h, mask);
    } else if (!strcmp(sub, "/Form")) {
        do_form(I, xo);
    }
}

/* BI … ID <data> EI: the dictionary is read for PR-04/PR-08, the data skipped. */
static void inline_image(interp *I, lexer *L)
{
    pf *p = I->p;
    double w = 0, h = 0;
    bool mask = false;
    char cs[128] = "";
    tok t, prev = { .k = T_EOF };
    for (;;) {
        next_token(L, &t);
        if (t.k == T_EOF)
            return;
        if (t.k == T_OP && !strcmp(t.name, "ID"))
            break;
        if (prev.k == T_NAME) {
            if ((!strcmp(prev.name, "/W") || !strcmp(prev.name, "/Width")) && t.k == T_NUM)
                w = t.num;
            else if ((!strcmp(prev.name, "/H") || !strcmp(prev.name, "/Height")) && t.k == T_NUM)
                h = t.num;
            else if ((!strcmp(prev.name, "/IM") || !strcmp(prev.name, "/ImageMask")) &&
                     t.k == T_OP && !strcmp(t.name, "true"))
                mask = true;
            else if ((!strcmp(prev.name, "/CS") || !strcmp(prev.name, "/ColorSpace")) &&
                     t.k == T_NAME)
                snprintf(cs, sizeof cs, "%s", t.name);
            else if ((!strcmp(prev.name, "/CS") || !strcmp(prev.name, "/ColorSpace")) &&
                     t.k == T_ARRAY)
                snprintf(cs, sizeof cs, "[array]");
            prev.k = T_EOF;
            continue;
        }
        prev = t;
    }
    if (cs[0] == '/') {
        const char *why;
        pf_classify_cs(p, pf_resolve_cs(p, I->res, qpdf_oh_new_name(p->q, cs)), &why, 0);
        if (why)
            pf_finding(p, true, 4, I->obj, "%s in an inline image", why);
    }
    check_placed_image(I, 0, w, h, mask);
    /* Data: after one white-space byte, up to white space + "EI" + white space. */
    L->i++;
    while (L->i + 2 <= L->n) {
        if (is_ws(L->b[L->i]) && L->i + 2 < L->n && L->b[L->i + 1] == 'E' &&
            L->b[L->i + 2] == 'I' && (L->i + 3 == L->n || is_ws(L->b[L->i + 3]) ||
                                      is_delim(L->b[L->i + 3]))) {
            L->i += 3;
            return;
        }
        L->i++;
    }
    L->i = L->n;
}

/* Operand access: the last n operands must be numbers. */
static bool nums(const tok *ops, int nops, int n, double *out)
{
    if (nops < n)
        return false;
    for (int i = 0; i < n; i++) {
        if (ops[nops - n + i].k != T_NUM)
            return false;
        out[i] = ops[nops - n + i].num;
    }
    return true;
}

static void text_newline(interp *I, double tx, double ty)
{
    double t[6] = { 1, 0, 0, 1, tx, ty };
    mat_mul(t, I->tlm, I->tlm);
    memcpy(I->tm, I->tlm, sizeof I->tm);
}

static void set_font(interp *I, const char *name, double size)
{
    pf *p = I->p;
    gstate *g = &I->gs[I->top];
    g->font_size = size;
    qpdf_oh f = pf_key(p, pf_key(p, I->res, "/Font"), name);
    g->font = pf_font_metrics_for(p, f, I->obj, name);
}

static void operator(interp *I, lexer *L, const char *op, tok *ops, int nops)
{
    pf *p = I->p;
    gstate *g = &I->gs[I->top];
    double v[6];
    if (!strcmp(op, "q")) {
        if (I->top + 1 < MAX_GSTACK) {
            I->gs[I->top + 1] = *g;
            I->top++;
        }
    } else if (!strcmp(op, "Q")) {
        if (I->top > 0)
            I->top--;
    } else if (!strcmp(op, "cm")) {
        if (nums(ops, nops, 6, v))
            mat_mul(v, g->ctm, g->ctm);
    } else if (!strcmp(op, "gs")) {
        if (nops >= 1 && ops[nops - 1].k == T_NAME)
            set_extgstate(I, ops[nops - 1].name);
    } else if (!strcmp(op, "g") || !strcmp(op, "G")) {
        if (nums(ops, nops, 1, v))
            set_color(I, op[0] == 'G', CSK_GRAY, v, 1);
    } else if (!strcmp(op, "k") || !strcmp(op, "K")) {
        if (nums(ops, nops, 4, v))
            set_color(I, op[0] == 'K', CSK_CMYK, v, 4);
    } else if (!strcmp(op, "rg") || !strcmp(op, "RG")) {
        bool stroke = op[0] == 'R';
        pf_finding(p, true, 4, I->obj, "DeviceRGB %s colour (%s) in the content", stroke ? "stroke"
                                                                                       : "fill",
                op);
        if (nums(ops, nops, 3, v))
            set_color(I, stroke, CSK_RGB, v, 3);
    } else if (!strcmp(op, "cs") || !strcmp(op, "CS")) {
        if (nops >= 1 && ops[nops - 1].k == T_NAME)
            set_cs(I, op[0] == 'C', &ops[nops - 1]);
    } else if (!strcmp(op, "sc") || !strcmp(op, "scn") || !strcmp(op, "SC") ||
               !strcmp(op, "SCN")) {
        bool stroke = op[0] == 'S';
        cs_kind k = stroke ? g->stroke_cs : g->fill_cs;
        int n = k == CSK_CMYK ? 4 : k == CSK_RGB ? 3 : k == CSK_GRAY ? 1 : 0;
        if (n && nums(ops, nops, n, v))
            set_color(I, stroke, k, v, n);
    } else if (!strcmp(op, "BT")) {
        double id[6] = { 1, 0, 0, 1, 0, 0 };
        memcpy(I->tm, id, sizeof id);
        memcpy(I->tlm, id, sizeof id);
    } else if (!strcmp(op, "Tf")) {
        if (nops >= 2 && ops[nops - 2].k == T_NAME && ops[nops - 1].k == T_NUM)
            set_font(I, ops[nops - 2].name, ops[nops - 1].num);
    } else if (!strcmp(op, "Tm")) {
        if (nums(ops, nops, 6, v)) {
            memcpy(I->tm, v, sizeof I->tm);
            memcpy(I->tlm, v, sizeof I->tlm);
        }
    } else if (!strcmp(op, "Td")) {
        if (nums(ops, nops, 2, v))
            text_newline(I, v[0], v[1]);
    } else if (!strcmp(op, "TD")) {
        if (nums(ops, nops, 2, v)) {
            g->tl = -v[1];
            text_newline(I, v[0], v[1]);
        }
    } else if (!strcmp(op, "T*")) {
        text_newline(I, 0, -g->tl);
    } else if (!strcmp(op, "TL")) {
        if (nums(ops, nops, 1, v))
            g->tl = v[0];
    } else if (!strcmp(op, "Tc")) {
        if (nums(ops, nops, 1, v))
            g->tc = v[0];
    } else if (!strcmp(op, "Tw")) {
        if (nums(ops, nops, 1, v))
            g->tw = v[0];
    } else if (!strcmp(op, "Tz")) {
        if (nums(ops, nops, 1, v))
            g->th = v[0] / 100;
    } else if (!strcmp(op, "Ts")) {
        if (nums(ops, nops, 1, v))
            g->rise = v[0];
    } else if (!strcmp(op, "Tr")) {
        if (nums(ops, nops, 1, v))
            g->tr = pf_clamp_int(v[0]);
    } else if (!strcmp(op, "Tj")) {
        if (nops >= 1)
            show_string(I, L, &ops[nops - 1]);
    } else if (!strcmp(op, "TJ")) {
        if (nops >= 1)
            show_array(I, L, &ops[nops - 1]);
    } else if (!strcmp(op, "'") || !strcmp(op, "\"")) {
        if (op[0] == '"' && nops >= 3 && nums(ops, nops - 1, 2, v)) {
            g->tw = v[0];
            g->tc = v[1];
        }
        text_newline(I, 0, -g->tl);
        if (nops >= 1)
            show_string(I, L, &ops[nops - 1]);
    } else if (!strcmp(op, "m") || !strcmp(op, "l")) {
        if (nums(ops, nops, 2, v))
            path_add(I, v[0], v[1], op[0] == 'm');
    } else if (!strcmp(op, "c")) {
        if (nums(ops, nops, 6, v))
            for (int i = 0; i < 3; i++)
                path_add(I, v[2 * i], v[2 * i + 1], false);
    } else if (!strcmp(op, "v") || !strcmp(op, "y")) {
        if (nums(ops, nops, 4, v))
            for (int i = 0; i < 2; i++)
                path_add(I, v[2 * i], v[2 * i + 1], false);
    } else if (!strcmp(op, "re")) {
        if (nums(ops, nops, 4, v)) {
            path_add(I, v[0], v[1], true);
            path_add(I, v[0] + v[2], v[1] + v[3], false);
            path_add(I, v[0], v[1] + v[3], false);
            path_add(I, v[0] + v[2], v[1], false);
        }
    } else if (!strcmp(op, "f") || !strcmp(op, "F") || !strcmp(op, "f*")) {
        paint(I, true, false);
    } else if (!strcmp(op, "S") || !strcmp(op, "s")) {
        paint(I, false, true);
    } else if (!strcmp(op, "B") || !strcmp(op, "B*") || !strcmp(op, "b") || !strcmp(op, "b*")) {
        paint(I, true, true);
    } else if (!strcmp(op, "n")) {
        I->has_sub = I->path_inside = false;
    } else if (!strcmp(op, "Do")) {
        if (nops >= 1 && ops[nops - 1].k == T_NAME)
            do_xobject(I, ops[nops - 1].name);
    } else if (!strcmp(op, "BI")) {
        inline_image(I, L);
    }
}

static void interpret(interp *I, const unsigned char *data, size_t len)
{
    lexer L = { .b = data, .n = len };
    tok ops[MAX_OPERANDS];
    int nops = 0;
    for (;;) {
        tok t;
        next_token(&L, &t);
        if (t.k == T_EOF)
            break;
        if (t.k != T_OP) {
            if (nops == MAX_OPERANDS) {
                memmove(ops, ops + 1, (MAX_OPERANDS - 1) * sizeof *ops);
                nops--;
            }
            ops[nops++] = t;
            continue;
        }
        operator(I, &L, t.name, ops, nops);
        nops = 0;
        lexer_reset_operands(&L);
    }
    lexer_free(&L);
}


void pf_interpret_page(pf *p, qpdf_oh res, const unsigned char *data, size_t len)
{
    interp *I = calloc(1, sizeof *I);
    int chain[MAX_FORM_DEPTH] = { 0 };
    if (!I)
        return;
    I->p = p;
    I->res = res;
    I->obj = p->page_obj;
    I->chain = chain;
    gstate *g = &I->gs[0];
    double id[6] = { 1, 0, 0, 1, 0, 0 };
    memcpy(g->ctm, id, sizeof id);
    g->fill_cs = g->stroke_cs = CSK_GRAY;
    g->th = 1;
    interpret(I, data, len);
    free(I);
}
