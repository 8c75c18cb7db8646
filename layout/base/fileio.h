/* fileio — whole files into memory, the one way every reader here does it. */
#ifndef JB_FILEIO_H
#define JB_FILEIO_H

#include <stddef.h>

/* Reads the file at path, with a NUL byte after its end (not counted in *len). Only
 * regular files are read: a FIFO, a device or a directory would block or never end.
 * Returns NULL with errno set: the open or read error, EINVAL when path is not a
 * regular file, EFBIG when it holds more than max bytes, ENOMEM. The caller frees. */
unsigned char *fileio_read(const char *path, size_t max, size_t *len);

/* The reason for errno after fileio_read failed, in words ("not a regular file" for
 * EINVAL). */
const char *fileio_error(int err);

#endif
