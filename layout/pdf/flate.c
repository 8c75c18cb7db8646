/* flate — see flate_int.h. */
#include "layout/pdf/flate_int.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hpdf_doc.h>
#include <libdeflate.h>

#include "layout/pdf/pdfcache_int.h"

struct flate {
    struct libdeflate_compressor *c;
};

flate *flate_new(int level)
{
    flate *z = calloc(1, sizeof *z);
    if (z && !(z->c = libdeflate_alloc_compressor(level))) {
        free(z);
        z = NULL;
    }
    return z;
}

#define STR_(x) #x
#define STR(x) STR_(x)

const char *flate_name(void)
{
    return "libdeflate " LIBDEFLATE_VERSION_STRING " level " STR(FLATE_LEVEL);
}

void flate_free(flate *z)
{
    if (!z)
        return;
    libdeflate_free_compressor(z->c);
    free(z);
}

int flate_compress(flate *z, const void *data, size_t len, unsigned char **out,
                   size_t *outlen)
{
    size_t cap = libdeflate_zlib_compress_bound(z->c, len);
    unsigned char *buf = malloc(cap);
    if (!buf)
        return -1;
    /* Within the bound libdeflate always succeeds; 0 would mean it did not. */
    size_t n = libdeflate_zlib_compress(z->c, data, len, buf, cap);
    if (n == 0) {
        free(buf);
        return -1;
    }
    *out = buf;
    *outlen = n;
    return 0;
}

/* Called by libharu after the dictionary's own entries, before ">>". */
static HPDF_STATUS write_filter(HPDF_Dict d, HPDF_Stream s)
{
    (void)d;
    return HPDF_Stream_WriteStr(s, "/Filter [ /FlateDecode ]\012");
}

int flate_put(HPDF_Dict d, const void *zdata, size_t zlen)
{
    HPDF_MemStream_FreeData(d->stream);
    d->filter = HPDF_STREAM_FILTER_NONE;
    d->write_fn = write_filter;
    return HPDF_Stream_Write(d->stream, zdata, (HPDF_UINT)zlen) == HPDF_OK ? 0 : -1;
}

/* A stream libharu would deflate while saving, and that this module can take over:
 * in memory, not empty, FlateDecode alone without parameters, no write hook of its own. */
static bool takes_over(HPDF_Dict d)
{
    return d->stream && d->stream->type == HPDF_STREAM_MEMORY &&
           d->filter == HPDF_STREAM_FILTER_FLATE_DECODE && !d->filterParams && !d->write_fn &&
           HPDF_Stream_Size(d->stream) > 0;
}

/* The bytes of a memory stream, in one buffer the caller frees. */
static unsigned char *stream_bytes(HPDF_Stream s, size_t *len)
{
    size_t n = HPDF_Stream_Size(s), at = 0;
    unsigned char *b = malloc(n);
    HPDF_UINT nbuf = HPDF_MemStream_GetBufCount(s);
    for (HPDF_UINT i = 0; b && i < nbuf && at < n; i++) {
        HPDF_UINT l = 0;
        const HPDF_BYTE *p = HPDF_MemStream_GetBufPtr(s, i, &l);
        if (!p)
            break;
        if (l > n - at)
            l = (HPDF_UINT)(n - at);
        memcpy(b + at, p, l);
        at += l;
    }
    if (b && at != n) {
        free(b);
        b = NULL;
    }
    *len = n;
    return b;
}

int flate_set(flate *z, pdfcache *cache, HPDF_Dict d, const void *raw, size_t len)
{
    unsigned char *zd = NULL;
    size_t zlen;
    int rc = -1;
    if (pdfcache_stream_get(cache, raw, len, &zd, &zlen))
        rc = flate_put(d, zd, zlen);
    else if (flate_compress(z, raw, len, &zd, &zlen) == 0) {
        pdfcache_stream_put(cache, raw, len, zd, zlen);
        rc = flate_put(d, zd, zlen);
    }
    free(zd);
    return rc;
}

int flate_doc(HPDF_Doc pdf, int level, pdfcache *cache, char *err, size_t errlen)
{
    flate *z = flate_new(level);
    int rc = z ? 0 : -1;
    HPDF_Xref x = pdf->xref;
    for (HPDF_UINT i = 0; rc == 0 && i < x->entries->count; i++) {
        HPDF_XrefEntry e = HPDF_Xref_GetEntry(x, i);
        HPDF_Obj_Header *h = e ? e->obj : NULL;
        if (!h || (h->obj_class & HPDF_OCLASS_ANY) != HPDF_OCLASS_DICT || !takes_over(e->obj))
            continue;
        size_t len;
        unsigned char *raw = stream_bytes(((HPDF_Dict)e->obj)->stream, &len);
        rc = raw ? flate_set(z, cache, e->obj, raw, len) : -1;
        free(raw);
    }
    flate_free(z);
    if (rc)
        snprintf(err, errlen, "out of memory compressing the PDF's streams");
    return rc;
}
