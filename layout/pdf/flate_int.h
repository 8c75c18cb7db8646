/* flate — PDF streams deflated with libdeflate instead of libharu's zlib.
 *
 * libharu deflates a stream (zlib, level 6, 4 KB at a time) while it saves the file,
 * when the stream's filter is FlateDecode. Here a stream is deflated beforehand, whole,
 * with libdeflate, and handed back to libharu as unfiltered data, which libharu copies
 * as it is. libharu drops the /Filter entry of an unfiltered stream when it writes the
 * dictionary, but calls the dictionary's write_fn just before closing it: that writes
 * the same `/Filter [ /FlateDecode ]` line libharu would have. */
#ifndef JB_FLATE_INT_H
#define JB_FLATE_INT_H

#include <stddef.h>

#include <hpdf.h>
#include <hpdf_objects.h>

#include "layout/pdf/pdfcache.h"

/* The deflate level of every stream (libdeflate 1..12). */
#define FLATE_LEVEL 1

typedef struct flate flate;

flate *flate_new(int level);
/* The compressor's name, version and FLATE_LEVEL ("libdeflate 1.14 level 1"): part of
 * the key of anything kept deflated. */
const char *flate_name(void);
void flate_free(flate *z);

/* Deflates data[0..len) (zlib format, as FlateDecode reads it) into *out, which the
 * caller frees, of *outlen bytes. Returns 0, or -1 when memory runs out. */
int flate_compress(flate *z, const void *data, size_t len, unsigned char **out,
                   size_t *outlen);

/* Sets the data of stream dictionary d (an HPDF_DictStream_New) to zdata[0..zlen),
 * already deflated. Returns 0, or -1 when libharu fails. */
int flate_put(HPDF_Dict d, const void *zdata, size_t zlen);

/* Sets the data of stream dictionary d to raw[0..len) deflated (as flate_doc would
 * later; the cache as there). Returns 0, or -1 when memory runs out. */
int flate_set(flate *z, pdfcache *cache, HPDF_Dict d, const void *raw, size_t len);

/* Deflates now every stream of pdf that libharu would deflate while saving (page
 * contents, images, ICC profiles, our own streams): call it just before saving. A
 * stream whose deflated form cache keeps (NULL: none) is not deflated again.
 * Returns 0, or -1 with a message in err. */
int flate_doc(HPDF_Doc pdf, int level, pdfcache *cache, char *err, size_t errlen);

#endif
