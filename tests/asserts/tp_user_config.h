/*
 * Options of the library build behind tests/test_pool_asserts.c: assertions
 * route to cmocka's mock_assert (so a test can expect one to fire), the
 * uninitialised-pool check is on, and pools lock (the host port's spinlock,
 * which a garbage tp_pool_t would leave "taken" forever).
 */
#ifndef TP_TEST_ASSERTS_CONFIG_H
#define TP_TEST_ASSERTS_CONFIG_H

void mock_assert(const int result, const char *const expression, const char *const file, const int line);
#define TP_CFG_ASSERT(expr) mock_assert((int)(expr), #expr, __FILE__, __LINE__)
#define TP_CFG_CHECK_INIT 1
#define TP_CFG_THREAD_SAFE 1

#endif
