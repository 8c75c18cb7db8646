/* reader_chart — the body of a ```chart block (format in doc.h):
 *   type: bar | grouped-bar | line | pie
 *   title: …      unit: …
 *   labels: a, b, c                (commas, full-width commas or 、)
 *   series: name | 1.5, 2, 3       (one line per series; '|' or '｜')
 * Every problem is reported at its line:col; the block is rejected if there is any. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "layout/base/suggest.h"
#include "layout/read/reader_int.h"

/* A category label sits under its bar in two lines of its slot, and a series name
 * on one line of the legend; even across an A4 text area at the smallest label size
 * (6.5 pt) two lines hold under 150 characters. 60 are more than any real label,
 * and the trial compositions that place labels are as long as the label (100,000
 * characters ran past five minutes before this bound). */
#define CHART_MAX_LABEL_CHARS 60
/* The title "图N　…" over the chart: about three lines of a column. */
#define CHART_MAX_TITLE_CHARS 100
/* The unit, set as "单位：…" on one line over the value axis. */
#define CHART_MAX_UNIT_CHARS 20

typedef struct {
    const reader_raw *body;
    const src_file *src;
    diag *d;
    size_t at;                /* the opening fence */
    doc_chart *c;
    size_t labels_cap, series_cap;
    struct {
        size_t at;            /* where the series line starts */
        int n;                /* values read */
        size_t grouped_at;    /* a number that looks written with thousands separators */
        char grouped[48];     /* that number as written ("" when none) */
        bool grouped_sure;    /* a group starts with 0 ("9,012.3"): never two values */
    } *info;                  /* one per series, for the count check at the end */
    bool has_type, has_title, has_unit, has_labels;
    bool bad;
} chart_rd;

static size_t pos(const chart_rd *r, size_t off)
{
    return reader_raw_src(r->body, off, r->at);
}

static bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* Trims blanks from both ends of [*p, *e). */
static void trim(const char *t, size_t *p, size_t *e)
{
    while (*p < *e && blank(t[*p]))
        (*p)++;
    while (*e > *p && blank(t[*e - 1]))
        (*e)--;
}

/* Length of the separator at t[i] (',' '，' '、'), or 0. */
static size_t list_sep(const char *t, size_t i, size_t e)
{
    if (t[i] == ',')
        return 1;
    if (e - i >= 3 && (memcmp(t + i, "\xEF\xBC\x8C", 3) == 0 || memcmp(t + i, "\xE3\x80\x81", 3) == 0))
        return 3;
    return 0;
}

/* A plain decimal number: [+-]digits[.digits][e[+-]digits]. Parsed by hand so that
 * the process locale cannot change what a decimal point is. */
static bool parse_number(const char *s, size_t n, double *out)
{
    size_t i = 0;
    bool neg = false;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        neg = s[i++] == '-';
    double v = 0;
    int frac = 0, ndig = 0;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, ndig++)
        v = v * 10 + (s[i] - '0');
    if (i < n && s[i] == '.')
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, ndig++, frac++)
            v = v * 10 + (s[i] - '0');
    if (!ndig)
        return false;
    long ex = 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        bool eneg = false;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            eneg = s[i++] == '-';
        if (i == n || s[i] < '0' || s[i] > '9')
            return false;
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            if (ex < 100000)
                ex = ex * 10 + (s[i] - '0');
        if (eneg)
            ex = -ex;
    }
    if (i != n)
        return false;
    ex -= frac;
    /* Dividing by an exact power of ten rounds once: 8232.2 reads as 8232.2. */
    if (ex < 0 && ex >= -22)
        v /= pow(10, (double)-ex);
    else if (ex != 0)
        v *= pow(10, (double)ex);
    if (!isfinite(v))
        return false;
    *out = neg ? -v : v;
    return true;
}

/* False (after reporting) when t[p, e), the chart's what, is longer than most. */
static bool short_enough(chart_rd *r, const char *t, size_t p, size_t e, size_t most,
                         const char *what)
{
    size_t n = utf8_count(t + p, e - p);
    if (n <= most)
        return true;
    diag_error_at(r->d, r->src, pos(r, p), "this chart %s has %zu characters; at most %zu: "
                  "shorten it (a note under the chart can say more)", what, n, most);
    r->bad = true;
    return false;
}

static char *dup_range(chart_rd *r, const char *t, size_t p, size_t e)
{
    char *s = strndup(t + p, e - p);
    if (!s) {
        reader_oom(r->d, r->src);
        r->bad = true;
    }
    return s;
}

static void set_type(chart_rd *r, const char *t, size_t v, size_t ve)
{
    static const struct {
        const char *name;
        doc_chart_type type;
    } types[] = { { "bar", CHART_BAR }, { "grouped-bar", CHART_GROUPED_BAR },
                  { "line", CHART_LINE }, { "pie", CHART_PIE } };
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strlen(types[i].name) == ve - v && memcmp(types[i].name, t + v, ve - v) == 0) {
            r->c->type = types[i].type;
            return;
        }
    diag_error_at(r->d, r->src, pos(r, v),
                  "unknown chart type '%.*s'; use bar, grouped-bar, line or pie",
                  (int)(ve - v), t + v);
    r->bad = true;
}

static void set_labels(chart_rd *r, const char *t, size_t v, size_t ve)
{
    size_t p = v;
    while (p <= ve) {
        size_t q = p, sep = 0;
        while (q < ve && !(sep = list_sep(t, q, ve)))
            q++;
        size_t a = p, b = q;
        trim(t, &a, &b);
        if (a == b) {
            diag_error_at(r->d, r->src, pos(r, a),
                          "empty label in 'labels:'; separate labels with commas or 、");
            r->bad = true;
        } else {
            /* Kept even when too long, so that the counts below stay right. */
            short_enough(r, t, a, b, CHART_MAX_LABEL_CHARS, "label");
            char *s = dup_range(r, t, a, b);
            if (!s || !vec_reserve((void **)&r->c->labels, &r->labels_cap,
                                   (size_t)r->c->nlabels + 1, sizeof *r->c->labels)) {
                free(s);
                if (s)
                    reader_oom(r->d, r->src);
                r->bad = true;
                return;
            }
            r->c->labels[r->c->nlabels++] = s;
        }
        if (q == ve)
            break;
        p = q + sep;
    }
}

static bool digit(char c)
{
    return c >= '0' && c <= '9';
}

/* "9,012.3": digits, then groups of a comma and exactly three digits, then maybe a
 * fraction. Checked at a value t[a, …) before the list is split at its commas.
 * Records the first such number of series k. */
static void find_grouped(chart_rd *r, int k, const char *t, size_t a, size_t ve)
{
    if (r->info[k].grouped[0])
        return;
    size_t i = a;
    if (i < ve && (t[i] == '+' || t[i] == '-'))
        i++;
    size_t d0 = i;
    while (i < ve && digit(t[i]))
        i++;
    if (i == d0 || i - d0 > 3)
        return;
    int groups = 0;
    bool zero = false;
    while (i + 3 < ve && t[i] == ',' && digit(t[i + 1]) && digit(t[i + 2]) && digit(t[i + 3]) &&
           (i + 4 == ve || !digit(t[i + 4]))) {
        zero |= t[i + 1] == '0';
        i += 4;
        groups++;
    }
    if (!groups)
        return;
    if (i < ve && t[i] == '.')
        for (i++; i < ve && digit(t[i]);)
            i++;
    size_t n = i - a < sizeof r->info[k].grouped - 1 ? i - a : sizeof r->info[k].grouped - 1;
    memcpy(r->info[k].grouped, t + a, n);
    r->info[k].grouped[n] = 0;
    r->info[k].grouped_at = a;
    r->info[k].grouped_sure = zero;
}

static void add_series(chart_rd *r, const char *t, size_t line, size_t v, size_t ve)
{
    size_t bar = v, blen = 0;
    for (; bar < ve; bar++) {
        if (t[bar] == '|') {
            blen = 1;
            break;
        }
        if (ve - bar >= 3 && memcmp(t + bar, "\xEF\xBD\x9C", 3) == 0) {
            blen = 3;
            break;
        }
    }
    if (!blen) {
        diag_error_at(r->d, r->src, pos(r, v),
                      "a series is 'name | value, value, …'; add the '|' after the name");
        r->bad = true;
        return;
    }
    size_t na = v, nb = bar;
    trim(t, &na, &nb);
    if (na == nb) {
        diag_error_at(r->d, r->src, pos(r, v), "the series has no name; write 'name | values'");
        r->bad = true;
        return;
    }
    short_enough(r, t, na, nb, CHART_MAX_LABEL_CHARS, "series name");
    doc_chart *c = r->c;
    size_t cap = r->series_cap;
    if (!vec_reserve((void **)&c->series, &r->series_cap, (size_t)c->nseries + 1,
                     sizeof *c->series)) {
        reader_oom(r->d, r->src);
        r->bad = true;
        return;
    }
    if (r->series_cap != cap) {
        void *ni = realloc(r->info, r->series_cap * sizeof *r->info);
        if (!ni) {
            r->series_cap = cap;  /* the series array grew; info did not: retry next time */
            reader_oom(r->d, r->src);
            r->bad = true;
            return;
        }
        r->info = ni;
    }
    int k = c->nseries++;
    doc_series *s = &c->series[k];
    *s = (doc_series){ 0 };
    r->info[k].at = line;
    r->info[k].n = 0;
    r->info[k].grouped[0] = 0;
    if (!(s->name = dup_range(r, t, na, nb)))
        return;
    size_t vcap = 0, n = 0;
    for (size_t p = bar + blen;;) {
        size_t q = p, sep = 0;
        while (q < ve && !(sep = list_sep(t, q, ve)))
            q++;
        size_t a = p, b = q;
        trim(t, &a, &b);
        find_grouped(r, k, t, a, ve);
        double x;
        r->info[k].n++;
        if (!parse_number(t + a, b - a, &x)) {
            diag_error_at(r->d, r->src, pos(r, a),
                          "bad number '%.*s' in series '%s'; write plain numbers such as "
                          "35863.0 (the unit goes on the 'unit:' line)",
                          (int)(b - a), t + a, s->name);
            r->bad = true;
        } else if (!vec_reserve((void **)&s->values, &vcap, n + 1, sizeof *s->values)) {
            reader_oom(r->d, r->src);
            r->bad = true;
            return;
        } else {
            s->values[n++] = x;
        }
        if (q == ve)
            break;
        p = q + sep;
    }
}

/* One line [p, e) of the block. */
static void chart_line(chart_rd *r, size_t p, size_t e)
{
    const char *t = r->body->text.p;
    trim(t, &p, &e);
    if (p == e || t[p] == '#')
        return;
    size_t after;
    size_t colon = reader_key_colon(t, p, e, &after);
    if (!after) {
        diag_error_at(r->d, r->src, pos(r, p),
                      "expected 'key: value' in the chart block (keys: type, title, unit, "
                      "labels, series)");
        r->bad = true;
        return;
    }
    size_t ke = colon, v = after, ve = e;
    trim(t, &p, &ke);
    trim(t, &v, &ve);
#define KEY(s) (ke - p == sizeof(s) - 1 && memcmp(t + p, s, sizeof(s) - 1) == 0)
    bool *once = KEY("type") ? &r->has_type : KEY("title") ? &r->has_title
               : KEY("unit") ? &r->has_unit : KEY("labels") ? &r->has_labels : NULL;
    if (!once && !KEY("series")) {
        static const char *const keys[] = { "type", "title", "unit", "labels", "series" };
        suggest sg;
        suggest_init(&sg, t + p, ke - p);
        for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
            suggest_offer(&sg, keys[i]);
        if (suggest_best(&sg))
            diag_error_at(r->d, r->src, pos(r, p), "unknown chart key '%.*s'; did you mean '%s'?",
                          (int)(ke - p), t + p, suggest_best(&sg));
        else
            diag_error_at(r->d, r->src, pos(r, p),
                          "unknown chart key '%.*s'; valid keys: type, title, unit, labels, series",
                          (int)(ke - p), t + p);
        r->bad = true;
        return;
    }
    if (once && *once) {
        diag_error_at(r->d, r->src, pos(r, p), "duplicate chart key '%.*s'; keep one",
                      (int)(ke - p), t + p);
        r->bad = true;
        return;
    }
    if (once)
        *once = true;
    if (KEY("type"))
        set_type(r, t, v, ve);
    else if (KEY("title"))
        r->c->title = short_enough(r, t, v, ve, CHART_MAX_TITLE_CHARS, "title")
                          ? dup_range(r, t, v, ve) : NULL;
    else if (KEY("unit"))
        r->c->unit = short_enough(r, t, v, ve, CHART_MAX_UNIT_CHARS, "unit")
                         ? dup_range(r, t, v, ve) : NULL;
    else if (KEY("labels"))
        set_labels(r, t, v, ve);
    else
        add_series(r, t, p, v, ve);
#undef KEY
}

/* What the whole block needs, once every line is read. */
static void chart_check(chart_rd *r)
{
    doc_chart *c = r->c;
    if (!r->has_type) {
        diag_error_at(r->d, r->src, r->at,
                      "the chart has no 'type:' line; add 'type: bar' (or grouped-bar, line, pie)");
        r->bad = true;
    }
    if (!r->has_labels) {
        diag_error_at(r->d, r->src, r->at, "the chart has no 'labels:' line; add 'labels: a, b, c'");
        r->bad = true;
    }
    if (c->nseries == 0) {
        diag_error_at(r->d, r->src, r->at,
                      "the chart has no 'series:' line; add 'series: name | value, value, …'");
        r->bad = true;
    }
    for (int i = 0; i < c->nseries; i++)
        if (r->info[i].grouped[0] && (r->info[i].grouped_sure || r->info[i].n != c->nlabels)) {
            char plain[48];
            size_t o = 0;
            for (const char *g = r->info[i].grouped; *g; g++)
                if (*g != ',')
                    plain[o++] = *g;
            plain[o] = 0;
            diag_error_at(r->d, r->src, pos(r, r->info[i].grouped_at),
                          "'%s' in series '%s': thousands separators are not allowed; write %s "
                          "(commas separate the values)", r->info[i].grouped, c->series[i].name,
                          plain);
            r->bad = true;
        } else if (r->has_labels && r->info[i].n != c->nlabels) {
            diag_error_at(r->d, r->src, pos(r, r->info[i].at),
                          "series '%s' has %d values but there are %d labels; give one value "
                          "per label", c->series[i].name, r->info[i].n, c->nlabels);
            r->bad = true;
        }
    if (c->type != CHART_PIE || !r->has_type || r->bad)
        return;
    if (c->nseries > 1) {
        diag_error_at(r->d, r->src, r->at, "a pie chart shows one series, this one has %d",
                      c->nseries);
        r->bad = true;
    }
    for (int i = 0; i < c->nlabels && c->nseries > 0; i++)
        if (c->series[0].values[i] < 0) {
            diag_error_at(r->d, r->src, pos(r, r->info[0].at),
                          "a pie chart cannot show the negative value %g of '%s'",
                          c->series[0].values[i], c->labels[i]);
            r->bad = true;
        }
}

doc_chart *reader_chart(const reader_raw *body, const src_file *src, size_t at, diag *d)
{
    chart_rd r = { .body = body, .src = src, .d = d, .at = at };
    if (!(r.c = calloc(1, sizeof *r.c))) {
        reader_oom(d, src);
        return NULL;
    }
    const char *t = body->text.p ? body->text.p : "";
    size_t n = body->text.n;
    for (size_t p = 0; p < n;) {
        const char *nl = memchr(t + p, '\n', n - p);
        size_t e = nl ? (size_t)(nl - t) : n;
        chart_line(&r, p, e);
        p = e + 1;
    }
    chart_check(&r);
    free(r.info);
    if (r.bad) {
        doc_chart_free(r.c);
        return NULL;
    }
    return r.c;
}
