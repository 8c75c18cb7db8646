/* reader_figure — the image file of a figure: where it is, and that it is one. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layout/read/reader_int.h"

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0'
         : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The file an image path names: %XX decoded (it is a URL), relative to the issue
 * directory unless absolute. */
static char *image_file(const char *dir, const char *path)
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

char *reader_image(const src_file *src, const char *dir, const char *path, size_t at, diag *d)
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
    char *file = image_file(dir, path);
    if (!file) {
        reader_oom(d, src);
        return NULL;
    }
    /* stat first: never open a FIFO or a device that a path may name. */
    struct stat st;
    if (stat(file, &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            diag_error_at(d, src, at,
                          "image %s not found; image paths are relative to the issue directory %s",
                          path, dir);
        else
            diag_error_at(d, src, at, "image %s cannot be read: %s", path, strerror(errno));
        free(file);
        return NULL;
    }
    unsigned char magic[8] = { 0 };
    ssize_t got = -1;
    int fd = S_ISREG(st.st_mode) ? open(file, O_RDONLY | O_NONBLOCK | O_CLOEXEC) : -1;
    if (fd >= 0) {
        got = 0;
        while (got < 8) {
            ssize_t k = read(fd, magic + got, (size_t)(8 - got));
            if (k < 0 && errno == EINTR)
                continue;
            if (k <= 0)
                break;
            got += k;
        }
        close(fd);
    } else if (S_ISREG(st.st_mode)) {
        diag_error_at(d, src, at, "image %s cannot be read: %s", path, strerror(errno));
        free(file);
        return NULL;
    }
    static const unsigned char png[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };
    bool ok = (got == 8 && memcmp(magic, png, 8) == 0) ||
              (got >= 3 && magic[0] == 0xFF && magic[1] == 0xD8 && magic[2] == 0xFF);
    if (!ok) {
        diag_error_at(d, src, at,
                      "image %s is not a valid PNG/JPEG; export it again as PNG or JPEG", path);
        free(file);
        return NULL;
    }
    return file;
}

