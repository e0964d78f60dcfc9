/* Includes tp_config.h alone: tests/config/check_config.cmake compiles it
 * with option values that tp_config.h must accept or refuse. */
#include "tp_config.h"

int tp_config_probe(void);
int tp_config_probe(void)
{
    return TP_CFG_THREAD_SAFE + TP_CFG_MAX_TIERS;
}
