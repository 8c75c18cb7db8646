/* pf_report — the report as text for people and as JSON for tools (the schema is
 * report.schema.json beside this file). */
#include "layout/preflight/pf_int.h"

#include <stdlib.h>
#include <string.h>

#include "layout/base/utf8.h"

/* Page ranges shown in a text line; the JSON has them all. */
#define TEXT_RANGES 6

void preflight_report_free(preflight_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nfindings; i++) {
        free(r->findings[i].message);
        free(r->findings[i].pages);
        free(r->findings[i].objects);
    }
    free(r->findings);
    free(r->file);
    free(r->error);
    free(r->claim);
    free(r->producer);
    free(r);
}

int preflight_exit_code(const preflight_report *r)
{
    return r->error ? 2 : r->failures ? 1 : 0;
}

static const char *severity_name(preflight_severity s)
{
    return s == PREFLIGHT_FAILURE ? "failure" : "warning";
}

/* ": page 2", ": pages 1–3, 7, 9–54"; nothing for a document-wide finding. */
static void print_pages(const preflight_finding *f, FILE *out)
{
    if (f->npages == 0) {
        if (f->count > 1)
            fprintf(out, " (%d places)", f->count);
        return;
    }
    bool one = f->npages == 1 && f->pages[0].first == f->pages[0].last;
    fputs(one ? ": page " : ": pages ", out);
    for (size_t i = 0; i < f->npages && i < TEXT_RANGES; i++) {
        const preflight_pages *pg = &f->pages[i];
        fprintf(out, i ? ", %d" : "%d", pg->first);
        if (pg->last > pg->first)
            fprintf(out, "\xE2\x80\x93%d", pg->last); /* en dash */
    }
    if (f->npages > TEXT_RANGES)
        fprintf(out, ", \xE2\x80\xA6 (%d pages in all)", f->count);
}

static void print_header(const preflight_report *r, FILE *out)
{
    const char *std = pf_std_name(r->target);
    fprintf(out, "%s: ", r->file);
    if (!strcmp(r->target_from, "file"))
        fprintf(out, "%s, as the file claims", std);
    else if (!strcmp(r->target_from, "option"))
        fprintf(out, "checked as %s (the file claims %s)", std, r->claim ? r->claim : "none");
    else if (r->claim)
        fprintf(out, "claims %s, checked as %s (jianbao checks PDF/X-1a and PDF/X-4)", r->claim,
                std);
    else
        fprintf(out, "no PDF/X claim, checked as %s", std);
    fprintf(out, "; %d page%s\n", r->pages, r->pages == 1 ? "" : "s");
}

void preflight_print_text(const preflight_report *r, FILE *out)
{
    if (r->error) {
        fprintf(out, "%s: error: %s\n", r->file, r->error);
        return;
    }
    print_header(r, out);
    for (size_t i = 0; i < r->nfindings; i++) {
        const preflight_finding *f = &r->findings[i];
        fprintf(out, "PR-%02d %s: %s", f->rule, severity_name(f->severity), f->message);
        print_pages(f, out);
        fprintf(out, ". %s.\n", f->fix);
    }
    if (r->omitted)
        fprintf(out, "(%d more finding%s not listed: the first %zu are above)\n", r->omitted,
                r->omitted == 1 ? "" : "s", r->nfindings);
    /* Always plural: scripts parse this line. */
    fprintf(out, "preflight: %d failures, %d warnings (%s)\n", r->failures, r->warnings,
            pf_std_name(r->target));
    if (r->plain_jianbao)
        fprintf(out, "%s is a plain jianbao PDF: for the print shop, build with --press "
                     "(jianbao build --press ISSUE_DIR).\n",
                r->file);
}

/* A JSON string: UTF-8 kept, invalid bytes as U+FFFD, control characters escaped. */
static void json_str(const char *s, FILE *out)
{
    if (!s) {
        fputs("null", out);
        return;
    }
    fputc('"', out);
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        uint32_t cp = utf8_next(s, n, &i);
        char enc[4];
        if (cp == '"' || cp == '\\')
            fprintf(out, "\\%c", (char)cp);
        else if (cp < 0x20 || cp == 0x7F)
            fprintf(out, "\\u%04x", (unsigned)cp);
        else
            fwrite(enc, 1, (size_t)utf8_put(cp, enc), out);
    }
    fputc('"', out);
}

static void json_finding(const preflight_finding *f, FILE *out)
{
    fprintf(out, "{\"rule\": \"PR-%02d\", \"check\": ", f->rule);
    json_str(f->check, out);
    fprintf(out, ", \"severity\": \"%s\", \"message\": ", severity_name(f->severity));
    json_str(f->message, out);
    fputs(", \"fix\": ", out);
    json_str(f->fix, out);
    fputs(", \"pages\": [", out);
    for (size_t i = 0; i < f->npages; i++)
        fprintf(out, "%s[%d, %d]", i ? ", " : "", f->pages[i].first, f->pages[i].last);
    fprintf(out, "], \"count\": %d, \"objects\": [", f->count);
    for (size_t i = 0; i < f->nobjects; i++)
        fprintf(out, "%s%d", i ? ", " : "", f->objects[i]);
    fputs("]}", out);
}

void preflight_print_json(const preflight_report *r, FILE *out)
{
    fputs("{\n  \"schema\": \"jianbao-preflight/1\",\n  \"file\": ", out);
    json_str(r->file, out);
    fputs(",\n  \"error\": ", out);
    json_str(r->error, out);
    fprintf(out, ",\n  \"target\": \"%s\",\n  \"target_from\": \"%s\",\n  \"claim\": ",
            pf_std_name(r->target), r->target_from);
    json_str(r->claim, out);
    fputs(",\n  \"producer\": ", out);
    json_str(r->producer, out);
    fprintf(out,
            ",\n  \"plain_jianbao\": %s,\n  \"pages\": %d,\n  \"passed\": %s,\n"
            "  \"failures\": %d,\n  \"warnings\": %d,\n  \"omitted\": %d,\n  \"findings\": [",
            r->plain_jianbao ? "true" : "false", r->pages,
            preflight_exit_code(r) == 0 ? "true" : "false", r->failures, r->warnings,
            r->omitted);
    for (size_t i = 0; i < r->nfindings; i++) {
        fputs(i ? ",\n    " : "\n    ", out);
        json_finding(&r->findings[i], out);
    }
    fputs(r->nfindings ? "\n  ],\n  \"advice\": " : "],\n  \"advice\": ", out);
    json_str(r->plain_jianbao ? "build with --press (jianbao build --press ISSUE_DIR)" : NULL,
             out);
    fputs("\n}\n", out);
}
