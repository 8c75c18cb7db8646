/* preflight — checks any PDF against the print shop's checklist PR-01…PR-11
 * (CLREQ.md) and the PDF/X standard it is meant for (PDF/X-1a:2003, ISO 15930-4, or
 * PDF/X-4, ISO 15930-7), with qpdf's parser: identification and metadata, output
 * intent, fonts, colour, black text and ink, boxes and bleed, text near the trim, image
 * resolution, transparency, features the standard forbids, and version.
 *
 * Findings are failures (the standard forbids it, or the shop's list says it fails) or
 * warnings (advice); layout/preflight/pf_checks.c holds every check with its severity
 * for each standard, and the README lists the decisions. Findings of one kind are
 * grouped, with the pages they were found on.
 *
 * The input is untrusted: every loop and allocation it drives has a named limit
 * (pf_int.h); a file that passes a limit gets a failure saying what was not checked. */
#ifndef JB_PREFLIGHT_H
#define JB_PREFLIGHT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef enum {
    PREFLIGHT_AUTO,           /* the standard the file claims; PDF/X-1a:2003 if none */
    PREFLIGHT_X1A,            /* PDF/X-1a:2003 */
    PREFLIGHT_X4,             /* PDF/X-4 */
} preflight_standard;

/* Budgets for untrusted input; preflight_options_default sets the named limits of
 * pf_int.h (tests lower them to reach them with small files). */
typedef struct {
    size_t file_bytes;        /* the PDF itself */
    size_t objects;           /* objects and values visited */
    size_t tokens;            /* content-stream tokens read, all pages */
    size_t stream_bytes;      /* one decoded stream */
    size_t decoded_bytes;     /* all decoded streams together */
    int form_depth;           /* form XObjects inside form XObjects */
    size_t findings;          /* distinct findings listed */
} preflight_limits;

typedef struct {
    preflight_standard standard;
    bool json;                /* preflight_run prints JSON instead of text */
    double min_ppi;           /* PR-08: warn below (300) */
    double fail_ppi;          /* PR-08: fail below (150: visibly pixelated) */
    double safe_mm;           /* PR-07: text this far inside the trim (3) */
    double bleed_mm;          /* PR-06: bleed expected around the trim (3) */
    preflight_limits limits;
} preflight_options;

void preflight_options_default(preflight_options *o);

typedef enum { PREFLIGHT_WARNING = 1, PREFLIGHT_FAILURE = 2 } preflight_severity;

typedef struct {
    int first, last;          /* 1-based, inclusive */
} preflight_pages;

/* One kind of problem, wherever it was found. */
typedef struct {
    int rule;                 /* n of PR-n */
    const char *check;        /* stable id, e.g. "trimbox-missing" */
    preflight_severity severity;
    char *message;            /* what is wrong, with the worst value met */
    const char *fix;          /* what to do */
    preflight_pages *pages;   /* ascending ranges; none for document-wide findings */
    size_t npages;
    int count;                /* pages it is on; for document-wide findings, places */
    int *objects;             /* the first few PDF object numbers involved (for tools) */
    size_t nobjects;
} preflight_finding;

typedef struct {
    char *file;
    char *error;              /* set when the file cannot be checked at all; nothing else is */
    preflight_standard target; /* PREFLIGHT_X1A or PREFLIGHT_X4 */
    const char *target_from;  /* "option", "file" (its claim) or "default" */
    char *claim;              /* the PDF/X version the file claims; NULL: none */
    char *producer;           /* Info /Producer; NULL: none */
    bool plain_jianbao;       /* made by jianbao without --press */
    int pages;
    int failures, warnings;   /* findings of each severity */
    preflight_finding *findings; /* by rule, then in the order first met */
    size_t nfindings;
    int omitted;              /* findings past limits.findings, not listed */
} preflight_report;

/* Checks the PDF at path. NULL only when memory runs out; a file that cannot be read
 * gives a report with error set. */
preflight_report *preflight_check(const char *path, const preflight_options *o);
/* The same for a PDF in memory; name is what the report calls it. */
preflight_report *preflight_check_mem(const char *name, const unsigned char *data, size_t len,
                                      const preflight_options *o);
void preflight_report_free(preflight_report *r);

/* 0: no failure; 1: failures; 2: the file could not be checked. */
int preflight_exit_code(const preflight_report *r);

/* The report for a print shop: a line naming the file, the standard and where it came
 * from; one line per finding ("PR-06 failure: no TrimBox: pages 1–54. Set …"), with
 * the pages it is on and what to do; the summary "preflight: N failures, M warnings
 * (STANDARD)"; and, for a plain jianbao PDF, a last line saying to build with --press.
 * A file that cannot be read gives one line "FILE: error: …". */
void preflight_print_text(const preflight_report *r, FILE *out);
/* The same as one JSON object; the schema is layout/preflight/report.schema.json,
 * described in the README. */
void preflight_print_json(const preflight_report *r, FILE *out);

/* Checks, prints (text, or JSON when o->json) and returns the exit code. */
int preflight_run(const char *path, FILE *out, const preflight_options *o);

#endif
