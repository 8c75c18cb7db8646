/* flate: streams deflated with libdeflate before libharu saves reach the file as valid
 * FlateDecode streams: the dictionary says so once, /Length is right, the data inflates
 * to exactly what was written, and qpdf reads the file back. */
#include "testutil.h"

#include <stdbool.h>
#include <stdint.h>

#include <hpdf.h>
#include <hpdf_doc.h>
#include <hpdf_objects.h>
#include <hpdf_pages.h>
#include <libdeflate.h>

#include "layout/pdf/flate_int.h"

/* A page content stream of about 60 KB, and 20 KB of bytes that barely compress. */
static char *content(size_t *len)
{
    size_t cap = 70000, n = 0;
    char *c = malloc(cap);
    for (int i = 0; n + 64 < cap && i < 3000; i++)
        n += (size_t)snprintf(c + n, cap - n, "%d.%03d %d.5 m %d 700 l S\n", i % 500, i % 997,
                              i % 300, i % 400);
    *len = n;
    return c;
}

static unsigned char *noise(size_t n)
{
    unsigned char *b = malloc(n);
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        b[i] = (unsigned char)(x >> 24);
    }
    return b;
}

static void on_error(HPDF_STATUS e, HPDF_STATUS d, void *u)
{
    (void)d, (void)u;
    fail_msg("libharu error 0x%04X", (unsigned)e);
}

/* The whole saved file in memory. */
static unsigned char *save(HPDF_Doc pdf, size_t *len)
{
    assert_int_equal(HPDF_SaveToStream(pdf), HPDF_OK);
    HPDF_UINT32 n = HPDF_GetStreamSize(pdf);
    unsigned char *b = malloc(n);
    HPDF_UINT32 got = n;
    HPDF_ReadFromStream(pdf, b, &got);
    assert_int_equal(got, n);
    *len = n;
    return b;
}

static const unsigned char *find(const unsigned char *h, size_t hn, const char *needle,
                                 size_t from)
{
    size_t nn = strlen(needle);
    for (size_t i = from; i + nn <= hn; i++)
        if (memcmp(h + i, needle, nn) == 0)
            return h + i;
    return NULL;
}

/* Object `id`'s dictionary text and its stream data, inflated. */
static void check_stream(const unsigned char *f, size_t n, int id, const void *want,
                         size_t wantlen, bool deflated)
{
    char head[32];
    snprintf(head, sizeof head, "\n%d 0 obj", id);
    const unsigned char *o = find(f, n, head, 0);
    assert_non_null(o);
    const unsigned char *s = find(f, n, "stream\r\n", (size_t)(o - f));
    const unsigned char *e = find(f, n, "endstream", (size_t)(o - f));
    assert_true(s && e && s < e);
    char *dict = strndup((const char *)o, (size_t)(s - o));
    const char *filter = strstr(dict, "/Filter [ /FlateDecode ]");
    assert_int_equal(filter != NULL, deflated);
    if (filter)
        assert_null(strstr(filter + 1, "/Filter"));
    /* /Length is an indirect number object: find its value. */
    const char *lk = strstr(dict, "/Length ");
    assert_non_null(lk);
    int lid = atoi(lk + 8);
    snprintf(head, sizeof head, "\n%d 0 obj\n", lid);
    const unsigned char *lo = find(f, n, head, 0);
    assert_non_null(lo);
    size_t length = (size_t)atol((const char *)lo + strlen(head));
    const unsigned char *data = s + 8;
    assert_int_equal(length, (size_t)(e - data) - 1); /* "\nendstream" */
    if (deflated) {
        struct libdeflate_decompressor *dz = libdeflate_alloc_decompressor();
        unsigned char *out = malloc(wantlen + 1);
        size_t got = 0;
        assert_int_equal(libdeflate_zlib_decompress(dz, data, length, out, wantlen + 1, &got),
                         LIBDEFLATE_SUCCESS);
        assert_int_equal(got, wantlen);
        assert_memory_equal(out, want, wantlen);
        free(out);
        libdeflate_free_decompressor(dz);
    } else {
        assert_int_equal(length, wantlen);
        assert_memory_equal(data, want, wantlen);
    }
    free(dict);
}

static void test_streams_deflated_before_saving(void **state)
{
    (void)state;
    HPDF_Doc pdf = HPDF_New(on_error, NULL);
    assert_int_equal(HPDF_SetCompressionMode(pdf, HPDF_COMP_ALL), HPDF_OK);
    HPDF_Page page = HPDF_AddPage(pdf);
    size_t clen;
    char *c = content(&clen);
    HPDF_PageAttr attr = page->attr;
    assert_int_equal(HPDF_Stream_Write(attr->stream, (HPDF_BYTE *)c, (HPDF_UINT)clen), HPDF_OK);
    unsigned char *nz = noise(20000);
    HPDF_Dict bin = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
    bin->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
    assert_int_equal(HPDF_Stream_Write(bin->stream, nz, 20000), HPDF_OK);
    HPDF_Dict plain = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
    assert_int_equal(HPDF_Stream_Write(plain->stream, (HPDF_BYTE *)"plain bytes", 11), HPDF_OK);
    assert_int_equal(HPDF_Dict_Add(pdf->catalog, "JBBin", bin), HPDF_OK);
    assert_int_equal(HPDF_Dict_Add(pdf->catalog, "JBPlain", plain), HPDF_OK);

    char err[128] = "";
    assert_int_equal(flate_doc(pdf, FLATE_LEVEL, NULL, err, sizeof err), 0);
    /* Taken over: libharu will not deflate them again. */
    assert_int_equal(attr->contents->filter, HPDF_STREAM_FILTER_NONE);
    assert_int_equal(bin->filter, HPDF_STREAM_FILTER_NONE);

    size_t n;
    unsigned char *f = save(pdf, &n);
    check_stream(f, n, (int)(attr->contents->header.obj_id & 0xFFFFFF), c, clen, true);
    check_stream(f, n, (int)(bin->header.obj_id & 0xFFFFFF), nz, 20000, true);
    check_stream(f, n, (int)(plain->header.obj_id & 0xFFFFFF), "plain bytes", 11, false);

    char path[256];
    snprintf(path, sizeof path, "%s/flate.pdf", tu_tmpdir());
    FILE *out = fopen(path, "wb");
    assert_non_null(out);
    assert_int_equal(fwrite(f, 1, n, out), n);
    fclose(out);
    int st;
    free(tu_run(&st, "qpdf --check '%s' >/dev/null 2>&1", path));
    assert_int_equal(st, 0);
    free(f);
    free(nz);
    free(c);
    HPDF_Free(pdf);
}

/* The same document deflated twice gives the same bytes. */
static void test_deterministic(void **state)
{
    (void)state;
    unsigned char *files[2];
    size_t lens[2];
    for (int k = 0; k < 2; k++) {
        HPDF_Doc pdf = HPDF_New(on_error, NULL);
        HPDF_SetCompressionMode(pdf, HPDF_COMP_ALL);
        HPDF_Page page = HPDF_AddPage(pdf);
        size_t clen;
        char *c = content(&clen);
        HPDF_Stream_Write(((HPDF_PageAttr)page->attr)->stream, (HPDF_BYTE *)c, (HPDF_UINT)clen);
        char err[128];
        assert_int_equal(flate_doc(pdf, FLATE_LEVEL, NULL, err, sizeof err), 0);
        files[k] = save(pdf, &lens[k]);
        free(c);
        HPDF_Free(pdf);
    }
    assert_int_equal(lens[0], lens[1]);
    assert_memory_equal(files[0], files[1], lens[0]);
    free(files[0]);
    free(files[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_streams_deflated_before_saving),
        cmocka_unit_test(test_deterministic),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(tu_run(NULL, "rm -rf '%s'", tu_tmpdir()));
    return rc;
}
