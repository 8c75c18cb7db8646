/* preflight — checks any PDF against the print shop's checklist PR-01…PR-11 (CLREQ.md)
 * with qpdf's parser: identification, output intent, fonts, colour spaces, black text,
 * boxes, text near the trim, image resolution, transparency, forbidden features and
 * version.
 *
 * Findings are failures (the file is not what the standard or the shop requires) or
 * warnings (likely trouble on press: rich or knocking-out black text, text near the
 * trim, low image resolution, fonts without subset tag or ToUnicode).
 *
 * PR-07 measures every text run with its font's widths: /W and /DW of Type 0 fonts with
 * Identity-H, /Widths of simple fonts; Tc, Tw, Tz, Ts and TJ adjustments applied. Other
 * CMaps and fonts without widths (the standard 14) are estimated at 1 em a 2-byte code,
 * ½ em a byte. */
#ifndef JB_PREFLIGHT_H
#define JB_PREFLIGHT_H

#include <stdio.h>

typedef enum {
    PREFLIGHT_AUTO,           /* the standard the file claims; PDF/X-1a:2003 if none */
    PREFLIGHT_X1A,            /* PDF/X-1a:2003 */
    PREFLIGHT_X4,             /* PDF/X-4 */
} preflight_standard;

typedef struct {
    preflight_standard standard;
    double min_ppi;           /* PR-08: warn below (300) */
    double safe_mm;           /* PR-07: text this far inside the trim (3) */
    double bleed_mm;          /* PR-06: bleed expected around the trim (3) */
} preflight_options;

void preflight_options_default(preflight_options *o);

/* Checks any PDF against the print-shop checklist PR-01…PR-11 (CLREQ.md). Prints one
 * line per finding: "FILE: page N: PR-xx: what (object N)" and a summary line; returns
 * 0 when there is no failure, 1 when there are failures, 2 when the file cannot be
 * read.
 *
 * Each finding line reads "FILE: [page N: ]PR-xx: failure|warning: what[ (object N)]";
 * document-wide findings have no page. The same finding is printed once per page. The
 * summary is "preflight: N failures, M warnings (STANDARD)". A file that cannot be read
 * gives one line "FILE: error: …" and no summary. */
int preflight_run(const char *pdf_path, FILE *out, const preflight_options *o);

#endif
