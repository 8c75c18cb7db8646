/* cli — the jianbao command: build, watch, import, preflight, help. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "layout/app/batch.h"
#include "layout/base/diag.h"
#include "layout/import/import.h"
#include "layout/app/issue.h"
#include "layout/app/watch.h"
#include "layout/preflight/preflight.h"

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
    "usage: jianbao import FILE.txt -o issues/<yyyy-mm>/\n"
    "\n"
    "Converts text extracted from a past issue's PDF into issue.md: drops running footers,\n"
    "rejoins paragraphs split at page breaks, turns tab-separated lines into tables, sets\n"
    "heading levels from the issue's own contents and Chinese numbering, and writes the\n"
    "masthead as front matter. Every place it was unsure of is reported as file:line;\n"
    "read those places before building.\n";

static const char *usage_preflight =
    "usage: jianbao preflight FILE.pdf\n"
    "\n"
    "Checks any PDF against the print-shop checklist (PR-01…PR-11: PDF/X identification,\n"
    "output intent, embedded fonts, CMYK/gray colour, K-only black text, boxes and bleed,\n"
    "safe margins, image resolution, transparency, encryption, version). One line per\n"
    "finding, then a summary. Exit status: 0 passed, 1 failures, 2 unreadable file.\n";

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
        rc = issue_build(dirs[0], &bo.opts, &d) == 0 ? 0 : 1;
        if (rc == 0) {
            char *out = bo.opts.out ? strdup(bo.opts.out) : issue_default_out(dirs[0]);
            fprintf(stderr, "jianbao: wrote %s%s\n", out ? out : "the PDF",
                    d.warnings ? " (with warnings above)" : "");
            free(out);
        } else {
            fprintf(stderr, "jianbao: %d error%s; no PDF written\n", d.errors,
                    d.errors == 1 ? "" : "s");
        }
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
    const char *in = NULL, *out = NULL;
    for (int i = 0; i < argc; i++) {
        if (is_help(argv[i])) {
            fputs(usage_import, stdout);
            return 0;
        } else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
            out = argv[++i];
        } else if (argv[i][0] == '-') {
            return bad_usage("unknown option", argv[i], usage_import);
        } else if (!in) {
            in = argv[i];
        } else {
            return bad_usage("one input file only; extra:", argv[i], usage_import);
        }
    }
    if (!in || !out)
        return bad_usage("needs an input file and -o DIR", NULL, usage_import);
    diag d;
    diag_init(&d, stderr);
    int rc = import_run(in, out, &d);
    if (rc == 0)
        fprintf(stderr, "jianbao: wrote %s/issue.md (%d place%s to check)\n", out, d.warnings,
                d.warnings == 1 ? "" : "s");
    return rc == 0 ? 0 : 1;
}

static int cmd_preflight(int argc, char **argv)
{
    const char *file = NULL;
    for (int i = 0; i < argc; i++) {
        if (is_help(argv[i])) {
            fputs(usage_preflight, stdout);
            return 0;
        } else if (argv[i][0] == '-') {
            return bad_usage("unknown option", argv[i], usage_preflight);
        } else if (!file) {
            file = argv[i];
        } else {
            return bad_usage("one PDF only; extra:", argv[i], usage_preflight);
        }
    }
    if (!file)
        return bad_usage("no PDF given", NULL, usage_preflight);
    preflight_options po;
    preflight_options_default(&po);
    return preflight_run(file, stdout, &po);
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
