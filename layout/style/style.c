/* style — see style.h.
 *
 * A style sheet is read in two steps. inih splits the file into (section, key, value)
 * and each value is kept as text with its position; then every setting is resolved
 * in a fixed order, because ems, lines and multiples depend on the body size and
 * leading, which a file may set after (or never). The built-in house style is
 * styles/zasto.ini itself, built into the program by the Makefile (style_house.h):
 * a setting the file does not give comes from it, still as text, so "2em" follows a
 * changed body size. */
#include "layout/style/style.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ini.h>

#include "layout/base/fileio.h"
#include "layout/base/suggest.h"
#include "layout/base/utf8.h"
#include "layout/base/vec.h"
#include "layout/style/style_house.h"

/* ---- the settings --------------------------------------------------------------- */

typedef enum {
    V_LENGTH,                 /* >= 0 */
    V_POSITIVE,               /* a length > 0 */
    V_SIZE,                   /* a text size > 0 */
    V_LEADING,                /* multiple of the size, length, or lines */
    V_SPACE,                  /* lines or a length */
    V_GAP,                    /* a whole number of body ems */
    V_EM,                     /* stored in ems */
    V_COLOR,                  /* may name a colour of [colors] */
    V_BASE_COLOR,             /* in [colors]: no names */
    V_BOOL,
    V_INT,
    V_STRING,                 /* not empty */
    V_STRING_OPT,             /* may be empty */
    V_TEMPLATE,
    V_LIST,
    V_ALIGN,
    V_STRICT,
    V_RULES,
    V_PRESS,
    V_PAGESIZE,               /* sets page_w and page_h */
    V_RATIO,                  /* a plain number or a percentage: 1.4, 45% */
    V_FRAME,                  /* tint, rules or none */
    V_RANGE,                  /* hyphen, en-dash or tilde */
} vkind;

typedef struct {
    const char *name;
    vkind kind;
    size_t off;               /* in style, or in style_text for text keys */
    int lo, hi;               /* V_INT range */
} key_def;

#define TK(f) offsetof(style_text, f)
static const key_def text_keys[] = {
    { "family", V_STRING, TK(family), 0, 0 },
    { "style", V_STRING, TK(style), 0, 0 },
    { "size", V_SIZE, TK(size), 0, 0 },
    { "leading", V_LEADING, TK(leading), 0, 0 },
    { "color", V_COLOR, TK(color), 0, 0 },
    { "space-before", V_SPACE, TK(space_before), 0, 0 },
    { "space-after", V_SPACE, TK(space_after), 0, 0 },
    { "indent", V_LENGTH, TK(indent), 0, 0 },
    { "align", V_ALIGN, TK(align), 0, 0 },
};
#define NTEXT_KEYS (sizeof text_keys / sizeof text_keys[0])

#define SK(f) offsetof(style, f)
/* Keys of the heading sections, beside the text keys: how their lines break. */
#define HEADING_KEYS(t)                                                   \
    {                                                                     \
        { "balance", V_BOOL, SK(t.balance), 0, 0 },                       \
        { "phrase-balance", V_RATIO, SK(t.phrase_balance), 0, 0 },        \
        { "keep-brackets", V_INT, SK(t.keep_brackets), 0, 1000 },         \
        { "keep-words", V_BOOL, SK(t.keep_words), 0, 0 },                 \
    }
static const key_def section_keys[] = HEADING_KEYS(section);
static const key_def article_keys[] = HEADING_KEYS(article);
static const key_def h3_keys[] = HEADING_KEYS(h[3]);
static const key_def h4_keys[] = HEADING_KEYS(h[4]);
static const key_def h5_keys[] = HEADING_KEYS(h[5]);
static const key_def h6_keys[] = HEADING_KEYS(h[6]);
static const key_def page_keys[] = {
    { "size", V_PAGESIZE, SK(page_w), 0, 0 },     /* before width/height: they refine it */
    { "width", V_POSITIVE, SK(page_w), 0, 0 },
    { "height", V_POSITIVE, SK(page_h), 0, 0 },
    { "margin-top", V_LENGTH, SK(margin_top), 0, 0 },
    { "margin-bottom", V_LENGTH, SK(margin_bottom), 0, 0 },
    { "margin-inner", V_LENGTH, SK(margin_inner), 0, 0 },
    { "margin-outer", V_LENGTH, SK(margin_outer), 0, 0 },
    { "columns", V_INT, SK(columns), 1, 8 },
    { "column-gap", V_GAP, SK(column_gap), 0, 0 },
    { "column-rule", V_LENGTH, SK(column_rule), 0, 0 },
    { "section-new-page", V_BOOL, SK(section_new_page), 0, 0 },
    { "section-run-in", V_BOOL, SK(section_run_in), 0, 0 },
    { "section-run-in-space", V_SPACE, SK(section_run_in_space), 0, 0 },
    { "widows", V_BOOL, SK(widows), 0, 0 },
    { "bleed", V_LENGTH, SK(bleed), 0, 0 },       /* the same setting as [press] bleed */
};
static const key_def font_keys[] = {
    { "latin", V_STRING, SK(latin_family), 0, 0 },
    { "latin-style", V_STRING, SK(latin_style), 0, 0 },
    { "bold", V_STRING, SK(bold_family), 0, 0 },
    { "bold-style", V_STRING, SK(bold_style), 0, 0 },
    { "emphasis", V_STRING, SK(em_family), 0, 0 },
    { "emphasis-style", V_STRING, SK(em_style), 0, 0 },
    { "mono", V_STRING, SK(mono_family), 0, 0 },
    { "mono-style", V_STRING, SK(mono_style), 0, 0 },
    { "fallback", V_LIST, SK(fallback), 0, 0 },
};
static const key_def clreq_keys[] = {
    { "strictness", V_STRICT, SK(strictness), 0, 0 },
    { "compress", V_BOOL, SK(compress), 0, 0 },
    { "hanging", V_BOOL, SK(hanging), 0, 0 },
    { "han-latin", V_EM, SK(han_latin), 0, 0 },
    { "han-latin-min", V_EM, SK(han_latin_min), 0, 0 },
    { "han-latin-max", V_EM, SK(han_latin_max), 0, 0 },
    { "indent", V_LENGTH, SK(body.indent), 0, 0 }, /* the same setting as [body] indent */
    { "last-line-min", V_INT, SK(last_line_min), 1, 10 },
    { "fullwidth-punct", V_BOOL, SK(fullwidth_punct), 0, 0 },
    { "range-dash", V_RANGE, SK(range_dash), 0, 0 },
    { "max-spread", V_EM, SK(max_spread), 0, 0 },
    { "token-penalty", V_INT, SK(token_penalty), 0, 10000 },
};
static const key_def code_keys[] = {
    { "frame", V_FRAME, SK(code_frame), 0, 0 },
    { "background", V_COLOR, SK(code_background), 0, 0 },
    { "rule", V_LENGTH, SK(code_rule), 0, 0 },
    { "padding", V_LENGTH, SK(code_padding), 0, 0 },
    { "wrap-indent", V_LENGTH, SK(code_wrap_indent), 0, 0 },
    { "wrap-mark", V_STRING_OPT, SK(code_wrap_mark), 0, 0 },
    { "span", V_BOOL, SK(code_span), 0, 0 },
    { "whole", V_INT, SK(code_whole), 1, 1000 },
};
static const key_def running_keys[] = {
    { "header-odd-left", V_TEMPLATE, SK(header_odd_left), 0, 0 },
    { "header-odd-right", V_TEMPLATE, SK(header_odd_right), 0, 0 },
    { "header-even-left", V_TEMPLATE, SK(header_even_left), 0, 0 },
    { "header-even-right", V_TEMPLATE, SK(header_even_right), 0, 0 },
    { "footer-odd", V_TEMPLATE, SK(footer_odd), 0, 0 },
    { "footer-even", V_TEMPLATE, SK(footer_even), 0, 0 },
    { "rule", V_LENGTH, SK(header_rule), 0, 0 },
    { "header-gap", V_RATIO, SK(header_gap), 0, 0 },
    { "rule-gap", V_RATIO, SK(header_rule_gap), 0, 0 },
    { "footer-gap", V_RATIO, SK(footer_gap), 0, 0 },
};
static const key_def opener_keys[] = {
    { "tags", V_STRING_OPT, SK(opener_tags), 0, 0 },
    { "rule", V_LENGTH, SK(opener_rule), 0, 0 },
    { "rule-gap", V_RATIO, SK(opener_rule_gap), 0, 0 },
    { "running-head", V_BOOL, SK(opener_running_head), 0, 0 },
};
static const key_def script_keys[] = {
    { "size", V_RATIO, SK(script_size), 0, 0 },
    { "rise", V_RATIO, SK(script_rise), 0, 0 },
    { "drop", V_RATIO, SK(script_drop), 0, 0 },
};
static const key_def quote_keys[] = {
    { "inset", V_LENGTH, SK(quote_inset), 0, 0 },
};
static const key_def list_step_keys[] = {
    { "step", V_LENGTH, SK(list_step), 0, 0 },
    { "label-width", V_LENGTH, SK(list_label_width), 0, 0 },
    { "label-gap", V_LENGTH, SK(list_label_gap), 0, 0 },
};
static const key_def break_keys[] = {
    { "width", V_LENGTH, SK(break_width), 0, 0 },
    { "weight", V_LENGTH, SK(break_weight), 0, 0 },
};
static const key_def figure_keys[] = {
    { "span-aspect", V_RATIO, SK(figure_span_aspect), 0, 0 },
    { "max-height", V_RATIO, SK(figure_max_height), 0, 0 },
    { "caption-gap", V_RATIO, SK(figure_caption_gap), 0, 0 },
};
static const key_def toc_keys[] = {
    { "title-gap", V_RATIO, SK(toc_title_gap), 0, 0 },
    { "rule", V_LENGTH, SK(toc_rule), 0, 0 },
    { "rule-gap", V_RATIO, SK(toc_rule_gap), 0, 0 },
    { "after-rule", V_RATIO, SK(toc_after_rule), 0, 0 },
    { "entry-indent", V_RATIO, SK(toc_indent), 0, 0 },
    { "number-width", V_RATIO, SK(toc_number_width), 0, 0 },
    { "leader-gap", V_RATIO, SK(toc_leader_gap), 0, 0 },
    { "leader-pitch", V_LENGTH, SK(toc_leader_pitch), 0, 0 },
    { "leader-dot", V_LENGTH, SK(toc_leader_dot), 0, 0 },
};
static const key_def table_keys[] = {
    { "rules", V_RULES, SK(table_rules), 0, 0 },
    { "min-size", V_POSITIVE, SK(table_min_size), 0, 0 },
    { "padding", V_LENGTH, SK(table_padding), 0, 0 },
};
static const key_def cover_keys[] = {
    { "band-color", V_COLOR, SK(cover_band), 0, 0 },
    { "band-height", V_LENGTH, SK(cover_band_height), 0, 0 },
    { "name-baseline", V_RATIO, SK(cover_name_baseline), 0, 0 },
    { "name-en-gap", V_RATIO, SK(cover_name_en_gap), 0, 0 },
    { "title-baseline", V_RATIO, SK(cover_title_baseline), 0, 0 },
    { "title-rule", V_LENGTH, SK(cover_title_rule), 0, 0 },
    { "title-rule-gap", V_RATIO, SK(cover_title_rule_gap), 0, 0 },
    { "number-gap", V_RATIO, SK(cover_number_gap), 0, 0 },
    { "contents-gap", V_RATIO, SK(cover_contents_gap), 0, 0 },
    { "box-lines", V_INT, SK(cover_box_lines), 1, 20 },
    { "box-rule", V_LENGTH, SK(cover_box_rule), 0, 0 },
    { "highlights", V_INT, SK(cover_highlights), 0, 20 },
};
static const key_def press_keys[] = {
    { "standard", V_PRESS, SK(press), 0, 0 },
    { "profile", V_STRING_OPT, SK(press_profile), 0, 0 },
    { "condition", V_STRING, SK(press_condition), 0, 0 },
    { "condition-info", V_STRING_OPT, SK(press_condition_info), 0, 0 },
    { "bleed", V_LENGTH, SK(bleed), 0, 0 },
    { "crop-marks", V_BOOL, SK(crop_marks), 0, 0 },
    { "pad-to-4", V_BOOL, SK(pad_to_4), 0, 0 },
};
static const key_def color_keys[] = {
    { "accent", V_BASE_COLOR, SK(accent), 0, 0 },
    { "rule", V_BASE_COLOR, SK(rule), 0, 0 },
};

#define NO_TEXT ((size_t)-1)
#define KEYS(a) a, sizeof a / sizeof a[0]
typedef struct {
    const char *name;
    size_t text;              /* offset of its style_text, or NO_TEXT */
    const key_def *keys;      /* keys of its own (besides the text keys) */
    size_t nkeys;
} section_def;

static const section_def sections[] = {
    { "page", NO_TEXT, KEYS(page_keys) },
    { "fonts", NO_TEXT, KEYS(font_keys) },
    { "body", SK(body), NULL, 0 },
    { "section", SK(section), KEYS(section_keys) },
    { "article", SK(article), KEYS(article_keys) },
    { "h3", SK(h[3]), KEYS(h3_keys) },
    { "h4", SK(h[4]), KEYS(h4_keys) },
    { "h5", SK(h[5]), KEYS(h5_keys) },
    { "h6", SK(h[6]), KEYS(h6_keys) },
    { "caption", SK(caption), NULL, 0 },
    { "table", SK(table), KEYS(table_keys) },
    { "table-head", SK(table_head), NULL, 0 },
    { "quote", SK(quote), KEYS(quote_keys) },
    { "list", NO_TEXT, KEYS(list_step_keys) },
    { "break", NO_TEXT, KEYS(break_keys) },
    { "figure", NO_TEXT, KEYS(figure_keys) },
    { "script", NO_TEXT, KEYS(script_keys) },
    { "source", SK(source), NULL, 0 },
    { "code", SK(code), KEYS(code_keys) },
    { "signature", SK(signature), NULL, 0 },
    { "header", SK(header), NULL, 0 },
    { "footer", SK(footer), NULL, 0 },
    { "toc", SK(toc), KEYS(toc_keys) },
    { "toc-section", SK(toc_section), NULL, 0 },
    { "opener", SK(opener), KEYS(opener_keys) },
    { "cover-title", SK(cover_title), NULL, 0 },
    { "cover-org", SK(cover_org), NULL, 0 },
    { "cover-org-en", SK(cover_org_en), NULL, 0 },
    { "cover-info", SK(cover_info), NULL, 0 },
    { "clreq", NO_TEXT, KEYS(clreq_keys) },
    { "running", NO_TEXT, KEYS(running_keys) },
    { "cover", NO_TEXT, KEYS(cover_keys) },
    { "press", NO_TEXT, KEYS(press_keys) },
    { "colors", NO_TEXT, KEYS(color_keys) },
};
#define NSECTIONS (sizeof sections / sizeof sections[0])
#define BODY 2                /* index of [body] in sections */

/* A key of a section, with where its value goes. Two keys are the same setting when
 * they have the same target and kind ([page] bleed and [press] bleed). */
typedef struct {
    int section;
    const key_def *def;
    size_t target;            /* offset in style */
} key_ref;

static bool find_key(int sec, const char *name, key_ref *k)
{
    const section_def *s = &sections[sec];
    for (size_t i = 0; s->text != NO_TEXT && i < NTEXT_KEYS; i++)
        if (strcmp(text_keys[i].name, name) == 0) {
            *k = (key_ref){ sec, &text_keys[i], s->text + text_keys[i].off };
            return true;
        }
    for (size_t i = 0; i < s->nkeys; i++)
        if (strcmp(s->keys[i].name, name) == 0) {
            *k = (key_ref){ sec, &s->keys[i], s->keys[i].off };
            return true;
        }
    return false;
}

static int find_section(const char *name, size_t n)
{
    for (size_t i = 0; i < NSECTIONS; i++)
        if (strlen(sections[i].name) == n && strncmp(sections[i].name, name, n) == 0)
            return (int)i;
    return -1;
}

/* ---- values as read ------------------------------------------------------------- */

typedef struct {
    key_ref key;
    char *value;
    int line, col;
    bool done;                /* resolved */
} raw_value;

typedef struct {
    const char *file;
    raw_value *v;
    size_t n, cap;
} raw_set;

static raw_value *raw_find(const raw_set *rs, const key_ref *k)
{
    for (size_t i = 0; i < rs->n; i++)
        if (rs->v[i].key.target == k->target && rs->v[i].key.def->kind == k->def->kind)
            return &rs->v[i];
    return NULL;
}

static void raw_free(raw_set *rs)
{
    for (size_t i = 0; i < rs->n; i++)
        free(rs->v[i].value);
    free(rs->v);
    rs->v = NULL;
    rs->n = rs->cap = 0;
}

/* ---- messages ------------------------------------------------------------------- */

/* Values are checked only once the whole file is read, so mistakes are found out of
 * order: they are kept here and reported sorted by position at the end. */
typedef struct {
    const char *file;
    int line, col;
    size_t seq;
    char *text;
} style_msg;

typedef struct {
    style_msg *v;
    size_t n, cap;
    bool oom;
} msg_list;

static void msg_vadd(msg_list *m, const char *file, int line, int col, const char *fmt,
                     va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    char *text = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (!text || !vec_reserve((void **)&m->v, &m->cap, m->n + 1, sizeof *m->v)) {
        free(text);
        m->oom = true;
        return;
    }
    vsnprintf(text, (size_t)n + 1, fmt, ap);
    m->v[m->n] = (style_msg){ file, line, col, m->n, text };
    m->n++;
}

static void msg_add(msg_list *m, const char *file, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void msg_add(msg_list *m, const char *file, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    msg_vadd(m, file, line, col, fmt, ap);
    va_end(ap);
}

static void msg_at(msg_list *m, const src_file *src, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void msg_at(msg_list *m, const src_file *src, size_t off, const char *fmt, ...)
{
    int line, col;
    src_file_pos(src, off, &line, &col);
    va_list ap;
    va_start(ap, fmt);
    msg_vadd(m, src->path, line, col, fmt, ap);
    va_end(ap);
}

/* Messages about the file as a whole (line 0) come last. */
static int msg_order(const void *a, const void *b)
{
    const style_msg *x = a, *y = b;
    long lx = x->line ? x->line : INT_MAX, ly = y->line ? y->line : INT_MAX;
    if (lx != ly)
        return lx < ly ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void msg_flush(msg_list *m, diag *d)
{
    if (m->n)
        qsort(m->v, m->n, sizeof *m->v, msg_order);
    for (size_t i = 0; i < m->n; i++) {
        diag_error(d, m->v[i].file, m->v[i].line, m->v[i].col, "%s", m->v[i].text);
        free(m->v[i].text);
    }
    if (m->oom)
        diag_error_general(d, "out of memory while reading the style");
    free(m->v);
    *m = (msg_list){ 0 };
}

/* ---- reading with inih ----------------------------------------------------------- */

typedef struct {
    const src_file *src;
    msg_list *m;
    raw_set *out;
    size_t pos;               /* next unread byte */
    int line;                 /* the line last handed to inih */
    size_t key_at;            /* where that line's key starts */
    int section;              /* -1: none yet; -2: a bad header (keys are skipped) */
    bool oom;
} ini_rd;

static void list_sections(char *buf, size_t n)
{
    size_t o = 0;
    buf[0] = 0;
    for (size_t i = 0; i < NSECTIONS && o < n; i++)
        o += (size_t)snprintf(buf + o, n - o, "%s%s", i ? ", " : "", sections[i].name);
}

static void list_keys(int sec, char *buf, size_t n)
{
    const section_def *s = &sections[sec];
    size_t o = 0;
    buf[0] = 0;
    for (size_t i = 0; s->text != NO_TEXT && i < NTEXT_KEYS && o < n; i++)
        o += (size_t)snprintf(buf + o, n - o, "%s%s", o ? ", " : "", text_keys[i].name);
    for (size_t i = 0; i < s->nkeys && o < n; i++)
        o += (size_t)snprintf(buf + o, n - o, "%s%s", o ? ", " : "", s->keys[i].name);
}

/* The section name nearest a misspelt one, or NULL. */
static const char *near_section(const char *name, size_t n)
{
    suggest sg;
    suggest_init(&sg, name, n);
    for (size_t i = 0; i < NSECTIONS; i++)
        suggest_offer(&sg, sections[i].name);
    return suggest_best(&sg);
}

/* The key of section sec nearest a misspelt one, or NULL. */
static const char *near_key(int sec, const char *name)
{
    const section_def *s = &sections[sec];
    suggest sg;
    suggest_init(&sg, name, strlen(name));
    for (size_t i = 0; s->text != NO_TEXT && i < NTEXT_KEYS; i++)
        suggest_offer(&sg, text_keys[i].name);
    for (size_t i = 0; i < s->nkeys; i++)
        suggest_offer(&sg, s->keys[i].name);
    return suggest_best(&sg);
}

/* A "[name]" line: sets the current section or reports why it cannot. */
static void section_line(ini_rd *r, size_t p, size_t e)
{
    const char *t = r->src->text;
    const char *close = memchr(t + p, ']', e - p);
    if (!close) {
        msg_at(r->m, r->src, p, "a section header needs a closing ']', e.g. [body]");
        r->section = -2;
        return;
    }
    size_t a = p + 1, b = (size_t)(close - t);
    while (a < b && (t[a] == ' ' || t[a] == '\t'))
        a++;
    while (b > a && (t[b - 1] == ' ' || t[b - 1] == '\t'))
        b--;
    r->section = find_section(t + a, b - a);
    if (r->section < 0 && near_section(t + a, b - a)) {
        msg_at(r->m, r->src, p, "unknown section [%.*s]; did you mean [%s]?", (int)(b - a), t + a,
               near_section(t + a, b - a));
        r->section = -2;
    } else if (r->section < 0) {
        char valid[512];
        list_sections(valid, sizeof valid);
        msg_at(r->m, r->src, p, "unknown section [%.*s]; valid sections: %s",
               (int)(b - a), t + a, valid);
        r->section = -2;
    }
}

/* True when [p, e) holds '=' or ':' before any inline comment, as inih requires. */
static bool has_separator(const char *t, size_t p, size_t e)
{
    for (size_t i = p; i < e; i++) {
        if (t[i] == '=' || t[i] == ':')
            return true;
        if (t[i] == ';' && i > p && (t[i - 1] == ' ' || t[i - 1] == '\t'))
            return false;
    }
    return false;
}

/* inih's line reader. Each line is looked at first: section headers, comments and
 * malformed lines are handled here (so every mistake is reported, with a column);
 * only key lines reach inih, without their indentation (inih would take an indented
 * line for the continuation of the previous value). */
static char *ini_next_line(char *buf, int num, void *stream)
{
    ini_rd *r = stream;
    const src_file *src = r->src;
    if (r->pos >= src->len || num < 3)
        return NULL;
    const char *t = src->text;
    size_t p = r->pos;
    const char *nl = memchr(t + p, '\n', src->len - p);
    size_t e = nl ? (size_t)(nl - t) : src->len;
    r->pos = nl ? e + 1 : e;
    r->line++;
    if (r->line == 1 && e - p >= 3 && memcmp(t + p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    while (e > p && (t[e - 1] == '\r' || t[e - 1] == ' ' || t[e - 1] == '\t'))
        e--;
    while (p < e && (t[p] == ' ' || t[p] == '\t'))
        p++;
    strcpy(buf, "\n");
    r->key_at = p;
    if (p == e || t[p] == '#' || t[p] == ';')
        return buf;
    if (t[p] == '[') {
        section_line(r, p, e);
    } else if (!has_separator(t, p, e)) {
        msg_at(r->m, r->src, p, "expected 'key = value', a [section] or a comment");
    } else if (e - p > (size_t)num - 2) {
        msg_at(r->m, r->src, p, "this line is longer than %d bytes; shorten it", num - 2);
    } else {
        memcpy(buf, t + p, e - p);
        buf[e - p] = '\n';
        buf[e - p + 1] = 0;
    }
    return buf;
}

static int ini_entry(void *user, const char *section, const char *name, const char *value)
{
    ini_rd *r = user;
    (void)section;            /* ini_next_line tracks sections (inih never sees them) */
    if (r->section == -2 || r->oom)
        return 1;
    if (r->section == -1) {
        msg_at(r->m, r->src, r->key_at,
               "'%s' is outside any section; put it under a [section] such as [page]",
               name);
        return 1;
    }
    key_ref k;
    if (!find_key(r->section, name, &k) && near_key(r->section, name)) {
        msg_at(r->m, r->src, r->key_at, "unknown key '%s' in [%s]; did you mean '%s'?", name,
               sections[r->section].name, near_key(r->section, name));
        return 1;
    } else if (!find_key(r->section, name, &k)) {
        char valid[512];
        list_keys(r->section, valid, sizeof valid);
        msg_at(r->m, r->src, r->key_at, "unknown key '%s' in [%s]; valid keys: %s", name,
               sections[r->section].name, valid);
        return 1;
    }
    raw_value *old = raw_find(r->out, &k);
    if (old && old->key.section == k.section)
        msg_at(r->m, r->src, r->key_at,
               "duplicate key '%s' in [%s] (first set on line %d); keep one", name,
               sections[k.section].name, old->line);
    else if (old)
        msg_at(r->m, r->src, r->key_at,
               "'%s' in [%s] is the same setting as '%s' in [%s] on line %d; keep one",
               name, sections[k.section].name, old->key.def->name,
               sections[old->key.section].name, old->line);
    if (old)
        return 1;
    int line, col;
    src_file_pos(r->src, r->key_at, &line, &col);
    raw_set *rs = r->out;
    char *v = strdup(value);
    if (!v || !vec_reserve((void **)&rs->v, &rs->cap, rs->n + 1, sizeof *rs->v)) {
        free(v);
        r->oom = true;
        return 1;
    }
    rs->v[rs->n++] = (raw_value){ .key = k, .value = v, .line = line, .col = col };
    return 1;
}

/* Reads src's settings into out, noting every problem in m; false (after reporting
 * through d) when what was read cannot be used at all: not UTF-8, out of memory. */
static bool read_ini(const src_file *src, raw_set *out, msg_list *m, diag *d)
{
    size_t bad = utf8_invalid(src->text, src->len, 0);
    if (bad < src->len) {
        diag_error_at(d, src, bad, "invalid UTF-8 byte 0x%02X; save the file as UTF-8",
                      (unsigned char)src->text[bad]);
        return false;
    }
    ini_rd r = { .src = src, .m = m, .out = out, .section = -1 };
    out->file = src->path;
    int rc = ini_parse_stream(ini_next_line, &r, ini_entry, &r);
    if (r.oom || rc == -2) {
        diag_error_general(d, "out of memory while reading %s", src->path);
        return false;
    }
    if (rc > 0 && m->n == 0)      /* inih saw something ini_next_line let through */
        msg_add(m, src->path, rc, 1, "cannot read this line; expected 'key = value'");
    return true;
}

/* ---- values --------------------------------------------------------------------- */

/* An unsigned decimal "12", "10.5", ".5" at *s (advanced). Parsed by hand so that the
 * process locale cannot change the decimal point. */
static bool parse_number(const char **s, double *out)
{
    const char *p = *s;
    double v = 0, scale = 1;
    int digits = 0;
    for (; *p >= '0' && *p <= '9'; p++, digits++)
        v = v * 10 + (*p - '0');
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++, digits++) {
            scale *= 10;
            v = v * 10 + (*p - '0');
        }
    if (!digits || digits > 15)
        return false;
    *out = v / scale;
    *s = p;
    return true;
}

static const char *skip_blanks(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* CL-GR-06: the Chinese type sizes, in pt. */
static const struct {
    const char *name;
    float pt;
} zihao[] = {
    { "初号", 42 }, { "小初", 36 }, { "一号", 26 }, { "小一", 24 }, { "二号", 22 },
    { "小二", 18 }, { "三号", 16 }, { "小三", 15 }, { "四号", 14 }, { "小四", 12 },
    { "五号", 10.5f }, { "小五", 9 }, { "六号", 7.5f }, { "小六", 6.5f }, { "七号", 5.5f },
};

/* "1.5 lines" / "1 line": a count of body lines. */
static bool parse_lines(const char *s, double *out)
{
    double v;
    s = skip_blanks(s);
    if (!parse_number(&s, &v))
        return false;
    s = skip_blanks(s);
    if (strncmp(s, "lines", 5) == 0)
        s += 5;
    else if (strncmp(s, "line", 4) == 0)
        s += 4;
    else
        return false;
    if (*skip_blanks(s))
        return false;
    *out = v;
    return true;
}

bool style_parse_length(const char *s, float em_pt, float *out)
{
    s = skip_blanks(s);
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    for (size_t i = 0; i < sizeof zihao / sizeof zihao[0]; i++)
        if (strlen(zihao[i].name) == n && strncmp(s, zihao[i].name, n) == 0) {
            *out = zihao[i].pt;
            return true;
        }
    static const struct {
        const char *unit;
        double pt;            /* 0: em */
    } units[] = { { "pt", 1 }, { "mm", 72 / 25.4 }, { "cm", 720 / 25.4 }, { "in", 72 }, { "em", 0 } };
    double v;
    const char *p = s;
    if (!parse_number(&p, &v))
        return false;
    p = skip_blanks(p);
    if ((size_t)(p - s) == n) {       /* a bare number: only 0 needs no unit */
        if (v != 0)
            return false;
        *out = 0;
        return true;
    }
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strncasecmp(p, units[i].unit, 2) == 0 && (size_t)(p + 2 - s) == n) {
            *out = (float)(units[i].pt ? v * units[i].pt : v * em_pt);
            return true;
        }
    return false;
}

/* A colour component: 0…1, or 0%…100%. */
static bool parse_component(const char **s, float *out)
{
    double v;
    *s = skip_blanks(*s);
    if (!parse_number(s, &v))
        return false;
    if (**s == '%') {
        (*s)++;
        v /= 100;
    }
    if (v > 1)
        return false;
    *out = (float)v;
    if (**s == ',')
        (*s)++;
    return true;
}

bool style_parse_color(const char *s, dl_color *out)
{
    s = skip_blanks(s);
    dl_color c = { 0 };
    int n;
    if (strncasecmp(s, "gray", 4) == 0 || strncasecmp(s, "grey", 4) == 0) {
        c.model = DL_GRAY;
        n = 1;
    } else if (strncasecmp(s, "cmyk", 4) == 0) {
        c.model = DL_CMYK;
        n = 4;
    } else {
        return false;
    }
    s += 4;
    if (*s != ' ' && *s != '\t')
        return false;
    for (int i = 0; i < n; i++)
        if (!parse_component(&s, &c.v[i]))
            return false;
    if (*skip_blanks(s))
        return false;
    *out = c;
    return true;
}

static bool parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = { "yes", "true", "on" }, *const no[] = { "no", "false", "off" };
    for (int i = 0; i < 3; i++) {
        if (strcasecmp(s, yes[i]) == 0)
            return *out = true, true;
        if (strcasecmp(s, no[i]) == 0)
            return *out = false, true;
    }
    return false;
}

/* One of names (count n): its index, or -1. */
static int parse_enum(const char *s, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        if (strcasecmp(s, names[i]) == 0)
            return i;
    return -1;
}

static const char *const template_fields[] = { "title", "issue", "number", "section",
                                               "page", "website", "association" };

/* Checks the {fields} of a running-head template; reports the first bad one. */
static bool check_template(const char *s, const raw_value *rv, const char *file, msg_list *m)
{
    for (const char *p = s; (p = strchr(p, '{')); p++) {
        const char *e = strchr(p, '}');
        if (!e) {
            msg_add(m, file, rv->line, rv->col,
                    "'{' without '}' in %s; fields are written {title}", rv->key.def->name);
            return false;
        }
        size_t n = (size_t)(e - p - 1);
        bool known = false;
        for (size_t i = 0; i < sizeof template_fields / sizeof template_fields[0]; i++)
            known |= strlen(template_fields[i]) == n && strncmp(p + 1, template_fields[i], n) == 0;
        if (!known) {
            msg_add(m, file, rv->line, rv->col,
                    "unknown field {%.*s} in %s; use {title}, {issue}, {number}, {section}, "
                    "{page}, {website} or {association}", (int)n, p + 1, rv->key.def->name);
            return false;
        }
    }
    return true;
}

/* "a, b, c" into a new array of strings. */
static bool parse_list(const char *s, char ***out, int *n)
{
    char **v = NULL;
    int k = 0;
    bool ok = true;
    for (const char *p = s; ok && *skip_blanks(s);) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        while (len && (*p == ' ' || *p == '\t'))
            p++, len--;
        while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
            len--;
        char **nv = realloc(v, ((size_t)k + 1) * sizeof *v);
        char *item = len ? strndup(p, len) : NULL;
        ok = nv && item;
        if (nv)
            v = nv;
        if (ok)
            v[k++] = item;
        else
            free(item);
        if (!e)
            break;
        p = e + 1;
    }
    if (!ok) {
        for (int i = 0; i < k; i++)
            free(v[i]);
        free(v);
        return false;
    }
    *out = v;
    *n = k;
    return true;
}

/* What a kind of value looks like, for messages. */
static const char *accepted(const key_def *k, int section)
{
    /* [body] size and leading define em and line, so they cannot be given in them. */
    if (section == BODY && k->kind == V_SIZE)
        return "a length such as 10.5pt or 3.7mm, or a 字号 such as 五号 (not em: em is this "
               "size)";
    if (section == BODY && k->kind == V_LEADING)
        return "a multiple of the size such as 1.7, or a length such as 18pt (not lines: this "
               "is the line)";
    switch (k->kind) {
    case V_LENGTH:
    case V_POSITIVE:
    case V_SIZE:
        return "a length such as 10.5pt, 3mm, 0.5cm, 0.2in or 2em, or a 字号 such as 五号";
    case V_LEADING:
        return "a multiple of the size such as 1.5, a length such as 18pt, or lines such as "
               "'1 line'";
    case V_SPACE:
        return "lines of the body pitch such as '0.5 lines', or a length such as 6pt or 2mm";
    case V_GAP:
        return "a whole number of body ems such as 2em (CL-GR-04)";
    case V_EM:
        return "ems such as 0.25em, or a length such as 2pt";
    case V_COLOR:
        return "'gray G' (0 black … 1 white), 'cmyk C M Y K' (0…1 or 0%…100%), or a colour "
               "of [colors]: accent, rule";
    case V_BASE_COLOR:
        return "'gray G' (0 black … 1 white) or 'cmyk C M Y K' (0…1 or 0%…100%)";
    case V_BOOL:
        return "yes or no (also true/false, on/off)";
    case V_INT:
        return "a whole number";
    case V_STRING:
        return "a name such as Noto Serif CJK SC";
    case V_LIST:
        return "a comma-separated list of font families";
    case V_ALIGN:
        return "left, center, right or justify";
    case V_STRICT:
        return "loose, basic or strict";
    case V_RULES:
        return "grid or three-line";
    case V_PRESS:
        return "none, x1a or x4";
    case V_PAGESIZE:
        return "A4, A5, B5 or letter (or set width and height)";
    case V_RATIO:
        return "a number such as 1.4 or a percentage such as 45%";
    case V_FRAME:
        return "tint, rules or none";
    case V_RANGE:
        return "hyphen, en-dash or tilde";
    default:
        return "a value";
    }
}

/* ---- resolving ------------------------------------------------------------------- */

typedef struct {
    style *s;
    msg_list *m;
    bool oom;
} resolver;

static void *field(style *s, size_t off)
{
    return (char *)s + off;
}

static bool set_string(resolver *rs, char **dst, const char *v)
{
    size_t n = strlen(v);
    if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {  /* quotes keep outer blanks */
        v++;
        n -= 2;
    }
    char *c = strndup(v, n);
    if (!c) {
        rs->oom = true;
        return false;
    }
    free(*dst);
    *dst = c;
    return true;
}

/* Sets one value; false when it is not valid for its kind (the caller reports). */
static bool resolve_value(resolver *rs, const raw_value *rv, const char *file)
{
    style *s = rs->s;
    const key_ref *k = &rv->key;
    const char *v = rv->value;
    void *dst = field(s, k->target);
    float body = s->body.size, x = 0;
    bool in_body = k->section == BODY;
    double m;
    switch (k->def->kind) {
    case V_LENGTH:
    case V_POSITIVE:
        if (!style_parse_length(v, body, &x) || (k->def->kind == V_POSITIVE && x <= 0))
            return false;
        *(float *)dst = x;
        return true;
    case V_SIZE:
        /* em is the body size: [body] size cannot be given in it. */
        if ((in_body && strstr(v, "em")) || !style_parse_length(v, body, &x) || x <= 0)
            return false;
        *(float *)dst = x;
        return true;
    case V_LEADING: {
        const style_text *st = field(s, sections[k->section].text);
        const char *p = skip_blanks(v);
        if (parse_number(&p, &m) && !*skip_blanks(p))
            x = (float)m * st->size;
        else if (parse_lines(v, &m) && !in_body)
            x = (float)m * s->body.leading;
        else if (!style_parse_length(v, body, &x))
            return false;
        if (x <= 0)
            return false;
        *(float *)dst = x;
        return true;
    }
    case V_SPACE:
        if (parse_lines(v, &m))
            x = (float)m * s->body.leading;
        else if (!style_parse_length(v, body, &x))
            return false;
        *(float *)dst = x;
        return true;
    case V_GAP:
        if (body <= 0 || !style_parse_length(v, body, &x) ||
            fabsf(x / body - roundf(x / body)) > 1e-3f)
            return false;
        *(float *)dst = x;
        return true;
    case V_EM: {
        const char *p = skip_blanks(v);
        if (parse_number(&p, &m) && !*skip_blanks(p))
            x = (float)m;
        else if (body > 0 && style_parse_length(v, body, &x))
            x /= body;
        else
            return false;
        *(float *)dst = x;
        return true;
    }
    case V_COLOR:
        if (strcasecmp(v, "accent") == 0)
            *(dl_color *)dst = s->accent;
        else if (strcasecmp(v, "rule") == 0)
            *(dl_color *)dst = s->rule;
        else
            return style_parse_color(v, dst);
        return true;
    case V_BASE_COLOR:
        return style_parse_color(v, dst);
    case V_BOOL:
        return parse_bool(v, dst);
    case V_INT: {
        const char *p = v;
        if (!parse_number(&p, &m) || *p || m != floor(m) || m < k->def->lo || m > k->def->hi)
            return false;
        *(int *)dst = (int)m;
        return true;
    }
    case V_STRING:
        return *v && set_string(rs, dst, v);
    case V_STRING_OPT:
        return set_string(rs, dst, v);
    case V_TEMPLATE:
        return check_template(v, rv, file, rs->m) && set_string(rs, dst, v);
    case V_LIST: {
        char **list;
        int n;
        if (!parse_list(v, &list, &n))
            return false;
        for (int i = 0; i < s->nfallback; i++)
            free(s->fallback[i]);
        free(s->fallback);
        s->fallback = list;
        s->nfallback = n;
        return true;
    }
    case V_ALIGN: {
        static const char *const names[] = { "left", "center", "right", "justify" };
        int i = parse_enum(v, names, 4);
        if (i >= 0)
            *(style_align *)dst = (style_align)i;
        return i >= 0;
    }
    case V_STRICT: {
        static const char *const names[] = { "loose", "basic", "strict" };
        int i = parse_enum(v, names, 3);
        if (i >= 0)
            *(style_strictness *)dst = (style_strictness)i;
        return i >= 0;
    }
    case V_RULES: {
        static const char *const names[] = { "grid", "three-line" };
        int i = parse_enum(v, names, 2);
        if (i >= 0)
            *(style_table_rules *)dst = (style_table_rules)i;
        return i >= 0;
    }
    case V_PRESS: {
        static const char *const names[] = { "none", "x1a", "x4" };
        int i = parse_enum(v, names, 3);
        if (i >= 0)
            *(style_press *)dst = (style_press)i;
        return i >= 0;
    }
    case V_FRAME: {
        static const char *const names[] = { "tint", "rules", "none" };
        int i = parse_enum(v, names, 3);
        if (i >= 0)
            *(style_frame *)dst = (style_frame)i;
        return i >= 0;
    }
    case V_RANGE: {
        static const char *const names[] = { "hyphen", "en-dash", "tilde" };
        int i = parse_enum(v, names, 3);
        if (i >= 0)
            *(style_range *)dst = (style_range)i;
        return i >= 0;
    }
    case V_RATIO: {
        const char *p = skip_blanks(v);
        if (!parse_number(&p, &m) || m < 0)
            return false;
        p = skip_blanks(p);
        if (*p == '%')
            m /= 100, p = skip_blanks(p + 1);
        if (*p)
            return false;
        *(float *)dst = (float)m;
        return true;
    }
    case V_PAGESIZE: {
        static const struct {
            const char *name;
            float w, h;
        } sizes[] = { { "A4", 210 * 72 / 25.4f, 297 * 72 / 25.4f },
                      { "A5", 148 * 72 / 25.4f, 210 * 72 / 25.4f },
                      { "B5", 176 * 72 / 25.4f, 250 * 72 / 25.4f },
                      { "letter", 8.5f * 72, 11 * 72 } };
        for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
            if (strcasecmp(v, sizes[i].name) == 0) {
                s->page_w = sizes[i].w;
                s->page_h = sizes[i].h;
                return true;
            }
        return false;
    }
    }
    return false;
}

/* Resolves the setting k from the file's value, else the house style's. A bad value
 * is reported and the house value taken instead, so that settings depending on it
 * (ems, lines) do not report errors of their own. */
static void resolve_key(resolver *rs, const key_ref *k, raw_set *file, raw_set *house)
{
    raw_value *rv = raw_find(file, k), *hv = raw_find(house, k);
    if (!rv || rv->done) {
        if (hv && !hv->done && !(rv && rv->done)) {
            hv->done = true;
            resolve_value(rs, hv, house->file);
        }
        return;
    }
    rv->done = true;
    size_t noted = rs->m->n;
    if (resolve_value(rs, rv, file->file) || rs->oom)
        return;
    const key_def *def = rv->key.def;
    if (rs->m->n > noted)
        ;                     /* resolve_value said what is wrong */
    else if (def->kind == V_INT)
        msg_add(rs->m, file->file, rv->line, rv->col,
                "bad value '%s' for %s in [%s]; use a whole number from %d to %d", rv->value,
                def->name, sections[rv->key.section].name, def->lo, def->hi);
    else
        msg_add(rs->m, file->file, rv->line, rv->col, "bad value '%s' for %s in [%s]; use %s",
                rv->value, def->name, sections[rv->key.section].name,
                accepted(def, rv->key.section));
    if (hv)
        resolve_value(rs, hv, house->file);
}

static void resolve_named(resolver *rs, int sec, const char *name, raw_set *file, raw_set *house)
{
    key_ref k;
    if (find_key(sec, name, &k))
        resolve_key(rs, &k, file, house);
}

/* Every setting, those others depend on first. */
static void resolve_all(resolver *rs, raw_set *file, raw_set *house)
{
    int colors = find_section("colors", 6);
    resolve_named(rs, BODY, "size", file, house);
    resolve_named(rs, BODY, "leading", file, house);
    resolve_named(rs, colors, "accent", file, house);
    resolve_named(rs, colors, "rule", file, house);
    for (size_t i = 0; i < NSECTIONS; i++) {
        const section_def *sd = &sections[i];
        for (size_t j = 0; sd->text != NO_TEXT && j < NTEXT_KEYS; j++)
            resolve_key(rs, &(key_ref){ (int)i, &text_keys[j], sd->text + text_keys[j].off },
                        file, house);
        for (size_t j = 0; j < sd->nkeys; j++)
            resolve_key(rs, &(key_ref){ (int)i, &sd->keys[j], sd->keys[j].off }, file, house);
    }
}

/* Reports msg at the first of the settings names (a NULL-terminated list of keys of
 * section sec) that the file sets; at the file when it sets none of them. */
static void report_at(msg_list *m, raw_set *file, int sec, const char *const *names,
                      const char *msg)
{
    for (; *names; names++) {
        key_ref k;
        raw_value *rv = find_key(sec, *names, &k) ? raw_find(file, &k) : NULL;
        if (rv) {
            msg_add(m, file->file, rv->line, rv->col, "%s", msg);
            return;
        }
    }
    msg_add(m, file->file, 0, 0, "%s", msg);
}

/* Settings that must agree with each other. */
static void check_style(const style *s, raw_set *file, msg_list *m)
{
    char msg[256];
    float text_w = s->page_w - s->margin_inner - s->margin_outer;
    float col_w = (text_w - (float)(s->columns - 1) * s->column_gap) / (float)s->columns;
    if (col_w < 4 * s->body.size) {
        snprintf(msg, sizeof msg,
                 "the page leaves %.1fpt per column, too narrow for %d columns of %.1fpt text; "
                 "use smaller margins, a smaller gap or fewer columns",
                 (double)col_w, s->columns, (double)s->body.size);
        report_at(m, file, 0,
                  (const char *const[]){ "columns", "column-gap", "margin-inner", "margin-outer",
                                         "size", "width", NULL }, msg);
    }
    if (s->page_h - s->margin_top - s->margin_bottom < 4 * s->body.leading) {
        snprintf(msg, sizeof msg, "the margins leave almost no height on the page; make "
                 "margin-top and margin-bottom smaller");
        report_at(m, file, 0,
                  (const char *const[]){ "margin-top", "margin-bottom", "size", "height", NULL },
                  msg);
    }
    if (s->han_latin_min > s->han_latin || s->han_latin > s->han_latin_max) {
        snprintf(msg, sizeof msg, "the Han-Latin glue must be han-latin-min <= han-latin <= "
                 "han-latin-max, here %.3gem, %.3gem, %.3gem", (double)s->han_latin_min,
                 (double)s->han_latin, (double)s->han_latin_max);
        report_at(m, file, find_section("clreq", 5),
                  (const char *const[]){ "han-latin-min", "han-latin", "han-latin-max", NULL }, msg);
    }
}

static bool copy_text(style_text *dst, const style_text *src)
{
    *dst = *src;
    dst->family = strdup(src->family);
    dst->style = strdup(src->style);
    return dst->family && dst->style;
}

/* ---- entry points --------------------------------------------------------------- */

/* The house style with src's settings on top (src NULL: the house style alone). */
static style *style_build(const src_file *src, diag *d)
{
    int errors = d->errors;
    raw_set house = { 0 }, file = { 0 };
    msg_list m = { 0 };
    src_file *hs = src_file_new("<built-in style>", style_house, style_house_len);
    style *s = calloc(1, sizeof *s);
    if (!hs || !s) {
        diag_error_general(d, "out of memory while reading the style");
    } else if (read_ini(hs, &house, &m, d) && (!src || read_ini(src, &file, &m, d))) {
        if (!file.file)
            file.file = hs->path;
        resolver rs = { .s = s, .m = &m };
        resolve_all(&rs, &file, &house);
        m.oom |= rs.oom;
        if (m.n == 0)
            check_style(s, &file, &m);
        /* h[level] is valid for every heading level: 1 and 2 are section and article. */
        if (m.n == 0 && !m.oom)
            m.oom = !copy_text(&s->h[0], &s->body) || !copy_text(&s->h[1], &s->section) ||
                    !copy_text(&s->h[2], &s->article) || (src && !(s->path = strdup(src->path)));
    }
    msg_flush(&m, d);
    raw_free(&house);
    raw_free(&file);
    src_file_free(hs);
    if (d->errors > errors) {
        style_free(s);
        return NULL;
    }
    return s;
}

style *style_default(void)
{
    diag d;
    diag_init(&d, NULL);      /* the built-in style has no errors; a bug would show */
    return style_build(NULL, &d);
}

style *style_read_mem(const char *name, const char *text, diag *d)
{
    src_file *src = src_file_new(name ? name : "<style>", text ? text : "", text ? strlen(text) : 0);
    if (!src) {
        diag_error_general(d, "out of memory while reading %s", name ? name : "the style");
        return NULL;
    }
    style *s = style_build(src, d);
    src_file_free(src);
    return s;
}

style *style_read(const char *path, diag *d)
{
    src_file *src = src_file_read(path);
    if (!src) {
        diag_error(d, path, 0, 0, "cannot read the style sheet: %s", fileio_error(errno));
        return NULL;
    }
    style *s = style_build(src, d);
    src_file_free(src);
    return s;
}

static void text_free(style_text *t)
{
    free(t->family);
    free(t->style);
}

void style_free(style *s)
{
    if (!s)
        return;
    style_text *texts[] = { &s->body, &s->section, &s->article, &s->caption, &s->table,
                            &s->table_head, &s->quote, &s->source, &s->code, &s->signature,
                            &s->header, &s->footer, &s->opener,
                            &s->toc, &s->toc_section, &s->cover_title, &s->cover_org,
                            &s->cover_org_en, &s->cover_info };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        text_free(texts[i]);
    for (int i = 0; i < 7; i++)
        text_free(&s->h[i]);
    free(s->latin_family);
    free(s->latin_style);
    free(s->bold_family);
    free(s->bold_style);
    free(s->em_family);
    free(s->em_style);
    free(s->mono_family);
    free(s->mono_style);
    for (int i = 0; i < s->nfallback; i++)
        free(s->fallback[i]);
    free(s->fallback);
    char *strings[] = { s->header_odd_left, s->header_odd_right, s->header_even_left,
                        s->header_even_right, s->footer_odd, s->footer_even, s->press_profile,
                        s->press_condition, s->press_condition_info, s->code_wrap_mark,
                        s->opener_tags, s->path };
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
        free(strings[i]);
    free(s);
}
