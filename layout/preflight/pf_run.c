/* pf_run — see preflight.h: opens the file with qpdf and runs the checks in order. */
#include "layout/preflight/pf_int.h"

#include <stdlib.h>
void preflight_options_default(preflight_options *o)
{
    o->standard = PREFLIGHT_AUTO;
    o->min_ppi = 300;
    o->safe_mm = 3;
    o->bleed_mm = 3;
}

static void report_damage(pf *p)
{
    int n = 0;
    char first[300] = "";
    while (qpdf_more_warnings(p->q)) {
        qpdf_error e = qpdf_next_warning(p->q);
        if (!first[0]) {
            const char *t = qpdf_get_error_message_detail(p->q, e);
            snprintf(first, sizeof first, "%s", t ? t : "");
        }
        n++;
    }
    if (n > 0) {
        p->page = 0;
        pf_finding(p, true, 10, 0, "the file is damaged: %s (%d problem%s found by qpdf)", first, n,
                n == 1 ? "" : "s");
    }
}

int preflight_run(const char *pdf_path, FILE *out, const preflight_options *o)
{
    preflight_options def;
    if (!o) {
        preflight_options_default(&def);
        o = &def;
    }
    pf p = { 0 };
    p.out = out;
    p.path = pdf_path;
    p.o = o;
    p.q = qpdf_init();
    if (!p.q) {
        fprintf(out, "%s: error: out of memory\n", pdf_path);
        return 2;
    }
    qpdf_silence_errors(p.q);
    qpdf_set_suppress_warnings(p.q, QPDF_TRUE);
    if (qpdf_read(p.q, pdf_path, "") & QPDF_ERRORS) {
        qpdf_error e = qpdf_get_error(p.q);
        const char *d = e ? qpdf_get_error_message_detail(p.q, e) : NULL;
        fprintf(out, "%s: error: cannot be read as PDF: %s\n", pdf_path,
                d && *d ? d : "unknown error");
        qpdf_cleanup(&p.q);
        return 2;
    }
    qpdf_oh trailer = qpdf_get_trailer(p.q), root = qpdf_get_root(p.q);
    if (qpdf_has_error(p.q) || !qpdf_oh_is_dictionary(p.q, root)) {
        qpdf_error e = qpdf_has_error(p.q) ? qpdf_get_error(p.q) : NULL;
        const char *d = e ? qpdf_get_error_message_detail(p.q, e) : NULL;
        fprintf(out, "%s: error: cannot be read as PDF: %s\n", pdf_path,
                d && *d ? d : "no document catalog");
        qpdf_cleanup(&p.q);
        return 2;
    }
    pf_check_identification(&p, trailer, root);
    pf_check_output_intent(&p, root);
    pf_check_forbidden(&p, root);
    pf_check_version(&p);
    qpdf_oh_release_all(p.q);
    int npages = qpdf_get_num_pages(p.q);
    if (npages < 0) {
        qpdf_get_error(p.q);
        pf_finding(&p, true, 10, 0, "the page tree is damaged");
        npages = 0;
    } else if (npages == 0) {
        pf_finding(&p, true, 6, 0, "the document has no pages");
    }
    for (int i = 0; i < npages; i++) {
        pf_check_page(&p, i);
        qpdf_oh_release_all(p.q);
    }
    if (qpdf_has_error(p.q))
        qpdf_get_error(p.q);
    report_damage(&p);
    /* Always plural: scripts parse this line. */
    fprintf(out, "preflight: %d failures, %d warnings (%s)\n", p.failures, p.warnings,
            pf_std_name(p.std));
    qpdf_cleanup(&p.q);
    free(p.seen);
    free(p.fonts);
    pf_free_metrics(&p);
    return p.failures ? 1 : 0;
}

