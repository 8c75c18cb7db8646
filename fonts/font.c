/* font — see font.h. */
#include "fonts/font.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sys/mman.h>
#include <unistd.h>

#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_TRUETYPE_TABLES_H

#include <hb-ot.h>

#include "layout/base/vec.h"

typedef struct {
    uint32_t gid;             /* UINT32_MAX: empty slot */
    int32_t x0, x1;
    bool inked;
} ink_entry;

struct font {
    int id;
    ink_entry *ink;           /* glyph ink extents asked for (CFF outlines are slow) */
    unsigned nink, capink;
    char *path;
    unsigned index;
    char *family, *style, *ps_name;
    FT_Face ft;
    hb_blob_t *blob;
    hb_face_t *face;
    hb_font_t *hb;
    unsigned upem;
    bool cff;
    font_metrics m;
};

typedef struct {
    uint32_t cp;
    int id;                  /* -1: no font covers cp */
} cover_entry;

typedef struct {
    char *key;               /* "family\nstyle" */
    int id;
} name_entry;

struct font_lib {
    FcConfig *fc;
    FT_Library ft;
    font **fonts;
    int n;
    size_t cap;
    cover_entry *cover;
    int ncover;
    size_t capcover;
    name_entry *names;       /* families already resolved: fontconfig is slow */
    int nnames;
    size_t capnames;
};

font_lib *font_lib_new(void)
{
    font_lib *lib = calloc(1, sizeof *lib);
    if (!lib)
        return NULL;
    lib->fc = FcInitLoadConfigAndFonts();
    if (!lib->fc || FT_Init_FreeType(&lib->ft)) {
        font_lib_free(lib);
        return NULL;
    }
    return lib;
}

static void font_free(font *f)
{
    if (!f)
        return;
    if (f->hb)
        hb_font_destroy(f->hb);
    if (f->face)
        hb_face_destroy(f->face);
    if (f->blob)
        hb_blob_destroy(f->blob);
    if (f->ft)
        FT_Done_Face(f->ft);
    free(f->ink);
    free(f->path);
    free(f->family);
    free(f->style);
    free(f->ps_name);
    free(f);
}

void font_lib_free(font_lib *lib)
{
    if (!lib)
        return;
    for (int i = 0; i < lib->n; i++)
        font_free(lib->fonts[i]);
    free(lib->fonts);
    free(lib->cover);
    for (int i = 0; i < lib->nnames; i++)
        free(lib->names[i].key);
    free(lib->names);
    if (lib->ft)
        FT_Done_FreeType(lib->ft);
    if (lib->fc)
        FcConfigDestroy(lib->fc);
    free(lib);
}

static char *dup_str(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* StemV is not stored in OpenType; this is the usual estimate from the weight class. */
static int stem_v_for_weight(int weight)
{
    if (weight <= 0)
        weight = 400;
    return 10 + 220 * (weight - 50) / 900;
}

static void read_metrics(font *f)
{
    FT_Face ft = f->ft;
    font_metrics *m = &f->m;
    TT_OS2 *os2 = FT_Get_Sfnt_Table(ft, FT_SFNT_OS2);
    m->ascent = ft->ascender;
    m->descent = ft->descender;
    m->bbox[0] = (int)ft->bbox.xMin;
    m->bbox[1] = (int)ft->bbox.yMin;
    m->bbox[2] = (int)ft->bbox.xMax;
    m->bbox[3] = (int)ft->bbox.yMax;
    m->cap_height = m->ascent * 7 / 10;
    int weight = 400;
    if (os2 && os2->version != 0xFFFFu) {
        if (os2->version >= 2 && os2->sCapHeight > 0)
            m->cap_height = os2->sCapHeight;
        weight = os2->usWeightClass;
    }
    m->stem_v = stem_v_for_weight(weight);
    m->italic_angle = 0;
    /* Symbolic: the glyphs are addressed by CID, outside the standard Latin set. */
    m->flags = 4;
    if (f->family && strstr(f->family, "Serif"))
        m->flags |= 2;
}

static font *font_load(font_lib *lib, const char *path, unsigned index, char *err,
                       size_t errlen)
{
    for (int i = 0; i < lib->n; i++)
        if (lib->fonts[i]->index == index && strcmp(lib->fonts[i]->path, path) == 0)
            return lib->fonts[i];

    font *f = calloc(1, sizeof *f);
    if (!f) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    f->path = strdup(path);
    f->index = index;
    if (!f->path || FT_New_Face(lib->ft, path, (FT_Long)index, &f->ft)) {
        snprintf(err, errlen, "cannot open font file %s (face %u)", path, index);
        font_free(f);
        return NULL;
    }
    f->blob = hb_blob_create_from_file_or_fail(path);
    if (!f->blob) {
        snprintf(err, errlen, "cannot read font file %s", path);
        font_free(f);
        return NULL;
    }
    f->face = hb_face_create(f->blob, index);
    f->hb = hb_font_create(f->face);
    f->upem = hb_face_get_upem(f->face);
    if (!f->hb || f->upem == 0 || hb_face_get_glyph_count(f->face) == 0) {
        snprintf(err, errlen, "%s (face %u) is not a usable OpenType font", path, index);
        font_free(f);
        return NULL;
    }
    hb_blob_t *cff = hb_face_reference_table(f->face, HB_TAG('C', 'F', 'F', ' '));
    f->cff = hb_blob_get_length(cff) > 0;
    hb_blob_destroy(cff);
    const char *ps = FT_Get_Postscript_Name(f->ft);
    f->ps_name = strdup(ps ? ps : "Unnamed");
    f->family = dup_str(f->ft->family_name ? f->ft->family_name : "Unknown");
    f->style = dup_str(f->ft->style_name ? f->ft->style_name : "Regular");
    if (!f->ps_name || !f->family || !f->style) {
        snprintf(err, errlen, "out of memory");
        font_free(f);
        return NULL;
    }
    read_metrics(f);

    if (!VEC_PUSH_ROOM(lib->fonts, lib->cap, lib->n)) {
        snprintf(err, errlen, "out of memory");
        font_free(f);
        return NULL;
    }
    f->id = lib->n;
    lib->fonts[lib->n++] = f;
    return f;
}

font *font_lib_open_file(font_lib *lib, const char *path, unsigned index, char *err,
                         size_t errlen)
{
    return font_load(lib, path, index, err, errlen);
}

/* Among fontconfig's answers, prefer a face whose own (first) style name is the one
 * asked for: "Light" faces also call themselves "Regular". Ties go to the smallest
 * (file, index): fonts can be installed twice (.ttc and .otf), and the choice must
 * not depend on cache order. */
static int pick_first(FcFontSet *fs, const char *style, const char **path, int *index)
{
    int best = -1, best_rank = 2;
    for (int i = 0; fs && i < fs->nfont; i++) {
        FcChar8 *file, *st;
        int idx = 0;
        if (FcPatternGetString(fs->fonts[i], FC_FILE, 0, &file) != FcResultMatch)
            continue;
        FcPatternGetInteger(fs->fonts[i], FC_INDEX, 0, &idx);
        int rank = FcPatternGetString(fs->fonts[i], FC_STYLE, 0, &st) == FcResultMatch &&
                           strcasecmp((const char *)st, style) == 0
                       ? 0
                       : 1;
        int c = best < 0 ? -1 : strcmp((const char *)file, *path);
        if (best < 0 || rank < best_rank || (rank == best_rank && (c < 0 || (c == 0 && idx < *index)))) {
            best = i;
            best_rank = rank;
            *path = (const char *)file;
            *index = idx;
        }
    }
    return best;
}

static font *font_lookup(font_lib *lib, const char *family, const char *style, char *err,
                         size_t errlen);

font *font_lib_open(font_lib *lib, const char *family, const char *style, char *err,
                    size_t errlen)
{
    if (!style || !*style)
        style = "Regular";
    char key[512];
    snprintf(key, sizeof key, "%s\n%s", family, style);
    for (int i = 0; i < lib->nnames; i++)
        if (strcmp(lib->names[i].key, key) == 0)
            return lib->fonts[lib->names[i].id];
    font *f = font_lookup(lib, family, style, err, errlen);
    if (f && !VEC_PUSH_ROOM(lib->names, lib->capnames, lib->nnames))
        return f;
    if (f) {
        char *k = strdup(key);
        if (k)
            lib->names[lib->nnames++] = (name_entry){ k, f->id };
    }
    return f;
}

static font *font_lookup(font_lib *lib, const char *family, const char *style, char *err,
                         size_t errlen)
{
    FcPattern *pat = FcPatternCreate();
    FcObjectSet *os = FcObjectSetBuild(FC_FILE, FC_INDEX, FC_STYLE, NULL);
    if (!pat || !os) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)family);
    FcPatternAddString(pat, FC_STYLE, (const FcChar8 *)style);
    FcFontSet *fs = FcFontList(lib->fc, pat, os);
    const char *path = NULL;
    int index = 0;
    font *f = NULL;
    if (pick_first(fs, style, &path, &index) >= 0)
        f = font_load(lib, path, (unsigned)index, err, errlen);
    else
        snprintf(err, errlen,
                 "font family \"%s\" with style \"%s\" is not installed; "
                 "list the installed Chinese families with: fc-list :lang=zh family style",
                 family, style);
    if (fs)
        FcFontSetDestroy(fs);
    FcObjectSetDestroy(os);
    FcPatternDestroy(pat);
    return f;
}

static font *cover_search(font_lib *lib, uint32_t cp)
{
    FcPattern *pat = FcPatternCreate();
    FcCharSet *cs = FcCharSetCreate();
    font *found = NULL;
    if (!pat || !cs)
        goto done;
    FcCharSetAddChar(cs, cp);
    FcPatternAddCharSet(pat, FC_CHARSET, cs);
    FcPatternAddString(pat, FC_LANG, (const FcChar8 *)"zh-cn");
    FcConfigSubstitute(lib->fc, pat, FcMatchPattern);
    FcDefaultSubstitute(pat);
    FcResult res;
    FcFontSet *fs = FcFontSort(lib->fc, pat, FcFalse, NULL, &res);
    for (int i = 0; fs && i < fs->nfont && !found; i++) {
        FcCharSet *fcs;
        FcChar8 *file;
        int idx = 0;
        if (FcPatternGetCharSet(fs->fonts[i], FC_CHARSET, 0, &fcs) != FcResultMatch ||
            !FcCharSetHasChar(fcs, cp))
            continue;
        if (FcPatternGetString(fs->fonts[i], FC_FILE, 0, &file) != FcResultMatch)
            continue;
        FcPatternGetInteger(fs->fonts[i], FC_INDEX, 0, &idx);
        char err[256];
        font *f = font_load(lib, (const char *)file, (unsigned)idx, err, sizeof err);
        if (f && font_has(f, cp))
            found = f;
    }
    if (fs)
        FcFontSetDestroy(fs);
done:
    if (cs)
        FcCharSetDestroy(cs);
    if (pat)
        FcPatternDestroy(pat);
    return found;
}

font *font_lib_cover(font_lib *lib, uint32_t cp)
{
    for (int i = 0; i < lib->ncover; i++)
        if (lib->cover[i].cp == cp)
            return lib->cover[i].id < 0 ? NULL : lib->fonts[lib->cover[i].id];
    font *f = cover_search(lib, cp);
    if (!VEC_PUSH_ROOM(lib->cover, lib->capcover, lib->ncover))
        return f;
    lib->cover[lib->ncover].cp = cp;
    lib->cover[lib->ncover].id = f ? f->id : -1;
    lib->ncover++;
    return f;
}

int font_lib_count(const font_lib *lib) { return lib->n; }
font *font_lib_at(const font_lib *lib, int id)
{
    return id >= 0 && id < lib->n ? lib->fonts[id] : NULL;
}

int font_id(const font *f) { return f->id; }
hb_font_t *font_hb(const font *f) { return f->hb; }
hb_face_t *font_hb_face(const font *f) { return f->face; }
unsigned font_upem(const font *f) { return f->upem; }
const char *font_family(const font *f) { return f->family; }
const char *font_style(const font *f) { return f->style; }
const char *font_path(const font *f) { return f->path; }
unsigned font_face_index(const font *f) { return f->index; }
const char *font_ps_name(const font *f) { return f->ps_name; }
bool font_is_cff(const font *f) { return f->cff; }
const font_metrics *font_get_metrics(const font *f) { return &f->m; }

uint32_t font_glyph(const font *f, uint32_t cp)
{
    hb_codepoint_t g = 0;
    if (!hb_font_get_nominal_glyph(f->hb, cp, &g))
        return 0;
    return g;
}

bool font_has(const font *f, uint32_t cp) { return font_glyph(f, cp) != 0; }

int32_t font_advance(const font *f, uint32_t gid)
{
    return hb_font_get_glyph_h_advance(f->hb, gid);
}

void font_drop_resident(const font *f)
{
    unsigned len = 0;
    const char *data = hb_blob_get_data(f->blob, &len);
    long page = sysconf(_SC_PAGESIZE);
    if (!data || len == 0 || page <= 0)
        return;
    /* The file is mapped read-only and private: dropped pages come back from the file,
     * unchanged. A blob read into memory instead is left alone (madvise fails). */
    uintptr_t a = (uintptr_t)data & ~(uintptr_t)(page - 1);
    madvise((void *)a, len + ((uintptr_t)data - a), MADV_DONTNEED);
}

static bool ink_compute(const font *f, uint32_t gid, int32_t *x0, int32_t *x1)
{
    hb_glyph_extents_t e;
    if (!hb_font_get_glyph_extents(f->hb, gid, &e) || e.width == 0)
        return false;
    *x0 = e.x_bearing;
    *x1 = e.x_bearing + e.width;
    return true;
}

/* Open addressing on the glyph id; the table doubles at half load. */
static ink_entry *ink_slot(ink_entry *t, unsigned cap, uint32_t gid)
{
    unsigned i = (gid * 2654435761u) & (cap - 1);
    while (t[i].gid != UINT32_MAX && t[i].gid != gid)
        i = (i + 1) & (cap - 1);
    return &t[i];
}

static bool ink_grow(font *f)
{
    unsigned cap = f->capink ? f->capink * 2 : 64;
    ink_entry *t = malloc(cap * sizeof *t);
    if (!t)
        return false;
    for (unsigned i = 0; i < cap; i++)
        t[i].gid = UINT32_MAX;
    for (unsigned i = 0; i < f->capink; i++)
        if (f->ink[i].gid != UINT32_MAX)
            *ink_slot(t, cap, f->ink[i].gid) = f->ink[i];
    free(f->ink);
    f->ink = t;
    f->capink = cap;
    return true;
}

bool font_ink_x(const font *cf, uint32_t gid, int32_t *x0, int32_t *x1)
{
    font *f = (font *)cf;     /* the cache is not part of the font's value */
    if (2 * (f->nink + 1) > f->capink && !ink_grow(f))
        return ink_compute(f, gid, x0, x1);
    ink_entry *e = ink_slot(f->ink, f->capink, gid);
    if (e->gid != gid) {
        e->gid = gid;
        e->inked = ink_compute(f, gid, &e->x0, &e->x1);
        f->nink++;
    }
    *x0 = e->x0;
    *x1 = e->x1;
    return e->inked;
}
