/* reader_figure — the image file of a figure: where it is, and that it is one. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "layout/base/suggest.h"
#include "layout/read/reader_int.h"

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0'
         : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The file an image path names: %XX decoded (it is a URL), relative to the issue
 * directory unless absolute. */
static char *image_path(const char *dir, const char *path)
{
    size_t n = strlen(path), dn = path[0] == '/' ? 0 : strlen(dir);
    char *s = malloc(dn + 1 + n + 1);
    if (!s)
        return NULL;
    size_t o = 0;
    if (dn) {
        memcpy(s, dir, dn);
        o = dn;
        if (s[o - 1] != '/')
            s[o++] = '/';
    }
    for (size_t i = 0; i < n; i++) {
        int hi, lo;
        if (path[i] == '%' && i + 2 < n && (hi = hexval(path[i + 1])) >= 0 &&
            (lo = hexval(path[i + 2])) >= 0 && (hi || lo)) {
            s[o++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            s[o++] = path[i];
        }
    }
    s[o] = 0;
    return s;
}

/* The name in file's folder nearest to file's own name (caller frees), or NULL. */
static char *nearest_file(const char *file)
{
    const char *slash = strrchr(file, '/');
    char *dir = slash ? strndup(file, (size_t)(slash - file) + (slash == file)) : strdup(".");
    const char *base = slash ? slash + 1 : file;
    DIR *dp = dir ? opendir(dir) : NULL;
    free(dir);
    if (!dp)
        return NULL;
    char **names = NULL;
    size_t n = 0, cap = 0;
    suggest sg;
    suggest_init(&sg, base, strlen(base));
    struct dirent *e;
    while ((e = readdir(dp)) != NULL && n < 10000) {
        if (e->d_name[0] == '.' || !VEC_PUSH_ROOM(names, cap, n) || !(names[n] = strdup(e->d_name)))
            continue;
        suggest_offer(&sg, names[n++]);
    }
    closedir(dp);
    char *best = suggest_best(&sg) ? strdup(suggest_best(&sg)) : NULL;
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return best;
}

/* "image X not found", with the nearest name in its folder when there is one. */
static void not_found(const src_file *src, const char *dir, const char *path, const char *file,
                      size_t at, diag *d)
{
    char *near = nearest_file(file);
    const char *slash = strrchr(path, '/');
    if (near)
        diag_error_at(d, src, at, "image %s not found; did you mean %.*s%s?", path,
                      slash ? (int)(slash - path + 1) : 0, path, near);
    else
        diag_error_at(d, src, at,
                      "image %s not found; image paths are relative to the issue directory %s",
                      path, dir);
    free(near);
}

/* True when file, symbolic links followed, lies inside dir. */
static bool inside(const char *file, const char *dir)
{
    char *f = realpath(file, NULL), *d = realpath(dir, NULL);
    size_t n = d ? strlen(d) : 0;
    bool in = f && d && strncmp(f, d, n) == 0 && (f[n] == '/' || (n == 1 && d[0] == '/'));
    free(f);
    free(d);
    return in;
}

char *reader_image(const src_file *src, const char *dir, bool allow_outside, const char *path,
                   size_t at, diag *d, image_info *info)
{
    if (!path[0]) {
        diag_error_at(d, src, at, "the image has no path; write ![caption](figures/name.png)");
        return NULL;
    }
    if (strstr(path, "://") || strncasecmp(path, "data:", 5) == 0) {
        diag_error_at(d, src, at,
                      "image %s is not a local file; save it in the issue's figures/ directory "
                      "and give that path", path);
        return NULL;
    }
    char *file = image_path(dir, path);
    if (!file) {
        reader_oom(d, src);
        return NULL;
    }
    struct stat st;
    if (stat(file, &st) != 0 && (errno == ENOENT || errno == ENOTDIR)) {
        not_found(src, dir, path, file, at, d);
        free(file);
        return NULL;
    }
    if (!allow_outside && !inside(file, dir)) {
        diag_error_at(d, src, at,
                      "image %s is outside the issue folder %s (figures are read only from "
                      "inside it, symbolic links followed); copy it into %s/figures/, or build "
                      "with --allow-outside", path, dir, dir);
        free(file);
        return NULL;
    }
    char why[300];
    if (image_check(file, info, why, sizeof why)) {
        diag_error_at(d, src, at, "image %s %s", path, why);
        free(file);
        return NULL;
    }
    return file;
}
