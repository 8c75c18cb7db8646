/* pf_document — what the document as a whole must have: identification (PR-01),
 * output intent (PR-02), no forbidden features (PR-10), the version (PR-11). */
#include "layout/preflight/pf_int.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
const char *pf_std_name(preflight_standard s)
{
    return s == PREFLIGHT_X4 ? "PDF/X-4" : "PDF/X-1a:2003";
}

/* pdfxid:GTS_PDFXVersion from XMP, as element or attribute; NULL if absent. */
static char *xmp_pdfx_version(xmlNode *n)
{
    static const char ns[] = "http://www.npes.org/pdfx/ns/id/";
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (n->ns && n->ns->href && !strcmp((const char *)n->ns->href, ns) &&
            !strcmp((const char *)n->name, "GTS_PDFXVersion")) {
            xmlChar *c = xmlNodeGetContent(n);
            char *r = c ? strdup((const char *)c) : NULL;
            xmlFree(c);
            return r;
        }
        for (xmlAttr *a = n->properties; a; a = a->next)
            if (a->ns && a->ns->href && !strcmp((const char *)a->ns->href, ns) &&
                !strcmp((const char *)a->name, "GTS_PDFXVersion")) {
                xmlChar *c = xmlNodeListGetString(n->doc, a->children, 1);
                char *r = c ? strdup((const char *)c) : NULL;
                xmlFree(c);
                return r;
            }
        char *r = xmp_pdfx_version(n->children);
        if (r)
            return r;
    }
    return NULL;
}

static char *read_xmp_version(pf *p, qpdf_oh root)
{
    qpdf_oh md = pf_key(p, root, "/Metadata");
    if (!qpdf_oh_is_stream(p->q, md))
        return NULL;
    unsigned char *data = NULL;
    size_t len = 0;
    if (qpdf_oh_get_stream_data(p->q, md, qpdf_dl_all, NULL, &data, &len) & QPDF_ERRORS) {
        qpdf_get_error(p->q);
        free(data);
        return NULL;
    }
    char *v = NULL;
    if (len > 0 && len < INT32_MAX) {
        xmlDoc *doc = xmlReadMemory((const char *)data, (int)len, "xmp.xml", NULL,
                                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
        if (doc) {
            v = xmp_pdfx_version(xmlDocGetRootElement(doc));
            xmlFreeDoc(doc);
        }
    }
    free(data);
    return v;
}

void pf_check_identification(pf *p, qpdf_oh trailer, qpdf_oh root)
{
    qpdf_oh info = pf_key(p, trailer, "/Info");
    char ver[128] = "", conf[128] = "", buf[512];
    pf_str_of(p, pf_key(p, info, "/GTS_PDFXVersion"), ver, sizeof ver);
    pf_str_of(p, pf_key(p, info, "/GTS_PDFXConformance"), conf, sizeof conf);
    char *xmpv = read_xmp_version(p, root);
    const char *claim = ver[0] ? ver : xmpv ? xmpv : "";
    if (p->o->standard != PREFLIGHT_AUTO)
        p->std = p->o->standard;
    else
        p->std = !strncmp(claim, "PDF/X-4", 7) ? PREFLIGHT_X4 : PREFLIGHT_X1A;
    if (p->std == PREFLIGHT_X1A) {
        if (!ver[0])
            pf_finding(p, true, 1, 0, "Info has no GTS_PDFXVersion (PDF/X-1:2003)");
        else if (strcmp(ver, "PDF/X-1:2003") != 0)
            pf_finding(p, true, 1, 0, "GTS_PDFXVersion is \"%s\", not PDF/X-1:2003", ver);
        if (strcmp(conf, "PDF/X-1a:2003") != 0)
            pf_finding(p, true, 1, 0, "GTS_PDFXConformance is %s%s%s, not PDF/X-1a:2003",
                    conf[0] ? "\"" : "", conf[0] ? conf : "missing", conf[0] ? "\"" : "");
    } else {
        if (!xmpv || strncmp(xmpv, "PDF/X-4", 7) != 0)
            pf_finding(p, true, 1, 0, "XMP metadata has no pdfxid:GTS_PDFXVersion PDF/X-4");
        if (ver[0] && strncmp(ver, "PDF/X-4", 7) != 0)
            pf_finding(p, true, 1, 0, "Info GTS_PDFXVersion \"%s\" contradicts PDF/X-4", ver);
    }
    free(xmpv);
    qpdf_oh trapped = pf_key(p, info, "/Trapped");
    if (!pf_is_name(p, trapped, "/True") && !pf_is_name(p, trapped, "/False"))
        pf_finding(p, true, 1, 0, "Info /Trapped is not set to True or False");
    if (!pf_str_of(p, pf_key(p, info, "/Title"), buf, sizeof buf) || !buf[0])
        pf_finding(p, true, 1, 0, "Info has no Title");
    if (!qpdf_oh_is_string(p->q, pf_key(p, info, "/CreationDate")))
        pf_finding(p, true, 1, 0, "Info has no CreationDate");
    if (!qpdf_oh_is_string(p->q, pf_key(p, info, "/ModDate")))
        pf_finding(p, true, 1, 0, "Info has no ModDate");
    qpdf_oh id = pf_key(p, trailer, "/ID");
    if (!qpdf_oh_is_array(p->q, id) || qpdf_oh_get_array_n_items(p->q, id) != 2 ||
        !qpdf_oh_is_string(p->q, qpdf_oh_get_array_item(p->q, id, 0)))
        pf_finding(p, true, 1, 0, "trailer has no /ID");
}

/* PR-02 */
void pf_check_output_intent(pf *p, qpdf_oh root)
{
    qpdf_oh ois = pf_key(p, root, "/OutputIntents");
    int n = qpdf_oh_is_array(p->q, ois) ? qpdf_oh_get_array_n_items(p->q, ois) : 0;
    qpdf_oh oi = 0;
    int count = 0;
    for (int i = 0; i < n; i++) {
        qpdf_oh e = qpdf_oh_get_array_item(p->q, ois, i);
        if (pf_is_name(p, pf_key(p, e, "/S"), "/GTS_PDFX")) {
            oi = e;
            count++;
        }
    }
    if (count == 0) {
        pf_finding(p, true, 2, 0, "no OutputIntent with /S /GTS_PDFX");
        return;
    }
    int oid = pf_objid(p, oi);
    if (count > 1)
        pf_finding(p, true, 2, 0, "%d GTS_PDFX output intents (one allowed)", count);
    char cond[256] = "";
    if (!pf_str_of(p, pf_key(p, oi, "/OutputConditionIdentifier"), cond, sizeof cond) || !cond[0])
        pf_finding(p, true, 2, oid, "output intent has no OutputConditionIdentifier");
    qpdf_oh prof = pf_key(p, oi, "/DestOutputProfile");
    if (qpdf_oh_is_stream(p->q, prof)) {
        int pid = pf_objid(p, prof);
        double nc = 0;
        if (!pf_num(p, pf_key(p, prof, "/N"), &nc) || nc != 4)
            pf_finding(p, true, 2, pid, "output profile is not CMYK (/N %.0f)", nc);
        unsigned char *data = NULL;
        size_t len = 0;
        if (qpdf_oh_get_stream_data(p->q, prof, qpdf_dl_all, NULL, &data, &len) & QPDF_ERRORS) {
            qpdf_get_error(p->q);
            pf_finding(p, true, 2, pid, "output profile cannot be decoded");
        } else if (len < 128 || memcmp(data + 16, "CMYK", 4) != 0 ||
                   memcmp(data + 12, "prtr", 4) != 0) {
            pf_finding(p, true, 2, pid, "output profile is not a CMYK output (printer) ICC profile");
        }
        free(data);
    } else if (p->std == PREFLIGHT_X4) {
        pf_finding(p, true, 2, oid, "PDF/X-4 needs an embedded output profile (DestOutputProfile)");
    } else if (!strcmp(cond, "Custom") || !cond[0]) {
        pf_finding(p, true, 2, oid, "no output profile and no registered condition name");
    } else if (!qpdf_oh_is_string(p->q, pf_key(p, oi, "/RegistryName"))) {
        pf_finding(p, false, 2, oid, "registered condition %s without /RegistryName", cond);
    }
}

/* PR-10, document part */
void pf_check_forbidden(pf *p, qpdf_oh root)
{
    if (qpdf_is_encrypted(p->q))
        pf_finding(p, true, 10, 0, "the file is encrypted");
    if (!qpdf_oh_is_null(p->q, pf_key(p, root, "/AcroForm")))
        pf_finding(p, true, 10, 0, "the file has an interactive form (/AcroForm)");
    if (!qpdf_oh_is_null(p->q, pf_key(p, pf_key(p, root, "/Names"), "/JavaScript")))
        pf_finding(p, true, 10, 0, "the file has document JavaScript");
    if (pf_is_js_action(p, pf_key(p, root, "/OpenAction")))
        pf_finding(p, true, 10, 0, "the file runs JavaScript when opened");
    if (!qpdf_oh_is_null(p->q, pf_key(p, root, "/AA")))
        pf_finding(p, true, 10, 0, "the file has document actions (/AA)");
}

/* PR-11 */
void pf_check_version(pf *p)
{
    const char *vs = qpdf_get_pdf_version(p->q);
    char v[32];
    snprintf(v, sizeof v, "%s", vs ? vs : "");
    int major = 0, minor = 0;
    if (sscanf(v, "%d.%d", &major, &minor) != 2) {
        pf_finding(p, true, 11, 0, "no PDF version in the header");
        return;
    }
    int ver = major * 10 + minor;
    if (p->std == PREFLIGHT_X1A && (ver < 13 || ver > 14))
        pf_finding(p, true, 11, 0, "PDF %s; PDF/X-1a:2003 allows 1.3 and 1.4", v);
    if (p->std == PREFLIGHT_X4 && ver > 16)
        pf_finding(p, true, 11, 0, "PDF %s; PDF/X-4 allows up to 1.6", v);
    if (p->std == PREFLIGHT_X4 && qpdf_get_pdf_extension_level(p->q) > 0)
        pf_finding(p, true, 11, 0, "PDF %s with extension level %d; PDF/X-4 allows none", v,
                qpdf_get_pdf_extension_level(p->q));
}

