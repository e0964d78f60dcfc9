/* Passes only in a build with assertions on (-DTP_ASSERTIONS=ON): the proof
 * that scripts/test.sh's assertion build is one. */
#include <stdio.h>

#include "tp_config.h"

int main(void)
{
#if defined(NDEBUG) || !TP_CFG_CHECK_INIT
    puts("NDEBUG is defined: TP_CFG_ASSERT and TP_CFG_CHECK_INIT are compiled out");
    return 1;
#else
    puts("assertions on: TP_CFG_ASSERT is assert(), TP_CFG_CHECK_INIT is 1");
    return 0;
#endif
}
