#pragma once
/* components/esp_netif/include/esp_netif.h (v5.5.5) */
#include "esp_err.h"
esp_err_t esp_netif_init(void);
