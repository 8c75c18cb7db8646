/* fileio — see fileio.h. */
#include "layout/base/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layout/base/vec.h"

/* Reads fd to its end into a buffer of at most max bytes (+1 for the NUL). */
static unsigned char *read_fd(int fd, size_t max, size_t hint, size_t *len)
{
    size_t cap = 0, n = 0;
    unsigned char *b = NULL;
    size_t want = hint < max ? hint + 1 : max + 1;
    for (;;) {
        if (!vec_reserve((void **)&b, &cap, (want < 4096 ? 4096 : want) + 1, 1)) {
            free(b);
            errno = ENOMEM;
            return NULL;
        }
        ssize_t k = read(fd, b + n, cap - 1 - n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            int e = errno;
            free(b);
            errno = e;
            return NULL;
        }
        if (k == 0)
            break;
        n += (size_t)k;
        if (n > max) {
            free(b);
            errno = EFBIG;
            return NULL;
        }
        if (n == cap - 1)
            want = cap * 2;
    }
    b[n] = 0;
    *len = n;
    return b;
}

unsigned char *fileio_read(const char *path, size_t max, size_t *len)
{
    /* O_NONBLOCK: opening a FIFO for reading must not wait for a writer. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    unsigned char *b = NULL;
    if (fstat(fd, &st) != 0) {
        /* errno from fstat */
    } else if (!S_ISREG(st.st_mode)) {
        errno = EINVAL;
    } else if ((unsigned long long)st.st_size > max) {
        errno = EFBIG;
    } else {
        b = read_fd(fd, max, (size_t)st.st_size, len);
    }
    int e = errno;
    close(fd);
    errno = e;
    return b;
}

const char *fileio_error(int err)
{
    return err == EINVAL ? "not a regular file" : strerror(err);
}
