/* issue — see issue.h. */
#include "layout/app/issue.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layout/base/path.h"
#include "layout/base/strbuf.h"
#include "layout/read/doc.h"
#include "layout/flow/flow.h"
#include "layout/front/front.h"
#include "layout/pdf/pdf.h"
#include "layout/style/style.h"
#include "layout/compose/typeset.h"

void issue_opts_default(issue_opts *o)
{
    memset(o, 0, sizeof *o);
    o->press = PRESS_FROM_STYLE;
}

char *issue_default_out(const char *issue_dir)
{
    char *b = path_base(issue_dir);
    if (!b)
        return NULL;
    if (strcmp(b, "issue.md") == 0) {
        /* A path to the file: name the output after its directory. */
        free(b);
        char *dir = strdup(issue_dir);
        if (!dir)
            return NULL;
        char *slash = strrchr(dir, '/');
        if (slash)
            *slash = 0;
        b = path_base(slash ? dir : ".");
        free(dir);
        if (!b)
            return NULL;
    }
    char *out = strbuf_format("out/%s.pdf", b);
    free(b);
    return out;
}

static bool readable(const char *p) { return p && access(p, R_OK) == 0; }

/* The style an issue asks for: styles/<name>.ini beside the issues/ folder the issue
 * lives in, else in the working directory's styles/. */
static char *find_style(const doc *dc, diag *d)
{
    const char *name = dc->meta.style && *dc->meta.style ? dc->meta.style : "zasto";
    char *cand[3] = { strbuf_format("%s/../../styles/%s.ini", dc->dir, name),
                      strbuf_format("styles/%s.ini", name), NULL };
    char *found = NULL;
    for (int i = 0; cand[i]; i++) {
        if (!found && readable(cand[i]))
            found = cand[i];
        else
            free(cand[i]);
    }
    if (!found)
        diag_error(d, dc->src->path, 1, 1,
                   "style \"%s\" not found (looked for styles/%s.ini beside issues/ and in the "
                   "working directory); set `style:` in the front matter or pass --style FILE",
                   name, name);
    return found;
}

static char *join_sections(const doc *dc)
{
    size_t n = 1;
    for (int i = 0; i < dc->nblocks; i++)
        if (dc->blocks[i].kind == DOC_SECTION)
            for (int k = 0; k < dc->blocks[i].text.nin; k++)
                n += strlen(dc->blocks[i].text.in[k].text) + 2;
    char *s = malloc(n);
    if (!s)
        return NULL;
    s[0] = 0;
    for (int i = 0; i < dc->nblocks; i++)
        if (dc->blocks[i].kind == DOC_SECTION) {
            if (s[0])
                strcat(s, ", ");
            for (int k = 0; k < dc->blocks[i].text.nin; k++)
                strcat(s, dc->blocks[i].text.in[k].text);
        }
    return s;
}

static int set_info(dl_doc *out, const doc_meta *m, const doc *dc)
{
    char title[512];
    snprintf(title, sizeof title, "%s%s %s", m->association ? m->association : "",
             m->title ? m->title : "", m->issue ? m->issue : "");
    char *kw = m->keywords ? strdup(m->keywords) : join_sections(dc);
    int rc = dl_set_str(&out->title, title) || dl_set_str(&out->subject, m->number) ||
             dl_set_str(&out->author, m->association) || dl_set_str(&out->keywords, kw) ||
             dl_set_str(&out->creator, "jianbao") || dl_set_str(&out->lang, m->lang);
    free(kw);
    return rc ? -1 : 0;
}

/* Page labels: the cover is unnumbered; every other page shows its physical number, so
 * the number printed, the label and `pdftotext -f N` all agree. */
static int set_labels(dl_doc *out)
{
    for (int p = 0; p < out->npages; p++) {
        char num[16];
        snprintf(num, sizeof num, "%d", p + 1);
        if (dl_set_str(&out->pages[p].label, p == 0 ? "封面" : num))
            return -1;
    }
    return 0;
}

typedef struct {
    doc *dc;
    style *st;
    font_lib *fonts;
    dl_doc *out;
    long long ns_read, ns_shape, ns_compose, ns_layout;
    long rss_layout;          /* peak resident KB once laid out (make bench) */
} built;

static void built_free(built *b)
{
    dl_doc_free(b->out);
    font_lib_free(b->fonts);
    style_free(b->st);
    doc_free(b->dc);
    memset(b, 0, sizeof *b);
}

/* Lays the issue out with `toc_pages` pages reserved for the contents. */
static dl_doc *lay_out(typeset_ctx *t, const doc *dc, const flow_geom *g, int toc_pages)
{
    dl_doc *out = dl_doc_new(g->pw, g->ph);
    if (!out)
        return NULL;
    for (int i = 0; i <= toc_pages; i++)
        if (dl_page_add(out) < 0)
            goto fail;
    if (flow_run(t, dc, g, out) || set_labels(out))
        goto fail;
    return out;
fail:
    dl_doc_free(out);
    return NULL;
}

static int build(const char *dir, const char *style_path, diag *d, built *b)
{
    memset(b, 0, sizeof *b);
    long long t0 = typeset_now_ns();
    b->dc = doc_read(dir, d);
    if (!b->dc)
        return -1;
    char *sp = style_path ? strdup(style_path) : find_style(b->dc, d);
    if (!sp)
        return -1;
    b->st = style_read(sp, d);
    free(sp);
    if (!b->st)
        return -1;
    b->fonts = font_lib_new();
    if (!b->fonts) {
        diag_error_general(d, "cannot initialise fontconfig/FreeType");
        return -1;
    }
    flow_geom g;
    if (flow_geom_init(&g, b->st, d))
        return -1;
    b->ns_read = typeset_now_ns() - t0;
    t0 = typeset_now_ns();
    typeset_ctx t;
    typeset_ctx_init(&t, b->fonts, b->st, d, b->dc->src);
    /* The contents' length is known before its page numbers, so the body rarely has to
     * be laid out twice; when the contents grows a page, lay out again (bounded). */
    int toc_pages = 1;
    for (int round = 0; round < 4; round++) {
        b->out = lay_out(&t, b->dc, &g, toc_pages);
        if (!b->out || t.font_error || d->errors)
            return -1;
        int need = front_toc_pages(&t, &g, b->out);
        if (need < 0)
            return -1;
        if (need == toc_pages)
            break;
        if (round == 3) {
            diag_error_general(d, "the contents page count does not settle (%d vs %d pages)",
                               need, toc_pages);
            return -1;
        }
        dl_doc_free(b->out);
        b->out = NULL;
        toc_pages = need;
    }
    if (front_toc(&t, &g, b->out, 1, toc_pages) || front_cover(&t, &b->dc->meta, &g, b->out, 0) ||
        front_running(&t, &b->dc->meta, &g, b->out) || set_info(b->out, &b->dc->meta, b->dc))
        return -1;
    b->ns_shape = t.ns_shape;
    b->ns_compose = t.ns_compose;
    b->ns_layout = typeset_now_ns() - t0 - t.ns_shape - t.ns_compose;
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) == 0)
        b->rss_layout = ru.ru_maxrss;
    return t.font_error || d->errors ? -1 : 0;
}

int issue_layout(const char *issue_dir, const char *style_path, diag *d, dl_doc **out_doc,
                 font_lib **out_fonts)
{
    built b;
    int rc = build(issue_dir, style_path, d, &b);
    if (rc == 0) {
        *out_doc = b.out;
        *out_fonts = b.fonts;
        b.out = NULL;
        b.fonts = NULL;
    }
    built_free(&b);
    return rc;
}

static int make_parent_dir(const char *path, diag *d)
{
    char *dir = strdup(path);
    if (!dir)
        return -1;
    char *slash = strrchr(dir, '/');
    int rc = 0;
    if (slash && slash != dir) {
        *slash = 0;
        if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
            diag_error_general(d, "cannot create directory %s: %s", dir, strerror(errno));
            rc = -1;
        }
    }
    free(dir);
    return rc;
}

/* SOURCE_DATE_EPOCH if set (reproducible builds), else -1: no dates. */
static long long build_date(void)
{
    const char *e = getenv("SOURCE_DATE_EPOCH");
    if (!e || !*e)
        return -1;
    char *end;
    long long v = strtoll(e, &end, 10);
    return *end == 0 && v >= 0 ? v : -1;
}

/* The issue's own date (front matter `date`, else the first of `month`) as seconds
 * since 1970, UTC midnight: press output needs dates and must not use the clock. */
static long long meta_date(const doc_meta *m)
{
    int y = 0, mo = 0, day = 1;
    if (!(m->date && sscanf(m->date, "%d-%d-%d", &y, &mo, &day) == 3) &&
        !(m->month && sscanf(m->month, "%d-%d", &y, &mo) == 2))
        return -1;
    if (y < 1970 || mo < 1 || mo > 12 || day < 1 || day > 31)
        return -1;
    /* Days from civil date (proleptic Gregorian). */
    int yy = y - (mo <= 2);
    long era = (yy >= 0 ? yy : yy - 399) / 400;
    long yoe = yy - era * 400;
    long doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (long long)(era * 146097 + doe - 719468) * 86400;
}

int issue_build(const char *issue_dir, const issue_opts *o, diag *d)
{
    built b;
    int rc = build(issue_dir, o->style_path, d, &b);
    char *out = NULL;
    if (rc == 0) {
        out = o->out ? strdup(o->out) : issue_default_out(issue_dir);
        if (!out || make_parent_dir(out, d))
            rc = -1;
    }
    if (rc == 0) {
        pdf_options po;
        pdf_options_default(&po);
        po.date = build_date();
        issue_press press = o->press;
        if (press == PRESS_FROM_STYLE)
            press = b.st->press == PRESS_X4 ? PRESS_ON_X4 : b.st->press == PRESS_X1A ? PRESS_ON_X1A : PRESS_OFF;
        if (press != PRESS_OFF) {
            po.standard = press == PRESS_ON_X4 ? PDF_X4 : PDF_X1A;
            po.bleed = b.st->bleed;
            po.crop_marks = b.st->crop_marks;
            po.pad_to_4 = b.st->pad_to_4;
            /* No profile named: the default FOGRA39 profile is embedded; "none": the
             * output condition is named only (a registered one, such as FOGRA39). */
            const char *prof = b.st->press_profile;
            if (prof && strcmp(prof, "none") == 0)
                po.icc_path = NULL;
            else if (prof && *prof)
                po.icc_path = prof;
            po.output_condition = b.st->press_condition;
            po.output_condition_info = b.st->press_condition_info;
            po.overprint_black = true;
        }
        /* Info and XMP dates: the build's, else the issue's own (never the clock). */
        if (po.date < 0)
            po.date = meta_date(&b.dc->meta);
        char err[512];
        long long t0 = typeset_now_ns();
        if (pdf_write(b.out, b.fonts, &po, out, err, sizeof err)) {
            diag_error_general(d, "%s", err);
            rc = -1;
        }
        if (getenv("JIANBAO_TIMING"))
            diag_note(d, "timing: read=%.1fms, shape=%.1fms, compose=%.1fms, layout=%.1fms, "
                         "write=%.1fms, rss-after-layout=%ldKB",
                      b.ns_read / 1e6, b.ns_shape / 1e6, b.ns_compose / 1e6, b.ns_layout / 1e6,
                      (typeset_now_ns() - t0) / 1e6, b.rss_layout);
    }
    free(out);
    built_free(&b);
    return rc;
}
