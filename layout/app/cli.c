/* cli — the jianbao command: build, watch, import, preflight, help. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "layout/app/heap.h"
#include "layout/app/batch.h"
#include "layout/base/diag.h"
#include "layout/base/path.h"
#include "layout/import/import.h"
#include "layout/app/issue.h"
#include "layout/app/watch.h"
#include "layout/app/plugin.h"

#define VERSION "0.1"

static const char *usage_main =
    "usage: jianbao COMMAND [OPTIONS]\n"
    "\n"
    "Typesets the association's monthly 简报 from its source into a print-ready PDF.\n"
    "\n"
    "commands:\n"
    "  build ISSUE_DIR...   typeset issues (e.g. issues/2019-03) to out/<issue>.pdf\n"
    "  watch ISSUE_DIR      typeset an issue again whenever its source, figures or style change\n"
    "  import FILE.txt -o issues/<yyyy-mm>/\n"
    "                       turn text extracted from a past issue's PDF into a source\n"
    "  import ARTICLE.docx [--into ISSUE_DIR]\n"
    "                       turn a Word article into Markdown for the issue (pandoc)\n"
    "  preflight FILE.pdf   check a PDF against the print shop's checklist\n"
    "\n"
    "  help COMMAND         options of a command (also: jianbao COMMAND --help)\n"
    "\n"
    "  -V, --version        the version\n"
    "\n"
    "man jianbao (or man ./jianbao.1 in the source folder) describes it all.\n";

static const char *usage_build =
    "usage: jianbao build ISSUE_DIR [-o FILE.pdf] [--style FILE] [--press[=x1a|x4]]\n"
    "       jianbao build ISSUE_DIR ISSUE_DIR... [-j N] [--force]\n"
    "\n"
    "Typesets an issue directory (holding issue.md and its figures/) to out/<issue>.pdf\n"
    "(`jianbao build .` in the issue's folder: out/<folder name>.pdf there). The PDF is\n"
    "written to a temporary file first: a failed build keeps the old PDF.\n"
    "\n"
    "  -o FILE.pdf       write here instead (one issue only); never an input of the build, a\n"
    "                    file of the issue folder other than a PDF, a link, FIFO or device\n"
    "  --style FILE      use this style sheet instead of the issue's own (styles/<name>.ini)\n"
    "  --press[=x1a|x4]  press-ready PDF/X (default PDF/X-1a:2003): CMYK, bleed, output intent\n"
    "  --no-press        plain PDF even if the style asks for PDF/X\n"
    "  --allow-outside   read figures (and a style's profile) from outside the issue folder\n"
    "                    (and the styles folder): absolute paths, ../, links leading out\n"
    "\n"
    "With several issues (e.g. `jianbao build issues/*`) they are built in parallel;\n"
    "issues whose source, figures, style and program are unchanged since their last good\n"
    "build are skipped; a failing issue does not stop the others. The summary lists the\n"
    "failures and the issues with warnings, then counts built, skipped and failed issues.\n"
    "  -j N              parallel builds (default: the number of cores)\n"
    "  --force           rebuild even unchanged issues\n"
    "\n"
    "SOURCE_DATE_EPOCH, when set, dates the PDF; otherwise it has no date (press output\n"
    "uses the issue's date). The same input always gives the same bytes.\n"
    "Exit status: 0 built, 1 an error (no PDF written), 2 a usage error.\n";

static const char *usage_watch =
    "usage: jianbao watch ISSUE_DIR [-o FILE.pdf] [--style FILE] [--press[=x1a|x4]]\n"
    "\n"
    "Typesets the issue, then again whenever its issue.md, a figure or its style sheet\n"
    "changes, until Ctrl-C. Each build prints one line: its time, pages and warnings, or\n"
    "that it failed (the messages above it say why) and the last good PDF is kept. The PDF\n"
    "is replaced in one step, so viewers that reload files (evince, okular, zathura,\n"
    "mupdf) follow along. Options as for build (one issue).\n";

static const char *usage_import =
    "usage: jianbao import FILE.txt -o issues/<yyyy-mm>/ [--force] [-v]\n"
    "       jianbao import ARTICLE.docx [--into issues/<yyyy-mm>/] [-v]\n"
    "\n"
    "Converts text extracted from a past issue's PDF into issue.md: drops running footers,\n"
    "rejoins paragraphs split at page breaks, turns tab-separated lines into tables, sets\n"
    "heading levels from the issue's own contents and Chinese numbering, and writes the\n"
    "masthead as front matter. The text may be UTF-8, GB 18030/GBK or UTF-16.\n"
    "\n"
    "It lists the places to check in issue.md (issue.md:LINE:1: warning: …): read those\n"
    "before building. What it did on its own by a sure rule is counted as notices.\n"
    "\n"
    "  -o DIR     the issue folder to write issue.md into (created if needed)\n"
    "  --force    replace an existing issue.md (by default it is kept: it may hold edits)\n"
    "  -v         list the notices too\n"
    "\n"
    "A Word article (.docx) is read with pandoc (Debian package pandoc) into an article of\n"
    "the issue: its headings become ## (the article) and ###…, its pictures figures in\n"
    "figures/, its tables Markdown or HTML tables, its quotes, dashes and ellipses those of\n"
    "Chinese text. With --into it is added at the end of ISSUE_DIR/issue.md (move it where\n"
    "it belongs) and its pictures go to ISSUE_DIR/figures/; without, it is printed, and the\n"
    "pictures go to figures/ here.\n"
    "  --into DIR the issue folder to add the article to\n";

static const char *usage_preflight =
    "usage: jianbao preflight FILE.pdf [--target x1a|x4|auto] [--json]\n"
    "\n"
    "Checks any PDF against the print shop's checklist (PR-01…PR-11) and the PDF/X\n"
    "standard: identification, output intent, fonts, colour, black text and ink, boxes\n"
    "and bleed, text near the trim, image resolution, transparency, forbidden features,\n"
    "version. Findings are grouped, with their pages and what to do.\n"
    "\n"
    "  --target x1a|x4|auto  the standard to check against (auto: the file's claim,\n"
    "                        PDF/X-1a:2003 when it claims none)\n"
    "  --json                the report as JSON (schema in the README)\n"
    "\n"
    "Exit status: 0 passed (warnings allowed), 1 failures, 2 unreadable file or usage.\n";

static bool is_help(const char *a)
{
    return strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0 || strcmp(a, "help") == 0;
}

static bool is_version(const char *a)
{
    return strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0;
}

/* An option the build and watch commands share; *i is moved past its argument.
 * Returns false when a is not one of them. */
static bool issue_option(issue_opts *o, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    if (strcmp(a, "-o") == 0 && *i + 1 < argc)
        o->out = argv[++*i];
    else if (strcmp(a, "--style") == 0 && *i + 1 < argc)
        o->style_path = argv[++*i];
    else if (strcmp(a, "--press") == 0 || strcmp(a, "--press=x1a") == 0)
        o->press = PRESS_ON_X1A;
    else if (strcmp(a, "--press=x4") == 0)
        o->press = PRESS_ON_X4;
    else if (strcmp(a, "--no-press") == 0)
        o->press = PRESS_OFF;
    else if (strcmp(a, "--allow-outside") == 0)
        o->allow_outside = true;
    else
        return false;
    return true;
}

static int bad_usage(const char *msg, const char *arg, const char *usage)
{
    fprintf(stderr, "jianbao: %s%s%s\n\n%s", msg, arg ? " " : "", arg ? arg : "", usage);
    return 2;
}

/* "54 pages", and what binding in sheets of four pages adds (a print shop folds the
 * issue so: it asks for a multiple of 4). */
static void page_count(const issue_report *r, char *buf, size_t n)
{
    int blank = (4 - r->pages % 4) % 4;
    if (blank == 0)
        snprintf(buf, n, "%d pages", r->pages);
    else if (r->padded)
        snprintf(buf, n, "%d pages and %d blank to a multiple of 4", r->pages, blank);
    else
        snprintf(buf, n, "%d pages; bound in sheets of 4 it takes %d blank page%s more: "
                 "pad-to-4 = yes in [press] adds them", r->pages, blank, blank == 1 ? "" : "s");
}

static int cmd_build(int argc, char **argv, const char *self)
{
    batch_opts bo;
    memset(&bo, 0, sizeof bo);
    issue_opts_default(&bo.opts);
    bo.self = self;
    char **dirs = calloc((size_t)argc + 1, sizeof *dirs);
    int ndirs = 0;
    if (!dirs)
        return 1;
    int rc = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (is_help(a)) {
            fputs(usage_build, stdout);
            free(dirs);
            return 0;
        } else if (issue_option(&bo.opts, argc, argv, &i)) {
            continue;
        } else if (strcmp(a, "-j") == 0 && i + 1 < argc) {
            bo.jobs = atoi(argv[++i]);
        } else if (strcmp(a, "--force") == 0) {
            bo.force = true;
        } else if (a[0] == '-') {
            free(dirs);
            return bad_usage("unknown option", a, usage_build);
        } else {
            dirs[ndirs++] = argv[i];
        }
    }
    if (ndirs == 0) {
        free(dirs);
        return bad_usage("no issue directory given", NULL, usage_build);
    }
    if (ndirs == 1) {
        diag d;
        diag_init(&d, stderr);
        issue_ctx *ctx = issue_ctx_new();
        issue_report rep = { 0 };
        if (!ctx)
            diag_error_general(&d, "out of memory");
        rc = ctx && issue_build_in(ctx, dirs[0], &bo.opts, &d, &rep) == 0 ? 0 : 1;
        issue_ctx_free(ctx);
        if (rc == 0) {
            char pages[160];
            page_count(&rep, pages, sizeof pages);
            fprintf(stderr, "jianbao: wrote %s (%s)%s\n", rep.out, pages,
                    d.warnings ? " (with warnings above)" : "");
        } else {
            fprintf(stderr, "jianbao: %d error%s; no PDF written\n", d.errors,
                    d.errors == 1 ? "" : "s");
        }
        issue_report_free(&rep);
    } else if (bo.opts.out) {
        rc = bad_usage("-o takes one issue only", NULL, usage_build);
    } else {
        rc = batch_run(dirs, ndirs, &bo, stderr) ? 1 : 0;
    }
    free(dirs);
    return rc;
}

static int cmd_watch(int argc, char **argv)
{
    watch_opts wo;
    watch_opts_default(&wo);
    const char *dir = NULL;
    for (int i = 0; i < argc; i++) {
        if (is_help(argv[i])) {
            fputs(usage_watch, stdout);
            return 0;
        } else if (issue_option(&wo.opts, argc, argv, &i)) {
            continue;
        } else if (argv[i][0] == '-') {
            return bad_usage("unknown option", argv[i], usage_watch);
        } else if (!dir) {
            dir = argv[i];
        } else {
            return bad_usage("one issue only; extra:", argv[i], usage_watch);
        }
    }
    if (!dir)
        return bad_usage("no issue directory given", NULL, usage_watch);
    return watch_run(dir, &wo);
}

static int cmd_import(int argc, char **argv)
{
    const char *in = NULL, *out = NULL, *into = NULL;
    import_opts o = { 0 };
    for (int i = 0; i < argc; i++) {
        if (is_help(argv[i])) {
            fputs(usage_import, stdout);
            return 0;
        } else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
            out = argv[++i];
        } else if (strcmp(argv[i], "--into") == 0 && i + 1 < argc) {
            into = argv[++i];
        } else if (strcmp(argv[i], "--force") == 0) {
            o.force = true;
        } else if (strcmp(argv[i], "-v") == 0 || strcmp(argv[i], "--verbose") == 0) {
            o.verbose = true;
        } else if (argv[i][0] == '-') {
            return bad_usage("unknown option", argv[i], usage_import);
        } else if (!in) {
            in = argv[i];
        } else {
            return bad_usage("one input file only; extra:", argv[i], usage_import);
        }
    }
    diag d;
    diag_init(&d, stderr);
    import_counts n;
    if (in && path_has_suffix(in, ".docx")) {
        if (out)
            return bad_usage("a Word article goes --into an issue folder (or is printed), not -o:", out,
                             usage_import);
        int rc = import_docx(in, into, stdout, &o, &n, &d);
        if (rc == 0 && into)
            fprintf(stderr, "jianbao: added the article to the end of %s/issue.md: %d place%s to check%s; "
                    "%d notice%s%s\n", into, n.check, n.check == 1 ? "" : "s", n.check ? " (listed above)" : "",
                    n.notices, n.notices == 1 ? "" : "s", o.verbose || !n.notices ? "" : " (-v lists them)");
        return rc == 0 ? 0 : 1;
    }
    if (into)
        return bad_usage("--into is for Word articles (.docx); a text file goes -o DIR:", into, usage_import);
    if (!in || !out)
        return bad_usage("needs an input file and -o DIR", NULL, usage_import);
    int rc = import_run(in, out, &o, &n, &d);
    if (rc == 0)
        fprintf(stderr, "jianbao: wrote %s%sissue.md: %d place%s to check%s; %d notice%s%s\n", out,
                out[0] && out[strlen(out) - 1] == '/' ? "" : "/", n.check, n.check == 1 ? "" : "s",
                n.check ? " (listed above)" : "", n.notices, n.notices == 1 ? "" : "s",
                o.verbose || !n.notices ? "" : " (-v lists them)");
    return rc == 0 ? 0 : 1;
}

static int cmd_preflight(int argc, char **argv)
{
    const char *file = NULL;
    bool json = false, target = false;
    preflight_standard standard = PREFLIGHT_AUTO;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (is_help(a)) {
            fputs(usage_preflight, stdout);
            return 0;
        } else if (strcmp(a, "--json") == 0) {
            json = true;
        } else if (strcmp(a, "--target") == 0 && i + 1 < argc) {
            const char *t = argv[++i];
            target = true;
            if (strcmp(t, "x1a") == 0)
                standard = PREFLIGHT_X1A;
            else if (strcmp(t, "x4") == 0)
                standard = PREFLIGHT_X4;
            else if (strcmp(t, "auto") == 0)
                standard = PREFLIGHT_AUTO;
            else
                return bad_usage("--target takes x1a, x4 or auto, not", t, usage_preflight);
        } else if (a[0] == '-') {
            return bad_usage("unknown option", a, usage_preflight);
        } else if (!file) {
            file = a;
        } else {
            return bad_usage("one PDF only; extra:", a, usage_preflight);
        }
    }
    if (!file)
        return bad_usage("no PDF given", NULL, usage_preflight);
    char err[PATH_MAX + 256];
    const preflight_api *pf = plugin_preflight(err, sizeof err);
    if (!pf) {
        fprintf(stderr, "jianbao: error: %s\n", err);
        return 2;             /* as a file that cannot be checked */
    }
    preflight_options po;
    pf->options_default(&po);
    po.json = json;
    if (target)
        po.standard = standard;
    return pf->run(file, stdout, &po);
}

/* `jianbao help [COMMAND]`. */
static int cmd_help(int argc, char **argv)
{
    static const struct {
        const char *name;
        const char **usage;
    } cmds[] = { { "build", &usage_build }, { "watch", &usage_watch },
                 { "import", &usage_import }, { "preflight", &usage_preflight } };
    if (argc == 0) {
        fputs(usage_main, stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (strcmp(argv[0], cmds[i].name) == 0) {
            fputs(*cmds[i].usage, stdout);
            return 0;
        }
    return bad_usage("no such command:", argv[0], usage_main);
}

int main(int argc, char **argv)
{
    heap_init();
    if (argc < 2)
        return bad_usage("no command given", NULL, usage_main);
    const char *cmd = argv[1];
    if (strcmp(cmd, "help") == 0)
        return cmd_help(argc - 2, argv + 2);
    if (is_help(cmd)) {
        fputs(usage_main, stdout);
        return 0;
    }
    if (is_version(cmd)) {
        printf("jianbao %s\n", VERSION);
        return 0;
    }
    if (strcmp(cmd, "watch") == 0)
        return cmd_watch(argc - 2, argv + 2);
    if (strcmp(cmd, "build") == 0)
        return cmd_build(argc - 2, argv + 2, "/proc/self/exe");
    if (strcmp(cmd, "import") == 0)
        return cmd_import(argc - 2, argv + 2);
    if (strcmp(cmd, "preflight") == 0)
        return cmd_preflight(argc - 2, argv + 2);
    return bad_usage("unknown command", cmd, usage_main);
}
