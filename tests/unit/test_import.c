/* import: text extracted from a past issue's PDF → issue.md. Synthetic inputs assert the
 * exact Markdown and warnings of each rule; the real seed (tests/data/zasto-2019-03.txt,
 * 总第29期) asserts the structure and that the text survives. */
#include "testutil.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "layout/import/import.h"
/* white-box: the typography of Word articles, one line at a time */
#include "layout/import/import_int.h"

/* The input is "t.txt", the issue.md written "t.md"; notices are reported too. */
static const import_opts topts = { .in = "t.txt", .out = "t.md", .verbose = true };

/* Imports in; the messages (diag's output) go to *warn when warn is set, the number of
 * places to check to *nwarn. */
static char *imp(const char *in, size_t len, char **warn, int *nwarn)
{
    char *wbuf = NULL;
    size_t wlen = 0;
    FILE *w = open_memstream(&wbuf, &wlen);
    assert_non_null(w);
    diag d;
    diag_init(&d, w);
    import_counts n;
    char *out = import_text(in, len, &topts, &n, &d);
    assert_int_equal(fclose(w), 0);
    assert_int_equal(d.errors, 0);
    assert_int_equal(d.warnings, n.check);
    if (nwarn)
        *nwarn = d.warnings;
    if (warn)
        *warn = wbuf;
    else
        free(wbuf);
    assert_non_null(out);
    return out;
}

/* Imports in expecting an error: returns NULL (asserted), the messages in *err. */
static char *imp_fails(const char *in, size_t len, char **err)
{
    size_t n;
    FILE *w = open_memstream(err, &n);
    assert_non_null(w);
    diag d;
    diag_init(&d, w);
    char *out = import_text(in, len, &topts, NULL, &d);
    assert_int_equal(fclose(w), 0);
    assert_int_equal(d.errors, 1);
    assert_null(out);
    return out;
}

static char *imps(const char *in, char **warn)
{
    return imp(in, strlen(in), warn, NULL);
}

/* Line no (from 1) of text, up to its newline, in out. */
static const char *line_of(const char *text, int no, char out[512])
{
    const char *p = text;
    for (int k = 1; k < no && p; k++) {
        p = strchr(p, '\n');
        p = p ? p + 1 : NULL;
    }
    assert_non_null(p);
    size_t n = strcspn(p, "\n");
    assert_true(n < 512);
    memcpy(out, p, n);
    out[n] = 0;
    return out;
}

/* The message "t.md:N:1: kind: msg…" was reported, and line N of the Markdown md starts
 * with at: messages point at the issue.md written, where the text is. */
static void assert_msg_at(const char *md, const char *warn, const char *kind, const char *msg, const char *at)
{
    char want[1024], line[512];
    snprintf(want, sizeof want, ":1: %s: %s", kind, msg);
    const char *p = strstr(warn, want);
    if (!p)
        fail_msg("no message \"%s\" in:\n%s", want, warn);
    const char *b = p;
    while (b > warn && b[-1] != '\n')
        b--;
    assert_true(strncmp(b, "t.md:", 5) == 0);
    int no = atoi(b + 5);
    line_of(md, no, line);
    if (strncmp(line, at, strlen(at)) != 0)
        fail_msg("\"%s\" points at line %d \"%s\", not at \"%s\"", msg, no, line, at);
}

static bool has_line(const char *text, const char *line)
{
    size_t n = strlen(line);
    for (const char *p = text; (p = strstr(p, line)) != NULL; p++)
        if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == 0))
            return true;
    return false;
}

/* ---- rule 1 and 2: running footers, page breaks ---- */

static void test_footer_and_page_split(void **state)
{
    (void)state;
    char *warn;
    char *out = imps("第一段很长的文字没有句末标点因为它在页面底部被截断了所以下一页的\n"
                     "<www.example.org>\n"
                     "\n"
                     "文字应该接在这里。\n"
                     "\n"
                     "<www.example.org>\n"
                     "\n"
                     "The extraction cut this English sentence across\n"
                     "\n"
                     "<www.example.org>\n"
                     "\n"
                     "the page break, so it is joined with one space.\n",
                     &warn);
    assert_string_equal(out, "---\n"
                             "website: http://www.example.org\n"
                             "style: zasto\n"
                             "---\n"
                             "\n"
                             "第一段很长的文字没有句末标点因为它在页面底部被截断了所以下一页的文字应该接在这里。\n"
                             "\n"
                             "The extraction cut this English sentence across the page break, so it is joined "
                             "with one space.\n");
    /* the footer line is a footer because it repeats; joins with a footer between are sure */
    assert_null(strstr(warn, "joined"));
    free(out);
    free(warn);
}

static void test_repeated_line_not_url_kept(void **state)
{
    (void)state;
    /* a line repeated three times that is not URL- or page-number-like is text */
    char *out = imps("广东省人民政府\n\n广东省人民政府\n\n广东省人民政府\n", NULL);
    assert_string_equal(out, "---\nstyle: zasto\n---\n\n广东省人民政府\n\n广东省人民政府\n\n广东省人民政府\n");
    free(out);
    /* isolated page numbers are furniture */
    out = imps("正文一。\n\n- 1 -\n\n正文二。\n\n- 2 -\n\n正文三。\n\n- 3 -\n", NULL);
    assert_string_equal(out, "---\nstyle: zasto\n---\n\n正文一。\n\n正文二。\n\n正文三。\n");
    free(out);
}

static void test_rejoin_wrapped_lines(void **state)
{
    (void)state;
    char *out = imps("这一段被提取工具  \n在行尾折断了，  \n但仍是一段。\n\n"
                     "The extraction wrapped\nthis English sentence.\n\n"
                     "单位GDP能耗按照\nGDP计算。\n",
                     NULL);
    assert_string_equal(out, "---\nstyle: zasto\n---\n\n"
                             "这一段被提取工具在行尾折断了，但仍是一段。\n\n"
                             "The extraction wrapped this English sentence.\n\n"
                             "单位GDP能耗按照GDP计算。\n");
    free(out);
}

static void test_rejoin_unsure_reported(void **state)
{
    (void)state;
    char *warn;
    /* no footer between: a long first part is still joined, but reported; a numbered next
     * paragraph is never joined */
    char *out = imps("据悉，目前全国仅有浙江和广东两个省份举办了省级的秘书职业技能大赛，此次比赛吸引了省内外多家院校前来观摩交流和学习秘书技\n"
                     "\n"
                     "能大赛的经验。\n"
                     "\n"
                     "这一段同样很长但是没有句末标点而且出现在页面底部的最后一行文字之中的内容\n"
                     "\n"
                     "<www.example.org>\n"
                     "\n"
                     "（一）下一段是编号条目。\n"
                     "\n"
                     "<www.example.org>\n\n<www.example.org>\n",
                     &warn);
    assert_string_equal(out, "---\nwebsite: http://www.example.org\nstyle: zasto\n---\n\n"
                             "据悉，目前全国仅有浙江和广东两个省份举办了省级的秘书职业技能大赛，此次比赛吸引了省内外多家院校前来观摩交流和学习秘书技能大赛的经验。\n\n"
                             "这一段同样很长但是没有句末标点而且出现在页面底部的最后一行文字之中的内容\n\n"
                             "（一）下一段是编号条目。\n");
    /* the messages point at issue.md: the joined paragraph, the one not joined */
    assert_string_equal(warn,
                        "jianbao: check these 7 places in t.md:\n"
                        "t.md:1:1: warning: masthead has no association; add it to the front matter by hand\n"
                        "t.md:1:1: warning: masthead has no title; add it to the front matter by hand\n"
                        "t.md:1:1: warning: masthead has no number; add it to the front matter by hand\n"
                        "t.md:1:1: warning: masthead has no issue; add it to the front matter by hand\n"
                        "t.md:6:1: warning: no contents listing (目录) found: sections and articles taken "
                        "from the heading marks\n"
                        "t.md:6:1: warning: paragraph joined after \"前来观摩交流和学习秘书技\" as cut at a page "
                        "break without a footer; check that the two parts belong together\n"
                        "t.md:10:1: warning: the paragraph before the page break ends without final punctuation; "
                        "not joined to this one, which starts a numbered item\n");
    free(out);
    free(warn);
}

/* ---- rule 3: tables ---- */

static void test_table_regular_pipe(void **state)
{
    (void)state;
    char *warn;
    char *out = imps("会议议程\n"
                     "\n"
                     "时间\t议程\n"
                     "09:30-10:00\t签到\n"
                     "10:00-10:30\t致辞 | 合影\n",
                     &warn);
    assert_string_equal(out, "---\nstyle: zasto\n---\n\n"
                             "表：会议议程\n"
                             "\n"
                             "| 时间 | 议程 |\n"
                             "| --- | --- |\n"
                             "| 09:30-10:00 | 签到 |\n"
                             "| 10:00-10:30 | 致辞 \\| 合影 |\n");
    assert_msg_at(out, warn, "note", "line \"会议议程\" taken as the caption of the table below\n", "表：会议议程");
    free(out);
    free(warn);
}

static void test_table_merged_header_html(void **state)
{
    (void)state;
    char *warn;
    char *out = imps("单位\t12月\t\t\n"
                     "\t实际完成\t同比 (%)\t完成 排位\n"
                     "全市\t100.0\t5.0\t—\n"
                     "东区\t60.0\t-1.0\t1\n"
                     "西区\t40.0\t<0.1 & up\t2\n",
                     &warn);
    assert_string_equal(out, "---\nstyle: zasto\n---\n\n"
                             "<table>\n"
                             "<thead>\n"
                             "<tr><th rowspan=\"2\">单位</th><th colspan=\"3\">12月</th></tr>\n"
                             "<tr><th>实际完成</th><th>同比 (%)</th><th>完成排位</th></tr>\n"
                             "</thead>\n"
                             "<tbody>\n"
                             "<tr><td>全市</td><td>100.0</td><td>5.0</td><td>—</td></tr>\n"
                             "<tr><td>东区</td><td>60.0</td><td>-1.0</td><td>1</td></tr>\n"
                             "<tr><td>西区</td><td>40.0</td><td>&lt;0.1 &amp; up</td><td>2</td></tr>\n"
                             "</tbody>\n"
                             "</table>\n");
    assert_msg_at(out, warn, "warning",
                  "table: merged header cells guessed from its empty cells (rowspan/colspan); check the header\n",
                  "<table>");
    /* a header cell set on two lines; a space next to Latin text is a real space */
    assert_msg_at(out, warn, "note", "table: a space between Han characters in a header cell dropped (a cell on two lines)\n",
                  "<table>");
    free(out);
    free(warn);
}

static void test_table_title_row_and_ragged(void **state)
{
    (void)state;
    char *warn;
    char *out = imps("国际收支（口径）\t\t\n"
                     "2019年1月\t\t\n"
                     "项目\t人民币\t\n"
                     "差额\t1,581\t2.5建设\n"
                     "\t\t贷方\n"
                     "借方\t-14\n",
                     &warn);
    assert_string_equal(out, "---\nstyle: zasto\n---\n\n"
                             "<table>\n"
                             "<caption>国际收支（口径）</caption>\n"
                             "<thead>\n"
                             "<tr><th colspan=\"3\">2019年1月</th></tr>\n"
                             "<tr><th>项目</th><th>人民币</th><th></th></tr>\n"
                             "</thead>\n"
                             "<tbody>\n"
                             "<tr><td>差额</td><td>1,581</td><td>2.5建设</td></tr>\n"
                             "<tr><td></td><td></td><td>贷方</td></tr>\n"
                             "<tr><td>借方</td><td>-14</td><td></td></tr>\n"
                             "</tbody>\n"
                             "</table>\n");
    assert_non_null(strstr(warn, "table: its title row taken as the caption"));
    assert_non_null(strstr(warn, "table: rows have different numbers of cells"));
    free(out);
    free(warn);
}

static void test_table_without_header(void **state)
{
    (void)state;
    char *warn;
    char *out = imps("考察团成员:\n\n宋延亮\t首席代表\n王政富\t项目工程总监\n", &warn);
    assert_string_equal(out, "---\nstyle: zasto\n---\n\n"
                             "考察团成员:\n\n"
                             "<table>\n"
                             "<tbody>\n"
                             "<tr><td>宋延亮</td><td>首席代表</td></tr>\n"
                             "<tr><td>王政富</td><td>项目工程总监</td></tr>\n"
                             "</tbody>\n"
                             "</table>\n");
    assert_msg_at(out, warn, "warning", "table: no header row found", "<table>");
    free(out);
    free(warn);
}

/* ---- rules 4 and 5: masthead, contents, sections, articles ---- */

static const char issue_head[] = "# 示例服务贸易行业协会\n"
                                 "\n"
                                 "**Example Association of Service Trade**\n"
                                 "\n"
                                 "# 简报\n"
                                 "\n"
                                 "示协编【2020年11月报】总第5期\n"
                                 "\n"
                                 "主编：张三\n"
                                 "\n"
                                 "排版：李四 王五\n"
                                 "\n"
                                 "电话：0756-1234567 传真：0756-7654321\n"
                                 "\n"
                                 "## 目录 CONTENTS\n"
                                 "\n"
                                 "### 企业动态\n"
                                 "\n"
                                 "甲公司获奖|年度大奖\n"
                                 "\n"
                                 "乙公司 新品发布\n"
                                 "\n"
                                 "<http://www.example.org.cn>\n"
                                 "\n"
                                 "<http://www.example.org.cn>\n"
                                 "\n"
                                 "<http://www.example.org.cn>\n"
                                 "\n"
                                 "### 行业动态\n"
                                 "\n"
                                 "统计局：全年增长6%\n"
                                 "\n";

static const char issue_front[] = "---\n"
                                  "association: 示例服务贸易行业协会\n"
                                  "association_en: Example Association of Service Trade\n"
                                  "title: 简报\n"
                                  "number: 示协编【2020年11月报】\n"
                                  "issue: 总第5期\n"
                                  "month: 2020-11\n"
                                  "editor: 张三\n"
                                  "typesetter: 李四 王五\n"
                                  "phone: 0756-1234567\n"
                                  "fax: 0756-7654321\n"
                                  "website: http://www.example.org.cn\n"
                                  "style: zasto\n"
                                  "---\n";

static char *issue(const char *body, char **warn)
{
    size_t n = strlen(issue_head) + strlen(body) + 1;
    char *in = malloc(n);
    assert_non_null(in);
    snprintf(in, n, "%s%s", issue_head, body);
    char *out = imps(in, warn);
    free(in);
    return out;
}

static void test_masthead_front_matter(void **state)
{
    (void)state;
    char *out = issue("## 企业动态\n\n<http://www.example.org.cn>\n\n<http://www.example.org.cn>\n", NULL);
    char expect[1024];
    snprintf(expect, sizeof expect, "%s\n# 企业动态\n", issue_front);
    assert_string_equal(out, expect);
    free(out);
}

static void test_sections_and_articles_from_contents(void **state)
{
    (void)state;
    char *warn;
    char *out = issue("## 企业动态\n"
                      "\n"
                      "## 企业动态\n"
                      "\n"
                      "#### 甲公司获奖 | 年度大奖\n"
                      "\n"
                      "正文一。\n"
                      "\n"
                      "<http://www.example.org.cn>\n"
                      "\n"
                      "### 乙公司新品发布会\n"
                      "\n"
                      "正文二。\n"
                      "\n"
                      "# 行业动态\n"
                      "\n"
                      "**统计局：全年增长6％**\n"
                      "\n"
                      "正文三。\n"
                      "\n"
                      "<http://www.example.org.cn>\n",
                      &warn);
    char expect[2048];
    snprintf(expect, sizeof expect,
             "%s\n"
             "# 企业动态\n\n"
             "## 甲公司获奖|年度大奖\n\n"
             "正文一。\n\n"
             "## 乙公司 新品发布\n\n"
             "正文二。\n\n"
             "# 行业动态\n\n"
             "## 统计局：全年增长6%%\n\n"
             "正文三。\n",
             issue_front);
    assert_string_equal(out, expect);
    /* the guess to check first, then what was done by rule; lines of issue.md */
    assert_string_equal(warn,
                        "jianbao: check this place in t.md:\n"
                        "t.md:22:1: warning: heading \"乙公司新品发布会\" taken as the listed title \"乙公司 新品发布\" "
                        "(close, not equal)\n"
                        "jianbao: 5 notices: what the import did on its own\n"
                        "t.md:16:1: note: section heading \"企业动态\" was level 2; now level 1\n"
                        "t.md:18:1: note: section heading \"企业动态\" repeated with no article between: merged\n"
                        "t.md:18:1: note: article title \"甲公司获奖|年度大奖\" was deeper; now level 2\n"
                        "t.md:22:1: note: article title \"乙公司 新品发布\" was deeper; now level 2\n"
                        "t.md:28:1: note: article title \"统计局：全年增长6%\" was a bold line; now level 2\n");
    free(out);
    free(warn);
}

/* ---- rule 4: inner headings by Chinese numbering ---- */

static void test_numbering_levels(void **state)
{
    (void)state;
    char *warn;
    char *out = issue("## 企业动态\n\n## 甲公司获奖|年度大奖\n\n"
                      "导语。\n\n"
                      "##### 一、总体要求\n\n"
                      "# （一）指导思想。\n\n"
                      "正文。\n\n"
                      "（二）基本原则。\n\n"
                      "正文。\n\n"
                      "## 1. 坚持创新\n\n"
                      "正文。\n\n"
                      "### 二、主要任务\n\n"
                      "#### 一是这个被错误标成标题的句子以句号结尾。\n\n"
                      "## 这是一个被错误标成标题的很长的句子，它没有句号却远远超过了四十个字的长度限制所以只能是正文段落\n",
                      &warn);
    char expect[2048];
    snprintf(expect, sizeof expect,
             "%s\n"
             "# 企业动态\n\n## 甲公司获奖|年度大奖\n\n"
             "导语。\n\n"
             "### 一、总体要求\n\n"
             "#### （一）指导思想。\n\n"
             "正文。\n\n"
             "#### （二）基本原则。\n\n"
             "正文。\n\n"
             "##### 1. 坚持创新\n\n"
             "正文。\n\n"
             "### 二、主要任务\n\n"
             "**一是这个被错误标成标题的句子以句号结尾。**\n\n"
             "这是一个被错误标成标题的很长的句子，它没有句号却远远超过了四十个字的长度限制所以只能是正文段落\n",
             issue_front);
    assert_string_equal(out, expect);
    assert_msg_at(out, warn, "note", "heading \"一、总体要求\" was level 5; now 3 (一、 in this article's outline)\n",
                  "### 一、总体要求");
    assert_msg_at(out, warn, "note", "heading \"（一）指导思想。\" was level 1; now 4", "#### （一）指导思想。");
    assert_msg_at(out, warn, "note", "numbered line \"（二）基本原则。\" taken as a heading", "#### （二）基本原则。");
    assert_msg_at(out, warn, "note", "heading \"1. 坚持创新\" was level 2; now 5", "##### 1. 坚持创新");
    assert_null(strstr(warn, "二、主要任务")); /* it was ### already */
    assert_msg_at(out, warn, "note", "heading mark on a sentence \"一是这个被错误标成标题的句子以句号结尾。\" "
                  "dropped: written as a bold paragraph\n", "**一是这个");
    assert_msg_at(out, warn, "note", "heading mark on a sentence \"这是一个", "这是一个被错误标成标题");
    free(out);
    free(warn);
}

static void test_document_contents_and_parts(void **state)
{
    (void)state;
    char *warn;
    /* a document's own contents: 目录 and a run of headings before the real text, which
     * repeats the first entry; 前言 beside 第一章; a long unnumbered heading (a document
     * inside the article) above 一、 */
    char *out = issue("## 行业动态\n\n## 统计局：全年增长6%\n\n"
                      "规划全文如下。\n\n"
                      "#### 目录\n\n"
                      "#### 前言\n\n"
                      "#### 第一章 规划背景\n\n"
                      "##### 第一节 发展基础\n\n"
                      "第二节 机遇挑战\n\n"
                      "**第二章 总体要求**\n\n"
                      "<http://www.example.org.cn>\n\n"
                      "## 前言\n\n"
                      "前言正文。\n\n"
                      "## 第一章 规划背景\n\n"
                      "### 第一节 发展基础\n\n"
                      "正文。\n\n"
                      "## 第二节 机遇挑战\n\n"
                      "正文。\n",
                      &warn);
    char expect[2048];
    snprintf(expect, sizeof expect,
             "%s\n"
             "# 行业动态\n\n## 统计局：全年增长6%%\n\n"
             "规划全文如下。\n\n"
             "目录\n\n"
             "- 前言\n"
             "- 第一章 规划背景\n"
             "  - 第一节 发展基础\n"
             "  - 第二节 机遇挑战\n"
             "- 第二章 总体要求\n\n"
             "### 前言\n\n"
             "前言正文。\n\n"
             "### 第一章 规划背景\n\n"
             "#### 第一节 发展基础\n\n"
             "正文。\n\n"
             "#### 第二节 机遇挑战\n\n"
             "正文。\n",
             issue_front);
    assert_string_equal(out, expect);
    assert_msg_at(out, warn, "note", "the document's own contents (5 entries) kept as a list, not as headings\n",
                  "目录");
    free(out);
    out = issue("## 行业动态\n\n## 统计局：全年增长6%\n\n"
                "## 支持自由贸易试验区深化改革创新若干措施分工方案\n\n"
                "为落实要求，制定本方案。\n\n"
                "### 一、营造优良投资环境\n\n"
                "（一）借鉴北京市服务业扩大开放综合试点经验，放宽外商投资建设工程设计企业外籍技术人员比例要求。\n\n"
                "## 二、提升便利化水平\n\n"
                "## 附注\n",
                NULL);
    snprintf(expect, sizeof expect,
             "%s\n"
             "# 行业动态\n\n## 统计局：全年增长6%%\n\n"
             "### 支持自由贸易试验区深化改革创新若干措施分工方案\n\n"
             "为落实要求，制定本方案。\n\n"
             "#### 一、营造优良投资环境\n\n"
             "（一）借鉴北京市服务业扩大开放综合试点经验，放宽外商投资建设工程设计企业外籍技术人员比例要求。\n\n"
             "#### 二、提升便利化水平\n\n"
             "### 附注\n",
             issue_front);
    assert_string_equal(out, expect);
    free(out);
    free(warn);
}

static void test_heading_line_break_space(void **state)
{
    (void)state;
    char *warn;
    /* a display title on two lines: the space goes when the article's title spells the
     * words without it; a headline of two phrases keeps its space */
    char *out = issue("## 企业动态\n\n## 甲公司获奖|年度大奖\n\n"
                      "## 甲公司 获奖\n\n正文。\n\n"
                      "### 年度 总结\n\n正文。\n",
                      &warn);
    char expect[2048];
    snprintf(expect, sizeof expect,
             "%s\n"
             "# 企业动态\n\n## 甲公司获奖|年度大奖\n\n"
             "### 甲公司获奖\n\n正文。\n\n"
             "### 年度 总结\n\n正文。\n",
             issue_front);
    assert_string_equal(out, expect);
    assert_msg_at(out, warn, "note", "space in heading \"甲公司 获奖\" dropped: the article's title spells it without\n",
                  "### 甲公司获奖");
    assert_null(strstr(warn, "年度 总结\" dropped"));
    free(out);
    free(warn);
}

/* ---- rules 7 and 8: sources, emphasis, notes, lost figures ---- */

static void test_sources_emphasis_notes_figures(void **state)
{
    (void)state;
    char *warn;
    char *out = imps("**会议指出**，服务贸易创新发展。\n\n"
                     "**一是大力推进制造强省建设。**坚持制造业立省，PM<sub>2.5</sub>下降。\n\n"
                     "**二是着力建设“数字政府”。**出台规划。\n\n"
                     "(来源：珠海特区报)\n\n"
                     "（文件来源:商务部）\n\n"
                     "注：\n\n"
                     "1. 本表所称货物和服务贸易是指居民与非居民之间发生的交易。\n"
                     "2. 本表计数采用四舍五入原则\n"
                     "3. 数据来源：国家外汇管理局\n\n"
                     "图1 2018年以来营业收入增长（%）\n\n"
                     "正文。\n\n"
                     "# 标题\n\n"
                     "项目\t数值\n"
                     "全市\t1.0\n"
                     "东区\t0.5\n\n"
                     "各区执行金额比重\n\n"
                     "各区执行金额排名\n\n"
                     "## 2. 主要特点:\n\n"
                     "贯彻新思想 and 十九大精神，采用 IP 设计。\n",
                     &warn);
    assert_string_equal(out, "---\nstyle: zasto\n---\n\n"
                             "**会议指出**，服务贸易创新发展。\n\n"
                             "**一是大力推进制造强省建设**。坚持制造业立省，PM<sub>2.5</sub>下降。\n\n"
                             "**二是着力建设“数字政府”**。出台规划。\n\n"
                             "（来源：珠海特区报）\n\n"
                             "（文件来源：商务部）\n\n"
                             "注：\n\n"
                             "1. 本表所称货物和服务贸易是指居民与非居民之间发生的交易。\n"
                             "2. 本表计数采用四舍五入原则\n"
                             "3. 数据来源：国家外汇管理局\n\n"
                             "图1 2018年以来营业收入增长（%）\n\n"
                             "正文。\n\n"
                             "# 标题\n\n"
                             "| 项目 | 数值 |\n"
                             "| --- | --- |\n"
                             "| 全市 | 1.0 |\n"
                             "| 东区 | 0.5 |\n\n"
                             "各区执行金额比重\n\n"
                             "各区执行金额排名\n\n"
                             "## 2. 主要特点:\n\n"
                             "贯彻新思想 and 十九大精神，采用 IP 设计。\n");
    assert_msg_at(out, warn, "warning", "Latin word \"and\" between Han characters: the extraction may have put it "
                  "for a Chinese word (\"and\" for 和); check\n", "贯彻新思想 and");
    assert_null(strstr(warn, "\"IP\""));
    assert_msg_at(out, warn, "warning", "lost figure: only its caption \"图1 2018年以来营业收入增长（%）\" remains; kept "
                  "as a paragraph\n", "图1 2018");
    assert_msg_at(out, warn, "warning", "lost figure: only its caption \"各区执行金额比重\"", "各区执行金额比重");
    assert_msg_at(out, warn, "warning", "lost figure: only its caption \"各区执行金额排名\"", "各区执行金额排名");
    free(out);
    free(warn);
}

/* ---- signatures (落款): issuing bodies and the date closing a notice (issue 12) ---- */

/* The body of an import of text (after the 4 lines of front matter and a blank line). */
static char *body_of(const char *text, char **warn)
{
    char *out = imps(text, warn);
    const char *front = "---\nstyle: zasto\n---\n\n";
    assert_true(strncmp(out, front, strlen(front)) == 0);
    memmove(out, out + strlen(front), strlen(out) - strlen(front) + 1);
    return out;
}

static void test_signatures(void **state)
{
    (void)state;
    char *warn;
    /* three lines of bodies and the date, before the next article */
    char *out = body_of("导语。\n\n# 政策\n\n## 通知\n\n请认真贯彻执行。\n\n"
                        "商务部 科技部 工业和信息化部 财政部 自然资源部\n\n"
                        "住房和城乡建设部 人民银行 海关总署 税务总局\n\n"
                        "市场监督管理总局 银保监会 证监会\n\n"
                        "2019年2月12日\n\n"
                        "## 下一篇\n\n正文。\n",
                        &warn);
    assert_string_equal(out, "导语。\n\n# 政策\n\n## 通知\n\n请认真贯彻执行。\n\n"
                             "```signature\n"
                             "商务部 科技部 工业和信息化部 财政部 自然资源部\n"
                             "住房和城乡建设部 人民银行 海关总署 税务总局\n"
                             "市场监督管理总局 银保监会 证监会\n"
                             "2019年2月12日\n"
                             "```\n\n"
                             "## 下一篇\n\n正文。\n");
    /* a notice, not a place to check, at the block's first line in issue.md */
    assert_non_null(strstr(warn, "t.md:13:1: note: signature (落款): 3 issuing-body lines and the date set as a "
                                 "```signature block (flush right)\n"));
    free(out);
    free(warn);
    /* a date in Han numerals; body and date in one block; before the printed document's
     * heading; at the very end; before a source line */
    static const struct {
        const char *in, *want;
    } yes[] = {
        { "现印发给你们。\n\n广东省人民政府\n\n二〇一九年三月三十一日\n",
          "现印发给你们。\n\n```signature\n广东省人民政府\n二〇一九年三月三十一日\n```\n" },
        { "现印发给你们。\n\n珠海市商务局\n2019年2月16日\n\n### 关于促进发展的政策措施\n",
          "现印发给你们。\n\n```signature\n珠海市商务局\n2019年2月16日\n```\n\n### 关于促进发展的政策措施\n" },
        { "特此通知。\n\n中国（广东）自由贸易试验区工作办公室\n\n2019年1月3日\n\n（来源：广东省商务厅）\n",
          "特此通知。\n\n```signature\n中国（广东）自由贸易试验区工作办公室\n2019年1月3日\n```\n\n"
          "（来源：广东省商务厅）\n" },
        { "特此通知。\n\n珠海市服务贸易和外包行业协会\n珠海市软件评测中心\n\n2019年12月9日\n",
          "特此通知。\n\n```signature\n珠海市服务贸易和外包行业协会\n珠海市软件评测中心\n2019年12月9日\n```\n" },
    };
    for (size_t k = 0; k < sizeof yes / sizeof *yes; k++) {
        out = body_of(yes[k].in, &warn);
        assert_string_equal(out, yes[k].want);
        assert_non_null(strstr(warn, "note: signature (落款)"));
        free(out);
        free(warn);
    }
    /* not a signature: text follows the date; four lines of bodies (a list); a sentence
     * ending in a body's name; a date with more after it; no body before the date; names
     * that are no bodies; a date alone */
    static const char *const no[] = {
        "广东省人民政府\n\n2019年2月15日\n\n会议随后举行。\n",
        "特此通知。\n\n商务部\n\n科技部\n\n财政部\n\n海关总署\n\n2019年2月12日\n",
        "会议在市人民政府召开。\n\n2019年2月15日\n",
        "广东省人民政府\n\n2019年2月15日上午\n",
        "这是正文的最后一段，没有落款。\n\n2019年2月15日\n",
        "张三 李四\n\n2019年2月15日\n",
        "2019年2月15日\n",
        "广东省人民政府\n\n二〇一九年\n",
    };
    for (size_t k = 0; k < sizeof no / sizeof *no; k++) {
        out = body_of(no[k], &warn);
        assert_null(strstr(out, "```"));
        assert_null(strstr(warn, "signature"));
        free(out);
        free(warn);
    }
}

/* ---- Word articles: the house typography, in Chinese text only ---- */

static void test_docx_typography(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want;
    } cases[] = {
        /* Chinese text */
        { "他说：\"我们很高兴。\"", "他说：“我们很高兴。”" },
        { "这是'第一次'获奖", "这是‘第一次’获奖" },
        { "\"创新奖\"", "“创新奖”" },
        { "继续努力--不断创新", "继续努力——不断创新" },
        { "继续努力------不断创新", "继续努力——不断创新" },
        { "继续努力—不断创新", "继续努力——不断创新" },
        { "继续努力——不断创新", "继续努力——不断创新" },
        { "他表示...将继续", "他表示……将继续" },
        { "他表示。。。将继续", "他表示……将继续" },
        { "他表示…将继续", "他表示……将继续" },
        { "他表示……将继续", "他表示……将继续" },
        { "**\"数字政府\"**建设", "**“数字政府”**建设" },
        /* English and numbers left alone */
        { "He said \"fine\" -- it's ok...", "He said \"fine\" -- it's ok..." },
        { "第10--20页", "第10--20页" },
        { "It's 中文", "It's 中文" },
        /* code, tags and link targets untouched, their text around them done */
        { "运行`jianbao --force \"x\"`即可", "运行`jianbao --force \"x\"`即可" },
        { "<td class=\"x--y\">数据...</td>", "<td class=\"x--y\">数据……</td>" },
        { "见[\"说明\"](http://a.cn/x--y...)", "见[“说明”](http://a.cn/x--y...)" },
        { "\\\"转义\"", "\\\"转义\"" },
        /* an unpaired quote stays */
        { "5\"屏幕", "5\"屏幕" },
    };
    /* it reads s[0..n) only: a buffer with no NUL, ending in the first byte of 。(fuzzing
     * found a read past it; make asan checks) */
    char *raw = malloc(4);
    assert_non_null(raw);
    memcpy(raw, "文\xe3", 4);
    strbuf ro = { 0 };
    imp_typeset_line(raw, 4, &ro);
    assert_int_equal(ro.n, 4);
    assert_memory_equal(ro.p, raw, 4);
    strbuf_free(&ro);
    free(raw);
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        strbuf o = { 0 };
        imp_typeset_line(cases[k].in, strlen(cases[k].in), &o);
        char *got = strbuf_take(&o);
        assert_non_null(got);
        if (strcmp(got, cases[k].want) != 0)
            fail_msg("\"%s\" gave \"%s\", not \"%s\"", cases[k].in, got, cases[k].want);
        free(got);
    }
}

/* pandoc's GFM of a Word article (as pandoc writes it) into the issue source: headings,
 * pictures moved into figures/ as figures with their captions, the rest kept. */
static void test_docx_article(void **state)
{
    (void)state;
    char media[300], figs[300], path[400];
    int st;
    snprintf(media, sizeof media, "%s/m", tu_tmpdir());
    snprintf(figs, sizeof figs, "%s/figures", tu_tmpdir());
    free(tu_run(&st, "mkdir -p %s/media %s && printf '\\211PNG\\r\\n\\032\\nrest' > %s/media/image1.png && "
                "printf 'EMF' > %s/media/image2.emf && touch %s/文-image1.png", media, figs, media, media, figs));
    assert_int_equal(st, 0);
    char in[2048];
    snprintf(in, sizeof in,
             "# 标题\"创新\"\n\n"
             "正文...继续。\n\n"
             "<img src=\"%s/media/image1.png\" style=\"width:3.14961in;height:2.09974in\" alt=\"公司&quot;新&quot;厂房\" />\n\n"
             "公司\"新\"厂房\n\n"
             "## 小节\n\n"
             "文字<u>下划线</u>和<img src=\"%s/media/image2.emf\" style=\"width:1in\" />文字\n\n"
             "<img src=\"%s/media/image1.png\" style=\"width:2in\" />\n\n"
             "图2 同一张图\n\n"
             "``` c\nprintf(\"--\");\n```\n\n"
             "| 项目 | 金额 |\n|------|------|\n| \"研发\" | 1 |\n",
             media, media, media);
    int counts[2];
    diag d;
    FILE *w = fopen("/dev/null", "w");
    diag_init(&d, w);
    char *out = imp_docx_markdown(in, media, figs, "文", counts, &d);
    assert_non_null(out);
    /* the title is the article; the picture's name does not take the file already there */
    assert_string_equal(out, "## 标题“创新”\n\n"
                             "正文……继续。\n\n"
                             "![公司“新”厂房](figures/文-image1-2.png)\n\n"
                             "### 小节\n\n"
                             "文字下划线和文字\n\n"
                             "![](figures/文-image2.emf)\n\n"
                             "![图2 同一张图](figures/文-image1-2.png)\n\n"
                             "``` c\nprintf(\"--\");\n```\n\n"
                             "| 项目 | 金额 |\n|------|------|\n| “研发” | 1 |\n");
    /* not a PNG or JPEG, no caption: to check; the sizes Word gave the pictures placed:
     * notices */
    assert_int_equal(counts[0], 2);
    assert_int_equal(counts[1], 2);
    snprintf(path, sizeof path, "%s/文-image1-2.png", figs);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    snprintf(path, sizeof path, "%s/文-image2.emf", figs);
    assert_int_equal(stat(path, &sb), 0);
    free(out);
    /* a backslash ending the text (fuzzing found it looping for ever) */
    char tail[] = "文字\\";
    out = imp_docx_markdown(tail, media, figs, "文", counts, &d);
    assert_string_equal(out, "文字\\\n");
    free(out);
    fclose(w);
    free(tu_run(&st, "rm -rf %s", tu_tmpdir()));
}

/* ---- messages carry issue.md:line ---- */

static void test_warnings_file_line(void **state)
{
    (void)state;
    char *warn;
    int n;
    const char *in = "第一行。\n\n只有\t一行\n\n第五行。\n";
    char *out = imp(in, strlen(in), &warn, &n);
    assert_string_equal(out, "---\nstyle: zasto\n---\n\n第一行。\n\n只有 一行\n\n第五行。\n");
    assert_string_equal(warn, "jianbao: check these 6 places in t.md:\n"
                              "t.md:1:1: warning: masthead has no association; add it to the front matter by hand\n"
                              "t.md:1:1: warning: masthead has no title; add it to the front matter by hand\n"
                              "t.md:1:1: warning: masthead has no number; add it to the front matter by hand\n"
                              "t.md:1:1: warning: masthead has no issue; add it to the front matter by hand\n"
                              "t.md:5:1: warning: no contents listing (目录) found: sections and articles taken "
                              "from the heading marks\n"
                              "t.md:7:1: warning: a single tab-separated line: written as a paragraph, not a table\n");
    assert_int_equal(n, 6);
    free(out);
    free(warn);
}

/* Places to check about the front matter point at its keys; a listed article that is
 * missing, at the next article found; notices only when asked for. */
static void test_messages_point_into_issue_md(void **state)
{
    (void)state;
    const char *body = "## 企业动态\n\n## 甲公司获奖|年度大奖\n\n正文一。\n\n## 行业动态\n\n## 统计局：全年增长6%\n\n正文三。\n";
    size_t n = strlen(issue_head) + strlen(body) + 64;
    char *in = malloc(n);
    assert_non_null(in);
    snprintf(in, n, "电话：0756-9999999\n\n%s%s", issue_head, body);
    char *warn;
    int nwarn;
    char *out = imp(in, strlen(in), &warn, &nwarn);
    assert_msg_at(out, warn, "warning", "masthead gives phone twice; the first one is kept, not \"0756-1234567\"\n",
                  "phone: 0756-9999999");
    assert_msg_at(out, warn, "warning", "article \"乙公司 新品发布\" is in the contents but was not found in the body "
                  "(it is listed before this one); its text may be missing\n", "## 统计局：全年增长6%");
    /* met out of the listed order: the one missing is why */
    assert_msg_at(out, warn, "warning", "article \"统计局：全年增长6%\" comes earlier in the contents than here\n",
                  "## 统计局：全年增长6%");
    assert_int_equal(nwarn, 3);
    assert_non_null(strstr(warn, "jianbao: check these 3 places in t.md:\n"));
    assert_non_null(strstr(warn, ": note: "));
    free(out);
    free(warn);
    /* without verbose: the places to check alone, the notices only counted */
    char *wbuf = NULL;
    size_t wlen = 0;
    FILE *w = open_memstream(&wbuf, &wlen);
    assert_non_null(w);
    diag d;
    diag_init(&d, w);
    import_opts quiet = topts;
    quiet.verbose = false;
    import_counts cnt;
    out = import_text(in, strlen(in), &quiet, &cnt, &d);
    assert_int_equal(fclose(w), 0);
    assert_non_null(out);
    assert_int_equal(cnt.check, 3);
    assert_int_equal(cnt.notices, 2);
    assert_null(strstr(wbuf, "note"));
    assert_int_equal(d.warnings, 3);
    free(wbuf);
    free(out);
    /* a number without year and month: at the number key */
    const char *p = strstr(issue_head, "【2020年11月报】");
    assert_non_null(p);
    snprintf(in, n, "%.*s【二〇二〇年十一月报】%s%s", (int)(p - issue_head), issue_head,
             p + strlen("【2020年11月报】"), body);
    out = imp(in, strlen(in), &warn, NULL);
    assert_msg_at(out, warn, "warning", "no year and month (YYYY年M月) in the issue number; month left out",
                  "number: 示协编【二〇二〇年十一月报】");
    free(out);
    free(warn);
    free(in);
}

/* ---- no crash on any input ---- */

static bool valid_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int len = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3 : (*p & 0xF8) == 0xF0 ? 4 : 0;
        if (len == 0 || (len == 2 && *p < 0xC2))
            return false;
        for (int k = 1; k < len; k++)
            if ((p[k] & 0xC0) != 0x80)
                return false;
        p += len;
    }
    return true;
}

static void test_hostile_inputs(void **state)
{
    (void)state;
    char *out = imp("", 0, NULL, NULL);
    assert_string_equal(out, "---\nstyle: zasto\n---\n");
    free(out);
    out = imp(NULL, 0, NULL, NULL);
    assert_string_equal(out, "---\nstyle: zasto\n---\n");
    free(out);

    /* binary junk, NULs and all */
    size_t n = 1 << 20;
    char *junk = malloc(n);
    assert_non_null(junk);
    uint32_t x = 12345;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        junk[i] = (char)(x >> 16);
    }
    char *err;
    assert_null(imp_fails(junk, n, &err));
    assert_non_null(strstr(err, "t.txt:1:1: error: not UTF-8 (byte 0x"));
    free(err);
    /* text with broken bytes here and there: repaired and reported, line by line */
    for (size_t i = 0; i + 3 <= n; i += 3)
        memcpy(junk + i, i % 300 == 0 ? "\n\xff\x01" : "测", 3);
    char *warn;
    out = imp(junk, n - n % 3, &warn, NULL);
    assert_true(valid_utf8(out));
    assert_non_null(strstr(warn, "invalid UTF-8 or control characters removed"));
    assert_non_null(strstr(warn, "more lines had invalid UTF-8"));
    free(out);
    free(warn);

    /* markup at random: every construct the importer looks for, shuffled */
    static const char *const bits[] = { "#", "## ", "**", "\t", "\n", "\n\n", "目录", "（一）", "一、", "1. ",
                                        "第一章", "第二节", "<http://a.cn>", "。", "，", "(来源：", ")", "|", "图1",
                                        "【2019年3月报】", "总第", "期", "- ", "文字", "Latin" };
    for (size_t i = 0; i < n;) {
        x = x * 1103515245u + 12345u;
        const char *b = bits[(x >> 16) % (sizeof bits / sizeof *bits)];
        size_t k = strlen(b);
        if (i + k >= n)
            break;
        memcpy(junk + i, b, k);
        i += k;
        junk[i] = 0;
    }
    out = imp(junk, strlen(junk), NULL, NULL);
    assert_true(valid_utf8(out));
    free(out);

    /* one huge line, and a huge tab-separated pair of lines */
    for (size_t i = 0; i + 3 <= n; i += 3)
        memcpy(junk + i, "测", 3);
    junk[n - n % 3 - 1] = 0;
    out = imp(junk, strlen(junk), NULL, NULL);
    assert_true(strlen(out) > n - 16);
    free(out);
    for (size_t i = 0; i < n; i++)
        junk[i] = i % 2 ? '\t' : 'a';
    junk[n / 2] = '\n';
    out = imp(junk, n, NULL, NULL);
    assert_true(valid_utf8(out));
    free(out);
    free(junk);
}

/* ---- import_run: the file and the directory ---- */

/* The whole of a small file, as a string (caller frees). */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char *buf = calloc(1, 4096);
    assert_non_null(buf);
    assert_true(fread(buf, 1, 4095, f) < 4095);
    fclose(f);
    return buf;
}

static void test_run_writes_issue(void **state)
{
    (void)state;
    char in[256], dir[256], path[300];
    int st;
    free(tu_run(&st, "mkdir -p %s", tu_tmpdir()));
    snprintf(in, sizeof in, "%s/in.txt", tu_tmpdir());
    snprintf(dir, sizeof dir, "%s/issues/2020-11", tu_tmpdir());
    snprintf(path, sizeof path, "%s/issue.md", dir);
    FILE *f = fopen(in, "w");
    assert_non_null(f);
    fputs("正文。\n", f);
    assert_int_equal(fclose(f), 0);
    char *ebuf = NULL;
    size_t elen = 0;
    FILE *w = open_memstream(&ebuf, &elen);
    diag d;
    diag_init(&d, w);
    import_opts o = { 0 };
    import_counts n;
    assert_int_equal(import_run(in, dir, &o, &n, &d), 0);
    assert_int_equal(d.errors, 0);
    assert_int_equal(n.check, 5);     /* no masthead (4), no contents listing */
    char *got = slurp(path);
    assert_string_equal(got, "---\nstyle: zasto\n---\n\n正文。\n");
    free(got);
    /* the messages name the issue.md written, not the input */
    fflush(w);
    assert_non_null(strstr(ebuf, "jianbao: check these 5 places in "));
    assert_non_null(strstr(ebuf, "/issues/2020-11/issue.md:1:1: warning: masthead has no association"));
    assert_null(strstr(ebuf, "in.txt:"));
    /* an issue.md that is there (perhaps edited) is kept: an error with the way out */
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("edited\n", f);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(import_run(in, dir, &o, &n, &d), -1);
    assert_int_equal(d.errors, 1);
    fflush(w);
    assert_non_null(strstr(ebuf, "/issues/2020-11/issue.md: error: already exists and may hold your corrections; "
                                 "import does not replace it: import into another folder, or add --force to "
                                 "replace it\n"));
    got = slurp(path);
    assert_string_equal(got, "edited\n");
    free(got);
    /* --force replaces it */
    o.force = true;
    assert_int_equal(import_run(in, dir, &o, &n, &d), 0);
    got = slurp(path);
    assert_string_equal(got, "---\nstyle: zasto\n---\n\n正文。\n");
    free(got);
    /* the input is missing: an error, nothing written */
    char missing[300];
    snprintf(missing, sizeof missing, "%s/none.txt", tu_tmpdir());
    assert_int_equal(import_run(missing, dir, &o, &n, &d), -1);
    assert_int_equal(d.errors, 2);
    /* the input is a FIFO (it would block) or a directory: refused */
    char fifo[300];
    snprintf(fifo, sizeof fifo, "%s/fifo.txt", tu_tmpdir());
    free(tu_run(&st, "mkfifo %s", fifo));
    assert_int_equal(st, 0);
    assert_int_equal(import_run(fifo, dir, &o, &n, &d), -1);
    assert_int_equal(import_run(tu_tmpdir(), dir, &o, &n, &d), -1);
    assert_int_equal(d.errors, 4);
    fflush(w);
    assert_non_null(strstr(ebuf, "/fifo.txt: error: not a regular file; give the text file itself\n"));
    /* the output directory cannot be made: a file is in the way */
    snprintf(dir, sizeof dir, "%s/in.txt/sub", tu_tmpdir());
    assert_int_equal(import_run(in, dir, &o, &n, &d), -1);
    assert_int_equal(d.errors, 5);
    fclose(w);
    free(ebuf);
    free(tu_run(&st, "rm -rf %s", tu_tmpdir()));
}

/* ---- the real seed ---- */

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    assert_true(n > 0);
    rewind(f);
    char *s = malloc((size_t)n + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    s[n] = 0;
    *len = (size_t)n;
    return s;
}

static const char *const seed_sections[] = { "企业动态", "政策法规", "协会动态", "行业动态" };

static const char *const seed_titles[] = {
    "金邦达荣获《知识产权管理体系认证证书》",
    "欧比特董事长颜军博士带队赴上海电器科学研究所（集团）有限公司交流",
    "广东首届秘书职业技能大赛在珠海举办，41所高职院校参与",
    "海纳汇2019中国软件产业生态联盟全国巡展会——济南站圆满落幕",
    "评测中心顺利完成广东省科技创新战略专项项目建设",
    "中共中央 国务院印发《粤港澳大湾区发展规划纲要》",
    "商务部等12部门关于推进商品交易市场发展平台经济的指导意见（商建函〔2019〕61号）",
    "广东省人民政府关于印发支持自由贸易试验区深化改革创新若干措施分工方案的通知（粤府函〔2019〕36号）",
    "广东省人民政府关于印发广东省优化口岸营商环境促进跨境贸易便利化措施的通知（粤府函〔2019〕31号）",
    "广东省人民政府关于印发中国（珠海）、中国（东莞）跨境电子商务综合试验区实施方案的通知（粤府函〔2018〕394号）",
    "珠海市商务局关于印发《关于促进中国（珠海）跨境电子商务综合试验区发展的政策措施》的通知",
    "展会邀请|香港国际资讯科技博览会",
    "展会邀请|第七届中国（上海）国际进出口交易会",
    "参会邀请|珠海—槟城集成电路行业交流会",
    "珠海市服务贸易和外包行业协会2019会员大会顺利结束",
    "“湾区时代，共享发展新机遇”2019珠海高峰论坛圆满成功",
    "珠海特区报|珠海服务外包进入快车道",
    "公共服务平台系列活动|创新人力资源管理与实践咨询培训训练营",
    "我市服务贸易和服务外包情况",
    "2019年1月我国服务贸易逆差226亿美元",
    "2018年1-12月广东规模以上服务业营业收入同比增长14.1%",
    "统计局：2018年我国全年GDP同比增长6.6%",
    "商务部：2018年我国服务外包产业继续保持高质量发展",
    "服贸新动态|2019年全国服务贸易和商贸服务业工作会议在京召开",
    "服贸新动态|全国人大代表、广东省省长马兴瑞就“推动广东高质量发展走在全国前列”作答",
};

/* Checks the outline of an issue.md: the 4 sections and 25 articles, in order. */
static void assert_seed_outline(const char *md)
{
    int ns = 0, na = 0;
    char *copy = strdup(md);
    assert_non_null(copy);
    for (char *l = strtok(copy, "\n"); l; l = strtok(NULL, "\n")) {
        if (strncmp(l, "# ", 2) == 0) {
            assert_true(ns < 4);
            assert_string_equal(l + 2, seed_sections[ns]);
            ns++;
        } else if (strncmp(l, "## ", 3) == 0) {
            assert_true(na < 25);
            assert_string_equal(l + 3, seed_titles[na]);
            na++;
        }
        assert_string_not_equal(l, "<http://www.zasto.org.cn>");
        assert_null(strstr(l, "zasto.org.cn>"));
    }
    free(copy);
    assert_int_equal(ns, 4);
    assert_int_equal(na, 25);
}

static size_t cjk_seq(const char *s, size_t n, uint32_t *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if ((c & 0xF0) == 0xE0 && i + 2 < n) {
            uint32_t u = (uint32_t)(c & 0x0F) << 12 | (uint32_t)(s[i + 1] & 0x3F) << 6 | (uint32_t)(s[i + 2] & 0x3F);
            if ((u >= 0x3400 && u <= 0x4DBF) || (u >= 0x4E00 && u <= 0x9FFF))
                out[k++] = u;
            i += 3;
        } else {
            i++;
        }
    }
    return k;
}

/* Share of a's characters found in b in the same order: the longest common subsequence,
 * by Myers' greedy O((N+M)D) algorithm (D, the characters one side lacks, is small here;
 * beyond maxd the share is reported as 0). */
static double in_order_share(const uint32_t *a, size_t n, const uint32_t *b, size_t m)
{
    long maxd = (long)(n + m) / 20, off = maxd + 1;
    long *v = calloc((size_t)(2 * maxd + 3), sizeof *v);
    assert_non_null(v);
    for (long d = 0; d <= maxd; d++)
        for (long k = -d; k <= d; k += 2) {
            long x = k == -d || (k != d && v[off + k - 1] < v[off + k + 1]) ? v[off + k + 1] : v[off + k - 1] + 1;
            long y = x - k;
            while (x < (long)n && y < (long)m && a[x] == b[y])
                x++, y++;
            v[off + k] = x;
            if (x >= (long)n && y >= (long)m) {
                free(v);
                return n ? (double)((long)(n + m) - d) / 2.0 / (double)n : 1.0;
            }
        }
    free(v);
    return 0;
}

static void test_seed(void **state)
{
    (void)state;
    size_t len;
    char *seed = read_all("tests/data/zasto-2019-03.txt", &len);
    int nwarn;
    char *warn;
    char *md = imp(seed, len, &warn, &nwarn);
    assert_seed_outline(md);
    /* a few places to check, at the lines of issue.md that hold them, and the notices
     * of what was done by rule apart (issue 14: 140 messages buried the 20 that matter) */
    assert_int_equal(nwarn, 16);
    assert_msg_at(md, warn, "warning", "lost figure: only its caption \"珠海市及各区12月服务外包执行金额比重\"",
                  "珠海市及各区12月服务外包执行金额比重");
    assert_msg_at(md, warn, "warning", "table: no header row found", "<table>");
    assert_msg_at(md, warn, "warning", "heading \"广东省广东省人民政府", "## 广东省人民政府关于印发中国（珠海）");
    assert_msg_at(md, warn, "note", "section heading \"政策法规\" was level 2; now level 1", "# 政策法规");
    assert_non_null(strstr(warn, "jianbao: 129 notices: what the import did on its own\n"));
    /* the five notices' signatures */
    assert_msg_at(md, warn, "note", "signature (落款): 3 issuing-body lines", "```signature");
    assert_true(has_line(md, "```signature\n商务部 科技部 工业和信息化部 财政部 自然资源部\n"
                             "住房和城乡建设部 人民银行 海关总署 税务总局\n市场监督管理总局 银保监会 证监会\n"
                             "2019年2月12日\n```"));
    size_t nsig = 0;
    for (const char *p = md; (p = strstr(p, "```signature\n")) != NULL; p++)
        nsig++;
    assert_int_equal(nsig, 5);
    assert_true(strncmp(md, "---\nassociation: 珠海市服务贸易和外包行业协会\n"
                            "association_en: Zhuhai Association of Service Trade and Outsourcing\n"
                            "title: 简报\nnumber: 珠外协编【2019年3月报】\nissue: 总第29期\nmonth: 2019-03\n"
                            "editor: 徐阳丽\ntypesetter: 张友明 吕钰峰\nphone: 0756-3628126\nfax: 0756-3628125\n"
                            "website: http://www.zasto.org.cn\nstyle: zasto\n---\n\n# 企业动态\n",
                    strlen("---\nassociation: 珠海市服务贸易和外包行业协会\n"
                           "association_en: Zhuhai Association of Service Trade and Outsourcing\n"
                           "title: 简报\nnumber: 珠外协编【2019年3月报】\nissue: 总第29期\nmonth: 2019-03\n"
                           "editor: 徐阳丽\ntypesetter: 张友明 吕钰峰\nphone: 0756-3628126\nfax: 0756-3628125\n"
                           "website: http://www.zasto.org.cn\nstyle: zasto\n---\n\n# 企业动态\n")) == 0);
    /* the four tables, every cell of the spanned headers */
    assert_true(has_line(md, "<tr><th rowspan=\"3\">单位</th><th colspan=\"5\">12月</th></tr>"));
    assert_true(has_line(md, "<tr><th colspan=\"2\">实际完成</th><th colspan=\"3\">年度目标</th></tr>"));
    assert_true(has_line(md, "<tr><th colspan=\"6\">服务外包执行金额 (万美元)</th></tr>"));
    assert_true(has_line(md, "<caption>中国国际货物和服务贸易（国际收支口径）</caption>"));
    assert_true(has_line(md, "| 11:40-12:00 | 对接交流 |"));
    assert_true(has_line(md, "<tr><td>邓炯州</td><td>珠海市驻槟城招商代理</td></tr>"));
    /* paragraphs cut at page breaks are whole again */
    assert_non_null(strstr(md, "深入介绍飞企互联通过聚焦智慧园区建设"));
    assert_non_null(strstr(md, "**一是大力推进制造强省建设**。坚持制造业立省，聚焦电子信息、绿色石化"));
    assert_non_null(strstr(md, "预计单位GDP能耗下降3.2%"));
    assert_non_null(strstr(md, "（来源：珠海特区报）"));

    /* the text survives in order: the seed's CJK characters outside the running footers and
     * the contents listing (dropped by design: jianbao makes its own) */
    uint32_t *a = malloc(len * sizeof *a), *b = malloc(strlen(md) * sizeof *b);
    assert_non_null(a);
    assert_non_null(b);
    size_t na = 0, na_all = 0;
    bool in_contents = false, seen_contents = false;
    uint32_t *all = malloc(len * sizeof *all);
    assert_non_null(all);
    for (char *l = seed; l && *l;) {
        char *e = strchr(l, '\n');
        size_t n = e ? (size_t)(e - l) : strlen(l);
        if (!seen_contents && strncmp(l, "## 目录", strlen("## 目录")) == 0)
            in_contents = seen_contents = true;
        else if (in_contents && n == strlen("## 企业动态") && strncmp(l, "## 企业动态", n) == 0)
            in_contents = false;
        bool footer = n == strlen("<http://www.zasto.org.cn>") && strncmp(l, "<http://www.zasto.org.cn>", n) == 0;
        if (!footer) {
            na_all += cjk_seq(l, n, all + na_all);
            if (!in_contents)
                na += cjk_seq(l, n, a + na);
        }
        l = e ? e + 1 : NULL;
    }
    size_t nb = cjk_seq(md, strlen(md), b);
    double share = in_order_share(a, na, b, nb), share_all = in_order_share(all, na_all, b, nb);
    print_message("seed: %zu CJK characters (%zu with the contents listing); in order in the output: "
                  "%.3f %% (%.3f %%); %d warnings\n",
                  na, na_all, 100 * share, 100 * share_all, nwarn);
    assert_true(share >= 0.995);
    free(a);
    free(b);
    free(all);
    free(md);
    free(warn);
    free(seed);
}

/* ---- encodings: GB 18030 (GBK) and UTF-16 are converted, what cannot be told refused ---- */

/* The seed (or text, when set) converted by the iconv command to encoding to (extra
 * options in opt), read back. */
static char *encoded(const char *text, const char *to, const char *opt, size_t *len)
{
    char path[300], src[300];
    snprintf(path, sizeof path, "%s/in.%s", tu_tmpdir(), to);
    snprintf(src, sizeof src, "%s/in.utf8", tu_tmpdir());
    int st;
    free(tu_run(&st, "mkdir -p %s", tu_tmpdir()));
    if (text) {
        FILE *f = fopen(src, "w");
        assert_non_null(f);
        fputs(text, f);
        assert_int_equal(fclose(f), 0);
    }
    free(tu_run(&st, "iconv %s -f UTF-8 -t %s %s > %s", opt, to, text ? src : "tests/data/zasto-2019-03.txt", path));
    return read_all(path, len);
}

static void test_encodings(void **state)
{
    (void)state;
    size_t len, n;
    char *seed = read_all("tests/data/zasto-2019-03.txt", &len);
    char *want = imp(seed, len, NULL, NULL);
    /* the whole seed in each encoding gives the same issue.md, with a note saying so */
    static const struct {
        const char *enc, *note;
    } cases[] = {
        { "GB18030", "t.txt: note: converted from GB18030\n" },
        { "GBK", "t.txt: note: converted from GB18030\n" },
        { "UTF-16LE", "t.txt: note: converted from UTF-16LE\n" },
        { "UTF-16BE", "t.txt: note: converted from UTF-16BE\n" },
        { "UTF-16", "t.txt: note: converted from UTF-16" },     /* with a byte-order mark */
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        char *in = encoded(NULL, cases[k].enc, "", &n), *warn;
        char *out = imp(in, n, &warn, NULL);
        assert_string_equal(out, want);
        assert_true(strncmp(warn, cases[k].note, strlen(cases[k].note)) == 0);
        free(out);
        free(warn);
        free(in);
    }
    /* short texts: GBK, and UTF-16 of Han alone (no NUL bytes) in both byte orders */
    static const char *const short_encs[] = { "GBK", "UTF-16LE", "UTF-16BE" };
    for (size_t k = 0; k < 3; k++) {
        char *in = encoded("你好，世界。第二句。", short_encs[k], "", &n), *warn;
        char *out = imp(in, n, &warn, NULL);
        assert_string_equal(out, "---\nstyle: zasto\n---\n\n你好，世界。第二句。\n");
        assert_non_null(strstr(warn, "t.txt: note: converted from "));
        free(out);
        free(warn);
        free(in);
    }
    /* Big5 is valid as neither UTF-8 nor as GB 18030 that reads as Chinese: refused at its
     * first byte that is not UTF-8, with the way out */
    char *err, *in = encoded(NULL, "BIG5", "-c", &n);
    assert_null(imp_fails(in, n, &err));
    assert_non_null(strstr(err, "t.txt:5:3: error: not UTF-8 (byte 0xAF), nor GB 18030/GBK or UTF-16: cannot tell the "
                                "encoding; convert the file to UTF-8 first: iconv -f ENCODING -t UTF-8 t.txt > utf8.txt, "
                                "where ENCODING is the one it was saved in (for example BIG5)\n"));
    free(err);
    free(in);
    /* a byte-order mark on bytes that do not follow it */
    assert_null(imp_fails("\xff\xfe\x00\xd8", 4, &err));
    assert_string_equal(err, "t.txt: error: starts with a UTF-16LE byte-order mark but is not valid UTF-16LE; save it "
                             "again as UTF-8\n");
    free(err);
    /* a stray Latin-1 byte in UTF-8 text is repaired, not taken for another encoding */
    char *warn, *out = imp("caf\xe9 au lait\n", strlen("caf\xe9 au lait\n"), &warn, NULL);
    assert_string_equal(out, "---\nstyle: zasto\n---\n\ncaf\xef\xbf\xbd au lait\n");
    assert_non_null(strstr(warn, "t.md:5:1: warning: invalid UTF-8 or control characters removed from this line\n"));
    assert_null(strstr(warn, "note: converted"));
    free(out);
    free(warn);
    free(want);
    free(seed);
    int st;
    free(tu_run(&st, "rm -rf %s", tu_tmpdir()));
}

/* The committed, hand-corrected issue keeps the outline the importer found. */
static void test_committed_issue_outline(void **state)
{
    (void)state;
    size_t len;
    char *md = read_all("issues/2019-03/issue.md", &len);
    assert_seed_outline(md);
    /* the lost charts, rebuilt from the 服务外包 table's 实际完成 总量 column (districts) */
    assert_non_null(strstr(md, "</table>\n\n"
                               "```chart\ntype: bar\ntitle: 珠海市及各区12月服务外包执行\nunit: 万美元\n"
                               "labels: 横琴新区, 香洲区, 金湾区, 斗门区, 高新区, 万山区, 高栏港区, 富山工业区\n"
                               "series: 执行金额 | 35863.0, 8232.2, 849.4, 171.3, 13519.8, 0.0, 937.8, 49.0\n```\n\n"
                               "```chart\ntype: pie\ntitle: 珠海市及各区12月服务外包执行金额比重\nunit: 万美元\n"
                               "labels: 横琴新区, 香洲区, 金湾区, 斗门区, 高新区, 高栏港区, 富山工业区\n"
                               "series: 执行金额 | 35863.0, 8232.2, 849.4, 171.3, 13519.8, 937.8, 49.0\n```\n"));
    assert_null(strstr(md, "思想 and "));
    assert_null(strstr(md, "维护 and "));
    assert_null(strstr(md, "  \n"));
    free(md);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_footer_and_page_split),
        cmocka_unit_test(test_repeated_line_not_url_kept),
        cmocka_unit_test(test_rejoin_wrapped_lines),
        cmocka_unit_test(test_rejoin_unsure_reported),
        cmocka_unit_test(test_table_regular_pipe),
        cmocka_unit_test(test_table_merged_header_html),
        cmocka_unit_test(test_table_title_row_and_ragged),
        cmocka_unit_test(test_table_without_header),
        cmocka_unit_test(test_masthead_front_matter),
        cmocka_unit_test(test_sections_and_articles_from_contents),
        cmocka_unit_test(test_numbering_levels),
        cmocka_unit_test(test_document_contents_and_parts),
        cmocka_unit_test(test_heading_line_break_space),
        cmocka_unit_test(test_sources_emphasis_notes_figures),
        cmocka_unit_test(test_signatures),
        cmocka_unit_test(test_docx_typography),
        cmocka_unit_test(test_docx_article),
        cmocka_unit_test(test_warnings_file_line),
        cmocka_unit_test(test_messages_point_into_issue_md),
        cmocka_unit_test(test_hostile_inputs),
        cmocka_unit_test(test_run_writes_issue),
        cmocka_unit_test(test_seed),
        cmocka_unit_test(test_encodings),
        cmocka_unit_test(test_committed_issue_outline),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
