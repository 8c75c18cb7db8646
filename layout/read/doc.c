/* doc — see doc.h. Freeing a document and reading its text back. */
#include "layout/read/doc.h"

#include <stdlib.h>
#include <string.h>

#include "layout/read/reader_int.h"

void doc_text_clear(doc_text *t)
{
    for (int i = 0; i < t->nin; i++) {
        free(t->in[i].text);
        free(t->in[i].href);
    }
    free(t->in);
    t->in = NULL;
    t->nin = 0;
}

void doc_table_free(doc_table *t)
{
    if (!t)
        return;
    for (int r = 0; r < t->nrows; r++) {
        for (int c = 0; c < t->rows[r].ncells; c++)
            doc_text_clear(&t->rows[r].cells[c].text);
        free(t->rows[r].cells);
    }
    free(t->rows);
    doc_text_clear(&t->caption);
    free(t);
}

void doc_figure_free(doc_figure *f)
{
    if (!f)
        return;
    free(f->path);
    doc_text_clear(&f->caption);
    free(f);
}

void doc_chart_free(doc_chart *c)
{
    if (!c)
        return;
    free(c->title);
    free(c->unit);
    for (int i = 0; i < c->nlabels; i++)
        free(c->labels[i]);
    free(c->labels);
    for (int i = 0; i < c->nseries; i++) {
        free(c->series[i].name);
        free(c->series[i].values);
    }
    free(c->series);
    free(c);
}

void doc_meta_clear(doc_meta *m)
{
    char **f[] = { &m->association, &m->association_en, &m->title, &m->number, &m->issue,
                   &m->month, &m->date, &m->editor, &m->typesetter, &m->phone, &m->fax,
                   &m->email, &m->address, &m->website, &m->style, &m->keywords, &m->lang };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        free(*f[i]);
        *f[i] = NULL;
    }
}

void doc_free_body(doc *d)
{
    for (int i = 0; i < d->nblocks; i++) {
        doc_block *b = &d->blocks[i];
        free(b->marker);
        doc_text_clear(&b->text);
        doc_table_free(b->table);
        doc_figure_free(b->figure);
        doc_chart_free(b->chart);
    }
    free(d->blocks);
    d->blocks = NULL;
    d->nblocks = 0;
}

void doc_free(doc *d)
{
    if (!d)
        return;
    doc_free_body(d);
    doc_meta_clear(&d->meta);
    src_file_free(d->src);
    free(d->dir);
    free(d);
}

char *doc_text_plain(const doc_text *t)
{
    size_t n = 0;
    for (int i = 0; i < t->nin; i++)
        n += strlen(t->in[i].text);
    char *s = malloc(n + 1);
    if (!s)
        return NULL;
    size_t o = 0;
    for (int i = 0; i < t->nin; i++) {
        size_t k = strlen(t->in[i].text);
        memcpy(s + o, t->in[i].text, k);
        o += k;
    }
    s[o] = 0;
    return s;
}
