/* pf_xmp — the XMP metadata packet (PR-01): PDF/X-4 identifies itself there
 * (pdfxid:GTS_PDFXVersion), needs xmpMM:DocumentID, VersionID and RenditionClass, and
 * its title and dates must agree with the Info dictionary's (ISO 15930-7). libxml2
 * parses the packet (no network, its own depth limit); the tree is walked without
 * recursion. */
#include "layout/preflight/pf_int.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#define NS_PDFXID "http://www.npes.org/pdfx/ns/id/"
#define NS_DC "http://purl.org/dc/elements/1.1/"
#define NS_XMP "http://ns.adobe.com/xap/1.0/"
#define NS_XMPMM "http://ns.adobe.com/xap/1.0/mm/"
#define NS_RDF "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

static xmlDoc *xmp_read(pf *p, qpdf_oh root)
{
    qpdf_oh md = pf_key(p, root, "/Metadata");
    size_t len = 0;
    unsigned char *data = qpdf_oh_is_stream(p->q, md)
                              ? pf_stream_data(p, md, "the XMP metadata", &len)
                              : NULL;
    xmlDoc *doc = NULL;
    if (data && len > 0 && len < INT32_MAX)
        doc = xmlReadMemory((const char *)data, (int)len, "xmp.xml", NULL,
                            XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    free(data);
    return doc;
}

static bool in_ns(const xmlNs *ns, const char *href)
{
    return ns && ns->href && !strcmp((const char *)ns->href, href);
}

/* The next node of a pre-order walk of the tree under top (NULL at the end). */
static xmlNode *walk_next(xmlNode *n, xmlNode *top)
{
    if (n->children)
        return n->children;
    while (n && n != top && !n->next)
        n = n->parent;
    return n && n != top ? n->next : NULL;
}

/* The text of a property: an attribute of rdf:Description or an element. A language
 * alternative (dc:title) gives its x-default item, else its first. Caller frees. */
static char *prop(xmlDoc *doc, const char *ns, const char *name)
{
    xmlNode *top = xmlDocGetRootElement(doc);
    for (xmlNode *n = top; n; n = walk_next(n, top)) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        for (xmlAttr *a = n->properties; a; a = a->next)
            if (in_ns(a->ns, ns) && !strcmp((const char *)a->name, name)) {
                xmlChar *c = xmlNodeListGetString(doc, a->children, 1);
                char *r = strdup(c ? (const char *)c : "");
                xmlFree(c);
                return r;
            }
        if (!in_ns(n->ns, ns) || strcmp((const char *)n->name, name) != 0)
            continue;
        xmlNode *pick = NULL;
        for (xmlNode *li = n; li; li = walk_next(li, n))
            if (li->type == XML_ELEMENT_NODE && in_ns(li->ns, NS_RDF) &&
                !strcmp((const char *)li->name, "li")) {
                xmlChar *lang = xmlNodeGetLang(li);
                bool dflt = lang && !strcmp((const char *)lang, "x-default");
                xmlFree(lang);
                if (!pick || dflt)
                    pick = li;
                if (dflt)
                    break;
            }
        xmlChar *c = xmlNodeGetContent(pick ? pick : n);
        char *r = strdup(c ? (const char *)c : "");
        xmlFree(c);
        return r;
    }
    return NULL;
}

char *pf_xmp_pdfx_version(pf *p, qpdf_oh root)
{
    xmlDoc *doc = xmp_read(p, root);
    char *v = doc ? prop(doc, NS_PDFXID, "GTS_PDFXVersion") : NULL;
    xmlFreeDoc(doc);
    return v;
}

/* Digits of a date, n of them at *s (advanced); false when they are not there. */
static bool digits(const char **s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++, (*s)++) {
        if (**s < '0' || **s > '9')
            return false;
        v = v * 10 + (**s - '0');
    }
    *out = v;
    return true;
}

/* A PDF date (D:YYYYMMDDHHmmSSOHH'mm') or an XMP date (YYYY-MM-DDThh:mm:ss±hh:mm) as
 * seconds since 1970 (UTC); parts left out count as the start of their span. */
static bool parse_date(const char *s, bool xmp, time_t *out)
{
    if (!xmp && !strncmp(s, "D:", 2))
        s += 2;
    int f[6] = { 0, 1, 1, 0, 0, 0 };
    static const char xsep[6] = { 0, '-', '-', 'T', ':', ':' };
    if (!digits(&s, 4, &f[0]))
        return false;
    for (int i = 1; i < 6; i++) {
        if (xmp && *s != xsep[i])
            break;
        if (xmp)
            s++;
        if (!digits(&s, 2, &f[i]))
            return false;
    }
    if (xmp && *s == '.')
        for (s++; *s >= '0' && *s <= '9'; s++)
            ;
    int sign = 0, oh = 0, om = 0;
    if (*s == '+' || *s == '-') {
        sign = *s++ == '+' ? 1 : -1;
        if (!digits(&s, 2, &oh))
            return false;
        if (*s == '\'' || *s == ':')
            s++;
        if (*s >= '0' && *s <= '9' && !digits(&s, 2, &om))
            return false;
    }
    struct tm tm = { .tm_year = f[0] - 1900, .tm_mon = f[1] - 1, .tm_mday = f[2],
                     .tm_hour = f[3], .tm_min = f[4], .tm_sec = f[5] };
    *out = timegm(&tm) - sign * (oh * 3600 + om * 60);
    return true;
}

/* One Info date against its XMP counterpart. */
static void compare_date(pf *p, const char *info_date, const char *info_key, xmlDoc *doc,
                         const char *xmp_key)
{
    char *x = prop(doc, NS_XMP, xmp_key);
    time_t a, b;
    if (info_date && x) {
        bool pa = parse_date(info_date, false, &a), pb = parse_date(x, true, &b);
        if (!pa || !pb || a != b)
            pf_find(p, PFK_XMP_MISMATCH, 0, "XMP xmp:%s differs from Info %s", xmp_key, info_key);
    } else if (info_date || x) {
        pf_find(p, PFK_XMP_MISMATCH, 0, "%s has %s, %s has none", info_date ? "Info" : "XMP",
                info_date ? info_key : xmp_key, info_date ? "XMP" : "Info");
    }
    free(x);
}

void pf_check_xmp(pf *p, qpdf_oh info, qpdf_oh root)
{
    xmlDoc *doc = xmp_read(p, root);
    if (!doc)
        return;
    static const char *const ids[] = { "DocumentID", "VersionID", "RenditionClass" };
    char missing[96] = "";
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        char *v = prop(doc, NS_XMPMM, ids[i]);
        if (!v || !v[0])
            snprintf(missing + strlen(missing), sizeof missing - strlen(missing), "%sxmpMM:%s",
                     missing[0] ? ", " : "", ids[i]);
        free(v);
    }
    if (missing[0])
        pf_find(p, PFK_XMP_IDS, 0, "XMP metadata has no %s", missing);
    char title[512], cd[64], md[64];
    const char *it = pf_str_of(p, pf_key(p, info, "/Title"), title, sizeof title);
    char *xt = prop(doc, NS_DC, "title");
    if ((it || xt) && (!it || !xt || strcmp(it, xt) != 0))
        pf_find(p, PFK_XMP_MISMATCH, 0, "XMP dc:title differs from Info Title");
    free(xt);
    compare_date(p, pf_str_of(p, pf_key(p, info, "/CreationDate"), cd, sizeof cd),
                 "CreationDate", doc, "CreateDate");
    compare_date(p, pf_str_of(p, pf_key(p, info, "/ModDate"), md, sizeof md), "ModDate", doc,
                 "ModifyDate");
    xmlFreeDoc(doc);
}
