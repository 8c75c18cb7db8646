/* libFuzzer target: preflight on arbitrary bytes as a PDF (qpdf's parser, the
 * whole-file walk, the content-stream reader and interpreter, the XMP parser, the
 * report writers). Limits are lowered so one input stays well under the fuzzer's
 * timeout; the invariants below hold for any input. Seeds: tests/fuzz/corpus/preflight/
 * (written by tests/preflight/seeds.py). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout/preflight/preflight.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What any report must look like. */
static void check_report(const preflight_report *r)
{
    int failures = 0, warnings = 0;
    if (r->error && r->nfindings != 0)
        abort();
    for (size_t i = 0; i < r->nfindings; i++) {
        const preflight_finding *f = &r->findings[i];
        if (f->rule < 1 || f->rule > 12 || !f->check || !f->message || !f->message[0] ||
            !f->fix || f->count < 1 || f->nobjects > 8)
            abort();
        if (i > 0 && f->rule < r->findings[i - 1].rule)
            abort();
        int last = 0;
        for (size_t j = 0; j < f->npages; j++) {
            if (f->pages[j].first <= last || f->pages[j].last < f->pages[j].first ||
                f->pages[j].last > r->pages)
                abort();
            last = f->pages[j].last;
        }
        failures += f->severity == PREFLIGHT_FAILURE;
        warnings += f->severity == PREFLIGHT_WARNING;
    }
    if (failures != r->failures || warnings != r->warnings)
        abort();
    int rc = preflight_exit_code(r);
    if (rc != (r->error ? 2 : failures ? 1 : 0))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *null;
    if (!null && !(null = fopen("/dev/null", "w")))
        abort();
    preflight_options o;
    preflight_options_default(&o);
    o.limits.objects = 20000;
    o.limits.tokens = 200000;
    o.limits.stream_bytes = 4 << 20;
    o.limits.decoded_bytes = 16 << 20;
    /* The last byte picks the standard, so both sets of severities are exercised. */
    o.standard = size && data[size - 1] % 3 == 1 ? PREFLIGHT_X4
                 : size && data[size - 1] % 3 == 2 ? PREFLIGHT_X1A
                                                   : PREFLIGHT_AUTO;
    preflight_report *r = preflight_check_mem("fuzz.pdf", data, size, &o);
    if (!r)
        return 0; /* out of memory */
    check_report(r);
    preflight_print_text(r, null);
    preflight_print_json(r, null);
    preflight_report_free(r);
    return 0;
}
