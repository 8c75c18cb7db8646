/* pdftag — see pdftag.h.
 *
 * The dl_elem tree is mirrored here (same indices) and grows by the elements only the
 * writer sees: a Link for each linked text run, a Code for inline code. An element's
 * kids are written in reading order: its own content as it was drawn (marked content,
 * annotations, Link and Code runs), then its child elements (the cover and contents
 * before the body, then source order). Only elements with content under them, and the
 * cells of tables that have some, are written: empty branches cost nothing. */
#include "layout/pdf/pdftag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hpdf_doc.h>
#include <hpdf_list.h>
#include <hpdf_objects.h>
#include <hpdf_streams.h>

#include "layout/base/utf8.h"
#include "layout/base/vec.h"
#include "layout/pdf/flate_int.h"

/* Keys of artifacts (pdftag_key). */
enum { KEY_LAYOUT = -1, KEY_PAGINATION = -2, KEY_TOP = -3, KEY_BOTTOM = -4 };

/* A contents entry's Link without an annotation (press output) is written as a Span. */
#define SPAN DL_S_NONE
/* A writer-made grouping element (group_kids), after every dl_stype. */
#define NONSTRUCT 0xFF

/* Child elements one element lists directly; more are grouped under NonStruct
 * elements, which readers take as if they were not there (ISO 32000-1, 14.8.4.2).
 * libharu refuses an array past 32,767 values (HPDF_LIMIT_MAX_ARRAY), and PDF 1.x
 * readers were held to 8,191 (the PDF Reference's Appendix C); 40,000 paragraphs in
 * one section, a table of 100,000 rows or a quotation of 100,000 paragraphs failed
 * with "libharu could not write the structure tree". */
#define PDFTAG_MAX_KIDS 8191

typedef enum { KID_ELEM, KID_MCR, KID_OBJR } kid_kind;

typedef struct {
    uint8_t kind;             /* kid_kind */
    int page;                 /* MCR, OBJR: page index */
    int v;                    /* element index, MCID, or annotation index */
} kid;

typedef struct {
    uint8_t type, level;      /* dl_stype (SPAN for a Span), heading level */
    int parent;               /* -1: the StructTreeRoot */
    int dl;                   /* the dl_elem it mirrors, or -1 (a Link or Code run) */
    uint16_t uri;             /* a text run's link target (dl_item.u.text.link) */
    bool keep;                /* written: content below it, or a part of a kept table */
    kid *kids;
    int nkids;
    size_t capkids;
    HPDF_Dict dict;
    strbuf text;              /* Link: its text, its annotations' Contents */
} welem;

typedef struct {
    int *elem;                /* the element of each MCID */
    int n;
    size_t cap;
    bool annots;
} wpage;

typedef struct {
    HPDF_Annotation a;
    int elem, page;
} wannot;

/* Elements per object stream (at most 256: the index is one byte in the hidden
 * cross-reference stream); readers parse a whole stream to reach one object. */
#define PACK_PER_STREAM 200

struct pdftag {
    const dl_doc *d;
    HPDF_Doc pdf;             /* from pdftag_finish on */
    bool pack;                /* elements go into object streams (pdftag_pack) */
    HPDF_Dict root;           /* the StructTreeRoot (packed too: its ParentTree is big) */
    HPDF_Dict xrefstm;        /* the hidden cross-reference stream listing them */
    HPDF_UINT first;          /* the first element's object number */
    int npacked;
    bool links;
    welem *el;
    int nel;
    size_t capel;
    wpage *pages;
    int npages;
    wannot *annots;
    int nannots;
    size_t capannots;
    bool oom;
    bool ua;
};

static const char *const type_names[] = {
    [SPAN] = "Span",           [DL_S_DOCUMENT] = "Document", [DL_S_SECT] = "Sect",
    [DL_S_ART] = "Art",        [DL_S_BLOCKQUOTE] = "BlockQuote", [DL_S_H] = "H",
    [DL_S_P] = "P",            [DL_S_L] = "L",               [DL_S_LI] = "LI",
    [DL_S_LBL] = "Lbl",        [DL_S_LBODY] = "LBody",       [DL_S_TABLE] = "Table",
    [DL_S_THEAD] = "THead",    [DL_S_TBODY] = "TBody",       [DL_S_TR] = "TR",
    [DL_S_TH] = "TH",          [DL_S_TD] = "TD",             [DL_S_CAPTION] = "Caption",
    [DL_S_FIGURE] = "Figure",  [DL_S_TOC] = "TOC",           [DL_S_TOCI] = "TOCI",
    [DL_S_LINK] = "Link",      [DL_S_CODE] = "Code",
};

/* The structure type: "H1"…"H6" for headings. */
static void type_name(const welem *e, char out[16])
{
    if (e->type == DL_S_H)
        snprintf(out, 16, "H%d", e->level >= 1 && e->level <= 6 ? e->level : 1);
    else if (e->type == NONSTRUCT)
        snprintf(out, 16, "NonStruct");
    else
        snprintf(out, 16, "%s", e->type < sizeof type_names / sizeof *type_names &&
                                        type_names[e->type] ? type_names[e->type] : "Span");
}

HPDF_Binary pdftag_string(HPDF_MMgr mm, const char *s)
{
    size_t len = strlen(s), i = 0, n = 2;
    unsigned char *b = malloc(2 + 4 * len);
    if (!b)
        return NULL;
    b[0] = 0xFE, b[1] = 0xFF;
    while (i < len) {
        uint32_t cp = utf8_next(s, len, &i);
        if (cp >= 0x10000) {
            cp -= 0x10000;
            uint16_t hi = (uint16_t)(0xD800 + (cp >> 10)), lo = (uint16_t)(0xDC00 + (cp & 0x3FF));
            b[n++] = (unsigned char)(hi >> 8), b[n++] = (unsigned char)hi;
            b[n++] = (unsigned char)(lo >> 8), b[n++] = (unsigned char)lo;
        } else {
            b[n++] = (unsigned char)(cp >> 8), b[n++] = (unsigned char)cp;
        }
    }
    HPDF_Binary bin = HPDF_Binary_New(mm, b, (HPDF_UINT)n);
    free(b);
    return bin;
}

/* ---- building ---- */

static void add_kid(pdftag *t, int e, kid_kind kind, int page, int v)
{
    welem *w = &t->el[e];
    if (!VEC_PUSH_ROOM(w->kids, w->capkids, w->nkids)) {
        t->oom = true;
        return;
    }
    w->kids[w->nkids++] = (kid){ (uint8_t)kind, page, v };
}

/* A writer-made element (Link, Code) as the last kid of parent; -1 when out of memory. */
static int new_elem(pdftag *t, uint8_t type, int parent, uint16_t uri)
{
    if (!VEC_PUSH_ROOM(t->el, t->capel, t->nel)) {
        t->oom = true;
        return -1;
    }
    welem *w = &t->el[t->nel];
    memset(w, 0, sizeof *w);
    w->type = type;
    w->parent = parent;
    w->dl = -1;
    w->uri = uri;
    add_kid(t, parent, KID_ELEM, 0, t->nel);
    return t->nel++;
}

/* The element of a Link or Code run inside e: the one just made for the run before when
 * nothing came between, else a new one. */
static int run_elem(pdftag *t, int e, uint8_t type, uint16_t uri)
{
    const welem *p = &t->el[e];
    const kid *k = p->nkids > 0 ? &p->kids[p->nkids - 1] : NULL;
    if (k && k->kind == KID_ELEM && t->el[k->v].dl < 0 && t->el[k->v].type == type &&
        t->el[k->v].uri == uri)
        return k->v;
    int n = new_elem(t, type, e, uri);
    return n < 0 ? e : n;
}

typedef struct {
    int order, id;
} rank;

static int cmp_rank(const void *a, const void *b)
{
    const rank *x = a, *y = b;
    if (x->order != y->order)
        return x->order < y->order ? -1 : 1;
    return x->id - y->id;
}

/* Child elements in reading order: the cover and contents first, then source order. */
static int link_children(pdftag *t)
{
    int n = t->d->nelems;
    rank *r = malloc((size_t)n * sizeof *r);
    if (!r)
        return -1;
    for (int i = 0; i < n; i++)
        r[i] = (rank){ t->d->elems[i].order, i };
    qsort(r, (size_t)n, sizeof *r, cmp_rank);
    for (int i = 0; i < n; i++)
        if (t->el[r[i].id].parent >= 0)
            add_kid(t, t->el[r[i].id].parent, KID_ELEM, 0, r[i].id);
    free(r);
    return t->oom ? -1 : 0;
}

pdftag *pdftag_new(const dl_doc *d, bool links, bool *oom)
{
    *oom = false;
    if (d->nelems == 0)
        return NULL;
    pdftag *t = calloc(1, sizeof *t);
    if (!t) {
        *oom = true;
        return NULL;
    }
    t->d = d;
    t->links = links;
    t->npages = d->npages;
    t->pages = calloc((size_t)(d->npages > 0 ? d->npages : 1), sizeof *t->pages);
    t->el = calloc((size_t)d->nelems, sizeof *t->el);
    if (!t->pages || !t->el) {
        pdftag_free(t);
        *oom = true;
        return NULL;
    }
    t->nel = d->nelems;
    t->capel = (size_t)d->nelems;
    for (int i = 0; i < d->nelems; i++) {
        const dl_elem *de = &d->elems[i];
        welem *w = &t->el[i];
        w->type = de->type == DL_S_LINK && !links ? SPAN : de->type;
        w->level = de->level;
        w->parent = i == 0 ? -1 : de->parent;
        w->dl = i;
    }
    if (link_children(t)) {
        pdftag_free(t);
        *oom = true;
        return NULL;
    }
    return t;
}

void pdftag_free(pdftag *t)
{
    if (!t)
        return;
    if (t->pdf && t->pdf->trailer && t->pdf->trailer->attr == t) {
        t->pdf->trailer->before_write_fn = NULL;
        t->pdf->trailer->attr = NULL;
    }
    for (int i = 0; i < t->nel; i++) {
        free(t->el[i].kids);
        strbuf_free(&t->el[i].text);
        /* Packed elements are in no cross-reference table: libharu never frees them. */
        if (t->pack && t->el[i].dict)
            HPDF_Dict_Free(t->el[i].dict);
    }
    if (t->pack && t->root)
        HPDF_Dict_Free(t->root);
    free(t->el);
    for (int p = 0; p < t->npages && t->pages; p++)
        free(t->pages[p].elem);
    free(t->pages);
    free(t->annots);
    free(t);
}

/* ---- drawing ---- */

static float item_y(const dl_item *it)
{
    switch (it->kind) {
    case DL_TEXT: return it->u.text.y;
    case DL_RULE: return it->u.rule.y0;
    case DL_RECT: return it->u.rect.y;
    case DL_IMAGE: return it->u.image.y;
    default: return 0;
    }
}

int pdftag_key(pdftag *t, const dl_item *it, float page_h)
{
    int e = it->elem;
    if (e < 0 || e >= t->d->nelems) {
        if (it->role == DL_ROLE_RUNNING)
            return item_y(it) < page_h / 2 ? KEY_TOP : KEY_BOTTOM;
        return e == DL_ARTIFACT_PAGINATION ? KEY_PAGINATION : KEY_LAYOUT;
    }
    if (it->kind == DL_TEXT && it->u.text.link && t->links)
        return run_elem(t, e, DL_S_LINK, it->u.text.link);
    if (it->kind == DL_TEXT && it->u.text.code && t->el[e].type != DL_S_CODE)
        return run_elem(t, e, DL_S_CODE, 0);
    return e;
}

void pdftag_open(pdftag *t, strbuf *c, int page, int key)
{
    switch (key) {
    case KEY_PAGINATION:
        strbuf_str(c, "/Artifact <</Type /Pagination>> BDC\n");
        return;
    case KEY_TOP:
        strbuf_str(c, "/Artifact <</Type /Pagination /Subtype /Header /Attached [/Top]>> BDC\n");
        return;
    case KEY_BOTTOM:
        strbuf_str(c,
                   "/Artifact <</Type /Pagination /Subtype /Footer /Attached [/Bottom]>> BDC\n");
        return;
    default:
        break;
    }
    wpage *pg = page >= 0 && page < t->npages ? &t->pages[page] : NULL;
    if (key < 0 || key >= t->nel || !pg) {
        strbuf_str(c, "/Artifact BMC\n");
        return;
    }
    if (!VEC_PUSH_ROOM(pg->elem, pg->cap, pg->n)) {
        t->oom = true;             /* reported by pdftag_finish */
        strbuf_str(c, "/Artifact BMC\n");
        return;
    }
    int mcid = pg->n;
    pg->elem[pg->n++] = key;
    add_kid(t, key, KID_MCR, page, mcid);
    char name[16];
    type_name(&t->el[key], name);
    strbuf_printf(c, "/%s <</MCID %d>> BDC\n", name, mcid);
}

void pdftag_text(pdftag *t, int key, const char *text)
{
    if (key >= 0 && key < t->nel && t->el[key].type == DL_S_LINK)
        strbuf_str(&t->el[key].text, text);
}

int pdftag_annot(pdftag *t, int page, int key, HPDF_Annotation a)
{
    if (page < 0 || page >= t->npages)
        return -1;
    /* An annotation over content that is not a Link gets a Link of its own there (in the
     * Document when it covers no element). */
    if (key < 0 || key >= t->nel)
        key = run_elem(t, 0, DL_S_LINK, 0);
    else if (t->el[key].type != DL_S_LINK)
        key = run_elem(t, key, DL_S_LINK, 0);
    if (!VEC_PUSH_ROOM(t->annots, t->capannots, t->nannots)) {
        t->oom = true;
        return -1;
    }
    t->annots[t->nannots] = (wannot){ a, key, page };
    add_kid(t, key, KID_OBJR, page, t->nannots);
    t->pages[page].annots = true;
    if (HPDF_Dict_AddNumber(a, "StructParent", t->npages + t->nannots++) != HPDF_OK)
        return -1;
    return t->oom ? -1 : 0;
}

/* ---- the tree ---- */

static bool table_part(uint8_t type)
{
    return type == DL_S_THEAD || type == DL_S_TBODY || type == DL_S_TR || type == DL_S_TH ||
           type == DL_S_TD;
}

/* Parents come before their children (both in the dlist and here), so one pass down
 * the indices carries content up and one pass up keeps whole tables. */
static void mark_kept(pdftag *t)
{
    for (int i = t->nel - 1; i >= 0; i--) {
        welem *w = &t->el[i];
        for (int k = 0; k < w->nkids && !w->keep; k++)
            w->keep = w->kids[k].kind != KID_ELEM;
        if (w->keep && w->parent >= 0)
            t->el[w->parent].keep = true;
    }
    t->el[0].keep = true;
    for (int i = 1; i < t->nel; i++)
        if (!t->el[i].keep && table_part(t->el[i].type) && t->el[t->el[i].parent].keep)
            t->el[i].keep = true;
}

/* Element e's child elements from the dlist (the kids add_kids writes last), when more
 * than PDFTAG_MAX_KIDS of them are written, moved in order under NonStruct elements of
 * at most that many each; its own content stays where it is. (8,191 groups of 8,191
 * are far more than DL_MAX_PAGES pages hold.) */
static bool layout_child(const pdftag *t, const kid *k);

static int group_kids(pdftag *t, int e)
{
    {
        int n = 0;
        for (int k = 0; k < t->el[e].nkids; k++)
            n += layout_child(t, &t->el[e].kids[k]) && t->el[t->el[e].kids[k].v].keep;
        if (n <= PDFTAG_MAX_KIDS)
            return 0;
        kid *old = t->el[e].kids;
        int nold = t->el[e].nkids;
        t->el[e].kids = NULL;
        t->el[e].nkids = 0;
        t->el[e].capkids = 0;
        for (int k = 0; k < nold; k++)
            if (!layout_child(t, &old[k]))
                add_kid(t, e, (kid_kind)old[k].kind, old[k].page, old[k].v);
        int g = -1, in = 0;
        for (int k = 0; k < nold && !t->oom; k++) {
            if (!layout_child(t, &old[k]))
                continue;
            bool written = t->el[old[k].v].keep;
            if (g < 0 || (written && in == PDFTAG_MAX_KIDS)) {
                if ((g = new_elem(t, NONSTRUCT, e, 0)) < 0)
                    break;
                t->el[g].keep = true;
                in = 0;
            }
            add_kid(t, g, KID_ELEM, 0, old[k].v);
            t->el[old[k].v].parent = g;
            in += written;
        }
        free(old);
        return t->oom ? -1 : 0;
    }
}

/* /A: a table cell's spans and a header's scope. */
static int cell_attrs(HPDF_MMgr mm, HPDF_Dict dict, const dl_elem *de)
{
    static const char *const scopes[] = { NULL, "Row", "Column", "Both" };
    if (de->rowspan <= 1 && de->colspan <= 1 && !de->scope)
        return 0;
    HPDF_Dict a = HPDF_Dict_New(mm);
    if (!a || HPDF_Dict_AddName(a, "O", "Table") || HPDF_Dict_Add(dict, "A", a))
        return -1;
    if (de->rowspan > 1 && HPDF_Dict_AddNumber(a, "RowSpan", de->rowspan))
        return -1;
    if (de->colspan > 1 && HPDF_Dict_AddNumber(a, "ColSpan", de->colspan))
        return -1;
    if (de->scope && de->scope <= DL_SCOPE_BOTH &&
        HPDF_Dict_AddName(a, "Scope", scopes[de->scope]))
        return -1;
    return 0;
}

/* A kid as a K entry: an element, an MCID (on the element's /Pg), an MCR or an OBJR. */
static int add_k(pdftag *t, HPDF_MMgr mm, HPDF_Array k, const kid *kd, int pg,
                 const HPDF_Page *pages)
{
    if (kd->kind == KID_ELEM)
        return t->el[kd->v].keep ? HPDF_Array_Add(k, t->el[kd->v].dict) != HPDF_OK : 0;
    if (kd->kind == KID_MCR && kd->page == pg)
        return HPDF_Array_AddNumber(k, kd->v) != HPDF_OK;
    HPDF_Dict r = HPDF_Dict_New(mm);
    if (!r)
        return -1;
    if (HPDF_Array_Add(k, r))
        return -1;
    if (kd->kind == KID_MCR)
        return HPDF_Dict_AddName(r, "Type", "MCR") || HPDF_Dict_Add(r, "Pg", pages[kd->page]) ||
               HPDF_Dict_AddNumber(r, "MCID", kd->v);
    return HPDF_Dict_AddName(r, "Type", "OBJR") || HPDF_Dict_Add(r, "Obj", t->annots[kd->v].a) ||
           HPDF_Dict_Add(r, "Pg", pages[kd->page]);
}

/* A child element from the dlist: in source order after the element's own content (a
 * list item's text comes before the list nested in it). */
static bool layout_child(const pdftag *t, const kid *k)
{
    return k->kind == KID_ELEM && t->el[k->v].dl >= 0;
}

/* /K: a single element or MCID directly, else an array; nothing for an empty cell.
 * The element's content (marked content, annotations, Link and Code runs) in the order
 * it was drawn comes first, its child elements after it. */
static int add_kids(pdftag *t, HPDF_MMgr mm, HPDF_Dict dict, const welem *w, int pg,
                    const HPDF_Page *pages)
{
    int n = 0;
    const kid *one = NULL;
    for (int k = 0; k < w->nkids; k++)
        if (w->kids[k].kind != KID_ELEM || t->el[w->kids[k].v].keep)
            n++, one = &w->kids[k];
    if (n == 0)
        return 0;
    if (n == 1 && one->kind == KID_ELEM)
        return HPDF_Dict_Add(dict, "K", t->el[one->v].dict) != HPDF_OK;
    if (n == 1 && one->kind == KID_MCR && one->page == pg)
        return HPDF_Dict_AddNumber(dict, "K", one->v) != HPDF_OK;
    HPDF_Array k = HPDF_Array_New(mm);
    if (!k || HPDF_Dict_Add(dict, "K", k))
        return -1;
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < w->nkids; i++)
            if (layout_child(t, &w->kids[i]) == (pass == 1) &&
                add_k(t, mm, k, &w->kids[i], pg, pages))
                return -1;
    return 0;
}

static int fill_elem(pdftag *t, HPDF_MMgr mm, int i, HPDF_Dict root, const HPDF_Page *pages)
{
    const welem *w = &t->el[i];
    HPDF_Dict dict = w->dict;
    char name[16];
    type_name(w, name);
    int pg = -1;
    for (int k = 0; k < w->nkids && pg < 0; k++)
        if (w->kids[k].kind == KID_MCR)
            pg = w->kids[k].page;
    if (HPDF_Dict_AddName(dict, "S", name) ||
        HPDF_Dict_Add(dict, "P", w->parent >= 0 ? t->el[w->parent].dict : root) ||
        (pg >= 0 && HPDF_Dict_Add(dict, "Pg", pages[pg])) || add_kids(t, mm, dict, w, pg, pages))
        return -1;
    if (w->dl < 0)
        return 0;
    const dl_elem *de = &t->d->elems[w->dl];
    if ((w->type == DL_S_TH || w->type == DL_S_TD) && cell_attrs(mm, dict, de))
        return -1;
    if (de->alt && *de->alt) {
        HPDF_Binary alt = pdftag_string(mm, de->alt);
        if (!alt || HPDF_Dict_Add(dict, "Alt", alt))
            return -1;
    }
    if (de->lang && *de->lang) {
        HPDF_String l = HPDF_String_New(mm, de->lang, NULL);
        if (!l || HPDF_Dict_Add(dict, "Lang", l))
            return -1;
    }
    return 0;
}

/* ParentTree entries (key, element) in one leaf of the number tree when it has more;
 * libharu's 32,767 values in one array (PDFTAG_MAX_KIDS) were two a page and two a
 * link annotation: 17,000 links failed with "libharu could not write the structure
 * tree". */
#define PARENT_LEAF 4000

typedef struct {
    HPDF_Array kids;          /* the tree's /Kids when it has leaves, else NULL */
    HPDF_Array nums, limits;  /* the current leaf's (the tree's own /Nums without kids) */
    int n, last;
} numtree;

/* Appends key → value, starting a leaf (an indirect object with its /Limits) every
 * PARENT_LEAF entries when the tree has kids. */
static int nt_add(pdftag *t, HPDF_MMgr mm, numtree *nt, int key, void *value)
{
    if (nt->kids && (!nt->nums || nt->n == PARENT_LEAF)) {
        if (nt->limits && HPDF_Array_AddNumber(nt->limits, nt->last))
            return -1;
        HPDF_Dict leaf = HPDF_Dict_New(mm);
        if (!leaf || HPDF_Xref_Add(t->pdf->xref, leaf) || HPDF_Array_Add(nt->kids, leaf) ||
            !(nt->nums = HPDF_Array_New(mm)) || !(nt->limits = HPDF_Array_New(mm)) ||
            HPDF_Dict_Add(leaf, "Limits", nt->limits) || HPDF_Dict_Add(leaf, "Nums", nt->nums) ||
            HPDF_Array_AddNumber(nt->limits, key))
            return -1;
        nt->n = 0;
    }
    nt->n++;
    nt->last = key;
    return HPDF_Array_AddNumber(nt->nums, key) || HPDF_Array_Add(nt->nums, value) ? -1 : 0;
}

/* Pages' MCIDs and annotations to their elements; StructParents and Tabs on the pages. */
static int parent_tree(pdftag *t, HPDF_MMgr mm, HPDF_Dict root, const HPDF_Page *pages)
{
    int entries = t->nannots;
    for (int p = 0; p < t->npages; p++)
        entries += t->pages[p].n > 0;
    numtree nt = { 0 };
    HPDF_Dict tree = HPDF_Dict_New(mm);
    if (!tree || HPDF_Dict_Add(root, "ParentTree", tree))
        return -1;
    if (2 * entries > PDFTAG_MAX_KIDS) {
        if (!(nt.kids = HPDF_Array_New(mm)) || HPDF_Dict_Add(tree, "Kids", nt.kids))
            return -1;
    } else if (!(nt.nums = HPDF_Array_New(mm)) || HPDF_Dict_Add(tree, "Nums", nt.nums)) {
        return -1;
    }
    for (int p = 0; p < t->npages; p++) {
        const wpage *pg = &t->pages[p];
        if (pg->annots && HPDF_Dict_AddName(pages[p], "Tabs", "S"))
            return -1;
        if (pg->n == 0)
            continue;
        HPDF_Array a = HPDF_Array_New(mm);
        if (!a || nt_add(t, mm, &nt, p, a) ||
            HPDF_Dict_AddNumber(pages[p], "StructParents", p))
            return -1;
        for (int m = 0; m < pg->n; m++)
            if (HPDF_Array_Add(a, t->el[pg->elem[m]].dict))
                return -1;
    }
    for (int j = 0; j < t->nannots; j++)
        if (nt_add(t, mm, &nt, t->npages + j, t->el[t->annots[j].elem].dict))
            return -1;
    if (nt.kids && nt.limits && HPDF_Array_AddNumber(nt.limits, nt.last))
        return -1;
    return HPDF_Dict_AddNumber(root, "ParentTreeNextKey", t->npages + t->nannots) ? -1 : 0;
}

/* PDF/UA: a link annotation's alternate description is its text (else its target). */
static int annot_contents(pdftag *t, HPDF_MMgr mm)
{
    for (int j = 0; j < t->nannots; j++) {
        const welem *w = &t->el[t->annots[j].elem];
        const char *s = w->text.p && *w->text.p ? w->text.p
                        : w->uri > 0 && w->uri <= t->d->nuris ? t->d->uris[w->uri - 1]
                                                                : "链接";
        HPDF_Binary b = pdftag_string(mm, s);
        if (!b || HPDF_Dict_Add(t->annots[j].a, "Contents", b))
            return -1;
    }
    return 0;
}

/* Headings in reading order start at H1 and never skip a level. */
static void walk_headings(const pdftag *t, int i, int *last, bool *ok)
{
    const welem *w = &t->el[i];
    if (w->type == DL_S_H) {
        if ((*last == 0 && w->level != 1) || w->level > *last + 1)
            *ok = false;
        *last = w->level;
    }
    for (int k = 0; k < w->nkids; k++)
        if ((layout_child(t, &w->kids[k]) || (w->kids[k].kind == KID_ELEM &&
                                              t->el[w->kids[k].v].type == NONSTRUCT)) &&
            t->el[w->kids[k].v].keep)
            walk_headings(t, w->kids[k].v, last, ok);
}

static bool ua_rules(const pdftag *t)
{
    for (int i = 0; i < t->nel; i++) {
        const welem *w = &t->el[i];
        if (w->keep && w->type == DL_S_FIGURE &&
            (w->dl < 0 || !t->d->elems[w->dl].alt || !*t->d->elems[w->dl].alt))
            return false;
    }
    int last = 0;
    bool ok = true;
    walk_headings(t, 0, &last, &ok);
    return ok;
}

int pdftag_finish(pdftag *t, HPDF_Doc pdf, const HPDF_Page *pages, int npages, bool pack,
                  char *err, size_t errlen)
{
    HPDF_MMgr mm = pdf->mmgr;
    if (t->oom || npages < t->npages) {
        snprintf(err, errlen, "out of memory building the structure tree");
        return -1;
    }
    t->pdf = pdf;
    t->pack = pack && pdf->trailer && !pdf->trailer->before_write_fn && !pdf->trailer->attr;
    mark_kept(t);
    for (int i = 0, n = t->nel; i < n; i++)      /* not the groups made here */
        if (t->el[i].keep && group_kids(t, i)) {
            snprintf(err, errlen, "out of memory building the structure tree");
            return -1;
        }
    HPDF_Dict root = t->root = HPDF_Dict_New(mm);
    if (!root)
        goto fail;
    if (t->pack)
        root->header.obj_id = HPDF_OTYPE_INDIRECT;
    else if (HPDF_Xref_Add(pdf->xref, root))
        goto fail;
    if (HPDF_Dict_AddName(root, "Type", "StructTreeRoot"))
        goto fail;
    for (int i = 0; i < t->nel; i++) {
        if (!t->el[i].keep)
            continue;
        HPDF_Dict d = t->el[i].dict = HPDF_Dict_New(mm);
        if (!d)
            goto fail;
        /* A packed element is referred to by number like any indirect object (libharu
         * writes "n 0 R" for it); pdftag_pack gives the numbers. */
        if (t->pack)
            d->header.obj_id = HPDF_OTYPE_INDIRECT;
        else if (HPDF_Xref_Add(pdf->xref, d))
            goto fail;
    }
    for (int i = 0; i < t->nel; i++)
        if (t->el[i].keep && fill_elem(t, mm, i, root, pages))
            goto fail;
    HPDF_Dict mark = HPDF_Dict_New(mm);
    if (HPDF_Dict_Add(root, "K", t->el[0].dict) || parent_tree(t, mm, root, pages) ||
        annot_contents(t, mm) || !mark || HPDF_Dict_AddBoolean(mark, "Marked", HPDF_TRUE) ||
        HPDF_Dict_Add(pdf->catalog, "MarkInfo", mark) ||
        HPDF_Dict_Add(pdf->catalog, "StructTreeRoot", root))
        goto fail;
    t->ua = ua_rules(t);
    return 0;
fail:
    snprintf(err, errlen, "libharu could not write the structure tree");
    return -1;
}

bool pdftag_ua(const pdftag *t) { return t->ua; }

/* ---- packing ---- */

/* Objects objs[0..n) as one object stream: "number offset" pairs, then the objects as
 * libharu writes them. */
static int pack_stream(pdftag *t, HPDF_Dict stm, const HPDF_Dict *objs, int n)
{
    HPDF_Stream body = HPDF_MemStream_New(t->pdf->mmgr, 4096);
    strbuf head = { 0 };
    int rc = body ? 0 : -1;
    for (int j = 0; j < n && rc == 0; j++) {
        HPDF_Dict d = objs[j];
        strbuf_printf(&head, "%u %u ", (unsigned)(d->header.obj_id & 0x00FFFFFF),
                      (unsigned)body->size);
        if (HPDF_Obj_WriteValue(d, body, NULL) || HPDF_Stream_WriteStr(body, "\n"))
            rc = -1;
    }
    strbuf_chr(&head, '\n');
    if (rc || head.oom || HPDF_Dict_AddName(stm, "Type", "ObjStm") ||
        HPDF_Dict_AddNumber(stm, "N", n) || HPDF_Dict_AddNumber(stm, "First", (HPDF_INT32)head.n) ||
        HPDF_Stream_Write(stm->stream, (const HPDF_BYTE *)head.p, (HPDF_UINT)head.n) ||
        HPDF_Stream_WriteToStream(body, stm->stream, HPDF_STREAM_FILTER_NONE, NULL))
        rc = -1;
    stm->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
    if (body)
        HPDF_Stream_Free(body);
    strbuf_free(&head);
    return rc;
}

/* The hidden cross-reference stream's Filter and Length, written by the dict's write
 * hook: a cross-reference stream's Length must be direct (ISO 32000-1 7.5.8.2), and
 * libharu writes a stream's Length only as an indirect object. */
static HPDF_STATUS xref_stream_keys(HPDF_Dict d, HPDF_Stream s)
{
    char buf[64];
    snprintf(buf, sizeof buf, "/Filter /FlateDecode\n/Length %u\n", (unsigned)d->stream->size);
    return HPDF_Stream_WriteStr(s, buf);
}

/* The hidden cross-reference stream, before the elements are numbered: a dict with
 * the indirect Length libharu needs to write a stream, kept out of the output. */
static HPDF_Dict xref_stream_new(HPDF_Doc pdf)
{
    HPDF_MMgr mm = pdf->mmgr;
    HPDF_Dict xs = HPDF_Dict_New(mm);
    if (!xs || HPDF_Xref_Add(pdf->xref, xs))
        return NULL;
    HPDF_Number len = HPDF_Number_New(mm, 0);
    if (!len || HPDF_Xref_Add(pdf->xref, len) || HPDF_Dict_Add(xs, "Length", len) ||
        !(xs->stream = HPDF_MemStream_New(mm, 4096)))
        return NULL;
    for (HPDF_UINT i = 0; i < xs->list->count; i++) {
        HPDF_DictElement e = HPDF_List_ItemAt(xs->list, i);
        if (strcmp(e->key, "Length") == 0)
            ((HPDF_Obj_Header *)e->value)->obj_id |= HPDF_OTYPE_HIDDEN;
    }
    xs->filter = HPDF_STREAM_FILTER_NONE;   /* the data is compressed already */
    xs->write_fn = xref_stream_keys;
    return xs;
}

/* Its rows: for each packed element (type 2) its object stream and index there,
 * deflated here (flate.c) as the dict's write hook names the filter. */
static int xref_stream_fill(pdftag *t, HPDF_Dict xs, const HPDF_Dict *stm)
{
    HPDF_MMgr mm = t->pdf->mmgr;
    HPDF_Array w = HPDF_Array_New(mm), idx = HPDF_Array_New(mm);
    if (!w || !idx || HPDF_Dict_AddName(xs, "Type", "XRef") || HPDF_Dict_Add(xs, "W", w) ||
        HPDF_Array_AddNumber(w, 1) || HPDF_Array_AddNumber(w, 4) || HPDF_Array_AddNumber(w, 1) ||
        HPDF_Dict_Add(xs, "Index", idx) || HPDF_Array_AddNumber(idx, (HPDF_INT32)t->first) ||
        HPDF_Array_AddNumber(idx, t->npacked) ||
        HPDF_Dict_AddNumber(xs, "Size", (HPDF_INT32)(t->first + (HPDF_UINT)t->npacked)))
        return -1;
    size_t len = (size_t)t->npacked * 6, zlen = 0;
    unsigned char *raw = malloc(len ? len : 1), *z = NULL;
    flate *fz = raw ? flate_new(FLATE_LEVEL) : NULL;
    for (int j = 0; fz && j < t->npacked; j++) {
        HPDF_UINT s = stm[j / PACK_PER_STREAM]->header.obj_id & 0x00FFFFFF;
        unsigned char *row = raw + 6 * (size_t)j;
        row[0] = 2;
        row[1] = (unsigned char)(s >> 24), row[2] = (unsigned char)(s >> 16);
        row[3] = (unsigned char)(s >> 8), row[4] = (unsigned char)s;
        row[5] = (unsigned char)(j % PACK_PER_STREAM);
    }
    int rc = fz && flate_compress(fz, raw, len, &z, &zlen) == 0 &&
                     HPDF_Stream_Write(xs->stream, z, (HPDF_UINT)zlen) == HPDF_OK
                 ? 0
                 : -1;
    flate_free(fz);
    free(raw);
    free(z);
    return rc;
}

/* Written with the trailer, when every object has its offset: the hidden stream's
 * place and the objects it adds to the classic table's. */
static HPDF_STATUS trailer_hook(HPDF_Dict trailer)
{
    pdftag *t = trailer->attr;
    HPDF_Xref x = t->pdf->xref;
    /* An object made after pdftag_pack would have taken a packed element's number. */
    if (x->start_offset + x->entries->count != t->first)
        return HPDF_INVALID_OBJECT;
    /* (libharu 2.3.0's HPDF_Xref_GetEntryByObjectId rejects every valid number.) */
    HPDF_XrefEntry e = HPDF_List_ItemAt(x->entries, (t->xrefstm->header.obj_id & 0x00FFFFFF) -
                                                        x->start_offset);
    if (!e)
        return HPDF_INVALID_OBJECT;
    HPDF_STATUS st = HPDF_Dict_AddNumber(trailer, "Size",
                                         (HPDF_INT32)(t->first + (HPDF_UINT)t->npacked));
    return st ? st : HPDF_Dict_AddNumber(trailer, "XRefStm", (HPDF_INT32)e->byte_offset);
}

int pdftag_pack(pdftag *t, char *err, size_t errlen)
{
    if (!t->pack)
        return 0;
    HPDF_Doc pdf = t->pdf;
    HPDF_Dict *objs = malloc((size_t)(t->nel + 1) * sizeof *objs);
    int n = 0;
    for (int i = 0; objs && i < t->nel; i++)
        if (t->el[i].keep)
            objs[n++] = t->el[i].dict;
    if (objs)
        objs[n++] = t->root;
    int nstm = (n + PACK_PER_STREAM - 1) / PACK_PER_STREAM;
    HPDF_Dict *stm = objs ? calloc((size_t)(nstm ? nstm : 1), sizeof *stm) : NULL;
    int rc = stm ? 0 : -1;
    for (int s = 0; s < nstm && rc == 0; s++)
        rc = (stm[s] = HPDF_DictStream_New(pdf->mmgr, pdf->xref)) ? 0 : -1;
    if (rc == 0 && !(t->xrefstm = xref_stream_new(pdf)))
        rc = -1;
    if (rc == 0) {
        /* The numbers after the last object of the classic table. */
        t->first = pdf->xref->start_offset + pdf->xref->entries->count;
        t->npacked = n;
        for (int j = 0; j < n; j++)
            objs[j]->header.obj_id = HPDF_OTYPE_INDIRECT | (t->first + (HPDF_UINT)j);
        for (int s = 0; s < nstm && rc == 0; s++)
            rc = pack_stream(t, stm[s], objs + s * PACK_PER_STREAM,
                             n - s * PACK_PER_STREAM < PACK_PER_STREAM ? n - s * PACK_PER_STREAM
                                                                       : PACK_PER_STREAM);
        if (rc == 0)
            rc = xref_stream_fill(t, t->xrefstm, stm);
    }
    if (rc == 0) {
        pdf->trailer->attr = t;
        pdf->trailer->before_write_fn = trailer_hook;
    }
    free(objs);
    free(stm);
    if (rc)
        snprintf(err, errlen, "libharu could not pack the structure tree");
    return rc;
}
