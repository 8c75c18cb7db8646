/* batch — see batch.h. */
#include "layout/app/batch.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "layout/base/path.h"
#include "layout/base/vec.h"

typedef struct {
    uint64_t h;
} fnv;

static void fnv_bytes(fnv *f, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        f->h = (f->h ^ b[i]) * 1099511628211ull;
}

static int fnv_file(fnv *f, const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return -1;
    fnv_bytes(f, path, strlen(path) + 1);
    unsigned char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
        fnv_bytes(f, buf, n);
    int bad = ferror(fp);
    fclose(fp);
    return bad ? -1 : 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Hashes the regular files of dir whose names end in suffix (any when NULL), in name
 * order so the fingerprint does not depend on directory order. */
static int fnv_dir(fnv *f, const char *dir, const char *suffix)
{
    DIR *dp = opendir(dir);
    if (!dp)
        return 0;                    /* no figures/ or styles/: nothing to hash */
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(dp)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (suffix && !path_has_suffix(e->d_name, suffix))
            continue;
        if (!VEC_PUSH_ROOM(names, cap, n)) {
            rc = -1;
            break;
        }
        names[n] = strdup(e->d_name);
        if (!names[n]) {
            rc = -1;
            break;
        }
        n++;
    }
    closedir(dp);
    if (rc == 0)
        qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n && rc == 0; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        struct stat sb;
        if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode))
            rc = fnv_file(f, path);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

char *batch_fingerprint(const char *issue_dir, const char *style_path, const char *self)
{
    fnv f = { 1469598103934665603ull };
    char path[4096];
    snprintf(path, sizeof path, "%s/issue.md", issue_dir);
    if (fnv_file(&f, path))
        return NULL;
    snprintf(path, sizeof path, "%s/figures", issue_dir);
    if (fnv_dir(&f, path, NULL))
        return NULL;
    if (style_path) {
        if (fnv_file(&f, style_path))
            return NULL;
    } else {
        snprintf(path, sizeof path, "%s/../../styles", issue_dir);
        if (fnv_dir(&f, path, ".ini"))
            return NULL;
        if (fnv_dir(&f, "styles", ".ini"))
            return NULL;
    }
    if (self && fnv_file(&f, self))
        return NULL;
    char *hex = malloc(17);
    if (hex)
        snprintf(hex, 17, "%016llx", (unsigned long long)f.h);
    return hex;
}

static bool is_issue_dir(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/issue.md", dir);
    return access(path, R_OK) == 0;
}

typedef enum { ST_PENDING, ST_RUNNING, ST_BUILT, ST_SKIPPED, ST_FAILED, ST_NOT_ISSUE } job_state;

typedef struct {
    const char *dir;
    char *name, *pdf, *stamp, *print, *log;
    job_state state;
    pid_t pid;
    char reason[512];
} job;

static char *read_stamp(const char *path)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return NULL;
    char buf[64] = "";
    char *r = fgets(buf, sizeof buf, fp) ? strdup(buf) : NULL;
    fclose(fp);
    if (r)
        r[strcspn(r, "\n")] = 0;
    return r;
}

static int write_stamp(const char *path, const char *print)
{
    FILE *fp = fopen(path, "w");
    if (!fp)
        return -1;
    int rc = fprintf(fp, "%s\n", print) < 0;
    rc |= fclose(fp) != 0;
    return rc ? -1 : 0;
}

/* The child: builds one issue with its messages going to the job's log file. */
static void run_child(const job *j, const batch_opts *o)
{
    FILE *log = fopen(j->log, "w");
    diag d;
    diag_init(&d, log ? log : stderr);
    issue_opts io = o->opts;
    io.out = j->pdf;
    int rc = issue_build(j->dir, &io, &d);
    if (log)
        fclose(log);
    _exit(rc == 0 ? 0 : 1);
}

/* Copies the job's messages to out; keeps the first error line as the reason. */
static void collect_log(job *j, FILE *out)
{
    FILE *fp = fopen(j->log, "r");
    if (!fp)
        return;
    char line[4096];
    while (fgets(line, sizeof line, fp)) {
        fputs(line, out);
        if (!j->reason[0] && strstr(line, "error: ")) {
            size_t n = strcspn(line, "\n");
            if (n >= sizeof j->reason)
                n = sizeof j->reason - 1;
            memcpy(j->reason, line, n);
            j->reason[n] = 0;
        }
    }
    fclose(fp);
    unlink(j->log);
}

static void progress(FILE *out, bool tty, int done, int total, const char *name)
{
    if (tty)
        fprintf(out, "\r\033[K[%d/%d] %s", done, total, name);
}

static int prepare(job *j, const batch_opts *o)
{
    const char *outdir = o->out_dir ? o->out_dir : "out";
    j->name = path_base(j->dir);
    if (!j->name)
        return -1;
    if (!is_issue_dir(j->dir)) {
        j->state = ST_NOT_ISSUE;
        return 0;
    }
    size_t n = strlen(outdir) + strlen(j->name) + 32;
    j->pdf = malloc(n);
    j->stamp = malloc(n);
    const char *tmpdir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    size_t ln = strlen(tmpdir) + 32;
    j->log = malloc(ln);
    if (!j->pdf || !j->stamp || !j->log)
        return -1;
    snprintf(j->pdf, n, "%s/%s.pdf", outdir, j->name);
    snprintf(j->stamp, n, "%s/.%s.stamp", outdir, j->name);
    snprintf(j->log, ln, "%s/jianbao-logXXXXXX", tmpdir);
    int fd = mkstemp(j->log);
    if (fd < 0)
        return -1;
    close(fd);
    j->print = batch_fingerprint(j->dir, o->opts.style_path, o->self);
    char *old = read_stamp(j->stamp);
    if (!o->force && j->print && old && strcmp(old, j->print) == 0 && access(j->pdf, R_OK) == 0) {
        j->state = ST_SKIPPED;
        unlink(j->log);
    }
    free(old);
    return 0;
}

int batch_run(char *const *dirs, int ndirs, const batch_opts *o, FILE *out)
{
    job *jobs = calloc((size_t)(ndirs ? ndirs : 1), sizeof *jobs);
    if (!jobs)
        return ndirs;
    const char *outdir = o->out_dir ? o->out_dir : "out";
    if (mkdir(outdir, 0777) != 0 && errno != EEXIST)
        fprintf(out, "jianbao: error: cannot create %s: %s\n", outdir, strerror(errno));
    int total = 0;
    for (int i = 0; i < ndirs; i++) {
        jobs[i].dir = dirs[i];
        if (prepare(&jobs[i], o)) {
            jobs[i].state = ST_FAILED;
            snprintf(jobs[i].reason, sizeof jobs[i].reason, "out of memory or no temporary file");
        }
        total += jobs[i].state == ST_PENDING;
    }
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    int maxjobs = o->jobs > 0 ? o->jobs : (ncpu > 0 ? (int)ncpu : 1);
    bool tty = isatty(fileno(out));
    int running = 0, done = 0, next = 0;
    fflush(out);
    while (next < ndirs || running > 0) {
        while (running < maxjobs && next < ndirs) {
            job *j = &jobs[next++];
            if (j->state != ST_PENDING)
                continue;
            pid_t pid = fork();
            if (pid == 0)
                run_child(j, o);
            if (pid < 0) {
                j->state = ST_FAILED;
                snprintf(j->reason, sizeof j->reason, "cannot start a build: %s", strerror(errno));
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
        for (int i = 0; i < ndirs; i++) {
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
                if (j->print)
                    write_stamp(j->stamp, j->print);
            } else {
                j->state = ST_FAILED;
                unlink(j->stamp);
                if (!j->reason[0])
                    snprintf(j->reason, sizeof j->reason, "the build stopped (status %d)", status);
            }
            progress(out, tty, done, total, j->name);
        }
    }
    if (tty)
        fputs("\r\033[K", out);
    int built = 0, skipped = 0, failed = 0, other = 0;
    for (int i = 0; i < ndirs; i++) {
        built += jobs[i].state == ST_BUILT;
        skipped += jobs[i].state == ST_SKIPPED;
        failed += jobs[i].state == ST_FAILED;
        other += jobs[i].state == ST_NOT_ISSUE;
    }
    fprintf(out, "jianbao: %d built, %d skipped (unchanged), %d failed", built, skipped, failed);
    if (other)
        fprintf(out, ", %d not issue directories", other);
    fputc('\n', out);
    for (int i = 0; i < ndirs; i++) {
        job *j = &jobs[i];
        if (j->state == ST_BUILT)
            fprintf(out, "  built    %s -> %s\n", j->dir, j->pdf);
        else if (j->state == ST_SKIPPED)
            fprintf(out, "  skipped  %s (unchanged)\n", j->dir);
        else if (j->state == ST_FAILED)
            fprintf(out, "  failed   %s: %s\n", j->dir, j->reason);
        free(j->name);
        free(j->pdf);
        free(j->stamp);
        free(j->print);
        free(j->log);
    }
    free(jobs);
    return failed;
}
