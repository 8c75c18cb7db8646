/* pf_document — what the document as a whole must have: identification (PR-01), the
 * output intent (PR-02), no forbidden features (PR-10) and the version (PR-11). */
#include "layout/preflight/pf_int.h"

#include <stdlib.h>
#include <string.h>

#include "layout/base/strbuf.h"

const char *pf_std_name(preflight_standard s)
{
    return s == PREFLIGHT_X4 ? "PDF/X-4" : "PDF/X-1a:2003";
}

char *pf_claim(pf *p, qpdf_oh trailer, qpdf_oh root)
{
    char ver[128];
    if (pf_str_of(p, pf_key(p, pf_key(p, trailer, "/Info"), "/GTS_PDFXVersion"), ver, sizeof ver) &&
        ver[0])
        return strdup(ver);
    char *x = pf_xmp_pdfx_version(p, root);
    if (x && !x[0]) {
        free(x);
        x = NULL;
    }
    return x;
}

/* A missing item, added to the list of what identification lacks. */
static void lacks(strbuf *b, const char *what)
{
    strbuf_str(b, b->n ? ", " : "");
    strbuf_str(b, what);
}

/* X-1a:2003 identifies itself in Info (ISO 15930-4). */
static void id_x1a(pf *p, qpdf_oh info, strbuf *missing)
{
    char ver[128] = "", conf[128] = "";
    if (!pf_str_of(p, pf_key(p, info, "/GTS_PDFXVersion"), ver, sizeof ver) || !ver[0])
        lacks(missing, "GTS_PDFXVersion");
    else if (strcmp(ver, "PDF/X-1:2003") != 0)
        pf_find(p, PFK_ID_WRONG, 0, "GTS_PDFXVersion is \"%s\", not PDF/X-1:2003", ver);
    if (!pf_str_of(p, pf_key(p, info, "/GTS_PDFXConformance"), conf, sizeof conf) || !conf[0])
        lacks(missing, "GTS_PDFXConformance");
    else if (strcmp(conf, "PDF/X-1a:2003") != 0)
        pf_find(p, PFK_ID_WRONG, 0, "GTS_PDFXConformance is \"%s\", not PDF/X-1a:2003", conf);
}

/* X-4 identifies itself in XMP (ISO 15930-7); Info, when it says, must agree. */
static void id_x4(pf *p, qpdf_oh info, qpdf_oh root, strbuf *missing)
{
    char ver[128] = "";
    char *xmpv = pf_xmp_pdfx_version(p, root);
    if (!xmpv || !xmpv[0])
        lacks(missing, qpdf_oh_is_stream(p->q, pf_key(p, root, "/Metadata"))
                           ? "XMP pdfxid:GTS_PDFXVersion"
                           : "XMP metadata");
    else if (!strcmp(xmpv, "PDF/X-4p"))
        pf_find(p, PFK_ID_X4P, 0, "XMP claims PDF/X-4p (output profile referenced, not "
                                  "embedded)");
    else if (strcmp(xmpv, "PDF/X-4") != 0)
        pf_find(p, PFK_ID_WRONG, 0, "XMP GTS_PDFXVersion is \"%s\", not PDF/X-4", xmpv);
    if (pf_str_of(p, pf_key(p, info, "/GTS_PDFXVersion"), ver, sizeof ver) && ver[0] &&
        (!xmpv || strcmp(ver, xmpv) != 0)) {
        if (!strcmp(ver, "PDF/X-4p"))
            pf_find(p, PFK_ID_X4P, 0, "Info claims PDF/X-4p (output profile referenced, not "
                                      "embedded)");
        else if (strcmp(ver, "PDF/X-4") != 0)
            pf_find(p, PFK_ID_WRONG, 0, "Info GTS_PDFXVersion \"%s\" contradicts PDF/X-4", ver);
    }
    free(xmpv);
}

void pf_check_identification(pf *p, qpdf_oh trailer, qpdf_oh root)
{
    qpdf_oh info = pf_key(p, trailer, "/Info");
    strbuf missing = { 0 };
    if (p->std == PREFLIGHT_X1A)
        id_x1a(p, info, &missing);
    else
        id_x4(p, info, root, &missing);
    char buf[512];
    qpdf_oh trapped = pf_key(p, info, "/Trapped");
    if (qpdf_oh_is_null(p->q, trapped))
        lacks(&missing, "Trapped");
    else if (!pf_is_name(p, trapped, "/True") && !pf_is_name(p, trapped, "/False"))
        pf_find(p, PFK_ID_WRONG, 0, "Trapped is %s, not True or False",
                qpdf_oh_is_name(p->q, trapped) ? pf_name_of(p, trapped).s + 1 : "not a name");
    if (!pf_str_of(p, pf_key(p, info, "/Title"), buf, sizeof buf) || !buf[0])
        lacks(&missing, "Title");
    if (!qpdf_oh_is_string(p->q, pf_key(p, info, "/CreationDate")))
        lacks(&missing, "CreationDate");
    if (!qpdf_oh_is_string(p->q, pf_key(p, info, "/ModDate")))
        lacks(&missing, "ModDate");
    qpdf_oh id = pf_key(p, trailer, "/ID");
    if (!qpdf_oh_is_array(p->q, id) || qpdf_oh_get_array_n_items(p->q, id) != 2 ||
        !qpdf_oh_is_string(p->q, qpdf_oh_get_array_item(p->q, id, 0)))
        lacks(&missing, "trailer ID");
    if (missing.n)
        pf_find(p, PFK_ID_MISSING, 0, "not identified as %s: no %s", pf_std_name(p->std),
                missing.p);
    strbuf_free(&missing);
    pf_check_xmp(p, info, root);
}

/* The profile of an output intent: an embedded CMYK printer profile. */
static void check_profile(pf *p, qpdf_oh prof)
{
    int pid = pf_objid(p, prof);
    double nc = 0;
    if (!pf_num(p, pf_key(p, prof, "/N"), &nc) || nc != 4)
        pf_find(p, PFK_OI_BAD, pid, "output profile is not CMYK (/N %.0f)", nc);
    size_t len = 0;
    unsigned char *data = pf_stream_data(p, prof, "the output profile", &len);
    if (data && (len < 128 || memcmp(data + 16, "CMYK", 4) != 0 ||
                 memcmp(data + 12, "prtr", 4) != 0))
        pf_find(p, PFK_OI_BAD, pid, "output profile is not a CMYK output (printer) ICC profile");
    free(data);
}

void pf_check_output_intent(pf *p, qpdf_oh root)
{
    qpdf_oh ois = pf_key(p, root, "/OutputIntents");
    int n = qpdf_oh_is_array(p->q, ois) ? qpdf_oh_get_array_n_items(p->q, ois) : 0;
    qpdf_oh oi = 0;
    int count = 0;
    for (int i = 0; i < n && pf_spend_object(p); i++) {
        qpdf_oh e = qpdf_oh_get_array_item(p->q, ois, i);
        if (pf_is_name(p, pf_key(p, e, "/S"), "/GTS_PDFX")) {
            oi = e;
            count++;
        }
    }
    if (count == 0) {
        pf_find(p, PFK_OI_MISSING, 0, "no output intent (/S /GTS_PDFX)");
        return;
    }
    int oid = pf_objid(p, oi);
    if (count > 1)
        pf_find(p, PFK_OI_BAD, 0, "%d GTS_PDFX output intents (one allowed)", count);
    char cond[256] = "";
    if (!pf_str_of(p, pf_key(p, oi, "/OutputConditionIdentifier"), cond, sizeof cond) || !cond[0])
        pf_find(p, PFK_OI_BAD, oid, "output intent has no OutputConditionIdentifier");
    qpdf_oh prof = pf_key(p, oi, "/DestOutputProfile");
    if (qpdf_oh_is_stream(p->q, prof))
        check_profile(p, prof);
    else if (p->std == PREFLIGHT_X4)
        pf_find(p, PFK_OI_BAD, oid, "PDF/X-4 needs an embedded output profile");
    else if (!strcmp(cond, "Custom") || !cond[0])
        pf_find(p, PFK_OI_BAD, oid, "no output profile and no registered condition name");
    else if (!qpdf_oh_is_string(p->q, pf_key(p, oi, "/RegistryName")))
        pf_find(p, PFK_OI_REGISTRY, oid, "registered condition %s without /RegistryName", cond);
}

void pf_check_forbidden(pf *p, qpdf_oh root)
{
    if (qpdf_is_encrypted(p->q))
        pf_find(p, PFK_ENCRYPTED, 0, "the file is encrypted");
    if (!qpdf_oh_is_null(p->q, pf_key(p, root, "/AcroForm")))
        pf_find(p, PFK_INTERACTIVE, 0, "the file has an interactive form (/AcroForm)");
    if (!qpdf_oh_is_null(p->q, pf_key(p, pf_key(p, root, "/Names"), "/JavaScript")))
        pf_find(p, PFK_INTERACTIVE, 0, "the file has document JavaScript");
    if (pf_is_js_action(p, pf_key(p, root, "/OpenAction")))
        pf_find(p, PFK_INTERACTIVE, 0, "the file runs JavaScript when opened");
    if (!qpdf_oh_is_null(p->q, pf_key(p, root, "/AA")))
        pf_find(p, PFK_INTERACTIVE, 0, "the file has document actions (/AA)");
}

void pf_check_version(pf *p)
{
    const char *vs = qpdf_get_pdf_version(p->q);
    char v[32];
    snprintf(v, sizeof v, "%s", vs ? vs : "");
    int major = 0, minor = 0;
    if (sscanf(v, "%d.%d", &major, &minor) != 2) {
        pf_find(p, PFK_VERSION, 0, "no PDF version in the header");
        return;
    }
    int ver = major * 10 + minor;
    if (p->std == PREFLIGHT_X1A && (ver < 13 || ver > 14))
        pf_find(p, PFK_VERSION, 0, "PDF %s; PDF/X-1a:2003 allows 1.3 and 1.4", v);
    if (p->std == PREFLIGHT_X4 && ver > 16)
        pf_find(p, PFK_VERSION, 0, "PDF %s; PDF/X-4 allows up to 1.6", v);
    if (p->std == PREFLIGHT_X4 && qpdf_get_pdf_extension_level(p->q) > 0)
        pf_find(p, PFK_VERSION, 0, "PDF %s with extension level %d; PDF/X-4 allows none", v,
                qpdf_get_pdf_extension_level(p->q));
}
