/* path — file names as the tools handle them. */
#ifndef JB_PATH_H
#define JB_PATH_H

#include <stdbool.h>
#include <stddef.h>

/* The last non-empty component of a path ("issues/2019-03/" → "2019-03"); caller
 * frees; NULL when memory runs out. */
char *path_base(const char *path);
/* True when path ends in suffix, ignoring ASCII case (".JPG" ends in ".jpg"). */
bool path_has_suffix(const char *path, const char *suffix);
/* The folder of the running program into buf[0..n) ("" when unknown). */
void path_exe_dir(char *buf, size_t n);

#endif
