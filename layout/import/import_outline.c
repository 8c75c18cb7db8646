/* import_outline — the issue's outline: the masthead (→ front matter), the contents
 * listing (→ section names and article titles), sections and articles in the body, and
 * the inner headings of each article (levels from Chinese numbering). */
#include "layout/import/import_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout/base/vec.h"

/* ===================== masthead ===================== */

const char *const imp_meta_key[M_COUNT] = {
    "association", "association_en", "title", "number", "issue", "month", "editor",
    "typesetter", "phone", "fax", "email", "address", "website", "style",
};

static const struct {
    const char *label;
    int key;
} imp_labels[] = {
    { "联系电话", M_PHONE }, { "电子邮箱", M_EMAIL }, { "主编", M_EDITOR },
    { "排版", M_TYPESETTER }, { "电话", M_PHONE }, { "传真", M_FAX }, { "邮箱", M_EMAIL },
    { "E-mail", M_EMAIL }, { "Email", M_EMAIL }, { "地址", M_ADDRESS }, { "网址", M_WEBSITE },
    { "网站", M_WEBSITE },
};

static void imp_set_meta(imp_ctx *c, int key, const char *s, size_t n)
{
    while (n > 0 && (s[0] == ' ' || s[0] == '\t'))
        s++, n--;
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n == 0)
        return;
    if (c->meta[key]) {
        char snip[128], *t = imp_dup(c, s, n);
        if (t)
            imp_check_key(c, key, "masthead gives %s twice; the first one is kept, not \"%s\"", imp_meta_key[key],
                          imp_snip(snip, t));
        free(t);
        return;
    }
    c->meta[key] = imp_dup(c, s, n);
}

/* The label (from imp_labels) followed by ：or : at s[i], or -1; *end is after the colon. */
static int imp_label_at(const char *s, size_t n, size_t i, size_t *end)
{
    for (size_t k = 0; k < sizeof imp_labels / sizeof *imp_labels; k++) {
        size_t ln = strlen(imp_labels[k].label);
        if (i + ln > n || memcmp(s + i, imp_labels[k].label, ln) != 0)
            continue;
        size_t j = i + ln;
        uint32_t col = imp_next(s, n, &j);
        if (col == ':' || col == 0xFF1A) {
            *end = j;
            return (int)k;
        }
    }
    return -1;
}

/* "主编：徐阳丽", "电话：0756-3628126 传真：0756-3628125": every "label：value" pair. */
static bool imp_masthead_labels(imp_ctx *c, const char *t)
{
    size_t n = strlen(t), end = 0;
    int cur = -1;
    size_t val = 0;
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && t[i - 1] != ' ' && t[i - 1] != '\t')
            continue;
        int k = imp_label_at(t, n, i, &end);
        if (k < 0)
            continue;
        if (cur >= 0)
            imp_set_meta(c, imp_labels[cur].key, t + val, i - val);
        cur = k, val = end, any = true;
        i = end - 1;
    }
    if (cur >= 0)
        imp_set_meta(c, imp_labels[cur].key, t + val, n - val);
    return any && imp_label_at(t, n, 0, &end) >= 0;
}

/* 总第29期 anywhere in t: its start and end, or false. */
static bool imp_find_issue(const char *t, size_t *from, size_t *to)
{
    const char *p = strstr(t, "总第");
    if (!p)
        return false;
    size_t n = strlen(t), i = (size_t)(p - t) + strlen("总第");
    if (imp_scan_numerals(t, n, &i, true, true) == 0)
        return false;
    size_t j = i;
    if (imp_next(t, n, &j) != 0x671F /* 期 */)
        return false;
    *from = (size_t)(p - t);
    *to = j;
    return true;
}

/* 2019-03 from 珠外协编【2019年3月报】. */
static void imp_month_from(imp_ctx *c, const char *number)
{
    const char *y = strstr(number, "年");
    if (!y || y - number < 4)
        goto fail;
    int year = 0, month = 0;
    for (const char *p = y - 4; p < y; p++) {
        if (*p < '0' || *p > '9')
            goto fail;
        year = year * 10 + (*p - '0');
    }
    const char *m = y + strlen("年");
    for (int k = 0; k < 2 && *m >= '0' && *m <= '9'; k++, m++)
        month = month * 10 + (*m - '0');
    if (month < 1 || month > 12 || strncmp(m, "月", strlen("月")) != 0)
        goto fail;
    char s[16];
    snprintf(s, sizeof s, "%04d-%02d", year, month);
    c->meta[M_MONTH] = imp_dup(c, s, strlen(s));
    return;
fail:
    imp_check_key(c, M_NUMBER, "no year and month (YYYY年M月) in the issue number; month left out: add it as month: YYYY-MM");
}

static bool imp_mostly_latin(const char *t)
{
    size_t n = strlen(t), i = 0, latin = 0, all = 0;
    while (i < n) {
        uint32_t u = imp_next(t, n, &i);
        latin += imp_is_latin(u);
        all += !imp_is_blank(u);
    }
    return all > 0 && latin * 2 > all && strchr(t, ' ');
}

static bool imp_han_only(const char *t)
{
    size_t n = strlen(t), i = 0;
    while (i < n)
        if (!imp_is_han(imp_next(t, n, &i)))
            return false;
    return n > 0;
}

static bool imp_names_body(const char *t)
{
    static const char *const words[] = { "协会", "学会", "商会", "联合会", "促进会", "研究会", "联盟" };
    for (size_t k = 0; k < sizeof words / sizeof *words; k++)
        if (strstr(t, words[k]))
            return true;
    return false;
}

/* One masthead line into the front matter; false when it is none of the known parts.
 * strict (no contents listing marks where the masthead ends): the name, its English
 * form and the title count only as marked or bold lines. */
static bool imp_masthead_block(imp_ctx *c, const imp_block *b, bool strict)
{
    const char *t = b->text;
    size_t from, to;
    bool hit = false;
    if (!t || b->kind == BK_TABLE || b->kind == BK_LIST)
        return false;
    if (imp_find_issue(t, &from, &to)) {
        imp_set_meta(c, M_ISSUE, t + from, to - from);
        hit = true;
    } else {
        from = to = strlen(t);
    }
    if ((strstr(t, "【") || strstr(t, "[")) && strstr(t, "年") && strstr(t, "月")) {
        strbuf nb = { 0 };
        strbuf_add(&nb, t, from);
        strbuf_str(&nb, t + to);
        char *num = imp_take(c, &nb);
        if (num)
            imp_set_meta(c, M_NUMBER, num, strlen(num));
        free(num);
        return true;
    }
    if (hit || imp_masthead_labels(c, t))
        return true;
    bool shown = b->kind == BK_HEAD || !strict;
    if (!c->meta[M_ASSOC_EN] && shown && imp_mostly_latin(t)) {
        imp_set_meta(c, M_ASSOC_EN, t, strlen(t));
        return true;
    }
    if (!c->meta[M_TITLE] && shown && imp_han_only(t) && imp_vis_len(t) <= 6 && !imp_names_body(t)) {
        imp_set_meta(c, M_TITLE, t, strlen(t));
        return true;
    }
    if (!c->meta[M_ASSOC] && (shown || imp_names_body(t)) && imp_han_only(t) && imp_vis_len(t) >= 4) {
        imp_set_meta(c, M_ASSOC, t, strlen(t));
        return true;
    }
    return false;
}

int imp_masthead(imp_ctx *c, int to)
{
    int end = to >= 0 ? to : c->nblk;
    int b = 0;
    for (; b < end && !c->oom; b++) {
        char snip[128];
        bool ok = imp_masthead_block(c, &c->blk[b], to < 0);
        if (!ok && to < 0)
            break;
        if (!ok)
            imp_check(c, imp_no(c, &c->blk[b]), "masthead line not recognized, left out: \"%s\"",
                     c->blk[b].text ? imp_snip(snip, c->blk[b].text) : "(table)");
        c->blk[b].role = R_DROP;
    }
    if (c->meta[M_NUMBER])
        imp_month_from(c, c->meta[M_NUMBER]);
    if (!c->meta[M_WEBSITE] && c->footer) {
        const char *s = c->footer;
        size_t n = c->footer_n;
        if (n >= 2 && s[0] == '<' && s[n - 1] == '>')
            s++, n -= 2;
        strbuf w = { 0 };
        bool scheme = false;
        for (size_t i = 0; i + 3 <= n; i++)
            scheme |= memcmp(s + i, "://", 3) == 0;
        if (!scheme)
            strbuf_str(&w, "http://");
        strbuf_add(&w, s, n);
        c->meta[M_WEBSITE] = imp_take(c, &w);
    }
    c->meta[M_STYLE] = imp_dup(c, IMP_STYLE, strlen(IMP_STYLE));
    static const int required[] = { M_ASSOC, M_TITLE, M_NUMBER, M_ISSUE };
    for (size_t k = 0; k < sizeof required / sizeof *required; k++)
        if (!c->meta[required[k]])
            imp_check(c, 0, "masthead has no %s; add it to the front matter by hand",
                     imp_meta_key[required[k]]);
    return b;
}

/* ===================== the contents listing ===================== */

static bool imp_is_contents_marker(imp_ctx *c, const char *t)
{
    if (!t || imp_vis_len(t) > IMP_SECTION_MAX)
        return false;
    char *n = imp_norm(c, t);
    bool yes = n && (strncmp(n, "目录", strlen("目录")) == 0 || strncmp(n, "目次", strlen("目次")) == 0 ||
                     strcmp(n, "contents") == 0);
    free(n);
    return yes;
}

static bool imp_body_text(const imp_block *b)
{
    return b->kind == BK_PARA && b->text && imp_vis_len(b->text) > 60 && imp_ends_sentence(b->text);
}

int imp_find_contents(imp_ctx *c)
{
    for (int b = 0; b < c->nblk && !c->oom; b++) {
        if (imp_body_text(&c->blk[b]))
            return -1;
        if (c->blk[b].kind != BK_TABLE && imp_is_contents_marker(c, c->blk[b].text))
            return b;
    }
    return -1;
}

static bool imp_add_entry(imp_ctx *c, imp_entry **arr, int *n, size_t *cap, const char *text, int line)
{
    if (!vec_reserve((void **)arr, cap, (size_t)*n + 1, sizeof **arr)) {
        c->oom = true;
        return false;
    }
    imp_entry *e = &(*arr)[*n];
    e->text = imp_dup(c, text, strlen(text));
    e->norm = imp_norm(c, text);
    e->no = line;
    e->used = false;
    if (!e->text || !e->norm) {
        free(e->text);
        free(e->norm);
        return false;
    }
    (*n)++;
    return true;
}

/* A contents entry without its page number ("标题 …… 12", "标题  12"). */
static void imp_strip_page(char *t)
{
    size_t n = strlen(t), e = n;
    while (e > 0 && imp_is_digit((unsigned char)t[e - 1]))
        e--;
    if (e == n || e == 0 || n - e > 3)
        return;
    size_t k = e;
    bool leader = false;
    while (k > 0) {
        size_t j = k;
        uint32_t u = utf8_prev(t, &j);
        if (!(u == ' ' || u == '.' || u == 0x2026 || u == 0xB7 || u == 0x3000 || u == '\t'))
            break;
        leader = true;
        k = j;
    }
    if (leader && k > 0)
        t[k] = 0;
}

static bool imp_section_entry(const imp_block *b, bool marked_sections)
{
    size_t v = imp_vis_len(b->text);
    if (marked_sections)
        return (b->kind == BK_HEAD) && v <= IMP_SECTION_MAX;
    return imp_han_only(b->text) && v <= 6;
}

static bool imp_same_norm(imp_ctx *c, const char *t, const char *norm)
{
    char *n = imp_norm(c, t);
    bool same = n && strcmp(n, norm) == 0;
    free(n);
    return same;
}

/* Body text rather than a listed title: a sentence, or longer than a title gets. */
static bool imp_contents_body(const imp_block *b)
{
    return b->kind == BK_PARA && b->text && (imp_vis_len(b->text) > 2 * IMP_LONG || imp_last(b->text) == 0x3002);
}

/* Whether the listing marks its section names (short heading lines); else they are its
 * short Han-only lines. */
static bool imp_marked_sections(const imp_ctx *c, int marker)
{
    for (int b = marker + 1; b < c->nblk; b++) {
        const imp_block *bl = &c->blk[b];
        if (imp_contents_body(bl))
            break;
        if (bl->text && imp_section_entry(bl, true))
            return true;
    }
    return false;
}

/* The listing ends where a section name it listed comes again (the body begins), or at
 * the first body paragraph — then the heading lines just before it belong to the body. */
static int imp_contents_end(imp_ctx *c, int marker, bool marked)
{
    imp_map seen;
    char **norms = calloc((size_t)(c->nblk - marker), sizeof *norms);
    int nn = 0, end = marker + 1;
    if (!norms || !imp_map_init(c, &seen, (size_t)(c->nblk - marker))) {
        c->oom = true;
        free(norms);
        return end;
    }
    for (; end < c->nblk && !c->oom; end++) {
        const imp_block *b = &c->blk[end];
        if (imp_contents_body(b)) {
            while (end - 1 > marker && c->blk[end - 1].kind == BK_HEAD)
                end--;
            break;
        }
        if (b->kind == BK_TABLE || b->kind == BK_LIST || !b->text || !imp_section_entry(b, marked))
            continue;
        char *n = imp_norm(c, b->text);
        if (!n)
            break;
        int *v = imp_map_at(&seen, n, strlen(n), true);
        norms[nn++] = n;
        if (*v >= 0)
            break;
        *v = end;
    }
    for (int k = 0; k < nn; k++)
        free(norms[k]);
    free(norms);
    free(seen.slot);
    return end;
}

static void imp_title_entry(imp_ctx *c, const char *s, size_t n, int line)
{
    char *t = imp_dup(c, s, n);
    if (t && imp_vis_len(t) > 0) {
        imp_strip_page(t);
        imp_add_entry(c, &c->tit, &c->ntit, &c->captit, t, line);
    }
    free(t);
}

/* One block of the listing: a section name, or titles (a tab-separated row gives its first
 * cell, a list one title per item). */
static void imp_contents_entry(imp_ctx *c, const imp_block *b, bool marked)
{
    if (b->kind == BK_TABLE) {
        for (int i = b->first; i <= b->last; i++) {
            const imp_line *l = &c->line[i];
            size_t k = 0;
            while (k < l->n && l->s[k] != '\t')
                k++;
            imp_title_entry(c, l->s, k, l->no);
        }
    } else if (b->kind == BK_LIST) {
        for (const char *p = b->text; *p;) {
            const char *e = strchr(p, '\n');
            size_t n = e ? (size_t)(e - p) : strlen(p);
            imp_title_entry(c, p, n, imp_no(c, b));
            p += n + (e != NULL);
        }
    } else if (b->text && imp_section_entry(b, marked)) {
        imp_add_entry(c, &c->sec, &c->nsec, &c->capsec, b->text, imp_no(c, b));
    } else if (b->text) {
        imp_title_entry(c, b->text, strlen(b->text), imp_no(c, b));
    }
}

int imp_contents(imp_ctx *c, int marker)
{
    bool marked = imp_marked_sections(c, marker);
    int end = imp_contents_end(c, marker, marked);
    c->blk[marker].role = R_DROP;
    for (int b = marker + 1; b < end && !c->oom; b++) {
        imp_contents_entry(c, &c->blk[b], marked);
        c->blk[b].role = R_DROP;
    }
    if (c->ntit == 0)
        imp_check(c, imp_no(c, &c->blk[marker]), "contents listing has no article titles");
    return end;
}

void imp_index_contents(imp_ctx *c)
{
    if (!imp_map_init(c, &c->secmap, (size_t)c->nsec) || !imp_map_init(c, &c->titmap, (size_t)c->ntit))
        return;
    for (int k = 0; k < c->nsec; k++) {
        int *v = imp_map_at(&c->secmap, c->sec[k].norm, strlen(c->sec[k].norm), true);
        if (*v < 0)
            *v = k;
    }
    for (int k = 0; k < c->ntit; k++) {
        int *v = imp_map_at(&c->titmap, c->tit[k].norm, strlen(c->tit[k].norm), true);
        if (*v < 0)
            *v = k;
    }
}

/* ===================== roles: sections and articles ===================== */

/* The listed title a body line names: an exact match (after imp_norm) of any unmet title
 * when the line is a heading, of the next one otherwise; for headings also a close match
 * of the next few. -1 when none. */
static int imp_match_title(imp_ctx *c, const char *norm, bool heading, bool *fuzzy)
{
    while (c->next_title < c->ntit && c->tit[c->next_title].used)
        c->next_title++;
    *fuzzy = false;
    int *v = imp_map_at(&c->titmap, norm, strlen(norm), false);
    if (v && *v >= 0 && !c->tit[*v].used && (heading || *v == c->next_title))
        return *v;
    if (!heading)
        return -1;
    int tried = 0;
    /* bounded: titles met out of order may sit among the next ones */
    for (int k = c->next_title; k < c->ntit && tried < IMP_TITLE_WINDOW && k < c->next_title + 64; k++) {
        if (c->tit[k].used)
            continue;
        tried++;
        if (strcmp(norm, c->tit[k].norm) == 0)
            return k;
        if (imp_close_enough(norm, c->tit[k].norm)) {
            *fuzzy = true;
            return k;
        }
    }
    return -1;
}

static void imp_set_text(imp_ctx *c, imp_block *b, const char *t)
{
    char *d = imp_dup(c, t, strlen(t));
    if (d) {
        free(b->text);
        b->text = d;
    }
}

static bool imp_headingish(const imp_block *b)
{
    return b->kind == BK_HEAD;
}

/* A body block that names a section: → "# name"; the same section twice with no article
 * between is one. */
static bool imp_try_section(imp_ctx *c, int i, const char *norm, int *last_section, bool *article_since)
{
    imp_block *b = &c->blk[i];
    int *v = imp_map_at(&c->secmap, norm, strlen(norm), false);
    char snip[128];
    if (!v || *v < 0 || (!imp_headingish(b) && imp_vis_len(b->text) > IMP_SECTION_MAX))
        return false;
    if (*last_section == *v && !*article_since) {
        b->role = R_DROP;
        imp_notice(c, imp_no(c, b), "section heading \"%s\" repeated with no article between: merged",
                 imp_snip(snip, b->text));
        return true;
    }
    b->role = R_SECTION;
    b->level = 1;
    if (!imp_headingish(b))
        imp_notice(c, imp_no(c, b), "unmarked line \"%s\" taken as a section heading (it is in the contents)",
                 imp_snip(snip, b->text));
    else if (b->marks != 1)
        imp_notice(c, imp_no(c, b), "section heading \"%s\" was %s; now level 1",
                 imp_snip(snip, b->text), b->bold ? "a bold line" : b->marks == 2 ? "level 2" : "deeper");
    imp_set_text(c, b, c->sec[*v].text);
    *last_section = *v;
    *article_since = false;
    return true;
}

static bool imp_try_article(imp_ctx *c, int i, const char *norm)
{
    imp_block *b = &c->blk[i];
    bool fuzzy;
    char snip[128], snip2[128];
    if (!imp_headingish(b) && imp_vis_len(b->text) > 2 * IMP_LONG)
        return false;
    int t = imp_match_title(c, norm, imp_headingish(b), &fuzzy);
    if (t < 0)
        return false;
    int line = imp_no(c, b);
    if (t != c->next_title)
        imp_check(c, line, "article \"%s\" comes earlier in the contents than here", imp_snip(snip, c->tit[t].text));
    if (fuzzy)
        imp_check(c, line, "heading \"%s\" taken as the listed title \"%s\" (close, not equal)",
                 imp_snip(snip, b->text), imp_snip(snip2, c->tit[t].text));
    if (!imp_headingish(b))
        imp_notice(c, line, "unmarked line \"%s\" taken as an article title (it is in the contents)",
                 imp_snip(snip, b->text));
    else if (b->marks != 2)
        imp_notice(c, line, "article title \"%s\" was %s; now level 2", imp_snip(snip, c->tit[t].text),
                 b->bold ? "a bold line" : b->marks == 1 ? "level 1" : "deeper");
    c->tit[t].used = true;
    c->tit[t].blk = i;
    b->role = R_ARTICLE;
    b->level = 2;
    imp_set_text(c, b, c->tit[t].text);
    return true;
}

void imp_roles(imp_ctx *c, int from)
{
    int last_section = -1;
    bool article_since = false;
    for (int i = from; i < c->nblk && !c->oom; i++) {
        imp_block *b = &c->blk[i];
        if (b->kind == BK_TABLE || b->kind == BK_LIST) {
            b->role = b->kind == BK_TABLE ? R_RAW : R_LIST;
            continue;
        }
        char *norm = b->text ? imp_norm(c, b->text) : NULL;
        if (!norm)
            continue;
        if (!imp_try_section(c, i, norm, &last_section, &article_since)) {
            if (imp_try_article(c, i, norm))
                article_since = true;
            else
                b->role = b->kind == BK_HEAD ? R_HEADING : R_PARA;
        }
        free(norm);
    }
    /* a listed title not met: reported where it would have come, before the next listed
     * article that was met (the listing itself is not written) */
    for (int k = c->ntit - 1, next = -1; k >= 0; k--) {
        if (c->tit[k].used)
            next = c->tit[k].blk;
        else
            c->tit[k].blk = next;
    }
    char snip[128];
    for (int k = 0; k < c->ntit; k++)
        if (!c->tit[k].used)
            imp_check(c, c->tit[k].blk >= 0 ? imp_no(c, &c->blk[c->tit[k].blk]) : c->nline,
                      "article \"%s\" is in the contents but was not found in the body (it is listed %s); "
                      "its text may be missing", imp_snip(snip, c->tit[k].text),
                      c->tit[k].blk >= 0 ? "before this one" : "after every article found");
}

void imp_roles_from_marks(imp_ctx *c, int from)
{
    if (from < c->nblk)
        imp_check(c, imp_no(c, &c->blk[from]),
                 "no contents listing (目录) found: sections and articles taken from the heading marks");
    for (int i = from; i < c->nblk; i++) {
        imp_block *b = &c->blk[i];
        if (b->kind == BK_TABLE || b->kind == BK_LIST)
            b->role = b->kind == BK_TABLE ? R_RAW : R_LIST;
        else if (b->kind == BK_HEAD && b->marks == 1)
            b->role = R_SECTION, b->level = 1;
        else if (b->kind == BK_HEAD && b->marks == 2)
            b->role = R_ARTICLE, b->level = 2;
        else
            b->role = b->kind == BK_HEAD ? R_HEADING : R_PARA;
    }
}

/* ===================== articles: inner structure ===================== */

static bool imp_toc_marker(imp_ctx *c, const imp_block *b)
{
    if ((b->role != R_HEADING && b->role != R_PARA) || !b->text || imp_vis_len(b->text) > 4)
        return false;
    char *n = imp_norm(c, b->text);
    bool yes = n && (strcmp(n, "目录") == 0 || strcmp(n, "目次") == 0 || strcmp(n, "contents") == 0);
    free(n);
    return yes;
}

static bool imp_toc_entry(const imp_block *b)
{
    return b->role == R_HEADING ||
           (b->role == R_PARA && imp_vis_len(b->text) <= IMP_LONG && !imp_ends_sentence(b->text));
}

/* Depth of each numbering kind in a list of entries or level in an article: the kinds
 * present, outermost first, take consecutive levels from base. An unnumbered entry sits
 * beside the outermost numbered one, or above all of them when top is set. */
static void imp_kind_levels(const bool present[K_COUNT], bool top, int base, int max, int level[K_COUNT])
{
    int next = base + (top && present[K_U]);
    level[K_U] = base;
    for (int k = K_CHAP; k < K_COUNT; k++) {
        level[k] = next < max ? next : max;
        next += present[k];
    }
}

/* A document's own contents inside an article (a 目录 line and a run of headings before
 * the real text, which repeats the first entry): kept as a nested list, not as headings. */
static void imp_toc(imp_ctx *c, int from, int to)
{
    for (int m = from; m < to; m++) {
        if (!imp_toc_marker(c, &c->blk[m]))
            continue;
        int e = m + 1;
        char *first = e < to && c->blk[e].text ? imp_norm(c, c->blk[e].text) : NULL;
        while (e < to && imp_toc_entry(&c->blk[e]) &&
               (e == m + 1 || !first || !imp_same_norm(c, c->blk[e].text, first)))
            e++;
        free(first);
        if (e - m - 1 < 2)
            continue;
        bool present[K_COUNT] = { false };
        for (int k = m + 1; k < e; k++)
            present[c->blk[k].num] = true;
        int depth[K_COUNT];
        imp_kind_levels(present, false, 1, 6, depth);
        for (int k = m + 1; k < e; k++) {
            c->blk[k].role = R_TOC_ITEM;
            c->blk[k].level = depth[c->blk[k].num];
        }
        c->blk[m].role = R_PARA;
        imp_notice(c, imp_no(c, &c->blk[m]),
                 "the document's own contents (%d entries) kept as a list, not as headings", e - m - 1);
        m = e - 1;
    }
}

/* A heading mark on a sentence (ending with 。！？ unless it is a short numbered heading
 * such as "（一）指导思想。", or longer than IMP_LONG) is dropped: a short one becomes a
 * bold paragraph, a long one a plain paragraph. */
static void imp_demote(imp_ctx *c, int from, int to)
{
    char snip[128];
    for (int i = from; i < to; i++) {
        imp_block *b = &c->blk[i];
        if (b->role != R_HEADING)
            continue;
        size_t v = imp_vis_len(b->text);
        bool numbered_short = b->num != K_U && v <= IMP_SHORT_HEAD && !imp_inner_stop(b->text);
        if (v <= IMP_LONG && (!imp_ends_stop(b->text) || numbered_short))
            continue;
        b->role = v <= IMP_LONG || b->bold ? R_BOLD : R_PARA;
        imp_notice(c, imp_no(c, b), "heading mark on a sentence \"%s\" dropped: written as a %s paragraph",
                 imp_snip(snip, b->text), b->role == R_BOLD ? "bold" : "plain");
    }
}

/* A short numbered line without a mark, of a numbering the article's marked headings use,
 * is a heading the extraction missed ("（三）总体目标。" among marked （一）（二）). */
static void imp_promote(imp_ctx *c, int from, int to)
{
    bool used[K_COUNT] = { false };
    for (int i = from; i < to; i++)
        if (c->blk[i].role == R_HEADING)
            used[c->blk[i].num] = true;
    char snip[128];
    for (int i = from; i < to; i++) {
        imp_block *b = &c->blk[i];
        if (b->role != R_PARA || b->num == K_U || !used[b->num] || b->kind != BK_PARA ||
            imp_vis_len(b->text) > IMP_SHORT_HEAD || imp_inner_stop(b->text))
            continue;
        b->role = R_HEADING;
        b->promoted = true;
        imp_notice(c, imp_no(c, b), "numbered line \"%s\" taken as a heading like its marked siblings",
                 imp_snip(snip, b->text));
    }
}

/* Inner heading levels by numbering, relative per article: the kinds present take ###,
 * ####, … outermost first; unnumbered headings sit beside the outermost numbered ones,
 * or above them when one of them is long enough to name a part (a document inside the
 * article, "展会详情及报名方式"), as short ones (前言, 附注) rarely do. */
static const char *const imp_kind_name[K_COUNT] = {
    "unnumbered", "第X章", "第X节", "一、", "（一）", "1.", "（1）",
};

static void imp_levels(imp_ctx *c, int from, int to)
{
    bool present[K_COUNT] = { false }, top = false;
    for (int i = from; i < to; i++) {
        imp_block *b = &c->blk[i];
        if (b->role != R_HEADING)
            continue;
        present[b->num] = true;
        top |= b->num == K_U && imp_vis_len(b->text) >= IMP_TOP_TITLE;
    }
    int level[K_COUNT];
    imp_kind_levels(present, top, 3, 6, level);
    char snip[128];
    for (int i = from; i < to; i++) {
        imp_block *b = &c->blk[i];
        if (b->role != R_HEADING)
            continue;
        b->level = level[b->num];
        if (b->promoted)
            continue;
        if (b->bold)
            imp_notice(c, imp_no(c, b), "bold line \"%s\" taken as a level-%d heading (%s)",
                     imp_snip(snip, b->text), b->level, imp_kind_name[b->num]);
        else if (b->marks != b->level)
            imp_notice(c, imp_no(c, b), "heading \"%s\" was level %d; now %d (%s in this article's outline)",
                     imp_snip(snip, b->text), b->marks, b->level, imp_kind_name[b->num]);
    }
}

/* A display title set on two lines comes out with a space between two Han characters;
 * when the article's title spells the same words without it (the 通知 naming the document
 * it prints), the space is that line break. */
static void imp_heading_spaces(imp_ctx *c, int from, int to, const imp_block *article)
{
    char snip[128];
    if (!article || article->role != R_ARTICLE)
        return;
    char *title = imp_norm(c, article->text);
    for (int i = from; i < to && title; i++) {
        imp_block *b = &c->blk[i];
        if (b->role != R_HEADING || imp_vis_len(b->text) > IMP_LONG || !strchr(b->text, ' '))
            continue;
        char *t = imp_dup(c, b->text, strlen(b->text));
        char *n = t ? imp_norm(c, t) : NULL;
        if (n && strstr(title, n) && imp_drop_han_spaces(t)) {
            imp_notice(c, imp_no(c, b), "space in heading \"%s\" dropped: the article's title spells it without",
                     imp_snip(snip, b->text));
            free(b->text);
            b->text = t;
            t = NULL;
        }
        free(t);
        free(n);
    }
    free(title);
}

void imp_articles(imp_ctx *c, int from)
{
    int start = from;
    for (int i = from; i <= c->nblk && !c->oom; i++) {
        if (i < c->nblk && c->blk[i].role != R_SECTION && c->blk[i].role != R_ARTICLE)
            continue;
        imp_toc(c, start, i);
        imp_demote(c, start, i);
        imp_promote(c, start, i);
        imp_levels(c, start, i);
        imp_heading_spaces(c, start, i, start > from ? &c->blk[start - 1] : NULL);
        start = i + 1;
    }
}
