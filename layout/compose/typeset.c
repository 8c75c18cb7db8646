/* typeset — see typeset.h. */
#include "layout/compose/typeset.h"

#include "layout/compose/punct.h"
#include "layout/base/strbuf.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

long long typeset_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

font *typeset_font(typeset_ctx *t, const char *family, const char *face)
{
    char err[512];
    font *f = font_lib_open(t->fonts, family, face, err, sizeof err);
    if (!f && !t->font_error) {
        /* One message per build: every later text would repeat it. */
        diag_error(t->d, t->st && t->st->path ? t->st->path : NULL, 0, 0, "%s", err);
        t->font_error = true;
    }
    return f;
}

static void on_missing(void *ctx, const para_span *sp, size_t off, uint32_t cp)
{
    typeset_ctx *t = ctx;
    if (t->src && sp->src_verbatim)
        diag_warning_at(t->d, t->src, sp->src + off,
                        "no installed font has U+%04X; it is drawn as a box. Install a font "
                        "that covers it (fc-list ':charset=%x') or replace the character",
                        cp, cp);
    else if (t->src)
        diag_warning_at(t->d, t->src, sp->src,
                        "no installed font has U+%04X; it is drawn as a box", cp);
    else
        diag_warning(t->d, NULL, 0, 0, "no installed font has U+%04X; it is drawn as a box", cp);
}

/* The fonts for one inline style. */
static int span_for(typeset_ctx *t, const style_text *ts, unsigned flags, para_span *sp)
{
    const style *st = t->st;
    const char *fam = ts->family, *sty = ts->style;
    /* `code` in running text takes the mono face; code blocks ([code]) their own. */
    if ((flags & IN_CODE) && ts != &st->code)
        fam = st->mono_family, sty = st->mono_style;
    else if (flags & IN_BOLD)
        fam = st->bold_family, sty = st->bold_style;
    else if (flags & IN_EM)
        fam = st->em_family, sty = st->em_style;
    font *f = typeset_font(t, fam, sty);
    if (!f)
        return -1;
    font *latin = f;
    /* Body-face Latin may come from a separate family; other faces keep their own. */
    if (!(flags & (IN_CODE | IN_BOLD | IN_EM)) && st->latin_family && *st->latin_family &&
        strcmp(fam, st->body.family) == 0) {
        latin = typeset_font(t, st->latin_family, st->latin_style);
        if (!latin)
            return -1;
    }
    memset(sp, 0, sizeof *sp);
    sp->fonts.cjk = f;
    sp->fonts.latin = latin;
    sp->size = ts->size;
    sp->color = ts->color;
    sp->flags = flags;
    if (flags & (IN_SUB | IN_SUP)) {
        sp->size = ts->size * t->st->script_size;
        sp->rise = flags & IN_SUP ? ts->size * t->st->script_rise : -ts->size * t->st->script_drop;
    }
    return 0;
}

void typeset_ctx_init(typeset_ctx *t, font_lib *fonts, const style *st, diag *d,
                      const src_file *src)
{
    memset(t, 0, sizeof *t);
    t->fonts = fonts;
    t->st = st;
    t->d = d;
    t->src = src;
    t->nfallback = -1;
    t->debug = getenv("JIANBAO_DEBUG") != NULL;
}

static void add_fallbacks(typeset_ctx *t, para_span *sp)
{
    if (t->nfallback < 0) {
        t->nfallback = 0;
        for (int i = 0; i < t->st->nfallback && t->nfallback < 16; i++) {
            char err[256];
            /* A fallback that is not installed is simply skipped: fontconfig's charset
             * match still runs after the list. */
            font *f = font_lib_open(t->fonts, t->st->fallback[i], "Regular", err, sizeof err);
            if (!f)
                f = font_lib_open(t->fonts, t->st->fallback[i], "Book", err, sizeof err);
            if (f)
                t->fallback[t->nfallback++] = f;
        }
    }
    sp->fonts.fallback = t->fallback;
    sp->fonts.nfallback = t->nfallback;
}

static para *typeset_para_as_is(typeset_ctx *t, const doc_text *text, const style_text *ts);

/* The cache key of text in style ts: everything typeset_para reads besides the style
 * sheet and the fonts (the cache's fingerprint). Source offsets relative to the first
 * inline's. */
static bool para_key(const typeset_ctx *t, const doc_text *text, const style_text *ts,
                     strbuf *k)
{
    char code = ts == &t->st->code;
    bool ok = strbuf_add(k, &code, 1) && strbuf_str(k, ts->family ? ts->family : "") &&
              strbuf_add(k, "", 1) && strbuf_str(k, ts->style ? ts->style : "") &&
              strbuf_add(k, "", 1) && strbuf_add(k, (const char *)&ts->size, sizeof ts->size) &&
              strbuf_add(k, (const char *)&ts->color.model, sizeof ts->color.model) &&
              strbuf_add(k, (const char *)ts->color.v, sizeof ts->color.v);
    for (int i = 0; ok && i < text->nin; i++) {
        const doc_inline *in = &text->in[i];
        size_t rel = in->src - text->in[0].src;
        char verb = in->src_verbatim;
        char link = in->href != NULL;
        ok = strbuf_add(k, (const char *)&in->flags, sizeof in->flags) &&
             strbuf_add(k, (const char *)&rel, sizeof rel) && strbuf_add(k, &verb, 1) &&
             strbuf_str(k, in->text ? in->text : "") && strbuf_add(k, "", 1) &&
             strbuf_add(k, &link, 1) && strbuf_str(k, in->href ? in->href : "") &&
             strbuf_add(k, "", 1);
    }
    return ok;
}

static para *typeset_para_fixed(typeset_ctx *t, const doc_text *text, const style_text *ts);

para *typeset_para(typeset_ctx *t, const doc_text *text, const style_text *ts)
{
    if (!t->cache || t->debug || text->nin == 0)
        return typeset_para_fixed(t, text, ts);
    strbuf k = { 0 };
    size_t src0 = text->in[0].src;
    para *p = NULL;
    if (para_key(t, text, ts, &k)) {
        long long t0 = typeset_now_ns();
        p = pcache_get(t->cache, k.p, k.n, src0);
        t->ns_shape += typeset_now_ns() - t0;
    }
    if (!p) {
        int warned = t->d ? t->d->warnings : 0;
        p = typeset_para_fixed(t, text, ts);
        /* One that reported a missing character is not kept: it must report it again. */
        if (p && k.p && !k.oom && (t->d ? t->d->warnings : 0) == warned)
            pcache_put(t->cache, k.p, k.n, p, src0);
    }
    strbuf_free(&k);
    return p;
}

static para *typeset_para_fixed(typeset_ctx *t, const doc_text *text, const style_text *ts)
{
    /* ASCII punctuation in Chinese and range dashes, as the style sets them. */
    doc_text fixed;
    punct_opts po = { t->st->fullwidth_punct, t->st->range_dash };
    int changed = punct_apply(text, &po, &fixed);
    if (changed < 0)
        return NULL;
    if (changed)
        text = &fixed;
    para *p = typeset_para_as_is(t, text, ts);
    if (changed)
        doc_text_clear(&fixed);
    return p;
}

/* typeset_para on text exactly as it is. */
static para *typeset_para_as_is(typeset_ctx *t, const doc_text *text, const style_text *ts)
{
    para *p = para_new();
    if (!p)
        return NULL;
    for (int i = 0; i < text->nin; i++) {
        const doc_inline *in = &text->in[i];
        para_span sp;
        if (span_for(t, ts, in->flags, &sp)) {
            para_free(p);
            return NULL;
        }
        add_fallbacks(t, &sp);
        sp.src = in->src;
        sp.src_verbatim = in->src_verbatim;
        sp.href = in->href;
        if (para_add(p, in->text, strlen(in->text), &sp)) {
            para_free(p);
            return NULL;
        }
    }
    long long t0 = typeset_now_ns();
    int rc = para_shape(p, t->fonts, on_missing, t);
    t->ns_shape += typeset_now_ns() - t0;
    if (rc) {
        para_free(p);
        return NULL;
    }
    return p;
}

char *typeset_text_plain(typeset_ctx *t, const doc_text *text)
{
    doc_text fixed;
    punct_opts po = { t->st->fullwidth_punct, t->st->range_dash };
    int changed = punct_apply(text, &po, &fixed);
    if (changed < 0)
        return NULL;
    char *s = doc_text_plain(changed ? &fixed : text);
    if (changed)
        doc_text_clear(&fixed);
    return s;
}

para *typeset_plain(typeset_ctx *t, const char *text, const style_text *ts)
{
    doc_inline in = { (char *)text, 0, NULL, 0, false };
    doc_text dt = { &in, 1 };
    return typeset_para(t, &dt, ts);
}

int typeset_compose(typeset_ctx *t, para *p, const style_text *ts, float measure, float indent,
                    compose_result *r)
{
    return typeset_compose_loose(t, p, ts, measure, indent, 0, r);
}

/* The style's clreq options for text ts. */
static void style_opts(const typeset_ctx *t, const style_text *ts, float measure,
                       compose_opts *o)
{
    const style *st = t->st;
    compose_opts_default(o, measure, ts->size);
    o->strictness = st->strictness;
    o->compress = st->compress;
    o->hanging = st->hanging;
    o->hl = st->han_latin;
    o->hl_min = st->han_latin_min;
    o->hl_max = st->han_latin_max;
    o->last_min = st->last_line_min;
    o->justify = ts->align == AL_JUSTIFY;
    o->label_min = st->list_label_width;
    o->label_gap = st->list_label_gap;
    o->max_spread = st->max_spread;
    o->token_penalty = (float)st->token_penalty;
    /* Headings: whole groups and words, balanced lines (CL-LB-14, CL-PA-09). */
    o->keep_brackets = ts->keep_brackets;
    o->keep_words = ts->keep_words;
    o->balance = ts->balance;
    o->phrase_balance = ts->phrase_balance;
}

/* Where unit u of p came from in the source. */
static size_t unit_src(const para *p, const para_unit *u)
{
    const para_span *sp = &p->spans[u->span];
    size_t start = u->span ? p->span_end[u->span - 1] : 0;
    return sp->src_verbatim ? sp->src + (u->t0 - start) : sp->src;
}

/* JIANBAO_DEBUG: lines set short because filling them would have spaced their Han
 * characters past max-spread (CL-JU-07), each once, at its first character. */
static void debug_short(typeset_ctx *t, const para *p, const compose_result *r)
{
    for (int l = 0; l < r->n; l++) {
        const compose_line *ln = &r->lines[l];
        if (ln->short_by < 0.01f * ln->size || ln->u0 >= ln->u1)
            continue;
        size_t at = unit_src(p, &p->u[ln->u0]);
        bool seen = false;
        for (int i = 0; i < t->ndbg && i < 64 && !seen; i++)
            seen = t->dbg_seen[i] == at;
        if (seen)
            continue;
        t->dbg_seen[t->ndbg % 64] = at;
        t->ndbg++;
        int line, col;
        src_file_pos(t->src, at, &line, &col);
        fprintf(t->d->out, "%s:%d:%d: debug: this line is set %.1f pt short: filling it would "
                "space its Han characters more than max-spread (%.2f em) apart; a break in the "
                "long word or number after it would let it fill\n", t->src->path, line, col,
                (double)ln->short_by, (double)t->st->max_spread);
    }
}

/* compose() through the cache: a composition found is copied into p and r, one made is
 * kept. compose() reports nothing itself: what is wrong with a composition is reported
 * from r by the caller, found or made. */
static int compose_cached(typeset_ctx *t, para *p, const compose_opts *o, const style_text *ts,
                          compose_result *r)
{
    long long t0 = typeset_now_ns();
    pcache_how how = { o->measure, o->indent, ts->size, o->wrap_indent, o->looseness,
                       (int)ts->align, o->verbatim, o->keep_brackets, o->keep_words,
                       o->balance, o->phrase_balance };
    bool cached = t->cache && !t->debug && p->cache;
    int rc = 0;
    if (!cached || !pcache_composed(t->cache, p, &how, r)) {
        rc = compose(p, o, r);
        if (rc == 0 && cached)
            pcache_compose_put(t->cache, p, &how, r);
    }
    t->ns_compose += typeset_now_ns() - t0;
    return rc;
}

bool typeset_compose_splits(const typeset_ctx *t)
{
    return !t->cache && !t->debug;
}

void typeset_compose_opts(const typeset_ctx *t, const style_text *ts, float measure,
                          float indent, compose_opts *o)
{
    style_opts(t, ts, measure, o);
    o->indent = indent;
}

int typeset_compose_loose(typeset_ctx *t, para *p, const style_text *ts, float measure,
                          float indent, int looseness, compose_result *r)
{
    compose_opts o;
    typeset_compose_opts(t, ts, measure, indent, &o);
    o.looseness = looseness;
    if (compose_cached(t, p, &o, ts, r))
        return -1;
    if (t->debug && t->src && t->d)
        debug_short(t, p, r);
    typeset_compose_report(t, p, r, measure);
    return 0;
}

void typeset_compose_report(typeset_ctx *t, para *p, const compose_result *r, float measure)
{
    if (p->warned)
        return;
    p->warned = (r->emergency || r->overfull || r->fallback) && t->src && p->nspans > 0;
    if (r->emergency && !r->overfull && t->src && p->nspans > 0)
        diag_warning_at(t->d, t->src, p->spans[0].src,
                        "a word, number or link in this text is longer than a line at %.1f pt "
                        "and is broken inside; shorten it or let it break (a space, or / . -)",
                        measure);
    if ((r->overfull || r->fallback) && t->src && p->nspans > 0) {
        size_t at = p->spans[0].src;
        diag_warning_at(t->d, t->src, at,
                        "no good line breaks for this text at %.1f pt: %s; shorten the "
                        "unbreakable part (a long number, word or link) or allow it to break",
                        measure, r->overfull ? "a line is wider than the column" : "first-fit used");
    }
}

int typeset_compose_code(typeset_ctx *t, para *p, const style_text *ts, float measure,
                         float wrap_indent, compose_result *r)
{
    compose_opts o;
    style_opts(t, ts, measure, &o);
    o.indent = 0;
    o.verbatim = true;
    o.compress = false;
    o.justify = false;
    o.last_min = 0;
    o.wrap_indent = wrap_indent;
    return compose_cached(t, p, &o, ts, r) ? -1 : 0;
}

int typeset_emit_line(const para *p, const compose_result *r, int l, dl_doc *d, int page,
                      float x, float y, float measure, style_align al)
{
    const compose_line *ln = &r->lines[l];
    float off = 0;
    float used = ln->x0 + ln->width;
    if (al == AL_CENTER)
        off = (measure - used) / 2;
    else if (al == AL_RIGHT)
        off = measure - used;
    return para_emit(p, ln->u0, ln->u1, d, page, x + off, y);
}

float typeset_width(typeset_ctx *t, para *p, const style_text *ts)
{
    compose_result r;
    float w = 0;
    if (typeset_compose(t, p, ts, 1e6f, 0, &r) == 0)
        for (int l = 0; l < r.n; l++)
            if (r.lines[l].x0 + r.lines[l].width > w)
                w = r.lines[l].x0 + r.lines[l].width;
    compose_result_free(&r);
    return w;
}

float typeset_line(typeset_ctx *t, para *p, const style_text *ts, dl_doc *d, int page, float x,
                   float y, float measure, style_align al)
{
    compose_result r;
    style_text one = *ts;
    one.align = AL_LEFT;
    float w = 0;
    if (typeset_compose(t, p, &one, 1e6f, 0, &r) == 0 && r.n > 0) {
        w = r.lines[0].width;
        typeset_emit_line(p, &r, 0, d, page, x, y, measure > 0 ? measure : w, al);
    }
    compose_result_free(&r);
    return w;
}

float typeset_baseline(float pitch, float size)
{
    /* Noto CJK's ideographic em box runs from 0.12 em below to 0.88 em above the
     * baseline; centring the box in the pitch keeps lines of every size on the grid. */
    return (pitch - size) / 2 + 0.88f * size;
}

char *typeset_template(const char *tmpl, const char *const *vals)
{
    size_t cap = strlen(tmpl) + 64, n = 0;
    for (const char *const *v = vals; v[0]; v += 2)
        cap += v[1] ? strlen(v[1]) : 0;
    char *out = malloc(cap + 1);
    if (!out)
        return NULL;
    const char *s = tmpl;
    while (*s) {
        if (*s == '{') {
            const char *e = strchr(s, '}');
            if (e) {
                size_t kl = (size_t)(e - s - 1);
                const char *val = NULL;
                for (const char *const *v = vals; v[0]; v += 2)
                    if (strlen(v[0]) == kl && strncmp(v[0], s + 1, kl) == 0)
                        val = v[1] ? v[1] : "";
                if (val) {
                    size_t vl = strlen(val);
                    if (n + vl > cap)
                        break;
                    memcpy(out + n, val, vl);
                    n += vl;
                    s = e + 1;
                    continue;
                }
            }
        }
        if (n >= cap)
            break;
        out[n++] = *s++;
    }
    out[n] = 0;
    return out;
}
