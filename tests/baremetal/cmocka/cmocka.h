/* The subset of cmocka's API the tierpool tests use, for bare-metal targets:
 * tests run in order, a failed assertion longjmps out of the test. */
#ifndef TP_MINI_CMOCKA_H
#define TP_MINI_CMOCKA_H
#include <stdint.h>
#include <stddef.h>
typedef void (*CMUnitTestFunction)(void **state);
typedef int (*CMFixtureFunction)(void **state);
struct CMUnitTest {
    const char *name;
    CMUnitTestFunction test_func;
    CMFixtureFunction setup_func;
    CMFixtureFunction teardown_func;
    void *initial_state;
};
#define cmocka_unit_test(f)     \
    {                           \
#f, f, NULL, NULL, NULL \
    }
#define cmocka_unit_test_setup_teardown(f, s, t) \
    {                                            \
#f, f, s, t, NULL                        \
    }
int tp_mini_run(const char *group, const struct CMUnitTest *tests, size_t n, CMFixtureFunction s, CMFixtureFunction t);
#define cmocka_run_group_tests(tests, s, t) tp_mini_run(#tests, tests, sizeof(tests) / sizeof((tests)[0]), s, t)
void tp_mini_fail(const char *file, int line, const char *fmt, ...) __attribute__((noreturn, format(printf, 3, 4)));
void print_message(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define fail_msg(...) tp_mini_fail(__FILE__, __LINE__, __VA_ARGS__)
#define assert_true(c)                                  \
    do {                                                \
        if (!(c))                                       \
            tp_mini_fail(__FILE__, __LINE__, "%s", #c); \
    } while (0)
#define assert_false(c) assert_true(!(c))
#define assert_int_equal(a, b)                                                                                  \
    do {                                                                                                        \
        uintmax_t a_ = (uintmax_t)(a), b_ = (uintmax_t)(b);                                                     \
        if (a_ != b_)                                                                                           \
            tp_mini_fail(__FILE__, __LINE__, "%#llx != %#llx", (unsigned long long)a_, (unsigned long long)b_); \
    } while (0)
#define assert_int_not_equal(a, b)                                \
    do {                                                          \
        if ((uintmax_t)(a) == (uintmax_t)(b))                     \
            tp_mini_fail(__FILE__, __LINE__, "%s == %s", #a, #b); \
    } while (0)
#define assert_null(p) assert_true((p) == NULL)
#define assert_non_null(p) assert_true((p) != NULL)
#define assert_ptr_equal(a, b) assert_true((const void *)(a) == (const void *)(b))
#define assert_ptr_not_equal(a, b) assert_true((const void *)(a) != (const void *)(b))
int tp_mini_memeq(const void *a, const void *b, size_t n);
#define assert_memory_equal(a, b, n) assert_true(tp_mini_memeq((a), (b), (n)))
#endif
