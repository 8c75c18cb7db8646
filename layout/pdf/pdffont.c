/* pdffont — see pdffont.h. */
#include "layout/pdf/pdffont.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hb-subset.h>
#include <hpdf_doc.h>
#include <hpdf_list.h>
#include <hpdf_objects.h>

#include "layout/base/jobs.h"
#include "layout/base/utf8.h"
#include "layout/base/vec.h"
#include "layout/pdf/flate_int.h"
#include "layout/pdf/pdfcache_int.h"

typedef struct {
    int32_t *slot;            /* per glyph id: index into text_at, -1 when unused */
    unsigned nglyphs;
    uint32_t *used;           /* used glyph ids, in first-use order */
    size_t nused, capused;
    char *text;               /* arena of UTF-8 texts */
    size_t ntext, captext;
    size_t captext_at;
    uint32_t *text_at;        /* per used glyph: offset, length pairs into text */
    int32_t *adv;             /* per used glyph: its advance in font units */
    size_t capadv;
    unsigned upem;
    HPDF_Dict dict;
    size_t program_size;
    /* The program, made while the pages are written (see pdffont_emit): */
    uint32_t *sorted;         /* the used glyph ids, ascending */
    pdfcache_key *key;        /* its cache key, NULL without a cache */
    pdfcache_item prog;
    bool made;                /* prog was made here, not found in the cache */
    int prog_rc;
    char prog_err[200];
    HPDF_Dict file, cid_to_gid;   /* their streams, filled by pdffont_finish */
} font_use;

struct pdffont_set {
    font_lib *lib;
    font_use *fonts;
    int nfonts;
    pdfcache *cache;         /* NULL: programs are made every time */
    pdfcache *own_cache;     /* the disk-only cache made here when none was given */
    int *todo;               /* fonts whose programs are to be made, largest first */
    size_t ntodo;
    flate **z;               /* a compressor per jobs slot */
    int nz;
    jobs *jobs;              /* making them, from pdffont_emit to pdffont_finish */
    bool started;
};

pdffont_set *pdffont_set_new(font_lib *lib, pdfcache *cache)
{
    pdffont_set *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->lib = lib;
    s->cache = cache ? cache : (s->own_cache = pdfcache_new(NULL, 0));
    return s;
}

static void finish_jobs(pdffont_set *s);

void pdffont_set_free(pdffont_set *s)
{
    if (!s)
        return;
    finish_jobs(s);           /* no thread may outlive what it writes to */
    for (int i = 0; i < s->nfonts; i++) {
        free(s->fonts[i].slot);
        free(s->fonts[i].used);
        free(s->fonts[i].text);
        free(s->fonts[i].text_at);
        free(s->fonts[i].adv);
        free(s->fonts[i].sorted);
        pdfcache_key_free(s->fonts[i].key);
        pdfcache_item_free(&s->fonts[i].prog);
    }
    for (int i = 0; i < s->nz; i++)
        flate_free(s->z[i]);
    free(s->z);
    free(s->todo);
    free(s->fonts);
    pdfcache_free(s->own_cache);
    free(s);
}

static font_use *use_of(pdffont_set *s, int id)
{
    if (id < 0 || id >= font_lib_count(s->lib))
        return NULL;
    if (id >= s->nfonts) {
        font_use *nf = realloc(s->fonts, (size_t)(id + 1) * sizeof *nf);
        if (!nf)
            return NULL;
        memset(nf + s->nfonts, 0, (size_t)(id + 1 - s->nfonts) * sizeof *nf);
        s->fonts = nf;
        s->nfonts = id + 1;
    }
    font_use *u = &s->fonts[id];
    if (!u->slot) {
        const font *f = font_lib_at(s->lib, id);
        u->nglyphs = hb_face_get_glyph_count(font_hb_face(f));
        u->upem = font_upem(f);
        u->slot = malloc(u->nglyphs * sizeof *u->slot);
        if (!u->slot)
            return NULL;
        memset(u->slot, 0xFF, u->nglyphs * sizeof *u->slot);
    }
    return u;
}

int pdffont_use(pdffont_set *s, int fid, uint32_t gid, const char *text, size_t ntext)
{
    font_use *u = use_of(s, fid);
    if (!u)
        return -1;
    if (gid >= u->nglyphs)
        gid = 0;
    if (u->slot[gid] >= 0) {
        /* A glyph first seen without text (inside a cluster) takes the next text. */
        uint32_t *ta = &u->text_at[2 * u->slot[gid]];
        if (ta[1] > 0 || ntext == 0)
            return 0;
    } else {
        if (!VEC_PUSH_ROOM(u->used, u->capused, u->nused) ||
            !VEC_PUSH_ROOM(u->adv, u->capadv, u->nused) ||
            !vec_reserve((void **)&u->text_at, &u->captext_at, 2 * (u->nused + 1),
                         sizeof *u->text_at))
            return -1;
        u->slot[gid] = (int32_t)u->nused;
        u->used[u->nused] = gid;
        u->adv[u->nused] = font_advance(font_lib_at(s->lib, fid), gid);
        u->text_at[2 * u->nused] = 0;
        u->text_at[2 * u->nused + 1] = 0;
        u->nused++;
    }
    if (ntext == 0)
        return 0;
    if (!vec_reserve((void **)&u->text, &u->captext, u->ntext + ntext, 1))
        return -1;
    memcpy(u->text + u->ntext, text, ntext);
    uint32_t *ta = &u->text_at[2 * u->slot[gid]];
    ta[0] = (uint32_t)u->ntext;
    ta[1] = (uint32_t)ntext;
    u->ntext += ntext;
    return 0;
}

/* The advance of gid in font units: kept for used glyphs, asked of the font otherwise. */
static int32_t advance(const pdffont_set *s, const font_use *u, int fid, uint32_t gid)
{
    if (u && gid < u->nglyphs && u->slot[gid] >= 0)
        return u->adv[u->slot[gid]];
    const font *f = font_lib_at(s->lib, fid);
    return f ? font_advance(f, gid) : 0;
}

double pdffont_width(const pdffont_set *s, int fid, uint32_t gid)
{
    const font_use *u = fid >= 0 && fid < s->nfonts && s->fonts[fid].slot ? &s->fonts[fid] : NULL;
    const font *f = u ? NULL : font_lib_at(s->lib, fid);
    unsigned upem = u ? u->upem : f ? font_upem(f) : 0;
    return upem ? advance(s, u, fid, gid) * 1000.0 / upem : 0;
}

HPDF_Dict pdffont_dict(const pdffont_set *s, int fid)
{
    return fid >= 0 && fid < s->nfonts ? s->fonts[fid].dict : NULL;
}

size_t pdffont_program_size(const pdffont_set *s, int fid)
{
    return fid >= 0 && fid < s->nfonts ? s->fonts[fid].program_size : 0;
}

bool pdffont_all_mapped(const pdffont_set *s)
{
    for (int f = 0; f < s->nfonts; f++)
        for (size_t k = 0; k < s->fonts[f].nused; k++)
            if (s->fonts[f].text_at[2 * k + 1] == 0)
                return false;
    return true;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Six capital letters from the glyph set, so the same subset gets the same tag. */
static void subset_tag(const uint32_t *gids, size_t n, const char *ps, char tag[7])
{
    uint64_t h = 1469598103934665603ull;
    for (const char *p = ps; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ gids[i]) * 1099511628211ull;
    for (int i = 0; i < 6; i++) {
        tag[i] = (char)('A' + h % 26);
        h /= 26;
    }
    tag[6] = 0;
}

typedef struct {
    HPDF_Doc pdf;
    HPDF_MMgr mm;
    HPDF_Xref xref;
    char *err;
    size_t errlen;
} emitter;

static HPDF_Dict new_dict(emitter *e)
{
    HPDF_Dict d = HPDF_Dict_New(e->mm);
    if (d && HPDF_Xref_Add(e->xref, d) != HPDF_OK)
        return NULL;
    return d;
}

static HPDF_Dict new_stream(emitter *e, const void *data, size_t len)
{
    HPDF_Dict d = HPDF_DictStream_New(e->mm, e->xref);
    if (!d)
        return NULL;
    d->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
    if (len && HPDF_Stream_Write(d->stream, data, (HPDF_UINT)len) != HPDF_OK)
        return NULL;
    return d;
}

static int put_utf16_hex(char *buf, size_t cap, size_t *pos, const char *t, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint32_t cp = utf8_next(t, n, &i);
        uint16_t units[2];
        int nu = 1;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            units[0] = (uint16_t)(0xD800 + (cp >> 10));
            units[1] = (uint16_t)(0xDC00 + (cp & 0x3FF));
            nu = 2;
        } else {
            units[0] = (uint16_t)cp;
        }
        for (int k = 0; k < nu; k++) {
            if (*pos + 5 >= cap)
                return -1;
            *pos += (size_t)snprintf(buf + *pos, cap - *pos, "%04X", units[k]);
        }
    }
    return 0;
}

static HPDF_Dict tounicode_stream(emitter *e, const font_use *u, const uint32_t *sorted,
                                  size_t n)
{
    size_t cap = 512 + n * 96 + u->ntext * 6, pos = 0;
    char *buf = malloc(cap);
    if (!buf)
        return NULL;
    pos += (size_t)snprintf(buf, cap,
                            "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                            "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
                            "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
    size_t i = 0;
    int rc = 0;
    while (i < n && rc == 0) {
        /* At most 100 entries per block (PDF limit); glyphs without text are skipped. */
        size_t cnt = 0, j = i;
        while (j < n && cnt < 100) {
            if (u->text_at[2 * u->slot[sorted[j]] + 1] > 0)
                cnt++;
            j++;
        }
        if (cnt) {
            pos += (size_t)snprintf(buf + pos, cap - pos, "%zu beginbfchar\n", cnt);
            for (size_t k = i; k < j && rc == 0; k++) {
                const uint32_t *ta = &u->text_at[2 * u->slot[sorted[k]]];
                if (!ta[1])
                    continue;
                pos += (size_t)snprintf(buf + pos, cap - pos, "<%04X> <", sorted[k]);
                rc = put_utf16_hex(buf, cap, &pos, u->text + ta[0], ta[1]);
                if (pos + 3 < cap)
                    pos += (size_t)snprintf(buf + pos, cap - pos, ">\n");
            }
            if (pos + 16 < cap)
                pos += (size_t)snprintf(buf + pos, cap - pos, "endbfchar\n");
        }
        i = j;
    }
    if (pos + 128 < cap)
        pos += (size_t)snprintf(buf + pos, cap - pos,
                                "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    else
        rc = -1;
    HPDF_Dict d = rc ? NULL : new_stream(e, buf, pos);
    free(buf);
    return d;
}

/* /W: runs of consecutive glyph ids with their widths. */
static HPDF_Array widths_array(emitter *e, const font_use *u, const uint32_t *sorted, size_t n,
                               int *dw)
{
    HPDF_Array w = HPDF_Array_New(e->mm);
    if (!w)
        return NULL;
    /* One allocation for the whole array: libharu grows a list 20 items at a time,
     * copying it each time, which made this quadratic. Two items per run. */
    w->list->items_per_block = (HPDF_UINT)(2 * n + 2);
    double scale = 1000.0 / u->upem;
#define ADV(gid) u->adv[u->slot[gid]]
    /* The default width is the commonest one: for CJK fonts, 1 em. */
    int best = 1000, bestn = 0;
    for (size_t i = 0; i < n; i++) {
        int wi = (int)(ADV(sorted[i]) * scale + 0.5), c = 0;
        for (size_t k = 0; k < n && k < 64; k++)
            c += (int)(ADV(sorted[k]) * scale + 0.5) == wi;
        if (c > bestn)
            bestn = c, best = wi;
        if (i >= 64)
            break;
    }
    *dw = best;
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j + 1 < n && sorted[j + 1] == sorted[j] + 1)
            j++;
        HPDF_Array run = HPDF_Array_New(e->mm);
        if (!run || HPDF_Array_AddNumber(w, (HPDF_INT32)sorted[i]) != HPDF_OK ||
            HPDF_Array_Add(w, run) != HPDF_OK)
            return NULL;
        run->list->items_per_block = (HPDF_UINT)(j - i + 1);
        for (size_t k = i; k <= j; k++)
            if (HPDF_Array_AddReal(run, (HPDF_REAL)(ADV(sorted[k]) * scale)) != HPDF_OK)
                return NULL;
        i = j + 1;
    }
#undef ADV
    return w;
}

static HPDF_Array scaled_box(emitter *e, const font *f)
{
    const font_metrics *m = font_get_metrics(f);
    double s = 1000.0 / font_upem(f);
    HPDF_Array a = HPDF_Array_New(e->mm);
    for (int i = 0; a && i < 4; i++)
        if (HPDF_Array_AddNumber(a, (HPDF_INT32)(m->bbox[i] * s)) != HPDF_OK)
            return NULL;
    return a;
}

/* The tables of the font program the PDF embeds (TrueType: those PDF 32000-1 9.9 lists
 * for a CIDFontType2; CFF: the CFF table, with maxp and head for the glyph count and
 * units). The subsetter is given a face of only these: it then neither reads nor
 * rebuilds cmap, layout, name or metrics tables, nor pulls in the glyphs of the cmap's
 * variation sequences, which nothing in the PDF shows. */
static const char *const cff_tables[] = { "CFF ", "maxp", "head" };
static const char *const ttf_tables[] = { "glyf", "loca", "head", "hhea", "hmtx",
                                          "maxp", "cvt ", "fpgm", "prep" };
#define NTABLES(t) (sizeof t / sizeof *t)

/* CFF subroutines inlined: a book's few thousand glyphs of a 65,535-glyph CJK font use
 * each subroutine a few times at most, so the subset is both cheaper to make (no
 * subroutine closure) and smaller once deflated (Noto Serif CJK, 1,549 glyphs: 411.8 ->
 * 373.7 KB; 6,500 glyphs: 2.37 -> 2.21 MB). */
#define SUBSET_FLAGS (HB_SUBSET_FLAGS_NOTDEF_OUTLINE | HB_SUBSET_FLAGS_DESUBROUTINIZE)

/* Everything that shapes a kept program's bytes besides the font and the glyph set:
 * part of its cache key, so a change to any of them is a miss, never a stale hit.
 * Bump the leading number when the way a program is made changes otherwise. */
static void program_recipe(char *buf, size_t cap)
{
    size_t n = (size_t)snprintf(buf, cap, "jianbao subset 1; flags %#x;", (unsigned)SUBSET_FLAGS);
    for (size_t i = 0; i < NTABLES(cff_tables) && n < cap; i++)
        n += (size_t)snprintf(buf + n, cap - n, " %s", cff_tables[i]);
    n += n < cap ? (size_t)snprintf(buf + n, cap - n, ";") : 0;
    for (size_t i = 0; i < NTABLES(ttf_tables) && n < cap; i++)
        n += (size_t)snprintf(buf + n, cap - n, " %s", ttf_tables[i]);
    if (n < cap)
        snprintf(buf + n, cap - n, "; HarfBuzz %s; %s", hb_version_string(), flate_name());
}

static hb_face_t *program_face(const font *f)
{
    const char *const *tags = font_is_cff(f) ? cff_tables : ttf_tables;
    size_t n = font_is_cff(f) ? NTABLES(cff_tables) : NTABLES(ttf_tables);
    hb_face_t *b = hb_face_builder_create();
    for (size_t i = 0; i < n; i++) {
        hb_tag_t tag = hb_tag_from_string(tags[i], 4);
        hb_blob_t *t = hb_face_reference_table(font_hb_face(f), tag);
        bool ok = hb_blob_get_length(t) == 0 || hb_face_builder_add_table(b, tag, t);
        hb_blob_destroy(t);
        if (!ok) {
            hb_face_destroy(b);
            return NULL;
        }
    }
    return b;
}

/* The program subset to sorted[0..n) and .notdef, deflated; for a TrueType font also
 * the new glyph id of each of those glyphs (from the plan's mapping: hb-subset may add
 * glyphs, so new ids are not ranks in the set). */
static int program_of(font_use *u, flate *z, hb_subset_plan_t *plan, hb_face_t *sub,
                      const font *f, pdfcache_item *out)
{
    const uint32_t *sorted = u->sorted;
    size_t n = u->nused;
    hb_blob_t *program = font_is_cff(f) ? hb_face_reference_table(sub, HB_TAG('C', 'F', 'F', ' '))
                                        : hb_face_reference_blob(sub);
    unsigned len = 0;
    const char *bytes = hb_blob_get_data(program, &len);
    int rc = -1;
    if (len == 0) {
        snprintf(u->prog_err, sizeof u->prog_err, "empty subset for font %s", font_ps_name(f));
        goto done;
    }
    out->rawlen = len;
    if (!font_is_cff(f) && n) {
        const hb_map_t *map = hb_subset_plan_old_to_new_glyph_mapping(plan);
        if (!(out->gids = malloc(n * sizeof *out->gids)))
            goto oom;
        for (size_t i = 0; i < n; i++) {
            hb_codepoint_t ng = hb_map_get(map, sorted[i]);
            out->gids[i] = (uint16_t)(ng == HB_MAP_VALUE_INVALID ? 0 : ng);
        }
        out->ngids = n;
    }
    if (flate_compress(z, bytes, len, &out->z, &out->zlen) == 0)
        rc = 0;
oom:
    if (rc)
        snprintf(u->prog_err, sizeof u->prog_err, "out of memory subsetting %s", font_ps_name(f));
done:
    hb_blob_destroy(program);
    return rc;
}

/* Makes u's program into u->prog; on a helper thread (touches only u, f's face and z). */
static int make_program(font_use *u, flate *z, const font *f)
{
    pdfcache_item *out = &u->prog;
    const uint32_t *sorted = u->sorted;
    size_t n = u->nused;
    hb_subset_input_t *in = hb_subset_input_create_or_fail();
    hb_face_t *src = in ? program_face(f) : NULL;
    if (!src) {
        if (in)
            hb_subset_input_destroy(in);
        snprintf(u->prog_err, sizeof u->prog_err, "out of memory subsetting %s",
                 font_ps_name(f));
        return -1;
    }
    hb_set_t *gs = hb_subset_input_glyph_set(in);
    hb_set_add(gs, 0);
    for (size_t i = 0; i < n; i++)
        hb_set_add(gs, sorted[i]);
    hb_set_clear(hb_subset_input_unicode_set(in));
    hb_subset_input_set_flags(in, SUBSET_FLAGS);
    hb_subset_plan_t *plan = hb_subset_plan_create_or_fail(src, in);
    hb_face_t *sub = plan ? hb_subset_plan_execute_or_fail(plan) : NULL;
    int rc = -1;
    if (sub)
        rc = program_of(u, z, plan, sub, f, out);
    else
        snprintf(u->prog_err, sizeof u->prog_err, "HarfBuzz could not subset font %s",
                 font_ps_name(f));
    if (sub)
        hb_face_destroy(sub);
    if (plan)
        hb_subset_plan_destroy(plan);
    hb_subset_input_destroy(in);
    hb_face_destroy(src);
    return rc;
}

static void program_job(void *arg, size_t job, int slot)
{
    pdffont_set *s = arg;
    int id = s->todo[job];
    const font *f = font_lib_at(s->lib, id);
    s->fonts[id].prog_rc = make_program(&s->fonts[id], s->z[slot], f);
    /* Subsetting read much of the file; only the used glyphs' widths are needed from
     * here on. */
    font_drop_resident(f);
}

/* Finds each used font's program in the cache, and starts making those it has not.
 * The largest go first, so the work spreads evenly over the threads. */
static int start_programs(pdffont_set *s, char *err, size_t errlen)
{
    char recipe[512];
    program_recipe(recipe, sizeof recipe);
    if (!(s->todo = malloc(((size_t)s->nfonts + 1) * sizeof *s->todo)))
        goto oom;
    for (int i = 0; i < s->nfonts; i++) {
        font_use *u = &s->fonts[i];
        if (!u->nused)
            continue;
        const font *f = font_lib_at(s->lib, i);
        if (!(u->sorted = malloc(u->nused * sizeof *u->sorted)))
            goto oom;
        memcpy(u->sorted, u->used, u->nused * sizeof *u->sorted);
        qsort(u->sorted, u->nused, sizeof *u->sorted, cmp_u32);
        u->key = s->cache ? pdfcache_key_new(recipe, font_path(f), font_face_index(f),
                                             u->sorted, u->nused)
                          : NULL;
        if (pdfcache_get(s->cache, u->key, &u->prog) &&
            (font_is_cff(f) || u->prog.ngids == u->nused))
            continue;
        pdfcache_item_free(&u->prog);
        u->made = true;
        s->todo[s->ntodo++] = i;
    }
    for (size_t k = 1; k < s->ntodo; k++)     /* a handful: insertion sort */
        for (size_t m = k; m > 0 && s->fonts[s->todo[m]].nused > s->fonts[s->todo[m - 1]].nused;
             m--) {
            int t = s->todo[m];
            s->todo[m] = s->todo[m - 1];
            s->todo[m - 1] = t;
        }
    /* What shaping read of the font files is not needed to subset them one by one. */
    for (int i = 0; i < font_lib_count(s->lib); i++)
        font_drop_resident(font_lib_at(s->lib, i));
    s->nz = jobs_slots();
    if (!(s->z = calloc((size_t)s->nz, sizeof *s->z)))
        goto oom;
    for (int i = 0; i < s->nz; i++)
        if (!(s->z[i] = flate_new(FLATE_LEVEL)))
            goto oom;
    s->jobs = jobs_start(s->ntodo, program_job, s);
    s->started = true;
    return 0;
oom:
    snprintf(err, errlen, "out of memory");
    return -1;
}

/* Waits for the programs (making on this thread those no helper took). */
static void finish_jobs(pdffont_set *s)
{
    if (!s->started)
        return;
    s->started = false;
    if (s->jobs)
        jobs_finish(s->jobs);
    else                      /* no helper could start: all here */
        for (size_t k = 0; k < s->ntodo; k++)
            program_job(s, k, 0);
    s->jobs = NULL;
}

/* CIDToGIDMap: 2 bytes per CID (= original glyph id) up to the largest used, written
 * into stream d. */
static int put_cid_to_gid(HPDF_Dict d, const uint32_t *sorted, size_t n, const uint16_t *newgid)
{
    uint32_t maxgid = n ? sorted[n - 1] : 0;
    size_t len = 2 * ((size_t)maxgid + 1);
    unsigned char *cg = calloc(1, len);
    if (!cg)
        return -1;
    for (size_t i = 0; i < n; i++) {
        cg[2 * sorted[i]] = (unsigned char)(newgid[i] >> 8);
        cg[2 * sorted[i] + 1] = (unsigned char)(newgid[i] & 0xFF);
    }
    int rc = HPDF_Stream_Write(d->stream, cg, (HPDF_UINT)len) == HPDF_OK ? 0 : -1;
    free(cg);
    return rc;
}

/* The font's objects; its program (being made meanwhile) goes into u->file and
 * u->cid_to_gid in pdffont_finish. */
static int emit_font(emitter *e, const font *f, font_use *u)
{
    const uint32_t *sorted = u->sorted;
    char tag[7], name[160];
    subset_tag(sorted, u->nused, font_ps_name(f), tag);
    snprintf(name, sizeof name, "%s+%s", tag, font_ps_name(f));

    HPDF_Dict cid_to_gid = font_is_cff(f) ? NULL : new_stream(e, NULL, 0);
    HPDF_Dict file = HPDF_DictStream_New(e->mm, e->xref);
    HPDF_Dict fd = new_dict(e);
    HPDF_Dict cid = new_dict(e);
    HPDF_Dict t0 = new_dict(e);
    HPDF_Dict tu = tounicode_stream(e, u, sorted, u->nused);
    HPDF_Dict si = HPDF_Dict_New(e->mm);
    HPDF_Array desc = HPDF_Array_New(e->mm);
    HPDF_Array bbox = scaled_box(e, f);
    int dw = 1000;
    HPDF_Array w = widths_array(e, u, sorted, u->nused, &dw);
    if (!file || !fd || !cid || !t0 || !tu || !si || !desc || !bbox || !w ||
        (!font_is_cff(f) && !cid_to_gid)) {
        snprintf(e->err, e->errlen, "cannot build PDF objects for font %s", font_ps_name(f));
        return -1;
    }
    const font_metrics *m = font_get_metrics(f);
    double s = 1000.0 / font_upem(f);
    HPDF_STATUS st = HPDF_OK;
    if (font_is_cff(f)) {
        st |= HPDF_Dict_AddName(file, "Subtype", "CIDFontType0C");
        st |= HPDF_Dict_Add(fd, "FontFile3", file);
    } else {
        st |= HPDF_Dict_Add(fd, "FontFile2", file);   /* /Length1 with the program */
    }
    st |= HPDF_Dict_AddName(fd, "Type", "FontDescriptor");
    st |= HPDF_Dict_AddName(fd, "FontName", name);
    st |= HPDF_Dict_AddNumber(fd, "Flags", (HPDF_INT32)m->flags);
    st |= HPDF_Dict_Add(fd, "FontBBox", bbox);
    st |= HPDF_Dict_AddNumber(fd, "ItalicAngle", m->italic_angle);
    st |= HPDF_Dict_AddNumber(fd, "Ascent", (HPDF_INT32)(m->ascent * s));
    st |= HPDF_Dict_AddNumber(fd, "Descent", (HPDF_INT32)(m->descent * s));
    st |= HPDF_Dict_AddNumber(fd, "CapHeight", (HPDF_INT32)(m->cap_height * s));
    st |= HPDF_Dict_AddNumber(fd, "StemV", m->stem_v);

    st |= HPDF_Dict_Add(si, "Registry", HPDF_String_New(e->mm, "Adobe", NULL));
    st |= HPDF_Dict_Add(si, "Ordering", HPDF_String_New(e->mm, "Identity", NULL));
    st |= HPDF_Dict_AddNumber(si, "Supplement", 0);

    st |= HPDF_Dict_AddName(cid, "Type", "Font");
    st |= HPDF_Dict_AddName(cid, "Subtype", font_is_cff(f) ? "CIDFontType0" : "CIDFontType2");
    st |= HPDF_Dict_AddName(cid, "BaseFont", name);
    st |= HPDF_Dict_Add(cid, "CIDSystemInfo", si);
    st |= HPDF_Dict_Add(cid, "FontDescriptor", fd);
    st |= HPDF_Dict_AddNumber(cid, "DW", dw);
    st |= HPDF_Dict_Add(cid, "W", w);
    if (cid_to_gid)
        st |= HPDF_Dict_Add(cid, "CIDToGIDMap", cid_to_gid);

    st |= HPDF_Dict_AddName(t0, "Type", "Font");
    st |= HPDF_Dict_AddName(t0, "Subtype", "Type0");
    st |= HPDF_Dict_AddName(t0, "BaseFont", name);
    st |= HPDF_Dict_AddName(t0, "Encoding", "Identity-H");
    st |= HPDF_Array_Add(desc, cid);
    st |= HPDF_Dict_Add(t0, "DescendantFonts", desc);
    st |= HPDF_Dict_Add(t0, "ToUnicode", tu);
    if (st != HPDF_OK) {
        snprintf(e->err, e->errlen, "libharu failed building font %s", font_ps_name(f));
        return -1;
    }
    u->dict = t0;
    u->file = file;
    u->cid_to_gid = cid_to_gid;
    return 0;
}

/* Puts the made program of u into its streams, and keeps it in the cache. */
static int put_program(pdffont_set *s, const font *f, font_use *u, char *err, size_t errlen)
{
    if (u->prog_rc) {
        snprintf(err, errlen, "%s", u->prog_err);
        return -1;
    }
    if (u->made)
        pdfcache_put(s->cache, u->key, &u->prog);
    u->program_size = u->prog.rawlen;
    int rc = flate_put(u->file, u->prog.z, u->prog.zlen);
    if (rc == 0 && !font_is_cff(f))
        rc = HPDF_Dict_AddNumber(u->file, "Length1", (HPDF_INT32)u->prog.rawlen) != HPDF_OK ||
                     put_cid_to_gid(u->cid_to_gid, u->sorted, u->nused, u->prog.gids)
                 ? -1
                 : 0;
    if (rc)
        snprintf(err, errlen, "libharu failed embedding font %s", font_ps_name(f));
    pdfcache_item_free(&u->prog);
    return rc;
}

int pdffont_emit(pdffont_set *s, HPDF_Doc pdf, char *err, size_t errlen)
{
    emitter e = { pdf, pdf->mmgr, pdf->xref, err, errlen };
    if (start_programs(s, err, errlen))
        return -1;
    for (int i = 0; i < s->nfonts; i++)
        if (s->fonts[i].nused && emit_font(&e, font_lib_at(s->lib, i), &s->fonts[i]))
            return -1;
    return 0;
}

int pdffont_finish(pdffont_set *s, char *err, size_t errlen)
{
    finish_jobs(s);
    for (int i = 0; i < s->nfonts; i++)
        if (s->fonts[i].nused && put_program(s, font_lib_at(s->lib, i), &s->fonts[i], err, errlen))
            return -1;
    return 0;
}
