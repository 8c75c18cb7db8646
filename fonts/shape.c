/* shape — see shape.h. */
#include "fonts/shape.h"

#include <stdlib.h>
#include <string.h>

#include "layout/base/script.h"
#include "layout/base/utf8.h"
#include "layout/base/vec.h"

static int out_push(shape_out *o, const shape_glyph *g)
{
    if (!VEC_PUSH_ROOM(o->g, o->cap, o->n))
        return -1;
    o->g[o->n++] = *g;
    return 0;
}

void shape_out_clear(shape_out *o) { o->n = 0; }

void shape_out_free(shape_out *o)
{
    free(o->g);
    o->g = NULL;
    o->n = o->cap = 0;
}

static hb_language_t zh_hans(void)
{
    static hb_language_t lang;
    if (!lang)
        lang = hb_language_from_string("zh-Hans", -1);
    return lang;
}

/* Shapes text[start..end) with one font; the whole text is given as context. */
static int shape_with(font *f, hb_buffer_t *buf, const char *text, size_t len, size_t start,
                      size_t end, shape_out *out, size_t *first)
{
    hb_buffer_clear_contents(buf);
    hb_buffer_add_utf8(buf, text, (int)len, (unsigned)start, (int)(end - start));
    hb_buffer_set_direction(buf, HB_DIRECTION_LTR);
    hb_buffer_set_language(buf, zh_hans());
    hb_buffer_guess_segment_properties(buf);
    hb_buffer_set_cluster_level(buf, HB_BUFFER_CLUSTER_LEVEL_MONOTONE_CHARACTERS);
    hb_shape(font_hb(f), buf, NULL, 0);
    unsigned n;
    hb_glyph_info_t *info = hb_buffer_get_glyph_infos(buf, &n);
    hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(buf, &n);
    *first = out->n;
    if (!vec_reserve((void **)&out->g, &out->cap, out->n + n, sizeof *out->g))
        return -1;
    for (unsigned i = 0; i < n; i++)
        out->g[out->n++] = (shape_glyph){ f, info[i].codepoint, pos[i].x_advance,
                                          pos[i].x_offset, pos[i].y_offset, info[i].cluster };
    return 0;
}

typedef struct {
    font_lib *lib;
    const shape_fonts *fonts;
    const char *text;
    size_t len;
    shape_missing_fn missing;
    void *ctx;
    hb_buffer_t *buf;
} shaper;

static font *fallback_for(const shaper *s, uint32_t cp, font *primary)
{
    for (int i = 0; i < s->fonts->nfallback; i++)
        if (s->fonts->fallback[i] != primary && font_has(s->fonts->fallback[i], cp))
            return s->fonts->fallback[i];
    if (s->fonts->cjk != primary && font_has(s->fonts->cjk, cp))
        return s->fonts->cjk;
    if (s->fonts->latin != primary && font_has(s->fonts->latin, cp))
        return s->fonts->latin;
    return font_lib_cover(s->lib, cp);
}

/* Glyphs in out[first..] come from one run; clusters holding a .notdef are shaped
 * again with a font that covers them. Clusters are byte ranges [c, next c). */
static int repair_missing(shaper *s, shape_out *out, size_t first, size_t run_end, font *primary)
{
    size_t n = out->n;
    bool any = false;
    for (size_t i = first; i < n; i++)
        if (out->g[i].gid == 0)
            any = true;
    if (!any)
        return 0;
    /* Take the run's glyphs out, then put them back cluster by cluster. */
    size_t cnt = n - first;
    shape_glyph *copy = malloc(cnt * sizeof *copy);
    if (!copy)
        return -1;
    memcpy(copy, out->g + first, cnt * sizeof *copy);
    out->n = first;
    int rc = 0;
    for (size_t i = 0; i < cnt && rc == 0;) {
        size_t j = i;
        bool missing = false;
        while (j < cnt && copy[j].cluster == copy[i].cluster) {
            missing |= copy[j].gid == 0;
            j++;
        }
        size_t cstart = copy[i].cluster;
        size_t cend = j < cnt ? copy[j].cluster : run_end;
        if (!missing) {
            for (size_t k = i; k < j && rc == 0; k++)
                rc = out_push(out, &copy[k]);
            i = j;
            continue;
        }
        size_t p = cstart;
        uint32_t cp = utf8_next(s->text, s->len, &p);
        font *fb = fallback_for(s, cp, primary);
        size_t at;
        if (fb) {
            rc = shape_with(fb, s->buf, s->text, s->len, cstart, cend, out, &at);
            for (size_t k = at; k < out->n && rc == 0; k++)
                if (out->g[k].gid == 0 && s->missing) {
                    size_t q = out->g[k].cluster;
                    s->missing(s->ctx, q, utf8_next(s->text, s->len, &q));
                }
        } else {
            for (size_t k = i; k < j && rc == 0; k++)
                rc = out_push(out, &copy[k]);
            for (size_t q = cstart; q < cend;) {
                size_t at_q = q;
                uint32_t c = utf8_next(s->text, s->len, &q);
                if (s->missing && !font_has(primary, c))
                    s->missing(s->ctx, at_q, c);
            }
        }
        i = j;
    }
    free(copy);
    return rc;
}

/* The face of the next Han or Latin character at or after byte i; cached so that a
 * paragraph is scanned once, not once per character. */
typedef struct {
    size_t upto;              /* the cached answer holds for positions <= upto */
    font *f;
} strong_cache;

static font *next_strong(const shape_fonts *fs, const char *t, size_t len, size_t i,
                         strong_cache *c);

/* Which face a character of class sc at byte i takes, given the face of the run so
 * far; the face of the next strong character is looked for only when it decides. */
static font *face_for(const shape_fonts *fs, script_kind sc, font *prev, const char *t,
                      size_t len, size_t i, strong_cache *c)
{
    switch (sc) {
    case SCRIPT_CJK:
        return fs->cjk;
    case SCRIPT_LATIN:
        return fs->latin;
    case SCRIPT_EITHER:
        /* Chinese context unless Latin on both sides. */
        return prev == fs->latin && next_strong(fs, t, len, i, c) == fs->latin ? fs->latin
                                                                            : fs->cjk;
    default:
        if (prev)
            return prev;
        font *next = next_strong(fs, t, len, i, c);
        return next ? next : fs->cjk;
    }
}

static font *next_strong(const shape_fonts *fs, const char *t, size_t len, size_t i,
                         strong_cache *c)
{
    if (i <= c->upto && c->upto != (size_t)-1)
        return c->f;
    size_t j = i;
    c->f = NULL;
    while (j < len) {
        size_t at = j;
        script_kind sc = script_of(utf8_next(t, len, &j));
        if (sc == SCRIPT_CJK || sc == SCRIPT_LATIN) {
            c->f = sc == SCRIPT_CJK ? fs->cjk : fs->latin;
            c->upto = at;
            return c->f;
        }
    }
    c->upto = len;
    return NULL;
}

int shape_text(font_lib *lib, const shape_fonts *fonts, const char *text, size_t len,
               shape_missing_fn missing, void *ctx, shape_out *out)
{
    shaper s = { lib, fonts, text, len, missing, ctx, hb_buffer_create() };
    if (!hb_buffer_allocation_successful(s.buf)) {
        hb_buffer_destroy(s.buf);
        return -1;
    }
    int rc = 0;
    size_t i = 0;
    font *prev_strong = NULL;
    strong_cache sc_cache = { (size_t)-1, NULL };
    while (i < len && rc == 0) {
        size_t start = i;
        uint32_t cp = utf8_next(text, len, &i);
        script_kind sc = script_of(cp);
        if (sc == SCRIPT_CONTROL)
            continue;
        font *f = face_for(fonts, sc, prev_strong, text, len, i, &sc_cache);
        if (sc == SCRIPT_CJK || sc == SCRIPT_LATIN)
            prev_strong = f;
        size_t end = i;
        while (end < len) {
            size_t j = end;
            uint32_t c = utf8_next(text, len, &j);
            script_kind cs = script_of(c);
            if (cs == SCRIPT_CONTROL)
                break;
            font *cf = face_for(fonts, cs, f, text, len, j, &sc_cache);
            if (cf != f)
                break;
            if (cs == SCRIPT_CJK || cs == SCRIPT_LATIN)
                prev_strong = cf;
            end = j;
        }
        size_t first;
        rc = shape_with(f, s.buf, text, len, start, end, out, &first);
        if (rc == 0)
            rc = repair_missing(&s, out, first, end, f);
        i = end;
    }
    hb_buffer_destroy(s.buf);
    return rc;
}
