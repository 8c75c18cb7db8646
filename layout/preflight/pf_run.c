/* pf_run — see preflight.h: reads the file (regular files only, within the size
 * limit), opens it with qpdf, decides the standard and runs the checks in order. */
#include "layout/preflight/pf_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "layout/base/fileio.h"
#include "layout/base/vec.h"

void preflight_options_default(preflight_options *o)
{
    memset(o, 0, sizeof *o);
    o->standard = PREFLIGHT_AUTO;
    o->min_ppi = 300;
    o->fail_ppi = 150;
    o->safe_mm = 3;
    o->bleed_mm = 3;
    o->limits = (preflight_limits){
        .file_bytes = PF_MAX_FILE_BYTES,
        .objects = PF_MAX_OBJECTS,
        .tokens = PF_MAX_TOKENS,
        .stream_bytes = PF_MAX_STREAM_BYTES,
        .decoded_bytes = PF_MAX_DECODED_BYTES,
        .form_depth = PF_MAX_FORM_DEPTH,
        .findings = PF_MAX_FINDINGS,
    };
}

static const char *file_kind(mode_t m)
{
    return S_ISFIFO(m)   ? "a FIFO"
           : S_ISCHR(m)  ? "a character device"
           : S_ISBLK(m)  ? "a block device"
           : S_ISDIR(m)  ? "a directory"
           : S_ISSOCK(m) ? "a socket"
                         : "not a regular file";
}

static void set_error(preflight_report *r, const char *fmt, const char *a, const char *b)
{
    size_t n = strlen(fmt) + strlen(a) + strlen(b) + 1;
    r->error = malloc(n);
    if (r->error)
        snprintf(r->error, n, fmt, a, b);
}

/* The whole file, when it is a regular file within the limit (base/fileio opens
 * without blocking and reads nothing else: a FIFO would block, /dev/zero never end);
 * NULL with r->error set otherwise, saying what the input is. */
static unsigned char *read_pdf(const char *path, size_t max, size_t *len, preflight_report *r)
{
    unsigned char *data = fileio_read(path, max, len);
    if (data)
        return data;
    int err = errno;
    struct stat st;
    char limit[32];
    if (err == EINVAL && stat(path, &st) == 0)
        set_error(r, "is %s, not a PDF file%s", file_kind(st.st_mode), "");
    else if (err == EFBIG)
        set_error(r, "larger than %s: not checked (a limit of preflight)%s", pf_size(max, limit),
                  "");
    else
        set_error(r, "cannot read: %s%s", fileio_error(err), "");
    return NULL;
}

/* qpdf's warnings (a damaged file it could repair, streams it could not decode) are
 * one PR-10 failure: the shop's qpdf --check would fail too. */
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
        pf_find(p, PFK_DAMAGED, 0, "the file is damaged: %s (%d problem%s found by qpdf)", first,
                n, n == 1 ? "" : "s");
    }
}

/* The standard to check against: the option, else the file's claim. */
static void choose_standard(const preflight_options *o, preflight_report *r)
{
    if (o->standard != PREFLIGHT_AUTO) {
        r->target = o->standard;
        r->target_from = "option";
    } else if (r->claim && !strncmp(r->claim, "PDF/X-4", 7)) {
        r->target = PREFLIGHT_X4;
        r->target_from = "file";
    } else if (r->claim && !strncmp(r->claim, "PDF/X-1", 7)) {
        r->target = PREFLIGHT_X1A;
        r->target_from = "file";
    } else {
        r->target = PREFLIGHT_X1A;
        r->target_from = "default";
    }
}

static char *qpdf_error_text(pf *p, const char *fallback)
{
    qpdf_error e = qpdf_has_error(p->q) ? qpdf_get_error(p->q) : NULL;
    const char *d = e ? qpdf_get_error_message_detail(p->q, e) : NULL;
    const char *why = d && *d ? d : fallback;
    size_t n = strlen(why) + 32;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "cannot be read as PDF: %s", why);
    return s;
}

/* The page tree is no deeper than PF_MAX_PAGE_TREE_DEPTH, walked here without
 * recursion (and once per node, so loops end) before qpdf walks it by recursion. */
static bool page_tree_ok(pf *p)
{
    typedef struct {
        qpdf_oh node;
        int depth;
    } item;
    item *stack = NULL;
    size_t n = 0, cap = 0;
    pf_idset seen = { 0 };
    bool ok = true;
    qpdf_oh pages = pf_key(p, qpdf_get_root(p->q), "/Pages");
    if (VEC_PUSH_ROOM(stack, cap, n))
        stack[n++] = (item){ pages, 1 };
    while (ok && n > 0 && pf_spend_object(p)) {
        item it = stack[--n];
        int id = pf_objid(p, it.node);
        qpdf_oh kids = pf_key(p, it.node, "/Kids");
        if (qpdf_oh_is_array(p->q, kids) && (id <= 0 || pf_idset_add(&seen, (uint64_t)id))) {
            if (it.depth > PF_MAX_PAGE_TREE_DEPTH) {
                pf_limit(p, "the page tree is more than %d levels deep: no page was checked",
                         PF_MAX_PAGE_TREE_DEPTH);
                ok = false;
            }
            int k = qpdf_oh_get_array_n_items(p->q, kids);
            for (int i = 0; ok && i < k && VEC_PUSH_ROOM(stack, cap, n); i++)
                stack[n++] = (item){ qpdf_oh_get_array_item(p->q, kids, i), it.depth + 1 };
        }
        qpdf_oh_release(p->q, kids);
        qpdf_oh_release(p->q, it.node);
    }
    free(stack);
    pf_idset_free(&seen);
    return ok && !p->stop;
}

/* Document checks, then page by page; handles are let go after each part. */
static void run_checks(pf *p, preflight_report *r, qpdf_oh trailer, qpdf_oh root)
{
    pf_check_identification(p, trailer, root);
    pf_check_output_intent(p, root);
    pf_check_forbidden(p, root);
    pf_check_version(p);
    qpdf_oh_release_all(p->q);
    pf_walk_file(p);
    qpdf_oh_release_all(p->q);
    if (p->stop || !page_tree_ok(p)) {
        qpdf_oh_release_all(p->q);
        report_damage(p);
        return;
    }
    qpdf_oh_release_all(p->q);
    if (qpdf_push_inherited_attributes_to_page(p->q) & QPDF_ERRORS) {
        qpdf_get_error(p->q);
        pf_find(p, PFK_DAMAGED, 0, "the page tree is damaged");
    }
    int npages = qpdf_get_num_pages(p->q);
    if (npages < 0) {
        qpdf_get_error(p->q);
        pf_find(p, PFK_DAMAGED, 0, "the page tree is damaged");
        npages = 0;
    } else if (npages == 0) {
        pf_find(p, PFK_NO_PAGES, 0, "the document has no pages");
    }
    r->pages = npages;
    for (int i = 0; i < npages && !p->stop; i++) {
        pf_check_page(p, i);
        qpdf_oh_release_all(p->q);
        pf_forms_reset(p);
    }
    p->page = 0;
    if (qpdf_has_error(p->q))
        qpdf_get_error(p->q);
    report_damage(p);
}

/* The PDF in memory (which must outlive qpdf's use of it). */
static void check_data(pf *p, preflight_report *r, const preflight_options *o,
                       const unsigned char *data, size_t len)
{
    p->q = qpdf_init();
    if (!p->q) {
        r->error = strdup("out of memory");
        return;
    }
    qpdf_silence_errors(p->q);
    qpdf_set_suppress_warnings(p->q, QPDF_TRUE);
    qpdf_oh trailer = 0, root = 0;
    if (qpdf_read_memory(p->q, r->file, (const char *)data, len, "") & QPDF_ERRORS) {
        r->error = qpdf_error_text(p, "unknown error");
    } else {
        trailer = qpdf_get_trailer(p->q);
        root = qpdf_get_root(p->q);
        if (qpdf_has_error(p->q) || !qpdf_oh_is_dictionary(p->q, root))
            r->error = qpdf_error_text(p, "no document catalog");
    }
    if (!r->error) {
        char buf[256];
        const char *prod = pf_str_of(p, pf_key(p, pf_key(p, trailer, "/Info"), "/Producer"), buf,
                                     sizeof buf);
        r->producer = prod ? strdup(prod) : NULL;
        r->claim = pf_claim(p, trailer, root);
        choose_standard(o, r);
        r->plain_jianbao = prod && !strncmp(prod, "jianbao", 7) && !r->claim;
        p->std = r->target;
        run_checks(p, r, trailer, root);
        if (!pf_findings_to_report(p, r))
            r->error = strdup("out of memory");
    }
    qpdf_cleanup(&p->q);
}

/* A new report for the file called name, with no findings yet. */
static preflight_report *report_new(const char *name, const preflight_options *o)
{
    preflight_report *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->target = o->standard == PREFLIGHT_X4 ? PREFLIGHT_X4 : PREFLIGHT_X1A;
    r->target_from = o->standard == PREFLIGHT_AUTO ? "default" : "option";
    if (!(r->file = strdup(name))) {
        free(r);
        return NULL;
    }
    return r;
}

static void check(preflight_report *r, const preflight_options *o, const unsigned char *data,
                  size_t len)
{
    pf p = { 0 };
    p.o = o;
    p.lim = &o->limits;
    check_data(&p, r, o, data, len);
    pf_findings_free(&p);
    pf_idset_free(&p.fonts_checked);
    pf_free_metrics(&p);
    pf_forms_reset(&p);
}

preflight_report *preflight_check_mem(const char *name, const unsigned char *data, size_t len,
                                      const preflight_options *o)
{
    preflight_options def;
    if (!o) {
        preflight_options_default(&def);
        o = &def;
    }
    preflight_report *r = report_new(name, o);
    if (r)
        check(r, o, data, len);
    return r;
}

preflight_report *preflight_check(const char *path, const preflight_options *o)
{
    preflight_options def;
    if (!o) {
        preflight_options_default(&def);
        o = &def;
    }
    preflight_report *r = report_new(path, o);
    if (!r)
        return NULL;
    size_t len = 0;
    unsigned char *data = read_pdf(path, o->limits.file_bytes, &len, r);
    if (data)
        check(r, o, data, len);
    free(data);
    return r;
}

int preflight_run(const char *path, FILE *out, const preflight_options *o)
{
    preflight_report *r = preflight_check(path, o);
    if (!r) {
        fprintf(out, "%s: error: out of memory\n", path);
        return 2;
    }
    if (o && o->json)
        preflight_print_json(r, out);
    else
        preflight_print_text(r, out);
    int rc = preflight_exit_code(r);
    preflight_report_free(r);
    return rc;
}
