/* plugin — preflight, loaded when it is asked for.
 *
 * The PDF checker reads PDFs with libqpdf, which brings the C++ runtime, GnuTLS and a
 * dozen more libraries: loading them took 8 of every build's milliseconds. So preflight
 * lives in jianbao-preflight.so (the Makefile builds it from layout/preflight), beside
 * the program or in <prefix>/lib/jianbao, and only `jianbao preflight` opens it. */
#ifndef JB_PLUGIN_H
#define JB_PLUGIN_H

#include <stddef.h>
#include <stdio.h>

#include "layout/preflight/preflight.h"

typedef struct {
    void (*options_default)(preflight_options *o);
    int (*run)(const char *path, FILE *out, const preflight_options *o);
} preflight_api;

/* The preflight functions, or NULL with the reason in err (where it looked and why it
 * could not open it). */
const preflight_api *plugin_preflight(char *err, size_t errlen);

#endif
