/* import_para — paragraphs after the outline is known: table captions, lost figures,
 * source lines, paragraphs rejoined across page breaks, extraction artifacts, and bold
 * spans CommonMark would not close. */
#include "layout/import/import_int.h"

#include <stdlib.h>
#include <string.h>

/* ===================== captions, figures, sources ===================== */

static int imp_prev(const imp_ctx *c, int i)
{
    while (--i >= 0 && c->blk[i].role == R_DROP) {
    }
    return i;
}

static bool imp_title_like(const imp_block *b)
{
    return b->role == R_PARA && b->kind == BK_PARA && imp_vis_len(b->text) <= IMP_LONG &&
           !imp_ends_sentence(b->text) && !imp_starts_item(b->text);
}

void imp_captions(imp_ctx *c, int from)
{
    char snip[128];
    for (int i = from; i < c->nblk; i++) {
        imp_block *b = &c->blk[i];
        if (b->kind != BK_TABLE || b->role != R_RAW || b->page_before)
            continue;
        int p = imp_prev(c, i);
        if (p < from || !imp_title_like(&c->blk[p]))
            continue;
        b->caption = c->blk[p].text;
        c->blk[p].text = NULL;
        c->blk[p].role = R_DROP;
        imp_notice(c, imp_no(c, &c->blk[p]), "line \"%s\" taken as the caption of the table below",
                 imp_snip(snip, b->caption));
    }
}

static bool imp_figure_caption(const char *t)
{
    size_t n = strlen(t), i = imp_ltrim_marks(t, n);
    if (strncmp(t + i, "Figure", 6) == 0 || strncmp(t + i, "Fig.", 4) == 0)
        return true;
    if (strncmp(t + i, "图", strlen("图")) != 0)
        return false;
    i += strlen("图");
    while (i < n && t[i] == ' ')
        i++;
    size_t j = i;
    uint32_t u = imp_next(t, n, &j);
    return imp_is_digit(u) || imp_cp_in(u, IMP_HAN_NUMERALS);
}

void imp_figures(imp_ctx *c, int from)
{
    char snip[128];
    for (int i = from; i < c->nblk; i++) {
        imp_block *b = &c->blk[i];
        if (b->role != R_PARA || b->kind != BK_PARA || imp_vis_len(b->text) > IMP_LONG ||
            imp_ends_sentence(b->text))
            continue;
        int p = imp_prev(c, i);
        bool after = p >= from && (c->blk[p].role == R_FIGURE || (c->blk[p].role == R_RAW && c->blk[p].kind == BK_TABLE));
        bool caption = imp_figure_caption(b->text);
        if (!caption && (!after || strstr(b->text, "：") || strchr(b->text, ':') || imp_starts_item(b->text)))
            continue;
        b->role = R_FIGURE;
        imp_check(c, imp_no(c, b), "lost figure: only its caption \"%s\" remains; kept as a paragraph",
                 imp_snip(snip, b->text));
    }
}

/* "(来源：珠海特区报)", "（文件来源:商务部）", "来源：新华社" → "（来源：珠海特区报）" … */
static char *imp_source_line(imp_ctx *c, const char *t)
{
    size_t n = strlen(t), i = 0, j = 0;
    bool paren = false;
    uint32_t u = imp_next(t, n, &j);
    if (imp_vis_len(t) > IMP_LONG)
        return NULL;
    if (u == '(' || u == 0xFF08)
        paren = true, i = j;
    const char *src = strstr(t + i, "来源");
    if (!src || (size_t)(src - (t + i)) > 4 * 3)
        return NULL;
    for (size_t k = i; k < (size_t)(src - t);) {
        if (!imp_is_han(imp_next(t, n, &k)))
            return NULL;
    }
    size_t prefix = i, after = (size_t)(src - t) + strlen("来源");
    while (after < n && t[after] == ' ')
        after++;
    j = after;
    u = imp_next(t, n, &j);
    if (u != ':' && u != 0xFF1A)
        return NULL;
    while (j < n && t[j] == ' ')
        j++;
    size_t e = n;
    if (paren) {
        size_t k = e;
        uint32_t close = utf8_prev(t, &k);
        if (close != ')' && close != 0xFF09)
            return NULL;
        e = k;
    } else if (imp_vis_len(t) > 30) {
        return NULL;
    }
    while (e > j && t[e - 1] == ' ')
        e--;
    if (e <= j)
        return NULL;
    strbuf o = { 0 };
    strbuf_str(&o, "（");
    strbuf_add(&o, t + prefix, (size_t)(src - t) - prefix);
    strbuf_str(&o, "来源：");
    strbuf_add(&o, t + j, e - j);
    strbuf_str(&o, "）");
    return imp_take(c, &o);
}

void imp_sources(imp_ctx *c, int from)
{
    for (int i = from; i < c->nblk; i++) {
        imp_block *b = &c->blk[i];
        if (b->role != R_PARA || b->kind != BK_PARA)
            continue;
        char *s = imp_source_line(c, b->text);
        if (!s)
            continue;
        free(b->text);
        b->text = s;
        b->role = R_SOURCE;
    }
}

/* ===================== signature blocks (落款) ===================== */

/* The last words of an issuing body's name: 商务部, 税务总局, 海关总署, 证监会, 人民政府,
 * 办公室, 评测中心, 人民银行… Two-character endings where one character alone (心, 司, 行)
 * ends too many ordinary words. */
static const char *const imp_body_ends[] = {
    "部", "局", "厅", "署", "委", "会", "办", "室", "府", "院", "处", "所", "社", "站", "馆",
    "中心", "公司", "集团", "联盟", "银行", "学校", "大学", "小组",
};

/* One word of an issuer line: Han (and brackets, as in 中国（广东）…) ending like a
 * body's name. */
static bool imp_body_word(const char *s, size_t n)
{
    size_t i = 0, k = 0;
    while (i < n) {
        uint32_t u = imp_next(s, n, &i);
        if (!imp_is_han(u) && !imp_cp_in(u, "（）()"))
            return false;
        k++;
    }
    if (k < 2 || k > IMP_LONG)
        return false;
    for (size_t e = 0; e < sizeof imp_body_ends / sizeof *imp_body_ends; e++) {
        size_t m = strlen(imp_body_ends[e]);
        if (n >= m && memcmp(s + n - m, imp_body_ends[e], m) == 0)
            return true;
    }
    return false;
}

/* A line naming one or more issuing bodies, separated by spaces: "广东省人民政府",
 * "商务部 科技部 工业和信息化部 财政部 自然资源部". */
bool imp_issuer_line(const char *s, size_t n)
{
    size_t i = 0, words = 0, vis = 0;
    while (i < n) {
        while (i < n && imp_is_blank(utf8_first(s + i, n - i)))
            imp_next(s, n, &i);
        size_t a = i;
        while (i < n && !imp_is_blank(utf8_first(s + i, n - i))) {
            imp_next(s, n, &i);
            vis++;
        }
        if (a == i)
            break;
        if (!imp_body_word(s + a, i - a) || ++words > IMP_SIGN_BODIES)
            return false;
    }
    return words > 0 && vis <= IMP_LONG;
}

/* A number of a date: 1–max ASCII digits, or 1–max Han numerals (〇一二…十). */
static bool imp_date_number(const char *s, size_t n, size_t *i, size_t max)
{
    size_t k = imp_scan_numerals(s, n, i, false, true);
    if (k == 0)
        k = imp_scan_numerals(s, n, i, true, false);
    return k >= 1 && k <= max;
}

/* A line that is a date alone: 2019年3月31日, 二〇一九年三月三十一日. */
bool imp_date_line(const char *s, size_t n)
{
    size_t i = 0;
    return imp_date_number(s, n, &i, 4) && imp_next(s, n, &i) == 0x5E74 /* 年 */ &&
           imp_date_number(s, n, &i, 2) && imp_next(s, n, &i) == 0x6708 /* 月 */ &&
           imp_date_number(s, n, &i, 3) && imp_next(s, n, &i) == 0x65E5 /* 日 */ && i == n;
}

/* Whether block b's lines are all issuer lines (to = b->last) or all but its last one
 * (to = b->last - 1); how many in *count. */
static bool imp_issuer_block(const imp_ctx *c, const imp_block *b, int to, int *count)
{
    if (b->role != R_PARA || b->kind != BK_PARA)
        return false;
    for (int l = b->first; l <= to; l++)
        if (!imp_issuer_line(c->line[l].s, c->line[l].n))
            return false;
    *count = to - b->first + 1;
    return true;
}

/* The closing of a notice: one to three lines of issuing bodies, then a date line, at the
 * end of an article or of the document it prints (a heading, a source line or the end
 * follows). Whole blocks only. Becomes one ```signature block, set flush right. */
static void imp_signature(imp_ctx *c, int d, int from)
{
    imp_block *b = &c->blk[d];
    if (b->role != R_PARA || b->kind != BK_PARA || !imp_date_line(c->line[b->last].s, c->line[b->last].n))
        return;
    int next = d + 1;
    while (next < c->nblk && c->blk[next].role == R_DROP)
        next++;
    if (next < c->nblk && c->blk[next].role != R_SECTION && c->blk[next].role != R_ARTICLE &&
        c->blk[next].role != R_HEADING && c->blk[next].role != R_SOURCE)
        return;
    int lines, start = d;
    if (!imp_issuer_block(c, b, b->last - 1, &lines))
        return;
    for (int p = imp_prev(c, d), k; p >= from && lines < IMP_SIGN_LINES; p = imp_prev(c, p)) {
        if (!imp_issuer_block(c, &c->blk[p], c->blk[p].last, &k) || lines + k > IMP_SIGN_LINES)
            break;
        lines += k;
        start = p;
    }
    /* a fourth issuer line before them: a list of bodies, not a signature */
    int p = imp_prev(c, start), k;
    if (lines == 0 || (p >= from && imp_issuer_block(c, &c->blk[p], c->blk[p].last, &k)))
        return;
    strbuf o = { 0 };
    for (int i = start; i <= d; i++) {
        if (c->blk[i].role == R_DROP)
            continue;
        for (int l = c->blk[i].first; l <= c->blk[i].last; l++) {
            strbuf_add(&o, c->line[l].s, c->line[l].n);
            strbuf_chr(&o, '\n');
        }
        if (i > start)
            c->blk[i].role = R_DROP;
    }
    char *t = imp_take(c, &o);
    if (!t)
        return;
    t[strlen(t) - 1] = 0;
    free(c->blk[start].text);
    c->blk[start].text = t;
    c->blk[start].role = R_SIGNATURE;
    c->blk[start].last = b->last;
    imp_notice(c, imp_no(c, &c->blk[start]),
               "signature (落款): %d issuing-body line%s and the date set as a ```signature block (flush right)",
               lines, lines == 1 ? "" : "s");
}

void imp_signatures(imp_ctx *c, int from)
{
    for (int i = from; i < c->nblk && !c->oom; i++)
        imp_signature(c, i, from);
}

/* ===================== rejoining page breaks ===================== */

static bool imp_joinable(const imp_block *b)
{
    return b->role == R_PARA && b->kind == BK_PARA;
}

/* Whether n continues a paragraph cut at a page break: the paragraph so far (its first
 * part b, its last part t, pv characters) lacks final punctuation and n continues plain
 * text (not a heading, table, item, source line or bold lead-in). A page break (a running
 * footer) between them is the evidence; a long first part (a full line of body text)
 * without one is a weaker sign, reported. */
static bool imp_join_decide(imp_ctx *c, const imp_block *b, const imp_block *t, size_t pv, const imp_block *n)
{
    char snip[128];
    if (imp_ends_sentence(t->text)) {
        if (n->page_before && imp_starts_item(b->text) && !imp_starts_item(n->text) &&
            imp_vis_len(n->text) > IMP_LONG)
            imp_check(c, imp_no(c, n),
                      "paragraph after a page break may continue the numbered item before it; not joined, "
                      "as that one ends a sentence");
        return false;
    }
    bool evidence = (n->page_before && pv >= 15) || pv >= IMP_LONG;
    bool bold_lead = strncmp(n->text, "**", 2) == 0;
    if (!evidence || imp_starts_item(n->text) || bold_lead) {
        if (evidence && n->page_before)
            imp_check(c, imp_no(c, n),
                      "the paragraph before the page break ends without final punctuation; not joined to "
                      "this one, which starts %s", bold_lead ? "with bold text" : "a numbered item");
        return false;
    }
    uint32_t pc = imp_last(t->text), nc = imp_first(n->text);
    bool unsure = !n->page_before || imp_cp_in(pc, IMP_CLOSERS) || (imp_is_digit(pc) && imp_is_digit(nc)) ||
                  (imp_vis_len(n->text) < 15 && !imp_ends_sentence(n->text));
    if (unsure)
        imp_check(c, imp_no(c, n), "paragraph joined after \"%s\" as cut at a %s; check that the two parts "
                  "belong together", imp_snip(snip, imp_tail(t->text, 12)),
                  n->page_before ? "page break" : "page break without a footer");
    return true;
}

/* Builds each joined paragraph once, from its parts in order. */
static void imp_rejoin_texts(imp_ctx *c, int from)
{
    for (int i = from; i < c->nblk && !c->oom; i++) {
        imp_block *b = &c->blk[i];
        if (!b->joined || b->role == R_DROP)
            continue;
        strbuf o = { 0 };
        strbuf_str(&o, b->text);
        for (int j = b->joined; j; j = c->blk[j].joined)
            imp_join_text(&o, c->blk[j].text, strlen(c->blk[j].text));
        char *t = imp_take(c, &o);
        if (!t)
            return;
        free(b->text);
        b->text = t;
    }
}

void imp_rejoin(imp_ctx *c, int from)
{
    int head = -1, tail = -1;
    size_t pv = 0;
    for (int i = from; i < c->nblk && !c->oom; i++) {
        imp_block *n = &c->blk[i];
        if (n->role == R_DROP)
            continue;
        imp_block *b = head >= 0 ? &c->blk[head] : NULL;
        if (b && imp_joinable(b) && imp_joinable(n) && imp_join_decide(c, b, &c->blk[tail], pv, n)) {
            c->blk[tail].joined = i;
            n->role = R_DROP;
            b->last = n->last;
            pv += imp_vis_len(n->text);
            tail = i;
            continue;
        }
        head = tail = i;
        pv = n->text ? imp_vis_len(n->text) : 0;
    }
    imp_rejoin_texts(c, from);
}

/* ===================== extraction artifacts ===================== */

void imp_latin_words(imp_ctx *c, int from)
{
    for (int i = from; i < c->nblk; i++) {
        const imp_block *b = &c->blk[i];
        if (!b->text || b->role == R_DROP || b->role == R_RAW)
            continue;
        const char *t = b->text;
        size_t n = strlen(t);
        for (size_t k = 0; k + 2 < n; k++) {
            if (t[k] != ' ' || t[k + 1] < 'a' || t[k + 1] > 'z')
                continue;
            size_t e = k + 1;
            while (e < n && t[e] >= 'a' && t[e] <= 'z')
                e++;
            size_t before = k, after = e + 1;
            if (e - k - 1 > 5 || e >= n || t[e] != ' ' || !imp_is_han(utf8_prev(t, &before)) ||
                !imp_is_han(imp_next(t, n, &after)))
                continue;
            imp_check(c, imp_no(c, b), "Latin word \"%.*s\" between Han characters: the extraction may have put "
                     "it for a Chinese word (\"and\" for 和); check", (int)(e - k - 1), t + k + 1);
            k = e;
        }
    }
}

/* ===================== emphasis ===================== */

/* CommonMark closes ** only when it is right-flanking, so "**一是……。**坚持" (a CJK mark
 * inside before a letter outside) never closes; the same holds for an opening ** before a
 * mark and after a letter. Moves such marks at the inner edges of a bold span outside it:
 * "**一是……**。坚持". */
static char *imp_fix_bold(imp_ctx *c, const char *s, int line)
{
    size_t n = strlen(s), pairs = 0;
    for (size_t i = 0; i + 1 < n; i++)
        if (s[i] == '*' && s[i + 1] == '*')
            pairs++, i++;
    if (pairs == 0)
        return NULL;
    if (pairs % 2) {
        imp_check(c, line, "unbalanced ** in this paragraph; emphasis left as it is");
        return NULL;
    }
    strbuf o = { 0 };
    size_t i = 0;
    while (i < n) {
        const char *open = strstr(s + i, "**");
        const char *close = open ? strstr(open + 2, "**") : NULL;
        if (!close) {
            strbuf_str(&o, s + i);
            break;
        }
        size_t a = (size_t)(open - s) + 2, z = (size_t)(close - s);
        strbuf_add(&o, s + i, (size_t)(open - s) - i);
        size_t k = (size_t)(open - s);
        uint32_t before = utf8_prev(s, &k);
        size_t m = z + 2;
        uint32_t after = imp_next(s, n, &m);
        size_t ia = a, iz = z;
        /* an opening ** after a letter must not be followed by a mark */
        while (before && !imp_is_blank(before) && !imp_is_punct(before) && ia < iz) {
            size_t q = ia;
            if (!imp_is_punct(imp_next(s, n, &q)))
                break;
            ia = q;
            size_t r = ia;
            before = utf8_prev(s, &r);
        }
        /* a closing ** before a letter must not follow a mark */
        for (;;) {
            size_t q = iz;
            uint32_t last = utf8_prev(s, &q), next = after;
            if (iz < z) {
                size_t r = iz;
                next = imp_next(s, n, &r);
            }
            if (iz <= ia || !imp_is_punct(last) || !next || imp_is_blank(next) || imp_is_punct(next))
                break;
            iz = q;
        }
        if (ia == iz)
            ia = a, iz = z;
        strbuf_add(&o, s + a, ia - a);
        strbuf_str(&o, "**");
        strbuf_add(&o, s + ia, iz - ia);
        strbuf_str(&o, "**");
        strbuf_add(&o, s + iz, z - iz);
        i = z + 2;
    }
    return imp_take(c, &o);
}

void imp_emphasis(imp_ctx *c, int from)
{
    for (int i = from; i < c->nblk; i++) {
        imp_block *b = &c->blk[i];
        if (!b->text || (b->role != R_PARA && b->role != R_LIST && b->role != R_FIGURE))
            continue;
        char *f = imp_fix_bold(c, b->text, imp_no(c, b));
        if (f) {
            free(b->text);
            b->text = f;
        }
    }
}
