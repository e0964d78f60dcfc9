#include "cmocka.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
static jmp_buf tp_mini_jump;
void print_message(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
}
void tp_mini_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("[  ERROR   ] --- ");
    vprintf(fmt, ap);
    printf("\n[   LINE   ] --- %s:%d: error: Failure!\n", file, line);
    va_end(ap);
    longjmp(tp_mini_jump, 1);
}
int tp_mini_memeq(const void *a, const void *b, size_t n)
{
    return memcmp(a, b, n) == 0;
}
int tp_mini_run(const char *group, const struct CMUnitTest *tests, size_t n, CMFixtureFunction s, CMFixtureFunction t)
{
    (void)group;
    volatile int failed = 0;
    printf("[==========] Running %u test(s).\n", (unsigned)n);
    if (s != NULL && s(NULL) != 0) {
        return (int)n;
    }
    for (size_t i = 0; i < n; i++) {
        void *state = tests[i].initial_state;
        printf("[ RUN      ] %s\n", tests[i].name);
        volatile int ok = 1;
        if (tests[i].setup_func != NULL && tests[i].setup_func(&state) != 0) {
            ok = 0;
        } else if (setjmp(tp_mini_jump) == 0) {
            tests[i].test_func(&state);
        } else {
            ok = 0;
        }
        if (ok && tests[i].teardown_func != NULL && tests[i].teardown_func(&state) != 0) {
            ok = 0;
        }
        printf(ok ? "[       OK ] %s\n" : "[  FAILED  ] %s\n", tests[i].name);
        failed += !ok;
    }
    if (t != NULL) {
        (void)t(NULL);
    }
    printf("[==========] %u test(s) run.\n[  PASSED  ] %u test(s).\n", (unsigned)n, (unsigned)(n - (size_t)failed));
    return failed;
}
