/* batch — see batch.h. */
#include "layout/app/batch.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "layout/base/fileio.h"
#include "layout/base/path.h"
#include "layout/base/strbuf.h"
#include "layout/base/suggest.h"
#include "layout/base/vec.h"
#include "layout/read/doc.h"

/* Inputs are hashed whole; none is larger (figures are limited far below this). */
#define MAX_INPUT_BYTES ((size_t)1 << 30)
/* Stamp lines are at most this long (a warning line is cut there). */
#define MAX_STAMP_LINE 4096

/* ---- fingerprints ---- */

typedef struct {
    uint64_t h;
} fnv;

static void fnv_bytes(fnv *f, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        f->h = (f->h ^ b[i]) * 1099511628211ull;
}

static void fnv_str(fnv *f, const char *s)
{
    fnv_bytes(f, s ? s : "", strlen(s ? s : "") + 1);
}

/* A file's name and contents. Only regular files are read (a FIFO or a device among
 * the inputs would block or never end). */
static int fnv_file(fnv *f, const char *path)
{
    size_t n;
    unsigned char *b = fileio_read(path, MAX_INPUT_BYTES, &n);
    if (!b)
        return -1;
    fnv_str(f, path);
    fnv_bytes(f, b, n);
    free(b);
    return 0;
}

/* The .ini files of a styles folder, in name order (a style found by name may come
 * from any of them, so a new or changed one counts). */
static void fnv_styles(fnv *f, const char *dir)
{
    struct dirent **list = NULL;
    int n = dir ? scandir(dir, &list, NULL, alphasort) : -1;
    for (int i = 0; i < n; i++) {
        const char *name = list[i]->d_name;
        if (name[0] != '.' && path_has_suffix(name, ".ini")) {
            char *p = strbuf_format("%s/%s", dir, name);
            if (!p || fnv_file(f, p))
                fnv_str(f, name);   /* there, but not a readable file */
            free(p);
        }
        free(list[i]);
    }
    free(list);
}

char *batch_fingerprint(const char *issue_dir, char *const *inputs, int ninputs,
                        const batch_opts *o)
{
    fnv f = { 1469598103934665603ull };
    fnv_str(&f, "jianbao stamp 2");
    fnv_str(&f, o->opts.style_path);
    char opt[32];
    snprintf(opt, sizeof opt, "%d %d", (int)o->opts.press, (int)o->opts.allow_outside);
    fnv_str(&f, opt);
    for (int i = 0; i < ninputs; i++)
        if (fnv_file(&f, inputs[i]))
            return NULL;
    if (!o->opts.style_path) {
        char *folder = issue_folder(issue_dir), *data = issue_data_dir();
        char *up = folder ? strbuf_format("%s/../../styles", folder) : NULL;
        char *own = data ? strbuf_format("%s/styles", data) : NULL;
        fnv_styles(&f, up);
        fnv_styles(&f, "styles");
        fnv_styles(&f, own);
        free(folder);
        free(data);
        free(up);
        free(own);
    }
    if (o->self && fnv_file(&f, o->self))
        return NULL;
    char *hex = malloc(17);
    if (hex)
        snprintf(hex, 17, "%016llx", (unsigned long long)f.h);
    return hex;
}

/* ---- stamps ---- */

/* What the last good build of an issue left: its fingerprint, inputs and warnings. */
typedef struct {
    char *print;
    char **inputs;
    int ninputs;
    char **warnings;
    int nwarnings;
} stamp;

static void stamp_free(stamp *s)
{
    free(s->print);
    for (int i = 0; i < s->ninputs; i++)
        free(s->inputs[i]);
    free(s->inputs);
    for (int i = 0; i < s->nwarnings; i++)
        free(s->warnings[i]);
    free(s->warnings);
    memset(s, 0, sizeof *s);
}

static bool list_add(char ***v, int *n, const char *s, size_t len)
{
    size_t cap = (size_t)*n;
    char *c = strndup(s, len);
    if (!c || *n == INT_MAX || !vec_reserve((void **)v, &cap, (size_t)*n + 1, sizeof **v)) {
        free(c);
        return false;
    }
    (*v)[(*n)++] = c;
    return true;
}

/* Reads a stamp; false when there is none or it is not one. */
static bool stamp_read(const char *path, stamp *s)
{
    memset(s, 0, sizeof *s);
    size_t n;
    char *text = (char *)fileio_read(path, (size_t)16 << 20, &n);
    if (!text)
        return false;
    bool ok = strncmp(text, "jianbao stamp 2\n", 16) == 0;
    for (char *p = text; ok && *p;) {
        char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (strncmp(p, "print ", 6) == 0 && !s->print)
            ok = (s->print = strndup(p + 6, len - 6)) != NULL;
        else if (strncmp(p, "input ", 6) == 0)
            ok = list_add(&s->inputs, &s->ninputs, p + 6, len - 6);
        else if (strncmp(p, "warning ", 8) == 0)
            ok = list_add(&s->warnings, &s->nwarnings, p + 8, len - 8);
        p = nl ? nl + 1 : p + len;
    }
    free(text);
    if (!ok || !s->print)
        stamp_free(s);
    return ok && s->print;
}

/* Writes a stamp through a temporary file and a rename. */
static int stamp_write(const char *path, const char *print, char *const *inputs, int ninputs,
                       char *const *warnings, int nwarnings)
{
    char *tmp = strbuf_format("%s.%ld.tmp", path, (long)getpid());
    FILE *fp = tmp ? fopen(tmp, "w") : NULL;
    if (!fp) {
        free(tmp);
        return -1;
    }
    int rc = fprintf(fp, "jianbao stamp 2\nprint %s\n", print) < 0;
    for (int i = 0; i < ninputs; i++)
        rc |= fprintf(fp, "input %s\n", inputs[i]) < 0;
    for (int i = 0; i < nwarnings; i++)
        rc |= fprintf(fp, "warning %s\n", warnings[i]) < 0;
    rc |= fflush(fp) != 0;
    rc |= fsync(fileno(fp)) != 0;
    rc |= fclose(fp) != 0;
    if (rc || rename(tmp, path) != 0) {
        unlink(tmp);
        rc = -1;
    }
    free(tmp);
    return rc ? -1 : 0;
}

/* The warning lines of a build's log. */
static void log_warnings(const char *log, char ***w, int *n)
{
    FILE *fp = fopen(log, "r");
    if (!fp)
        return;
    char line[MAX_STAMP_LINE];
    while (fgets(line, sizeof line, fp)) {
        size_t len = strcspn(line, "\n");
        if (strstr(line, ": warning: ") && len > 0)
            list_add(w, n, line, len);
        if (!strchr(line, '\n'))    /* a longer line: skip the rest of it */
            for (int c; (c = fgetc(fp)) != EOF && c != '\n';)
                ;
    }
    fclose(fp);
}

/* ---- jobs ---- */

typedef enum { ST_PENDING, ST_RUNNING, ST_BUILT, ST_SKIPPED, ST_FAILED } job_state;

typedef struct {
    const char *dir;
    char *name, *pdf, *stamp, *log, *real;
    job_state state;
    bool same_as_earlier;     /* the same issue named again: built once */
    bool log_made;
    pid_t pid;
    int warnings;             /* said in this run: by the build, its stamp or the batch */
    char first_warning[512];
    char reason[512];
    doc *meta;                /* front matter, for the checks across issues */
} job;

/* Copies src into dst[n], cut at a character boundary when too long. */
static void copy_line(char *dst, size_t n, const char *src)
{
    size_t k = strlen(src);
    if (k >= n) {
        k = n - 1;
        while (k > 0 && ((unsigned char)src[k] & 0xC0) == 0x80)
            k--;
    }
    memcpy(dst, src, k);
    dst[k] = 0;
}

static void job_fail(job *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void job_fail(job *j, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(j->reason, sizeof j->reason, fmt, ap);
    va_end(ap);
    j->state = ST_FAILED;
}

static void note_warning(job *j, const char *line)
{
    if (!j->warnings++)
        copy_line(j->first_warning, sizeof j->first_warning, line);
}

/* A folder near a missing one, among its would-be siblings (caller frees). */
static char *near_folder(const char *dir)
{
    char *parent = strdup(dir), *base = path_base(dir);
    if (!parent || !base) {
        free(parent);
        free(base);
        return NULL;
    }
    size_t n = strlen(parent);
    while (n > 1 && parent[n - 1] == '/')
        parent[--n] = 0;
    char *slash = strrchr(parent, '/');
    const char *pdir = slash ? (slash == parent ? "/" : parent) : ".";
    if (slash && slash != parent)
        *slash = 0;
    struct dirent **list = NULL;
    int k = scandir(pdir, &list, NULL, alphasort);
    suggest sg;
    suggest_init(&sg, base, strlen(base));
    for (int i = 0; i < k; i++)
        if (list[i]->d_name[0] != '.')
            suggest_offer(&sg, list[i]->d_name);
    const char *best = suggest_best(&sg);
    char *out = best ? (slash ? strbuf_format("%s/%s", slash == parent ? "" : parent, best)
                              : strdup(best)) : NULL;
    for (int i = 0; i < k; i++)
        free(list[i]);
    free(list);
    free(parent);
    free(base);
    return out;
}

/* Checks that j->dir is an issue and names its files; a job that is not one fails. */
static int prepare(job *j, const batch_opts *o)
{
    const char *outdir = o->out_dir ? o->out_dir : "out";
    struct stat st;
    if (stat(j->dir, &st) != 0) {
        char *near = near_folder(j->dir);
        if (near)
            job_fail(j, "no such issue folder; did you mean %s?", near);
        else
            job_fail(j, "no such issue folder (%s)", strerror(errno));
        free(near);
        return 0;
    }
    char *file = S_ISDIR(st.st_mode) ? strbuf_format("%s/issue.md", j->dir) : strdup(j->dir);
    struct stat fs;
    bool there = file && stat(file, &fs) == 0;
    if (!there || !S_ISREG(fs.st_mode) || (!S_ISDIR(st.st_mode) && !path_has_suffix(file, ".md"))) {
        job_fail(j, !S_ISDIR(st.st_mode) ? "not an issue: give its folder (holding issue.md)"
                    : there ? "its issue.md is not a regular file (a FIFO, device or folder)"
                            : "not an issue folder: it has no issue.md");
        free(file);
        return 0;
    }
    j->real = realpath(file, NULL);
    free(file);
    j->name = issue_name(j->dir);
    const char *tmpdir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    j->pdf = j->name ? strbuf_format("%s/%s.pdf", outdir, j->name) : NULL;
    j->stamp = j->name ? strbuf_format("%s/.%s.stamp", outdir, j->name) : NULL;
    j->log = strbuf_format("%s/jianbao-logXXXXXX", tmpdir);
    if (!j->real || !j->pdf || !j->stamp || !j->log)
        return -1;
    int fd = mkstemp(j->log);
    if (fd < 0)
        return -1;
    close(fd);
    j->log_made = true;
    return 0;
}

/* The same issue named twice is built once; two issues with one output name (a/2019-05
 * and b/2019-05) would overwrite each other's PDF: both fail. */
static void check_outputs(job *jobs, int n)
{
    for (int i = 0; i < n; i++)
        for (int k = 0; k < i; k++) {
            job *a = &jobs[k], *b = &jobs[i];
            if (a->state != ST_PENDING || b->state != ST_PENDING)
                continue;
            if (strcmp(a->real, b->real) == 0) {
                b->state = ST_SKIPPED;
                b->same_as_earlier = true;
            } else if (strcmp(a->pdf, b->pdf) == 0) {
                job_fail(a, "it and %s would both be written to %s; build them one at a time "
                            "with -o", b->dir, a->pdf);
                job_fail(b, "it and %s would both be written to %s; build them one at a time "
                            "with -o", a->dir, b->pdf);
            }
        }
}

/* Two issues numbered alike (总第29期 twice): the later one in the list is warned. */
static void check_numbers(job *jobs, int n, FILE *out)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *sink = open_memstream(&buf, &len);
    diag quiet;
    diag_init(&quiet, sink ? sink : stderr);
    doc_options fm = { .front_matter_only = true };
    for (int i = 0; i < n; i++)
        if (jobs[i].state == ST_PENDING)
            jobs[i].meta = doc_read_with(jobs[i].dir, &fm, &quiet);
    if (sink)
        fclose(sink);
    free(buf);
    diag d;
    diag_init(&d, out);
    for (int i = 0; i < n; i++)
        for (int k = 0; k < i; k++) {
            const doc *a = jobs[k].meta, *b = jobs[i].meta;
            if (!a || !b || !a->meta.issue || !b->meta.issue ||
                strcmp(a->meta.issue, b->meta.issue) != 0)
                continue;
            int line, col;
            src_file_pos(a->src, a->meta.issue_at, &line, &col);
            diag_warning_at(&d, b->src, b->meta.issue_at,
                            "%s is also the number of %s (%s:%d:%d); give each issue its own "
                            "number", b->meta.issue, jobs[k].dir, a->src->path, line, col);
            int bl, bc;
            src_file_pos(b->src, b->meta.issue_at, &bl, &bc);
            char *first = strbuf_format("%s:%d:%d: warning: %s is also the number of %s",
                                        b->src->path, bl, bc, b->meta.issue, jobs[k].dir);
            note_warning(&jobs[i], first ? first : b->meta.issue);
            free(first);
            break;
        }
}

/* Skips an issue whose stamp matches what it would read now; repeats its warnings. */
static void check_unchanged(job *j, const batch_opts *o, FILE *out)
{
    stamp s;
    if (o->force || !stamp_read(j->stamp, &s))
        return;
    char *print = batch_fingerprint(j->dir, s.inputs, s.ninputs, o);
    struct stat st;
    if (print && strcmp(print, s.print) == 0 && lstat(j->pdf, &st) == 0 && S_ISREG(st.st_mode)) {
        j->state = ST_SKIPPED;
        for (int i = 0; i < s.nwarnings; i++) {
            fprintf(out, "%s\n", s.warnings[i]);
            note_warning(j, s.warnings[i]);
        }
    }
    free(print);
    stamp_free(&s);
}

/* The child: builds one issue, its messages to the job's log; a good build leaves its
 * stamp. */
static void run_child(const job *j, const batch_opts *o)
{
    FILE *log = fopen(j->log, "w");
    diag d;
    diag_init(&d, log ? log : stderr);
    issue_opts io = o->opts;
    io.out = j->pdf;
    issue_ctx *ctx = issue_ctx_new();
    issue_report rep = { 0 };
    int rc = ctx ? issue_build_in(ctx, j->dir, &io, &d, &rep) : -1;
    if (log)
        fflush(log);
    if (rc == 0) {
        /* Fingerprinted after the build: an input changed while it ran is taken as
         * built (the next run sees only later changes). */
        char *print = batch_fingerprint(j->dir, rep.inputs, rep.ninputs, o);
        char **w = NULL;
        int nw = 0;
        log_warnings(j->log, &w, &nw);
        if (!print || stamp_write(j->stamp, print, rep.inputs, rep.ninputs, w, nw))
            unlink(j->stamp);
        free(print);
        for (int i = 0; i < nw; i++)
            free(w[i]);
        free(w);
    }
    if (log)
        fclose(log);
    issue_report_free(&rep);
    issue_ctx_free(ctx);
    _exit(rc == 0 ? 0 : 1);
}

/* Copies the job's messages to out; keeps the first error line as the reason and
 * counts the warnings. */
static void collect_log(job *j, FILE *out)
{
    FILE *fp = fopen(j->log, "r");
    if (!fp)
        return;
    char line[MAX_STAMP_LINE];
    while (fgets(line, sizeof line, fp)) {
        fputs(line, out);
        size_t n = strcspn(line, "\n");
        line[n] = 0;
        if (!j->reason[0] && strstr(line, "error: "))
            copy_line(j->reason, sizeof j->reason, line);
        if (strstr(line, ": warning: "))
            note_warning(j, line);
        if (n == sizeof line - 1)
            fputc('\n', out);
    }
    fclose(fp);
}

static void progress(FILE *out, bool tty, int done, int total, const char *name)
{
    if (tty)
        fprintf(out, "\r\033[K[%d/%d] %s", done, total, name);
}

/* Starts and reaps the builds, at most maxjobs at a time. */
static void run_jobs(job *jobs, int n, const batch_opts *o, FILE *out, int total)
{
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    int maxjobs = o->jobs > 0 ? o->jobs : (ncpu > 0 ? (int)ncpu : 1);
    bool tty = isatty(fileno(out));
    int running = 0, done = 0, next = 0;
    fflush(out);
    while (next < n || running > 0) {
        while (running < maxjobs && next < n) {
            job *j = &jobs[next++];
            if (j->state != ST_PENDING)
                continue;
            pid_t pid = fork();
            if (pid == 0)
                run_child(j, o);
            if (pid < 0) {
                job_fail(j, "cannot start a build: %s", strerror(errno));
                continue;
            }
            j->pid = pid;
            j->state = ST_RUNNING;
            running++;
            progress(out, tty, done, total, j->name);
        }
        if (running == 0)
            break;
        int status;
        pid_t pid = wait(&status);
        if (pid < 0)
            break;
        for (int i = 0; i < n; i++) {
            job *j = &jobs[i];
            if (j->state != ST_RUNNING || j->pid != pid)
                continue;
            running--;
            done++;
            if (tty)
                fputs("\r\033[K", out);
            collect_log(j, out);
            if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
                j->state = ST_BUILT;
            } else {
                j->state = ST_FAILED;
                unlink(j->stamp);
                if (!j->reason[0] && WIFSIGNALED(status))
                    snprintf(j->reason, sizeof j->reason, "the build was killed by signal %d",
                             WTERMSIG(status));
                else if (!j->reason[0])
                    snprintf(j->reason, sizeof j->reason, "the build stopped (status %d)",
                             WEXITSTATUS(status));
            }
            progress(out, tty, done, total, j->name);
        }
    }
    if (tty)
        fputs("\r\033[K", out);
}

/* Failures, then issues with warnings, then one line of counts. */
static int summary(job *jobs, int n, FILE *out)
{
    int built = 0, skipped = 0, failed = 0, warned = 0;
    for (int i = 0; i < n; i++)
        if (jobs[i].state == ST_FAILED) {
            fprintf(out, "failed    %s: %s\n", jobs[i].dir, jobs[i].reason);
            failed++;
        }
    for (int i = 0; i < n; i++) {
        job *j = &jobs[i];
        if (j->state != ST_FAILED && j->warnings) {
            fprintf(out, "warnings  %s: %d (first: %s)\n", j->dir, j->warnings, j->first_warning);
            warned++;
        }
        built += j->state == ST_BUILT;
        skipped += j->state == ST_SKIPPED && !j->same_as_earlier;
    }
    fprintf(out, "jianbao: %d built, %d skipped (unchanged), %d failed", built, skipped, failed);
    if (warned)
        fprintf(out, "; %d with warnings", warned);
    fputc('\n', out);
    return failed;
}

int batch_run(char *const *dirs, int ndirs, const batch_opts *o, FILE *out)
{
    job *jobs = calloc((size_t)(ndirs ? ndirs : 1), sizeof *jobs);
    if (!jobs)
        return ndirs;
    const char *outdir = o->out_dir ? o->out_dir : "out";
    if (mkdir(outdir, 0777) != 0 && errno != EEXIST)
        fprintf(out, "jianbao: error: cannot create %s: %s\n", outdir, strerror(errno));
    for (int i = 0; i < ndirs; i++) {
        jobs[i].dir = dirs[i];
        if (prepare(&jobs[i], o))
            job_fail(&jobs[i], "out of memory or no temporary file");
    }
    check_outputs(jobs, ndirs);
    check_numbers(jobs, ndirs, out);
    int total = 0;
    for (int i = 0; i < ndirs; i++) {
        if (jobs[i].state == ST_PENDING)
            check_unchanged(&jobs[i], o, out);
        total += jobs[i].state == ST_PENDING;
    }
    run_jobs(jobs, ndirs, o, out, total);
    int failed = summary(jobs, ndirs, out);
    for (int i = 0; i < ndirs; i++) {
        job *j = &jobs[i];
        if (j->log_made)
            unlink(j->log);
        doc_free(j->meta);
        free(j->name);
        free(j->pdf);
        free(j->stamp);
        free(j->log);
        free(j->real);
    }
    free(jobs);
    return failed;
}
