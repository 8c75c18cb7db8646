/* ASCII punctuation in Chinese text (GB/T 15834) and range dashes, rewritten before
 * shaping: what changes, what stays, and that every other character keeps its exact
 * source offset. */
#include "testutil.h"

#include "layout/compose/punct.h"

static const punct_opts HOUSE = { true, RANGE_EN_DASH };

/* punct_apply on one verbatim inline at source offset 100; the text as set, or the
 * input when nothing changes. */
static char *apply(const char *in, const punct_opts *o, doc_text *out)
{
    static doc_inline one;
    one = (doc_inline){ (char *)in, 0, NULL, 100, true };
    doc_text t = { &one, 1 };
    int rc = punct_apply(&t, o, out);
    assert_true(rc >= 0);
    if (rc == 0) {
        *out = (doc_text){ 0 };
        return strdup(in);
    }
    char *s = doc_text_plain(out);
    assert_non_null(s);
    return s;
}

static void check(const char *in, const punct_opts *o, const char *want)
{
    doc_text out;
    char *got = apply(in, o, &out);
    if (strcmp(got, want) != 0)
        fail_msg("«%s» gave «%s», want «%s»", in, got, want);
    free(got);
    doc_text_clear(&out);
}

/* The cases of issue 12 and 总第29期. */
static void test_fullwidth(void **state)
{
    (void)state;
    check("节(基本概念)", &HOUSE, "节（基本概念）");
    check("操作, 而", &HOUSE, "操作，而");
    check("(十三) 支持在自贸试验区", &HOUSE, "（十三）支持在自贸试验区");
    check("监管局,广州", &HOUSE, "监管局，广州");
    check("主要特点:", &HOUSE, "主要特点：");
    check("参会交流!!!", &HOUSE, "参会交流！！！");
    check("是否可行?", &HOUSE, "是否可行？");
    check("同比 (%)", &HOUSE, "同比（%）");
    check("(1) 区域分布较集中", &HOUSE, "（1）区域分布较集中");
    check("Linux (内核)", &HOUSE, "Linux（内核）");
    check("会议时间:2019年", &HOUSE, "会议时间：2019年");
    /* Not Chinese: as written. */
    check("f(x) = 1, g(y) = 2", &HOUSE, "f(x) = 1, g(y) = 2");
    check("1,000 and 10:30", &HOUSE, "1,000 and 10:30");
    check("http://www.zasto.org.cn", &HOUSE, "http://www.zasto.org.cn");
    /* The switch off: nothing but the range. */
    const punct_opts off = { false, RANGE_HYPHEN };
    check("节(基本概念), 10:00-12:00", &off, "节(基本概念), 10:00-12:00");
}

/* Ranges: time and number ranges; never dates, phone numbers or decimals. */
static void test_ranges(void **state)
{
    (void)state;
    check("时间10:00-12:00", &HOUSE, "时间10:00–12:00");
    check("(星期一) 10:00 - 12:00", &HOUSE, "（星期一）10:00–12:00");
    check("3月15-16日举行", &HOUSE, "3月15–16日举行");
    check("1-12月", &HOUSE, "1–12月");
    check("日期2019-03-31", &HOUSE, "日期2019-03-31");
    check("电话0756-3628126", &HOUSE, "电话0756-3628126");
    check("版本1.5-2.0", &HOUSE, "版本1.5-2.0");
    const punct_opts tilde = { true, RANGE_TILDE };
    check("3月15-16日", &tilde, "3月15～16日");
    const punct_opts hyphen = { true, RANGE_HYPHEN };
    check("10:00 - 12:00", &hyphen, "10:00 - 12:00");
}

/* Code, hard breaks and links: code is never touched and does not count as Han; a
 * link keeps its target in every piece. Kept characters keep their offsets. */
static void test_offsets_and_code(void **state)
{
    (void)state;
    doc_inline in[] = {
        { "节(基本", 0, NULL, 10, true },
        { "f(x):", IN_CODE, NULL, 40, false },
        { "概念)见", IN_LINK, "http://x/", 60, true },
    };
    doc_text t = { in, 3 }, out;
    assert_int_equal(punct_apply(&t, &HOUSE, &out), 1);
    static const struct {
        const char *text;
        size_t src;
        bool verbatim;
        unsigned flags;
    } want[] = {
        { "节", 10, true, 0 }, { "（", 13, false, 0 }, { "基本", 14, true, 0 },
        { "f(x):", 40, false, IN_CODE }, { "概念", 60, true, IN_LINK },
        { "）", 66, false, IN_LINK }, { "见", 67, true, IN_LINK },
    };
    assert_int_equal(out.nin, 7);
    for (int i = 0; i < 7; i++) {
        assert_string_equal(out.in[i].text, want[i].text);
        assert_int_equal(out.in[i].src, want[i].src);
        assert_int_equal(out.in[i].src_verbatim, want[i].verbatim);
        assert_int_equal(out.in[i].flags, want[i].flags);
    }
    assert_string_equal(out.in[6].href, "http://x/");
    doc_text_clear(&out);
    /* Nothing to change: 0, out untouched. */
    doc_inline plain = { "纯中文，没有半角。", 0, NULL, 0, true };
    doc_text p = { &plain, 1 };
    assert_int_equal(punct_apply(&p, &HOUSE, &out), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fullwidth),
        cmocka_unit_test(test_ranges),
        cmocka_unit_test(test_offsets_and_code),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
