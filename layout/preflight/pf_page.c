/* pf_page — one page: its boxes (PR-06), annotations (PR-10), resources and content. */
#include "layout/preflight/pf_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
/* PR-06 */
static void check_boxes(pf *p, qpdf_oh page)
{
    double media[4], crop[4], bleed[4], trim[4];
    p->has_boxes = false;
    if (!pf_rect_of(p, pf_inherited(p, page, "/MediaBox"), media)) {
        pf_finding(p, true, 6, p->page_obj, "no valid MediaBox");
        return;
    }
    if (!pf_rect_of(p, pf_inherited(p, page, "/CropBox"), crop))
        memcpy(crop, media, sizeof crop);
    bool has_bleed = pf_rect_of(p, qpdf_oh_get_key(p->q, page, "/BleedBox"), bleed);
    if (!has_bleed)
        memcpy(bleed, crop, sizeof bleed);
    if (!pf_rect_of(p, qpdf_oh_get_key(p->q, page, "/TrimBox"), trim)) {
        pf_finding(p, true, 6, p->page_obj, "no TrimBox");
        return;
    }
    if (!pf_contains(media, bleed))
        pf_finding(p, true, 6, p->page_obj, "BleedBox extends outside the MediaBox");
    if (!pf_contains(bleed, trim))
        pf_finding(p, true, 6, p->page_obj, "TrimBox extends outside the BleedBox");
    double need = p->o->bleed_mm * PT_PER_MM - 0.01;
    double least = fmin(fmin(trim[0] - bleed[0], bleed[2] - trim[2]),
                        fmin(trim[1] - bleed[1], bleed[3] - trim[3]));
    if (least < need)
        pf_finding(p, false, 6, p->page_obj, "bleed is %.1f mm on some side (%.0f mm needed where "
                                          "anything touches the trim)",
                fmax(least, 0) / PT_PER_MM, p->o->bleed_mm);
    memcpy(p->trim, trim, sizeof trim);
    memcpy(p->bleed, bleed, sizeof bleed);
    p->has_boxes = true;
}

static void check_annotations(pf *p, qpdf_oh page)
{
    qpdf_oh annots = qpdf_oh_get_key(p->q, page, "/Annots");
    int n = qpdf_oh_is_array(p->q, annots) ? qpdf_oh_get_array_n_items(p->q, annots) : 0;
    for (int i = 0; i < n && i < 10000; i++) {
        qpdf_oh a = qpdf_oh_get_array_item(p->q, annots, i);
        if (!qpdf_oh_is_dictionary(p->q, a))
            continue;
        int id = pf_objid(p, a);
        pname subn = pf_name_of(p, pf_key(p, a, "/Subtype"));
        const char *sub = subn.s;
        if (pf_is_js_action(p, pf_key(p, a, "/A")))
            pf_finding(p, true, 10, id, "annotation runs JavaScript");
        if (!qpdf_oh_is_null(p->q, pf_key(p, a, "/AA")))
            pf_finding(p, true, 10, id, "annotation with actions (/AA)");
        if (!strcmp(sub, "/Widget"))
            pf_finding(p, true, 10, id, "form field");
        double flags = 0, r[4];
        pf_num(p, pf_key(p, a, "/F"), &flags);
        bool prints = flags >= 0 && flags <= UINT32_MAX && ((uint32_t)flags & 4) != 0;
        if (prints && strcmp(sub, "/PrinterMark") && strcmp(sub, "/TrapNet") && p->has_boxes &&
            pf_rect_of(p, pf_key(p, a, "/Rect"), r) && pf_intersects(r, p->bleed))
            pf_finding(p, true, 10, id, "printing %s annotation inside the bleed box", sub + 1);
    }
}

void pf_check_page(pf *p, int index)
{
    qpdf_oh page = qpdf_get_page_n(p->q, (size_t)index);
    p->page = index + 1;
    p->page_obj = pf_objid(p, page);
    p->text_min_dist = INFINITY;
    p->text_near = 0;
    if (!qpdf_oh_is_dictionary(p->q, page)) {
        pf_finding(p, true, 10, 0, "page object is damaged");
        return;
    }
    check_boxes(p, page);
    pf_check_group(p, page, "the page");
    check_annotations(p, page);
    qpdf_oh res = pf_inherited(p, page, "/Resources");
    pf_scan_resources(p, res);
    unsigned char *data = NULL;
    size_t len = 0;
    if (qpdf_oh_get_page_content_data(p->q, page, &data, &len) & QPDF_ERRORS) {
        qpdf_get_error(p->q);
        pf_finding(p, true, 10, p->page_obj, "page content cannot be decoded");
        free(data);
        return;
    }
    pf_interpret_page(p, res, data, len);
    free(data);
    if (p->text_near > 0)
        pf_finding(p, false, 7, p->page_obj, "text %.1f mm from the trim edge (%.0f mm needed), "
                                          "%d text run%s",
                p->text_min_dist / PT_PER_MM, p->o->safe_mm, p->text_near,
                p->text_near == 1 ? "" : "s");
}

/* qpdf's warnings (a damaged file it could repair, streams it could not decode) are
 * one PR-10 failure: the shop's qpdf --check would fail too. */
