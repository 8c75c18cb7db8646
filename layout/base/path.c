/* path — see path.h. */
#include "layout/base/path.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <strings.h>

char *path_base(const char *path)
{
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    size_t s = n;
    while (s > 0 && path[s - 1] != '/')
        s--;
    char *b = malloc(n - s + 1);
    if (b) {
        memcpy(b, path + s, n - s);
        b[n - s] = 0;
    }
    return b;
}

bool path_has_suffix(const char *path, const char *suffix)
{
    size_t n = strlen(path), m = strlen(suffix);
    return n >= m && strcasecmp(path + n - m, suffix) == 0;
}

void path_exe_dir(char *buf, size_t n)
{
    ssize_t k = readlink("/proc/self/exe", buf, n - 1);
    buf[k > 0 ? k : 0] = 0;
    char *slash = strrchr(buf, '/');
    if (slash)
        *slash = 0;
    else
        buf[0] = 0;
}
