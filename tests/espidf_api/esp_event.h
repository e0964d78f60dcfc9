#pragma once
/* components/esp_event/include/esp_event.h (v5.5.5) */
#include "esp_err.h"
esp_err_t esp_event_loop_create_default(void);
