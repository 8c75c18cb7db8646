/* Helpers shared by the unit tests (header-only: each test is one program). */
#ifndef JB_TESTUTIL_H
#define JB_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>

/* Runs a shell command; returns its standard output (caller frees) and exit status. */
static inline char *tu_run(int *status, const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    FILE *p = popen(cmd, "r");
    if (!p)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t r;
    while (buf && (r = fread(buf + n, 1, cap - n - 1, p)) > 0) {
        n += r;
        if (n + 1 == cap) {
            cap *= 2;
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
        }
    }
    int st = pclose(p);
    if (status)
        *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    if (buf)
        buf[n] = 0;
    return buf;
}

/* A fresh temporary directory for one test program (removed by the caller's rm). */
static inline const char *tu_tmpdir(void)
{
    static char dir[64];
    if (!dir[0]) {
        strcpy(dir, "/tmp/jbtestXXXXXX");
        if (!mkdtemp(dir))
            return "/tmp";
    }
    return dir;
}

/* Removes the test program's temporary directory, unless JB_KEEP is set (to look at
 * what a test made). Returns 0 or -1, as cmocka's teardowns do. */
static inline int tu_cleanup(void)
{
    if (getenv("JB_KEEP"))
        return 0;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tu_tmpdir());
    return system(cmd) == 0 ? 0 : -1;
}

/* Removes every whitespace character from s in place. */
static inline char *tu_squeeze(char *s)
{
    char *o = s;
    for (char *p = s; *p; p++)
        if (*p != ' ' && *p != '\n' && *p != '\t' && *p != '\r' && *p != '\f')
            *o++ = *p;
    *o = 0;
    return s;
}

#endif
