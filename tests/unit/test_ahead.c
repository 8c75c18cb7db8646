/* ahead: paragraphs composed on helper threads give the same lines as composed in turn,
 * and the messages (missing characters while shaping, words broken inside or overfull
 * lines while composing, and anything reported between) come out in the same order,
 * with the same counts, on one thread or several. */
#include "testutil.h"

#include "layout/compose/ahead.h"
#include "layout/compose/typeset.h"
#include "layout/style/style.h"

static font_lib *fonts;
static style *st;
static src_file *src;

/* Paragraphs, one per line: plain text, a character no font has (U+2A6A5), a link
 * longer than the narrow measure, both, and more plain text. */
static const char text[] =
    "珠海市服务贸易和外包行业协会组织会员企业参加交易会，洽谈合作项目十余个。\n"
    "生僻字𪚥在这里，后面还有一些文字。\n"
    "详见https://www.example.org/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/bbbbbbbbbbbbbb。\n"
    "又一个𪚥和https://www.example.org/cccccccccccccccccccccccccccccccccccc/ddd。\n"
    "横琴新区服务外包执行金额稳步增长，离岸执行额同比增长百分之二十。\n";

#define NPARA 5
#define MEASURE 90.0f

typedef struct {
    char *msgs;
    size_t len;
    int errors, warnings;
    int n[NPARA];
    uint32_t breaks[NPARA][64];
} outcome;

static void para_text(int i, doc_inline *in, char **owned)
{
    const char *p = text;
    for (int k = 0; k < i; k++)
        p = strchr(p, '\n') + 1;
    const char *e = strchr(p, '\n');
    *owned = strndup(p, (size_t)(e - p));
    *in = (doc_inline){ *owned, 0, NULL, (size_t)(p - text), true };
}

static void record(outcome *o, int i, const compose_result *r);

/* Every paragraph shaped in turn, and given to a to compose ahead, or (a NULL) composed
 * at once into o. */
static void shape_all(typeset_ctx *t, para **ps, char **owned, ahead *a, int *tickets,
                      outcome *o)
{
    for (int i = 0; i < NPARA; i++) {
        doc_inline in;
        para_text(i, &in, &owned[i]);
        doc_text dt = { &in, 1 };
        ps[i] = typeset_para(t, &dt, &st->body);
        assert_non_null(ps[i]);
        if (a) {
            tickets[i] = ahead_compose(a, ps[i], &st->body, MEASURE, 0);
            assert_int_equal(tickets[i], i);
        } else {
            compose_result r;
            assert_int_equal(typeset_compose(t, ps[i], &st->body, MEASURE, 0, &r), 0);
            record(o, i, &r);
            compose_result_free(&r);
        }
    }
}

static void free_all(para **ps, char **owned)
{
    for (int i = 0; i < NPARA; i++) {
        para_free(ps[i]);
        free(owned[i]);
    }
}

static void record(outcome *o, int i, const compose_result *r)
{
    o->n[i] = r->n;
    for (int l = 0; l < r->n && l < 64; l++)
        o->breaks[i][l] = r->lines[l].u1;
}

/* Every paragraph shaped and composed in turn (typeset_compose), or (ahead) shaped in
 * turn and composed ahead, taken after; a message of the caller's own after the last. */
static void run(outcome *o, bool use_ahead)
{
    memset(o, 0, sizeof *o);
    FILE *mem = open_memstream(&o->msgs, &o->len);
    assert_non_null(mem);
    diag d = { .out = mem };
    typeset_ctx t;
    typeset_ctx_init(&t, fonts, st, &d, src);
    ahead *a = use_ahead ? ahead_new(&t) : NULL;
    assert_true(!use_ahead || a);
    para *ps[NPARA];
    int tickets[NPARA];
    char *owned[NPARA];
    shape_all(&t, ps, owned, a, tickets, o);
    diag_warning(t.d, "caller", 1, 1, "after the last paragraph");
    if (a) {
        ahead_release(a);
        for (int i = 0; i < NPARA; i++) {
            compose_result r;
            assert_int_equal(ahead_take(a, tickets[i], &r), 0);
            record(o, i, &r);
            compose_result_free(&r);
        }
        ahead_free(a);
    }
    assert_ptr_equal(t.d, &d);
    free_all(ps, owned);
    fclose(mem);
    o->errors = d.errors;
    o->warnings = d.warnings;
}

static void assert_same(const outcome *want, const outcome *got)
{
    if (strcmp(want->msgs, got->msgs) != 0)
        fail_msg("messages differ:\n--- in turn\n%s--- ahead\n%s", want->msgs, got->msgs);
    assert_int_equal(want->errors, got->errors);
    assert_int_equal(want->warnings, got->warnings);
    for (int i = 0; i < NPARA; i++) {
        assert_int_equal(want->n[i], got->n[i]);
        for (int l = 0; l < want->n[i] && l < 64; l++)
            assert_int_equal(want->breaks[i][l], got->breaks[i][l]);
    }
}

static void test_same_lines_and_messages(void **state)
{
    (void)state;
    outcome in_turn;
    run(&in_turn, false);
    /* The text has what each kind of message needs. */
    assert_non_null(strstr(in_turn.msgs, "U+2A6A5"));
    assert_non_null(strstr(in_turn.msgs, "broken inside"));
    assert_true(in_turn.warnings >= 5);
    /* The caller's own message is the last. */
    assert_non_null(strstr(in_turn.msgs, "after the last paragraph\n"));
    assert_int_equal(strlen(strstr(in_turn.msgs, "after the last paragraph\n")),
                     strlen("after the last paragraph\n"));
    const char *threads[] = { "1", "2", "4" };
    for (size_t k = 0; k < 3; k++) {
        setenv("JIANBAO_THREADS", threads[k], 1);
        for (int rep = 0; rep < 5; rep++) {
            outcome ahead_out;
            run(&ahead_out, true);
            assert_same(&in_turn, &ahead_out);
            free(ahead_out.msgs);
        }
    }
    unsetenv("JIANBAO_THREADS");
    free(in_turn.msgs);
}

/* Tickets never taken (a build that stopped early) are waited for and freed. */
static void test_free_untaken(void **state)
{
    (void)state;
    FILE *mem = fopen("/dev/null", "w");
    assert_non_null(mem);
    diag d = { .out = mem };
    typeset_ctx t;
    typeset_ctx_init(&t, fonts, st, &d, src);
    ahead *a = ahead_new(&t);
    assert_non_null(a);
    para *ps[NPARA];
    char *owned[NPARA];
    int tickets[NPARA];
    shape_all(&t, ps, owned, a, tickets, NULL);
    ahead_free(a);
    assert_ptr_equal(t.d, &d);
    assert_true(d.warnings >= 2);     /* the held ones were given out */
    free_all(ps, owned);
    fclose(mem);
}

static int setup(void **state)
{
    (void)state;
    diag dg;
    diag_init(&dg, stderr);
    fonts = font_lib_new();
    st = style_read("styles/zasto.ini", &dg);
    src = src_file_new("ahead.md", text, sizeof text - 1);
    return fonts && st && src ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    src_file_free(src);
    style_free(st);
    font_lib_free(fonts);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_lines_and_messages),
        cmocka_unit_test(test_free_untaken),
    };
    return cmocka_run_group_tests_name("ahead", tests, setup, teardown);
}
