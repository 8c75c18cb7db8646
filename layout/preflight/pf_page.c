/* pf_page — one page: its boxes (PR-06), annotations (PR-10), resources and content. */
#include "layout/preflight/pf_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "layout/base/strbuf.h"

/* PR-06: the boxes; p->trim and p->bleed are set for the content checks. Without a
 * TrimBox, p->bleed is the visible page (for annotations) and has_boxes stays false. */
static void check_boxes(pf *p, qpdf_oh page)
{
    double media[4], crop[4], bleed[4], trim[4];
    p->has_boxes = false;
    memset(p->bleed, 0, sizeof p->bleed);
    if (!pf_rect_of(p, pf_key(p, page, "/MediaBox"), media)) {
        pf_find(p, PFK_BOX_MISSING, p->page_obj, "no valid MediaBox");
        return;
    }
    if (!pf_rect_of(p, pf_key(p, page, "/CropBox"), crop))
        memcpy(crop, media, sizeof crop);
    if (!pf_rect_of(p, pf_key(p, page, "/BleedBox"), bleed))
        memcpy(bleed, crop, sizeof bleed);
    memcpy(p->bleed, bleed, sizeof bleed);
    if (!pf_rect_of(p, pf_key(p, page, "/TrimBox"), trim)) {
        pf_find(p, PFK_BOX_MISSING, p->page_obj, "no TrimBox");
        return;
    }
    if (!pf_contains(media, bleed))
        pf_find(p, PFK_BOX_NESTING, p->page_obj, "BleedBox extends outside the MediaBox");
    if (!pf_contains(bleed, trim))
        pf_find(p, PFK_BOX_NESTING, p->page_obj, "TrimBox extends outside the BleedBox");
    double need = p->o->bleed_mm * PT_PER_MM - 0.01;
    double least = fmin(fmin(trim[0] - bleed[0], bleed[2] - trim[2]),
                        fmin(trim[1] - bleed[1], bleed[3] - trim[3]));
    if (least < need)
        pf_find_v(p, PFK_BLEED_SMALL, p->page_obj, fmax(least, 0) / PT_PER_MM,
                  "bleed under %.0f mm on some side", p->o->bleed_mm);
    memcpy(p->trim, trim, sizeof trim);
    p->has_boxes = true;
}

/* PR-10: PDF/X allows no annotation inside the BleedBox but printer's marks and trap
 * networks, whatever its flags; and none that runs scripts or is a form field. */
static void check_annotations(pf *p, qpdf_oh page)
{
    qpdf_oh annots = pf_key(p, page, "/Annots");
    int n = qpdf_oh_is_array(p->q, annots) ? qpdf_oh_get_array_n_items(p->q, annots) : 0;
    for (int i = 0; i < n && pf_spend_object(p); i++) {
        qpdf_oh a = qpdf_oh_get_array_item(p->q, annots, i);
        if (!qpdf_oh_is_dictionary(p->q, a)) {
            qpdf_oh_release(p->q, a);
            continue;
        }
        int id = pf_objid(p, a);
        pname subn = pf_name_of(p, pf_key(p, a, "/Subtype"));
        const char *sub = subn.s[0] ? subn.s + 1 : "untyped";
        if (pf_is_js_action(p, pf_key(p, a, "/A")))
            pf_find(p, PFK_INTERACTIVE, id, "annotation runs JavaScript");
        if (!qpdf_oh_is_null(p->q, pf_key(p, a, "/AA")))
            pf_find(p, PFK_INTERACTIVE, id, "annotation with actions (/AA)");
        if (!strcmp(sub, "Widget"))
            pf_find(p, PFK_INTERACTIVE, id, "form field");
        double r[4];
        if (strcmp(sub, "PrinterMark") && strcmp(sub, "TrapNet") &&
            pf_rect_of(p, pf_key(p, a, "/Rect"), r) && pf_intersects(r, p->bleed))
            pf_find(p, PFK_ANNOT_IN_TRIM, id, "%s annotation inside the %s", sub,
                    p->has_boxes ? "BleedBox" : "page");
        qpdf_oh_release(p->q, a);
    }
}

/* The page's content streams, decoded and joined (a token may not span two, but a
 * white-space byte between them keeps them apart). NULL when there is none. */
static unsigned char *page_content(pf *p, qpdf_oh page, size_t *len)
{
    qpdf_oh c = pf_key(p, page, "/Contents");
    int n = qpdf_oh_is_array(p->q, c) ? qpdf_oh_get_array_n_items(p->q, c) : 1;
    strbuf b = { 0 };
    for (int i = 0; i < n && !p->stop && pf_spend_object(p); i++) {
        qpdf_oh s = qpdf_oh_is_array(p->q, c) ? qpdf_oh_get_array_item(p->q, c, i) : c;
        size_t sl = 0;
        unsigned char *d = pf_stream_data(p, s, "the page content", &sl);
        if (d && b.n + sl >= p->lim->stream_bytes) {
            char size[32];
            pf_find(p, PFK_LIMIT, p->page_obj, "the page content decodes to more than %s: it was "
                                               "not checked", pf_size(p->lim->stream_bytes, size));
            b.n = 0;
            n = 0;
        } else if (d) {
            strbuf_add(&b, (const char *)d, sl);
            strbuf_chr(&b, '\n');
        }
        free(d);
        if (s != c)
            qpdf_oh_release(p->q, s);
    }
    qpdf_oh_release(p->q, c);
    *len = b.n;
    return (unsigned char *)strbuf_take(&b);
}

void pf_check_page(pf *p, int index)
{
    qpdf_oh page = qpdf_get_page_n(p->q, (size_t)index);
    p->page = index + 1;
    p->page_obj = pf_objid(p, page);
    if (!qpdf_oh_is_dictionary(p->q, page)) {
        pf_find(p, PFK_DAMAGED, 0, "a page object is damaged");
        return;
    }
    check_boxes(p, page);
    pf_check_group(p, page, "the page");
    check_annotations(p, page);
    qpdf_oh res = pf_key(p, page, "/Resources");
    pf_scan_resources(p, res);
    size_t len = 0;
    unsigned char *data = page_content(p, page, &len);
    if (data && !p->stop)
        pf_interpret_page(p, res, data, len);
    free(data);
}
