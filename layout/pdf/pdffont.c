/* pdffont — see pdffont.h. */
#include "layout/pdf/pdffont.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hb-subset.h>
#include <hpdf_doc.h>
#include <hpdf_objects.h>

#include "layout/base/utf8.h"
#include "layout/base/vec.h"

typedef struct {
    int32_t *slot;            /* per glyph id: index into text_at, -1 when unused */
    unsigned nglyphs;
    uint32_t *used;           /* used glyph ids, in first-use order */
    size_t nused, capused;
    char *text;               /* arena of UTF-8 texts */
    size_t ntext, captext;
    size_t captext_at;
    uint32_t *text_at;        /* per used glyph: offset, length pairs into text */
    HPDF_Dict dict;
    size_t program_size;
} font_use;

struct pdffont_set {
    font_lib *lib;
    font_use *fonts;
    int nfonts;
};

pdffont_set *pdffont_set_new(font_lib *lib)
{
    pdffont_set *s = calloc(1, sizeof *s);
    if (s)
        s->lib = lib;
    return s;
}

void pdffont_set_free(pdffont_set *s)
{
    if (!s)
        return;
    for (int i = 0; i < s->nfonts; i++) {
        free(s->fonts[i].slot);
        free(s->fonts[i].used);
        free(s->fonts[i].text);
        free(s->fonts[i].text_at);
    }
    free(s->fonts);
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
        u->nglyphs = hb_face_get_glyph_count(font_hb_face(font_lib_at(s->lib, id)));
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
            !vec_reserve((void **)&u->text_at, &u->captext_at, 2 * (u->nused + 1),
                         sizeof *u->text_at))
            return -1;
        u->slot[gid] = (int32_t)u->nused;
        u->used[u->nused] = gid;
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

double pdffont_width(const pdffont_set *s, int fid, uint32_t gid)
{
    const font *f = font_lib_at(s->lib, fid);
    return f ? font_advance(f, gid) * 1000.0 / font_upem(f) : 0;
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
static HPDF_Array widths_array(emitter *e, const font *f, const uint32_t *sorted, size_t n,
                               int *dw)
{
    HPDF_Array w = HPDF_Array_New(e->mm);
    if (!w)
        return NULL;
    double scale = 1000.0 / font_upem(f);
    /* The default width is the commonest one: for CJK fonts, 1 em. */
    int best = 1000, bestn = 0;
    for (size_t i = 0; i < n; i++) {
        int wi = (int)(font_advance(f, sorted[i]) * scale + 0.5), c = 0;
        for (size_t k = 0; k < n && k < 64; k++)
            c += (int)(font_advance(f, sorted[k]) * scale + 0.5) == wi;
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
        for (size_t k = i; k <= j; k++)
            if (HPDF_Array_AddReal(run, (HPDF_REAL)(font_advance(f, sorted[k]) * scale)) !=
                HPDF_OK)
                return NULL;
        i = j + 1;
    }
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

typedef struct {
    hb_blob_t *program;       /* the bytes to embed */
    HPDF_Dict cid_to_gid;     /* TrueType only */
} subset_result;

static int make_subset(emitter *e, const font *f, const uint32_t *sorted, size_t n,
                       subset_result *out)
{
    hb_subset_input_t *in = hb_subset_input_create_or_fail();
    if (!in) {
        snprintf(e->err, e->errlen, "out of memory subsetting %s", font_ps_name(f));
        return -1;
    }
    hb_set_t *gs = hb_subset_input_glyph_set(in);
    hb_set_add(gs, 0);
    for (size_t i = 0; i < n; i++)
        hb_set_add(gs, sorted[i]);
    hb_set_clear(hb_subset_input_unicode_set(in));
    hb_set_t *drop = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
    static const char *const tables[] = { "GSUB", "GPOS", "GDEF", "BASE", "vhea", "vmtx",
                                          "VORG", "DSIG", "JSTF", "MATH", "kern", "morx" };
    for (size_t i = 0; i < sizeof tables / sizeof *tables; i++)
        hb_set_add(drop, hb_tag_from_string(tables[i], 4));
    /* Only the CFF table of a CFF font is embedded: the subsetter need not rebuild the
     * rest (cmap, metrics, names). */
    static const char *const sfnt_only[] = { "cmap", "hmtx", "hhea", "OS/2", "name", "post" };
    if (font_is_cff(f))
        for (size_t i = 0; i < sizeof sfnt_only / sizeof *sfnt_only; i++)
            hb_set_add(drop, hb_tag_from_string(sfnt_only[i], 4));
    hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_NOTDEF_OUTLINE);
    hb_subset_plan_t *plan = hb_subset_plan_create_or_fail(font_hb_face(f), in);
    hb_face_t *sub = plan ? hb_subset_plan_execute_or_fail(plan) : NULL;
    int rc = -1;
    if (!sub) {
        snprintf(e->err, e->errlen, "HarfBuzz could not subset font %s", font_ps_name(f));
        goto done;
    }
    if (font_is_cff(f)) {
        out->program = hb_face_reference_table(sub, HB_TAG('C', 'F', 'F', ' '));
    } else {
        out->program = hb_face_reference_blob(sub);
        /* CIDToGIDMap: 2 bytes per CID (= original glyph id) up to the largest used. */
        const hb_map_t *map = hb_subset_plan_old_to_new_glyph_mapping(plan);
        uint32_t maxgid = n ? sorted[n - 1] : 0;
        size_t len = 2 * ((size_t)maxgid + 1);
        unsigned char *cg = calloc(1, len);
        if (!cg)
            goto done;
        for (size_t i = 0; i < n; i++) {
            hb_codepoint_t ng = hb_map_get(map, sorted[i]);
            if (ng == HB_MAP_VALUE_INVALID)
                ng = 0;
            cg[2 * sorted[i]] = (unsigned char)(ng >> 8);
            cg[2 * sorted[i] + 1] = (unsigned char)(ng & 0xFF);
        }
        out->cid_to_gid = new_stream(e, cg, len);
        free(cg);
        if (!out->cid_to_gid)
            goto done;
    }
    if (hb_blob_get_length(out->program) == 0) {
        snprintf(e->err, e->errlen, "empty subset for font %s", font_ps_name(f));
        goto done;
    }
    rc = 0;
done:
    if (sub)
        hb_face_destroy(sub);
    if (plan)
        hb_subset_plan_destroy(plan);
    hb_subset_input_destroy(in);
    return rc;
}

static int emit_font(emitter *e, const font *f, font_use *u)
{
    uint32_t *sorted = malloc((u->nused ? u->nused : 1) * sizeof *sorted);
    if (!sorted)
        return -1;
    memcpy(sorted, u->used, u->nused * sizeof *sorted);
    qsort(sorted, u->nused, sizeof *sorted, cmp_u32);

    subset_result sr = { 0 };
    int rc = -1;
    if (make_subset(e, f, sorted, u->nused, &sr))
        goto done;
    char tag[7], name[160];
    subset_tag(sorted, u->nused, font_ps_name(f), tag);
    snprintf(name, sizeof name, "%s+%s", tag, font_ps_name(f));

    unsigned len = 0;
    const char *bytes = hb_blob_get_data(sr.program, &len);
    u->program_size = len;
    HPDF_Dict file = new_stream(e, bytes, len);
    HPDF_Dict fd = new_dict(e);
    HPDF_Dict cid = new_dict(e);
    HPDF_Dict t0 = new_dict(e);
    HPDF_Dict tu = tounicode_stream(e, u, sorted, u->nused);
    HPDF_Dict si = HPDF_Dict_New(e->mm);
    HPDF_Array desc = HPDF_Array_New(e->mm);
    HPDF_Array bbox = scaled_box(e, f);
    int dw = 1000;
    HPDF_Array w = widths_array(e, f, sorted, u->nused, &dw);
    if (!file || !fd || !cid || !t0 || !tu || !si || !desc || !bbox || !w) {
        snprintf(e->err, e->errlen, "cannot build PDF objects for font %s", font_ps_name(f));
        goto done;
    }
    const font_metrics *m = font_get_metrics(f);
    double s = 1000.0 / font_upem(f);
    HPDF_STATUS st = HPDF_OK;
    if (font_is_cff(f)) {
        st |= HPDF_Dict_AddName(file, "Subtype", "CIDFontType0C");
        st |= HPDF_Dict_Add(fd, "FontFile3", file);
    } else {
        st |= HPDF_Dict_AddNumber(file, "Length1", (HPDF_INT32)len);
        st |= HPDF_Dict_Add(fd, "FontFile2", file);
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
    if (sr.cid_to_gid)
        st |= HPDF_Dict_Add(cid, "CIDToGIDMap", sr.cid_to_gid);

    st |= HPDF_Dict_AddName(t0, "Type", "Font");
    st |= HPDF_Dict_AddName(t0, "Subtype", "Type0");
    st |= HPDF_Dict_AddName(t0, "BaseFont", name);
    st |= HPDF_Dict_AddName(t0, "Encoding", "Identity-H");
    st |= HPDF_Array_Add(desc, cid);
    st |= HPDF_Dict_Add(t0, "DescendantFonts", desc);
    st |= HPDF_Dict_Add(t0, "ToUnicode", tu);
    if (st != HPDF_OK) {
        snprintf(e->err, e->errlen, "libharu failed building font %s", font_ps_name(f));
        goto done;
    }
    u->dict = t0;
    rc = 0;
done:
    if (sr.program)
        hb_blob_destroy(sr.program);
    free(sorted);
    return rc;
}

int pdffont_emit(pdffont_set *s, HPDF_Doc pdf, char *err, size_t errlen)
{
    emitter e = { pdf, pdf->mmgr, pdf->xref, err, errlen };
    /* What shaping read of the font files is not needed to subset them one by one. */
    for (int i = 0; i < font_lib_count(s->lib); i++)
        font_drop_resident(font_lib_at(s->lib, i));
    for (int i = 0; i < s->nfonts; i++) {
        if (!s->fonts[i].nused)
            continue;
        if (emit_font(&e, font_lib_at(s->lib, i), &s->fonts[i]))
            return -1;
        /* Subsetting read much of the file; only the used glyphs' widths are needed
         * from here on. */
        font_drop_resident(font_lib_at(s->lib, i));
    }
    return 0;
}
