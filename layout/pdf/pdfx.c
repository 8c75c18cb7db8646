/* pdfx — see pdfx.h.
 *
 * PDF/X-1a:2003 (ISO 15930-4) and PDF/X-4 (ISO 15930-7) as the print shop's
 * checklist (CLREQ.md PR-01…PR-12) needs them:
 *   - every colour in DeviceCMYK (gray becomes K), total ink ≤ 300 %;
 *   - K-only colours overprint through an ExtGState, all others knock out;
 *   - images decoded here and converted to CMYK with lcms2, alpha flattened on white;
 *   - OutputIntent (GTS_PDFX) with the output profile; Info keys; XMP for X-4;
 *   - a trailer /ID that is an MD5 of the content, so equal input gives equal bytes. */
#include "layout/pdf/pdfx.h"
#include "layout/base/fileio.h"
#include "layout/pdf/xmp.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <hpdf_doc.h>
#include <hpdf_encrypt.h>
#include <hpdf_objects.h>
#include <hpdf_pages.h>
#include <lcms2.h>

/* Crop marks: 0.25 pt lines, starting MARK_GAP outside the bleed, MARK_LEN long, with
 * MARK_PAD of paper beyond them. */
#define MARK_WIDTH 0.25
#define MARK_GAP 3.0f
#define MARK_LEN 14.173f /* 5 mm */
#define MARK_PAD 3.0f

/* Total area coverage limit (300 %), for 8-bit samples. */
#define INK_LIMIT 3.0f
#define INK_LIMIT8 765


#define DEFAULT_CONDITION "FOGRA39"
#define DEFAULT_CONDITION_INFO "Coated FOGRA39 (ISO 12647-2:2004)"

struct pdfx_state {
    HPDF_Doc pdf;
    const pdf_options *o;
    unsigned char *icc;       /* output intent profile to embed (NULL: registered name) */
    size_t icc_len;
    char icc_path[PATH_MAX];
    cmsHPROFILE conv;         /* CMYK profile for image conversion, opened on first use */
    HPDF_ExtGState gs[4];     /* index: fill overprint | stroke overprint << 1 */
    char gs_name[4][16];      /* their resource names on the current page */
    bool fill_op, stroke_op;  /* overprint last asked for, per kind */
    HPDF_MD5_CTX images;      /* MD5 of every image's converted samples, in load order */
    char err[512];            /* first failure of a hook that cannot return one */
};

/* ---- small helpers ---- */

static void set_err(pdfx_state *x, const char *msg)
{
    if (!x->err[0])
        snprintf(x->err, sizeof x->err, "%s", msg);
}

/* A number with at most 4 decimals and the space after it (the form pdf.c writes, so
 * streams stay byte-stable). */
static void num4(strbuf *b, double v)
{
    strbuf_num(b, v, 4);
    strbuf_chr(b, ' ');
}

static int read_file(const char *path, unsigned char **data, size_t *len, char *err,
                     size_t errlen)
{
    *data = fileio_read(path, (size_t)1 << 30, len);
    if (!*data) {
        snprintf(err, errlen, "cannot read %.300s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* ---- profile lookup ---- */

static int try_dir(const char *dir, const char *name, char *out, size_t outlen)
{
    if (!dir || !*dir)
        return -1;
    int w = snprintf(out, outlen, "%s/%s", dir, name);
    return w > 0 && (size_t)w < outlen && access(out, R_OK) == 0 ? 0 : -1;
}

int pdfx_find_profile(const char *name, char *out, size_t outlen, char *err, size_t errlen)
{
    if (strchr(name, '/')) {
        if (access(name, R_OK) != 0) {
            snprintf(err, errlen, "output profile %s: %s", name, strerror(errno));
            return -1;
        }
        snprintf(out, outlen, "%s", name);
        return 0;
    }
    /* Beside the program: ./jianbao at the top of the tree, test programs in
     * build/tests/; so styles/icc is looked for in its directory and two levels up. */
    char exe[PATH_MAX], d1[PATH_MAX + 32] = "", d2[PATH_MAX + 32] = "";
    ssize_t el = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (el > 0) {
        exe[el] = 0;
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = 0;
            snprintf(d1, sizeof d1, "%s/styles/icc", exe);
            snprintf(d2, sizeof d2, "%s/../../styles/icc", exe);
        }
    }
    const char *dirs[] = {
        getenv("JIANBAO_ICC_DIR"),
        d1,
        d2,
        "styles/icc",
        "/usr/share/texlive/texmf-dist/tex/generic/colorprofiles",
        "/usr/share/color/icc",
        "/usr/local/share/color/icc",
    };
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
        if (try_dir(dirs[i], name, out, outlen) == 0)
            return 0;
    snprintf(err, errlen,
             "output profile %s not found (looked in $JIANBAO_ICC_DIR, styles/icc beside the "
             "program and in the current directory, "
             "/usr/share/texlive/texmf-dist/tex/generic/colorprofiles, /usr/share/color/icc, "
             "/usr/local/share/color/icc); give its path in the style's [press] profile",
             name);
    return -1;
}

/* The profile must be a CMYK output profile: anything else would make the output
 * intent lie about the press. */
static int check_cmyk_profile(const unsigned char *icc, size_t len, const char *path, char *err,
                              size_t errlen)
{
    cmsHPROFILE p = len <= UINT32_MAX ? cmsOpenProfileFromMem(icc, (cmsUInt32Number)len) : NULL;
    if (!p) {
        snprintf(err, errlen, "output profile %s is not a valid ICC profile", path);
        return -1;
    }
    bool ok = cmsGetColorSpace(p) == cmsSigCmykData && cmsGetDeviceClass(p) == cmsSigOutputClass;
    cmsCloseProfile(p);
    if (!ok) {
        snprintf(err, errlen, "output profile %s is not a CMYK output (printer) profile", path);
        return -1;
    }
    return 0;
}

/* ---- state ---- */

static const char *condition(const pdf_options *o)
{
    return o->output_condition && *o->output_condition ? o->output_condition
                                                       : DEFAULT_CONDITION;
}

static int make_ext_gstates(pdfx_state *x, char *err, size_t errlen)
{
    for (int i = 0; i < 4; i++) {
        bool op = i & 1, OP = i & 2;
        HPDF_ExtGState g = HPDF_CreateExtGState(x->pdf);
        if (!g || HPDF_Dict_AddBoolean(g, "OP", OP) || HPDF_Dict_AddBoolean(g, "op", op) ||
            ((op || OP) && HPDF_Dict_AddNumber(g, "OPM", 1))) {
            snprintf(err, errlen, "libharu could not create the overprint graphics states");
            return -1;
        }
        x->gs[i] = g;
    }
    return 0;
}

pdfx_state *pdfx_state_new(HPDF_Doc pdf, const pdf_options *o, char *err, size_t errlen)
{
    if (o->standard != PDF_X1A && o->standard != PDF_X4) {
        snprintf(err, errlen, "unknown press standard %d", (int)o->standard);
        return NULL;
    }
    /* PDF/X requires CreationDate and ModDate; the wall clock would break
     * reproducible output, so the caller must give the date. */
    if (o->date < 0) {
        snprintf(err, errlen, "press output (PDF/X) needs a document date: give the issue's "
                              "date (pdf_options.date)");
        return NULL;
    }
    if (!(o->bleed >= 0 && o->bleed < 100)) {
        snprintf(err, errlen, "bleed %.3f pt is out of range (0 to 100 pt)", (double)o->bleed);
        return NULL;
    }
    pdfx_state *x = calloc(1, sizeof *x);
    if (!x) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    x->pdf = pdf;
    x->o = o;
    HPDF_MD5Init(&x->images);
    if (o->icc_path && *o->icc_path) {
        if (pdfx_find_profile(o->icc_path, x->icc_path, sizeof x->icc_path, err, errlen) ||
            read_file(x->icc_path, &x->icc, &x->icc_len, err, errlen) ||
            check_cmyk_profile(x->icc, x->icc_len, x->icc_path, err, errlen))
            goto fail;
    } else if (o->standard == PDF_X4) {
        /* X-4 (unlike X-1a) has no registered-name-only output intent. */
        snprintf(err, errlen, "PDF/X-4 needs an embedded output profile: set the style's "
                              "[press] profile");
        goto fail;
    }
    if (o->overprint_black && make_ext_gstates(x, err, errlen))
        goto fail;
    return x;
fail:
    pdfx_state_free(x);
    return NULL;
}

void pdfx_state_free(pdfx_state *x)
{
    if (!x)
        return;
    if (x->conv)
        cmsCloseProfile(x->conv);
    free(x->icc);
    free(x);
}

float pdfx_offset(const pdf_options *o)
{
    return o->bleed + (o->crop_marks ? MARK_GAP + MARK_LEN + MARK_PAD : 0);
}

/* ---- colour ---- */

typedef struct {
    float v[4];
} press_ink;

static float clamp01(float v) { return v > 0 ? (v < 1 ? v : 1) : 0; }

/* Gray g is K (1 - g); CMY are scaled down so that C+M+Y+K ≤ 300 %, keeping K (the
 * component that carries text and detail). */
static press_ink press_cmyk(dl_color c)
{
    press_ink r = { { 0, 0, 0, 0 } };
    if (c.model == DL_GRAY) {
        r.v[3] = 1 - clamp01(c.v[0]);
        return r;
    }
    for (int i = 0; i < 4; i++)
        r.v[i] = clamp01(c.v[i]);
    float cmy = r.v[0] + r.v[1] + r.v[2];
    if (cmy + r.v[3] > INK_LIMIT) {
        float s = (INK_LIMIT - r.v[3]) / cmy;
        for (int i = 0; i < 3; i++)
            r.v[i] = floorf(r.v[i] * s * 10000.0f) / 10000.0f;
    }
    return r;
}

static bool k_only(press_ink c) { return c.v[0] == 0 && c.v[1] == 0 && c.v[2] == 0 && c.v[3] > 0; }

void pdfx_page_prologue(pdfx_state *x, HPDF_Page page, strbuf *b)
{
    (void)b;
    /* The graphics state starts with overprint off on every page. */
    x->fill_op = x->stroke_op = false;
    if (!x->o->overprint_black)
        return;
    for (int i = 0; i < 4; i++) {
        const char *name = HPDF_Page_GetExtGStateName(page, x->gs[i]);
        if (!name || strlen(name) >= sizeof x->gs_name[i]) {
            set_err(x, "libharu could not register the overprint states on a page");
            return;
        }
        strcpy(x->gs_name[i], name);
    }
}

void pdfx_color(pdfx_state *x, dl_color c, int stroke, strbuf *b)
{
    press_ink v = press_cmyk(c);
    for (int i = 0; i < 4; i++)
        num4(b, v.v[i]);
    strbuf_str(b, stroke ? "K\n" : "k\n");
    if (!x->o->overprint_black)
        return;
    /* Each colour is followed by the state for both kinds, so that a Q restoring an
     * older colour never leaves a stale overprint setting for the next painting in
     * the same q…Q (pdf.c sets every colour it paints with inside that q…Q). */
    if (stroke)
        x->stroke_op = k_only(v);
    else
        x->fill_op = k_only(v);
    strbuf_printf(b, "/%s gs\n", x->gs_name[x->fill_op | x->stroke_op << 1]);
}

/* ---- crop marks ---- */

static void mark_line(strbuf *b, double x0, double y0, double x1, double y1)
{
    num4(b, x0);
    num4(b, y0);
    strbuf_str(b, "m\n");
    num4(b, x1);
    num4(b, y1);
    strbuf_str(b, "l\n");
}

/* Two lines per corner, on the extensions of the trim edges, outside the bleed,
 * in registration colour (100 % of all four inks, so every plate shows them). */
static int crop_marks(pdfx_state *x, HPDF_Page page, float w, float h, bool tagged)
{
    float off = pdfx_offset(x->o);
    double start = x->o->bleed + MARK_GAP, end = start + MARK_LEN;
    double tx[2] = { off, off + w }, ty[2] = { off, off + h };
    strbuf b = { 0 };
    /* Production aids, not the document: a Page artifact in tagged output. */
    if (tagged)
        strbuf_str(&b, "/Artifact <</Type /Page>> BDC\n");
    strbuf_str(&b, "q\n");
    num4(&b, MARK_WIDTH);
    strbuf_str(&b, "w\n0 J\n1 1 1 1 K\n");
    if (x->o->overprint_black)
        strbuf_printf(&b, "/%s gs\n", x->gs_name[0]);
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
            double sx = i ? 1 : -1, sy = j ? 1 : -1;
            mark_line(&b, tx[i] + sx * start, ty[j], tx[i] + sx * end, ty[j]);
            mark_line(&b, tx[i], ty[j] + sy * start, tx[i], ty[j] + sy * end);
        }
    strbuf_str(&b, tagged ? "S\nQ\nEMC\n" : "S\nQ\n");
    HPDF_PageAttr attr = (HPDF_PageAttr)page->attr;
    int rc = 0;
    if (x->err[0] || b.oom || HPDF_Stream_Write(attr->stream, (const HPDF_BYTE *)b.p, (HPDF_UINT)b.n))
        rc = -1;
    strbuf_free(&b);
    return rc;
}

int pdfx_page_epilogue(pdfx_state *x, HPDF_Page page, int index, float trim_w, float trim_h,
                       bool tagged, char *err, size_t errlen)
{
    if (!x->err[0] && x->o->crop_marks && crop_marks(x, page, trim_w, trim_h, tagged) &&
        !x->err[0])
        set_err(x, "libharu could not write the crop marks");
    if (x->err[0]) {
        snprintf(err, errlen, "page %d: %s", index + 1, x->err);
        return -1;
    }
    return 0;
}

/* ---- identification ---- */

static void md5_bytes(HPDF_MD5_CTX *m, const void *p, size_t n)
{
    const HPDF_BYTE *b = p;
    while (n > 0) {
        HPDF_UINT32 k = n > 0x40000000u ? 0x40000000u : (HPDF_UINT32)n;
        HPDF_MD5Update(m, b, k);
        b += k;
        n -= k;
    }
}

/* Strings go in with their terminating NUL, so that field boundaries count. */
static void md5_str(HPDF_MD5_CTX *m, const char *s)
{
    if (!s)
        s = "";
    md5_bytes(m, s, strlen(s) + 1);
}

static void md5_num(HPDF_MD5_CTX *m, double v)
{
    char t[48];
    snprintf(t, sizeof t, "%.3f", v);
    md5_str(m, t);
}

static void md5_color(HPDF_MD5_CTX *m, dl_color c)
{
    md5_num(m, c.model);
    for (int i = 0; i < 4; i++)
        md5_num(m, c.v[i]);
}

static void md5_item(HPDF_MD5_CTX *m, const dl_item *it)
{
    md5_num(m, it->kind);
    md5_color(m, it->color);
    switch (it->kind) {
    case DL_TEXT:
        md5_num(m, it->u.text.font);
        md5_num(m, it->u.text.size);
        md5_num(m, it->u.text.x);
        md5_num(m, it->u.text.y);
        md5_str(m, it->u.text.text);
        for (uint32_t k = 0; k < it->u.text.ng; k++) {
            md5_num(m, it->u.text.g[k].gid);
            md5_num(m, it->u.text.g[k].x);
            md5_num(m, it->u.text.g[k].y);
        }
        break;
    case DL_RULE:
        md5_num(m, it->u.rule.x0);
        md5_num(m, it->u.rule.y0);
        md5_num(m, it->u.rule.x1);
        md5_num(m, it->u.rule.y1);
        md5_num(m, it->u.rule.width);
        break;
    case DL_RECT:
        md5_num(m, it->u.rect.x);
        md5_num(m, it->u.rect.y);
        md5_num(m, it->u.rect.w);
        md5_num(m, it->u.rect.h);
        md5_num(m, it->u.rect.stroke_width);
        md5_color(m, it->u.rect.stroke);
        break;
    case DL_PATH:
        md5_num(m, it->u.path.fill);
        md5_num(m, it->u.path.stroke);
        md5_num(m, it->u.path.width);
        md5_color(m, it->u.path.stroke_color);
        for (uint32_t k = 0; k < it->u.path.n; k++) {
            md5_num(m, it->u.path.el[k].op);
            for (int j = 0; j < 6; j++)
                md5_num(m, it->u.path.el[k].p[j]);
        }
        break;
    case DL_IMAGE:
        md5_num(m, it->u.image.image);
        md5_num(m, it->u.image.x);
        md5_num(m, it->u.image.y);
        md5_num(m, it->u.image.w);
        md5_num(m, it->u.image.h);
        break;
    case DL_LINK:
        md5_num(m, it->u.link.x);
        md5_num(m, it->u.link.y);
        md5_num(m, it->u.link.w);
        md5_num(m, it->u.link.h);
        md5_num(m, it->u.link.page);
        md5_num(m, it->u.link.dest_y);
        break;
    }
}

/* The document's identity: its content (text, geometry, colours, image samples),
 * metadata and press options. Same input, same digest; any visible change, a new one. */
static void content_digest(pdfx_state *x, const dl_doc *d, HPDF_BYTE out[16])
{
    HPDF_MD5_CTX m;
    HPDF_MD5Init(&m);
    md5_str(&m, "jianbao-pdfx-1");
    md5_num(&m, x->o->standard);
    md5_num(&m, x->o->bleed);
    md5_num(&m, x->o->crop_marks);
    md5_num(&m, (double)x->o->date);
    md5_num(&m, x->o->overprint_black);
    md5_str(&m, condition(x->o));
    md5_str(&m, x->o->output_condition_info);
    md5_bytes(&m, x->icc, x->icc_len);
    md5_num(&m, d->width);
    md5_num(&m, d->height);
    md5_str(&m, d->title);
    md5_str(&m, d->subject);
    md5_str(&m, d->author);
    md5_str(&m, d->keywords);
    md5_str(&m, d->creator);
    md5_str(&m, d->lang);
    for (int p = 0; p < d->npages; p++) {
        md5_str(&m, d->pages[p].label);
        md5_num(&m, d->pages[p].n);
        for (uint32_t i = 0; i < d->pages[p].n; i++)
            md5_item(&m, &d->pages[p].items[i]);
    }
    for (int i = 0; i < d->noutline; i++) {
        md5_str(&m, d->outline[i].title);
        md5_num(&m, d->outline[i].level);
        md5_num(&m, d->outline[i].page);
        md5_num(&m, d->outline[i].y);
    }
    HPDF_MD5_CTX im = x->images; /* a copy: Final destroys its context */
    HPDF_BYTE idig[16];
    HPDF_MD5Final(idig, &im);
    md5_bytes(&m, idig, sizeof idig);
    HPDF_MD5Final(out, &m);
}

static void uuid_from(const HPDF_BYTE h[16], const char *salt, char out[48])
{
    HPDF_MD5_CTX m;
    HPDF_BYTE u[16];
    HPDF_MD5Init(&m);
    md5_bytes(&m, h, 16);
    md5_str(&m, salt);
    HPDF_MD5Final(u, &m);
    u[6] = (HPDF_BYTE)((u[6] & 0x0F) | 0x30); /* version 3: name-based, MD5 */
    u[8] = (HPDF_BYTE)((u[8] & 0x3F) | 0x80);
    snprintf(out, 48,
             "uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0],
             u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13],
             u[14], u[15]);
}

static int info_ascii(pdfx_state *x, const char *key, const char *v)
{
    HPDF_String s = HPDF_String_New(x->pdf->mmgr, v, NULL);
    return s && HPDF_Dict_Add(x->pdf->info, key, s) == HPDF_OK ? 0 : -1;
}

static int identification(pdfx_state *x, char *err, size_t errlen)
{
    bool x4 = x->o->standard == PDF_X4;
    /* ISO 15930-4: the version key names PDF/X-1, the conformance key the 'a' level. */
    if (!x->pdf->info || info_ascii(x, "GTS_PDFXVersion", x4 ? "PDF/X-4" : "PDF/X-1:2003") ||
        (!x4 && info_ascii(x, "GTS_PDFXConformance", "PDF/X-1a:2003")) ||
        HPDF_Dict_AddName(x->pdf->info, "Trapped", "False")) {
        snprintf(err, errlen, "libharu could not write the PDF/X identification");
        return -1;
    }
    return 0;
}

static int trailer_id(pdfx_state *x, const HPDF_BYTE digest[16], char *err, size_t errlen)
{
    HPDF_MMgr mm = x->pdf->mmgr;
    HPDF_Array id = HPDF_Array_New(mm);
    HPDF_Binary a = HPDF_Binary_New(mm, (HPDF_BYTE *)digest, 16);
    HPDF_Binary b = HPDF_Binary_New(mm, (HPDF_BYTE *)digest, 16);
    if (!id || !a || !b || HPDF_Array_Add(id, a) || HPDF_Array_Add(id, b) ||
        HPDF_Dict_Add(x->pdf->trailer, "ID", id)) {
        snprintf(err, errlen, "libharu could not write the trailer ID");
        return -1;
    }
    return 0;
}

static int output_intent(pdfx_state *x, char *err, size_t errlen)
{
    HPDF_MMgr mm = x->pdf->mmgr;
    const pdf_options *o = x->o;
    const char *info = o->output_condition_info && *o->output_condition_info
                           ? o->output_condition_info
                       : strcmp(condition(o), DEFAULT_CONDITION) == 0 ? DEFAULT_CONDITION_INFO
                                                                        : condition(o);
    HPDF_Array arr = HPDF_Array_New(mm);
    HPDF_Dict oi = HPDF_Dict_New(mm);
    HPDF_String cond = HPDF_String_New(mm, condition(o), NULL);
    HPDF_String inf = HPDF_String_New(mm, info, NULL);
    HPDF_String reg = HPDF_String_New(mm, "http://www.color.org", NULL);
    if (!arr || !oi || !cond || !inf || !reg || HPDF_Xref_Add(x->pdf->xref, oi) ||
        HPDF_Dict_AddName(oi, "Type", "OutputIntent") || HPDF_Dict_AddName(oi, "S", "GTS_PDFX") ||
        HPDF_Dict_Add(oi, "OutputConditionIdentifier", cond) || HPDF_Dict_Add(oi, "Info", inf) ||
        HPDF_Dict_Add(oi, "RegistryName", reg) || HPDF_Array_Add(arr, oi) ||
        HPDF_Dict_Add(x->pdf->catalog, "OutputIntents", arr))
        goto fail;
    if (x->icc) {
        HPDF_Dict s = HPDF_DictStream_New(mm, x->pdf->xref);
        if (!s || HPDF_Dict_AddNumber(s, "N", 4) ||
            HPDF_Dict_AddName(s, "Alternate", "DeviceCMYK"))
            goto fail;
        s->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
        if (HPDF_Stream_Write(s->stream, x->icc, (HPDF_UINT)x->icc_len) ||
            HPDF_Dict_Add(oi, "DestOutputProfile", s))
            goto fail;
    }
    return 0;
fail:
    snprintf(err, errlen, "libharu could not write the output intent (%s)",
             x->icc ? x->icc_path : condition(o));
    return -1;
}

/* PDF/X-4 identification lives in XMP; the values repeat Info's exactly. */
static int xmp_metadata(pdfx_state *x, const dl_doc *d, const HPDF_BYTE digest[16], bool ua,
                        char *err, size_t errlen)
{
    char doc_id[48], inst_id[48];
    uuid_from(digest, "document", doc_id);
    uuid_from(digest, "instance", inst_id);
    xmp_fields f = { d->title, d->author, d->subject, d->keywords, d->creator, d->lang,
                     x->o->date, ua, "PDF/X-4", doc_id, inst_id };
    return xmp_write(x->pdf, &f, err, errlen);
}

int pdfx_finish(pdfx_state *x, const dl_doc *d, bool ua, char *err, size_t errlen)
{
    if (x->err[0]) {
        snprintf(err, errlen, "%s", x->err);
        return -1;
    }
    if (!d->title || !*d->title) {
        snprintf(err, errlen, "PDF/X needs a document title (Info /Title): give the issue a "
                              "title");
        return -1;
    }
    HPDF_BYTE digest[16];
    content_digest(x, d, digest);
    if (identification(x, err, errlen) || trailer_id(x, digest, err, errlen) ||
        output_intent(x, err, errlen))
        return -1;
    if (x->o->standard == PDF_X4 && xmp_metadata(x, d, digest, ua, err, errlen))
        return -1;
    return 0;
}

/* ---- images ---- */

/* Composites the alpha plane onto white, in place: PDF/X-1a has no soft masks, and
 * paper is white. */
static void flatten_alpha(image_raster *r)
{
    size_t npx = (size_t)r->w * r->h;
    for (size_t i = 0; i < npx; i++) {
        unsigned a = r->alpha[i];
        unsigned char *o = r->px + i * (size_t)r->nc;
        for (int k = 0; k < r->nc; k++)
            o[k] = (unsigned char)((o[k] * a + 255 * (255 - a) + 127) / 255);
    }
    free(r->alpha);
    r->alpha = NULL;
}

/* The CMYK profile images are converted to: the output intent's, or — when the
 * intent names a registered condition only — the default FOGRA39 profile. */
static cmsHPROFILE conversion_profile(pdfx_state *x, const char *img, char *err, size_t errlen)
{
    if (x->conv)
        return x->conv;
    if (x->icc) {
        x->conv = cmsOpenProfileFromMem(x->icc, (cmsUInt32Number)x->icc_len);
    } else {
        char path[PATH_MAX], e2[400];
        unsigned char *data = NULL;
        size_t len = 0;
        if (pdfx_find_profile(PDFX_DEFAULT_PROFILE, path, sizeof path, e2, sizeof e2) ||
            read_file(path, &data, &len, e2, sizeof e2) ||
            check_cmyk_profile(data, len, path, e2, sizeof e2)) {
            free(data);
            snprintf(err, errlen, "cannot convert image %s to CMYK: %s", img, e2);
            return NULL;
        }
        x->conv = cmsOpenProfileFromMem(data, (cmsUInt32Number)len);
        free(data);
    }
    if (!x->conv)
        snprintf(err, errlen, "cannot convert image %s to CMYK: lcms2 cannot open the output "
                              "profile", img);
    return x->conv;
}

/* RGB → CMYK with lcms2: the image's own profile when it has an RGB one, else sRGB;
 * relative colorimetric with black point compensation (the usual prepress choice for
 * photographs and charts alike). */
static int rgb_to_cmyk(pdfx_state *x, image_raster *r, const char *path, char *err, size_t errlen)
{
    cmsHPROFILE out = conversion_profile(x, path, err, errlen);
    if (!out)
        return -1;
    cmsHPROFILE in = NULL;
    if (r->icc && r->icc_len <= UINT32_MAX) {
        in = cmsOpenProfileFromMem(r->icc, (cmsUInt32Number)r->icc_len);
        if (in && cmsGetColorSpace(in) != cmsSigRgbData) {
            cmsCloseProfile(in);
            in = NULL;
        }
    }
    if (!in)
        in = cmsCreate_sRGBProfile();
    cmsHTRANSFORM t = in ? cmsCreateTransform(in, TYPE_RGB_8, out, TYPE_CMYK_8,
                                              INTENT_RELATIVE_COLORIMETRIC,
                                              cmsFLAGS_BLACKPOINTCOMPENSATION)
                         : NULL;
    if (in)
        cmsCloseProfile(in);
    unsigned char *cmyk = t ? malloc((size_t)r->w * r->h * 4) : NULL;
    if (!cmyk) {
        if (t)
            cmsDeleteTransform(t);
        snprintf(err, errlen, "cannot convert image %s to CMYK: %s", path,
                 t ? "out of memory" : "lcms2 cannot build the transform");
        return -1;
    }
    for (unsigned y = 0; y < r->h; y++)
        cmsDoTransform(t, r->px + (size_t)y * r->w * 3, cmyk + (size_t)y * r->w * 4, r->w);
    cmsDeleteTransform(t);
    free(r->px);
    r->px = cmyk;
    r->nc = 4;
    return 0;
}

/* Total ink ≤ 300 % per pixel: CMY scaled down, K kept. */
static void ink_limit(image_raster *r)
{
    size_t npx = (size_t)r->w * r->h;
    for (size_t i = 0; i < npx; i++) {
        unsigned char *p = r->px + 4 * i;
        unsigned cmy = p[0] + p[1] + p[2];
        if (cmy + p[3] <= INK_LIMIT8)
            continue;
        unsigned room = INK_LIMIT8 - p[3];
        for (int k = 0; k < 3; k++)
            p[k] = (unsigned char)(p[k] * room / cmy);
    }
}

HPDF_Image pdfx_load_image(pdfx_state *x, HPDF_Doc pdf, const image_file *f, const char *path,
                           char *err, size_t errlen)
{
    err[0] = 0;
    image_raster r;
    char why[300];
    if (image_decode(f, &r, why, sizeof why)) {
        snprintf(err, errlen, "image %s %s", path, why);
        return NULL;
    }
    if (r.alpha)
        flatten_alpha(&r);
    int rc = r.nc == 3 ? rgb_to_cmyk(x, &r, path, err, errlen) : 0;
    if (rc) {
        image_raster_free(&r);
        return NULL;
    }
    if (r.nc == 4)
        ink_limit(&r);
    md5_bytes(&x->images, r.px, (size_t)r.w * r.h * (size_t)r.nc);
    HPDF_Image img = HPDF_LoadRawImageFromMem(pdf, r.px, r.w, r.h,
                                              r.nc == 4 ? HPDF_CS_DEVICE_CMYK
                                                        : HPDF_CS_DEVICE_GRAY,
                                              8);
    if (!img)
        snprintf(err, errlen, "libharu could not store image %s", path);
    image_raster_free(&r);
    return img;
}
