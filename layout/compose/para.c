/* para — see para.h. */
#include "layout/compose/para.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "layout/base/script.h"
#include "layout/base/utf8.h"
#include "layout/base/vec.h"
#include "layout/read/doc.h"

para *para_new(void) { return calloc(1, sizeof(para)); }

void para_free(para *p)
{
    if (!p)
        return;
    free(p->text);
    for (int i = 0; i < p->nspans; i++)
        free((char *)p->spans[i].href);
    free(p->spans);
    free(p->span_end);
    free(p->g);
    free(p->u);
    free(p->fonts);
    free(p->uax);
    free(p);
}

int para_add(para *p, const char *text, size_t len, const para_span *span)
{
    /* The link target is the para's own: the text it came from may be a copy that is
     * freed once shaped (typeset_para). */
    char *href = span->href ? strdup(span->href) : NULL;
    if ((span->href && !href) || !vec_reserve((void **)&p->text, &p->cap, p->len + len + 1, 1) ||
        !VEC_PUSH_ROOM(p->span_end, p->capends, p->nspans) ||
        !VEC_PUSH_ROOM(p->spans, p->capspans, p->nspans)) {
        free(href);
        return -1;
    }
    memcpy(p->text + p->len, text, len);
    p->len += len;
    p->text[p->len] = 0;
    p->spans[p->nspans] = *span;
    p->spans[p->nspans].href = href;
    p->span_end[p->nspans] = (uint32_t)p->len;
    p->nspans++;
    return 0;
}

para_class para_class_of(uint32_t cp)
{
    switch (cp) {
    case 0x20: case 0xA0: case 0x3000:
        return cp == 0x3000 ? PC_HAN : PC_SPACE;
    case 0xFF08: case 0xFF3B: case 0xFF5B: case 0x3014: case 0x3010: case 0x3016:
    case 0x3008: case 0x300A: case 0x300C: case 0x300E: case 0x201C: case 0x2018:
    case 0xFF5F: case 0x3018:
        return PC_OPEN;
    case 0xFF09: case 0xFF3D: case 0xFF5D: case 0x3015: case 0x3011: case 0x3017:
    case 0x3009: case 0x300B: case 0x300D: case 0x300F: case 0x201D: case 0x2019:
    case 0xFF60: case 0x3019:
        return PC_CLOSE;
    case 0x3001: case 0xFF0C: case 0xFF1B: case 0xFF1A:
        return PC_PAUSE;
    case 0x3002: case 0xFF0E: case 0xFF1F: case 0xFF01:
        return PC_STOP;
    case 0x00B7: case 0x30FB: case 0x2027: case 0xFF65:
        return PC_MIDDLE;
    case 0x2014: case 0x2015: case 0x2026: case 0x22EF:
        return PC_DASH;
    default:
        break;
    }
    if (cp >= '0' && cp <= '9')
        return PC_DIGIT;
    if ((cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
        (cp >= 0xFF10 && cp <= 0xFF5A) || (cp >= 0x20000 && cp <= 0x3FFFF) ||
        (cp >= 0xAC00 && cp <= 0xD7AF))
        return PC_HAN;
    if (cp < 0x2000 || (cp >= 0x2010 && cp <= 0x2027 && cp != 0x2014))
        return PC_LATIN;
    return PC_OTHER;
}

bool para_is_mark(para_class c)
{
    return c == PC_OPEN || c == PC_CLOSE || c == PC_PAUSE || c == PC_STOP || c == PC_MIDDLE;
}

typedef struct {
    para *p;
    int span;
    para_missing_fn missing;
    void *ctx;
} miss_ctx;

static void on_missing(void *ctx, size_t off, uint32_t cp)
{
    miss_ctx *m = ctx;
    if (m->missing) {
        size_t start = m->span ? m->p->span_end[m->span - 1] : 0;
        m->missing(m->ctx, &m->p->spans[m->span], off - start, cp);
    }
}

/* Which halves of a full-width mark's box carry no ink, read from the glyph itself so
 * that fonts with centred (Taiwan-style) punctuation are handled too. */
/* g: the unit's glyphs, ng of them. */
static uint8_t blank_halves(const para *p, const para_glyph *g, size_t ng)
{
    int32_t x0, x1;
    font *f = ng == 1 ? para_glyph_font(p, g) : NULL;
    if (!f || !font_ink_x(f, g->gid, &x0, &x1))
        return 0;
    float upem = (float)font_upem(f);
    float adv = (float)font_advance(f, g->gid);
    if (adv < 0.9f * upem)
        return 0;                      /* proportional (Latin-face) mark: leave it */
    float half = adv / 2, slack = upem * 0.04f;
    uint8_t b = 0;
    if (x1 <= half + slack)
        b |= PA_RIGHT;
    if (x0 >= half - slack)
        b |= PA_LEFT;
    if (!b && x0 >= adv / 4 - slack && x1 <= 3 * adv / 4 + slack)
        b = PA_LEFT | PA_RIGHT;       /* centred: a quarter each side */
    return b;
}

/* Gives back what a grown array holds beyond its n items (the doubling's slack): a
 * shaped paragraph is kept until its page is drawn. */
static void fit(void **items, size_t *cap, size_t n, size_t size)
{
    void *q = n ? realloc(*items, n * size) : NULL;
    if (q) {
        *items = q;
        if (cap)
            *cap = n;
    }
}

/* The index of f in p's fonts (added when new), or -1. */
static int font_index(para *p, font *f)
{
    for (int i = p->nfonts - 1; i >= 0; i--)
        if (p->fonts[i] == f)
            return i;
    if (p->nfonts > UINT16_MAX || !VEC_PUSH_ROOM(p->fonts, p->capfonts, p->nfonts))
        return -1;
    p->fonts[p->nfonts] = f;
    return p->nfonts++;
}

static int push_unit(para *p, size_t *cap, const para_unit *u)
{
    if (!VEC_PUSH_ROOM(p->u, *cap, p->nu))
        return -1;
    p->u[p->nu++] = *u;
    return 0;
}

int para_shape(para *p, font_lib *lib, para_missing_fn missing, void *ctx)
{
    shape_out so = { 0 };
    size_t gcap = 0, ucap = 0;
    int rc = 0;
    p->ng = p->nu = 0;
    for (int s = 0; s < p->nspans && rc == 0; s++) {
        size_t start = s ? p->span_end[s - 1] : 0, end = p->span_end[s];
        const para_span *sp = &p->spans[s];
        miss_ctx mc = { p, s, missing, ctx };
        if (sp->flags & IN_BR) {
            /* A hard line break is a unit of its own, never shaped. */
            para_unit u = { .t0 = (uint32_t)start, .t1 = (uint32_t)end, .g0 = (uint32_t)p->ng,
                            .cp = '\n', .span = (uint16_t)s, .cls = PC_BREAK, .line = -1 };
            rc = push_unit(p, &ucap, &u);
            continue;
        }
        shape_out_clear(&so);
        rc = shape_text(lib, &sp->fonts, p->text + start, end - start, on_missing, &mc, &so);
        if (rc)
            break;
        if (!vec_reserve((void **)&p->g, &gcap, p->ng + so.n, sizeof *p->g)) {
            rc = -1;
            break;
        }
        size_t i = 0;
        while (i < so.n && rc == 0) {
            size_t j = i;
            while (j < so.n && so.g[j].cluster == so.g[i].cluster)
                j++;
            para_unit u = { 0 };
            u.t0 = (uint32_t)(start + so.g[i].cluster);
            u.t1 = (uint32_t)(j < so.n ? start + so.g[j].cluster : end);
            u.g0 = (uint32_t)p->ng;
            u.span = (uint16_t)s;
            u.line = -1;
            size_t q = u.t0;
            u.cp = utf8_next(p->text, p->len, &q);
            /* A cluster can end with characters that have no glyph (controls). */
            while (q < u.t1) {
                size_t r = q;
                uint32_t c = utf8_next(p->text, p->len, &r);
                if (script_of(c) == SCRIPT_CONTROL && r >= u.t1) {
                    u.t1 = (uint32_t)q;
                    break;
                }
                q = r;
            }
            for (size_t k = i; k < j; k++) {
                float sc = sp->size / (float)font_upem(so.g[k].f);
                int fi = font_index(p, so.g[k].f);
                if (fi < 0) {
                    rc = -1;
                    break;
                }
                para_glyph g = { (uint16_t)fi, (uint16_t)(so.g[k].gid <= UINT16_MAX ? so.g[k].gid : 0),
                                 so.g[k].xoff * sc, -so.g[k].yoff * sc - sp->rise,
                                 so.g[k].adv * sc };
                p->g[p->ng++] = g;
                u.w += g.adv;
            }
            if (rc)
                break;
            para_class c = para_class_of(u.cp);
            u.cls = (uint8_t)c;
            if (para_is_mark(c)) {
                u.blank = blank_halves(p, &p->g[u.g0], p->ng - u.g0);
                /* A mark set in the Latin face is Latin punctuation. */
                if (u.w < 0.9f * sp->size)
                    u.cls = PC_LATIN, u.blank = 0;
            }
            rc = push_unit(p, &ucap, &u);
            i = j;
        }
    }
    shape_out_free(&so);
    if (rc == 0) {
        fit((void **)&p->u, NULL, p->nu, sizeof *p->u);
        fit((void **)&p->g, NULL, p->ng, sizeof *p->g);
        fit((void **)&p->text, &p->cap, p->len + 1, 1);
        fit((void **)&p->spans, &p->capspans, (size_t)p->nspans, sizeof *p->spans);
        fit((void **)&p->span_end, &p->capends, (size_t)p->nspans, sizeof *p->span_end);
        fit((void **)&p->fonts, &p->capfonts, (size_t)p->nfonts, sizeof *p->fonts);
    }
    return rc;
}

static bool same_link(const para_span *a, const para_span *b)
{
    return a->href == b->href || (a->href && b->href && strcmp(a->href, b->href) == 0);
}

/* One text item per run of units sharing font, size, colour and baseline. */
int para_emit(const para *p, size_t u0, size_t u1, dl_doc *d, int page, float x0, float y)
{
    dl_glyph *buf = NULL;
    size_t cap = 0;
    int rc = 0;
    size_t i = u0;
    while (i < u1 && rc == 0) {
        if (p->u[i].line < 0) {
            i++;
            continue;
        }
        const para_unit *first = &p->u[i];
        const para_span *sp = &p->spans[first->span];
        font *f = para_glyph_font(p, &p->g[first->g0]);
        size_t j = i, ng = 0;
        while (j < u1) {
            const para_unit *u = &p->u[j];
            if (u->line < 0)
                break;
            const para_span *s2 = &p->spans[u->span];
            if (para_glyph_font(p, &p->g[u->g0]) != f || s2->size != sp->size || s2->rise != sp->rise ||
                memcmp(&s2->color, &sp->color, sizeof sp->color) != 0 || !same_link(s2, sp) ||
                ((s2->flags ^ sp->flags) & IN_CODE))
                break;
            ng += para_unit_g1(p, j) - u->g0;
            j++;
        }
        if (!vec_reserve((void **)&buf, &cap, ng, sizeof *buf)) {
            rc = -1;
            break;
        }
        float run_x = first->x - first->cl;
        uint32_t t0 = first->t0, n = 0;
        for (size_t k = i; k < j; k++) {
            const para_unit *u = &p->u[k];
            float pen = u->x - u->cl - run_x;
            for (uint32_t gi = u->g0, g1 = para_unit_g1(p, k); gi < g1; gi++) {
                const para_glyph *g = &p->g[gi];
                buf[n].gid = g->gid;
                buf[n].x = pen + g->dx;
                buf[n].y = g->dy;
                buf[n].text = gi == u->g0 ? u->t0 - t0 : 0;
                buf[n].ntext = gi == u->g0 ? u->t1 - u->t0 : 0;
                pen += g->adv;
                n++;
            }
        }
        uint32_t t1 = p->u[j - 1].t1;
        dl_item *it = dl_text_add(d, page, font_id(f), sp->size, sp->color, x0 + run_x, y, buf,
                                  n, p->text + t0, t1 - t0);
        if (!it) {
            rc = -1;
        } else {
            /* Marked for tagged output: Link and Code elements. */
            if (sp->href && (sp->flags & IN_LINK))
                it->u.text.link = dl_uri_add(d, sp->href);
            it->u.text.code = sp->flags & IN_CODE;
        }
        i = j;
    }
    free(buf);
    return rc;
}
