/* fileio — see fileio.h. */
#include "layout/base/fileio.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

unsigned char *fileio_read(const char *path, size_t max, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    unsigned char *b = malloc(cap + 1);
    int err = b ? 0 : ENOMEM;
    while (b) {
        n += fread(b + n, 1, cap - n, f);
        if (n < cap)
            break;
        if (cap >= max) {
            err = EFBIG;
            break;
        }
        size_t nc = cap * 2 > max ? max : cap * 2;
        unsigned char *nb = realloc(b, nc + 1);
        if (!nb) {
            err = ENOMEM;
            break;
        }
        b = nb;
        cap = nc;
    }
    if (!err && ferror(f))
        err = EIO;
    fclose(f);
    if (err) {
        free(b);
        errno = err;
        return NULL;
    }
    b[n] = 0;
    *len = n;
    return b;
}
