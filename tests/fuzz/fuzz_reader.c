/* libFuzzer target: the issue reader on arbitrary bytes. Figures resolve against
 * tests/fuzz (which holds figures/ok.png and figures/ok.jpg), so the image checks run
 * for both existing and missing files. Run from the repository root (make fuzz). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "layout/read/doc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *null;
    if (!null && !(null = fopen("/dev/null", "w")))
        abort();
    diag d;
    diag_init(&d, null);
    doc *dc = doc_read_mem("fuzz.md", (const char *)data, size, "tests/fuzz", &d);
    /* A document is returned exactly when no error was reported. */
    if ((dc != NULL) != (d.errors == 0))
        abort();
    for (int i = 0; dc && i < dc->nblocks; i++) {
        doc_block *b = &dc->blocks[i];
        free(doc_text_plain(&b->text));
        if (b->table) {
            if (b->table->ncols < 1 || b->table->nrows < 1)
                abort();
            for (int r = 0; r < b->table->nrows; r++)
                for (int c = 0; c < b->table->rows[r].ncells; c++)
                    free(doc_text_plain(&b->table->rows[r].cells[c].text));
        }
        if (b->chart && (b->chart->nlabels < 1 || b->chart->nseries < 1))
            abort();
    }
    doc_free(dc);
    return 0;
}
