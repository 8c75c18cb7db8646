/* font — see font.h. */
#include "fonts/font.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sys/mman.h>
#include <unistd.h>

#include <fontconfig/fontconfig.h>

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
    if (!lib->fc) {
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
    if (lib->fc)
        FcConfigDestroy(lib->fc);
    free(lib);
}

/* StemV is not stored in OpenType; this is the usual estimate from the weight class. */
static int stem_v_for_weight(int weight)
{
    if (weight <= 0)
        weight = 400;
    return 10 + 220 * (weight - 50) / 900;
}

/* One table of the face, read big-endian; 0 past its end. */
typedef struct {
    hb_blob_t *blob;
    const unsigned char *p;
    unsigned len;
} table;

static table table_of(const font *f, hb_tag_t tag)
{
    table t = { hb_face_reference_table(f->face, tag), NULL, 0 };
    t.p = (const unsigned char *)hb_blob_get_data(t.blob, &t.len);
    return t;
}

static unsigned u16_at(const table *t, unsigned off)
{
    return off + 2 <= t->len ? (unsigned)(t->p[off] << 8 | t->p[off + 1]) : 0;
}

static int s16_at(const table *t, unsigned off) { return (int16_t)u16_at(t, off); }

/* The metrics FreeType gave (and the PDF has always had): ascent and descent from hhea,
 * else OS/2's typographic, else its Windows values; the box from head; cap height and
 * weight from OS/2 when it is whole (78 bytes, the version-0 size). Compared with
 * FreeType on every installed face: the same numbers. */
static void read_metrics(font *f)
{
    font_metrics *m = &f->m;
    table hhea = table_of(f, HB_TAG('h', 'h', 'e', 'a'));
    table head = table_of(f, HB_TAG('h', 'e', 'a', 'd'));
    table os2 = table_of(f, HB_TAG('O', 'S', '/', '2'));
    bool has_os2 = os2.len >= 78;
    m->ascent = s16_at(&hhea, 4);
    m->descent = s16_at(&hhea, 6);
    if (!m->ascent && !m->descent && has_os2) {
        m->ascent = s16_at(&os2, 68);
        m->descent = s16_at(&os2, 70);
        if (!m->ascent && !m->descent) {
            m->ascent = (int)u16_at(&os2, 74);
            m->descent = -(int)u16_at(&os2, 76);
        }
    }
    for (int i = 0; i < 4; i++)
        m->bbox[i] = s16_at(&head, 36 + 2 * (unsigned)i);
    m->cap_height = m->ascent * 7 / 10;
    int weight = 400;
    if (has_os2) {
        if (u16_at(&os2, 0) >= 2 && s16_at(&os2, 88) > 0)
            m->cap_height = s16_at(&os2, 88);
        weight = (int)u16_at(&os2, 4);
    }
    hb_blob_destroy(hhea.blob);
    hb_blob_destroy(head.blob);
    hb_blob_destroy(os2.blob);
    m->stem_v = stem_v_for_weight(weight);
    m->italic_angle = 0;
    /* Symbolic: the glyphs are addressed by CID, outside the standard Latin set. */
    m->flags = 4;
    if (f->family && strstr(f->family, "Serif"))
        m->flags |= 2;
}

/* Name id of the face in English (UTF-8, caller frees), or NULL. */
static char *face_name(hb_face_t *face, hb_ot_name_id_t id)
{
    hb_language_t en = hb_language_from_string("en", -1);
    unsigned len = hb_ot_name_get_utf8(face, id, en, NULL, NULL);
    char *s = len ? malloc(len + 1) : NULL;
    if (s) {
        unsigned cap = len + 1;
        hb_ot_name_get_utf8(face, id, en, &cap, s);
    }
    return s;
}

/* The typographic name (id) if the face has one, else the legacy one, else dflt:
 * FreeType's choice for family_name and style_name. */
static char *name_or(hb_face_t *face, hb_ot_name_id_t id, hb_ot_name_id_t legacy,
                     const char *dflt)
{
    char *s = face_name(face, id);
    if (!s)
        s = face_name(face, legacy);
    return s ? s : strdup(dflt);
}

/* The PostScript name (name id 6), "Unnamed" when missing or not a PostScript name
 * (printable ASCII without delimiters), as FreeType answered. */
static char *ps_name(hb_face_t *face)
{
    char *s = face_name(face, HB_OT_NAME_ID_POSTSCRIPT_NAME);
    for (const char *p = s; p && *p; p++)
        if (*p <= 32 || *p >= 127 || strchr("[](){}<>/%", *p)) {
            free(s);
            s = NULL;
            break;
        }
    return s ? s : strdup("Unnamed");
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
    f->blob = f->path ? hb_blob_create_from_file_or_fail(path) : NULL;
    if (!f->blob || index >= hb_face_count(f->blob)) {
        snprintf(err, errlen, "cannot open font file %s (face %u)", path, index);
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
    f->ps_name = ps_name(f->face);
    f->family = name_or(f->face, HB_OT_NAME_ID_TYPOGRAPHIC_FAMILY, HB_OT_NAME_ID_FONT_FAMILY,
                        "Unknown");
    f->style = name_or(f->face, HB_OT_NAME_ID_TYPOGRAPHIC_SUBFAMILY,
                       HB_OT_NAME_ID_FONT_SUBFAMILY, "Regular");
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
