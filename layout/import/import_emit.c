/* import_emit — the blocks as the issue source: front matter, then Markdown. */
#include "layout/import/import_int.h"

#include <string.h>

/* Escapes what would otherwise start a Markdown construct the text is not. */
static void imp_emit_start(strbuf *o, const char *t, bool list_markers)
{
    char c0 = t[0], c1 = c0 ? t[1] : 0;
    bool thematic = false;
    if (c0 == '-' || c0 == '_' || c0 == '*') {
        size_t k = 0;
        while (t[k] == c0 || t[k] == ' ')
            k++;
        thematic = t[k] == 0 && strlen(t) >= 3;
    }
    if (c0 == '#' || c0 == '>' || c0 == '=' || c0 == '|' || thematic ||
        ((c0 == '-' || c0 == '+' || c0 == '*') && (c1 == ' ' || c1 == 0)) ||
        strncmp(t, "```", 3) == 0 || strncmp(t, "~~~", 3) == 0)
        strbuf_chr(o, '\\');
    if (list_markers) {
        size_t k = 0;
        while (imp_is_digit((unsigned char)t[k]))
            k++;
        if (k > 0 && k <= 9 && (t[k] == '.' || t[k] == ')') && (t[k + 1] == ' ' || t[k + 1] == 0)) {
            strbuf_add(o, t, k);
            strbuf_chr(o, '\\');
            strbuf_str(o, t + k);
            return;
        }
    }
    strbuf_str(o, t);
}

static void imp_emit_heading(strbuf *o, int level, const char *t)
{
    for (int k = 0; k < level; k++)
        strbuf_chr(o, '#');
    strbuf_chr(o, ' ');
    size_t n = strlen(t);
    while (n > 0 && t[n - 1] == '#')
        n--;
    for (size_t k = 0; k < strlen(t); k++) {
        if (t[k] == '*' && t[k + 1] == '*') {
            k++;
            continue;
        }
        if (k == n)
            strbuf_chr(o, '\\');
        strbuf_chr(o, t[k]);
    }
}

static void imp_emit_front(imp_ctx *c, strbuf *o)
{
    strbuf_str(o, "---\n");
    int line = 2;
    for (int k = 0; k < M_COUNT; k++) {
        if (!c->meta[k])
            continue;
        c->meta_line[k] = line++;
        strbuf_str(o, imp_meta_key[k]);
        strbuf_str(o, ": ");
        for (const char *p = c->meta[k]; *p; p++)
            strbuf_chr(o, *p == '\n' ? ' ' : *p);
        strbuf_chr(o, '\n');
    }
    strbuf_str(o, "---\n");
}

/* text between two marks: **bold**, a fenced block. */
static void imp_wrap(strbuf *o, const char *open, const char *text, const char *close)
{
    strbuf_str(o, open);
    strbuf_str(o, text);
    strbuf_str(o, close);
}

static void imp_emit_block(strbuf *o, const imp_block *b)
{
    switch (b->role) {
    case R_SECTION:
    case R_ARTICLE:
    case R_HEADING:
        imp_emit_heading(o, b->level, b->text);
        break;
    case R_BOLD:
        imp_wrap(o, "**", b->text, "**");
        break;
    case R_TOC_ITEM:
        for (int k = 1; k < b->level; k++)
            strbuf_str(o, "  ");
        strbuf_str(o, "- ");
        imp_emit_start(o, b->text, true);
        break;
    case R_SIGNATURE:
        imp_wrap(o, "```signature\n", b->text, "\n```");
        break;
    case R_LIST:
    case R_RAW:
        strbuf_str(o, b->text);
        break;
    default:
        imp_emit_start(o, b->text, false);
        break;
    }
}

/* Counts the lines of o up to its end: *line is the number of the line being written,
 * *seen how far o was counted. */
static void imp_count_lines(const strbuf *o, size_t *seen, int *line)
{
    for (; *seen < o->n; (*seen)++)
        *line += o->p[*seen] == '\n';
}

char *imp_emit(imp_ctx *c, int from)
{
    strbuf o = { 0 };
    imp_emit_front(c, &o);
    imp_role prev = R_DROP;
    size_t seen = 0;
    int line = 1;
    for (int i = from; i < c->nblk; i++) {
        imp_block *b = &c->blk[i];
        if (b->role == R_DROP || !b->text)
            continue;
        if (prev != R_DROP)
            strbuf_str(&o, b->role == R_TOC_ITEM && prev == R_TOC_ITEM ? "\n" : "\n\n");
        else
            strbuf_chr(&o, '\n');
        imp_count_lines(&o, &seen, &line);
        b->out_line = line;
        imp_emit_block(&o, b);
        prev = b->role;
    }
    if (prev != R_DROP)
        strbuf_chr(&o, '\n');
    imp_count_lines(&o, &seen, &line);
    c->out_lines = line > 1 ? line - 1 : 1;
    char *s = imp_take(c, &o);
    if (!s)
        return NULL;
    /* no trailing spaces anywhere (a heading or cell may have kept one) */
    size_t w = 0, n = strlen(s);
    for (size_t r = 0; r < n; r++) {
        if (s[r] == '\n')
            while (w > 0 && s[w - 1] == ' ')
                w--;
        s[w++] = s[r];
    }
    s[w] = 0;
    return s;
}
