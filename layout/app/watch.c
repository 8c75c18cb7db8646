/* watch — see watch.h. */
#include "layout/app/watch.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "layout/base/path.h"
#include "layout/base/strbuf.h"
#include "layout/base/vec.h"
#include "layout/compose/typeset.h"

/* Changes that come in a burst (an editor's save, a copied folder) are built once: after
 * SETTLE_MS without another when the last one brought an input (written or moved in:
 * the save is whole), after QUIET_MS when it took one away (renamed off or deleted: an
 * editor that saves by moving the old file aside writes the new one next) or touched
 * another file (a temporary one about to be renamed over an input, a figure arriving),
 * and at most MAX_WAIT_MS after the first. */
#define SETTLE_MS 10
#define QUIET_MS 100
#define MAX_WAIT_MS 2000

/* What changes in a watched folder mean a rebuild (IN_CREATE: a figures/ folder made
 * while watching; files count once written, IN_CLOSE_WRITE). */
#define WATCH_MASK (IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_ATTRIB | \
                    IN_CREATE)

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

/* A watched folder, by its real path. */
typedef struct {
    int wd;
    char *real;
} watched;

/* A file that matters: its folder's real path and its name. */
typedef struct {
    char *dir, *name;
} watched_file;

typedef struct {
    const char *issue_dir;
    const watch_opts *o;
    issue_ctx *ctx;
    int fd;                   /* inotify */
    watched *dirs;
    size_t ndirs, capdirs;
    watched_file *files;      /* inputs of every build so far */
    size_t nfiles, capfiles;
    char *folder, *figures;   /* real paths: any file there counts */
    char *out_dir, *out_name; /* the PDF, whose own writes do not count */
} watcher;

void watch_opts_default(watch_opts *o)
{
    memset(o, 0, sizeof *o);
    issue_opts_default(&o->opts);
    o->status = stdout;
    o->settle_ms = SETTLE_MS;
    o->quiet_ms = QUIET_MS;
}

/* Splits path into its folder's real path and its name (both NULL when the folder
 * does not exist). */
static void split_real(const char *path, char **dir, char **name)
{
    const char *slash = strrchr(path, '/');
    char *d = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
    *dir = d ? realpath(d, NULL) : NULL;
    *name = *dir ? strdup(slash ? slash + 1 : path) : NULL;
    free(d);
}

/* Watches a folder (once). */
static void watch_dir(watcher *w, const char *real)
{
    for (size_t i = 0; i < w->ndirs; i++)
        if (strcmp(w->dirs[i].real, real) == 0)
            return;
    int wd = inotify_add_watch(w->fd, real, WATCH_MASK | IN_ONLYDIR);
    char *copy = wd >= 0 ? strdup(real) : NULL;
    if (copy && VEC_PUSH_ROOM(w->dirs, w->capdirs, w->ndirs))
        w->dirs[w->ndirs++] = (watched){ wd, copy };
    else
        free(copy);
}

/* Remembers an input of a build and watches its folder. */
static void watch_file(watcher *w, const char *path)
{
    char *dir, *name;
    split_real(path, &dir, &name);
    if (!dir || !name) {
        free(dir);
        free(name);
        return;
    }
    watch_dir(w, dir);
    for (size_t i = 0; i < w->nfiles; i++)
        if (strcmp(w->files[i].dir, dir) == 0 && strcmp(w->files[i].name, name) == 0) {
            free(dir);
            free(name);
            return;
        }
    if (VEC_PUSH_ROOM(w->files, w->capfiles, w->nfiles)) {
        w->files[w->nfiles++] = (watched_file){ dir, name };
    } else {
        free(dir);
        free(name);
    }
}

/* Editors' own files: swap files, backups, vim's write test, anything hidden. */
static bool editor_file(const char *name)
{
    return name[0] == '.' || path_has_suffix(name, "~") || path_has_suffix(name, ".swp") ||
           path_has_suffix(name, ".swx") || strcmp(name, "4913") == 0;
}

/* What a changed name in a watched folder is. */
typedef enum { NAME_NONE, NAME_INPUT, NAME_OTHER } name_kind;

/* Whether a change to name in watched folder wd should rebuild: an input of the last
 * build, or another file of the issue's folders (a figure named but missing may just have
 * arrived; or it is an editor's temporary file, about to be renamed over an input). */
static name_kind relevant(const watcher *w, int wd, const char *name)
{
    const char *dir = NULL;
    for (size_t i = 0; i < w->ndirs; i++)
        if (w->dirs[i].wd == wd)
            dir = w->dirs[i].real;
    if (!dir || !name[0] || editor_file(name))
        return NAME_NONE;
    if (w->out_dir && strcmp(dir, w->out_dir) == 0 && strcmp(name, w->out_name) == 0)
        return NAME_NONE;
    for (size_t i = 0; i < w->nfiles; i++)
        if (strcmp(w->files[i].dir, dir) == 0 && strcmp(w->files[i].name, name) == 0)
            return NAME_INPUT;
    return (w->folder && strcmp(dir, w->folder) == 0 && !path_has_suffix(name, ".pdf")) ||
                   (w->figures && strcmp(dir, w->figures) == 0)
               ? NAME_OTHER
               : NAME_NONE;
}

/* A folder made in a watched one: figures/ in the issue folder is watched from now on
 * (and what may already be in it counts as a change). */
static bool new_dir(watcher *w, int wd, const char *name)
{
    if (w->figures || strcmp(name, "figures") != 0)
        return false;
    for (size_t i = 0; i < w->ndirs; i++)
        if (w->dirs[i].wd == wd && strcmp(w->dirs[i].real, w->folder) == 0) {
            char *figs = strbuf_format("%s/figures", w->folder);
            w->figures = figs ? realpath(figs, NULL) : NULL;
            free(figs);
            if (w->figures)
                watch_dir(w, w->figures);
            return w->figures != NULL;
        }
    return false;
}

static long long now_ms(void)
{
    return typeset_now_ns() / 1000000;
}

/* What the last change that should rebuild did: an input arrived whole, or something
 * that more may follow (open: a file moved off or deleted, a temporary file). */
typedef enum { CHANGE_NONE, CHANGE_ARRIVED, CHANGE_OPEN } change;

/* Reads what inotify has; the last of it that should rebuild. */
static change drain(watcher *w)
{
    change last = CHANGE_NONE;
    char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
    for (;;) {
        ssize_t n = read(w->fd, buf, sizeof buf);
        if (n <= 0)
            return last;
        for (char *p = buf; p < buf + n;) {
            const struct inotify_event *e = (const struct inotify_event *)p;
            if (e->mask & IN_Q_OVERFLOW)
                last = CHANGE_OPEN;   /* events lost: wait as for the worst */
            else if ((e->mask & IN_CREATE) && (e->mask & IN_ISDIR)) {
                if (new_dir(w, e->wd, e->name))
                    last = CHANGE_ARRIVED;
            } else if (e->mask & IN_CREATE)
                ;             /* a file being made: counted when written */
            else if (e->len) {
                /* Only an input written or moved in is a save that is whole. */
                name_kind k = relevant(w, e->wd, e->name);
                if (k == NAME_INPUT && !(e->mask & (IN_MOVED_FROM | IN_DELETE)))
                    last = CHANGE_ARRIVED;
                else if (k != NAME_NONE)
                    last = CHANGE_OPEN;
            }
            p += sizeof *e + e->len;
        }
    }
}

/* Waits for a change that should rebuild, then for the burst to end. False when
 * stopped. */
static bool wait_change(watcher *w)
{
    struct pollfd pfd = { .fd = w->fd, .events = POLLIN };
    change last = CHANGE_NONE;
    while (!stop && last == CHANGE_NONE) {
        int k = poll(&pfd, 1, -1);
        if (k < 0 && errno != EINTR)
            return false;
        if (k > 0)
            last = drain(w);
    }
    long long first = now_ms();
    while (!stop && now_ms() - first < MAX_WAIT_MS) {
        int k = poll(&pfd, 1, last == CHANGE_OPEN ? w->o->quiet_ms : w->o->settle_ms);
        if (k == 0)
            break;
        change c = k > 0 ? drain(w) : CHANGE_NONE;
        if (c != CHANGE_NONE)
            last = c;
    }
    return !stop;
}

/* One build, its line, and the folders it read added to the watch. */
static void rebuild(watcher *w)
{
    diag d;
    diag_init(&d, stderr);
    issue_report rep = { 0 };
    long long t0 = typeset_now_ns();
    int rc = issue_build_in(w->ctx, w->issue_dir, &w->o->opts, &d, &rep);
    double secs = (typeset_now_ns() - t0) / 1e9;
    time_t now = time(NULL);
    struct tm tm;
    char when[16] = "";
    if (localtime_r(&now, &tm))
        strftime(when, sizeof when, "%H:%M:%S", &tm);
    const char *out = rep.out ? rep.out : "the PDF";
    if (rc == 0) {
        fprintf(w->o->status, "%s built %s in %.2f s: %d page%s, %d warning%s\n", when, out,
                secs, rep.pages, rep.pages == 1 ? "" : "s", d.warnings,
                d.warnings == 1 ? "" : "s");
    } else {
        struct stat st;
        bool kept = rep.out && stat(rep.out, &st) == 0;
        fprintf(w->o->status, "%s failed in %.2f s: %d error%s, %d warning%s; %s%s\n", when,
                secs, d.errors, d.errors == 1 ? "" : "s", d.warnings, d.warnings == 1 ? "" : "s",
                kept ? out : "no PDF yet",
                kept ? " is kept from the last good build" : "");
    }
    fflush(w->o->status);
    if (!w->figures) {        /* figures/ made since: watch it too */
        char *figs = strbuf_format("%s/figures", w->folder);
        w->figures = figs ? realpath(figs, NULL) : NULL;
        free(figs);
        if (w->figures)
            watch_dir(w, w->figures);
    }
    for (int i = 0; i < rep.ninputs; i++)
        watch_file(w, rep.inputs[i]);
    if (rep.out && !w->out_dir)
        split_real(rep.out, &w->out_dir, &w->out_name);
    issue_report_free(&rep);
}

static void watcher_free(watcher *w)
{
    for (size_t i = 0; i < w->ndirs; i++)
        free(w->dirs[i].real);
    free(w->dirs);
    for (size_t i = 0; i < w->nfiles; i++) {
        free(w->files[i].dir);
        free(w->files[i].name);
    }
    free(w->files);
    free(w->folder);
    free(w->figures);
    free(w->out_dir);
    free(w->out_name);
    issue_ctx_free(w->ctx);
    if (w->fd >= 0)
        close(w->fd);
}

int watch_run(const char *issue_dir, const watch_opts *o)
{
    watcher w = { .issue_dir = issue_dir, .o = o, .fd = -1 };
    char *folder = issue_folder(issue_dir);
    char *figs = folder ? strbuf_format("%s/figures", folder) : NULL;
    w.folder = folder ? realpath(folder, NULL) : NULL;
    w.figures = figs ? realpath(figs, NULL) : NULL;
    free(folder);
    free(figs);
    if (!w.folder) {
        fprintf(stderr, "jianbao: error: cannot watch %s: %s\n", issue_dir, strerror(errno));
        watcher_free(&w);
        return 1;
    }
    w.ctx = issue_ctx_new();
    if (w.ctx)
        issue_ctx_keep_paragraphs(w.ctx);   /* an edit re-sets only what changed */
    w.fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (!w.ctx || w.fd < 0) {
        fprintf(stderr, "jianbao: error: cannot watch files: %s\n",
                w.ctx ? strerror(errno) : "out of memory");
        watcher_free(&w);
        return 1;
    }
    watch_dir(&w, w.folder);
    if (w.figures)
        watch_dir(&w, w.figures);
    struct sigaction sa = { .sa_handler = on_signal };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    fprintf(o->status, "jianbao: watching %s (Ctrl-C to stop)\n", issue_dir);
    rebuild(&w);
    while (wait_change(&w))
        rebuild(&w);
    watcher_free(&w);
    return 0;
}
